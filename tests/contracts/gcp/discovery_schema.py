"""A strict validator of JSON values against Google API discovery-document schemas.

Discovery schemas are a JSON Schema dialect: ``type`` (object, array, string, integer, number, boolean,
any), ``format`` (int32, uint32, int64 and uint64 carried as decimal strings, double, float, byte, date,
date-time / google-datetime, google-duration, google-fieldmask), ``enum``, ``items``, ``properties``,
``additionalProperties`` (a map) and ``$ref`` to a named schema of the document. STRICT: a property the
schema does not declare is an error (unless the schema is a map), so any drift of a served shape fails:
a misspelt field, a wrong type, an undeclared enum value, a number where the API sends an int64 string.

``validate(value, schema, schemas)`` returns the list of problems, each with its JSON path; empty means
the value has exactly a shape the specification allows. Nothing here is specific to one API.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

Schemas = dict[str, dict[str, Any]]

_INT64 = re.compile(r"^-?[0-9]+$")
_UINT64 = re.compile(r"^[0-9]+$")
_DURATION = re.compile(r"^-?[0-9]+(\.[0-9]{1,9})?s$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_INT32 = (-(2**31), 2**31 - 1)
_UINT32 = (0, 2**32 - 1)
_KNOWN = {
    "type",
    "format",
    "enum",
    "enumDescriptions",
    "enumDeprecated",
    "items",
    "properties",
    "additionalProperties",
    "$ref",
    "id",
    "description",
    "readOnly",
    "deprecated",
    "default",
    "pattern",
    "annotations",
    "required",
    "location",
    "minimum",
    "maximum",
}


class SchemaError(Exception):
    """The schema itself uses something this validator does not know: refuse rather than pass."""


def validate(value: Any, schema: dict[str, Any], schemas: Schemas, path: str = "$") -> list[str]:
    """Every way ``value`` departs from ``schema`` (``schemas``: the document's named schemas)."""
    unknown = set(schema) - _KNOWN
    if unknown:
        raise SchemaError(f"{path}: schema keyword(s) {sorted(unknown)} not understood")
    if "$ref" in schema:
        name = schema["$ref"]
        if name not in schemas:
            raise SchemaError(f"{path}: $ref {name!r} is not among the vendored schemas")
        return validate(value, schemas[name], schemas, path)
    kind = schema.get("type")
    if kind == "any":
        return []
    if kind == "object":
        return _object(value, schema, schemas, path)
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        items = schema.get("items")
        if items is None:
            raise SchemaError(f"{path}: an array schema without items")
        return [
            problem
            for i, item in enumerate(value)
            for problem in validate(item, items, schemas, f"{path}[{i}]")
        ]
    if kind == "string":
        return _string(value, schema, path)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected an integer, got {value!r}"]
        low, high = _UINT32 if schema.get("format") == "uint32" else _INT32
        return [] if low <= value <= high else [f"{path}: {value} is out of the {schema.get('format')} range"]
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [f"{path}: expected a number, got {value!r}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    raise SchemaError(f"{path}: schema type {kind!r} not understood")


def _object(value: Any, schema: dict[str, Any], schemas: Schemas, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {type(value).__name__}"]
    properties: dict[str, Any] = schema.get("properties", {})
    mapped = schema.get("additionalProperties")
    problems: list[str] = []
    for key, item in value.items():
        where = f"{path}.{key}"
        if key in properties:
            problems += validate(item, properties[key], schemas, where)
        elif mapped is not None:
            problems += validate(item, mapped, schemas, where)
        else:
            declared = ", ".join(sorted(properties)) or "none"
            problems.append(
                f"{where}: not a property of {schema.get('id', 'this object')} (declared: {declared})"
            )
    return problems


def _string(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: expected a string, got {type(value).__name__} {value!r}"]
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        return [f"{path}: {value!r} is not one of the enum values {enum}"]
    form = schema.get("format")
    if form is None or form in ("google-fieldmask",):
        return []
    if form == "int64":
        return (
            []
            if _INT64.match(value) and -(2**63) <= int(value) < 2**63
            else [f"{path}: {value!r} is not an int64"]
        )
    if form == "uint64":
        return [] if _UINT64.match(value) and int(value) < 2**64 else [f"{path}: {value!r} is not a uint64"]
    if form == "google-duration":
        return [] if _DURATION.match(value) else [f"{path}: {value!r} is not a duration like '3.5s'"]
    if form == "date":
        return [] if _DATE.match(value) else [f"{path}: {value!r} is not a date (YYYY-MM-DD)"]
    if form in ("date-time", "google-datetime"):
        return [] if _RFC3339.match(value) else [f"{path}: {value!r} is not an RFC 3339 timestamp"]
    if form == "byte":
        try:
            base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            return [f"{path}: {value!r} is not base64"]
        return []
    raise SchemaError(f"{path}: string format {form!r} not understood")
