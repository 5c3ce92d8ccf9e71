"""Declared schemas for YAML: config.yaml, front matter, table and registry files.

A schema is plain data (`Field` objects with a one-line doc each, as mkdocs
declares its config). `validate` checks a parsed value against it, reports
every problem with its position (unknown keys get a did-you-mean), fills
defaults, and returns the cleaned value.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostics, suggest
from .yamldoc import YamlDoc

_TYPE_NAMES = {"str": "a string", "int": "an integer", "bool": "true or false",
               "list": "a list", "map": "a mapping (key: value lines)", "dict": "a mapping", "any": "a value"}


@dataclass
class Field:
    kind: str                      # str | int | bool | list | map | dict | any
    doc: str = ""
    required: bool = False
    default: object = None
    choices: tuple = ()            # allowed values for str fields
    item: "Field | None" = None    # element of a list, value of a dict
    fields: dict = field(default_factory=dict)  # keys of a map

    def describe(self) -> str:
        return _TYPE_NAMES[self.kind]


def Str(doc="", **kw):
    return Field("str", doc, **kw)


def Int(doc="", **kw):
    return Field("int", doc, **kw)


def Bool(doc="", **kw):
    return Field("bool", doc, **kw)


def List(item, doc="", **kw):
    return Field("list", doc, item=item, **kw)


def Map(fields, doc="", **kw):
    return Field("map", doc, fields=fields, **kw)


def Dict(item, doc="", **kw):
    return Field("dict", doc, item=item, **kw)


def Any(doc="", **kw):
    return Field("any", doc, **kw)


def validate(value, schema: Field, doc: YamlDoc, diags: Diagnostics, path: tuple = (), name: str = ""):
    """Check `value` against `schema`; report problems; return the cleaned value."""
    label = name or (str(path[-1]) if path else "the file")
    kind = schema.kind
    if value is None and not schema.required:  # 'key:' with nothing after it means "not set"
        return schema.default() if callable(schema.default) else schema.default
    if kind == "any":
        return value
    if kind == "str":
        if isinstance(value, bool) or isinstance(value, (list, dict)) or value is None:
            return _wrong_type(value, schema, doc, diags, path, label)
        # Numbers and dates as written (1.10 is not 1.1; 2022-10-25 16:02:44 keeps its space).
        text = value if isinstance(value, str) else doc.written.get(path, str(value))
        if schema.choices and text not in schema.choices:
            hint = suggest(text, schema.choices) or f"use one of: {', '.join(schema.choices)}"
            diags.error(doc.where(*path), f"'{label}' must be one of {', '.join(schema.choices)}, not '{text}'", hint)
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return _wrong_type(value, schema, doc, diags, path, label)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            return _wrong_type(value, schema, doc, diags, path, label)
        return value
    if kind == "list":
        if not isinstance(value, list):
            return _wrong_type(value, schema, doc, diags, path, label)
        return [validate(v, schema.item, doc, diags, path + (i,), f"{label}[{i + 1}]") for i, v in enumerate(value)]
    if kind == "dict":
        if not isinstance(value, dict):
            return _wrong_type(value, schema, doc, diags, path, label)
        return {str(k): validate(v, schema.item, doc, diags, path + (str(k),), f"{label}.{k}") for k, v in value.items()}
    if kind == "map":
        if not isinstance(value, dict):
            return _wrong_type(value, schema, doc, diags, path, label)
        return _validate_map(value, schema, doc, diags, path, name)
    raise ValueError(f"unknown schema kind {kind}")


def _validate_map(value: dict, schema: Field, doc, diags, path, name):
    cleaned = {}
    for key, item in value.items():
        key = str(key)
        if key not in schema.fields:
            hint = suggest(key, schema.fields) or f"allowed keys: {', '.join(sorted(schema.fields))}"
            where = f" in '{name}'" if name else ""
            diags.error(doc.where(*path, key, key=True), f"unknown key '{key}'{where}", hint)
            continue
        qualified = f"{name}.{key}" if name else key
        cleaned[key] = validate(item, schema.fields[key], doc, diags, path + (key,), qualified)
    for key, spec in schema.fields.items():
        if key in cleaned:
            continue
        if spec.required:
            where = f" in '{name}'" if name else ""
            diags.error(doc.where(*path), f"missing required key '{key}'{where}",
                        f"add '{key}: …' ({spec.doc})" if spec.doc else f"add '{key}: …'")
        cleaned[key] = spec.default() if callable(spec.default) else spec.default
    return cleaned


def _wrong_type(value, schema, doc, diags, path, label):
    shown = "nothing" if value is None else repr(value)
    hint = schema.doc
    if schema.kind == "str" and isinstance(value, (list, dict)):
        hint = "put the value in quotes if it contains ':', '[' or '{'"
    elif schema.kind == "str" and isinstance(value, bool):
        hint = "YAML reads yes/no/on/off/true/false as true or false: put the value in quotes, e.g. \"no\""
    elif schema.kind == "bool":
        hint = "write true or false, without quotes"
    elif schema.kind == "int":
        hint = f"write a whole number without quotes ({schema.doc})" if schema.doc else "write a whole number without quotes"
    diags.error(doc.where(*path), f"'{label}' must be {schema.describe()}, got {shown}", hint)
    return schema.default() if callable(schema.default) else schema.default
