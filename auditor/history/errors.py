"""What goes wrong with a history store. Every message names the store (a path, or a redacted URL)."""

from __future__ import annotations


class HistoryError(Exception):
    """The history store cannot be used. The message names the path or the (redacted) URL."""


class HistoryMissing(HistoryError):
    """No history there yet (no file, or a PostgreSQL database without our tables), and the caller
    asked not to create one."""


class ScanNotFound(HistoryError):
    """No scan with that id in the history. The message names the id and the store."""
