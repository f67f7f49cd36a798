import json
from pathlib import Path

from auditor.schemas import schema_documents

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_schemas_match_the_models():
    for name, text in schema_documents().items():
        shipped = ROOT / "docs" / "schemas" / name
        assert shipped.exists(), f"missing {shipped}: run python -m auditor.schemas"
        assert shipped.read_text() == text, f"{shipped} is stale: run python -m auditor.schemas"


def test_schemas_pin_their_version():
    documents = {name: json.loads(text) for name, text in schema_documents().items()}
    scan = documents["scan-result.v1.schema.json"]
    assert scan["properties"]["schema"]["const"] == "posture-auditor/scan-result"
    snapshot = documents["inventory-snapshot.v1.schema.json"]
    assert snapshot["properties"]["schema_version"]["const"] == 1
