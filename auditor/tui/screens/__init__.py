"""The app's screens, installed as modes: name -> (screen class, key, title)."""

from __future__ import annotations

from textual.screen import Screen

from auditor.tui.screens.benchmarks import BenchmarksScreen
from auditor.tui.screens.dashboard import DashboardScreen
from auditor.tui.screens.diff import DiffScreen
from auditor.tui.screens.findings import FindingsScreen
from auditor.tui.screens.help import HelpScreen
from auditor.tui.screens.quiz import QuizScreen
from auditor.tui.screens.reports import ReportsScreen
from auditor.tui.screens.scan import ScanScreen

SCREENS: dict[str, tuple[type[Screen[None]], str, str]] = {
    "dashboard": (DashboardScreen, "d", "Dashboard"),
    "findings": (FindingsScreen, "f", "Findings"),
    "benchmarks": (BenchmarksScreen, "b", "Benchmarks"),
    "scan": (ScanScreen, "s", "Scan"),
    "quiz": (QuizScreen, "q", "Quiz"),
    "reports": (ReportsScreen, "r", "Reports"),
    "diff": (DiffScreen, "x", "Diff"),
    "help": (HelpScreen, "question_mark", "Help"),
}
