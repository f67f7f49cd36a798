"""The benchmarks tree: benchmark → section → control → failing resources / reason; cloud text is literal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Static, Tree
from textual.widgets.tree import TreeNode
from typer.testing import CliRunner

from auditor.scan_result import ScanResult
from auditor.scoring import ControlStatus
from auditor.tui.app import AuditorApp
from auditor.tui.screens.benchmarks import BenchmarksScreen

INJECTION = "[bold red]x[/]\x1b[2J"


@pytest.fixture(scope="module")
def scan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auditor.cli.main import app

    tmp = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("POSTURE_AUDITOR_HOME", str(tmp / "home"))
    try:
        path = tmp / "scan.json"
        args = ["demo", "-q", "--no-history", "--json", str(path)]
        args += ["--snapshot", str(tmp / "s.json"), "--pdf", str(tmp / "r.pdf")]
        result = CliRunner().invoke(app, args)
    finally:
        mp.undo()
    assert path.exists(), result.output
    return path


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))


def screen_text(app: AuditorApp) -> str:
    parts: list[str] = []
    for static in app.screen.query(Static):
        content = static.content
        parts.append(content.plain if isinstance(content, Text) else str(content))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            for cell in table.get_row_at(row):
                parts.append(cell.plain if isinstance(cell, Text) else str(cell))
    return "\n".join(parts)


async def wait_loaded(app: AuditorApp, pilot) -> None:
    for _ in range(100):
        if app.state.result is not None:
            break
        await pilot.pause(0.05)
    assert app.state.result is not None
    await pilot.pause()


def tree_labels(tree: Tree) -> list[str]:
    labels: list[str] = []

    def walk(node: TreeNode) -> None:
        labels.append(node.label.plain)
        for child in node.children:
            walk(child)

    walk(tree.root)
    return labels


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_benchmarks_tree_lists_sections_controls_and_failing_resources(
    scan_file: Path, size: tuple[int, int]
):
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BenchmarksScreen)
        tree = app.screen.query_one(Tree)
        labels = tree_labels(tree)
        assert any(label.startswith("cis-aws-7.0") for label in labels)
        assert "4 Logging" in "\n".join(labels)
        control_47 = next(label for label in labels if label.startswith("4.7 "))
        assert control_47.startswith("4.7 FAIL  ")
        score = next(s for s in app.state.result.benchmarks if s.benchmark_id == "cis-aws-7.0")
        failing = score.control("4.7").failing_resources
        assert failing and failing[0] in labels
        assert any(label.startswith("4.1 PASS  ") for label in labels)


async def test_benchmarks_status_has_a_colour(scan_file: Path):
    from auditor.tui.screens.benchmarks import control_label

    result = ScanResult.model_validate_json(scan_file.read_text())
    control = result.benchmarks[0].control("4.7")
    label = control_label(control)
    assert label.plain.startswith("4.7 FAIL  ")
    assert any("red" in str(span.style) for span in label.spans)
    assert control.status is ControlStatus.FAIL


async def test_benchmarks_render_cloud_text_literally(scan_file: Path, tmp_path: Path):
    data = json.loads(scan_file.read_text())
    control = next(c for c in data["benchmarks"][0]["controls"] if c["control_id"] == "4.7")
    control["failing_resources"] = [INJECTION, *control["failing_resources"]]
    control["reason"] = INJECTION
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data))
    app = AuditorApp(scan_file=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        text = "\n".join(tree_labels(app.screen.query_one(Tree)))
        assert "[bold red]x[/]" in text
        assert "\x1b" not in text


async def test_benchmarks_without_a_scan():
    app = AuditorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert "No scan loaded yet" in screen_text(app)
