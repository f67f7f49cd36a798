"""The vendored GCP specifications: discovery-document fragments (``discovery/*.json``) and the request
path templates of their methods, and the proto messages of the installed gRPC / gapic clients."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.contracts.gcp.discovery_schema import Schemas, validate

DISCOVERY = Path(__file__).parent / "discovery"


@dataclass(frozen=True)
class Method:
    api: str
    """'compute.v1'"""
    id: str
    """'compute.subnetworks.aggregatedList'"""
    http_method: str
    template: str
    """The request path, '/compute/v1/projects/{project}/aggregated/subnetworks'."""
    response: str
    """The response schema's name."""

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"(\{\+?[^}]+\})", self.template)
        regex = "".join(
            (".+" if part.startswith("{+") else "[^/]+") if part.startswith("{") else re.escape(part)
            for part in parts
        )
        return re.compile(f"^{regex}$")

    def check(self, body: Any) -> list[str]:
        """Every way ``body`` departs from the method's documented response."""
        return validate(body, {"$ref": self.response}, schemas(self.api))


@cache
def fragment(api: str) -> dict[str, Any]:
    return json.loads((DISCOVERY / f"{api}.json").read_text())  # type: ignore[no-any-return]


def apis() -> list[str]:
    return sorted(path.stem for path in DISCOVERY.glob("*.json"))


def schemas(api: str) -> Schemas:
    return fragment(api)["schemas"]  # type: ignore[no-any-return]


def methods(api: str | None = None) -> list[Method]:
    found = []
    for name in [api] if api is not None else apis():
        part = fragment(name)
        for method_id, method in part["methods"].items():
            template = "/" + part["servicePath"] + method.get("flatPath", method["path"])
            found.append(Method(name, method_id, method["httpMethod"], template, method["response"]["$ref"]))
    return found


def method(method_id: str) -> Method:
    [found] = [m for m in methods() if m.id == method_id]
    return found


def method_for(http_method: str, path: str) -> Method | None:
    """The one vendored method a request is (None when none is; more than one is a broken vendoring)."""
    matches = [m for m in methods() if m.http_method == http_method and m.pattern.match(path)]
    assert len(matches) <= 1, f"{http_method} {path} matches {[m.id for m in matches]}"
    return matches[0] if matches else None
