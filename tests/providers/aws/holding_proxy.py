"""An HTTP proxy on loopback in front of the moto server, for faults that must reach other processes.

The cluster's workers are separate processes, so the in-process botocore hooks of ``wire.py`` cannot
reach their calls; this proxy sits on the wire instead (``AWS_ENDPOINT_URL`` points at it). It can:

- hold every request of one access key to one service (read from the SigV4 ``Authorization`` header's
  credential scope) until released, or 30 s: a shard then stays in flight on its worker;
- record the temporary secrets that sts:AssumeRole answers carry, so a test can look for them where they
  must never appear.
"""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

MAX_HOLD = 30.0
_SCOPE = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request")
_SECRETS = re.compile(r"<(SecretAccessKey|SessionToken)>([^<]+)</")


class HoldingProxy:
    """ThreadingHTTPServer on 127.0.0.1 forwarding to ``target`` (see the module's doc)."""

    def __init__(self, target: str) -> None:
        parsed = urlparse(target)
        upstream_host, upstream_port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._held: tuple[str, str] | None = None
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.held = 0
        """Requests that were held (each attempt counts)."""
        self.secrets: set[str] = set()
        """Every SecretAccessKey and SessionToken an AssumeRole answer carried."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                proxy._maybe_hold(self.headers.get("Authorization", ""))
                upstream = http.client.HTTPConnection(upstream_host, upstream_port, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                proxy._record(data)
                try:
                    self.send_response(answer.status)
                    for key, value in answer.getheaders():
                        if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the caller is gone (its worker was killed while held)
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self, access_key: str, service: str) -> None:
        """From now on, hold every request signed by ``access_key`` for ``service`` (SigV4 name)."""
        with self._lock:
            self._release.clear()
            self._held = (access_key, service)

    def release(self) -> None:
        """Let every held request go and hold no more."""
        with self._lock:
            self._held = None
            self._release.set()

    def _maybe_hold(self, authorization: str) -> None:
        match = _SCOPE.search(authorization)
        with self._lock:
            hold = match is not None and self._held == (match.group(1), match.group(2))
            if hold:
                self.held += 1
        if hold:
            self._release.wait(MAX_HOLD)

    def _record(self, data: bytes) -> None:
        if b"AssumeRoleResponse" in data:
            found = {value for _, value in _SECRETS.findall(data.decode("utf-8", "replace"))}
            with self._lock:
                self.secrets |= found

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
