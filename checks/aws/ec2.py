"""EC2 networking: EBS default encryption, security groups, network ACLs, default SGs and IMDSv2.

CIS AWS 7.0 section 6 (5.0 section 5). Module 4's runbook leans on these: a NACL is where a scanning
source is blocked, and the module's SSH detection rule watches the port these controls keep closed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from auditor.inventory.aws import AwsInventory, IpPermission, NetworkAcl, NetworkAclEntry, SecurityGroup
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_applicable, not_evaluated, passed

MODULE_SECTION = "CIS"
SG_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"
SG_RULES_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
NACL_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"

ADMIN_PORTS = (22, 3389)
CIFS_PORT = 445
TCP = "6"
UDP = "17"
ALL_PROTOCOLS = "-1"
_PROTOCOL_NUMBERS = {"-1": ALL_PROTOCOLS, "all": ALL_PROTOCOLS, "tcp": TCP, "6": TCP, "udp": UDP, "17": UDP}
_PROTOCOL_NAMES = {TCP: "tcp", UDP: "udp"}

Family = Literal[4, 6]


def internet_family(cidr: str) -> Family | None:
    """4 for 0.0.0.0/0, 6 for ::/0 (in any spelling); None for any narrower or unparsable range."""
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None
    return network.version if network.prefixlen == 0 else None  # type: ignore[return-value]


def protocol_number(protocol: str) -> str:
    """'tcp' -> '6', 'udp' -> '17', '-1'/'all' -> '-1'; any other value unchanged."""
    value = protocol.strip().lower()
    return _PROTOCOL_NUMBERS.get(value, value)


def reaches_port(
    protocol: str, from_port: int | None, to_port: int | None, port: int, protocols: Iterable[str]
) -> bool:
    """Whether a rule lets ``port`` through for one of ``protocols`` (numbers: '6', '17').

    Protocol -1 means every protocol and every port; a missing port range means every port.
    """
    number = protocol_number(protocol)
    if number == ALL_PROTOCOLS:
        return True
    if number not in protocols:
        return False
    if from_port is None or to_port is None or (from_port == -1 and to_port == -1):
        return True
    return from_port <= port <= to_port


def open_sg_rules(
    group: SecurityGroup, ports: Iterable[int], protocols: Iterable[str], families: Iterable[Family]
) -> list[dict[str, Any]]:
    """The ingress rules of a security group that open any of ``ports`` to the whole internet."""
    ports, protocols, families = tuple(ports), tuple(protocols), tuple(families)
    found: list[dict[str, Any]] = []
    for permission in group.ingress:
        reached = [
            p
            for p in ports
            if reaches_port(permission.protocol, permission.from_port, permission.to_port, p, protocols)
        ]
        if not reached:
            continue
        for cidr in _internet_cidrs(permission, families):
            found.append(
                {
                    "protocol": permission.protocol,
                    "from_port": permission.from_port,
                    "to_port": permission.to_port,
                    "cidr": cidr,
                    "ports": reached,
                }
            )
    return found


def _internet_cidrs(permission: IpPermission, families: tuple[Family, ...]) -> list[str]:
    ranges = [*permission.ipv4_ranges, *permission.ipv6_ranges]
    return [cidr for cidr in ranges if internet_family(cidr) in families]


def _entry_family(entry: NetworkAclEntry) -> Family | None:
    return internet_family(entry.cidr_block or entry.ipv6_cidr_block)


def nacl_exposures(acl: NetworkAcl, ports: Iterable[int] = ADMIN_PORTS) -> list[dict[str, Any]]:
    """The (source, protocol, port) combinations the internet reaches through a NACL's inbound rules.

    Rules are evaluated in rule-number order and the first one that matches decides, as in EC2: an
    allow from 0.0.0.0/0 (or ::/0) is shadowed by a lower-numbered deny from the same range covering
    the port. A deny from a narrower range only blocks part of the internet, so it does not shadow.
    """
    ingress = sorted((e for e in acl.entries if not e.egress), key=lambda e: e.rule_number)
    exposures: list[dict[str, Any]] = []
    for family in (4, 6):
        from_internet = [e for e in ingress if _entry_family(e) == family]
        for protocol in (TCP, UDP):
            for port in ports:
                deciding = next(
                    (
                        e
                        for e in from_internet
                        if reaches_port(e.protocol, e.port_from, e.port_to, port, (protocol,))
                    ),
                    None,
                )
                if deciding is not None and deciding.action == "allow":
                    exposures.append(
                        {
                            "rule_number": deciding.rule_number,
                            "cidr": deciding.cidr_block or deciding.ipv6_cidr_block,
                            "protocol": _PROTOCOL_NAMES[protocol],
                            "port": port,
                        }
                    )
    return exposures


def _free_rule_number_below(acl: NetworkAcl, rule_number: int) -> int | None:
    """The highest unused inbound rule number below ``rule_number``: where a deny would go."""
    used = {e.rule_number for e in acl.entries if not e.egress}
    return next((n for n in range(rule_number - 1, 0, -1) if n not in used), None)


def _sg_resource(inv: AwsInventory, region: str) -> str:
    return f"arn:{inv.partition}:ec2:{region}:{inv.account_id}:security-group"


def _describe_rules(rules: list[dict[str, Any]]) -> str:
    parts = []
    for rule in rules:
        protocol = "all protocols" if protocol_number(rule["protocol"]) == ALL_PROTOCOLS else rule["protocol"]
        ports = "/".join(str(p) for p in rule["ports"])
        parts.append(f"{rule['cidr']} to {ports} ({protocol})")
    return ", ".join(parts)


def _sg_revoke_cli(condition: str) -> str:
    """Revoke exactly the offending ingress rules, by the rule ids EC2 reports for them."""
    return (
        "aws ec2 revoke-security-group-ingress --region {region} --group-id {resource_id} "
        "--security-group-rule-ids $(aws ec2 describe-security-group-rules --region {region} "
        "--filters Name=group-id,Values={resource_id} "
        f"--query 'SecurityGroupRules[?!IsEgress && {condition}].SecurityGroupRuleId' --output text)"
    )


_V4 = 'CidrIpv4==`"0.0.0.0/0"`'
_V6 = 'CidrIpv6==`"::/0"`'


def _port_condition(port: int, protocols: tuple[str, ...]) -> str:
    names = " || ".join(f'IpProtocol==`"{_PROTOCOL_NAMES[p]}"`' for p in protocols)
    return f'(IpProtocol==`"-1"` || (({names}) && FromPort<=`{port}` && ToPort>=`{port}`))'


def _admin_condition(source: str) -> str:
    ports = " || ".join(_port_condition(p, (TCP, UDP)) for p in ADMIN_PORTS)
    return f"{source} && ({ports})"


def _sg_verdicts(
    inv: AwsInventory,
    ports: tuple[int, ...],
    protocols: tuple[str, ...],
    families: tuple[Family, ...],
    label: str,
) -> Iterator[Verdict]:
    """One verdict per security group: FAIL listing the rules that open ``ports`` to the internet."""
    for region in inv.region_list():
        if region.security_groups is None:
            yield not_evaluated(
                _sg_resource(inv, region.name), region.name, inv.errors_for(region.name, "security_groups")
            )
            continue
        for group in region.security_groups:
            rules = open_sg_rules(group, ports, protocols, families)
            if rules:
                yield failed(
                    group.id,
                    region.name,
                    f"Security group {group.id} ({group.name}) allows {label} from {_describe_rules(rules)}",
                    group_name=group.name,
                    vpc_id=group.vpc_id,
                    open_rules=rules,
                )
            else:
                yield passed(
                    group.id,
                    region.name,
                    f"Security group {group.id} ({group.name}) allows no {label} from the internet",
                    group_name=group.name,
                    vpc_id=group.vpc_id,
                )


@aws_check(
    id="aws.ec2.ebs_default_encryption",
    title="EBS encryption by default is enabled in every region",
    severity=Severity.MEDIUM,
    rationale=(
        "With encryption by default every new EBS volume and snapshot copy is encrypted, so no volume "
        "depends on someone remembering the flag."
    ),
    risk="New volumes and their snapshots are stored unencrypted and can be shared or copied as such.",
    remediation=Remediation(
        cli="aws ec2 enable-ebs-encryption-by-default --region {region}",
        console=[
            "Open the EC2 console in the region > Dashboard > Account attributes > Data protection and "
            "security.",
            "Manage > EBS encryption: Enable > Update EBS encryption.",
        ],
        text="Turn on EBS encryption by default in every enabled region (optionally with a customer key).",
    ),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",),
    module_section=MODULE_SECTION,
    datasets=("ebs_encryption_by_default",),
)
def ec2_ebs_default_encryption(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:ec2:{region.name}:{inv.account_id}:ebs-encryption-by-default"
        if region.ebs_encryption_by_default is None:
            yield not_evaluated(
                resource, region.name, inv.errors_for(region.name, "ebs_encryption_by_default")
            )
        elif region.ebs_encryption_by_default:
            yield passed(resource, region.name, f"EBS encryption by default is enabled in {region.name}")
        else:
            yield failed(resource, region.name, f"EBS encryption by default is disabled in {region.name}")


@aws_check(
    id="aws.ec2.sg_cifs_restricted",
    title="No security group allows CIFS/SMB (TCP 445) from the internet",
    severity=Severity.HIGH,
    rationale=(
        "CIFS/SMB on TCP 445 is a favourite of worms and ransomware and should only be reachable from "
        "trusted networks, never from 0.0.0.0/0 or ::/0."
    ),
    risk="File shares are exposed to internet-wide scanning, brute force and SMB exploits.",
    remediation=Remediation(
        cli=_sg_revoke_cli(f"({_V4} || {_V6}) && {_port_condition(CIFS_PORT, (TCP,))}"),
        console=[
            "VPC console > Security groups > select the group > Inbound rules > Edit inbound rules.",
            "Change the source of the rules covering port 445 to a trusted range, or delete them.",
        ],
        text="Allow TCP 445 only from trusted networks (VPN, on-premises ranges, other security groups).",
    ),
    references=(SG_RULES_DOCS, SG_DOCS),
    module_section=MODULE_SECTION,
    datasets=("security_groups",),
)
def ec2_sg_cifs_restricted(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _sg_verdicts(inv, (CIFS_PORT,), (TCP,), (4, 6), "CIFS (TCP 445)")


@aws_check(
    id="aws.ec2.nacl_no_admin_ports_from_internet",
    title="No network ACL allows ingress from the internet to SSH (22) or RDP (3389)",
    severity=Severity.MEDIUM,
    rationale=(
        "Network ACLs are the stateless subnet-level layer the module's runbook uses to block scanning "
        "sources. CIS asks that no NACL admits 0.0.0.0/0 to remote administration ports over TCP, UDP or "
        "all protocols; rules are evaluated in rule-number order, so a lower-numbered deny shadows a "
        "broader allow."
    ),
    risk="If a security group is ever opened by mistake, nothing at the subnet edge stops SSH or RDP.",
    remediation=Remediation(
        cli=(
            "aws ec2 create-network-acl-entry --region {region} --network-acl-id {resource_id} --ingress "
            "--rule-number {deny_rule_number} --protocol {protocol} --port-range From={port},To={port} "
            "{cidr_option} --rule-action deny"
        ),
        console=[
            "VPC console > Network ACLs > select the NACL > Inbound rules > Edit inbound rules.",
            "Add a deny rule for TCP 22 and 3389 from 0.0.0.0/0 (and ::/0) numbered below the allow rule, "
            "or narrow the allow rule's source.",
        ],
        text=(
            "Add deny rules for 22 and 3389 from the internet below the broad allow (one command per entry "
            "of 'exposures'), or replace the allow's source with trusted ranges."
        ),
    ),
    references=(NACL_DOCS, "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html"),
    module_section=MODULE_SECTION,
    datasets=("network_acls",),
)
def ec2_nacl_no_admin_ports_from_internet(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.network_acls is None:
            resource = f"arn:{inv.partition}:ec2:{region.name}:{inv.account_id}:network-acl"
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "network_acls"))
            continue
        for acl in region.network_acls:
            exposures = nacl_exposures(acl)
            if not exposures:
                yield passed(
                    acl.id,
                    region.name,
                    f"Network ACL {acl.id} admits no internet traffic to ports 22 or 3389",
                    vpc_id=acl.vpc_id,
                )
                continue
            first = exposures[0]
            family = internet_family(first["cidr"])
            listed = ", ".join(
                f"{e['port']}/{e['protocol']} from {e['cidr']} (rule {e['rule_number']})" for e in exposures
            )
            yield failed(
                acl.id,
                region.name,
                f"Network ACL {acl.id} allows {listed}",
                vpc_id=acl.vpc_id,
                subnet_ids=acl.subnet_ids,
                exposures=exposures,
                rule_number=first["rule_number"],
                deny_rule_number=_free_rule_number_below(acl, first["rule_number"]),
                protocol=TCP if first["protocol"] == "tcp" else UDP,
                port=first["port"],
                cidr_option=f"--cidr-block {first['cidr']}"
                if family == 4
                else f"--ipv6-cidr-block {first['cidr']}",
            )


@aws_check(
    id="aws.ec2.sg_no_admin_ports_ipv4",
    title="No security group allows ingress from 0.0.0.0/0 to SSH (22) or RDP (3389)",
    severity=Severity.HIGH,
    rationale=(
        "SSH and RDP open to 0.0.0.0/0 are brute-forced within minutes of exposure; the module's "
        "'suspicious SSH activity' rule exists because of them. CIS counts TCP, UDP and all-protocol rules."
    ),
    risk="Internet-wide brute force and exploitation of remote administration services.",
    remediation=Remediation(
        cli=_sg_revoke_cli(_admin_condition(_V4)),
        console=[
            "VPC console > Security groups > select the group > Inbound rules > Edit inbound rules.",
            "Change the source of the SSH/RDP rules from 0.0.0.0/0 to trusted ranges, or delete them.",
        ],
        text="Reach instances through Session Manager, a VPN, or a bastion with a narrow source range.",
    ),
    references=(
        SG_RULES_DOCS,
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("security_groups",),
)
def ec2_sg_no_admin_ports_ipv4(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _sg_verdicts(inv, ADMIN_PORTS, (TCP, UDP), (4,), "SSH/RDP")


@aws_check(
    id="aws.ec2.sg_no_admin_ports_ipv6",
    title="No security group allows ingress from ::/0 to SSH (22) or RDP (3389)",
    severity=Severity.HIGH,
    rationale=(
        "The IPv6 twin of the 0.0.0.0/0 control: a rule from ::/0 exposes SSH and RDP to the whole IPv6 "
        "internet, and is easy to miss when only IPv4 rules are reviewed."
    ),
    risk="Internet-wide brute force and exploitation of remote administration services over IPv6.",
    remediation=Remediation(
        cli=_sg_revoke_cli(_admin_condition(_V6)),
        console=[
            "VPC console > Security groups > select the group > Inbound rules > Edit inbound rules.",
            "Change the source of the SSH/RDP rules from ::/0 to trusted ranges, or delete them.",
        ],
        text="Reach instances through Session Manager, a VPN, or a bastion with a narrow source range.",
    ),
    references=(SG_RULES_DOCS, SG_DOCS),
    module_section=MODULE_SECTION,
    datasets=("security_groups",),
)
def ec2_sg_no_admin_ports_ipv6(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _sg_verdicts(inv, ADMIN_PORTS, (TCP, UDP), (6,), "SSH/RDP")


@aws_check(
    id="aws.ec2.default_sg_restricts_all",
    title="The default security group of every VPC restricts all traffic",
    severity=Severity.MEDIUM,
    rationale=(
        "Resources launched without a security group land in the VPC's default group. With no rules in "
        "it, such a resource is isolated until someone chooses a purpose-built group."
    ),
    risk="Resources dropped into the default group can talk to each other and out, unplanned.",
    remediation=Remediation(
        cli=(
            "aws ec2 revoke-security-group-ingress --region {region} --group-id {resource_id} "
            "--security-group-rule-ids $(aws ec2 describe-security-group-rules --region {region} "
            "--filters Name=group-id,Values={resource_id} "
            "--query 'SecurityGroupRules[?!IsEgress].SecurityGroupRuleId' --output text) ; "
            "aws ec2 revoke-security-group-egress --region {region} --group-id {resource_id} "
            "--security-group-rule-ids $(aws ec2 describe-security-group-rules --region {region} "
            "--filters Name=group-id,Values={resource_id} "
            "--query 'SecurityGroupRules[?IsEgress].SecurityGroupRuleId' --output text)"
        ),
        console=[
            "VPC console > Security groups > the group named 'default' of the VPC.",
            "Inbound rules > Edit inbound rules > delete every rule > Save.",
            "Outbound rules > Edit outbound rules > delete every rule > Save.",
        ],
        text="Remove every inbound and outbound rule of the default group; give resources their own groups.",
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",),
    module_section=MODULE_SECTION,
    datasets=("security_groups",),
)
def ec2_default_sg_restricts_all(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.security_groups is None:
            yield not_evaluated(
                _sg_resource(inv, region.name), region.name, inv.errors_for(region.name, "security_groups")
            )
            continue
        for group in region.security_groups:
            if not group.is_default:
                continue
            if group.ingress or group.egress:
                yield failed(
                    group.id,
                    region.name,
                    f"Default security group {group.id} of {group.vpc_id or 'its VPC'} has "
                    f"{len(group.ingress)} inbound and {len(group.egress)} outbound rule(s)",
                    vpc_id=group.vpc_id,
                    ingress=[p.model_dump() for p in group.ingress],
                    egress=[p.model_dump() for p in group.egress],
                )
            else:
                yield passed(
                    group.id,
                    region.name,
                    f"Default security group {group.id} of {group.vpc_id or 'its VPC'} has no rules",
                    vpc_id=group.vpc_id,
                )


_GONE = ("shutting-down", "terminated")


@aws_check(
    id="aws.ec2.imdsv2_required",
    title="EC2 instances require IMDSv2 (or have the metadata service off)",
    severity=Severity.HIGH,
    rationale=(
        "IMDSv1 answers any GET, so an SSRF bug in an application hands out the instance role's "
        "credentials. IMDSv2 requires a session token obtained with a PUT, which SSRF cannot send."
    ),
    risk="Instance-role credentials stolen through SSRF or an open proxy, then used from anywhere.",
    remediation=Remediation(
        cli=(
            "aws ec2 modify-instance-metadata-options --region {region} --instance-id {resource_id} "
            "--http-tokens required --http-endpoint enabled"
        ),
        console=[
            "EC2 console > Instances > select the instance.",
            "Actions > Instance settings > Modify instance metadata options.",
            "IMDSv2: Required > Save.",
        ],
        text=(
            "Require IMDSv2 on every instance (and set the account default with aws ec2 "
            "modify-instance-metadata-defaults --http-tokens required)."
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("instances",),
)
def ec2_imdsv2_required(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:ec2:{region.name}:{inv.account_id}:instance"
        if region.instances is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "instances"))
            continue
        instances = [i for i in region.instances if i.state not in _GONE]
        if not instances:
            yield not_applicable(resource, region.name, f"No running or stopped instances in {region.name}")
            continue
        for instance in instances:
            settings = {
                "state": instance.state,
                "http_tokens": instance.metadata_http_tokens,
                "http_endpoint": instance.metadata_http_endpoint,
            }
            if instance.metadata_http_endpoint == "disabled":
                yield passed(
                    instance.id,
                    region.name,
                    f"Instance {instance.id} has the metadata service disabled",
                    **settings,
                )
            elif instance.metadata_http_tokens == "required":
                yield passed(instance.id, region.name, f"Instance {instance.id} requires IMDSv2", **settings)
            else:
                yield failed(
                    instance.id,
                    region.name,
                    f"Instance {instance.id} ({instance.state}) allows IMDSv1: http tokens are "
                    f"{instance.metadata_http_tokens or 'not reported'}",
                    **settings,
                )
