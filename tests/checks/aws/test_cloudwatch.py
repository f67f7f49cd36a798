from typing import Any

import pytest

from auditor.inventory.aws import AwsInventory
from auditor.model import Finding, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from checks.aws.cloudwatch import CONTROLS, MonitoringControl, pattern_terms
from tests.conftest import ACCOUNT, collection_error, make_inventory, run_check

BY_NAME = {control.name: control for control in CONTROLS}
UNAUTHORIZED = BY_NAME["unauthorized_api_calls_monitored"]
IAM = BY_NAME["iam_policy_changes_monitored"]
GROUP = "CloudTrail/main"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:security-alarms"


def _log_group_arn(region: str = "us-east-1", name: str = GROUP) -> str:
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*"


def _trail(**fields: Any) -> dict[str, Any]:
    trail: dict[str, Any] = {
        "name": "main",
        "arn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main",
        "home_region": "us-east-1",
        "is_multi_region": True,
        "is_logging": True,
        "cloudwatch_log_group_arn": _log_group_arn(),
        "event_selectors": [{"read_write_type": "All", "include_management_events": True}],
    }
    return trail | fields


def _monitoring(
    pattern: str,
    *,
    log_group: str = GROUP,
    alarm_metric: str = "cis_metric",
    actions_enabled: bool = True,
    alarm_actions: list[str] | None = None,
    subscription_arn: str = f"{TOPIC}:0b1c",
) -> dict[str, Any]:
    """The CloudWatch Logs / CloudWatch / SNS datasets of one region, with one complete chain."""
    return {
        "metric_filters": [
            {
                "name": "cis-filter",
                "log_group": log_group,
                "pattern": pattern,
                "transformations": [{"metric_name": "cis_metric", "metric_namespace": "CISBenchmark"}],
            }
        ],
        "metric_alarms": [
            {
                "name": "cis-alarm",
                "metric_name": alarm_metric,
                "namespace": "CISBenchmark",
                "actions_enabled": actions_enabled,
                "alarm_actions": [TOPIC] if alarm_actions is None else alarm_actions,
            }
        ],
        "sns_subscriptions": [{"arn": subscription_arn, "topic_arn": TOPIC, "protocol": "email"}],
    }


def _inventory(
    control: MonitoringControl = UNAUTHORIZED,
    *,
    trail: dict[str, Any] | None = None,
    extra_trails: list[dict[str, Any]] | None = None,
    pattern: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    regions: dict[str, dict[str, Any]] | None = None,
    unread: str = "",
    **monitoring: Any,
) -> AwsInventory:
    trails = [trail or _trail(), *(extra_trails or [])]
    region = {"trails": trails, **_monitoring(pattern or control.pattern, **monitoring)}
    if unread:
        region[unread] = None
    return make_inventory({"us-east-1": region, **(regions or {})}, errors=errors or [])


def _run(inv: AwsInventory, control: MonitoringControl = UNAUTHORIZED) -> Finding:
    [finding] = run_check(control.check_id, inv)
    return finding


def _pattern(terms: set[str] | frozenset[str]) -> str:
    """A filter pattern OR-ing the given normalised terms, written back in filter syntax."""
    written = []
    for term in sorted(terms):
        if term.endswith(" NOT EXISTS"):
            written.append(f"({term})")
        else:
            op = "!=" if "!=" in term else "="
            field, value = term.split(op, 1)
            written.append(f'({field} {op} "{value}")')
    return "{ " + " || ".join(written) + " }"


# --- the table ----------------------------------------------------------------------------------


def test_fifteen_controls_are_registered_with_their_cis_pattern_in_the_remediation():
    registry = load_checks()
    assert len(CONTROLS) == 15
    for control in CONTROLS:
        meta = registry.get(control.check_id).meta
        assert meta.service == "cloudwatch"
        assert control.pattern in meta.remediation.cli
        assert "aws logs put-metric-filter" in meta.remediation.cli
        assert "aws cloudwatch put-metric-alarm" in meta.remediation.cli
        assert control.optional <= pattern_terms(control.pattern)


def test_iam_control_requires_all_sixteen_event_names():
    assert len(IAM.required) == 16
    assert "$.eventName=CreatePolicy" in IAM.required
    assert "$.eventName=DetachGroupPolicy" in IAM.required


def test_pattern_terms_normalise_whitespace_and_quotes():
    assert pattern_terms(
        '{ ($.eventName = "ConsoleLogin") && ($.errorMessage="Failed authentication") }'
    ) == {
        "$.eventName=ConsoleLogin",
        "$.errorMessage=Failed authentication",
    }
    assert pattern_terms("{$.userIdentity.invokedBy NOT EXISTS && $.eventType!=AwsServiceEvent}") == {
        "$.userIdentity.invokedBy NOT EXISTS",
        "$.eventType!=AwsServiceEvent",
    }


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.name)
def test_every_control_passes_with_its_cis_pattern(control: MonitoringControl):
    finding = _run(_inventory(control), control)
    assert finding.status is Status.PASS
    assert finding.region == "global"
    assert f"{control.subject} are monitored" in finding.message
    assert finding.evidence["sns_topic_arn"] == TOPIC


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: c.name)
def test_every_control_fails_when_one_required_term_is_missing(control: MonitoringControl):
    dropped = sorted(control.required)[-1]
    finding = _run(_inventory(control, pattern=_pattern(control.required - {dropped})), control)
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "metric_filter"
    assert finding.evidence["missing_terms"] == [dropped]
    assert dropped in finding.message


# --- pattern matching ---------------------------------------------------------------------------


def test_unauthorized_api_pattern_with_or_without_the_noise_exclusions():
    older = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    assert _run(_inventory(pattern=older)).status is Status.PASS
    assert _run(_inventory(pattern=UNAUTHORIZED.pattern)).status is Status.PASS
    only_one = '{ ($.errorCode = "*UnauthorizedOperation") }'
    assert _run(_inventory(pattern=only_one)).status is Status.FAIL


def test_iam_pattern_without_spaces_passes_and_a_longer_event_name_does_not_stand_in():
    compact = IAM.pattern.replace(" ", "")
    assert _run(_inventory(IAM, pattern=compact), IAM).status is Status.PASS
    without_create_policy = IAM.pattern.replace("($.eventName = CreatePolicy) || ", "")
    assert "CreatePolicyVersion" in without_create_policy
    finding = _run(_inventory(IAM, pattern=without_create_policy), IAM)
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_terms"] == ["$.eventName=CreatePolicy"]


def test_event_names_are_case_sensitive():
    lowered = IAM.pattern.replace("DeleteGroupPolicy", "deletegrouppolicy")
    assert _run(_inventory(IAM, pattern=lowered), IAM).status is Status.FAIL


# --- each link of the chain ---------------------------------------------------------------------


def test_no_qualifying_trail_fails_at_the_trail():
    for trail in (_trail(is_multi_region=False), _trail(is_logging=False), _trail(event_selectors=[])):
        finding = _run(_inventory(trail=trail))
        assert finding.status is Status.FAIL
        assert finding.evidence["missing_link"] == "trail"
        assert "no multi-region, logging trail" in finding.message


def test_trail_without_cloudwatch_logs_fails_at_the_log_group():
    finding = _run(_inventory(trail=_trail(cloudwatch_log_group_arn="")))
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "cloudwatch_logs"
    assert "deliver to no CloudWatch Logs group" in finding.message


def test_filter_on_another_log_group_does_not_count():
    finding = _run(_inventory(log_group="SomethingElse"))
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "metric_filter"
    assert f"log group {GROUP} (us-east-1) has no metric filter" in finding.message


def test_filter_must_be_in_the_log_group_region():
    trail = _trail(cloudwatch_log_group_arn=_log_group_arn("eu-west-1"))
    eu_topic = TOPIC.replace("us-east-1", "eu-west-1")
    eu = _monitoring(UNAUTHORIZED.pattern, alarm_actions=[eu_topic], subscription_arn=f"{eu_topic}:1")
    eu["sns_subscriptions"][0]["topic_arn"] = eu_topic
    # The us-east-1 filter on a same-named group does not count; only eu-west-1's does.
    empty_eu = {"trails": [], "metric_filters": []}
    assert _run(_inventory(trail=trail, regions={"eu-west-1": empty_eu})).status is Status.FAIL
    finding = _run(_inventory(trail=trail, regions={"eu-west-1": {"trails": [], **eu}}))
    assert finding.status is Status.PASS
    assert finding.evidence["log_group_region"] == "eu-west-1"


def test_filter_without_an_alarm_on_its_metric_fails_at_the_alarm():
    finding = _run(_inventory(alarm_metric="other_metric"))
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "alarm"
    assert "publishes CISBenchmark/cis_metric, but no alarm in us-east-1 watches it" in finding.message


def test_alarm_that_does_not_notify_fails_at_the_action():
    disabled = _run(_inventory(actions_enabled=False))
    assert disabled.status is Status.FAIL
    assert disabled.evidence["missing_link"] == "alarm_action"
    assert "actions disabled" in disabled.message
    no_sns = _run(_inventory(alarm_actions=["arn:aws:automate:us-east-1:ec2:stop"]))
    assert no_sns.status is Status.FAIL
    assert "no action to an SNS topic" in no_sns.message


def test_topic_without_confirmed_subscription_fails_at_the_subscription():
    finding = _run(_inventory(subscription_arn="PendingConfirmation"))
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "sns_subscription"
    assert "no confirmed subscription (1 pending confirmation)" in finding.message


def test_the_furthest_chain_is_reported():
    # Two trails: one without a matching filter, one whose chain reaches the SNS topic.
    other = _trail(
        name="second",
        arn=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/second",
        cloudwatch_log_group_arn=_log_group_arn(name="Unfiltered"),
    )
    finding = _run(_inventory(trail=other, extra_trails=[_trail()], subscription_arn="PendingConfirmation"))
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_link"] == "sns_subscription"


def test_fail_remediation_is_filled_from_the_evidence():
    finding = _run(_inventory(subscription_arn="PendingConfirmation"))
    command = remediation_command(load_checks().get(UNAUTHORIZED.check_id).meta, finding)
    assert command.startswith(
        f"aws logs put-metric-filter --region us-east-1 --log-group-name {GROUP} "
        "--filter-name unauthorized_api_calls_metric"
    )
    assert f"--filter-pattern '{UNAUTHORIZED.pattern}'" in command
    assert f"--alarm-actions {TOPIC}" in command
    assert (
        "aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name unauthorized_api_calls_alarm"
        in command
    )


# --- ERROR and NOT_APPLICABLE -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "operation"),
    [
        ("metric_filters", "DescribeMetricFilters"),
        ("metric_alarms", "DescribeAlarms"),
        ("sns_subscriptions", "ListSubscriptions"),
    ],
)
def test_unread_dataset_on_the_chain_is_error(dataset: str, operation: str):
    inv = _inventory(
        unread=dataset, errors=[collection_error("us-east-1", dataset, "logs", operation=operation)]
    )
    finding = _run(inv)
    assert finding.status is Status.ERROR
    assert f"logs:{operation} in us-east-1" in finding.message


def test_unread_trail_region_without_a_complete_chain_is_error_and_keeps_what_was_seen():
    inv = _inventory(
        trail=_trail(is_logging=False),
        regions={"eu-west-1": {}},
        errors=[collection_error("eu-west-1", "trails", "cloudtrail", operation="DescribeTrails")],
    )
    finding = _run(inv)
    assert finding.status is Status.ERROR
    assert "cloudtrail:DescribeTrails in eu-west-1" in finding.message
    assert "In the data that was read: no multi-region, logging trail" in finding.message


def test_unread_trail_region_does_not_hide_a_complete_chain():
    inv = _inventory(
        regions={"eu-west-1": {}}, errors=[collection_error("eu-west-1", "trails", "cloudtrail")]
    )
    assert _run(inv).status is Status.PASS


def test_log_group_in_an_unscanned_region_is_error():
    finding = _run(_inventory(trail=_trail(cloudwatch_log_group_arn=_log_group_arn("ap-south-1"))))
    assert finding.status is Status.ERROR
    assert "ap-south-1, outside the scanned regions" in finding.message


def test_topic_in_another_account_is_error():
    foreign = "arn:aws:sns:us-east-1:999988887777:central-alarms"
    finding = _run(_inventory(alarm_actions=[foreign]))
    assert finding.status is Status.ERROR
    assert "account 999988887777" in finding.message


def test_no_regions_is_not_applicable():
    [finding] = run_check(UNAUTHORIZED.check_id, make_inventory({}))
    assert finding.status is Status.NOT_APPLICABLE
