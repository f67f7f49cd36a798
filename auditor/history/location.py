"""Where the history lives: a SQLite file (one user's) or a PostgreSQL database (a team's).

One place decides it, for every command and the TUI (``history_location``):

1. an explicit location (``--history-url URL``, or a path / URL passed to ``HistoryStore``);
2. else ``$POSTURE_AUDITOR_HISTORY_URL``;
3. else the SQLite file ``$POSTURE_AUDITOR_HOME/history.sqlite3``, or the platform's user data directory.

Accepted forms: a file path (``history.sqlite3``, ``~/h.sqlite3``), ``sqlite:///abs/path.sqlite3``
(``sqlite:relative.sqlite3`` for a relative path), and ``postgresql://user@host:port/dbname?...`` (or
``postgres://``; libpq's URL, so ``sslmode=``, ``PGPASSWORD`` and ``~/.pgpass`` work as usual).

A password in a URL is a secret: ``HistoryLocation`` prints the URL with it replaced by ``***``
(``str(location)``, every message); the raw URL is only handed to the driver.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from auditor.history.errors import HistoryError

HOME_ENV = "POSTURE_AUDITOR_HOME"
HISTORY_URL_ENV = "POSTURE_AUDITOR_HISTORY_URL"
APP_NAME = "posture-auditor"
DB_NAME = "history.sqlite3"
REDACTED = "***"

Backend = Literal["sqlite", "postgresql"]
_URL_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
_POSTGRESQL_SCHEMES = ("postgresql", "postgres")
_SECRET_QUERY_KEYS = {"password", "sslpassword"}


@dataclass(frozen=True)
class HistoryLocation:
    """A parsed history location. ``str()`` is safe to print (no password); ``url`` is not."""

    backend: Backend
    path: Path | None = None
    """The SQLite file (None for PostgreSQL)."""
    url: str | None = field(default=None, repr=False)
    """The PostgreSQL URL as given, password included: only for the driver, never printed."""

    def __str__(self) -> str:
        if self.path is not None:
            return str(self.path)
        return redact_url(self.url or "")

    def __repr__(self) -> str:
        return f"HistoryLocation({self.backend!r}, {str(self)!r})"

    def secrets(self) -> list[str]:
        """The password(s) the URL carries (raw and percent-decoded), to scrub from any message."""
        if self.url is None:
            return []
        found: set[str] = set()
        _prefix, userinfo, rest = _split_userinfo(self.url)
        if userinfo is not None and ":" in userinfo:
            raw = userinfo.partition(":")[2]
            found.update({raw, unquote(raw)})
        for key, value in parse_qsl(rest.partition("?")[2], keep_blank_values=True):
            if key.lower() in _SECRET_QUERY_KEYS:
                found.update({value, quote(value, safe="")})
        return sorted((secret for secret in found if secret), key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every password of the URL replaced by ``***`` (for driver error messages)."""
        for secret in self.secrets():
            text = text.replace(secret, REDACTED)
        return text


def default_history_path() -> Path:
    """``$POSTURE_AUDITOR_HOME/history.sqlite3``, else the platform's user data directory."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser() / DB_NAME
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_NAME


def history_location(given: HistoryLocation | str | os.PathLike[str] | None = None) -> HistoryLocation:
    """The history to use: ``given`` (a location, a URL or a path), else the environment, else the
    default SQLite file. A URL that cannot be a history raises ``HistoryError`` naming it (redacted)."""
    if isinstance(given, HistoryLocation):
        return given
    if isinstance(given, os.PathLike):
        return HistoryLocation("sqlite", path=Path(given).expanduser())
    text = (given or "").strip() or os.environ.get(HISTORY_URL_ENV, "").strip()
    if not text:
        return HistoryLocation("sqlite", path=default_history_path())
    return parse_history_url(text)


def parse_history_url(text: str) -> HistoryLocation:
    """A path, ``sqlite:...`` or ``postgresql://...``; anything else raises ``HistoryError``."""
    match = _URL_SCHEME.match(text)
    scheme = match.group("scheme").lower() if match else ""
    if scheme in _POSTGRESQL_SCHEMES:
        if not text[match.end() if match else 0 :].strip("/"):
            raise HistoryError(f"{redact_url(text)}: a PostgreSQL history URL needs a host or a database")
        return HistoryLocation("postgresql", url=text)
    if scheme == "sqlite":
        return HistoryLocation("sqlite", path=_sqlite_path(text))
    if match and text[match.end() :].startswith("//"):  # a URL of another kind (mysql://...)
        raise HistoryError(
            f"{redact_url(text)}: not a history URL (use a SQLite file path, sqlite:///path, or "
            "postgresql://user@host/dbname)"
        )
    return HistoryLocation("sqlite", path=Path(text).expanduser())


def _sqlite_path(text: str) -> Path:
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise HistoryError(f"{text}: not a valid sqlite: URL ({error})") from error
    if parts.netloc not in ("", "localhost"):
        raise HistoryError(f"{text}: a sqlite: URL names a local file (sqlite:///path), not a host")
    path = unquote(parts.path)
    if path.startswith("//"):  # sqlite:////abs/path (SQLAlchemy's spelling of an absolute path)
        path = "/" + path.lstrip("/")
    if not path.strip("/"):
        raise HistoryError(f"{text}: a sqlite: URL needs a file path (sqlite:///path/history.sqlite3)")
    return Path(path).expanduser()


def redact_url(url: str) -> str:
    """The URL with its password (in the user info or a ``password=`` parameter) replaced by ``***``.

    The user info is read as libpq reads it: what comes before an ``@`` in the part up to the first
    ``/`` (the last ``@`` there, so a password holding an unescaped ``@`` is hidden whole). A password
    should be percent-encoded in a URL, or better kept out of it (``PGPASSWORD``, ``~/.pgpass``)."""
    prefix, userinfo, rest = _split_userinfo(url)
    shown = prefix
    if userinfo is not None:
        shown += f"{userinfo.partition(':')[0]}:{REDACTED}@" if ":" in userinfo else f"{userinfo}@"
    head, question, query = rest.partition("?")
    if question:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key.lower() in _SECRET_QUERY_KEYS for key, _ in pairs):
            query = urlencode(
                [(key, REDACTED if key.lower() in _SECRET_QUERY_KEYS else value) for key, value in pairs],
                safe="*",
            )
    return shown + head + question + query


def _split_userinfo(url: str) -> tuple[str, str | None, str]:
    """``scheme://``, the user info (None when there is none) and the rest (host, path, query)."""
    scheme, slashes, remainder = url.partition("://")
    if not slashes:
        return "", None, url
    authority = remainder.split("/", 1)[0]
    at = authority.rfind("@")
    if at < 0:
        return scheme + slashes, None, remainder
    return scheme + slashes, remainder[:at], remainder[at + 1 :]
