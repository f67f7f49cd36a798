"""``collect_azure``: every visible (or requested) subscription, every unit, concurrently.

The flow: list the subscriptions (or read the requested ones), then run (subscription, unit) work
units on the scan's one bounded pool (``auditor.providers.scan_pool``); when every subscription's
first phase is done, the second phase reads the diagnostic settings of the resources found. A failed
read becomes ``None`` plus a ``CollectionError``, never an empty list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from azure.core.credentials import TokenCredential

from auditor.inventory.azure import GLOBAL, AzureInventory, DnsSecurityPolicy
from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressCounter
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.failures import AzureCollectionFailed
from auditor.providers.azure.options import AzureScanOptions
from auditor.providers.azure.readonly import ApiCallCounter
from auditor.providers.azure.subscriptions import Subscription, discover_subscriptions
from auditor.providers.azure.unit import Unit, UnitContext
from auditor.providers.azure.units import DIAGNOSTICS_UNIT, UNITS, diagnostics
from auditor.providers.scan_pool import ScanPool, ScanStop

LOCATED = (
    "network_watchers",
    "network_security_groups",
    "virtual_networks",
    "application_gateways",
    "waf_policies",
    "key_vaults",
    "dns_security_policies",
)


def collect_azure(
    options: AzureScanOptions,
    progress: ProgressCallback | None = None,
    credential: TokenCredential | None = None,
    stop: ScanStop | None = None,
) -> list[AzureInventory]:
    """Collect Azure subscriptions read-only, one ``AzureInventory`` each (sorted by subscription id).

    ``credential`` defaults to the live chain (``live_credential(options.tenant)``). Raises
    ``AzureCollectionFailed`` when the scan cannot start; every failure after that is kept in the
    inventories. ``options.timeout``, Ctrl-C or ``stop.stop(...)`` end the scan early: the units not
    finished then are ERROR ("not finished") and everything else is kept.
    """
    if credential is None:
        from auditor.providers.azure.credentials import live_credential

        try:
            credential = live_credential(options.tenant)
        except ValueError as error:  # e.g. a malformed AZURE_CLIENT_ID in the environment
            raise AzureCollectionFailed(f"the Azure credential settings are invalid: {error}") from error
    counter = ApiCallCounter()
    clients = ClientPool(credential, options, counter)
    stop = stop if stop is not None else ScanStop(options.timeout)
    collected_at = datetime.now(UTC)
    try:
        with ScanPool(options.max_workers, stop, "azure-collect") as pool:
            [scope] = pool.run([lambda: discover_subscriptions(clients, options)])
            if scope is None:
                raise AzureCollectionFailed(
                    f"the scan stopped before the subscriptions were listed: {stop.describe()[2]}"
                )
            subscriptions = scope.entered
            values, errors = _collect(clients, pool, subscriptions, progress)
    finally:
        clients.close()
    share_dns_policy_links(values, errors)

    shared = counter.snapshot("")  # listing the subscriptions: counted with the first inventory
    ordered = sorted(subscriptions, key=lambda s: s.id)
    collected = [
        subscription_inventory(
            s,
            collected_at,
            values[s.id],
            errors[s.id],
            _merged(counter.snapshot(s.id), shared if s is ordered[0] else {}),
        )
        for s in ordered
    ]
    return scope.with_not_entered(collected)


def subscription_inventory(
    subscription: Subscription,
    collected_at: datetime,
    values: dict[str, Any],
    errors: list[CollectionError],
    api_calls: dict[str, int],
) -> AzureInventory:
    """One subscription's inventory from what its units read (a cluster worker builds it the same way)."""
    return AzureInventory(
        subscription_id=subscription.id,
        tenant_id=subscription.tenant_id,
        display_name=subscription.display_name,
        collected_at=collected_at,
        locations=_locations(values),
        errors=sorted(errors, key=_error_order),
        api_calls=api_calls,
        **values,
    )


def collect_subscriptions(
    clients: ClientPool, pool: ScanPool, subscriptions: list[Subscription]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[CollectionError]]]:
    """Every unit of ``subscriptions`` on ``pool`` (a cluster worker: one subscription), without the
    links between subscriptions (``share_dns_policy_links``, made once every subscription is in)."""
    return _collect(clients, pool, subscriptions, None)


def _collect(
    clients: ClientPool,
    pool: ScanPool,
    subscriptions: list[Subscription],
    progress: ProgressCallback | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[CollectionError]]]:
    """Every unit of every subscription on the scan's pool, then each one's diagnostic settings."""
    # one progress row per subscription: its units, then its diagnostic-settings phase
    tracker = ProgressCounter(
        progress,
        planned={(subscription.id, "global"): len(UNITS) + 1 for subscription in subscriptions},
        provider="azure",
    )
    values: dict[str, dict[str, Any]] = {s.id: {} for s in subscriptions}
    errors: dict[str, list[CollectionError]] = {s.id: [] for s in subscriptions}

    def job(unit: Unit, subscription: str, known: dict[str, Any] | None = None) -> Callable[[], UnitContext]:
        def run() -> UnitContext:
            context = unit.run(clients, subscription, known)
            tracker.finished("global", unit.service, account=subscription)
            return context

        return run

    def keep(work: list[tuple[str, Unit]], contexts: list[UnitContext | None]) -> None:
        for (subscription, unit), context in zip(work, contexts, strict=True):
            if context is None:
                found, lost = pool.stop.unfinished("azure", subscription, GLOBAL, unit.service, unit.datasets)
                if unit is DIAGNOSTICS_UNIT:  # its resources' settings were never read: say why
                    lost = diagnostics.not_read(subscription, values[subscription], pool.stop.describe())
            else:
                found, lost = context.values, context.errors
            values[subscription].update(found)
            errors[subscription].extend(lost)

    first = [(s.id, unit) for s in subscriptions for unit in UNITS]
    keep(first, pool.run([job(unit, subscription) for subscription, unit in first]))
    second = [(s.id, DIAGNOSTICS_UNIT) for s in subscriptions]
    keep(second, pool.run([job(unit, sub, dict(values[sub])) for sub, unit in second]))
    return values, errors


def share_dns_policy_links(
    values: dict[str, dict[str, Any]], errors: dict[str, list[CollectionError]]
) -> None:
    """Give each subscription the DNS security policies of the other scanned subscriptions that link one
    of its virtual networks (``linked_dns_security_policies``): a link across subscriptions logs the
    linked VNet's queries as much as a local one. When another subscription's policies could not be
    read, the links from it are unknown: the dataset is None, with an error naming that subscription."""
    for subscription in values:
        prefix = f"/subscriptions/{subscription.lower()}/"
        linked: list[DnsSecurityPolicy] = []
        unknown: list[CollectionError] = []
        for other, found in values.items():
            if other == subscription:
                continue
            policies = found.get("dns_security_policies")
            if policies is None:
                unknown += [
                    error.model_copy(
                        update={
                            "account": subscription,
                            "dataset": "linked_dns_security_policies",
                            "message": f"the DNS security policies of subscription {other} could not be "
                            f"read, so its links to this subscription's VNets are unknown: {error.message}",
                        }
                    )
                    for error in errors[other]
                    if error.dataset == "dns_security_policies"
                ]
                continue
            linked += [
                policy
                for policy in policies
                if any(vnet.lower().startswith(prefix) for vnet in policy.virtual_network_ids)
            ]
        values[subscription]["linked_dns_security_policies"] = None if unknown else linked
        errors[subscription].extend(unknown)


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
