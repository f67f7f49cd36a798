"""The `auditor` command. SDKs are imported inside commands, so `auditor --help` stays fast."""

from __future__ import annotations

import sys

import typer

from auditor import __version__
from auditor.cli import (
    benchmarks_commands,
    checks_commands,
    demo_command,
    flows_commands,
    history_commands,
    policy_commands,
    quiz_commands,
    report_command,
    scan_commands,
    tui_command,
)

app = typer.Typer(
    name="auditor",
    help=(
        "Read-only multi-cloud posture auditor: proves that network logging and threat detection are on, "
        "and scores the result against CIS benchmarks.\n\n"
        "Exit codes: 0 nothing failed; 3 at least one FAIL; 1 the scan failed or could not evaluate "
        "something (ERROR, no FAIL); 2 usage error."
    ),
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(scan_commands.app, name="scan")
app.add_typer(checks_commands.app, name="checks")
app.add_typer(benchmarks_commands.app, name="benchmarks")
app.add_typer(policy_commands.app, name="policy")
app.add_typer(quiz_commands.app, name="quiz")
app.add_typer(flows_commands.app, name="flows")
app.command("demo")(demo_command.demo)
app.command("history")(history_commands.history)
app.command("diff")(history_commands.diff)
app.command("report")(report_command.report)
app.command("tui")(tui_command.tui)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"posture-auditor {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """posture-auditor. With no command: the interactive app in a terminal, this help otherwise."""
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            tui_command.tui(demo=False, scan=None, operator=None, history_url=None)
        else:
            typer.echo(ctx.get_help())
        raise typer.Exit(0)


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
