"""Failures of the storage layer that callers can act on."""


class DatabaseUnavailable(Exception):
    """The database cannot be reached or cannot serve now; the message says why."""
