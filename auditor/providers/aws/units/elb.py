"""Classic Load Balancers with their access-log settings."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import ClassicLoadBalancer
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "elb"


def classic_load_balancer(item: dict[str, Any], attributes: dict[str, Any]) -> ClassicLoadBalancer:
    access_log = attributes.get("AccessLog") or {}
    return ClassicLoadBalancer(
        name=item["LoadBalancerName"],
        scheme=item.get("Scheme", ""),
        vpc_id=item.get("VPCId", ""),
        access_log_enabled=bool(access_log.get("Enabled")),
        access_log_bucket=access_log.get("S3BucketName", ""),
    )


def classic_load_balancers(elb: ServiceReader) -> list[ClassicLoadBalancer]:
    out = []
    for item in elb.items("DescribeLoadBalancers", "LoadBalancerDescriptions"):
        name = item["LoadBalancerName"]
        answer = elb.call("DescribeLoadBalancerAttributes", resource=name, LoadBalancerName=name)
        out.append(classic_load_balancer(item, answer.get("LoadBalancerAttributes") or {}))
    return out


def collect(ctx: UnitContext) -> None:
    elb = ctx.reader(SERVICE)
    ctx.fill("classic_load_balancers", SERVICE, lambda: classic_load_balancers(elb))


UNIT = Unit(
    service=SERVICE,
    datasets=("classic_load_balancers",),
    reads=(
        Read(SERVICE, "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
        Read(
            SERVICE, "DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes"
        ),
    ),
    collect=collect,
)
