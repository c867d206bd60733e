"""Checks a JSON report against report.schema.json with a small validator (no extra dependency).

It understands the keywords the schema uses: type, enum, required, properties,
additionalProperties, propertyNames, items, pattern, minLength, minimum, maximum,
exclusiveMinimum, oneOf and local ``$ref``. Any full JSON Schema validator gives the same verdict.

The schema's kind enum (``$defs.kind``) is generated from the kind descriptions
(``dossierlink.reconcile.kinds``) into the checked-in file, so the shipped schema stays readable
on its own; ``python -m dossierlink.report.validate`` rewrites it after a kind is added, and a
test fails while the file and the descriptions disagree.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from dossierlink.reconcile.kinds import KINDS

__all__ = ["generated_schema_text", "load_schema", "validate_report"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def load_schema() -> dict[str, Any]:
    """The report's JSON Schema, shipped beside this module."""
    text = resources.files("dossierlink.report").joinpath("report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# ``$defs.kind`` as the checked-in file lays it out (one kind a line).
_KIND_ENUM = re.compile(r'(\n    "kind": \{\n      "enum": \[\n)(.*?)(\n      \]\n    \})', re.DOTALL)


def generated_schema_text(text: str) -> str:
    """``text`` (report.schema.json) with its kind enum generated from :data:`KINDS`."""
    kinds = ",\n".join(f'        "{spec.kind.value}"' for spec in KINDS)
    new, n = _KIND_ENUM.subn(lambda m: m.group(1) + kinds + m.group(3), text, count=1)
    if n != 1:
        raise ValueError("report.schema.json has no $defs.kind enum laid out one kind a line.")
    return new


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str, out: list[str]) -> None:
    if "$ref" in schema:
        ref = schema["$ref"]
        node: Any = root
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        _check(value, node, root, path, out)
        return
    if "oneOf" in schema:
        matches = 0
        for option in schema["oneOf"]:
            trial: list[str] = []
            _check(value, option, root, path, trial)
            matches += not trial
        if matches != 1:
            out.append(f"{path}: matches {matches} of the allowed forms, expected exactly one.")
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is_type(value, n) for n in names):
            out.append(f"{path}: expected {' or '.join(names)}, found {type(value).__name__}.")
            return
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} is not one of {schema['enum']}.")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']}.")
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: is shorter than {schema['minLength']}.")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} is below {schema['minimum']}.")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} is above {schema['maximum']}.")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: {value} must be above {schema['exclusiveMinimum']}.")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}: the field {key!r} is missing.")
        props: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if "propertyNames" in schema:
                _check(key, schema["propertyNames"], root, f"{path}.{key} (name)", out)
            if key in props:
                _check(item, props[key], root, f"{path}.{key}", out)
            elif extra is False:
                out.append(f"{path}: the field {key!r} is not allowed.")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{path}.{key}", out)
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            _check(item, schema["items"], root, f"{path}[{n}]", out)


def validate_report(data: Any, schema: dict[str, Any] | None = None) -> list[str]:
    """Every way ``data`` breaks the report schema, one sentence each; [] when it conforms."""
    root = schema or load_schema()
    problems: list[str] = []
    _check(data, root, root, "$", problems)
    return problems


if __name__ == "__main__":
    # Rewrite the checked-in schema's kind enum from the kind descriptions (a development step).
    path = Path(__file__).with_name("report.schema.json")
    path.write_text(generated_schema_text(path.read_text(encoding="utf-8")), encoding="utf-8")
