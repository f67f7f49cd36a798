"""Elastic Load Balancing: access logs on every ALB and NLB, and on classic load balancers.

Module 4, "Essential Network Logs > Log Types by Provider > Load balancer: ALB/NLB Access Logs";
CIS AWS 7.0 4.10 (access logging on every AWS-managed web front end).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_applicable, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > Log Types by Provider > Load balancer: ALB/NLB Access Logs"
ALB_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"
NLB_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html"
CLB_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html"
NLB_NOTE = "NLB access logs record TLS listeners only"


def _elb_resource(inv: AwsInventory, region: str) -> str:
    return f"arn:{inv.partition}:elasticloadbalancing:{region}:{inv.account_id}:loadbalancer"


@aws_check(
    id="aws.elbv2.access_logging_enabled",
    title="Application and Network Load Balancers have access logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "Load balancer access logs record every request (client address, path, status, TLS details) at "
        "the edge of the application: the load-balancer row of the module's essential logs, and what CIS "
        "7.0 4.10 asks of every AWS-managed web front end. Network Load Balancers log their TLS "
        "listeners only; Gateway Load Balancers have no access logs."
    ),
    risk="Requests that attacked or abused the application cannot be traced to a client or a time.",
    remediation=Remediation(
        cli=(
            "aws elbv2 modify-load-balancer-attributes --region {region} --load-balancer-arn {resource_id} "
            "--attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket> "
            "Key=access_logs.s3.prefix,Value=<prefix>"
        ),
        console=[
            "EC2 console > Load Balancers > select the load balancer > Attributes > Edit.",
            "Monitoring: turn on Access logs and choose the S3 bucket.",
        ],
        text=(
            "Turn on access logs to an S3 bucket whose policy lets Elastic Load Balancing write "
            "(the bucket must be in the load balancer's region)."
        ),
    ),
    references=(ALB_DOCS, NLB_DOCS),
    module_section=MODULE_SECTION,
    datasets=("load_balancers",),
)
def elbv2_access_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.load_balancers is None:
            yield not_evaluated(
                _elb_resource(inv, region.name), region.name, inv.errors_for(region.name, "load_balancers")
            )
            continue
        for lb in region.load_balancers:
            if lb.type == "gateway":
                yield not_applicable(
                    lb.arn, region.name, f"Gateway Load Balancer {lb.name} has no access logs", type=lb.type
                )
                continue
            kind = {"application": "Application", "network": "Network"}.get(lb.type, lb.type)
            note = f" ({NLB_NOTE})" if lb.type == "network" else ""
            bucket = lb.attributes.get("access_logs.s3.bucket", "")
            if lb.access_logs_enabled:
                yield passed(
                    lb.arn,
                    region.name,
                    f"{kind} Load Balancer {lb.name} writes access logs to s3://{bucket}{note}",
                    type=lb.type,
                    bucket=bucket,
                    prefix=lb.attributes.get("access_logs.s3.prefix", ""),
                )
            else:
                yield failed(
                    lb.arn,
                    region.name,
                    f"{kind} Load Balancer {lb.name} has access logging disabled{note}",
                    type=lb.type,
                    name=lb.name,
                    scheme=lb.scheme,
                )


@aws_check(
    id="aws.elb.classic_access_logging_enabled",
    title="Classic Load Balancers have access logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "A Classic Load Balancer is a web front end like an ALB: its access logs are the only record of "
        "the requests it passed on."
    ),
    risk="Requests that attacked or abused the application cannot be traced to a client or a time.",
    remediation=Remediation(
        cli=(
            "aws elb modify-load-balancer-attributes --region {region} --load-balancer-name "
            "{load_balancer_name} --load-balancer-attributes "
            '\'{"AccessLog":{"Enabled":true,"S3BucketName":"<bucket>","EmitInterval":5,'
            '"S3BucketPrefix":"<prefix>"}}\''
        ),
        console=[
            "EC2 console > Load Balancers > select the classic load balancer > Attributes > Edit.",
            "Access logs: enable, choose the interval and the S3 location > Save.",
        ],
        text="Turn on access logs (or migrate the load balancer to an ALB or NLB and log there).",
    ),
    references=(CLB_DOCS,),
    module_section=MODULE_SECTION,
    datasets=("classic_load_balancers",),
)
def elb_classic_access_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.classic_load_balancers is None:
            yield not_evaluated(
                _elb_resource(inv, region.name),
                region.name,
                inv.errors_for(region.name, "classic_load_balancers"),
            )
            continue
        for lb in region.classic_load_balancers:
            resource = f"{_elb_resource(inv, region.name)}/{lb.name}"
            if lb.access_log_enabled:
                yield passed(
                    resource,
                    region.name,
                    f"Classic Load Balancer {lb.name} writes access logs to s3://{lb.access_log_bucket}",
                    load_balancer_name=lb.name,
                    bucket=lb.access_log_bucket,
                )
            else:
                yield failed(
                    resource,
                    region.name,
                    f"Classic Load Balancer {lb.name} has access logging disabled",
                    load_balancer_name=lb.name,
                    scheme=lb.scheme,
                )
