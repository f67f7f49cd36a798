"""``collect_aws``: one account, every enabled (or requested) region, every unit, concurrently.

The flow: open the session, identify the caller (STS), list the enabled regions (DescribeRegions),
then run (region, unit) work units plus the account-wide units on the scan's one bounded pool
(``auditor.providers.scan_pool``; an organization scan shares it between accounts). When every
region's trails are known, the trail buckets' logging is read. Each unit fills its datasets
independently; a failed read becomes ``None`` plus a ``CollectionError``, never an empty list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError

from auditor.inventory.aws import GLOBAL, AwsInventory, AwsRegion, Trail
from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressCounter
from auditor.providers.aws.account import (
    DEFAULT_REGION,
    GLOBAL_REGION_BY_PARTITION,
    CallerIdentity,
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
from auditor.providers.rate_limit import RateLimiter
from auditor.providers.scan_pool import ScanPool, ScanStop


def _partition_lookup(session: boto3.Session) -> Callable[[str], str | None]:
    def partition_of(region: str) -> str | None:
        try:
            return session.get_partition_for_region(region)
        except (BotoCoreError, ValueError):
            return None

    return partition_of


@dataclass(frozen=True)
class _Entered:
    identity: CallerIdentity
    statuses: dict[str, str | None]
    scanned: list[str]


def _enter(clients: ClientPool, regions: tuple[str, ...]) -> _Entered:
    """Who the credentials are (STS) and which regions to scan (DescribeRegions)."""
    session = clients.session
    home = session.region_name or DEFAULT_REGION
    identity = identify_caller(clients, home)
    statuses = region_opt_in(clients, home, identity.partition, _partition_lookup(session))
    if not enabled(statuses):
        raise AwsCollectionFailed(
            f"ec2:DescribeRegions reported no enabled region for account {identity.account}."
        )
    return _Entered(identity, statuses, select_regions(statuses, regions, identity.account))


def collect_aws(
    options: AwsScanOptions,
    progress: ProgressCallback | None = None,
    session: boto3.Session | None = None,
    stop: ScanStop | None = None,
) -> AwsInventory:
    """Collect one AWS account read-only into a typed ``AwsInventory``.

    ``session`` defaults to ``boto3.Session(profile_name=options.profile)``. ``progress`` is called
    from worker threads as each unit finishes (see ``ProgressCallback``). ``options.regions`` limits
    the regional datasets; the account-wide ones (CloudFront, CLOUDFRONT-scope web ACLs, the trail
    buckets' logging) are always read. Raises ``AwsCollectionFailed`` when the scan cannot start;
    every failure after that is kept in the inventory (``None`` + ``CollectionError``).

    ``options.timeout`` bounds the whole collection: units still running then, and units interrupted by
    Ctrl-C, are recorded as not finished and the inventory keeps everything else. A caller that wants
    to end the scan itself (the TUI's Cancel) passes its own ``stop`` and calls ``stop.stop(...)``.
    """
    session = session if session is not None else open_session(options.profile)
    clients = ClientPool(
        session,
        client_config(options),
        ReadOnlyGuard(declared_reads()),
        ApiCallCounter(),
        limiter=RateLimiter("aws", dict(options.rate_limits)),
    )
    stop = stop if stop is not None else ScanStop(options.timeout)
    tracker = ProgressCounter(progress, planned={}, provider="aws")
    with gc_paused(), ScanPool(options.max_workers, stop, "aws-collect") as pool:
        inventory = collect_account(clients, options.regions, pool, tracker)
    if inventory is None:
        raise AwsCollectionFailed(f"the scan stopped before the account was identified: {stop.describe()[2]}")
    return inventory


def collect_account(
    clients: ClientPool, regions: tuple[str, ...], pool: ScanPool, tracker: ProgressCounter
) -> AwsInventory | None:
    """One account on a scan's shared pool: enter (identify, list regions), then every unit of every
    scanned region, then the trail buckets' logging. ``None`` when the scan stopped before the account
    was entered; ``AwsCollectionFailed`` when it could not be entered."""
    collected_at = datetime.now(UTC)
    [entered] = pool.run([lambda: _enter(clients, regions)])
    if entered is None:
        return None
    account, scanned = entered.identity.account, entered.scanned
    global_region = GLOBAL_REGION_BY_PARTITION.get(
        entered.identity.partition, clients.session.region_name or DEFAULT_REGION
    )

    work: list[tuple[Unit, str]] = [(unit, region) for region in scanned for unit in REGIONAL_UNITS]
    work += [(unit, global_region) for unit in GLOBAL_UNITS]
    planned = Counter(GLOBAL if unit.scope == "global" else region for unit, region in work)
    planned[GLOBAL] += 1  # the trail buckets' logging, read once the trails are known
    tracker.plan(account, planned)

    def job(unit: Unit, region: str) -> Callable[[], UnitContext]:
        def run() -> UnitContext:
            context = unit.run(clients, account, region)
            tracker.finished(context.scope, unit.service, account=account)
            return context

        return run

    region_values: dict[str, dict[str, Any]] = {region: {} for region in scanned}
    global_values: dict[str, Any] = {}
    errors: list[CollectionError] = []

    def keep(work: list[tuple[Unit, str]], contexts: list[UnitContext | None]) -> None:
        for (unit, region), context in zip(work, contexts, strict=True):
            scope = GLOBAL if unit.scope == "global" else region
            if context is None:  # the stop left it unfinished: its datasets None, each with the reason
                found, lost = pool.stop.unfinished("aws", account, scope, unit.service, unit.datasets)
            else:
                found, lost = context.values, context.errors
            (global_values if scope == GLOBAL else region_values[scope]).update(found)
            errors.extend(lost)

    keep(work, pool.run([job(unit, region) for unit, region in work]))
    # The trail buckets are known only now; if no region's trails could be read, neither are they.
    region_trails: list[list[Trail] | None] = [region_values[r].get("trails") for r in scanned]
    buckets = None
    if any(trails is not None for trails in region_trails):
        buckets = trail_buckets([trail for trails in region_trails if trails for trail in trails])
    last = [(bucket_logging_unit(buckets), global_region)]
    keep(last, pool.run([job(unit, region) for unit, region in last]))

    return AwsInventory(
        account_id=account,
        partition=entered.identity.partition,
        caller_arn=entered.identity.arn,
        collected_at=collected_at,
        enabled_regions=enabled(entered.statuses),
        regions={
            region: AwsRegion(name=region, opt_in_status=entered.statuses[region], **region_values[region])
            for region in scanned
        },
        errors=sorted(errors, key=_error_order),
        api_calls=clients.counter.snapshot(),
        **global_values,
    )


def _error_order(error: CollectionError) -> tuple[str, ...]:
    return (error.region, error.service, error.dataset, error.operation, error.resource)
