"""AWS WAF (v2): logging on every web ACL, regional and CloudFront-scoped.

Module 4, "Essential Network Logs > Log Types by Provider > WAF: WAF Logs". CLOUDFRONT-scope web ACLs
are global (read in us-east-1): their findings carry region "global".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import GLOBAL, AwsInventory, WebAcl
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > Log Types by Provider > WAF: WAF Logs"
DOCS = "https://docs.aws.amazon.com/waf/latest/developerguide/logging.html"
CLOUDFRONT_API_REGION = "us-east-1"


def _verdict(acl: WebAcl, region: str, api_region: str) -> Verdict:
    scope = "CloudFront" if acl.scope == "CLOUDFRONT" else "regional"
    if acl.logging_enabled:
        return passed(
            acl.arn,
            region,
            f"WAF web ACL {acl.name} ({scope}) logs to {', '.join(acl.logging_destinations)}",
            scope=acl.scope,
            logging_destinations=acl.logging_destinations,
        )
    return failed(
        acl.arn,
        region,
        f"WAF web ACL {acl.name} ({scope}) has no logging configuration",
        scope=acl.scope,
        name=acl.name,
        api_region=api_region,
    )


@aws_check(
    id="aws.wafv2.web_acl_logging_enabled",
    title="AWS WAF web ACLs have logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "WAF logs record every request the web ACL inspected and which rule matched: the WAF row of the "
        "module's essential logs, and the evidence behind the runbook's 'DDoS attack: WAF/Shield alerts'."
    ),
    risk="Blocked and allowed attacks are counted in metrics at best; the requests themselves are lost.",
    remediation=Remediation(
        cli=(
            "aws wafv2 put-logging-configuration --region {api_region} --logging-configuration "
            "ResourceArn={resource_id},LogDestinationConfigs=<aws-waf-logs-destination-arn>"
        ),
        console=[
            "WAF & Shield console > Web ACLs > choose the region (Global for CloudFront) > the web ACL.",
            "Logging and metrics > Enable logging.",
            "Choose a CloudWatch Logs group, S3 bucket or Firehose stream whose name starts with "
            "aws-waf-logs- > Save.",
        ],
        text=(
            "Send the web ACL's logs to a destination named aws-waf-logs-* (CloudWatch Logs, S3 or "
            "Firehose); CloudFront web ACLs are configured through us-east-1."
        ),
    ),
    references=(DOCS, "https://docs.aws.amazon.com/waf/latest/developerguide/logging-management.html"),
    module_section=MODULE_SECTION,
    datasets=("web_acls", "cloudfront_web_acls"),
)
def wafv2_web_acl_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.web_acls is None:
            resource = f"arn:{inv.partition}:wafv2:{region.name}:{inv.account_id}:regional/webacl"
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "web_acls"))
            continue
        for acl in region.web_acls:
            yield _verdict(acl, region.name, region.name)
    if inv.cloudfront_web_acls is None:
        resource = f"arn:{inv.partition}:wafv2:{CLOUDFRONT_API_REGION}:{inv.account_id}:global/webacl"
        # The read happens in us-east-1; accept the error under either name.
        errors = inv.errors_for(GLOBAL, "cloudfront_web_acls") or inv.errors_for(
            CLOUDFRONT_API_REGION, "cloudfront_web_acls"
        )
        yield not_evaluated(resource, GLOBAL, errors)
        return
    for acl in inv.cloudfront_web_acls:
        yield _verdict(acl, GLOBAL, CLOUDFRONT_API_REGION)
