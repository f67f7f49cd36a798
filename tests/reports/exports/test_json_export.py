"""The JSON export: the versioned ScanResult document, loadable and valid against its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from auditor.scan_result import ScanResult
from reports.exports.json_export import JSON_SCHEMA_NAME, JSON_SCHEMA_VERSION, to_json

SCHEMA = Path(__file__).parents[3] / "docs" / "schemas" / "scan-result.v1.schema.json"


def test_round_trips_through_the_model(demo_result):
    text = to_json(demo_result)
    assert ScanResult.model_validate_json(text) == demo_result


def test_is_the_document_the_cli_writes(demo_files, demo_result):
    assert json.loads(to_json(demo_result)) == json.loads(demo_files[0].read_text(encoding="utf-8"))


def test_uses_aliases_and_names_its_schema(demo_result):
    data = json.loads(to_json(demo_result))
    assert data["schema"] == JSON_SCHEMA_NAME == "posture-auditor/scan-result"
    assert data["schema_version"] == JSON_SCHEMA_VERSION == 1
    assert "schema_" not in data


def test_validates_against_the_published_schema(demo_result, demo_muted_result, edge_result):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for result in (demo_result, demo_muted_result, edge_result):
        jsonschema.validate(json.loads(to_json(result)), schema)


def test_muted_findings_and_unicode_survive(edge_result):
    back = ScanResult.model_validate_json(to_json(edge_result))
    assert back.findings == edge_result.findings
    assert any(f.muted is not None for f in back.findings)
    assert "Ünïcødé <script>" in to_json(edge_result)
