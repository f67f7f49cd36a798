"""A small Azure Resource Manager (ARM) emulator: HTTPS on 127.0.0.1, for the real azure-mgmt-* clients.

The Azure SDKs refuse bearer tokens over plain HTTP, so the server speaks TLS with a self-signed
certificate generated at start (``cert_path`` is what clients pass as ``connection_verify``). It serves
what it is seeded with (``add_collection`` for list endpoints, ``add_item`` for single resources), the
way ARM does:

- every path belongs to a route (``auditor.emulators.arm_routes``: one per Azure REST operation), which
  serves one ``api-version``; a request at another version gets ARM's 400 ``InvalidApiVersionParameter``
  (``MissingApiVersionParameter`` without one), a path no route serves a 404 ``InvalidResourceType``;
- paths match case-insensitively, repeated slashes collapse;
- a paged collection answers ``{"value": [...], "nextLink": ...}`` with ``page_size`` items per page; an
  unpaged one (Defender pricings) answers ``{"value": [...]}`` whole;
- ``$filter=resourceType eq '...'`` on a collection keeps the items of that type;
- faults (``add_fault``): 429 with ``Retry-After`` N times then success, 403 ``AuthorizationFailed``, 5xx,
  with ARM's ``{"error": {"code", "message"}}`` bodies; a held (slow) answer (``delay``); a 200 whose body
  is not JSON or has the wrong shape, or an empty list (``body``);
- anything but GET gets 405 and an ARM error body; every request is recorded (``requests``) so a test
  can prove what reached it.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken

from auditor.emulators.arm_routes import ROUTES, ArmRoute, route_for

_FILTER_TYPE = re.compile(r"resourceType\s+eq\s+'([^']+)'", re.IGNORECASE)


def canonical_path(path: str) -> str:
    """The lookup key of a path: lower case, one slash between segments, no trailing slash."""
    collapsed = re.sub(r"/+", "/", "/" + urllib.parse.unquote(path).strip("/"))
    return collapsed.lower()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str = ""
    at: float = 0.0
    """time.monotonic() when it arrived."""
    operation: str = ""
    """The route's operationId ('' when no route serves the path)."""

    @property
    def api_version(self) -> str:
        return (urllib.parse.parse_qs(self.query).get("api-version") or [""])[0]


MAX_DELAY = 30.0
"""The longest a ``Fault.delay`` holds a request (a test's teardown never waits longer)."""
NOT_JSON = "<html><body>502 Bad Gateway (emulated proxy page)</body></html>"
"""A 200 body that is not JSON (what a captive proxy or a broken gateway sends)."""
WRONG_SHAPE = '{"value": {"id": 7, "properties": "not an object"}, "nextLink": 42}'
"""A 200 JSON body of the wrong shape: ``value`` is an object, not a list; ``nextLink`` a number."""
EMPTY_LIST = '{"value": []}'
"""A valid, empty answer for a list path."""


@dataclass
class Fault:
    """Answer requests whose path contains ``path`` (case-insensitive) with ``status``.

    ``times`` None means every time; otherwise the fault answers that many requests, then the path
    is served normally. ``retry_after`` is sent with 429 (seconds). ``delay`` holds each request that
    many seconds first (at most ``MAX_DELAY``; ``clear_faults()`` and ``stop()`` let it go at once), so a
    client's read timeout fires; with ``status`` 200 and no ``body`` the path is then served normally
    (a slow server). ``body`` (raw text, e.g. ``NOT_JSON``, ``WRONG_SHAPE``, ``EMPTY_LIST``) is sent with
    ``status`` instead of ARM's error body.
    """

    path: str
    status: int = 200
    times: int | None = None
    retry_after: int = 1
    code: str = ""
    served: int = 0
    delay: float = 0.0
    body: str | None = None
    released: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def matches(self, path: str) -> bool:
        return canonical_path(self.path) in path and (self.times is None or self.served < self.times)

    def hold(self) -> bool:
        """Wait out ``delay`` (cut short by ``release``); True when it was released early."""
        return self.delay > 0 and self.released.wait(min(self.delay, MAX_DELAY))

    def release(self) -> None:
        self.released.set()


@dataclass
class _Collection:
    items: list[dict[str, Any]]
    paged: bool = True


@dataclass
class ArmState:
    routes: tuple[ArmRoute, ...] = ROUTES
    collections: dict[str, _Collection] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_FAULT_BODIES = {
    403: (
        "AuthorizationFailed",
        "The client 'emulator-principal' with object id '00000000-0000-0000-0000-000000000000' does not have "
        "authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access "
        "was recently granted, please refresh your credentials.",
    ),
    429: (
        "TooManyRequests",
        "The request is being throttled as the limit has been reached for operation type - "
        "Read_ObservationWindow.",
    ),
    500: ("InternalServerError", "Encountered internal server error. Diagnostic information: timestamp."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."),
}


class _Handler(BaseHTTPRequestHandler):
    server: _ArmHttpServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _record(self) -> tuple[str, dict[str, list[str]], ArmRoute | None]:
        parsed = urllib.parse.urlsplit(self.path)
        path = canonical_path(parsed.path)
        route = route_for(path, self.server.state.routes)
        with self.server.state.lock:
            self.server.state.requests.append(
                RecordedRequest(
                    self.command,
                    parsed.path,
                    parsed.query,
                    time.monotonic(),
                    route.operation_id if route else "",
                )
            )
        return path, urllib.parse.parse_qs(parsed.query), route

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", "00000000-0000-0000-0000-000000000001")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._record()
        self._send(
            405, _error("MethodNotAllowed", f"The emulator serves reads only; {self.command} refused.")
        )

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _refuse

    def do_GET(self) -> None:
        path, query, route = self._record()
        refusal = _refusal(path, query, route)
        if refusal is not None:
            self._send(*refusal)
            return
        fault = self._fault(path)
        if fault is not None and self._answered_fault(fault, path):
            return
        state = self.server.state
        collection = state.collections.get(path)
        if collection is not None:
            self._send(200, self._page(path, collection, query))
            return
        item = state.items.get(path)
        if item is not None:
            self._send(200, item)
            return
        self._send(
            404,
            _error(
                "ResourceNotFound", f"The Resource '{path}' was not found (emulator: nothing seeded here)."
            ),
        )

    def _answered_fault(self, fault: Fault, path: str) -> bool:
        """Answer with the fault (True), or, for a slow 200 without a body, let the path be served."""
        if fault.hold():
            self.close_connection = True  # released by clear_faults()/stop(): hang up, answer nothing
            return True
        if fault.status == 200 and fault.body is None:
            return False
        if fault.body is not None:
            self._send_text(fault.status, fault.body)
            return True
        code, template = _FAULT_BODIES.get(fault.status, ("InternalServerError", "Emulated failure."))
        message = template.format(action=_action(path), scope=path)
        headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
        self._send(fault.status, _error(fault.code or code, message), headers)
        return True

    def _send_text(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fault(self, path: str) -> Fault | None:
        with self.server.state.lock:
            for fault in self.server.state.faults:
                if fault.matches(path):
                    fault.served += 1
                    return fault
        return None

    def _page(self, path: str, collection: _Collection, query: dict[str, list[str]]) -> dict[str, Any]:
        items = collection.items
        wanted = _FILTER_TYPE.search(" ".join(query.get("$filter", [])))
        if wanted:
            items = [i for i in items if str(i.get("type", "")).lower() == wanted.group(1).lower()]
        if not collection.paged:
            return {"value": items}
        size = self.server.page_size
        start = int((query.get("$skiptoken") or ["0"])[0])
        body: dict[str, Any] = {"value": items[start : start + size]}
        if start + size < len(items):
            rest = {k: v[0] for k, v in query.items() if k not in ("$skiptoken",)}
            rest["$skiptoken"] = str(start + size)
            body["nextLink"] = f"{self.server.base_url}{path}?{urllib.parse.urlencode(rest)}"
        return body


def _refusal(
    path: str, query: dict[str, list[str]], route: ArmRoute | None
) -> tuple[int, dict[str, Any]] | None:
    """ARM's answer to a request no operation serves: an unknown path, or a missing or unsupported
    api-version (None when the route serves it)."""
    if route is None:
        return 404, _error(
            "InvalidResourceType", f"The emulator serves no operation at '{path}' (see arm_routes.ROUTES)."
        )
    versions = query.get("api-version") or []
    if not versions or not versions[0]:
        return 400, _error(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if versions[0] != route.api_version:
        return 400, _error(
            "InvalidApiVersionParameter",
            f"The api-version '{versions[0]}' is invalid. The supported versions are '{route.api_version}'.",
        )
    return None


def _action(path: str) -> str:
    """'…/providers/microsoft.security/pricings' -> 'microsoft.security/pricings/read' (for 403 text)."""
    parts = path.split("/providers/")
    tail = parts[-1] if len(parts) > 1 else path.strip("/")
    return f"{tail}/read"


class _ArmHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ArmState, page_size: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.page_size = page_size
        self.base_url = ""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError | ssl.SSLError):
            return  # the client gave up waiting (a delay fault outlived its read timeout)
        super().handle_error(request, client_address)


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A throw-away EC certificate for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "posture-auditor ARM emulator")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "arm-emulator.pem"
    key_path = directory / "arm-emulator.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class ArmEmulator:
    """The ARM emulator: seed it, ``start()`` it (or use it as a context manager), point clients at
    ``url`` with ``connection_verify=cert_path``."""

    def __init__(self, page_size: int = 100, routes: tuple[ArmRoute, ...] = ROUTES) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self.state = ArmState(routes=routes)
        self._server: _ArmHttpServer | None = None
        self._thread: threading.Thread | None = None
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self.cert_path = Path()

    # --- seeding ---------------------------------------------------------------------------------

    def add_collection(self, path: str, items: list[dict[str, Any]], *, paged: bool = True) -> None:
        self.state.collections[self._routed(path)] = _Collection(list(items), paged)

    def add_item(self, path: str, body: dict[str, Any]) -> None:
        self.state.items[self._routed(path)] = body

    def _routed(self, path: str) -> str:
        """The path's key; seeding a path that no route serves is a mistake, refused at once."""
        key = canonical_path(path)
        if route_for(key, self.state.routes) is None:
            raise ValueError(f"no route of the ARM emulator serves {path!r} (see arm_routes.ROUTES)")
        return key

    def add_fault(self, fault: Fault) -> Fault:
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.state.lock:
            for fault in self.state.faults:
                fault.release()  # a request still held by a delay is let go
            self.state.faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def clear_requests(self) -> None:
        with self.state.lock:
            self.state.requests.clear()

    # --- serving ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the ARM emulator is not started")
        return self._server.base_url

    def start(self) -> ArmEmulator:
        self._directory = tempfile.TemporaryDirectory(prefix="arm-emulator-")
        self.cert_path, key_path = _self_signed_certificate(Path(self._directory.name))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key_path)
        server = _ArmHttpServer(self.state, self.page_size)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.base_url = f"https://127.0.0.1:{server.server_address[1]}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="arm-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.clear_faults()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def __enter__(self) -> ArmEmulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


class EmulatorCredential:
    """A TokenCredential for the ARM emulator only: a fixed fake token, no network, no secret."""

    TOKEN = "emulator-token-not-a-secret"

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        return AccessToken(self.TOKEN, 4_102_444_800)  # 2100-01-01

    def close(self) -> None:
        return None
