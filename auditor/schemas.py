"""The JSON Schemas of the files the auditor writes, generated from the pydantic models.

``python -m auditor.schemas`` rewrites ``docs/schemas/``; a test keeps the shipped files equal to
what the models generate, so the documented schema is always the one the code writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.scan_result import ScanResult
from auditor.snapshot import Snapshot

SCHEMAS: dict[str, type] = {
    "scan-result.v1.schema.json": ScanResult,
    "inventory-snapshot.v1.schema.json": Snapshot,
}


def schema_documents() -> dict[str, str]:
    documents = {}
    for name, model in SCHEMAS.items():
        schema: dict[str, Any] = model.model_json_schema(by_alias=True, mode="serialization")  # type: ignore[attr-defined]
        documents[name] = json.dumps(schema, indent=1, sort_keys=True) + "\n"
    return documents


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "docs" / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in schema_documents().items():
        (target / name).write_text(text)
        print(f"wrote {target / name}")


if __name__ == "__main__":
    main()
