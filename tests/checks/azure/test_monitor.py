import pytest

from auditor.model import Status
from checks.azure.monitor import ALERTS
from tests.checks.azure.inventories import SUB, azure_error, azure_inventory, one_status, run, setting


def test_activity_log_export_needs_a_destination():
    check = "azure.monitor.activity_log_exported"
    assert (
        one_status(check, azure_inventory(activity_log_settings=[setting("Administrative")])) is Status.PASS
    )
    no_destination = [setting("Administrative", destination=False)]
    assert one_status(check, azure_inventory(activity_log_settings=no_destination)) is Status.FAIL
    assert one_status(check, azure_inventory(activity_log_settings=[])) is Status.FAIL
    denied = azure_inventory(errors=[azure_error("activity_log_settings", "monitor")])
    assert one_status(check, denied) is Status.ERROR


def test_activity_log_categories_need_all_four_or_all_logs():
    check = "azure.monitor.activity_log_categories"
    full = setting("Administrative", "Alert", "Policy", "Security")
    assert one_status(check, azure_inventory(activity_log_settings=[full])) is Status.PASS
    assert one_status(check, azure_inventory(activity_log_settings=[setting(group="allLogs")])) is Status.PASS
    [partial] = run(check, azure_inventory(activity_log_settings=[setting("Administrative", "Security")]))
    assert partial.status is Status.FAIL and "Alert, Policy" in partial.message
    assert one_status(check, azure_inventory(errors=[azure_error("activity_log_settings")])) is Status.ERROR


def _alert(operation=None, category="Administrative", **kw):
    conditions = [{"field": "category", "equals": category}]
    if operation:
        conditions.append({"field": "operationName", "equals": operation})
    return {
        "id": f"{SUB}/alerts/a",
        "name": "a",
        "scopes": [kw.pop("scope", SUB)],
        "conditions": conditions,
        "action_group_ids": kw.pop("groups", ["/ag/secops"]),
        **kw,
    }


ALERT_CASES = [(f"azure.monitor.alert_{slug}", operation, "Administrative") for slug, _, operation in ALERTS]
ALERT_CASES.append(("azure.monitor.alert_service_health", None, "ServiceHealth"))


@pytest.mark.parametrize(("check", "operation", "category"), ALERT_CASES)
def test_activity_log_alerts(check, operation, category):
    def status(*alerts):
        return one_status(check, azure_inventory(activity_log_alerts=list(alerts)))

    assert status(_alert(operation.upper() if operation else None, category)) is Status.PASS
    assert status() is Status.FAIL
    assert status(_alert(operation, category, groups=[])) is Status.FAIL
    assert status(_alert(operation, category, enabled=False)) is Status.FAIL
    assert status(_alert(operation, category, scope=f"{SUB}/resourceGroups/one")) is Status.FAIL
    assert status(_alert(operation, category, scope=f"{SUB}/resourceGroups/one".lstrip("/"))) is Status.FAIL
    assert status(_alert("Microsoft.Compute/virtualMachines/write")) is Status.FAIL
    assert (
        one_status(check, azure_inventory(errors=[azure_error("activity_log_alerts", "monitor")]))
        is Status.ERROR
    )


@pytest.mark.parametrize(
    "scope",
    [
        SUB,  # the portal's form
        SUB.lstrip("/"),  # the REST spec examples' form: subscriptions/{id}
        SUB.upper(),
        SUB.lstrip("/").upper() + "/",
    ],
)
def test_an_alert_covers_its_subscription_whatever_form_its_scope_takes(scope):
    check = "azure.monitor.alert_service_health"
    alert = _alert(None, "ServiceHealth", scope=scope)
    assert one_status(check, azure_inventory(activity_log_alerts=[alert])) is Status.PASS
