"""Vendor the discovery-document fragments the GCP contract tests rely on.

``python -m tests.contracts.gcp.vendor_discovery`` reads the discovery documents google-api-python-client
ships (``googleapiclient/discovery_cache/documents/<api>.<version>.json``) and writes, for each API,
``tests/contracts/gcp/discovery/<api>.<version>.json``: the document's identity (name, version, revision,
etag, rootUrl, servicePath), the method entries the collector calls, verbatim, and every schema reachable
from their responses (``$ref``, properties, items, additionalProperties), verbatim. Run it after upgrading
google-api-python-client, then run ``python -m pytest tests/contracts -q``: a served shape that the new
revision no longer has fails there.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import googleapiclient

HERE = Path(__file__).parent / "discovery"
DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"

METHODS: dict[str, tuple[str, ...]] = {
    "compute.v1": (
        "compute.networks.list",
        "compute.subnetworks.aggregatedList",
        "compute.firewalls.list",
        "compute.backendServices.aggregatedList",
        "compute.securityPolicies.aggregatedList",
    ),
    "dns.v1": ("dns.policies.list", "dns.managedZones.list"),
    "cloudresourcemanager.v3": (
        "cloudresourcemanager.projects.get",
        "cloudresourcemanager.projects.search",
        "cloudresourcemanager.projects.list",
        "cloudresourcemanager.projects.getIamPolicy",
        "cloudresourcemanager.folders.list",
        "cloudresourcemanager.folders.get",
    ),
    "serviceusage.v1": ("serviceusage.services.list",),
    "storage.v1": ("storage.buckets.get",),
    "networkmanagement.v1": (
        "networkmanagement.projects.locations.vpcFlowLogsConfigs.list",
        "networkmanagement.organizations.locations.vpcFlowLogsConfigs.list",
    ),
    # Served over gRPC; the same messages' REST (proto3 JSON) form is checked against these too.
    "logging.v2": ("logging.projects.sinks.list", "logging.projects.metrics.list"),
    "monitoring.v3": ("monitoring.projects.alertPolicies.list",),
}


def _methods(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every method of a discovery document (or resource), by id."""
    found = {m["id"]: m for m in resource.get("methods", {}).values()}
    for child in resource.get("resources", {}).values():
        found.update(_methods(child))
    return found


def _refs(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["$ref"]} if "$ref" in schema else set()
        for key in ("properties", "additionalProperties", "items"):
            value = schema.get(key)
            if key == "properties" and isinstance(value, dict):
                for item in value.values():
                    found |= _refs(item)
            elif isinstance(value, dict):
                found |= _refs(value)
        return found
    return set()


def fragment(api: str, method_ids: tuple[str, ...]) -> dict[str, Any]:
    path = DOCUMENTS / f"{api}.json"
    document = json.loads(path.read_text())
    methods = _methods(document)
    chosen = {method_id: methods[method_id] for method_id in method_ids}
    pending = [m["response"]["$ref"] for m in chosen.values()]
    schemas: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        schemas[name] = document["schemas"][name]
        pending += sorted(_refs(schemas[name]) - set(schemas))
    return {
        "source": {
            "package": "google-api-python-client",
            "package_version": metadata.version("google-api-python-client"),
            "path": f"googleapiclient/discovery_cache/documents/{api}.json",
        },
        **{key: document.get(key) for key in ("id", "name", "version", "revision", "etag")},
        "rootUrl": document["rootUrl"],
        "servicePath": document["servicePath"],
        "methods": chosen,
        "schemas": dict(sorted(schemas.items())),
    }


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for api, method_ids in METHODS.items():
        target = HERE / f"{api}.json"
        part = fragment(api, method_ids)
        target.write_text(json.dumps(part, indent=1, sort_keys=False) + "\n")
        print(f"wrote {target.name}: revision {part['revision']}, {len(part['schemas'])} schemas")


if __name__ == "__main__":
    main()
