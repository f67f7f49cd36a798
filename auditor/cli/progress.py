"""A progress bar on stderr fed by the collector's progress callback; in a sharded scan (``--cluster``)
also one line per shard as it starts, finishes or fails, with the cluster-wide counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from auditor.cli.console import stderr_console


def shard_line(event: Any) -> Text:
    """``shard aws 246813579024 done · shards 1 done, 1 running, 0 failed of 3`` (literal text)."""
    counts = event.shards.describe() if event.shards is not None else ""
    return Text(f"shard {event.provider} {event.account} {event.shard} · {counts}")


@contextmanager
def progress_reporter(enabled: bool = True) -> Iterator[Callable[[Any], None] | None]:
    """Yield a callback for ``collect_*(progress=...)``; it is called from worker threads. Off a
    terminal there is no bar, but a sharded scan's shard lines are still printed (a cluster job's log)."""
    console = stderr_console()
    if not enabled:
        yield None
        return
    if not console.is_terminal:
        yield _shard_lines_only(console)
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
            if event.shard:
                progress.console.print(shard_line(event))
                description = event.shards.describe() if event.shards is not None else ""
            else:
                description = f"{event.service} {event.region}"
            progress.update(task, completed=event.done, total=event.total, description=description)

        yield report


def _shard_lines_only(console: Console) -> Callable[[Any], None]:
    def report(event: Any) -> None:
        if event.shard:
            console.print(shard_line(event), soft_wrap=True)

    return report
