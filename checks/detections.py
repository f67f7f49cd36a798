"""Detections: findings raised from flow logs by module 4's rules (``auditor.flows``), not by a check over
an inventory. Their metadata lives here, next to the other checks', so every view shows a title, the
risk and the runbook response (as the fix, with the command for the provider) for ``<provider>.flows.*``.

The engine never runs these; ``auditor flows analyze`` and the demo produce their findings.
"""

from __future__ import annotations

from auditor.flows.ruleset import DETECTIONS
from auditor.model import CheckMeta, Remediation
from auditor.registry import REGISTRY

MODULE_SECTION = "Network Security Monitoring Patterns > Detection Rules"
REFERENCE = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html"

_BLOCK = {
    "aws": Remediation(
        cli="aws ec2 create-network-acl-entry --network-acl-id {nacl_id} --ingress --rule-number 50 "
        "--protocol -1 --rule-action deny --cidr-block {resource_id}/32 --region {region}",
        text="Block the source IP via the subnet's network ACL (runbook: 'Block source IP via NACL'), then "
        "check that the targets expose no SSH / RDP to the internet.",
    ),
    "azure": Remediation(
        cli="az network nsg rule create --resource-group {resource_group} --nsg-name {nsg} --name "
        "deny-attacker --priority 100 --access Deny --direction Inbound "
        "--source-address-prefixes {resource_id}",
        text="Deny the source IP in the network security group (the runbook's NACL block, on Azure).",
    ),
    "gcp": Remediation(
        cli="gcloud compute firewall-rules create deny-attacker --project {account} --action DENY "
        "--rules all --direction INGRESS --priority 100 --source-ranges {resource_id}/32",
        text="Deny the source IP with a high-priority firewall rule (the runbook's NACL block, on GCP).",
    ),
}
_ISOLATE = {
    "aws": Remediation(
        cli="aws ec2 modify-instance-attribute --instance-id {instance_id} "
        "--groups {isolation_security_group} --region {region}",
        text="Isolate the instance with the source address (runbook: 'Isolate instance, investigate' / "
        "'Revoke access, forensics'): move it to a security group with no rules, snapshot its volumes for "
        "forensics, and revoke the credentials it holds.",
    ),
    "azure": Remediation(
        cli="az network nic update --resource-group {resource_group} --name {nic} --network-security-group "
        "{isolation_nsg}",
        text="Isolate the VM behind a deny-all NSG, snapshot its disks for forensics, revoke its identities.",
    ),
    "gcp": Remediation(
        cli="gcloud compute instances add-tags {instance} --project {account} --zone {zone} "
        "--tags quarantine",
        text="Tag the VM into a deny-all quarantine firewall policy, snapshot its disks, revoke its "
        "service account keys.",
    ),
}
_RISKS = {
    "ssh_brute_force": "Password guessing against SSH; one success gives a shell on the instance.",
    "rdp_brute_force": "Password guessing against RDP; one success gives a desktop on the instance.",
    "port_scan": "Reconnaissance: the source maps open ports to pick what to attack next.",
    "possible_exfiltration": "Data leaving the network to an address outside it, in bulk.",
    "new_destination_transfer": "A large transfer to a never-seen destination: staging or exfiltration.",
    "rejected_flow_ratio": "Many rejected flows: scanning, brute force, or a misconfiguration hiding them.",
    "outbound_volume": "Outbound traffic beyond the daily baseline: exfiltration, mining pools or abuse.",
}


def _register() -> None:
    for rule in DETECTIONS:
        detection = rule.detection
        assert detection is not None
        blocks = detection.check in ("ssh_brute_force", "rdp_brute_force", "port_scan", "rejected_flow_ratio")
        for provider in ("aws", "azure", "gcp"):
            REGISTRY.add_detection(
                CheckMeta(
                    id=f"{provider}.flows.{detection.check}",
                    provider=provider,  # type: ignore[arg-type]
                    service="flows",
                    title=detection.title,
                    severity=detection.severity,
                    rationale=rule.description,
                    risk=_RISKS[detection.check],
                    remediation=(_BLOCK if blocks else _ISOLATE)[provider],
                    references=[
                        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html"
                    ],
                    module_section=MODULE_SECTION,
                )
            )


_register()
