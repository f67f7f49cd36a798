"""A strict validator of a JSON-protocol answer against botocore's service model (the published shape of
the operation's output): a member the shape does not declare, a missing required member, a wrong type or
a value outside an enum is an error."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

_NUMBERS = {"integer": int, "long": int, "double": (int, float), "float": (int, float)}


def problems(value: Any, shape: Shape, where: str = "$") -> list[str]:
    found: list[str] = []
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, the model says structure {shape.name}"]
        members = shape.members  # type: ignore[attr-defined]
        for name in shape.required_members:  # type: ignore[attr-defined]
            if name not in value:
                found.append(f"{where}: required member {name!r} is missing")
        for name, item in value.items():
            if name not in members:
                found.append(f"{where}: member {name!r} is not in {shape.name}")
            else:
                found += problems(item, members[name], f"{where}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, the model says list"]
        for index, item in enumerate(value):
            found += problems(item, shape.member, f"{where}[{index}]")  # type: ignore[attr-defined]
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, the model says map"]
        for key, item in value.items():
            found += problems(key, shape.key, f"{where}<key>")  # type: ignore[attr-defined]
            found += problems(item, shape.value, f"{where}.{key}")  # type: ignore[attr-defined]
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{where}: {type(value).__name__}, the model says string"]
        if shape.enum and value not in shape.enum:
            found.append(f"{where}: {value!r} is not one of {shape.enum}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            found.append(f"{where}: {type(value).__name__}, the model says boolean")
    elif kind in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, _NUMBERS[kind]):
            found.append(f"{where}: {type(value).__name__}, the model says {kind}")
    elif kind == "timestamp" and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        found.append(f"{where}: {type(value).__name__}, the model says timestamp")
    return found
