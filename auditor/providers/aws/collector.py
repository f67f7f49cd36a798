"""``collect_aws``: one account, every enabled (or requested) region, every unit, concurrently.

The flow: open the session, identify the caller (STS), list the enabled regions (DescribeRegions),
then run one thread pool over (region, unit) work units plus the account-wide units. When every
region's trails are known, the trail buckets' logging is read. Each unit fills its datasets
independently; a failed read becomes ``None`` plus a ``CollectionError``, never an empty list.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any, Literal

import boto3
from botocore.exceptions import BotoCoreError

from auditor.inventory.aws import GLOBAL, AwsInventory, AwsRegion, Trail
from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressCounter
from auditor.providers.aws.account import (
    DEFAULT_REGION,
    GLOBAL_REGION_BY_PARTITION,
    enabled,
    identify_caller,
    region_opt_in,
    select_regions,
)
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.clients import ClientPool, client_config, open_session
from auditor.providers.aws.failures import AwsCollectionFailed
from auditor.providers.aws.gc_pause import gc_paused
from auditor.providers.aws.options import AwsScanOptions
from auditor.providers.aws.policy import declared_reads
from auditor.providers.aws.readonly import ReadOnlyGuard
from auditor.providers.aws.unit import Unit, UnitContext
from auditor.providers.aws.units import GLOBAL_UNITS, REGIONAL_UNITS
from auditor.providers.aws.units.s3 import bucket_logging_unit, trail_buckets


def _partition_lookup(session: boto3.Session) -> Callable[[str], str | None]:
    def partition_of(region: str) -> str | None:
        try:
            return session.get_partition_for_region(region)
        except (BotoCoreError, ValueError):
            return None

    return partition_of


class _Stop:
    """Why a scan stopped before every unit finished: the overall --timeout, or Ctrl-C."""

    def __init__(self, timeout: float | None, deadline: float | None) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.reason: Literal["timeout", "interrupted"] | None = None

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def error(self, account: str, scope: str, service: str, dataset: str) -> CollectionError:
        if self.reason == "timeout":
            kind, code = "timeout", "ScanTimeout"
            message = f"not finished when the scan's --timeout of {self.timeout:g} s ran out"
        else:
            kind, code = "failed", "Interrupted"
            message = "not finished: the scan was interrupted (Ctrl-C); what was collected is kept"
        return CollectionError(
            provider="aws",
            account=account,
            region=scope,
            service=service,
            dataset=dataset,
            operation="all reads",
            kind=kind,  # type: ignore[arg-type]
            code=code,
            message=message,
        )


def _run_all(
    executor: ThreadPoolExecutor,
    jobs: list[tuple[Unit, str, Callable[[], UnitContext]]],
    stop: _Stop,
    account: str,
) -> list[UnitContext]:
    """Run the jobs. The first exception (a bug, or the progress callback cancelling) cancels the rest
    and propagates. When the deadline passes or Ctrl-C arrives, the unfinished units' datasets become
    None with an error saying so, and what finished is kept."""
    futures: list[Future[UnitContext]] = []
    try:
        futures += [executor.submit(run) for _unit, _region, run in jobs]
        pending: set[Future[UnitContext]] = set(futures)
        while pending and stop.reason is None:
            done, pending = wait(pending, timeout=stop.remaining(), return_when=FIRST_EXCEPTION)
            for future in done:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
            if pending and stop.remaining() == 0:
                stop.reason = "timeout"
    except KeyboardInterrupt:
        stop.reason = "interrupted"
    results: list[UnitContext] = []
    for index, (unit, region, _run) in enumerate(jobs):
        future = futures[index] if index < len(futures) else None
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            results.append(future.result())
            continue
        if future is not None:
            future.cancel()
        scope = GLOBAL if unit.scope == "global" else region
        unfinished = UnitContext(None, account, region, scope)  # type: ignore[arg-type]
        for dataset in unit.datasets:
            unfinished.values[dataset] = None
            unfinished.errors.append(stop.error(account, scope, unit.service, dataset))
        results.append(unfinished)
    return results


def collect_aws(
    options: AwsScanOptions,
    progress: ProgressCallback | None = None,
    session: boto3.Session | None = None,
    *,
    deadline: float | None = None,
) -> AwsInventory:
    """Collect one AWS account read-only into a typed ``AwsInventory``.

    ``session`` defaults to ``boto3.Session(profile_name=options.profile)``. ``progress`` is called
    from worker threads as each unit finishes (see ``ProgressCallback``). ``options.regions`` limits
    the regional datasets; the account-wide ones (CloudFront, CLOUDFRONT-scope web ACLs, the trail
    buckets' logging) are always read. Raises ``AwsCollectionFailed`` when the scan cannot start;
    every failure after that is kept in the inventory (``None`` + ``CollectionError``).

    ``options.timeout`` (or ``deadline``, a ``time.monotonic()`` instant, for a caller scanning several
    accounts under one budget) bounds the whole collection: units still running then, and units
    interrupted by Ctrl-C, are recorded as not finished and the inventory keeps everything else.
    """
    if deadline is None and options.timeout is not None:
        deadline = time.monotonic() + options.timeout
    with gc_paused():
        return _collect(options, progress, session, _Stop(options.timeout, deadline))


def _collect(
    options: AwsScanOptions, progress: ProgressCallback | None, session: boto3.Session | None, stop: _Stop
) -> AwsInventory:
    collected_at = datetime.now(UTC)
    session = session if session is not None else open_session(options.profile)
    counter = ApiCallCounter()
    pool = ClientPool(session, client_config(options), ReadOnlyGuard(declared_reads()), counter)

    home = session.region_name or DEFAULT_REGION
    identity = identify_caller(pool, home)
    statuses = region_opt_in(pool, home, identity.partition, _partition_lookup(session))
    if not enabled(statuses):
        raise AwsCollectionFailed(
            f"ec2:DescribeRegions reported no enabled region for account {identity.account}."
        )
    scanned = select_regions(statuses, options.regions, identity.account)
    global_region = GLOBAL_REGION_BY_PARTITION.get(identity.partition, home)

    work: list[tuple[Unit, str]] = [(unit, region) for region in scanned for unit in REGIONAL_UNITS]
    work += [(unit, global_region) for unit in GLOBAL_UNITS]
    planned = Counter(GLOBAL if unit.scope == "global" else region for unit, region in work)
    planned[GLOBAL] += 1  # the trail buckets' logging, read once the trails are known
    tracker = ProgressCounter(progress, planned=planned, provider="aws", account=identity.account)

    def job(unit: Unit, region: str) -> tuple[Unit, str, Callable[[], UnitContext]]:
        def run() -> UnitContext:
            context = unit.run(pool, identity.account, region)
            tracker.finished(context.scope, unit.service)
            return context

        return unit, region, run

    region_values: dict[str, dict[str, Any]] = {region: {} for region in scanned}
    global_values: dict[str, Any] = {}
    errors: list[CollectionError] = []

    def keep(context: UnitContext) -> None:
        target = global_values if context.scope == GLOBAL else region_values[context.scope]
        target.update(context.values)
        errors.extend(context.errors)

    executor = ThreadPoolExecutor(max_workers=options.max_workers, thread_name_prefix="aws-collect")
    try:
        for context in _run_all(
            executor, [job(unit, region) for unit, region in work], stop, identity.account
        ):
            keep(context)

        # The trail buckets are known only now; if no region's trails could be read, neither are they.
        region_trails: list[list[Trail] | None] = [region_values[r].get("trails") for r in scanned]
        buckets = None
        if any(trails is not None for trails in region_trails):
            buckets = trail_buckets([trail for trails in region_trails if trails for trail in trails])
        last = [job(bucket_logging_unit(buckets), global_region)]
        for context in _run_all(executor, last, stop, identity.account):
            keep(context)
    finally:
        # after a timeout or Ctrl-C, do not wait for calls still in flight (their results are dropped)
        executor.shutdown(wait=stop.reason is None, cancel_futures=True)

    return AwsInventory(
        account_id=identity.account,
        partition=identity.partition,
        caller_arn=identity.arn,
        collected_at=collected_at,
        enabled_regions=enabled(statuses),
        regions={
            region: AwsRegion(name=region, opt_in_status=statuses[region], **region_values[region])
            for region in scanned
        },
        errors=sorted(errors, key=_error_order),
        api_calls=counter.snapshot(),
        **global_values,
    )


def _error_order(error: CollectionError) -> tuple[str, ...]:
    return (error.region, error.service, error.dataset, error.operation, error.resource)
