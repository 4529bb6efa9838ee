"""Who did what, and when: an append-only log any capability writes to."""
