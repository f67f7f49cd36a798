"""``collect_azure``: every visible (or requested) subscription, every unit, concurrently.

The flow: list the subscriptions (or read the requested ones), then run one thread pool over
(subscription, unit) work units; when a subscription's first phase is done, its second phase reads
the diagnostic settings of the resources found. A failed read becomes ``None`` plus a
``CollectionError``, never an empty list.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any

from azure.core.credentials import TokenCredential

from auditor.inventory.azure import AzureInventory
from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressCounter
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.failures import AzureCollectionFailed
from auditor.providers.azure.options import AzureScanOptions
from auditor.providers.azure.readonly import ApiCallCounter
from auditor.providers.azure.subscriptions import discover_subscriptions
from auditor.providers.azure.unit import Unit, UnitContext
from auditor.providers.azure.units import DIAGNOSTICS_UNIT, UNITS

LOCATED = (
    "network_watchers",
    "network_security_groups",
    "virtual_networks",
    "application_gateways",
    "waf_policies",
    "key_vaults",
    "dns_security_policies",
)


def _run_all(executor: ThreadPoolExecutor, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs; the first exception (a bug, a read-only violation, the progress callback
    cancelling) cancels the rest and propagates."""
    futures: list[Future[Any]] = [executor.submit(job) for job in jobs]
    done, pending = wait(futures, return_when=FIRST_EXCEPTION)
    for future in done:
        error = future.exception()
        if error is not None:
            for other in pending:
                other.cancel()
            raise error
    return [future.result() for future in futures]


def collect_azure(
    options: AzureScanOptions,
    progress: ProgressCallback | None = None,
    credential: TokenCredential | None = None,
) -> list[AzureInventory]:
    """Collect Azure subscriptions read-only, one ``AzureInventory`` each (sorted by subscription id).

    ``credential`` defaults to the live chain (``live_credential(options.tenant)``). Raises
    ``AzureCollectionFailed`` when the scan cannot start; every failure after that is kept in the
    inventories.
    """
    if credential is None:
        from auditor.providers.azure.credentials import live_credential

        try:
            credential = live_credential(options.tenant)
        except ValueError as error:  # e.g. a malformed AZURE_CLIENT_ID in the environment
            raise AzureCollectionFailed(f"the Azure credential settings are invalid: {error}") from error
    counter = ApiCallCounter()
    pool = ClientPool(credential, options, counter)
    collected_at = datetime.now(UTC)
    try:
        scope = discover_subscriptions(pool, options)
        subscriptions = scope.entered
        # one progress row per subscription: its units, then its diagnostic-settings phase
        tracker = ProgressCounter(
            progress,
            planned={(subscription.id, "global"): len(UNITS) + 1 for subscription in subscriptions},
            provider="azure",
        )

        def job(
            unit: Unit, subscription: str, known: dict[str, Any] | None = None
        ) -> Callable[[], UnitContext]:
            def run() -> UnitContext:
                context = unit.run(pool, subscription, known)
                tracker.finished("global", unit.service, account=subscription)
                return context

            return run

        values: dict[str, dict[str, Any]] = {s.id: {} for s in subscriptions}
        errors: dict[str, list[CollectionError]] = {s.id: [] for s in subscriptions}
        with ThreadPoolExecutor(
            max_workers=options.max_workers, thread_name_prefix="azure-collect"
        ) as executor:
            first = [(s.id, unit) for s in subscriptions for unit in UNITS]
            for (subscription, _), context in zip(
                first, _run_all(executor, [job(unit, sub) for sub, unit in first]), strict=True
            ):
                values[subscription].update(context.values)
                errors[subscription].extend(context.errors)
            second = [s.id for s in subscriptions]
            for subscription, context in zip(
                second,
                _run_all(executor, [job(DIAGNOSTICS_UNIT, sub, dict(values[sub])) for sub in second]),
                strict=True,
            ):
                values[subscription].update(context.values)
                errors[subscription].extend(context.errors)
    finally:
        pool.close()

    shared = counter.snapshot("")  # listing the subscriptions: counted with the first inventory
    ordered = sorted(subscriptions, key=lambda s: s.id)
    collected = [
        AzureInventory(
            subscription_id=s.id,
            tenant_id=s.tenant_id,
            display_name=s.display_name,
            collected_at=collected_at,
            locations=_locations(values[s.id]),
            errors=sorted(errors[s.id], key=_error_order),
            api_calls=_merged(counter.snapshot(s.id), shared if s is ordered[0] else {}),
            **values[s.id],
        )
        for s in ordered
    ]
    return scope.with_not_entered(collected)


def _merged(*counts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in counts:
        for name, count in part.items():
            total[name] = total.get(name, 0) + count
    return dict(sorted(total.items()))


def _locations(values: dict[str, Any]) -> list[str]:
    found = {
        resource.location
        for dataset in LOCATED
        for resource in values.get(dataset) or []
        if getattr(resource, "location", "")
    }
    return sorted(found)


def _error_order(error: CollectionError) -> tuple[str, ...]:
    return (error.region, error.service, error.dataset, error.operation, error.resource)
