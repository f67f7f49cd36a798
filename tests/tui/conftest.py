"""Shared fixtures of the TUI tests: a real demo scan result, and a throw-away history per test."""

from __future__ import annotations

from pathlib import Path

import pytest

DEMO_SCAN = Path(__file__).parent / "data" / "demo-scan.json"


@pytest.fixture(scope="session")
def scan_file() -> Path:
    """A real ScanResult JSON written by `auditor demo` (committed, so no test rebuilds the demo).

    Regenerate after a change to the checks or the demo estate with:
    auditor demo -q --no-history --json tests/tui/data/demo-scan.json --snapshot /tmp/s.json --pdf /tmp/r.pdf
    """
    return DEMO_SCAN


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
