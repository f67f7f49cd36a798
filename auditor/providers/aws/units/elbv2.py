"""Elastic Load Balancing v2: ALBs, NLBs and GWLBs with their attributes (access logs among them)."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import LoadBalancer
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "elbv2"


def load_balancer(item: dict[str, Any], attributes: list[dict[str, Any]]) -> LoadBalancer:
    return LoadBalancer(
        arn=item["LoadBalancerArn"],
        name=item.get("LoadBalancerName", ""),
        type=item.get("Type", ""),
        scheme=item.get("Scheme", ""),
        vpc_id=item.get("VpcId", ""),
        attributes={a["Key"]: str(a.get("Value", "")) for a in attributes},
    )


def load_balancers(elbv2: ServiceReader) -> list[LoadBalancer]:
    out = []
    for item in elbv2.items("DescribeLoadBalancers", "LoadBalancers"):
        arn = item["LoadBalancerArn"]
        answer = elbv2.call("DescribeLoadBalancerAttributes", resource=arn, LoadBalancerArn=arn)
        out.append(load_balancer(item, answer.get("Attributes") or []))
    return out


def collect(ctx: UnitContext) -> None:
    elbv2 = ctx.reader(SERVICE)
    ctx.fill("load_balancers", SERVICE, lambda: load_balancers(elbv2))


UNIT = Unit(
    service=SERVICE,
    datasets=("load_balancers",),
    reads=(
        Read(SERVICE, "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
        Read(
            SERVICE, "DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes"
        ),
    ),
    collect=collect,
)
