"""The terminal consoles the CLI writes to, and the one way it reports a fatal error."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text


def stdout_console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error (as literal text, never markup) and exit with ``code``."""
    stderr_console().print(Text("error: ", style="bold red") + Text(message), soft_wrap=True)
    raise typer.Exit(code)
