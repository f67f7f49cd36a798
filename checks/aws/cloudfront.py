"""CloudFront: access logging on every distribution, by legacy standard logging or standard logging v2.

CIS AWS 7.0 4.10 (access logging on every AWS-managed web front end). CloudFront is global: its
findings carry region "global".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import GLOBAL, AwsInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

DOCS = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html"
ACCESS_LOGS = "ACCESS_LOGS"


@aws_check(
    id="aws.cloudfront.access_logging_enabled",
    title="CloudFront distributions have access logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "A CloudFront distribution is the first thing a client reaches; its access logs record every "
        "viewer request (client address, path, edge result). CIS 7.0 4.10 asks for access logging on "
        "every AWS-managed web front end. Either standard logging counts: legacy (the distribution's "
        "Logging to S3) or v2 (a CloudWatch Logs delivery source for the distribution, ACCESS_LOGS, with a "
        "delivery to S3, CloudWatch Logs or Firehose)."
    ),
    risk="Attacks on, and abuse of, the application through its CDN cannot be traced to a client.",
    remediation=Remediation(
        cli=(
            "aws cloudfront get-distribution-config --id {distribution_id} > dist.json && "
            "jq '.DistributionConfig.Logging = "
            '{"Enabled": true, "IncludeCookies": false, "Bucket": "<bucket>.s3.amazonaws.com", '
            '"Prefix": "<prefix>"} | .DistributionConfig\' dist.json > config.json && '
            "aws cloudfront update-distribution --id {distribution_id} "
            "--if-match $(jq -r .ETag dist.json) --distribution-config file://config.json"
        ),
        console=[
            "CloudFront console > Distributions > select the distribution > Logging tab.",
            "Add a log delivery (S3, CloudWatch Logs or Firehose), or under General > Settings > Edit turn "
            "on Standard logging (legacy) with an S3 bucket.",
        ],
        text="Turn on standard logging for the distribution: legacy (Logging to a bucket that allows "
        "CloudFront log delivery, the command above), or v2 through CloudWatch Logs in us-east-1: "
        "aws logs put-delivery-source --region us-east-1 --name cf-{distribution_id} --resource-arn "
        "{resource_id} --log-type ACCESS_LOGS; aws logs put-delivery-destination --region us-east-1 --name "
        "cf-logs --delivery-destination-configuration destinationResourceArn=arn:aws:s3:::<bucket>; aws logs "
        "create-delivery --region us-east-1 --delivery-source-name cf-{distribution_id} "
        "--delivery-destination-arn <destination arn>.",
    ),
    references=(
        DOCS,
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html",
    ),
    module_section="CIS",
    datasets=("cloudfront_distributions", "cloudfront_log_deliveries"),
)
def cloudfront_access_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    if inv.cloudfront_distributions is None:
        resource = f"arn:{inv.partition}:cloudfront::{inv.account_id}:distribution"
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "cloudfront_distributions"))
        return
    for distribution in inv.cloudfront_distributions:
        state = "" if distribution.enabled else " (distribution disabled)"
        deliveries = [
            d
            for d in inv.cloudfront_log_deliveries or []
            if distribution.arn in d.resource_arns and d.log_type == ACCESS_LOGS and d.destination_arn
        ]
        if distribution.logging_enabled:
            yield passed(
                distribution.arn,
                GLOBAL,
                f"CloudFront distribution {distribution.id} logs to {distribution.logging_bucket}{state}",
                distribution_id=distribution.id,
                bucket=distribution.logging_bucket,
            )
        elif deliveries:
            destinations = ", ".join(f"{d.destination_type or '?'} {d.destination_arn}" for d in deliveries)
            yield passed(
                distribution.arn,
                GLOBAL,
                f"CloudFront distribution {distribution.id} sends its access logs through standard logging "
                f"v2 (CloudWatch Logs delivery) to {destinations}{state}",
                distribution_id=distribution.id,
                deliveries=[d.destination_arn for d in deliveries],
            )
        elif inv.cloudfront_log_deliveries is None:  # legacy logging off; v2 unknown
            yield not_evaluated(distribution.arn, GLOBAL, inv.errors_for(GLOBAL, "cloudfront_log_deliveries"))
        else:
            yield failed(
                distribution.arn,
                GLOBAL,
                f"CloudFront distribution {distribution.id} ({distribution.domain_name}) has access logging "
                f"disabled (neither legacy standard logging nor a standard logging v2 delivery){state}",
                distribution_id=distribution.id,
                domain_name=distribution.domain_name,
                enabled=distribution.enabled,
            )
