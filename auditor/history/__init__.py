"""Scan history: every scan stored, for `auditor history`, `auditor diff`, the reports, the quiz and the TUI.

One store interface (``HistoryStore``), two engines: a SQLite file (one user's history, the default) or
a PostgreSQL database (a team's, ``--history-url postgresql://...`` or ``$POSTURE_AUDITOR_HISTORY_URL``),
with the same versioned schema and migrations. Where: ``auditor.history.location``; the schema:
``auditor.history.schema``; the engines: ``auditor.history.sqlite`` and ``auditor.history.postgresql``
(psycopg is imported only when a PostgreSQL history is used). docs/history.md has the details.
"""

from auditor.history.errors import HistoryError, HistoryMissing, ScanNotFound
from auditor.history.location import (
    HISTORY_URL_ENV,
    HOME_ENV,
    HistoryLocation,
    default_history_path,
    history_location,
    redact_url,
)
from auditor.history.schema import MIGRATIONS, SCHEMA_VERSION
from auditor.history.store import BenchmarkScoreRow, ControlKey, HistoryStore, ScanSummary

__all__ = [
    "HISTORY_URL_ENV",
    "HOME_ENV",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BenchmarkScoreRow",
    "ControlKey",
    "HistoryError",
    "HistoryLocation",
    "HistoryMissing",
    "HistoryStore",
    "ScanNotFound",
    "ScanSummary",
    "default_history_path",
    "history_location",
    "redact_url",
]
