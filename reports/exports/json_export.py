"""The ScanResult as JSON: the versioned ``posture-auditor/scan-result`` document (by alias).

It is the same document ``--json`` writes; its JSON Schema is ``docs/schemas/scan-result.v1.schema.json``
and it loads back with ``ScanResult.model_validate_json``.
"""

from __future__ import annotations

from auditor.scan_result import SCAN_RESULT_SCHEMA_VERSION, ScanResult

__all__ = ["JSON_MEDIA_TYPE", "JSON_SCHEMA_NAME", "JSON_SCHEMA_VERSION", "JSON_SUFFIX", "to_json"]

JSON_SUFFIX = ".json"
JSON_MEDIA_TYPE = "application/json"
JSON_SCHEMA_NAME = "posture-auditor/scan-result"
JSON_SCHEMA_VERSION = SCAN_RESULT_SCHEMA_VERSION


def to_json(result: ScanResult) -> str:
    """The scan result as its versioned JSON document (field aliases, so ``schema`` not ``schema_``)."""
    return result.model_dump_json(by_alias=True, indent=1)
