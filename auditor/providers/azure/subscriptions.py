"""Which subscriptions an Azure scan covers, and those it could not enter.

Three ways in:

- ``--subscription`` named ones (``subscriptions.get`` each; an unknown one stops the scan: a typo);
- ``--management-group G``: every subscription under G, its child groups too. One read,
  ``GET /providers/Microsoft.Management/managementGroups/{G}/descendants`` (azure-mgmt-managementgroups
  ``management_groups.get_descendants``, paged through ``nextLink``), lists the whole subtree: child
  groups and subscriptions, each with its parent. Then ``subscriptions.get`` for each one chosen, for its
  tenant, name and state;
- neither: every subscription the credential sees (``subscriptions.list``, enabled ones only).

``--exclude-subscription`` leaves ones out in every case. A subscription that is listed but cannot be
read (denied, gone) or is not Enabled (Disabled, Warned, PastDue, Expired...) is not scanned: it becomes
a not-entered inventory (``entry_error``), so every check of it is ERROR with the reason. A failure to
start (no credential, the management group unreadable) raises ``AzureCollectionFailed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from azure.core.exceptions import AzureError, ClientAuthenticationError

from auditor.inventory.azure import AzureInventory
from auditor.model import CollectionError
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.failures import AzureCollectionFailed, ReadFailed, classify
from auditor.providers.azure.options import AzureScanOptions

SERVICE = "subscriptions"
GROUPS_SERVICE = "managementgroups"
SUBSCRIPTION_TYPE = "/subscriptions"
ENABLED = "Enabled"
T = TypeVar("T")


@dataclass(frozen=True)
class Subscription:
    id: str
    tenant_id: str = ""
    display_name: str = ""
    management_group: str = ""
    """The management group the subscription sits directly in ("" when not scanned by group)."""


@dataclass(frozen=True)
class SubscriptionScope:
    """The subscriptions to collect, and the inventories of those that could not be entered."""

    entered: list[Subscription]
    not_entered: list[AzureInventory] = field(default_factory=list)

    def with_not_entered(self, inventories: list[AzureInventory]) -> list[AzureInventory]:
        """The collected inventories and the not-entered ones, in subscription id order."""
        return sorted([*inventories, *self.not_entered], key=lambda inventory: inventory.subscription_id)


def discover_subscriptions(pool: ClientPool, options: AzureScanOptions) -> SubscriptionScope:
    """The scan's subscriptions (see the module's doc)."""
    client = pool.subscription_client()
    try:
        if options.management_group is not None:
            scope = _in_management_group(pool, client, options, options.management_group)
        elif options.subscriptions:
            scope = _named(pool, client, options)
        else:
            scope = _visible(pool, client, options)
    finally:
        client.close()
    if not scope.entered and not scope.not_entered:
        raise AzureCollectionFailed("no subscription is left to scan after --exclude-subscription")
    return scope


def _start_failure(what: str, service: str, call: Callable[[], T]) -> T:
    """Run a read the scan cannot start without; its failure is a clear start error."""
    try:
        return call()
    except ClientAuthenticationError as error:
        raise AzureCollectionFailed(
            f"no usable Azure credential: {classify(error, '', '').message}"
        ) from error
    except ValueError as error:  # azure-identity refusing malformed settings (an empty AZURE_CLIENT_ID ...)
        raise AzureCollectionFailed(f"the Azure credential settings are invalid: {error}") from error
    except AzureError as error:
        failure = classify(error, service, "")
        code = f": {failure.code}" if failure.code else ""
        raise AzureCollectionFailed(
            f"{what} could not be read ({failure.kind}{code}): {failure.message}"
        ) from error


def _visible(pool: ClientPool, client: Any, options: AzureScanOptions) -> SubscriptionScope:
    pool.counter.running(SERVICE, "subscriptions.list")
    found = _start_failure(
        "the subscriptions",
        SERVICE,
        lambda: [s for s in client.subscriptions.list() if _state(s) == ENABLED],
    )
    if not found:
        raise AzureCollectionFailed("the credential sees no enabled subscription")
    excluded = _lower(options.exclude_subscriptions)
    return SubscriptionScope([_subscription(s) for s in found if s.subscription_id.lower() not in excluded])


def _named(pool: ClientPool, client: Any, options: AzureScanOptions) -> SubscriptionScope:
    """Named subscriptions: one that does not exist or cannot be read stops the scan (a typo is likely);
    one that is not Enabled is not entered."""
    pool.counter.running(SERVICE, "subscriptions.get")
    excluded = _lower(options.exclude_subscriptions)
    wanted = [s for s in options.subscriptions if s.lower() not in excluded]
    found = _start_failure(
        "the subscriptions",
        SERVICE,
        lambda: [client.subscriptions.get(s) for s in wanted],
    )
    return _split([(s, "") for s in found])


def _in_management_group(
    pool: ClientPool, client: Any, options: AzureScanOptions, group: str
) -> SubscriptionScope:
    members = _descendant_subscriptions(pool, group)
    if not members:
        raise AzureCollectionFailed(
            f"management group {group} holds no subscription (nor do its child groups)"
        )
    known = {member.lower() for member in members}
    unknown = sorted(s for s in options.subscriptions if s.lower() not in known)
    if unknown:
        raise AzureCollectionFailed(
            f"--subscription names subscriptions that are not under management group {group}: "
            + ", ".join(unknown)
        )
    wanted = _lower(options.subscriptions)
    excluded = _lower(options.exclude_subscriptions)
    chosen = [
        (subscription, placed)
        for subscription, placed in sorted(members.items())
        if (not wanted or subscription.lower() in wanted) and subscription.lower() not in excluded
    ]
    pool.counter.running(SERVICE, "subscriptions.get")
    read: list[tuple[Any, str]] = []
    refused: list[AzureInventory] = []
    for subscription, (parent, display_name) in chosen:
        try:
            read.append((client.subscriptions.get(subscription), parent))
        except AzureError as error:
            failure = classify(error, SERVICE, "subscriptions.get", f"/subscriptions/{subscription}")
            refused.append(_not_entered(subscription, display_name, failure))
    scope = _split(read)
    return SubscriptionScope(scope.entered, sorted([*scope.not_entered, *refused], key=_by_id))


def _descendant_subscriptions(pool: ClientPool, group: str) -> dict[str, tuple[str, str]]:
    """Every subscription under ``group`` (the whole subtree, every page): the group it sits in and its
    display name, by subscription id."""
    client = pool.management_groups_client()
    pool.counter.running(GROUPS_SERVICE, "management_groups.get_descendants")
    try:
        descendants = _start_failure(
            f"management group {group} (it needs the Management Group Reader role)",
            GROUPS_SERVICE,
            lambda: list(client.management_groups.get_descendants(group)),
        )
    finally:
        client.close()
    members: dict[str, tuple[str, str]] = {}
    for descendant in descendants:
        if str(descendant.type or "").lower() != SUBSCRIPTION_TYPE or not descendant.name:
            continue
        parent = getattr(getattr(descendant, "parent", None), "id", None) or ""
        members[str(descendant.name)] = (parent.rsplit("/", 1)[-1], str(descendant.display_name or ""))
    return members


def _split(found: list[tuple[Any, str]]) -> SubscriptionScope:
    """Enabled subscriptions are entered; any other state is not entered, with the state as the reason."""
    entered: list[Subscription] = []
    not_entered: list[AzureInventory] = []
    for subscription, parent in found:
        state = _state(subscription)
        if state == ENABLED:
            entered.append(_subscription(subscription, parent))
            continue
        why = ReadFailed(
            SERVICE,
            "subscriptions.get",
            "failed",
            state,
            f"the subscription is {state}, not {ENABLED}: its resources cannot be read",
            f"/subscriptions/{subscription.subscription_id}",
        )
        not_entered.append(
            _not_entered(subscription.subscription_id, subscription.display_name or "", why, subscription)
        )
    return SubscriptionScope(entered, not_entered)


def _state(subscription: Any) -> str:
    """'Enabled', 'Disabled', ... (the SDK gives a str enum; an absent state counts as Enabled)."""
    state = subscription.state or ENABLED
    return str(getattr(state, "value", state))


def _subscription(found: Any, parent: str = "") -> Subscription:
    return Subscription(found.subscription_id, found.tenant_id or "", found.display_name or "", parent)


def _not_entered(
    subscription_id: str, display_name: str, failure: ReadFailed, found: Any = None
) -> AzureInventory:
    error = CollectionError.of_failure(
        failure, provider="azure", account=subscription_id, region="global", dataset="subscription"
    )
    return AzureInventory(
        subscription_id=subscription_id,
        tenant_id=(getattr(found, "tenant_id", None) or "") if found is not None else "",
        display_name=display_name,
        collected_at=datetime.now(UTC),
        entry_error=error,
    )


def _lower(values: tuple[str, ...]) -> set[str]:
    return {value.lower() for value in values}


def _by_id(inventory: AzureInventory) -> str:
    return inventory.subscription_id
