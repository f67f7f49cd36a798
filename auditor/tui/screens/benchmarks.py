"""The benchmarks screen: a tree of benchmark → section → control → failing resources or reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static, Tree

from auditor.cli.summary import percent
from auditor.scoring import BenchmarkScore, ControlResult, ControlStatus
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.text import plain

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widgets.tree import TreeNode

    from auditor.scan_result import ScanResult

CONTROL_STYLE = {
    ControlStatus.PASS: "green",
    ControlStatus.FAIL: "bold red",
    ControlStatus.ERROR: "yellow",
    ControlStatus.NOT_APPLICABLE: "dim",
    ControlStatus.MANUAL: "cyan",
    ControlStatus.MUTED: "magenta",
    ControlStatus.NOT_ASSESSED: "dim italic",
}
CONTROL_LABEL = {ControlStatus.NOT_APPLICABLE: "N/A", ControlStatus.NOT_ASSESSED: "NOT ASSESSED"}
MAX_TITLE = 70
MAX_RESOURCES_SHOWN = 50


def status_label(status: ControlStatus) -> Text:
    """The status as words (readable without colour) and as a colour."""
    return Text(CONTROL_LABEL.get(status, status.value), style=CONTROL_STYLE[status])


def control_label(control: ControlResult) -> Text:
    """'4.7 FAIL  Ensure VPC flow logging…'."""
    title = control.title if len(control.title) <= MAX_TITLE else control.title[: MAX_TITLE - 1] + "…"
    return Text.assemble(plain(control.control_id), " ", status_label(control.status), "  ", plain(title))


class BenchmarksScreen(AuditorScreen):
    """Every benchmark as a tree; expand a control to see its failing resources or its reason."""

    DEFAULT_CSS = """
    BenchmarksScreen #benchmarks-tree { height: 1fr; }
    BenchmarksScreen #placeholder { height: auto; }
    """

    def body(self) -> ComposeResult:
        yield Static("", id="placeholder", markup=False)
        tree: Tree[None] = Tree("Benchmarks", id="benchmarks-tree")
        tree.show_root = False
        yield tree

    def show_empty(self) -> None:
        super().show_empty()
        self.query_one("#placeholder", Static).display = True
        self.query_one("#benchmarks-tree", Tree).clear()

    def show(self, result: ScanResult) -> None:
        placeholder = self.query_one("#placeholder", Static)
        tree = self.query_one("#benchmarks-tree", Tree)
        tree.clear()
        if not result.benchmarks:
            placeholder.update("This scan was not scored against any benchmark.")
            placeholder.display = True
            return
        placeholder.update("")
        placeholder.display = False
        for index, score in enumerate(result.benchmarks):
            self._add_benchmark(tree, score, expand=index == 0)
        tree.root.expand()

    @staticmethod
    def _add_benchmark(tree: Tree[None], score: BenchmarkScore, *, expand: bool) -> None:
        figures = score.figures
        label = Text.assemble(
            plain(score.benchmark_id, "bold"),
            "  ",
            plain(f"{score.title} {score.version}"),
            Text(
                f"  ratio {percent(figures.control_ratio)} · coverage {percent(figures.coverage)}",
                style="dim",
            ),
        )
        bench_node = tree.root.add(label, expand=expand)
        sections = {section.section_id: section for section in score.sections}
        by_section: dict[str, list[ControlResult]] = {}
        for control in score.controls:
            by_section.setdefault(control.section, []).append(control)
        order = [s.section_id for s in score.sections] + [s for s in by_section if s not in sections]
        for section_id in order:
            controls = by_section.get(section_id, [])
            if not controls:
                continue
            section = sections.get(section_id)
            title = section.title if section is not None else ""
            failed = sum(1 for c in controls if c.status is ControlStatus.FAIL)
            section_label = Text.assemble(
                plain(f"{section_id} {title}".strip(), "bold"),
                Text(f"  {failed} FAIL" if failed else "", style="bold red"),
                Text(f"  ({len(controls)} controls)", style="dim"),
            )
            section_node = bench_node.add(section_label, expand=expand and failed > 0)
            for control in controls:
                _add_control(section_node, control)


def _add_control(section_node: TreeNode[None], control: ControlResult) -> None:
    node = section_node.add(control_label(control))
    if control.failing_resources:
        shown = control.failing_resources[:MAX_RESOURCES_SHOWN]
        for resource in shown:
            node.add_leaf(plain(resource, "red"))
        hidden = len(control.failing_resources) - len(shown)
        if hidden:
            node.add_leaf(Text(f"… and {hidden} more", style="dim"))
    if control.reason:
        node.add_leaf(plain(control.reason, "dim"))
    if not control.failing_resources and not control.reason:
        node.add_leaf(Text("no details", style="dim"))
