"""The read-only guard refuses every write before it leaves the process; reads are counted."""

from __future__ import annotations

import pytest

from auditor.emulators.arm_server import EmulatorCredential
from auditor.providers.azure import ReadOnlyViolation
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.readonly import ApiCallCounter
from tests.providers.azure.conftest import options_for
from tests.providers.azure.estate import PROD


@pytest.fixture
def pool(arm):
    pool = ClientPool(EmulatorCredential(), options_for(arm), ApiCallCounter())
    yield pool
    pool.close()


@pytest.mark.parametrize(
    ("service", "write"),
    [
        ("network", lambda c: c.network_security_groups.begin_delete("rg-network", "web-nsg")),
        (
            "security",
            lambda c: c.pricings.update("subscriptions/x", "VirtualMachines", {"pricing_tier": "Free"}),
        ),
        ("monitor", lambda c: c.subscription_diagnostic_settings.delete("to-log-analytics")),
        # resolving a Defender alert is a POST: the alert read is allowed, changing its state is not
        ("security", lambda c: c.alerts.update_subscription_level_state_to_resolve("westeurope", "a-1")),
        (
            "security",
            lambda c: c.alerts.update_resource_group_level_state_to_dismiss("westeurope", "a-1", "rg-app"),
        ),
    ],
)
def test_a_write_is_refused_before_it_is_sent(arm, pool, service, write):
    with pytest.raises(ReadOnlyViolation, match="only reads"):
        write(pool.client(service, PROD))
    assert arm.requests == []


def test_reads_pass_and_are_counted_by_operation(arm, pool):
    pool.counter.running("network", "network_security_groups.list_all")
    listed = pool.client("network", PROD).network_security_groups.list_all(
        api_version=api_version("network_security_groups.list_all")
    )
    assert len(list(listed)) == 5
    assert pool.counter.snapshot() == {"network:network_security_groups.list_all": 3}
    assert {r.method for r in arm.requests} == {"GET"}
