"""The only way WeasyPrint may load anything while it lays out a report.

``ReportFetcher`` serves ``data:`` URIs and regular files inside the ``reports`` package directory
(the stylesheet), and refuses everything else by raising ``FetchRefused``: ``file://`` outside the
package (symlinks are resolved first, so a link cannot lead out), ``http(s)://``, ``ftp://`` and any
other scheme. It never opens a network connection, so there is no redirect to follow either.

Every URL WeasyPrint asks for is recorded in ``attempts``, and the refused ones in ``refused``, so a
test can assert that a hostile resource name never caused a fetch at all.

WeasyPrint 70's API: a fetcher is an instance of ``weasyprint.urls.URLFetcher`` whose ``fetch(url,
headers=None)`` returns a ``URLFetcherResponse`` (``url``, ``body``, ``headers``); an exception other
than ``FatalURLFetchingError`` makes WeasyPrint log a warning and skip the resource.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

__all__ = ["PACKAGE_DIR", "FetchRefused", "ReportFetcher", "package_base_url"]

PACKAGE_DIR = Path(__file__).resolve().parent
"""The ``reports`` package directory: the only place files are served from."""

_MAX_BYTES = 16 * 1024 * 1024


class FetchRefused(URLFetchingError):
    """WeasyPrint asked for a URL the report may not load."""


def package_base_url(root: Path = PACKAGE_DIR) -> str:
    """A ``file://`` base URL pointing into the package, so ``static/report.css`` resolves there."""
    return root.resolve().as_uri() + "/"


class ReportFetcher(URLFetcher):
    """Serve ``data:`` URIs and files under ``root``; refuse and record everything else."""

    def __init__(self, root: Path = PACKAGE_DIR) -> None:
        # Only the bookkeeping of the base class is used (WeasyPrint reads ``_fail_on_errors``);
        # its urllib handlers are never called, since ``fetch`` does not delegate to them.
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False)
        self.root = Path(os.path.realpath(root))
        self.attempts: list[str] = []
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.attempts.append(url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            response = self._data(url)
        elif scheme == "file":
            response = self._file(url)
        else:
            raise self._refuse(url, f"scheme {scheme or '(none)'!r} is not allowed")
        self.served.append(url)
        return response

    def _refuse(self, url: str, why: str) -> FetchRefused:
        self.refused.append(url)
        return FetchRefused(f"refused to fetch {url[:200]!r}: {why}")

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise self._refuse(url, "malformed data: URI")
        params = header.split(";")
        is_base64 = params[-1].strip().lower() == "base64"
        if is_base64:
            params = params[:-1]
        media_type = params[0].strip() or "text/plain"
        try:
            body = (
                base64.b64decode(unquote(payload), validate=False) if is_base64 else unquote_to_bytes(payload)
            )
        except ValueError as error:
            raise self._refuse(url, f"malformed data: URI ({error})") from None
        content_type = ";".join([media_type, *(p.strip() for p in params[1:] if p.strip())])
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, f"remote file host {parts.netloc!r}")
        real = os.path.realpath(url2pathname(parts.path))
        root = str(self.root)
        if os.path.commonpath([real, root]) != root:
            raise self._refuse(url, "outside the reports package")
        if not os.path.isfile(real):
            raise self._refuse(url, "not a regular file inside the reports package")
        with open(real, "rb") as handle:
            body = handle.read(_MAX_BYTES + 1)
        if len(body) > _MAX_BYTES:
            raise self._refuse(url, "file too large")
        content_type = mimetypes.guess_type(real)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
