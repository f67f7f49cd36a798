"""Load balancers: the attributes of every LB are read; one unreadable LB hides the region's list."""

from __future__ import annotations

import boto3

from auditor.providers.aws.units import elbv2
from tests.providers.aws.estate import ACCOUNT, EAST
from tests.providers.aws.wire import answer_error


def test_unreadable_attributes_make_load_balancers_unknown(session, pool) -> None:
    ec2 = boto3.client("ec2", EAST)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{EAST}{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in ((1, "a"), (2, "b"))
    ]
    arn = boto3.client("elbv2", EAST).create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    answer_error(session, "elbv2", "DescribeLoadBalancerAttributes", "AccessDenied", "no", status=403)
    context = elbv2.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"load_balancers": None}
    assert [(e.operation, e.resource, e.kind) for e in context.errors] == [
        ("DescribeLoadBalancerAttributes", arn, "denied")
    ]
