"""A moto server on loopback with the extensions installed, optionally seeded from an estate.

    python -m auditor.emulators.moto_server --port 5000 [--estate FILE] [--quiet]

prints ``READY http://127.0.0.1:PORT`` once it answers (and the estate is seeded), then serves until
SIGINT or SIGTERM. Point the SDK at it with ``AWS_ENDPOINT_URL=http://127.0.0.1:PORT``.
``--port 0`` picks a free port. Tests and benchmarks use ``running_moto_server()``, which starts it
in a subprocess (so the extensions are installed in the process that answers) and stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"
READY = "READY"
DEFAULT_ACCOUNT_ID = "123456789012"

__all__ = ["HOST", "main", "running_moto_server", "serve"]


def _prepare_environment() -> None:
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def serve(port: int = 5000, *, estate: str | Path | None = None, quiet: bool = False) -> None:
    """Run the server on 127.0.0.1 until SIGINT/SIGTERM; print the READY line when it answers."""
    _prepare_environment()
    from moto.server import ThreadedMotoServer

    from auditor.emulators import moto_extensions

    loaded = None
    if estate is not None:
        from auditor.emulators.estate import load_estate

        loaded = load_estate(estate)
        if loaded.aws is not None and loaded.aws.account_id != DEFAULT_ACCOUNT_ID:
            # Every request lands in the estate's account, whatever credentials the client holds.
            os.environ.setdefault("MOTO_ACCOUNT_ID", loaded.aws.account_id)

    moto_extensions.install()
    if quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    stop = threading.Event()
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for signum in previous:
            signal.signal(signum, lambda *_: stop.set())
        host, bound = server.get_host_and_port()
        endpoint = f"http://{host}:{bound}"
        _wait_until_answering(endpoint, timeout=30.0)
        if loaded is not None and loaded.aws is not None:
            import boto3

            from auditor.emulators.aws_seed import client_factory, seed_aws

            session = boto3.Session(
                aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
            )
            seed_aws(
                loaded.aws,
                client_factory(session, endpoint_url=endpoint, account_id=loaded.aws.account_id),
                clients_for_account=lambda account: client_factory(
                    session, endpoint_url=endpoint, account_id=account
                ),
            )
        print(f"{READY} {endpoint}", flush=True)
        if not quiet:
            print(f"export AWS_ENDPOINT_URL={endpoint}", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for signum, handler in previous.items():  # an in-process caller gets its own handlers back
            signal.signal(signum, handler)


def _wait_until_answering(endpoint: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"moto server at {endpoint} did not answer within {timeout:.0f}s")
        time.sleep(0.05)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m auditor.emulators.moto_server",
        description=(
            "Run moto (with posture-auditor's extensions) on 127.0.0.1, optionally seeded from an estate."
        ),
    )
    parser.add_argument("--port", type=int, default=5000, help="TCP port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--estate", type=Path, help="an estate YAML file to seed into the server")
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not a TCP port")
    from auditor.emulators.estate import EstateError

    try:
        serve(args.port, estate=args.estate, quiet=args.quiet)
    except EstateError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@contextlib.contextmanager
def running_moto_server(
    port: int = 0, *, estate: str | Path | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """Start the server in a subprocess, wait until it answers, yield its endpoint URL, stop it."""
    command = [sys.executable, "-m", "auditor.emulators.moto_server", "--port", str(port), "--quiet"]
    if estate is not None:
        command += ["--estate", str(estate)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True, env=env
        )
        try:
            endpoint = _await_ready(process, timeout, stderr)
            yield endpoint
        finally:
            _stop(process)


def _await_ready(process: subprocess.Popen[str], timeout: float, stderr: IO[str]) -> str:
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
            problem = f"did not report {READY} within {timeout:.0f}s"
        else:
            problem = f"exited with status {process.wait()}" if line is None else ""
        if line is not None and line.startswith(f"{READY} "):
            endpoint = line.split(maxsplit=1)[1].strip()
            _wait_until_answering(endpoint, timeout=max(1.0, deadline - time.monotonic()))
            return endpoint
        if problem:
            stderr.seek(0)
            tail = stderr.read()[-4000:]
            raise RuntimeError(f"moto server {problem}:\n{tail}")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


if __name__ == "__main__":
    raise SystemExit(main())
