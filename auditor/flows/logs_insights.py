"""The module's CloudWatch Logs Insights rules, with the thresholds filled in, for users who run them there.

Logs Insights reads the flow-log group's fields (srcAddr, dstAddr, dstPort, action, bytes); the window is
chosen in the console or with ``aws logs start-query --start-time --end-time``, so it is not in the text.
"""

from __future__ import annotations

from auditor.flows.parameters import RuleParameters


def logs_insights_queries(parameters: RuleParameters) -> dict[str, str]:
    private = r"/^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.)/"
    return {
        "ssh_brute_force": (
            "fields @timestamp, srcAddr, dstPort, action\n"
            f"| filter dstPort = {parameters.ssh_port} and action = 'REJECT'\n"
            "| stats count(*) as attempts by srcAddr\n"
            f"| filter attempts > {parameters.ssh_attempts}\n"
            "| sort attempts desc"
        ),
        "rdp_brute_force": (
            "fields @timestamp, srcAddr, dstPort, action\n"
            f"| filter dstPort = {parameters.rdp_port} and action = 'REJECT'\n"
            "| stats count(*) as attempts by srcAddr\n"
            f"| filter attempts > {parameters.rdp_attempts}\n"
            "| sort attempts desc"
        ),
        "new_destination_transfer": (
            "# Large outbound transfers (the module's 'Data exfiltration pattern')\n"
            "fields @timestamp, srcAddr, dstAddr, bytes\n"
            f"| filter bytes > {parameters.new_destination_bytes}\n"
            f"| filter dstAddr not like {private}\n"
            "| stats sum(bytes) as total_bytes by srcAddr, dstAddr\n"
            f"| filter total_bytes > {parameters.exfil_bytes}"
        ),
        "port_scan": (
            "fields @timestamp, srcAddr, dstPort, srcPort\n"
            "| filter srcPort >= 1024\n"
            "| stats count_distinct(dstPort) as ports by srcAddr\n"
            f"| filter ports >= {parameters.scan_ports}\n"
            "| sort ports desc"
        ),
        "rejected_ratio": (
            f"# alert when rejected / flows > {parameters.rejected_ratio} (module baseline: > 5 %)\n"
            "fields action\n"
            "| stats count(*) as flows, sum(strcontains(action, 'REJECT')) as rejected"
        ),
    }
