"""Search: the SearchBackend contract, the outbox that feeds it, and (later) its backends."""
