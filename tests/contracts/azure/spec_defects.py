"""Where the Azure REST API specification contradicts itself, and how the contract tests read it.

Each entry names a definition whose schema the spec's own examples (and the service) do not follow; the
validator then takes what the examples show. Nothing else is relaxed: every other definition is held to
its schema exactly.
"""

from __future__ import annotations

ANY_MEMBERS: dict[str, str] = {
    "AlertEntity": (
        "security 2022-01-01 alerts.json: AlertEntity declares additionalProperties {type: object}, yet its "
        "own example GetAlertsSubscription_example.json carries string and number members ('address': "
        "'192.0.2.1', 'dnsDomain': ''), as Defender sends them."
    ),
    "AlertProperties.supportingEvidence": (
        "security 2022-01-01 alerts.json: supportingEvidence declares additionalProperties {type: object}, "
        "yet the same example carries 'title' (a string) and 'columns' / 'rows' (arrays)."
    ),
}
"""Definition name -> the evidence. Their members beyond the declared ones are accepted as any JSON."""

PATH_DEFECTS: dict[str, str] = {
    "ManagementGroups_GetDescendants": (
        "/providers/Microsoft.Management/managementGroups/{groupId}/descendants",
        "management 2023-04-01 (the TypeSpec-generated management.json, commit 6a3c95a0) writes the path "
        "'.../managementGroups/{groupId}/descendants/{groupId}', naming groupId twice; ARM, the earlier "
        "hand-written spec of the same version and azure-mgmt-managementgroups all use '.../descendants'.",
    ),
}
"""operationId -> (the path ARM serves, the evidence), where the spec's path template is wrong."""
