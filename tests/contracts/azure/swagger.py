"""A validator of JSON answers against the Azure REST API specification (Swagger 2.0 with AutoRest's
extensions), over the fragments vendored under ``tests/contracts/azure/specification``.

What it checks, as AutoRest and Azure's own model validation read a spec: ``$ref`` (relative to the file
that holds it), ``allOf`` (properties and ``required`` of every base), polymorphism (``discriminator`` and
``x-ms-discriminator-value``), ``type`` and integer ``format``s, ``date-time`` / ``duration`` / ``uuid``
strings, ``enum`` (``x-ms-enum.modelAsString`` makes one extensible), ``items``, ``additionalProperties``,
``x-nullable``.

Two modes:
- ``strict`` (the emulator's answers): a property the schema does not declare, a value of an extensible
  enum that the spec does not list, a ``null`` where the spec does not allow one, or a value whose schema is
  not vendored (a ``$ref`` the fragment leaves out), is an error: whatever the emulator serves must be a
  shape the spec has.
- lenient (the spec's own examples): extensible enums take other values, unvendored schemas accept
  anything, ``null`` is accepted, and undeclared properties are accepted (examples carry properties some
  api-versions dropped); this proves the validator agrees with the spec's authors on real answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SPECIFICATION = HERE / "specification"
_DURATION = re.compile(r"^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}


@cache
def load(path: Path) -> dict[str, Any]:
    """A vendored spec (or example) file, parsed once."""
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Schema:
    """A schema object and the file it sits in (its ``$ref``s are relative to that file)."""

    body: dict[str, Any]
    file: Path
    name: str = ""


class Unvendored(Exception):
    """A ``$ref`` whose target the fragment does not carry."""


def resolve(ref: str, file: Path) -> Schema:
    """The schema ``ref`` names, from ``file``: ``#/definitions/X`` or ``other.json#/definitions/X``."""
    target, _, pointer = ref.partition("#")
    path = (file.parent / target).resolve() if target else file
    if not path.exists():
        raise Unvendored(f"{ref} (no file {path.name})")
    node: Any = load(path)
    parts = [p for p in pointer.split("/") if p]
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise Unvendored(ref)
        node = node[part]
    return Schema(node, path, parts[-1] if parts else "")


@dataclass
class Validator:
    strict: bool = True
    page_link: str | None = None
    """The operation's ``x-ms-pageable`` nextLinkName: absent or null on the last page, whatever the schema's
    ``required`` says (ARM's paging contract: the last page has no next link)."""
    any_members: frozenset[str] = frozenset()
    """Definitions whose ``additionalProperties`` schema the spec's own examples contradict: their extra
    members are taken as any JSON (``spec_defects.py`` says which and why)."""
    errors: list[str] = field(default_factory=list)

    def check(self, value: Any, schema: Schema, where: str = "$") -> list[str]:
        self._value(value, schema, where)
        return self.errors

    # --- one value -------------------------------------------------------------------------------

    def _target(self, schema: Schema, where: str, what: str) -> Schema | None:
        """What a ``$ref`` names; None (an error when strict) when the fragment does not carry it."""
        try:
            return resolve(schema.body["$ref"], schema.file)
        except Unvendored as missing:
            if self.strict:
                self.errors.append(f"{where}: {what} is not vendored: {missing}")
            return None

    def _value(self, value: Any, schema: Schema, where: str) -> None:
        if "$ref" in schema.body:
            target = self._target(schema, where, "served, but its schema")
            if target is not None:
                self._value(value, target, where)
            return
        body = schema.body
        if value is None:
            if self.strict and not body.get("x-nullable", False):
                self.errors.append(f"{where}: null, which the spec does not allow here")
            return
        kind = body.get("type") or ("object" if "properties" in body or "allOf" in body else None)
        if kind is not None:
            expected = _TYPES.get(kind, ())
            if not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool)):
                self.errors.append(f"{where}: {type(value).__name__} {value!r:.60}, the spec says {kind}")
                return
        if kind == "string":
            self._string(value, body, where)
        elif kind == "array":
            items = body.get("items")
            for index, item in enumerate(value):
                if items is not None:
                    self._value(item, Schema(items, schema.file), f"{where}[{index}]")
        elif kind == "object" or isinstance(value, dict):
            self._object(value, schema, where)
        if "enum" in body and kind != "string":
            self._enum(value, body, where)

    def _string(self, value: str, body: dict[str, Any], where: str) -> None:
        form = body.get("format", "")
        if form == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.errors.append(f"{where}: {value!r} is not a date-time")
        elif form == "duration" and not _DURATION.match(value):
            self.errors.append(f"{where}: {value!r} is not an ISO 8601 duration")
        elif form == "uuid" and not _UUID.match(value):
            self.errors.append(f"{where}: {value!r} is not a uuid")
        if "enum" in body:
            self._enum(value, body, where)

    def _enum(self, value: Any, body: dict[str, Any], where: str) -> None:
        allowed = body["enum"]
        extensible = bool((body.get("x-ms-enum") or {}).get("modelAsString", False))
        if value in allowed:
            return
        if extensible and not self.strict:
            return
        if isinstance(value, str) and not self.strict and value.lower() in {str(a).lower() for a in allowed}:
            return  # ARM compares enum strings without case
        self.errors.append(f"{where}: {value!r} is not one of {allowed}")

    # --- objects ---------------------------------------------------------------------------------

    def _object(self, value: dict[str, Any], schema: Schema, where: str) -> None:
        schema = self._subtype(value, schema, where)
        properties, required, extra = self._shape(schema, where)
        for name in required:
            if name not in value and not (where == "$" and name == self.page_link):
                self.errors.append(f"{where}: required property {name!r} is missing")
        for name, item in value.items():
            if where == "$" and name == self.page_link and item is None:
                continue
            if name in properties:
                self._value(item, properties[name], f"{where}.{name}")
            elif extra is not None:
                if extra.body:  # additionalProperties: {} or true accepts anything
                    self._value(item, extra, f"{where}.{name}")
            elif self.strict and (properties or not self._freeform(schema)):
                self.errors.append(f"{where}: property {name!r} is not in the spec")

    def _freeform(self, schema: Schema) -> bool:
        """An object schema that declares nothing (``{"type": "object"}``): any members."""
        body = schema.body
        return not any(key in body for key in ("properties", "allOf", "additionalProperties"))

    def _shape(self, schema: Schema, where: str) -> tuple[dict[str, Schema], set[str], Schema | None]:
        """Every declared property (with its own file), every required name, and the schema of other
        members (None: none allowed), over the schema and its ``allOf`` bases."""
        properties: dict[str, Schema] = {}
        required: set[str] = set()
        extra: Schema | None = None
        for part in self._chain(schema, where):
            for name, sub in (part.body.get("properties") or {}).items():
                # an inline property schema is named after its place: 'AlertProperties.supportingEvidence'
                properties.setdefault(
                    name, Schema(sub, part.file, f"{part.name}.{name}" if part.name else "")
                )
            required |= set(part.body.get("required") or [])
            additional = part.body.get("additionalProperties")
            if part.name in self.any_members or additional is True or additional == {}:
                extra = Schema({}, part.file)
            elif isinstance(additional, dict):
                extra = Schema(additional, part.file)
        return properties, required, extra

    def _chain(self, schema: Schema, where: str) -> list[Schema]:
        """The schema and, depth first, every ``allOf`` base (``$ref``s resolved)."""
        found: list[Schema] = []
        pending = [schema]
        while pending:
            part = pending.pop(0)
            if "$ref" in part.body:
                target = self._target(part, where, "a base schema")
                if target is None:
                    continue
                part = target
            found.append(part)
            pending += [Schema(base, part.file) for base in part.body.get("allOf") or []]
        return found

    def _subtype(self, value: dict[str, Any], schema: Schema, where: str) -> Schema:
        """For a polymorphic base (``discriminator``), the child the value's discriminator names."""
        chain = self._chain(schema, where)
        discriminator = next((p for p in chain if "discriminator" in p.body), None)
        if discriminator is None:
            return schema
        key = discriminator.body["discriminator"]
        tag = value.get(key)
        if tag is None or tag == discriminator.body.get("x-ms-discriminator-value", discriminator.name):
            return schema
        for child in children(discriminator):
            if child.body.get("x-ms-discriminator-value", child.name) == tag:
                return child
        if self.strict:
            self.errors.append(f"{where}.{key}: {tag!r} names no subtype of {discriminator.name}")
        return schema


def children(base: Schema) -> list[Schema]:
    """Every vendored definition whose ``allOf`` names ``base`` (in any vendored spec file)."""
    found = []
    for path in sorted(SPECIFICATION.rglob("*.json")):
        if "examples" in path.parts:
            continue
        for name, body in (load(path).get("definitions") or {}).items():
            for part in body.get("allOf") or []:
                ref = part.get("$ref")
                if ref is None:
                    continue
                try:
                    target = resolve(ref, path)
                except Unvendored:
                    continue
                if target.file == base.file and target.name == base.name:
                    found.append(Schema(body, path, name))
    return found


def validate(
    value: Any,
    schema: Schema,
    *,
    strict: bool = True,
    page_link: str | None = None,
    any_members: frozenset[str] = frozenset(),
) -> list[str]:
    """The errors of ``value`` against ``schema`` (empty: it conforms)."""
    return Validator(strict=strict, page_link=page_link, any_members=any_members).check(value, schema)
