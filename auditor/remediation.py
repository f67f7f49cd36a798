"""Fill a check's remediation command with the values of one finding."""

from __future__ import annotations

import re

from auditor.model import CheckMeta, Finding

# Only bare identifiers are placeholders, so JSON arguments such as '[{"Name":"X"}]' stay untouched.
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def remediation_command(meta: CheckMeta, finding: Finding | None = None) -> str:
    """The exact CLI command for this finding: ``{region}``, ``{resource_id}``, ``{account}`` and any
    string evidence key are filled in; a placeholder with no value stays visible as ``<name>``."""
    values: dict[str, str] = {}
    if finding is not None:
        values.update({k: str(v) for k, v in finding.evidence.items() if isinstance(v, str | int)})
        values.update(
            region=finding.region,
            resource_id=finding.resource_id,
            account=finding.account,
            resource_name=finding.resource_name,
        )
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or f"<{m.group(1)}>", meta.remediation.cli)
