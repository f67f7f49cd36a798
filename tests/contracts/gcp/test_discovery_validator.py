"""The strict discovery-schema validator, proven on every vendored method's own documented shape.

For each method the collector calls, a hand-written response shaped as the discovery document documents
it (the fields Google returns, with their JSON types: int64 as strings, enums, timestamps, maps) must
validate with no problem; deliberate drifts of it (a misspelt field, a wrong type, an undeclared enum
value, an int64 sent as a number, a map value of the wrong shape) must each be reported at their path.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.contracts.gcp.discovery_schema import SchemaError, validate
from tests.contracts.gcp.specs import method, methods

C = "https://www.googleapis.com/compute/v1/projects/shop-prod"
SAMPLES: dict[str, dict[str, Any]] = {
    "compute.networks.list": {
        "kind": "compute#networkList",
        "id": "projects/shop-prod/global/networks",
        "items": [
            {
                "kind": "compute#network",
                "id": "4361782312123456789",
                "creationTimestamp": "2026-01-02T03:04:05.678-08:00",
                "name": "prod",
                "selfLink": f"{C}/global/networks/prod",
                "autoCreateSubnetworks": False,
                "subnetworks": [f"{C}/regions/europe-west1/subnetworks/a"],
                "routingConfig": {"routingMode": "REGIONAL"},
                "mtu": 1460,
                "networkFirewallPolicyEnforcementOrder": "AFTER_CLASSIC_FIREWALL",
            },
            {
                "kind": "compute#network",
                "name": "old",
                "IPv4Range": "10.240.0.0/16",
                "gatewayIPv4": "10.240.0.1",
            },
        ],
        "selfLink": f"{C}/global/networks",
        "nextPageToken": "CkQIABAA",
    },
    "compute.subnetworks.aggregatedList": {
        "kind": "compute#subnetworkAggregatedList",
        "id": "projects/shop-prod/aggregated/subnetworks",
        "items": {
            "regions/europe-west1": {
                "subnetworks": [
                    {
                        "kind": "compute#subnetwork",
                        "id": "1234567890123456789",
                        "name": "a",
                        "network": f"{C}/global/networks/prod",
                        "ipCidrRange": "10.0.0.0/24",
                        "gatewayAddress": "10.0.0.1",
                        "region": f"{C}/regions/europe-west1",
                        "privateIpGoogleAccess": False,
                        "purpose": "PRIVATE",
                        "stackType": "IPV4_ONLY",
                        "fingerprint": "0a1b2c3d4e5=",
                        "enableFlowLogs": True,
                        "logConfig": {
                            "enable": True,
                            "aggregationInterval": "INTERVAL_5_SEC",
                            "flowSampling": 0.5,
                            "metadata": "INCLUDE_ALL_METADATA",
                        },
                        "secondaryIpRanges": [{"rangeName": "pods", "ipCidrRange": "10.4.0.0/14"}],
                    }
                ]
            },
            "regions/us-east4": {
                "warning": {
                    "code": "NO_RESULTS_ON_PAGE",
                    "message": "There are no results for scope 'regions/us-east4' on this page.",
                    "data": [{"key": "scope", "value": "regions/us-east4"}],
                }
            },
        },
        "selfLink": f"{C}/aggregated/subnetworks",
        "unreachables": ["regions/me-central2"],
    },
    "compute.firewalls.list": {
        "kind": "compute#firewallList",
        "items": [
            {
                "kind": "compute#firewall",
                "id": "98765432109876543",
                "name": "ssh",
                "network": f"{C}/global/networks/prod",
                "priority": 1000,
                "direction": "INGRESS",
                "sourceRanges": ["0.0.0.0/0"],
                "allowed": [{"IPProtocol": "tcp", "ports": ["22", "8000-8080"]}, {"IPProtocol": "icmp"}],
                "targetTags": ["bastion"],
                "disabled": False,
                "logConfig": {"enable": True, "metadata": "INCLUDE_ALL_METADATA"},
                "selfLink": f"{C}/global/firewalls/ssh",
            }
        ],
    },
    "compute.backendServices.aggregatedList": {
        "kind": "compute#backendServiceAggregatedList",
        "items": {
            "global": {
                "backendServices": [
                    {
                        "kind": "compute#backendService",
                        "id": "5555555555555555555",
                        "name": "web",
                        "protocol": "HTTPS",
                        "loadBalancingScheme": "EXTERNAL_MANAGED",
                        "port": 80,
                        "portName": "http",
                        "timeoutSec": 30,
                        "logConfig": {
                            "enable": True,
                            "sampleRate": 1,
                            "optionalMode": "INCLUDE_ALL_OPTIONAL",
                        },
                        "securityPolicy": f"{C}/global/securityPolicies/armor",
                        "backends": [
                            {
                                "group": f"{C}/zones/europe-west1-b/instanceGroups/web",
                                "balancingMode": "UTILIZATION",
                                "capacityScaler": 1,
                            }
                        ],
                        "connectionDraining": {"drainingTimeoutSec": 300},
                    }
                ]
            },
            "regions/europe-west1": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}},
        },
    },
    "compute.securityPolicies.aggregatedList": {
        "kind": "compute#securityPoliciesAggregatedList",
        "etag": "abc",
        "items": {
            "global": {
                "securityPolicies": [
                    {
                        "kind": "compute#securityPolicy",
                        "id": "111",
                        "name": "armor",
                        "type": "CLOUD_ARMOR",
                        "fingerprint": "Zm9vYmFy",
                        "advancedOptionsConfig": {"logLevel": "VERBOSE", "jsonParsing": "STANDARD"},
                        "rules": [
                            {
                                "kind": "compute#securityPolicyRule",
                                "priority": 2147483647,
                                "action": "allow",
                                "preview": False,
                                "match": {"versionedExpr": "SRC_IPS_V1", "config": {"srcIpRanges": ["*"]}},
                            }
                        ],
                        "labels": {"team": "web"},
                    }
                ]
            }
        },
    },
    "dns.policies.list": {
        "kind": "dns#policiesListResponse",
        "policies": [
            {
                "kind": "dns#policy",
                "id": "1234",
                "name": "prod-logging",
                "enableLogging": True,
                "enableInboundForwarding": False,
                "networks": [{"kind": "dns#policyNetwork", "networkUrl": f"{C}/global/networks/prod"}],
            }
        ],
        "nextPageToken": "x",
    },
    "dns.managedZones.list": {
        "kind": "dns#managedZonesListResponse",
        "managedZones": [
            {
                "kind": "dns#managedZone",
                "id": "9087654321",
                "name": "shop",
                "dnsName": "shop.example.com.",
                "visibility": "public",
                "creationTime": "2026-01-02T03:04:05.678Z",
                "nameServers": ["ns-cloud-a1.googledomains.com."],
                "dnssecConfig": {
                    "kind": "dns#managedZoneDnsSecConfig",
                    "state": "on",
                    "nonExistence": "nsec3",
                    "defaultKeySpecs": [
                        {
                            "kind": "dns#dnsKeySpec",
                            "keyType": "keySigning",
                            "algorithm": "rsasha256",
                            "keyLength": 2048,
                        }
                    ],
                },
                "labels": {"env": "prod"},
            }
        ],
    },
    "cloudresourcemanager.projects.get": {
        "name": "projects/415104041262",
        "parent": "folders/2001",
        "projectId": "shop-prod",
        "state": "ACTIVE",
        "displayName": "Shop",
        "createTime": "2026-01-02T03:04:05.678Z",
        "etag": 'W/"0123"',
        "labels": {"env": "prod"},
    },
    "cloudresourcemanager.projects.search": {
        "projects": [
            {"name": "projects/415104041262", "projectId": "shop-prod", "state": "DELETE_REQUESTED"}
        ],
        "nextPageToken": "t",
    },
    "cloudresourcemanager.projects.list": {
        "projects": [{"name": "projects/1", "projectId": "a-project", "state": "ACTIVE"}]
    },
    "cloudresourcemanager.projects.getIamPolicy": {
        "version": 3,
        "etag": "BwYdemo=",
        "bindings": [
            {"role": "roles/owner", "members": ["user:owner@example.com"]},
            {
                "role": "roles/viewer",
                "members": ["group:audit@example.com"],
                "condition": {"expression": "true", "title": "t"},
            },
        ],
        "auditConfigs": [
            {
                "service": "allServices",
                "auditLogConfigs": [
                    {"logType": "DATA_READ", "exemptedMembers": ["user:x@example.com"]},
                    {"logType": "ADMIN_READ"},
                ],
            }
        ],
    },
    "cloudresourcemanager.folders.list": {
        "folders": [
            {
                "name": "folders/2002",
                "parent": "folders/2001",
                "displayName": "eu",
                "state": "ACTIVE",
                "etag": "e",
            }
        ]
    },
    "cloudresourcemanager.folders.get": {
        "name": "folders/2001",
        "parent": "organizations/123",
        "displayName": "prod",
        "state": "ACTIVE",
    },
    "serviceusage.services.list": {
        "services": [
            {
                "name": "projects/415104041262/services/cloudasset.googleapis.com",
                "parent": "projects/415104041262",
                "state": "ENABLED",
                "config": {"name": "cloudasset.googleapis.com", "title": "Cloud Asset API"},
            }
        ],
        "nextPageToken": "n",
    },
    "storage.buckets.get": {
        "kind": "storage#bucket",
        "id": "logs",
        "name": "logs",
        "projectNumber": "415104041262",
        "metageneration": "3",
        "location": "EU",
        "storageClass": "STANDARD",
        "timeCreated": "2026-01-02T03:04:05.678Z",
        "retentionPolicy": {
            "retentionPeriod": "31536000",
            "effectiveTime": "2026-01-02T03:04:05.678Z",
            "isLocked": True,
        },
        "labels": {"purpose": "audit"},
    },
    "networkmanagement.projects.locations.vpcFlowLogsConfigs.list": {
        "vpcFlowLogsConfigs": [
            {
                "name": "projects/shop-prod/locations/global/vpcFlowLogsConfigs/net",
                "state": "ENABLED",
                "aggregationInterval": "INTERVAL_30_SEC",
                "flowSampling": 0.25,
                "metadata": "CUSTOM_METADATA",
                "metadataFields": ["src_instance"],
                "network": "projects/shop-prod/global/networks/prod",
                "targetResourceState": "TARGET_RESOURCE_EXISTS",
                "labels": {"owner": "net"},
                "createTime": "2026-01-02T03:04:05.678901Z",
            },
            {
                "name": "projects/shop-prod/locations/global/vpcFlowLogsConfigs/vpn",
                "vpnTunnel": "projects/shop-prod/regions/europe-west1/vpnTunnels/t",
            },
        ],
        "unreachable": [],
    },
    "networkmanagement.organizations.locations.vpcFlowLogsConfigs.list": {
        "vpcFlowLogsConfigs": [
            {
                "name": "organizations/42/locations/global/vpcFlowLogsConfigs/all",
                "state": "ENABLED",
                "aggregationInterval": "INTERVAL_5_SEC",
                "flowSampling": 0.5,
                "metadata": "INCLUDE_ALL_METADATA",
                "crossProjectMetadata": "CROSS_PROJECT_METADATA_ENABLED",
                "createTime": "2026-01-02T03:04:05.678901Z",
            }
        ],
        "nextPageToken": "2",
    },
    "logging.projects.sinks.list": {
        "sinks": [
            {
                "name": "all",
                "destination": "storage.googleapis.com/logs",
                "writerIdentity": "serviceAccount:p123-456@gcp-sa-logging.iam.gserviceaccount.com",
                "includeChildren": True,
                "exclusions": [{"name": "no-debug", "filter": "severity=DEBUG", "disabled": False}],
                "createTime": "2026-01-02T03:04:05.678Z",
                "outputVersionFormat": "V2",
            }
        ]
    },
    "logging.projects.metrics.list": {
        "metrics": [
            {
                "name": "firewall-changes",
                "filter": 'resource.type="gce_firewall_rule"',
                "metricDescriptor": {"metricKind": "DELTA", "valueType": "INT64", "unit": "1"},
                "labelExtractors": {"user": "EXTRACT(protoPayload.authenticationInfo.principalEmail)"},
            }
        ]
    },
    "monitoring.projects.alertPolicies.list": {
        "alertPolicies": [
            {
                "name": "projects/shop-prod/alertPolicies/1",
                "displayName": "fw",
                "combiner": "OR",
                "enabled": True,
                "conditions": [
                    {
                        "name": "projects/shop-prod/alertPolicies/1/conditions/2",
                        "displayName": "fw",
                        "conditionThreshold": {
                            "filter": 'metric.type="logging.googleapis.com/user/fw"',
                            "comparison": "COMPARISON_GT",
                            "thresholdValue": 0,
                            "duration": "0s",
                            "aggregations": [{"alignmentPeriod": "60s", "perSeriesAligner": "ALIGN_COUNT"}],
                        },
                    },
                    {
                        "displayName": "p",
                        "conditionPrometheusQueryLanguage": {"query": "up > 0", "duration": "60s"},
                    },
                    {
                        "displayName": "m",
                        "conditionMonitoringQueryLanguage": {"query": "fetch global", "duration": "0s"},
                    },
                    {
                        "displayName": "l",
                        "conditionMatchedLog": {
                            "filter": "severity>=ERROR",
                            "labelExtractors": {"a": "EXTRACT(x)"},
                        },
                    },
                ],
                "userLabels": {"team": "sec"},
            }
        ],
        "totalSize": 1,
    },
}


def test_a_sample_is_written_for_every_vendored_method():
    assert set(SAMPLES) == {m.id for m in methods()}


@pytest.mark.parametrize("method_id", sorted(SAMPLES))
def test_the_documented_shape_validates(method_id):
    assert method(method_id).check(SAMPLES[method_id]) == []


def _drift(method_id: str, change: Any) -> list[str]:
    body = copy.deepcopy(SAMPLES[method_id])
    change(body)
    return method(method_id).check(body)


def test_a_misspelt_field_fails_at_its_path():
    def misspell(body: dict[str, Any]) -> None:
        subnet = body["items"]["regions/europe-west1"]["subnetworks"][0]
        subnet["logConifg"] = subnet.pop("logConfig")

    [problem] = _drift("compute.subnetworks.aggregatedList", misspell)
    assert problem.startswith(
        "$.items.regions/europe-west1.subnetworks[0].logConifg: not a property of Subnetwork"
    )


def test_a_wrong_type_fails():
    problems = _drift("compute.firewalls.list", lambda b: b["items"][0].update(priority="1000"))
    assert problems == ["$.items[0].priority: expected an integer, got '1000'"]
    problems = _drift("storage.buckets.get", lambda b: b["retentionPolicy"].update(isLocked="true"))
    assert problems == ["$.retentionPolicy.isLocked: expected a boolean, got 'true'"]


def test_an_undeclared_enum_value_fails():
    problems = _drift(
        "networkmanagement.projects.locations.vpcFlowLogsConfigs.list",
        lambda b: b["vpcFlowLogsConfigs"][0].update(state="ON"),
    )
    assert len(problems) == 1 and "'ON' is not one of the enum values" in problems[0]


def test_an_int64_sent_as_a_number_fails():
    problems = _drift("storage.buckets.get", lambda b: b["retentionPolicy"].update(retentionPeriod=31536000))
    assert problems == ["$.retentionPolicy.retentionPeriod: expected a string, got int 31536000"]
    problems = _drift("storage.buckets.get", lambda b: b.update(projectNumber="12ab"))
    assert problems == ["$.projectNumber: '12ab' is not a uint64"]


def test_a_map_value_of_the_wrong_shape_fails():
    problems = _drift(
        "compute.subnetworks.aggregatedList", lambda b: b["items"].update({"regions/x": {"subnetworks": {}}})
    )
    assert problems == ["$.items.regions/x.subnetworks: expected an array, got dict"]


def test_a_bad_timestamp_and_duration_fail():
    problems = _drift("cloudresourcemanager.projects.get", lambda b: b.update(createTime="yesterday"))
    assert problems == ["$.createTime: 'yesterday' is not an RFC 3339 timestamp"]
    problems = _drift(
        "monitoring.projects.alertPolicies.list",
        lambda b: b["alertPolicies"][0]["conditions"][0]["conditionThreshold"].update(duration="60"),
    )
    assert problems == [
        "$.alertPolicies[0].conditions[0].conditionThreshold.duration: '60' is not a duration like '3.5s'"
    ]


def test_a_schema_keyword_the_validator_does_not_know_is_refused_not_passed():
    with pytest.raises(SchemaError):
        validate({}, {"type": "object", "oneOf": []}, {})
    with pytest.raises(SchemaError):
        validate("x", {"$ref": "Missing"}, {})


def test_the_fragments_are_verbatim_extracts_of_the_installed_documents():
    """Re-extracting from the installed google-api-python-client gives the vendored files byte for byte
    when it is the version they were taken from (after an upgrade: refresh them, see README.md)."""
    import json
    from importlib import metadata

    from tests.contracts.gcp import vendor_discovery
    from tests.contracts.gcp.specs import fragment

    installed = metadata.version("google-api-python-client")
    for api, method_ids in vendor_discovery.METHODS.items():
        vendored = fragment(api)
        if vendored["source"]["package_version"] != installed:
            pytest.skip(f"vendored from {vendored['source']['package_version']}, {installed} installed")
        assert json.loads(json.dumps(vendor_discovery.fragment(api, method_ids))) == vendored, api
