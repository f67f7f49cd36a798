"""The app's screens, installed as modes: name -> (screen factory, key, title).

A screen's module is imported the first time its mode is opened, not when the app starts: the first
paint only pays for the dashboard. ``LazyScreen.load()`` gives the class (tests use it).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen


class LazyScreen:
    """``LazyScreen("auditor.tui.screens.quiz", "QuizScreen")``: called, it builds the screen."""

    def __init__(self, module: str, class_name: str) -> None:
        self.module = module
        self.class_name = class_name

    def load(self) -> type[Screen[None]]:
        screen_class: type[Screen[None]] = getattr(import_module(self.module), self.class_name)
        return screen_class

    def __call__(self) -> Screen[None]:
        return self.load()()


def _screen(name: str) -> LazyScreen:
    return LazyScreen(f"auditor.tui.screens.{name}", f"{name.capitalize()}Screen")


SCREENS: dict[str, tuple[LazyScreen, str, str]] = {
    "dashboard": (_screen("dashboard"), "d", "Dashboard"),
    "findings": (_screen("findings"), "f", "Findings"),
    "benchmarks": (_screen("benchmarks"), "b", "Benchmarks"),
    "scan": (_screen("scan"), "s", "Scan"),
    "quiz": (_screen("quiz"), "q", "Quiz"),
    "reports": (_screen("reports"), "r", "Reports"),
    "diff": (_screen("diff"), "x", "Diff"),
    "help": (_screen("help"), "question_mark", "Help"),
}
