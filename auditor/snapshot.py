"""Inventory snapshots: write what was collected, read it back to evaluate offline.

The file is versioned JSON: ``{"schema": "posture-auditor/inventory-snapshot", "schema_version": 1,
"tool_version": ..., "written_at": ..., "inventories": [...]}``. A malformed file or an unknown
version raises ``SnapshotError`` naming the file and the field.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from auditor import __version__
from auditor.inventory import Inventory

SNAPSHOT_SCHEMA = "posture-auditor/inventory-snapshot"
SNAPSHOT_SCHEMA_VERSION = 1


class SnapshotError(Exception):
    """A snapshot that cannot be read. The message names the file and the place."""


class Snapshot(BaseModel):
    schema_: Literal["posture-auditor/inventory-snapshot"] = Field(default=SNAPSHOT_SCHEMA, alias="schema")
    schema_version: Literal[1] = SNAPSHOT_SCHEMA_VERSION
    tool_version: str = __version__
    written_at: datetime
    inventories: list[Inventory]

    model_config = {"populate_by_name": True}


def write_snapshot(path: Path, inventories: Sequence[Inventory]) -> None:
    snapshot = Snapshot(written_at=datetime.now(UTC), inventories=list(inventories))
    write_text_atomically(path, snapshot.model_dump_json(by_alias=True, indent=1))


def read_snapshot(path: Path) -> Snapshot:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SnapshotError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SnapshotError(f"{path}: not UTF-8 text (byte {error.start})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SnapshotError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    if not isinstance(data, dict):
        raise SnapshotError(f"{path}: expected a JSON object at the top level, found {type(data).__name__}")
    if data.get("schema") != SNAPSHOT_SCHEMA:
        raise SnapshotError(
            f"{path}: field 'schema' is {data.get('schema')!r}, expected {SNAPSHOT_SCHEMA!r} "
            "(is this an inventory snapshot written by `auditor scan --snapshot`?)"
        )
    version = data.get("schema_version")
    if version != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotError(
            f"{path}: field 'schema_version' is {version!r}; this auditor ({__version__}) reads version "
            f"{SNAPSHOT_SCHEMA_VERSION}"
        )
    try:
        return Snapshot.model_validate(data)
    except ValidationError as error:
        raise SnapshotError(f"{path}: {describe_validation_error(error)}") from error


def describe_validation_error(error: ValidationError, limit: int = 5) -> str:
    """'inventories[0].regions.us-east-1.vpcs[2].id: Field required' for each problem."""
    lines = []
    for problem in error.errors()[:limit]:
        where = ""
        loc = problem["loc"]
        for index, part in enumerate(loc):
            if _is_union_tag(loc, index):
                continue  # pydantic names the union member chosen; it is not a place in the file
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
        lines.append(f"field '{where}': {problem['msg']}")
    more = error.error_count() - limit
    if more > 0:
        lines.append(f"... and {more} more")
    return "; ".join(lines)


_PROVIDER_TAGS = frozenset({"aws", "azure", "gcp"})


def _is_union_tag(loc: tuple[int | str, ...], index: int) -> bool:
    """``inventories[0].aws.regions``: the ``aws`` after an inventory's index is the union's tag."""
    return (
        index >= 2
        and loc[index] in _PROVIDER_TAGS
        and isinstance(loc[index - 1], int)
        and loc[index - 2] == "inventories"
    )


def write_text_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
