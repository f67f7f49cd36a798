"""The per-service rate limit at the wire: requests leave no faster than the rate past the burst."""

from __future__ import annotations

from tests.providers.test_rate_limit import paced


def test_an_azure_scan_paces_arm_per_subscription_at_the_wire(arm) -> None:
    from tests.providers.azure.conftest import collect

    paced_scan = collect(arm, rate_limits=(("arm", 3.0),))
    requests = list(arm.requests)
    unpaced_scan = collect(arm, rate_limits=(("*", 0),))
    # the pace changes when requests leave, never what is collected
    assert [i.errors for i in paced_scan] == [i.errors for i in unpaced_scan]
    assert [i.defender_plans for i in paced_scan] == [i.defender_plans for i in unpaced_scan]
    by_subscription: dict[str, list[float]] = {}
    for request in requests:
        parts = request.path.lower().split("/")
        if "subscriptions" in parts and len(parts) > parts.index("subscriptions") + 2:
            by_subscription.setdefault(parts[parts.index("subscriptions") + 1], []).append(request.at)
    assert by_subscription
    for times in by_subscription.values():
        if len(times) > 17:
            paced(sorted(times), rate=3.0, burst=15)
    assert max(len(t) for t in by_subscription.values()) > 17
