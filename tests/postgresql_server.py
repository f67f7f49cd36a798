"""A real, throw-away PostgreSQL server for the tests: ``postgresql_server`` (one per test session and
xdist worker) and ``history_url`` (parametrised: the same test on a SQLite file and on a fresh
PostgreSQL database).

The server is Debian's ``postgresql`` package (``.ci/run`` installs it): a cluster made by ``initdb`` in
a temporary directory, listening on a free loopback port only (no Unix socket), password authentication
(scram-sha-256), fsync off (it is thrown away), stopped and deleted at the end of the session. PostgreSQL
refuses to run as root: as root the cluster runs as the ``postgres`` user (``runuser``). When no server
can be started, the PostgreSQL tests fail in CI (``CI`` set) and are skipped elsewhere, naming why.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

SUPERUSER = "auditor_test"
PASSWORD = "s3cr3t-Pg:pass@word"  # characters a URL must escape: the redaction is tested with it
BACKENDS = ("sqlite", "postgresql")


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    _databases: Iterator[int]

    def url(self, database: str, *, password: str | None = None, user: str | None = None) -> str:
        secret = self.password if password is None else password
        return (
            f"postgresql://{quote(user or self.user, safe='')}:{quote(secret, safe='')}"
            f"@{self.host}:{self.port}/{database}"
        )

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser on the ``postgres`` database (autocommit)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            db.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh, empty database; its URL (password included)."""
        name = f"history_{next(self._databases)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)


def _binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH, pg_config --bindir, or Debian's versioned path."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        if (Path(bindir.stdout.strip()) / "pg_ctl").exists():
            return Path(bindir.stdout.strip())
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(reason: str) -> None:
    message = f"no PostgreSQL server for the tests: {reason}"
    if os.environ.get("CI"):
        pytest.fail(
            message + " (CI must run the PostgreSQL half: .ci/run installs postgresql)", pytrace=False
        )
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    bindir = _binaries()
    if bindir is None:
        _unavailable("initdb/pg_ctl not found (Debian: apt-get install postgresql)")
    assert bindir is not None
    run_as: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            runuser = None
        if runuser is None:
            _unavailable("running as root needs the 'postgres' user and runuser to start a cluster")
        run_as = [str(runuser), "-u", "postgres", "--"]
    # as root, the cluster's directory must be reachable by 'postgres': /tmp, whatever TMPDIR says
    root = Path(tempfile.mkdtemp(prefix="posture-auditor-pg-", dir="/tmp" if run_as else None))
    data, log, pwfile = root / "data", root / "server.log", root / "password"
    pwfile.write_text(PASSWORD + "\n")
    if run_as:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    started = False
    try:
        init = subprocess.run(
            [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
             "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if init.returncode != 0:
            _unavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        port = 0
        for _attempt in range(3):  # a port taken between the probe and the start: try another
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
            )
            start = subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                 "-o", options, "start"],
                capture_output=True, text=True, timeout=90,
            )  # fmt: skip
            if start.returncode == 0:
                started = True
                break
        if not started:
            _unavailable(
                f"pg_ctl start failed: {log.read_text(errors='replace')[-2000:] if log.exists() else ''}"
            )
        yield PostgresServer("127.0.0.1", port, SUPERUSER, PASSWORD, itertools.count(1))
    finally:
        if started:
            subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty history: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    server: PostgresServer = request.getfixturevalue("postgresql_server")
    return server.new_database()
