"""The benchmarks tree: benchmark → section → control → failing resources / reason; cloud text is literal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from auditor.scan_result import ScanResult
from auditor.scoring import ControlStatus
from auditor.tui.app import AuditorApp
from auditor.tui.screens.benchmarks import BenchmarksScreen
from tests.tui.screen_reading import screen_text, wait_loaded

INJECTION = "[bold red]x[/]\x1b[2J"


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
        from auditor.tui.screens.benchmarks import control_label

        for control in score.controls:  # every control shows the status the scan scored
            assert control_label(control).plain in labels, control.control_id


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
