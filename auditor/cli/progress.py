"""A progress bar on stderr fed by the collector's progress callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from auditor.cli.console import stderr_console


@contextmanager
def progress_reporter(enabled: bool = True) -> Iterator[Callable[[Any], None] | None]:
    """Yield a callback for ``collect_*(progress=...)``; it is called from worker threads."""
    console = stderr_console()
    if not enabled or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("collecting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def report(event: Any) -> None:
            progress.update(
                task,
                completed=event.done,
                total=event.total,
                description=f"{event.service} {event.region}",
            )

        yield report
