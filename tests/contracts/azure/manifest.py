"""The operations the collector calls, as ``operations.json`` lists them from the vendored specs: each with
its api-version, path template, response schema and the spec's own examples."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.contracts.azure.spec_defects import ANY_MEMBERS
from tests.contracts.azure.swagger import HERE, Schema, load, resolve, validate


@dataclass(frozen=True)
class SpecOperation:
    operation_id: str
    api_version: str
    path: str
    spec: Path
    response_schema: str
    pageable: str | None
    examples: tuple[Path, ...]

    @property
    def response(self) -> Schema:
        """The schema of the operation's 200 answer."""
        return resolve(self.response_schema, self.spec)

    def problems(self, body: Any, *, strict: bool = True) -> list[str]:
        """What is wrong with ``body`` as this operation's 200 answer (empty: nothing), paging and the
        spec's known self-contradictions (``spec_defects``) read as ARM serves them."""
        return validate(
            body,
            self.response,
            strict=strict,
            page_link=self.pageable,
            any_members=frozenset(ANY_MEMBERS),
        )

    def example_bodies(self) -> list[tuple[Path, dict[str, Any], Any]]:
        """(example file, its parameters, its 200 body) of every vendored example with a 200 answer."""
        found = []
        for path in self.examples:
            example = load(path)
            answer = (example.get("responses") or {}).get("200")
            if answer is not None and "body" in answer:
                found.append((path, example.get("parameters") or {}, answer["body"]))
        return found


@cache
def operations() -> dict[str, SpecOperation]:
    """By operationId."""
    listed = json.loads((HERE / "operations.json").read_text())
    return {
        entry["operation_id"]: SpecOperation(
            operation_id=entry["operation_id"],
            api_version=entry["api_version"],
            path=entry["path"],
            spec=HERE / entry["spec"],
            response_schema=entry["response_schema"],
            pageable=entry.get("pageable"),
            examples=tuple(HERE / example for example in entry.get("examples") or []),
        )
        for entry in listed
    }
