"""EC2 mapping details that the seeded estate does not reach."""

from __future__ import annotations

from auditor.inventory.aws import Instance, NetworkAclEntry, Route
from auditor.providers.aws.units.ec2 import instance, network_acl, route, vpc


def test_route_targets_and_destinations() -> None:
    assert route({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}) == Route(
        destination="0.0.0.0/0", target="nat-1"
    )
    assert route({"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"}) == Route(
        destination="::/0", target="eigw-1"
    )
    assert route({"DestinationCidrBlock": "10.9.0.0/16", "VpcPeeringConnectionId": "pcx-1"}).target == "pcx-1"
    assert route({"DestinationCidrBlock": "10.8.0.0/16", "TransitGatewayId": "tgw-1"}).target == "tgw-1"
    assert route({"DestinationPrefixListId": "pl-1", "NetworkInterfaceId": "eni-1"}) == Route(
        destination="pl-1", target="eni-1"
    )


def test_nacl_protocol_is_a_string_and_ports_come_from_the_port_range() -> None:
    acl = network_acl(
        {
            "NetworkAclId": "acl-1",
            "VpcId": "vpc-1",
            "IsDefault": False,
            "Entries": [
                {
                    "RuleNumber": 90,
                    "Protocol": "17",
                    "RuleAction": "deny",
                    "Egress": False,
                    "Ipv6CidrBlock": "::/0",
                    "PortRange": {"From": 53, "To": 53},
                }
            ],
            "Associations": [{"SubnetId": "subnet-1"}, {"SubnetId": "subnet-2"}],
        }
    )
    assert acl.entries == [
        NetworkAclEntry(
            rule_number=90,
            protocol="17",
            egress=False,
            action="deny",
            ipv6_cidr_block="::/0",
            port_from=53,
            port_to=53,
        )
    ]
    assert acl.subnet_ids == ["subnet-1", "subnet-2"]


def test_vpc_keeps_only_associated_ipv4_blocks() -> None:
    item = {
        "VpcId": "vpc-1",
        "CidrBlock": "10.0.0.0/16",
        "CidrBlockAssociationSet": [
            {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
            {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "disassociated"}},
            {"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "associated"}},
        ],
        "Tags": [{"Key": "Name", "Value": "core"}],
    }
    assert vpc(item).cidr_blocks == ["10.0.0.0/16", "10.2.0.0/16"]
    assert vpc(item).name == "core"


def test_instance_without_metadata_options() -> None:
    assert instance({"InstanceId": "i-1", "State": {"Name": "stopped"}}) == Instance(
        id="i-1", state="stopped", metadata_http_tokens="", metadata_http_endpoint="enabled"
    )
