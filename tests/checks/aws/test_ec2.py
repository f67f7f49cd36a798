import ipaddress
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.model import Finding, Status
from auditor.registry import load_checks
from checks.aws.ec2 import internet_family, reaches_port
from tests.conftest import collection_error, make_inventory, run_check, statuses

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _unfilled(finding: Finding) -> set[str]:
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(PLACEHOLDER.findall(cli)) - {"region", "resource_id", "account", *finding.evidence}


def _rule(protocol="tcp", from_port=None, to_port=None, v4=(), v6=(), **kw):
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "ipv4_ranges": list(v4),
        "ipv6_ranges": list(v6),
        **kw,
    }


def _sg_inventory(*ingress, name="web"):
    group = {"id": "sg-1", "name": name, "vpc_id": "vpc-1", "ingress": list(ingress)}
    return make_inventory({"us-east-1": {"security_groups": [group]}})


def _one(check_id, inv) -> Finding:
    [finding] = run_check(check_id, inv)
    return finding


# --- the shared port and CIDR logic -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "family"),
    [
        ("0.0.0.0/0", 4),
        ("::/0", 6),
        ("0::0/0", 6),
        (" 0.0.0.0/0 ", 4),
        ("10.0.0.0/8", None),
        ("0.0.0.0/1", None),
        ("128.0.0.0/1", None),
        ("2001:db8::/32", None),
        ("::/1", None),
        ("not-a-cidr", None),
        ("", None),
    ],
)
def test_internet_family(cidr, family):
    assert internet_family(cidr) == family


@pytest.mark.parametrize(
    ("protocol", "from_port", "to_port", "port", "reached"),
    [
        ("-1", None, None, 22, True),
        ("-1", -1, -1, 3389, True),
        ("tcp", 0, 65535, 22, True),
        ("tcp", 20, 25, 22, True),
        ("tcp", 20, 25, 3389, False),
        ("tcp", 3389, 3389, 3389, True),
        ("tcp", 3388, 3388, 3389, False),
        ("tcp", 3390, 65535, 3389, False),
        ("tcp", 23, 3388, 22, False),
        ("6", 22, 22, 22, True),
        ("TCP", 22, 22, 22, True),
        ("tcp", None, None, 22, True),  # no range = every port
        ("udp", 22, 22, 22, False),  # udp is not asked for here
        ("icmp", -1, -1, 22, False),
        ("50", None, None, 22, False),
    ],
)
def test_reaches_port_for_tcp(protocol, from_port, to_port, port, reached):
    assert reaches_port(protocol, from_port, to_port, port, ("6",)) is reached


@given(st.integers(0, 65535), st.integers(0, 65535), st.integers(0, 65535))
def test_reaches_port_is_range_membership(a, b, port):
    low, high = min(a, b), max(a, b)
    assert reaches_port("tcp", low, high, port, ("6",)) is (low <= port <= high)


# --- aws.ec2.sg_no_admin_ports_ipv4 / ipv6 ----------------------------------------------------

V4 = "aws.ec2.sg_no_admin_ports_ipv4"
V6 = "aws.ec2.sg_no_admin_ports_ipv6"


@pytest.mark.parametrize(
    ("rule", "v4_status", "v6_status"),
    [
        (_rule("tcp", 22, 22, v4=["0.0.0.0/0"]), Status.FAIL, Status.PASS),
        (_rule("tcp", 22, 22, v6=["::/0"]), Status.PASS, Status.FAIL),
        (_rule("tcp", 3389, 3389, v4=["0.0.0.0/0"], v6=["::/0"]), Status.FAIL, Status.FAIL),
        (_rule("tcp", 0, 65535, v4=["0.0.0.0/0"]), Status.FAIL, Status.PASS),
        (_rule("tcp", 20, 25, v4=["0.0.0.0/0"]), Status.FAIL, Status.PASS),
        (_rule("-1", v4=["0.0.0.0/0"], v6=["::/0"]), Status.FAIL, Status.FAIL),
        (_rule("udp", 3389, 3389, v4=["0.0.0.0/0"]), Status.FAIL, Status.PASS),  # CIS: TCP, UDP or ALL
        (_rule("tcp", 22, 22, v4=["10.0.0.0/8"], v6=["2001:db8::/32"]), Status.PASS, Status.PASS),
        (_rule("tcp", 23, 3388, v4=["0.0.0.0/0"], v6=["::/0"]), Status.PASS, Status.PASS),
        (_rule("tcp", 3390, 65535, v4=["0.0.0.0/0"]), Status.PASS, Status.PASS),
        (_rule("tcp", 443, 443, v4=["0.0.0.0/0"], v6=["::/0"]), Status.PASS, Status.PASS),
        (_rule("icmp", -1, -1, v4=["0.0.0.0/0"]), Status.PASS, Status.PASS),
        (_rule("-1", group_ids=["sg-2"]), Status.PASS, Status.PASS),
        (_rule("-1", prefix_list_ids=["pl-1"]), Status.PASS, Status.PASS),
    ],
)
def test_admin_ports_edge_cases(rule, v4_status, v6_status):
    inv = _sg_inventory(rule)
    assert _one(V4, inv).status is v4_status
    assert _one(V6, inv).status is v6_status


def test_admin_ports_failure_names_the_rule_and_fills_the_command():
    inv = _sg_inventory(_rule("tcp", 20, 25, v4=["0.0.0.0/0", "10.0.0.0/8"]), _rule("tcp", 443, 443))
    finding = _one(V4, inv)
    assert finding.status is Status.FAIL
    assert "0.0.0.0/0 to 22 (tcp)" in finding.message
    assert finding.evidence["open_rules"] == [
        {"protocol": "tcp", "from_port": 20, "to_port": 25, "cidr": "0.0.0.0/0", "ports": [22]}
    ]
    assert _unfilled(finding) == set()
    all_open = _one(V6, _sg_inventory(_rule("-1", v6=["::/0"])))
    assert "::/0 to 22/3389 (all protocols)" in all_open.message


@given(st.integers(0, 65535), st.integers(0, 65535))
def test_admin_ports_fail_exactly_when_the_range_covers_22_or_3389(a, b):
    low, high = min(a, b), max(a, b)
    finding = _one(V4, _sg_inventory(_rule("tcp", low, high, v4=["0.0.0.0/0"])))
    exposed = low <= 22 <= high or low <= 3389 <= high
    assert finding.status is (Status.FAIL if exposed else Status.PASS)


@given(st.ip_addresses(v=4), st.integers(1, 32))
def test_admin_ports_never_fail_for_a_narrower_ipv4_range(address, prefix):
    cidr = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    assert _one(V4, _sg_inventory(_rule("-1", v4=[cidr]))).status is Status.PASS


@given(st.ip_addresses(v=6), st.integers(1, 128))
def test_admin_ports_never_fail_for_a_narrower_ipv6_range(address, prefix):
    cidr = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    assert _one(V6, _sg_inventory(_rule("-1", v6=[cidr]))).status is Status.PASS


def test_security_groups_unreadable_is_error_per_region():
    inv = make_inventory(
        {"us-east-1": {"security_groups": []}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "security_groups", operation="DescribeSecurityGroups")],
    )
    for check_id in (V4, V6, "aws.ec2.sg_cifs_restricted", "aws.ec2.default_sg_restricts_all"):
        [finding] = run_check(check_id, inv)
        assert finding.status is Status.ERROR
        assert "ec2:DescribeSecurityGroups in eu-west-1" in finding.message


def test_no_security_groups_anywhere_is_not_applicable():
    inv = make_inventory({"us-east-1": {"security_groups": []}})
    assert [f.status for f in run_check(V4, inv)] == [Status.NOT_APPLICABLE]


# --- aws.ec2.sg_cifs_restricted ---------------------------------------------------------------

CIFS = "aws.ec2.sg_cifs_restricted"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (_rule("tcp", 445, 445, v4=["0.0.0.0/0"]), Status.FAIL),
        (_rule("tcp", 445, 445, v6=["::/0"]), Status.FAIL),
        (_rule("tcp", 0, 65535, v4=["0.0.0.0/0"]), Status.FAIL),
        (_rule("tcp", 400, 500, v6=["::/0"]), Status.FAIL),
        (_rule("-1", v4=["0.0.0.0/0"]), Status.FAIL),
        (_rule("tcp", 139, 139, v4=["0.0.0.0/0"]), Status.PASS),
        (_rule("tcp", 446, 65535, v4=["0.0.0.0/0"]), Status.PASS),
        (_rule("udp", 445, 445, v4=["0.0.0.0/0"]), Status.PASS),
        (_rule("tcp", 445, 445, v4=["10.0.0.0/8"], v6=["fd00::/8"]), Status.PASS),
    ],
)
def test_cifs_edge_cases(rule, expected):
    finding = _one(CIFS, _sg_inventory(rule))
    assert finding.status is expected
    if expected is Status.FAIL:
        assert "CIFS (TCP 445)" in finding.message
        assert _unfilled(finding) == set()


# --- aws.ec2.nacl_no_admin_ports_from_internet ------------------------------------------------

NACL = "aws.ec2.nacl_no_admin_ports_from_internet"


def _entry(rule_number, action, protocol="-1", cidr="0.0.0.0/0", ports=None, egress=False):
    entry = {"rule_number": rule_number, "protocol": protocol, "egress": egress, "action": action}
    entry["ipv6_cidr_block" if ":" in cidr else "cidr_block"] = cidr
    if ports is not None:
        entry["port_from"], entry["port_to"] = ports
    return entry


DEFAULT_DENY = [_entry(32767, "deny"), _entry(32768, "deny", cidr="::/0")]


def _nacl(*entries):
    acl = {"id": "acl-1", "vpc_id": "vpc-1", "entries": [*entries, *DEFAULT_DENY]}
    return make_inventory({"us-east-1": {"network_acls": [acl]}})


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([_entry(100, "allow")], Status.FAIL),  # the default NACL: allow all from everywhere
        ([_entry(100, "allow", cidr="::/0")], Status.FAIL),
        ([_entry(100, "allow", "6", ports=(22, 22))], Status.FAIL),
        ([_entry(100, "allow", "6", ports=(3389, 3389))], Status.FAIL),
        ([_entry(100, "allow", "6", ports=(20, 25))], Status.FAIL),
        ([_entry(100, "allow", "6", ports=(0, 65535))], Status.FAIL),
        ([_entry(100, "allow", "17", ports=(3389, 3389))], Status.FAIL),  # CIS: TCP, UDP or ALL
        ([_entry(100, "allow", "6")], Status.FAIL),  # no port range = all ports
        ([_entry(100, "allow", "6", ports=(1024, 65535))], Status.FAIL),  # includes 3389
        ([_entry(100, "allow", "6", ports=(3390, 65535))], Status.PASS),
        ([_entry(100, "allow", "6", ports=(23, 3388))], Status.PASS),
        ([_entry(100, "allow", "1")], Status.PASS),  # ICMP
        ([_entry(100, "allow", cidr="10.0.0.0/8")], Status.PASS),
        ([_entry(100, "allow", egress=True)], Status.PASS),
        ([_entry(50, "deny"), _entry(100, "allow")], Status.PASS),  # lower deny shadows the allow
        ([_entry(100, "allow"), _entry(50, "deny")], Status.PASS),  # order by number, not by list
        ([_entry(200, "deny"), _entry(100, "allow")], Status.FAIL),  # the allow comes first
        ([_entry(50, "deny", cidr="1.2.3.0/24"), _entry(100, "allow")], Status.FAIL),  # narrower deny
        ([_entry(50, "deny"), _entry(100, "allow", cidr="::/0")], Status.FAIL),  # v4 deny, v6 allow
        (
            [
                _entry(50, "deny", "6", ports=(22, 22)),
                _entry(51, "deny", "6", ports=(3389, 3389)),
                _entry(100, "allow", "6"),
            ],
            Status.PASS,
        ),
    ],
)
def test_nacl_edge_cases(entries, expected):
    assert _one(NACL, _nacl(*entries)).status is expected


def test_nacl_partial_deny_leaves_the_other_port_exposed():
    finding = _one(NACL, _nacl(_entry(90, "deny", "6", ports=(22, 22)), _entry(100, "allow", "6")))
    assert finding.status is Status.FAIL
    assert finding.evidence["exposures"] == [
        {"rule_number": 100, "cidr": "0.0.0.0/0", "protocol": "tcp", "port": 3389}
    ]
    assert "3389/tcp from 0.0.0.0/0 (rule 100)" in finding.message
    assert "22/tcp" not in finding.message


def test_nacl_failure_fills_a_deny_command_below_the_allow():
    finding = _one(NACL, _nacl(_entry(99, "allow", "6", ports=(443, 443)), _entry(100, "allow")))
    assert finding.status is Status.FAIL
    assert finding.evidence["rule_number"] == 100
    assert finding.evidence["deny_rule_number"] == 98  # 99 is taken
    assert finding.evidence["protocol"] == "6"
    assert finding.evidence["port"] == 22
    assert finding.evidence["cidr_option"] == "--cidr-block 0.0.0.0/0"
    assert _unfilled(finding) == set()
    ipv6 = _one(NACL, _nacl(_entry(100, "allow", cidr="::/0")))
    assert ipv6.evidence["cidr_option"] == "--ipv6-cidr-block ::/0"


@given(st.integers(0, 65535), st.integers(0, 65535))
def test_nacl_fails_exactly_when_an_allowed_range_covers_22_or_3389(a, b):
    low, high = min(a, b), max(a, b)
    finding = _one(NACL, _nacl(_entry(100, "allow", "6", ports=(low, high))))
    exposed = low <= 22 <= high or low <= 3389 <= high
    assert finding.status is (Status.FAIL if exposed else Status.PASS)


def test_nacl_unreadable_is_error():
    inv = make_inventory(
        {"us-east-1": {}},
        errors=[collection_error("us-east-1", "network_acls", operation="DescribeNetworkAcls")],
    )
    finding = _one(NACL, inv)
    assert finding.status is Status.ERROR
    assert "DescribeNetworkAcls" in finding.message


# --- aws.ec2.default_sg_restricts_all ---------------------------------------------------------

DEFAULT_SG = "aws.ec2.default_sg_restricts_all"


def test_default_security_group_must_have_no_rules():
    groups = [
        {"id": "sg-d1", "name": "default", "vpc_id": "vpc-1"},
        {"id": "sg-d2", "name": "default", "vpc_id": "vpc-2", "egress": [_rule("-1", v4=["0.0.0.0/0"])]},
        {"id": "sg-d3", "name": "default", "vpc_id": "vpc-3", "ingress": [_rule("-1", group_ids=["sg-d3"])]},
        {"id": "sg-web", "name": "web", "vpc_id": "vpc-1", "ingress": [_rule("-1", v4=["0.0.0.0/0"])]},
    ]
    findings = {
        f.resource_id: f
        for f in run_check(DEFAULT_SG, make_inventory({"us-east-1": {"security_groups": groups}}))
    }
    assert {k: f.status for k, f in findings.items()} == {
        "sg-d1": Status.PASS,
        "sg-d2": Status.FAIL,
        "sg-d3": Status.FAIL,
    }
    assert "0 inbound and 1 outbound rule(s)" in findings["sg-d2"].message
    assert "vpc-3" in findings["sg-d3"].message
    assert _unfilled(findings["sg-d2"]) == set()


# --- aws.ec2.ebs_default_encryption -----------------------------------------------------------


def test_ebs_default_encryption_per_region():
    inv = make_inventory(
        {
            "us-east-1": {"ebs_encryption_by_default": True},
            "eu-west-1": {"ebs_encryption_by_default": False},
            "ap-south-1": {},
        },
        errors=[
            collection_error("ap-south-1", "ebs_encryption_by_default", operation="GetEbsEncryptionByDefault")
        ],
    )
    by_region = {f.region: f for f in run_check("aws.ec2.ebs_default_encryption", inv)}
    assert by_region["us-east-1"].status is Status.PASS
    assert by_region["eu-west-1"].status is Status.FAIL
    assert "disabled in eu-west-1" in by_region["eu-west-1"].message
    assert by_region["ap-south-1"].status is Status.ERROR
    assert "GetEbsEncryptionByDefault" in by_region["ap-south-1"].message
    assert _unfilled(by_region["eu-west-1"]) == set()


# --- aws.ec2.imdsv2_required ------------------------------------------------------------------

IMDS = "aws.ec2.imdsv2_required"


def _instance(id, state="running", tokens="optional", endpoint="enabled"):
    return {"id": id, "state": state, "metadata_http_tokens": tokens, "metadata_http_endpoint": endpoint}


def test_imdsv2_required_or_metadata_off():
    inv = make_inventory(
        {
            "us-east-1": {
                "instances": [
                    _instance("i-req", tokens="required"),
                    _instance("i-off", endpoint="disabled"),
                    _instance("i-v1", state="stopped"),
                    _instance("i-gone", state="terminated"),
                    _instance("i-going", state="shutting-down"),
                ]
            }
        }
    )
    findings = {f.resource_id: f for f in run_check(IMDS, inv)}
    assert statuses(list(findings.values())) == {
        "i-req": Status.PASS,
        "i-off": Status.PASS,
        "i-v1": Status.FAIL,
    }
    assert "allows IMDSv1" in findings["i-v1"].message
    assert "optional" in findings["i-v1"].message
    assert _unfilled(findings["i-v1"]) == set()


def test_imdsv2_not_applicable_without_live_instances_and_error_when_unreadable():
    inv = make_inventory(
        {"us-east-1": {"instances": [_instance("i-gone", state="terminated")]}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "instances", operation="DescribeInstances")],
    )
    by_region = {f.region: f for f in run_check(IMDS, inv)}
    assert by_region["us-east-1"].status is Status.NOT_APPLICABLE
    assert by_region["eu-west-1"].status is Status.ERROR
    assert "ec2:DescribeInstances in eu-west-1" in by_region["eu-west-1"].message
