"""Declared schemas for YAML: config.yaml, front matter, table and registry files.

A schema is plain data (`Field` objects with a one-line doc each, as mkdocs
declares its config). `validate` checks a parsed value against it, reports
every problem with its position (unknown keys get a did-you-mean), fills
defaults, and returns the cleaned value.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostics, suggest
from .messages import Text, t
from .yamldoc import YamlDoc


@dataclass
class Field:
    kind: str                      # str | int | bool | list | map | dict | any
    doc: "str | Text" = ""         # message code of its one-line description (doc.*), or a Text with parameters
    required: bool = False
    default: object = None
    choices: tuple = ()            # allowed values for str fields
    item: "Field | None" = None    # element of a list, value of a dict
    fields: dict = field(default_factory=dict)  # keys of a map

    def describe(self) -> Text:
        return t(f"schema.type-{self.kind}")

    def explain(self) -> Text | str:
        if isinstance(self.doc, Text):   # a doc with parameters: t("doc.table.column.label", lang=k)
            return self.doc
        return t(self.doc) if self.doc else ""


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
    label = name or (str(path[-1]) if path else t("schema.the-file"))
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
            diags.error(doc.where(*path), "schema.not-a-choice", label=label, choices=schema.choices, value=text,
                        hint=suggest(text, schema.choices) or t("hint.use-one-of", choices=schema.choices))
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
            hint = suggest(key, schema.fields) or t("schema.allowed-keys", keys=sorted(schema.fields))
            diags.error(doc.where(*path, key, key=True), "schema.unknown-key-in" if name else "schema.unknown-key",
                        key=key, name=name, hint=hint)
            continue
        qualified = f"{name}.{key}" if name else key
        cleaned[key] = validate(item, schema.fields[key], doc, diags, path + (key,), qualified)
    for key, spec in schema.fields.items():
        if key in cleaned:
            continue
        if spec.required:
            diags.error(doc.where(*path), "schema.missing-key-in" if name else "schema.missing-key", key=key,
                        name=name, hint=t("schema.add-key-explained", key=key, doc=spec.explain()) if spec.doc
                        else t("schema.add-key", key=key))
        cleaned[key] = spec.default() if callable(spec.default) else spec.default
    return cleaned


def _wrong_type(value, schema, doc, diags, path, label):
    shown = t("schema.nothing") if value is None else repr(value)
    hint = schema.explain()
    if schema.kind == "str" and isinstance(value, (list, dict)):
        hint = t("schema.hint-quote-value")
    elif schema.kind == "str" and isinstance(value, bool):
        hint = t("schema.hint-quote-yes-no")
    elif schema.kind == "bool":
        hint = t("schema.hint-true-false")
    elif schema.kind == "int":
        hint = t("schema.hint-whole-number-explained", doc=hint) if schema.doc else t("schema.hint-whole-number")
    diags.error(doc.where(*path), "schema.wrong-type", label=label, kind=schema.describe(), shown=shown, hint=hint)
    return schema.default() if callable(schema.default) else schema.default
