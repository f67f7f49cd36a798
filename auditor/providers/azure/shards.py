"""Azure subscriptions scanned on a Dask cluster: one shard (task) per subscription.

The client finds the subscriptions as ``collect_azure`` does (every visible one, the named ones, or every
one under ``--management-group``; those that cannot be entered stay not-entered here). Each entered one
is an ``AzureShardTask``: the subscription's id, tenant, name and group, the scan's options (endpoint,
CA bundle path, retries, rate limits) and its wall-clock deadline, and whether the scan is
``--anonymous`` (the emulator's fixed placeholder token). No credential: a worker uses its own chain
(``live_credential(--tenant)``: its environment's service principal, its managed identity, its Azure
CLI login).

The client then does what needs every subscription at once, as the single-process scan does: each
subscription's DNS security policies linked from the others (``share_dns_policy_links``; a lost
subscription's links are unknown, with its reason), and the listing's calls counted with the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from azure.core.credentials import TokenCredential

from auditor.inventory.azure import AzureInventory
from auditor.model import CollectionError
from auditor.progress import ProgressCallback
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.collector import (
    _error_order,
    _merged,
    collect_subscriptions,
    share_dns_policy_links,
    subscription_inventory,
)
from auditor.providers.azure.credentials import PlaceholderCredential
from auditor.providers.azure.failures import AzureCollectionFailed
from auditor.providers.azure.options import AzureScanOptions
from auditor.providers.azure.readonly import ApiCallCounter
from auditor.providers.azure.subscriptions import Subscription, discover_subscriptions
from auditor.providers.cluster import (
    ClusterSpec,
    Shard,
    ShardOutcome,
    cluster_client,
    run_shards,
    wall_deadline,
    worker_stop,
)
from auditor.providers.scan_pool import ScanPool, ScanStop

if TYPE_CHECKING:
    from distributed import Client

PARALLEL_SUBSCRIPTIONS = 4
"""Shards at once per worker process of ``--cluster local:N``."""


@dataclass(frozen=True)
class AzureShardTask:
    """What a worker needs to collect one subscription: identifiers and options, never a credential."""

    options: AzureScanOptions
    subscription: Subscription
    anonymous: bool = False
    deadline: float | None = None


def collect_azure_shard(task: AzureShardTask) -> AzureInventory:
    """On a worker: one subscription with the worker's own credential (or the placeholder)."""
    collected_at = datetime.now(UTC)
    if task.anonymous:
        credential: TokenCredential = PlaceholderCredential()
    else:
        from auditor.providers.azure.credentials import live_credential

        credential = live_credential(task.options.tenant)
    counter = ApiCallCounter()
    clients = ClientPool(credential, task.options, counter)
    stop = worker_stop(task.options.timeout, task.deadline)
    try:
        with ScanPool(task.options.max_workers, stop, "azure-shard") as pool:
            values, errors = collect_subscriptions(clients, pool, [task.subscription])
    finally:
        clients.close()
    subscription = task.subscription.id
    return subscription_inventory(
        task.subscription,
        collected_at,
        values[subscription],
        errors[subscription],
        counter.snapshot(subscription),
    )


def collect_azure_on_cluster(
    options: AzureScanOptions,
    cluster: ClusterSpec,
    progress: ProgressCallback | None = None,
    credential: TokenCredential | None = None,
    stop: ScanStop | None = None,
    client: Client | None = None,
) -> list[AzureInventory]:
    """``collect_azure`` with one task per subscription: the same inventories in the same order.
    ``credential`` lists the subscriptions here (default: the live chain); the workers use their own,
    or the placeholder token when ``credential`` is the ``--anonymous`` one."""
    if credential is None:
        from auditor.providers.azure.credentials import live_credential

        try:
            credential = live_credential(options.tenant)
        except ValueError as error:
            raise AzureCollectionFailed(f"the Azure credential settings are invalid: {error}") from error
    counter = ApiCallCounter()
    clients = ClientPool(credential, options, counter)
    stop = stop if stop is not None else ScanStop(options.timeout)
    try:
        with ScanPool(2, stop, "azure-discover") as pool:
            [scope] = pool.run([lambda: discover_subscriptions(clients, options)])
    finally:
        clients.close()
    if scope is None:
        raise AzureCollectionFailed(
            f"the scan stopped before the subscriptions were listed: {stop.describe()[2]}"
        )
    anonymous, deadline = isinstance(credential, PlaceholderCredential), wall_deadline(stop)
    ordered = sorted(scope.entered, key=lambda s: s.id)
    shards = [
        Shard(
            "azure",
            s.id,
            collect_azure_shard,
            AzureShardTask(options, s, anonymous, deadline),
            what="subscription",
        )
        for s in ordered
    ]
    if client is not None:
        outcomes = run_shards(client, shards, stop, progress)
    else:
        with cluster_client(cluster, threads_per_worker=PARALLEL_SUBSCRIPTIONS) as opened:
            outcomes = run_shards(opened, shards, stop, progress)
    collected = [_inventory(s, outcome) for s, outcome in zip(ordered, outcomes, strict=True)]
    collected = _linked(collected)
    if collected:
        first = collected[0]
        collected[0] = first.model_copy(update={"api_calls": _merged(first.api_calls, counter.snapshot(""))})
    return scope.with_not_entered(collected)


def _inventory(subscription: Subscription, outcome: ShardOutcome) -> AzureInventory:
    if outcome.inventory is not None:
        return AzureInventory.model_validate(outcome.inventory)
    return AzureInventory(
        subscription_id=subscription.id,
        tenant_id=subscription.tenant_id,
        display_name=subscription.display_name,
        collected_at=datetime.now(UTC),
        entry_error=outcome.error,
    )


def _linked(inventories: list[AzureInventory]) -> list[AzureInventory]:
    """Each collected subscription with the DNS security policies of the others that link its VNets, as
    ``collect_azure`` gives them; a subscription whose shard brought nothing back has unknown policies."""
    values: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[CollectionError]] = {}
    for inventory in inventories:
        key = inventory.subscription_id
        if inventory.entry_error is not None:
            values[key] = {"dns_security_policies": None}
            errors[key] = [inventory.entry_error.model_copy(update={"dataset": "dns_security_policies"})]
        else:
            values[key] = {"dns_security_policies": inventory.dns_security_policies}
            errors[key] = list(inventory.errors)
    share_dns_policy_links(values, errors)
    return [
        inventory
        if inventory.entry_error is not None
        else inventory.model_copy(
            update={
                "linked_dns_security_policies": values[inventory.subscription_id][
                    "linked_dns_security_policies"
                ],
                "errors": sorted(errors[inventory.subscription_id], key=_error_order),
            }
        )
        for inventory in inventories
    ]
