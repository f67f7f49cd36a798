"""CloudWatch: the CIS metric-filter-and-alarm controls over the CloudTrail log group.

Module 4, "Network Security Monitoring Patterns > Detection Rules" and the runbook's "API abuse:
CloudTrail anomaly". CIS AWS 7.0 §5.1-5.15 (= 5.0 §4.1-4.15), written once and registered per control from
the ``CONTROLS`` table.

A control passes when one chain is complete:

    multi-region, logging trail recording read and write management events
      -> its CloudWatch Logs group (``trail.cloudwatch_log_group_name`` / ``_region``)
      -> a metric filter on that group whose pattern has every required term of the CIS pattern
      -> an alarm in that region on the filter's metric (name and namespace)
      -> an enabled alarm action to an SNS topic with at least one confirmed subscription.

Patterns are compared term by term (``$.field=value``, ``$.field!=value``, ``$.field NOT EXISTS``),
whitespace and quotes ignored, names compared case-sensitively. Required terms are every comparison of
the CIS 7.0 pattern except ``$.eventSource`` qualifiers (they only narrow the filter) and, for unauthorized
API calls, the two noise exclusions on ``sourceIPAddress`` and ``HeadBucket``, which may be present or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from auditor.inventory.aws import GLOBAL, AwsInventory, MetricAlarm, MetricFilter, Trail
from auditor.model import CollectionError, Remediation, Severity
from auditor.registry import CheckFunction, Verdict, aws_check, failed, not_evaluated, passed
from checks.aws.cloudtrail import collected_trails, is_account_trail, trail_errors

MODULE_SECTION = "Network Security Monitoring Patterns > Detection Rules"
NAMESPACE = "CISBenchmark"
REFERENCES = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html",
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
)

_TERM = re.compile(
    r"\$\.(?P<field>[A-Za-z0-9_.\-\[\]]+)\s*"
    r"(?:(?P<op>!=|=)\s*(?P<value>\"[^\"]*\"|[^\s()&|}]+)|(?P<not_exists>NOT\s+EXISTS))"
)


def pattern_terms(pattern: str) -> frozenset[str]:
    """The comparisons of a CloudWatch Logs JSON filter pattern, normalised: '$.eventName=CreateVpc'."""
    terms = set()
    for match in _TERM.finditer(pattern):
        if match["not_exists"]:
            terms.add(f"$.{match['field']} NOT EXISTS")
        else:
            terms.add(f"$.{match['field']}{match['op']}{match['value'].strip(chr(34))}")
    return frozenset(terms)


def _events(*names: str, quoted: bool = False) -> str:
    quote = '"' if quoted else ""
    return " || ".join(f"($.eventName = {quote}{name}{quote})" for name in names)


@dataclass(frozen=True)
class MonitoringControl:
    """One CIS monitoring control: its check id suffix, metadata and the CIS 7.0 filter pattern."""

    name: str
    cis: str
    title: str
    subject: str  # what is monitored, as the subject of "... are monitored"
    severity: Severity
    rationale: str
    risk: str
    pattern: str
    metric: str
    optional: frozenset[str] = frozenset()

    @property
    def check_id(self) -> str:
        return f"aws.cloudwatch.{self.name}"

    @property
    def required(self) -> frozenset[str]:
        terms = pattern_terms(self.pattern) - self.optional
        return frozenset(t for t in terms if not t.startswith("$.eventSource="))

    def remediation(self) -> Remediation:
        alarm = self.metric.removesuffix("_metric") + "_alarm"
        return Remediation(
            cli=(
                "aws logs put-metric-filter --region {log_group_region} --log-group-name {log_group_name} "
                f"--filter-name {self.metric} --metric-transformations "
                f"metricName={self.metric},metricNamespace={NAMESPACE},metricValue=1 "
                f"--filter-pattern '{self.pattern}'\n"
                f"aws cloudwatch put-metric-alarm --region {{log_group_region}} --alarm-name {alarm} "
                f"--metric-name {self.metric} --namespace {NAMESPACE} --statistic Sum --period 300 "
                "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 "
                "--alarm-actions {sns_topic_arn}\n"
                "aws sns subscribe --region {log_group_region} --topic-arn {sns_topic_arn} "
                "--protocol email --notification-endpoint <security-team-address>"
            ),
            console=[
                "CloudTrail console: make sure a multi-region trail sends to a CloudWatch Logs log group.",
                "CloudWatch console > Log groups > that log group > Metric filters > Create metric filter; "
                "paste the CIS filter pattern and name the metric (namespace CISBenchmark, value 1).",
                "Select the metric filter > Create alarm: Sum >= 1 over 5 minutes, notify an SNS topic.",
                "SNS console > the topic > Create subscription, and have the recipient confirm it.",
            ],
            text=(
                f"Create the CIS {self.cis} metric filter on the CloudTrail log group, an alarm on its "
                "metric, "
                "and send the alarm to an SNS topic with a confirmed subscription "
                "('aws sns create-topic --name <name>' if there is none; one topic serves every control)."
            ),
        )


CONTROLS: tuple[MonitoringControl, ...] = (
    MonitoringControl(
        name="unauthorized_api_calls_monitored",
        cis="7.0 5.1 / 5.0 4.1",
        title="Unauthorized API calls are monitored (metric filter, alarm, subscribed topic)",
        subject="Unauthorized API calls",
        severity=Severity.MEDIUM,
        rationale=(
            "Bursts of AccessDenied and UnauthorizedOperation errors are how API enumeration and the use of "
            "stolen, under-privileged credentials show up in CloudTrail (the module's 'API abuse')."
        ),
        risk="Reconnaissance and privilege probing with stolen credentials raise no alert.",
        pattern=(
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'
        ),
        metric="unauthorized_api_calls_metric",
        optional=frozenset({"$.sourceIPAddress!=delivery.logs.amazonaws.com", "$.eventName!=HeadBucket"}),
    ),
    MonitoringControl(
        name="console_signin_without_mfa_monitored",
        cis="7.0 5.2 / 5.0 4.2",
        title="Console sign-in without MFA is monitored (metric filter, alarm, subscribed topic)",
        subject="Console sign-ins without MFA",
        severity=Severity.MEDIUM,
        rationale="A console sign-in without MFA is a single stolen password away from account compromise.",
        risk="Password-only console access, by an attacker or a mis-enrolled user, goes unnoticed.",
        pattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        metric="no_mfa_console_signin_metric",
    ),
    MonitoringControl(
        name="root_usage_monitored",
        cis="7.0 5.3 / 5.0 4.3",
        title="Use of the root user is monitored (metric filter, alarm, subscribed topic)",
        subject="Uses of the root user",
        severity=Severity.HIGH,
        rationale="The root user cannot be limited by IAM; any use of it must be seen and explained.",
        risk="Root activity, the most privileged access there is, raises no alert.",
        pattern=(
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
            '$.eventType != "AwsServiceEvent" }'
        ),
        metric="root_usage_metric",
    ),
    MonitoringControl(
        name="iam_policy_changes_monitored",
        cis="7.0 5.4 / 5.0 4.4",
        title="IAM policy changes are monitored (metric filter, alarm, subscribed topic)",
        subject="IAM policy changes",
        severity=Severity.MEDIUM,
        rationale="Attaching or rewriting IAM policies is how an intruder escalates and keeps access.",
        risk="Privilege escalation through IAM policy changes raises no alert.",
        pattern="{"
        + _events(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        )
        + "}",
        metric="iam_changes_metric",
    ),
    MonitoringControl(
        name="cloudtrail_changes_monitored",
        cis="7.0 5.5 / 5.0 4.5",
        title="CloudTrail configuration changes are monitored (metric filter, alarm, subscribed topic)",
        subject="CloudTrail configuration changes",
        severity=Severity.HIGH,
        rationale="Stopping or changing a trail is how an intruder blinds the API-activity log.",
        risk="The API-activity log is switched off or redirected without anyone noticing.",
        pattern="{ "
        + _events("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
        + " }",
        metric="cloudtrail_cfg_changes_metric",
    ),
    MonitoringControl(
        name="console_auth_failures_monitored",
        cis="7.0 5.6 / 5.0 4.6",
        title="Console authentication failures are monitored (metric filter, alarm, subscribed topic)",
        subject="Console authentication failures",
        severity=Severity.LOW,
        rationale="Repeated failed console sign-ins are the module's 'Failed logins' baseline metric.",
        risk="Password guessing against console users raises no alert.",
        pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        metric="console_signin_failure_metric",
    ),
    MonitoringControl(
        name="cmk_disable_or_deletion_monitored",
        cis="7.0 5.7 / 5.0 4.7",
        title="Disabling or scheduled deletion of customer managed KMS keys is monitored",
        subject="Disabling or scheduled deletion of customer managed KMS keys",
        severity=Severity.MEDIUM,
        rationale="Data encrypted under a disabled or deleted key becomes unreadable, including the logs.",
        risk="Destructive key changes (sabotage or ransom) are noticed only when decryption fails.",
        pattern=(
            "{($.eventSource = kms.amazonaws.com) && "
            "(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"
        ),
        metric="disable_or_delete_cmk_changes_metric",
    ),
    MonitoringControl(
        name="s3_bucket_policy_changes_monitored",
        cis="7.0 5.8 / 5.0 4.8",
        title="S3 bucket policy changes are monitored (metric filter, alarm, subscribed topic)",
        subject="S3 bucket policy changes",
        severity=Severity.MEDIUM,
        rationale="Loosened bucket policies and ACLs are the usual first step of S3 data exfiltration.",
        risk="A bucket made public or shared with an outside account raises no alert.",
        pattern="{ ($.eventSource = s3.amazonaws.com) && ("
        + _events(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        )
        + ") }",
        metric="s3_bucket_policy_changes_metric",
    ),
    MonitoringControl(
        name="config_changes_monitored",
        cis="7.0 5.9 / 5.0 4.9",
        title="AWS Config configuration changes are monitored (metric filter, alarm, subscribed topic)",
        subject="AWS Config configuration changes",
        severity=Severity.MEDIUM,
        rationale="Stopping the Config recorder removes the configuration history investigators rely on.",
        risk="Configuration recording is stopped or redirected without anyone noticing.",
        pattern="{ ($.eventSource = config.amazonaws.com) && ("
        + _events(
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        )
        + ") }",
        metric="aws_config_changes_metric",
    ),
    MonitoringControl(
        name="security_group_changes_monitored",
        cis="7.0 5.10 / 5.0 4.10",
        title="Security group changes are monitored (metric filter, alarm, subscribed topic)",
        subject="Security group changes",
        severity=Severity.MEDIUM,
        rationale="Opening a security group exposes instances directly; the change should page someone.",
        risk="Ports opened to the internet stay open until someone happens to look.",
        pattern="{ "
        + _events(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        )
        + " }",
        metric="security_group_changes_metric",
    ),
    MonitoringControl(
        name="nacl_changes_monitored",
        cis="7.0 5.11 / 5.0 4.11",
        title="Network ACL changes are monitored (metric filter, alarm, subscribed topic)",
        subject="Network ACL changes",
        severity=Severity.MEDIUM,
        rationale="NACLs are the runbook's block for a scanning source; changes to them change exposure.",
        risk="Subnet-level filtering is loosened or a runbook block is removed without an alert.",
        pattern="{ "
        + _events(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        )
        + " }",
        metric="nacl_changes_metric",
    ),
    MonitoringControl(
        name="network_gateway_changes_monitored",
        cis="7.0 5.12 / 5.0 4.12",
        title="Network gateway changes are monitored (metric filter, alarm, subscribed topic)",
        subject="Network gateway changes",
        severity=Severity.MEDIUM,
        rationale="A new internet or customer gateway opens a path in or out of the network.",
        risk="A new route to the internet or to an outside network appears without an alert.",
        pattern="{ "
        + _events(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        )
        + " }",
        metric="network_gw_changes_metric",
    ),
    MonitoringControl(
        name="route_table_changes_monitored",
        cis="7.0 5.13 / 5.0 4.13",
        title="Route table changes are monitored (metric filter, alarm, subscribed topic)",
        subject="Route table changes",
        severity=Severity.MEDIUM,
        rationale="Route changes can send traffic around inspection points or out of the network.",
        risk="Traffic is rerouted (around a firewall, to an attacker's peer) without an alert.",
        pattern="{ ($.eventSource = ec2.amazonaws.com) && ("
        + _events(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        )
        + ") }",
        metric="route_table_changes_metric",
    ),
    MonitoringControl(
        name="vpc_changes_monitored",
        cis="7.0 5.14 / 5.0 4.14",
        title="VPC changes are monitored (metric filter, alarm, subscribed topic)",
        subject="VPC changes",
        severity=Severity.MEDIUM,
        rationale="New VPCs and peering connections change which networks can reach each other.",
        risk="A peering connection to an outside VPC bridges the network without an alert.",
        pattern="{ "
        + _events(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        )
        + " }",
        metric="vpc_changes_metric",
    ),
    MonitoringControl(
        name="organizations_changes_monitored",
        cis="7.0 5.15 / 5.0 4.15",
        title="AWS Organizations changes are monitored (metric filter, alarm, subscribed topic)",
        subject="AWS Organizations changes",
        severity=Severity.MEDIUM,
        rationale="Organization changes move accounts and rewrite the SCP guardrails over every account.",
        risk="Guardrails are detached or accounts leave the organization without an alert.",
        pattern="{ ($.eventSource = organizations.amazonaws.com) && ("
        + _events(
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
            quoted=True,
        )
        + ") }",
        metric="organizations_changes_metric",
    ),
)


# --- Following the chain ----------------------------------------------------------------------

NO_TRAIL, NO_LOG_GROUP, NO_FILTER, NO_ALARM, NO_ACTION, NO_SUBSCRIPTION, COMPLETE = range(7)
MISSING_LINK = {
    NO_TRAIL: "trail",
    NO_LOG_GROUP: "cloudwatch_logs",
    NO_FILTER: "metric_filter",
    NO_ALARM: "alarm",
    NO_ACTION: "alarm_action",
    NO_SUBSCRIPTION: "sns_subscription",
}


@dataclass(frozen=True)
class _Link:
    """How far one chain got. ``unread`` marks a chain cut short by data that was not collected."""

    stage: int
    message: str
    evidence: dict[str, Any]
    unread: bool = False
    errors: tuple[CollectionError, ...] = ()


def _follow_topics(inv: AwsInventory, alarm: MetricAlarm, evidence: dict[str, Any]) -> Iterator[_Link]:
    topics = [action for action in alarm.alarm_actions if action.split(":")[2:3] == ["sns"]]
    evidence = evidence | {"alarm_name": alarm.name}
    if not topics:
        yield _Link(NO_ACTION, f"alarm {alarm.name} has no action to an SNS topic", evidence)
        return
    if not alarm.actions_enabled:
        yield _Link(NO_ACTION, f"alarm {alarm.name} has its actions disabled", evidence)
        return
    for topic in topics:
        topic_evidence = evidence | {"sns_topic_arn": topic}
        parts = topic.split(":")
        topic_region, topic_account = parts[3], parts[4]
        region = inv.regions.get(topic_region)
        if topic_account != inv.account_id or region is None:
            where = (
                f"account {topic_account}" if topic_account != inv.account_id else f"region {topic_region}"
            )
            yield _Link(
                NO_SUBSCRIPTION,
                f"the subscriptions of SNS topic {topic} ({where}) were not collected",
                topic_evidence,
                unread=True,
            )
            continue
        if region.sns_subscriptions is None:
            errors = tuple(inv.errors_for(topic_region, "sns_subscriptions"))
            yield _Link(
                NO_SUBSCRIPTION,
                f"SNS subscriptions in {topic_region} were not collected",
                topic_evidence,
                True,
                errors,
            )
            continue
        subscriptions = [s for s in region.sns_subscriptions if s.topic_arn == topic]
        confirmed = [s for s in subscriptions if s.confirmed]
        if confirmed:
            yield _Link(
                COMPLETE,
                f"alarm {alarm.name} notifies SNS topic {topic} ({len(confirmed)} confirmed "
                f"subscription(s): {', '.join(sorted({s.protocol for s in confirmed}))})",
                topic_evidence | {"confirmed_subscriptions": len(confirmed)},
            )
        else:
            pending = f" ({len(subscriptions)} pending confirmation)" if subscriptions else ""
            yield _Link(
                NO_SUBSCRIPTION,
                f"SNS topic {topic} of alarm {alarm.name} has no confirmed subscription{pending}",
                topic_evidence,
            )


def _follow_filters(
    inv: AwsInventory, filters: list[MetricFilter], alarms: list[MetricAlarm], evidence: dict[str, Any]
) -> Iterator[_Link]:
    region = evidence["log_group_region"]
    for metric_filter in filters:
        filter_evidence = evidence | {"filter_name": metric_filter.name}
        if not metric_filter.transformations:
            yield _Link(NO_ALARM, f"metric filter {metric_filter.name} publishes no metric", filter_evidence)
        for transformation in metric_filter.transformations:
            metric = f"{transformation.metric_namespace}/{transformation.metric_name}"
            metric_evidence = filter_evidence | {
                "metric_name": transformation.metric_name,
                "metric_namespace": transformation.metric_namespace,
            }
            watching = [
                a
                for a in alarms
                if a.metric_name == transformation.metric_name
                and a.namespace == transformation.metric_namespace
            ]
            if not watching:
                yield _Link(
                    NO_ALARM,
                    f"metric filter {metric_filter.name} publishes {metric}, "
                    f"but no alarm in {region} watches it",
                    metric_evidence,
                )
            for alarm in watching:
                yield from _follow_topics(inv, alarm, metric_evidence)


def _follow_trail(inv: AwsInventory, control: MonitoringControl, trail: Trail) -> Iterator[_Link]:
    group, group_region = trail.cloudwatch_log_group_name, trail.cloudwatch_log_group_region
    evidence: dict[str, Any] = {
        "trail_arn": trail.arn,
        "log_group_name": group,
        "log_group_region": group_region,
    }
    region = inv.regions.get(group_region)
    if region is None:
        yield _Link(
            NO_FILTER, f"log group {group} is in {group_region}, outside the scanned regions", evidence, True
        )
        return
    if region.metric_filters is None:
        errors = tuple(inv.errors_for(group_region, "metric_filters"))
        yield _Link(NO_FILTER, f"metric filters in {group_region} were not collected", evidence, True, errors)
        return
    on_group = [f for f in region.metric_filters if f.log_group == group]
    matching = [f for f in on_group if control.required <= pattern_terms(f.pattern)]
    if not matching:
        if not on_group:
            yield _Link(NO_FILTER, f"log group {group} ({group_region}) has no metric filter", evidence)
            return
        closest = min(on_group, key=lambda f: (len(control.required - pattern_terms(f.pattern)), f.name))
        missing = sorted(control.required - pattern_terms(closest.pattern))
        yield _Link(
            NO_FILTER,
            f"no metric filter on log group {group} ({group_region}) has the CIS pattern; the closest, "
            f"{closest.name}, lacks {len(missing)} term(s): {', '.join(missing)}",
            evidence | {"closest_filter": closest.name, "missing_terms": missing},
        )
        return
    if region.metric_alarms is None:
        errors = tuple(inv.errors_for(group_region, "metric_alarms"))
        yield _Link(NO_ALARM, f"metric alarms in {group_region} were not collected", evidence, True, errors)
        return
    yield from _follow_filters(inv, matching, region.metric_alarms, evidence)


def monitoring_verdicts(inv: AwsInventory, control: MonitoringControl) -> Iterator[Verdict]:
    """One account-level verdict: PASS on a complete chain, else ERROR if data was missing, else FAIL."""
    if not inv.regions:
        return
    trails, unread_regions = collected_trails(inv)
    account_trails = [t for t in trails if is_account_trail(t)]
    sending = [t for t in account_trails if t.cloudwatch_log_group_name]
    links: list[_Link] = []
    if not account_trails:
        links.append(
            _Link(NO_TRAIL, "no multi-region, logging trail records read and write management events", {})
        )
    elif not sending:
        names = ", ".join(t.name for t in account_trails)
        links.append(
            _Link(
                NO_LOG_GROUP, f"trail(s) {names} deliver to no CloudWatch Logs group", {"trail_name": names}
            )
        )
    for trail in sending:
        links.extend(_follow_trail(inv, control, trail))

    complete = [link for link in links if link.stage == COMPLETE]
    if complete:
        link = complete[0]
        yield passed(
            inv.account_id,
            GLOBAL,
            f"{control.subject} are monitored: trail {link.evidence['trail_arn']} -> log group "
            f"{link.evidence['log_group_name']} -> metric filter {link.evidence['filter_name']} -> "
            f"{link.message}",
            **link.evidence,
        )
        return

    read = [link for link in links if not link.unread]
    best = max(read, key=lambda link: link.stage) if read else None
    unread = [link for link in links if link.unread]
    if unread_regions or unread:
        errors = trail_errors(inv, unread_regions)
        for link in unread:
            errors.extend(e for e in link.errors if e not in errors)
        verdict = not_evaluated(inv.account_id, GLOBAL, errors)
        reasons = [e.describe() for e in errors] + [link.message for link in unread if not link.errors]
        message = "Not evaluated: " + ("; ".join(reasons) or "the data was not collected")
        if best is not None:
            message += f". In the data that was read: {best.message}"
        yield replace(verdict, message=message, evidence=verdict.evidence | (best.evidence if best else {}))
        return
    if best is None:  # unreachable: every chain yields at least one link
        return
    yield failed(
        inv.account_id,
        GLOBAL,
        f"{control.subject} are not monitored: {best.message}",
        missing_link=MISSING_LINK[best.stage],
        required_terms=sorted(control.required),
        **best.evidence,
    )


def _check_function(control: MonitoringControl) -> CheckFunction[AwsInventory]:
    def check(inv: AwsInventory) -> Iterator[Verdict]:
        yield from monitoring_verdicts(inv, control)

    check.__name__ = check.__qualname__ = control.name
    return check


def _register(control: MonitoringControl) -> None:
    aws_check(
        id=control.check_id,
        title=control.title,
        severity=control.severity,
        rationale=f"{control.rationale} (CIS AWS {control.cis}: metric filter and alarm on CloudTrail.)",
        risk=control.risk,
        remediation=control.remediation(),
        references=REFERENCES,
        module_section=MODULE_SECTION,
        datasets=("trails", "metric_filters", "metric_alarms", "sns_subscriptions"),
    )(_check_function(control))


for _control in CONTROLS:
    _register(_control)
