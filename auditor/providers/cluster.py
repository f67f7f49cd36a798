"""Sharded scans on a Dask distributed cluster: one task per account, subscription or project.

``--cluster tcp://HOST:8786`` connects to a running scheduler (``dask scheduler`` and ``dask worker
tcp://HOST:8786`` on the machines that scan); ``--cluster local:N`` starts a ``LocalCluster`` of N worker
processes on this machine. The client discovers the accounts as a single-process scan does, submits one
task (a *shard*) per account, and merges the inventories the workers return through the same engine
path, so the result is the one a single-process scan gives for the same estate.

What crosses the wire: a shard's argument is a small frozen dataclass of identifiers and options (account
id, role name, partition, regions, endpoints, rate limits), never a credential; each worker uses its own
credential chain. A shard's result is the inventory as JSON-ready data (``model_dump(mode="json")``).

Faults: a shard whose task raises is retried once (``retries``); a shard whose worker dies is given to
another worker by the scheduler, and after ``ALLOWED_FAILURES + 1`` workers died running it (Dask's
``KilledWorker``) it is *lost*: every check of that account is ERROR ("worker lost"), never PASS, never
dropped. A remote scheduler applies its own ``distributed.scheduler.allowed-failures`` (default 3).

Stop: the scan's ``ScanStop``. At the ``--timeout`` deadline the shards not yet submitted are not
started (their accounts "not started") and the running ones, which hold the same deadline, are given
``TIMEOUT_GRACE`` seconds to hand in what they collected; Ctrl-C and the TUI's Cancel cancel every
outstanding task at once (their accounts "not finished"). Either way the partial result is merged and
written as usual.

Progress: workers cannot call the client's callback, so the client polls the futures and the
scheduler's ``processing`` view and reports each shard's change (running, done, failed) as a
``ProgressEvent`` with the cluster-wide ``ShardCounts``.

``dask`` and ``distributed`` are imported only here and only when a cluster scan runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressEvent, ShardCounts
from auditor.providers.scan_pool import WAIT_SLICE, ScanStop

if TYPE_CHECKING:
    from distributed import Client, Future

LOCAL_PREFIX = "local:"
ALLOWED_FAILURES = 1
"""A local cluster's scheduler gives a shard to another worker once after its worker died; the second
death makes it lost (``KilledWorker``)."""
RETRIES = 1
"""A shard whose task raised is run once more (Dask's ``retries``)."""
TIMEOUT_GRACE = 10.0
"""Seconds after the --timeout deadline for running shards to hand in what they collected."""
CONNECT_TIMEOUT = 10.0
"""Seconds to reach a remote scheduler before the scan fails (exit 1)."""
LOG = logging.getLogger("distributed.worker.auditor")
"""Shard lines in the workers' logs (a child of distributed's logger, so ``get_worker_logs`` has them):
the shard key, its account and the figures, never an argument's repr."""

ShardState = Literal["queued", "running", "done", "failed"]


class ClusterError(Exception):
    """The cluster cannot be used: a malformed --cluster value, or a scheduler that does not answer."""


@dataclass(frozen=True)
class ClusterSpec:
    """Where the shards go: ``local`` workers on this machine, or the scheduler at ``address``."""

    address: str = ""
    local_workers: int = 0

    @property
    def is_local(self) -> bool:
        return self.local_workers > 0

    def describe(self) -> str:
        return f"{LOCAL_PREFIX}{self.local_workers}" if self.is_local else self.address


def parse_cluster(value: str) -> ClusterSpec:
    """``local:N`` (1 to 64 worker processes) or a scheduler address ``tcp://HOST:PORT`` (``tls://``
    too); anything else is a ``ClusterError`` naming the forms."""
    text = value.strip()
    if text.startswith(LOCAL_PREFIX):
        count = text.removeprefix(LOCAL_PREFIX)
        if not count.isdigit() or not 1 <= int(count) <= 64:
            raise ClusterError(f"--cluster {value!r}: local:N takes 1 to 64 worker processes")
        return ClusterSpec(local_workers=int(count))
    scheme, _, rest = text.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls") or not host or not port.isdigit():
        raise ClusterError(
            f"--cluster {value!r} is neither local:N nor a scheduler address such as tcp://HOST:8786"
        )
    return ClusterSpec(address=text)


@contextmanager
def cluster_client(
    spec: ClusterSpec, *, threads_per_worker: int = 1, log_level: int = logging.ERROR
) -> Iterator[Client]:
    """A client of the cluster, closed after (a local cluster is shut down with it). A local cluster's
    worker processes run ``threads_per_worker`` shards at once each (a shard mostly waits on the
    network); a remote worker runs as many as its ``--nthreads``. ``log_level``: what distributed logs
    on this terminal and in a local cluster's processes."""
    from distributed import Client, LocalCluster

    if not spec.is_local:
        try:
            client = Client(spec.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"the Dask scheduler at {spec.address} did not answer: {error}") from error
        with client:
            yield client
        return
    _resource_tracker_running()
    cluster = LocalCluster(
        n_workers=spec.local_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        host="127.0.0.1",
        protocol="tcp://",
        dashboard_address=None,
        silence_logs=log_level,
        scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES},
    )
    with cluster, Client(cluster) as client:
        yield client


def _resource_tracker_running() -> None:
    """Start multiprocessing's resource tracker (the local cluster's nannies need it) with a real stderr:
    it hands ``sys.stderr.fileno()`` to its process, and under the TUI sys.stderr is Textual's capture,
    whose descriptor is not one (``ValueError: bad value(s) in fds_to_keep``: "Nanny failed to start")."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    saved = sys.stderr
    try:
        if not usable:
            sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


@dataclass(frozen=True)
class Shard:
    """One task: ``collect(argument)`` on a worker returns one inventory. ``argument`` holds no secret."""

    provider: str
    account: str
    collect: Callable[[Any], Any]
    argument: Any
    key: str = ""
    what: str = "account"
    """What the shard covers, in the reasons given when it is not started: account, subscription, project."""


@dataclass
class ShardOutcome:
    """What came back for a shard: its inventory's data, or why there is none (``error``)."""

    shard: Shard
    state: ShardState = "queued"
    inventory: Any = None
    """The inventory's JSON-ready data (or a shard's own result object); None when there is none."""
    error: CollectionError | None = None
    worker: str = ""
    pid: int = 0
    seconds: float = 0.0
    """How long the worker took to collect it."""
    submitted: float = 0.0
    returned: float = 0.0
    """``time.monotonic()`` in the client when the task was submitted and its result had come back:
    ``returned - submitted - seconds`` is the cluster's cost for the shard (scheduling, transfer)."""
    attempts: list[str] = field(default_factory=list)


def run_shard(collect: Callable[[Any], Any], argument: Any, key: str, account: str) -> dict[str, Any]:
    """The task a worker runs: collect one inventory and hand back its JSON-ready data, with where and
    how long (for progress, the benchmark and the tests)."""
    worker = ""
    try:
        from distributed import get_worker

        worker = get_worker().address
    except ValueError:  # not on a worker (called directly)
        pass
    started = time.perf_counter()
    inventory = collect(argument)
    seconds = time.perf_counter() - started
    # an inventory travels as JSON-ready data; a shard of shared reads (GCP) as its own small object
    data = inventory.model_dump(mode="json") if hasattr(inventory, "model_dump") else inventory
    LOG.info("shard %s (account %s) collected in %.2f s on %s", key, account, seconds, worker)
    return {
        "inventory": data,
        "worker": worker,
        "pid": os.getpid(),
        "seconds": seconds,
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def run_shards(
    client: Client,
    shards: Sequence[Shard],
    stop: ScanStop,
    progress: ProgressCallback | None = None,
) -> list[ShardOutcome]:
    """Run every shard on the cluster and return one outcome per shard, in order.

    At most as many shards are submitted as the cluster has worker threads (counted again at every
    look, so workers that join or leave change it): the scheduler holds a few tasks however large the
    organization, each worker runs the shard it was given (none waits behind another, so a worker that
    dies loses only its own), and the shards not yet submitted when the stop comes are simply not
    started. See the module's doc for faults and stops."""
    from distributed import wait

    token = uuid.uuid4().hex[:8]
    outcomes = [ShardOutcome(replace(s, key=f"{s.provider}-{s.account}-{token}")) for s in shards]
    by_key = {outcome.shard.key: outcome for outcome in outcomes}
    tracker = _ShardTracker(outcomes, progress)
    waiting = list(outcomes)
    futures: dict[str, Future] = {}
    pending: set[Future] = set()
    try:
        while (waiting or pending) and stop.reason is None:
            room = _threads(client) - len(pending)
            while waiting and room > 0:
                shard = waiting.pop(0).shard
                future = client.submit(
                    run_shard,
                    shard.collect,
                    shard.argument,
                    shard.key,
                    shard.account,
                    key=shard.key,
                    pure=False,
                    retries=RETRIES,
                )
                futures[shard.key] = future
                by_key[shard.key].submitted = time.monotonic()
                pending.add(future)
                room -= 1
            remaining = stop.remaining()
            slice_ = WAIT_SLICE if remaining is None else max(0.01, min(WAIT_SLICE, remaining))
            with contextlib.suppress(TimeoutError):  # distributed's wait raises when the time is up
                wait(list(pending), timeout=slice_, return_when="FIRST_COMPLETED")
            for future in [f for f in pending if f.done()]:
                pending.discard(future)
                tracker.finished(by_key[future.key], future)
            tracker.running(_processing(client))
        if pending and stop.reason == "timeout":
            # the running shards hold the same deadline: they hand in what they have within the grace
            with contextlib.suppress(TimeoutError):
                wait(list(pending), timeout=TIMEOUT_GRACE)
            for future in [f for f in pending if f.done()]:
                pending.discard(future)
                tracker.finished(by_key[future.key], future)
    except KeyboardInterrupt:
        stop.stop("interrupted")
    if pending:
        client.cancel(list(pending), force=True)
    for outcome in outcomes:  # whatever did not come back, also one the interrupt caught mid-way
        future = futures.get(outcome.shard.key)
        if outcome.state not in ("done", "failed") and future is not None and future.status == "finished":
            tracker.finished(outcome, future)
        if outcome.state not in ("done", "failed"):
            tracker.stopped(outcome, stop, started=future is not None)
    return outcomes


def _threads(client: Client) -> int:
    """The cluster's worker threads now (at least 1, so a cluster between restarts still gets work)."""
    try:
        return max(1, sum(client.nthreads().values()))
    except (OSError, TimeoutError):
        return 1


def _processing(client: Client) -> dict[str, list[str]]:
    try:
        return {str(worker): [str(key) for key in keys] for worker, keys in client.processing().items()}
    except (OSError, TimeoutError):
        return {}


class _ShardTracker:
    """Each shard's state, the cluster-wide counts, and one progress event per change."""

    def __init__(self, outcomes: list[ShardOutcome], progress: ProgressCallback | None) -> None:
        self._outcomes = outcomes
        self._progress = progress

    def counts(self) -> ShardCounts:
        states = [outcome.state for outcome in self._outcomes]
        return ShardCounts(
            done=states.count("done"),
            running=states.count("running"),
            failed=states.count("failed"),
            total=len(states),
        )

    def _report(self, outcome: ShardOutcome) -> None:
        if self._progress is None:
            return
        counts = self.counts()
        self._progress(
            ProgressEvent(
                region="all regions" if outcome.shard.provider == "aws" else "global",
                service="shard",
                done=counts.done + counts.failed,
                total=counts.total,
                provider=outcome.shard.provider,
                account=outcome.shard.account,
                region_done=1 if outcome.state in ("done", "failed") else 0,
                region_total=1,
                shard=outcome.state,
                shards=counts,
            )
        )

    def running(self, processing: dict[str, list[str]]) -> None:
        where = {key: worker for worker, keys in processing.items() for key in keys}
        for outcome in self._outcomes:
            worker = where.get(outcome.shard.key)
            if worker is None or outcome.state in ("done", "failed"):
                continue
            if not outcome.attempts or outcome.attempts[-1] != worker:
                outcome.attempts.append(worker)
            if outcome.state == "queued":
                outcome.state = "running"
                self._report(outcome)

    def finished(self, outcome: ShardOutcome, future: Future) -> None:
        if outcome.state in ("done", "failed"):
            return
        if future.status == "finished":
            answer = future.result()
            outcome.inventory = answer["inventory"]
            outcome.worker, outcome.pid, outcome.seconds = answer["worker"], answer["pid"], answer["seconds"]
            outcome.returned = time.monotonic()
            outcome.state = "done"
        else:
            outcome.error = _failure(outcome, future)
            outcome.state = "failed"
        self._report(outcome)

    def stopped(self, outcome: ShardOutcome, stop: ScanStop, *, started: bool) -> None:
        if outcome.state in ("done", "failed"):
            return
        kind, code, message = stop.describe() if started else stop.describe_not_started(outcome.shard.what)
        outcome.error = _error(outcome.shard, kind, code, message)
        outcome.state = "failed"
        self._report(outcome)


def _failure(outcome: ShardOutcome, future: Future) -> CollectionError:
    """Why a shard's task ended without an inventory: its workers died (lost) or it raised."""
    from distributed import KilledWorker

    if future.status == "cancelled":
        return _error(outcome.shard, "failed", "Cancelled", "not evaluated: the shard was cancelled")
    error = future.exception()
    if isinstance(error, KilledWorker):
        last = getattr(getattr(error, "last_worker", None), "address", "") or ""
        tries = error.allowed_failures + 1
        return _error(
            outcome.shard,
            "failed",
            "WorkerLost",
            f"not evaluated: worker lost ({tries} workers died while collecting this account's shard, "
            f"the last {last})",
        )
    return _error(
        outcome.shard,
        "failed",
        "ShardFailed",
        f"not evaluated: the shard's task raised {type(error).__name__} on the cluster "
        f"after {RETRIES + 1} attempts: {error}",
    )


def _error(shard: Shard, kind: str, code: str, message: str) -> CollectionError:
    return CollectionError(
        provider=shard.provider,  # type: ignore[arg-type]
        account=shard.account,
        region="global",
        service="cluster",
        dataset="account",
        operation="shard",
        kind=kind,  # type: ignore[arg-type]
        code=code,
        message=message,
    )


def wall_deadline(stop: ScanStop) -> float | None:
    """The stop's deadline as wall-clock seconds (``time.time()``), for the workers' own ``ScanStop``:
    monotonic clocks are per machine."""
    remaining = stop.remaining()
    return None if remaining is None else time.time() + remaining


def worker_stop(timeout: float | None, deadline: float | None) -> ScanStop:
    """A worker's ``ScanStop`` for the scan's wall-clock ``deadline`` (the message keeps ``timeout``)."""
    if deadline is None:
        return ScanStop(timeout)
    return ScanStop(timeout, deadline=time.monotonic() + max(0.0, deadline - time.time()))
