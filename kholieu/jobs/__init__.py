"""Background jobs: the queue (huey on SQLite or Redis), the jobs table, the runner."""
