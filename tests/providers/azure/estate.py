"""The estate the collector tests run against: two subscriptions, every service, enough NSGs and Defender
alerts to page."""

from auditor.emulators.estate import parse_estate

PROD = "22222222-2222-2222-2222-222222222222"
DEV = "33333333-3333-3333-3333-333333333333"
TENANT = "11111111-1111-1111-1111-111111111111"

ESTATE_YAML = f"""
azure:
  tenant_id: {TENANT}
  subscriptions:
    - id: {PROD}
      name: acme-prod
      defender: {{VirtualMachines: Standard, KeyVaults: Standard}}
      endpoint_protection: true
      auto_provisioning: true
      security_contact: {{emails: [sec@acme.example], alert_severity: High, notify_roles: [Owner]}}
      activity_log:
        - {{workspace: central, categories: [Administrative, Security, Policy, Alert]}}
      activity_log_alerts:
        - {{name: nsg-write, operation: Microsoft.Network/networkSecurityGroups/write}}
        - {{name: health, category: ServiceHealth}}
      network_watchers: [westeurope, northeurope]
      network_security_groups:
        - name: web-nsg
          location: westeurope
          rules: [{{name: ssh, ports: "22"}}, {{name: dns, protocol: Udp, ports: "53", source: 10.0.0.0/8}}]
          flow_log: {{retention_days: 30}}
        - {{name: nsg-2, location: westeurope}}
        - {{name: nsg-3, location: westeurope}}
        - {{name: nsg-4, location: northeurope}}
        - {{name: nsg-5, location: northeurope}}
      virtual_networks:
        - name: core
          location: westeurope
          subnets: [{{name: web, nsg: web-nsg}}, {{name: data}}]
          flow_log: {{retention_days: 90, traffic_analytics: true, workspace: central}}
      waf_policies:
        - {{name: edge, location: westeurope, bot_protection: true}}
      application_gateways:
        - {{name: gw, location: westeurope, waf_policy: edge, diagnostics: {{workspace: central}}}}
      key_vaults:
        - name: kv-audit
          location: westeurope
          diagnostics: {{workspace: central, categories: [AuditEvent]}}
        - {{name: kv-silent, location: westeurope}}
      dns_security_policies:
        - name: dns-policy
          location: westeurope
          virtual_networks: [core]
          diagnostics: {{workspace: central}}
      defender_alerts:  # five, so that the list pages (2 per page); two are addressed and not kept
        - {{alert_type: VM_SshBruteForceSuccess, title: Successful SSH brute force attack, severity: High,
           tactics: [Exploitation], resource: Microsoft.Compute/virtualMachines/vm-web, product: Servers}}
        - {{alert_type: VM_AmFileExclusionAndCodeExecution, severity: High,
           title: Antimalware file exclusion and code execution in your virtual machine, status: InProgress,
           tactics: [DefenseEvasion, Execution], resource: Microsoft.Compute/virtualMachines/vm-app}}
        - {{alert_type: KV_ListGetAnomaly, severity: Medium, status: Resolved,
           title: Suspicious secret listing and query in a Key Vault, tactics: [CredentialAccess],
           resource: Microsoft.KeyVault/vaults/kv-audit, resource_group: rg-security}}
        - {{alert_type: Storage.Blob_DataExfiltration.AmountOfDataAnomaly, severity: Low, status: Dismissed,
           title: Unusual amount of data extracted from a storage account, tactics: [Exfiltration],
           resource: Microsoft.Storage/storageAccounts/acmedata, resource_group: rg-data}}
        - {{alert_type: VM_LoginBruteForceValidUserFailed, title: Suspicious authentication activity,
           severity: Medium, tactics: [Probing], resource: Microsoft.Compute/virtualMachines/vm-web,
           location: northeurope}}
    - id: {DEV}
      name: acme-dev
"""

ESTATE = parse_estate(ESTATE_YAML, "collector-test-estate.yaml")
