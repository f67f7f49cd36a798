"""`--history-url`: the one option every command that reads or writes the history takes, and the one
way the CLI opens the store (``auditor.history.location`` resolves it: the option, else
``$POSTURE_AUDITOR_HISTORY_URL``, else the SQLite file under ``$POSTURE_AUDITOR_HOME`` / the user data
directory)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.console import fail

if TYPE_CHECKING:
    from auditor.history import HistoryLocation, HistoryStore

HISTORY_URL_HELP = (
    "The history store: a SQLite file path (or sqlite:///path), or postgresql://user@host/dbname for a "
    "team's shared history. Default: $POSTURE_AUDITOR_HISTORY_URL, else the SQLite file under "
    "$POSTURE_AUDITOR_HOME or the user data directory. A password in it is never printed."
)

HistoryUrlOption = Annotated[
    str | None, typer.Option("--history-url", metavar="URL", help=HISTORY_URL_HELP, show_default=False)
]


def location_or_fail(url: str | None) -> HistoryLocation:
    """Where the history is; a URL that cannot be one exits 1 naming it (password redacted)."""
    from auditor.history import HistoryError, history_location

    try:
        return history_location(url)
    except HistoryError as error:
        fail(str(error))


def open_existing(url: str | None) -> HistoryStore | None:
    """The history store if one exists there (None when nothing was ever saved); a store that cannot be
    used (corrupted, not ours, newer, unreachable, refused) exits 1 with the message naming it."""
    from auditor.history import HistoryError, HistoryMissing, HistoryStore

    location = location_or_fail(url)
    try:
        return HistoryStore(location, create=False)
    except HistoryMissing:
        return None
    except HistoryError as error:
        fail(str(error))
