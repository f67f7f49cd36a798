"""The scan screen: choose what to scan, run it in a thread worker, watch progress, cancel.

With a cluster (``local:N`` or a scheduler address) the scan is sharded on Dask, one task per account,
subscription or project, and the progress shows each shard as it runs, finishes or fails.

A finished scan is saved to the history database and posted to the app as ``ScanLoaded`` (every
screen then shows it). Failures (``AwsCollectionFailed``, a bad benchmark, anything) end the worker
in the ERROR state, which this screen turns into a notification. Cancel stops the collection through
its ``ScanStop``: the calls in flight are abandoned, what was collected is kept and shown, and the rest
is ERROR ("not finished"), as with the CLI's Ctrl-C.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Log, ProgressBar, Select, SelectionList, Static, Switch
from textual.worker import Worker, WorkerState, get_current_worker

from auditor.benchmarks import available_benchmarks
from auditor.providers.live import CLUSTER_WORDS, ENDPOINT_WORDS, GROUP_WORDS, SCOPE_WORDS
from auditor.tui.messages import ScanLoaded, ScanProgress
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.screens.scan_progress import ScanProgressPanel
from auditor.tui.text import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.app import ComposeResult

    from auditor.progress import ProgressCallback, ProgressEvent
    from auditor.providers.scan_pool import ScanStop
    from auditor.scan_result import ScanResult

PROVIDERS = [("AWS", "aws"), ("Azure", "azure"), ("GCP", "gcp")]


class ScanScreen(AuditorScreen):
    """Provider, profile, regions, benchmarks, demo switch; Start / Cancel; a progress bar and a log."""

    AUTO_FOCUS = "#scan-start"  # not an input: letter keys stay screen switches
    DEFAULT_CSS = """
    ScanScreen #scan-body { height: 1fr; }
    ScanScreen #scan-form { width: 60; height: 1fr; padding: 0 1; }
    ScanScreen #scan-form Label { margin-top: 1; }
    ScanScreen #scan-benchmarks { height: auto; max-height: 7; }
    ScanScreen .scan-row { height: auto; margin-top: 1; }
    ScanScreen .scan-row Label { margin: 1 1 0 1; }
    ScanScreen .scan-row Button { margin-right: 1; }
    ScanScreen #scan-run { width: 1fr; height: 1fr; padding: 0 1; }
    ScanScreen #placeholder { height: auto; margin: 1 0; }
    ScanScreen #scan-progress { margin-bottom: 1; display: none; }
    ScanScreen #scan-log { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._worker: Worker[None] | None = None
        self._stop: ScanStop | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="scan-body"):
            with VerticalScroll(id="scan-form"):
                yield Label("Provider")
                yield Select(PROVIDERS, value="aws", allow_blank=False, id="scan-provider")
                yield Label(SCOPE_WORDS["aws"][0], id="scan-profile-label")
                yield Input(placeholder="default credentials", id="scan-profile")
                yield Label(SCOPE_WORDS["aws"][1] + ", comma-separated", id="scan-regions-label")
                yield Input(placeholder="e.g. eu-west-1, us-east-1", id="scan-regions")
                group_label = Label("", id="scan-group-label")
                group = Input(placeholder="e.g. mg-production or 123456789012", id="scan-group")
                group_label.display = group.display = False  # AWS (the default) has no such field here
                yield group_label
                yield group
                endpoint_label = Label("", id="scan-endpoint-label")
                endpoint = Input(placeholder="e.g. https://127.0.0.1:8443", id="scan-endpoint")
                endpoint_label.display = endpoint.display = False  # AWS takes botocore's AWS_ENDPOINT_URL
                yield endpoint_label
                yield endpoint
                with Horizontal(classes="scan-row", id="scan-anonymous-row") as anonymous_row:
                    anonymous_row.display = False
                    yield Switch(value=False, id="scan-anonymous")
                    yield Label("Anonymous: no credential (an emulator on a loopback endpoint only)")
                yield Label(CLUSTER_WORDS, id="scan-cluster-label")
                yield Input(placeholder="e.g. local:2 or tcp://scheduler:8786", id="scan-cluster")
                yield Label("Benchmarks (none ticked: the provider's current CIS and the module baseline)")
                yield SelectionList[str](
                    *((name, name, False) for name in available_benchmarks()),
                    id="scan-benchmarks",
                )
                with Horizontal(classes="scan-row"):
                    yield Switch(value=False, id="scan-demo")
                    yield Label("Demo estate (bundled, in moto; no credentials needed)")
                with Horizontal(classes="scan-row"):
                    yield Button("Start", id="scan-start", variant="primary")
                    yield Button("Cancel", id="scan-cancel", variant="error", disabled=True)
            with Vertical(id="scan-run"):
                yield Static("", id="placeholder", markup=False)
                yield ProgressBar(total=None, id="scan-progress")
                yield ScanProgressPanel(id="scan-regions-progress")
                yield Log(id="scan-log", highlight=False)

    @on(Select.Changed, "#scan-provider")
    def provider_changed(self, event: Select.Changed) -> None:
        """The credential and scope fields mean something else for each provider: say so."""
        credential, scope = SCOPE_WORDS.get(str(event.value), SCOPE_WORDS["aws"])
        self.query_one("#scan-profile-label", Label).update(credential)
        self.query_one("#scan-regions-label", Label).update(scope + ", comma-separated")
        group = GROUP_WORDS.get(str(event.value))
        label, field = self.query_one("#scan-group-label", Label), self.query_one("#scan-group", Input)
        label.display = field.display = group is not None
        label.update(group or "")
        endpoint = ENDPOINT_WORDS.get(str(event.value))
        label, field = self.query_one("#scan-endpoint-label", Label), self.query_one("#scan-endpoint", Input)
        label.display = field.display = self.query_one("#scan-anonymous-row").display = endpoint is not None
        label.update(endpoint or "")

    def show(self, result: ScanResult) -> None:
        source = getattr(self.app, "state", None)
        where = f" from {source.source}" if source is not None and source.source else ""
        self._placeholder(
            f"Current scan{where}: {len(result.findings)} findings, finished "
            f"{result.finished_at:%Y-%m-%d %H:%M} UTC."
        )

    def show_empty(self) -> None:
        self._placeholder("No scan loaded yet. Choose the options and press Start (or use the demo estate).")

    # --- starting and cancelling --------------------------------------------------------------

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        yield from super().palette_commands()
        yield "Start scan", "Scan with the options on the scan screen", self.start_scan
        yield "Start demo scan", "Scan the bundled demo estate (no credentials)", self._start_demo
        yield "Cancel scan", "Stop the running scan", self.cancel_scan

    def _start_demo(self) -> None:
        self.query_one("#scan-demo", Switch).value = True
        self.start_scan()

    @on(Button.Pressed, "#scan-start")
    def start_scan(self) -> None:
        if self._worker is not None and self._worker.is_running:
            return
        demo = self.query_one("#scan-demo", Switch).value
        profile = self.query_one("#scan-profile", Input).value.strip() or None
        regions_text = self.query_one("#scan-regions", Input).value
        regions = tuple(part.strip() for part in regions_text.split(",") if part.strip())
        group = self.query_one("#scan-group", Input).value.strip() or None
        endpoint = self.query_one("#scan-endpoint", Input).value.strip() or None
        anonymous = self.query_one("#scan-anonymous", Switch).value
        cluster = self.query_one("#scan-cluster", Input).value.strip() or None
        benchmarks = list(self.query_one("#scan-benchmarks", SelectionList).selected)
        log = self.query_one("#scan-log", Log)
        log.clear()
        provider = str(self.query_one("#scan-provider", Select).value)
        if demo:
            log.write_line("Starting the demo scan (the bundled estate in the local emulators)...")
        else:
            credential, scope = SCOPE_WORDS[provider]
            if provider not in GROUP_WORDS:
                group = None
            if provider not in ENDPOINT_WORDS:
                endpoint, anonymous = None, False
            under = f"; {GROUP_WORDS[provider].split(' (')[0].lower()} {group}" if group else ""
            log.write_line(
                f"Starting a {provider} scan: {credential.lower()} {profile or '(default)'}; "
                f"{scope.split(' (')[0].lower()} {', '.join(regions) or '(all)'}{under}."
            )
            if endpoint or anonymous:
                log.write_line(
                    f"Endpoint: {endpoint or '(from the environment)'}"
                    + ("; anonymous (no credential)." if anonymous else ".")
                )
            if cluster:
                log.write_line(
                    f"Cluster: {cluster} (one task per account, subscription or project"
                    + ("; AWS: every account of the organization)." if provider == "aws" else ").")
                )
            log.write_line(f"Benchmarks: {', '.join(benchmarks) or '(default for the provider)'}.")
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True  # hidden until the first scan: an idle bar would only pulse
        self.query_one(ScanProgressPanel).reset()
        self.query_one("#scan-start", Button).disabled = True
        self.query_one("#scan-cancel", Button).disabled = False
        from auditor.providers.scan_pool import ScanStop

        self._stop = ScanStop()
        self._worker = self.run_scan(
            demo, provider, profile, regions, benchmarks, self._stop, group, (endpoint, anonymous), cluster
        )

    @on(Button.Pressed, "#scan-cancel")
    def cancel_scan(self) -> None:
        worker = self._worker
        if worker is None or not worker.is_running:
            return
        if self._stop is not None:
            self._stop.stop("cancelled")
        self.query_one("#scan-cancel", Button).disabled = True
        self.query_one("#scan-log", Log).write_line(
            "Cancelling: the calls in flight are abandoned; what was collected is kept."
        )

    # --- the worker ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def run_scan(
        self,
        demo: bool,
        provider: str,
        profile: str | None,
        regions: tuple[str, ...],
        benchmark_ids: list[str],
        stop: ScanStop,
        group: str | None = None,
        endpoint: tuple[str | None, bool] = (None, False),
        cluster: str | None = None,
    ) -> None:
        worker = get_current_worker()
        try:
            if demo:
                from auditor.tui.demo_scan import run_demo_scan

                result, source = run_demo_scan(self._progress_callback(worker), stop), "demo"
            else:
                scan = (provider, profile, regions, benchmark_ids, group, endpoint, cluster)
                result, source = self._live_scan(worker, stop, *scan), "live"
            if worker.is_cancelled:
                return
            from auditor.history import HistoryError, HistoryStore

            scan_id: int | None = None
            problem = ""
            try:
                scan_id = HistoryStore(self.app.state.history).save(result, result.benchmarks)  # type: ignore[attr-defined]
            except HistoryError as error:
                problem = str(error)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._finished, result, source, scan_id, problem)
        finally:
            with contextlib.suppress(Exception):  # the app may be gone by now
                self.app.call_from_thread(self._thread_done)

    def _live_scan(
        self,
        worker: Worker[None],
        stop: ScanStop,
        provider: str,
        credential: str | None,
        scope: tuple[str, ...],
        benchmark_ids: list[str],
        group: str | None = None,
        endpoint: tuple[str | None, bool] = (None, False),
        cluster: str | None = None,
    ) -> ScanResult:
        from auditor.benchmarks import default_benchmarks, load_benchmark
        from auditor.engine import build_scan_result
        from auditor.providers.live import collect_live

        started = datetime.now(UTC)
        progress = self._progress_callback(worker)
        inventories = collect_live(
            provider,  # type: ignore[arg-type]
            credential,
            scope,
            progress=progress,
            stop=stop,
            group=group,
            endpoint=endpoint[0],
            anonymous=endpoint[1],
            cluster=cluster,
        )
        chosen = benchmark_ids or list(default_benchmarks([provider]))
        return build_scan_result(
            inventories,
            started_at=started,
            finished_at=datetime.now(UTC),
            source="live",
            benchmarks=[load_benchmark(name) for name in chosen],
        )

    def _progress_callback(self, worker: Worker[None]) -> ProgressCallback:
        """The collectors' callback (called from their threads): post progress."""

        def progress(event: ProgressEvent) -> None:
            if not worker.is_cancelled:
                self.post_message(ScanProgress.of(event))

        return progress

    # --- back on the UI thread ----------------------------------------------------------------

    def on_scan_progress(self, message: ScanProgress) -> None:
        if self._worker is None or self._worker.is_cancelled:
            return
        self.query_one("#scan-progress", ProgressBar).update(total=message.total, progress=message.done)
        self.query_one(ScanProgressPanel).show(message)
        if message.shard:  # a sharded scan: which shard changed, and the counts across the cluster
            line = f"shard {message.provider} {message.account} {message.shard} · {message.shards}"
        else:
            line = f"[{message.done}/{message.total}] {message.provider} {message.region} {message.service}"
        self.query_one("#scan-log", Log).write_line(clean(line))

    def _finished(self, result: ScanResult, source: str, scan_id: int | None, problem: str) -> None:
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        log = self.query_one("#scan-log", Log)
        if self._stop is not None and self._stop.reason is not None:
            unfinished = sum(1 for finding in result.findings if finding.status.value == "ERROR")
            log.write_line(
                f"Cancelled: kept what was collected ({len(result.findings)} findings; "
                f"{unfinished} ERROR, among them what was not finished)."
            )
        else:
            log.write_line(f"Finished: {len(result.findings)} findings.")
        if scan_id is not None:
            self.app.state.history_scan_id = scan_id  # type: ignore[attr-defined]
            log.write_line(f"Saved to history as scan #{scan_id}.")
        else:
            log.write_line(f"Not saved to history: {problem}")
            self.notify(problem, title="History", severity="warning", markup=False, timeout=10)
        self.app.post_message(ScanLoaded(result, source))

    def _thread_done(self) -> None:
        self.query_one("#scan-start", Button).disabled = False
        self.query_one("#scan-cancel", Button).disabled = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker state messages do not bubble to the app, so this screen reports its own failures."""
        if event.worker.group != "scan":
            return
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one("#scan-cancel", Button).disabled = True
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None and not event.worker.is_cancelled:
            self.query_one("#scan-log", Log).write_line(f"Failed: {error}")
            self.notify(str(error), title="Scan failed", severity="error", markup=False, timeout=10)
