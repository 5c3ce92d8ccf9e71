"""Data files beside the Markdown: the department registry and numbered tables."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostics, Location, relpath, suggest
from .messages import t
from .schema import Dict, Int, List, Map, Str, validate
from .files import read_text, walk
from .yamldoc import parse_yaml
from .memo import NO_MEMO, Memo
from .sources import file_digest

REGISTRY_FILE = "_data/departments.yaml"
DATA_FOLDER = "_data"   # content/_data: the registry, people and the glossary
PEOPLE_FILE = "_data/people.yaml"
KINDS = ("leadership", "discipline", "judicial", "party", "government", "mass", "park", "hq",
         "enterprise", "vertical", "military", "street", "office")

DEPARTMENT_SCHEMA = Map({
    "id": Str("doc.registry.id", required=True),
    "name": Dict(Str(), "doc.registry.name", required=True),
    "aliases": List(Str(), "doc.registry.aliases", default=list),
    "kind": Str("doc.registry.kind", required=True, choices=KINDS),
    "order": Int("doc.registry.order", default=999),
    "notes": List(Str(), "doc.registry.notes", default=list),
})

def table_schema(languages) -> Map:
    """Schema of ID.table.yaml; column labels are keyed by the configured languages."""
    column = Map({"key": Str("doc.table.column.key", required=True)}
                 | {k: Str(t("doc.table.column.label", lang=k)) for k in languages})
    return Map({
    "number": Int("doc.table.number", required=True),
    "title": Dict(Str(), "doc.table.title", required=True),
    "columns": List(column, "doc.table.columns", required=True),
    "parts": List(Map({"label": Str("doc.table.parts.label", required=True),
                       "rows": Int("doc.table.parts.rows", required=True)}),
                  "doc.table.parts", default=list),
    "source": Dict(Str(), "doc.table.source", default=dict),
    "notes": List(Str(), "doc.table.notes", default=list),
    "chronology": Map({"date": Str("doc.table.chronology.date", required=True),
                       "text": Str("doc.table.chronology.text", required=True)},
                      "doc.table.chronology"),
    })


ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def row_ids(row: dict, column: str) -> list:
    """The registry ids in a task row's cell (`lead`, `responsible`: ids separated by ';')."""
    return [d.strip() for d in (row.get(column) or "").split(";") if d.strip()]


@dataclass
class Department:
    id: str
    name: dict
    aliases: list
    kind: str
    order: int
    notes: list
    where: Location


@dataclass
class Registry:
    departments: dict = field(default_factory=dict)   # id → Department
    by_name: dict = field(default_factory=dict)       # any printed name → id

    def get(self, dept_id: str) -> Department | None:
        return self.departments.get(dept_id)

    def check_ref(self, dept_id: str, where, diags: Diagnostics) -> bool:
        """Report an unknown department id with the nearest id (or the id of a name). `where`: a
        Location, or a function giving it (only called for a problem: positions are unpacked lazily)."""
        if dept_id in self.departments:
            return True
        where = where() if callable(where) else where
        if dept_id in self.by_name:
            hint = t("input.hint-name-not-id", name=dept_id, id=self.by_name[dept_id])
        else:
            hint = suggest(dept_id, self.departments) or t("input.hint-add-to-registry", file=f"content/{REGISTRY_FILE}")
        diags.error(where, "input.unknown-department-id", id=dept_id, hint=hint)
        return False


def load_registry(config: Config, diags: Diagnostics) -> Registry:
    """Read content/_data/departments.yaml (an empty registry when absent)."""
    registry = Registry()
    path = config.content_dir / REGISTRY_FILE
    if not path.exists():
        return registry
    file = relpath(path, config.root)
    text = read_text(path, config.root, diags)
    doc = parse_yaml(text, file, diags) if text is not None else None
    if doc is None:
        return registry
    records = validate(doc.data, List(DEPARTMENT_SCHEMA), doc, diags, name="departments")
    for index, record in enumerate(records or []):
        if not record or not record.get("id") or not record.get("name"):
            continue   # reported by the schema
        where = doc.where(index, "id")
        dept_id = record["id"]
        if not re.match(ID_PATTERN, dept_id):
            diags.error(where, "input.department-id-format", id=dept_id)
        if dept_id in registry.departments:
            diags.error(where, "input.duplicate-department-id", id=dept_id, related=[registry.departments[dept_id].where])
            continue
        missing = [lang for lang in config.language_keys if lang not in record["name"]]
        if missing:
            diags.error(doc.where(index, "name"), "input.department-name-missing", id=dept_id, languages=missing,
                        language=missing[0])
        department = Department(dept_id, record["name"], record["aliases"], record["kind"], record["order"],
                                record["notes"], where)
        registry.departments[dept_id] = department
        for printed in [*record["name"].values(), *record["aliases"]]:
            other = registry.by_name.get(printed)
            if other and other != dept_id:
                diags.error(where, "input.name-of-two-departments", name=printed, id=dept_id, other=other)
            registry.by_name.setdefault(printed, dept_id)
    return registry


PERSON_SCHEMA = Map({
    "zh": Str("doc.people.zh", required=True),
    "en": Str("doc.people.en", required=True),
})


PLACEHOLDER_NAMES = {"署名"}   # the example byline that `build.py new section` writes


@dataclass
class People:
    """How the other languages write the people the content names (bylines, task leaders)."""

    names: dict = field(default_factory=dict)   # printed name → {lang: written form}
    file: str = f"content/{PEOPLE_FILE}"

    def name(self, printed: str, lang: str) -> str | None:
        """`printed` as `lang` writes it; None when the list does not have it."""
        return (self.names.get(printed) or {}).get(lang)

    def check(self, printed: str, where, diags: Diagnostics, languages: list) -> None:
        """Warn when a name used in the content has no form in a translation language. `where`:
        a Location, or a function giving it (as in Registry.check_ref)."""
        if printed in PLACEHOLDER_NAMES:
            return   # `new`'s example byline, not a person (placeholders get their own check: issue 17)
        missing = [lang for lang in languages if self.name(printed, lang) is None]
        if missing:
            diags.warning(where() if callable(where) else where, "input.person-name-missing", languages="/".join(missing), name=printed,
                          language=missing[0], file=self.file)


def load_people(config: Config, diags: Diagnostics) -> People:
    """Read content/_data/people.yaml (an empty list when absent)."""
    path = config.content_dir / PEOPLE_FILE
    people = People(file=relpath(path, config.root))
    if not path.exists():
        return people
    text = read_text(path, config.root, diags)
    doc = parse_yaml(text, people.file, diags) if text is not None else None
    if doc is None:
        return people
    for index, record in enumerate(validate(doc.data, List(PERSON_SCHEMA), doc, diags, name="people") or []):
        if not record or not record.get("zh"):
            continue
        if record["zh"] in people.names:
            diags.error(doc.where(index, "zh"), "input.person-listed-twice", name=record["zh"])
        people.names[record["zh"]] = {"en": record["en"]}
    return people


@dataclass
class Table:
    """A numbered table: definition from ID.table.yaml, rows per language from ID.LANG.tsv."""

    id: str
    folder: Path
    file: str
    number: int
    title: dict
    columns: list          # [{key, <lang>: label}]
    parts: list
    source: dict
    notes: list
    rows: dict             # lang → list of dict rows
    chronology: dict | None = None   # {date: column key, text: column key}: rows are dated events


def load_tables(config: Config, diags: Diagnostics, memo: Memo = NO_MEMO) -> dict:
    """Every ID.table.yaml under content/, keyed by (folder, id). With a `memo` (serve, the build
    cache), a table none of whose files changed is not read again."""
    tables = {}
    for path in walk(config.content_dir, "*.table.yaml", config.root, diags):
        table_id = path.name[: -len(".table.yaml")]
        files = [path, *(path.parent / f"{table_id}.{lang}.tsv" for lang in config.language_keys)]
        version = (str(path), config.language_keys, config.default_language,
                   tuple(file_digest(file, memo) if file.is_file() else None for file in files))
        table = memo.get("table", version, lambda problems: _load_table(config, path, table_id, problems), diags)
        if table is not None:
            tables[(path.parent, table_id)] = table
    return tables


def _load_table(config: Config, path: Path, table_id: str, diags: Diagnostics) -> Table | None:
    """One table: its definition, and its rows in every language that has them."""
    file = relpath(path, config.root)
    errors_before = len(diags.errors)
    text = read_text(path, config.root, diags)
    doc = parse_yaml(text, file, diags) if text is not None else None
    if doc is None:
        return None
    raw = validate(doc.data, table_schema(config.language_keys), doc, diags)
    table = Table(table_id, path.parent, file, raw["number"], raw["title"] or {}, raw["columns"] or [],
                  raw["parts"], raw["source"], raw["notes"], {}, raw["chronology"])
    keys = [c["key"] for c in table.columns if c]
    if None in keys or len(diags.errors) > errors_before:
        return table   # the definition is broken (reported): its rows cannot be checked against it
    for role, column in (table.chronology or {}).items():
        if column is not None and column not in keys:
            diags.error(doc.where("chronology", role), "input.chronology-column-unknown", role=role, column=column,
                        hint=suggest(column, keys) or t("input.hint-use-column-keys", keys=keys))
            table.chronology = None
    for lang in config.language_keys:
        csv_path = path.parent / f"{table_id}.{lang}.tsv"
        if csv_path.exists():
            table.rows[lang] = read_rows(csv_path, keys, config.root, diags)
    if len(diags.errors) > errors_before:
        return table   # a rows file could not be read: counting its rows would only repeat that
    default_rows = table.rows.get(config.default_language)
    if default_rows is None:
        diags.error(Location(file), "input.table-rows-missing", id=table_id,
                    file=f"{table_id}.{config.default_language}.tsv")
    elif table.parts and sum(p["rows"] or 0 for p in table.parts) != len(default_rows):
        printed = " + ".join(f"{p['label']} {p['rows']}" for p in table.parts)
        diags.error(doc.where("parts"), "input.table-parts-do-not-add-up", parts=printed, rows=len(default_rows),
                    file=f"{table_id}.{config.default_language}.tsv")
    for lang, rows in table.rows.items():
        if default_rows is not None and lang != config.default_language and len(rows) != len(default_rows):
            diags.error(Location(relpath(path.parent / f"{table_id}.{lang}.tsv", config.root)),
                        "input.table-row-count-differs", rows=len(rows), language=config.default_language,
                        source_rows=len(default_rows))
    return table


def read_rows(path: Path, keys: list | None, root: Path, diags: Diagnostics) -> list:
    """Rows of a UTF-8 TSV file as dicts; the header must be exactly `keys` when given.

    Tab-separated, no quoting: cells never contain tabs or line breaks, and
    Chinese text is full of commas and ASCII quotes that CSV would mangle.
    """
    file = relpath(path, root)
    text = read_text(path, root, diags)
    if text is None:
        return []
    lines = text.split("\n")
    header = lines[0].rstrip("\r").split("\t") if lines and lines[0].strip() else None
    if header is None:
        diags.error(Location(file, 1, 1), "input.tsv-no-header")
        return []
    if keys is not None and header != keys:
        diags.error(Location(file, 1, 1), "input.tsv-columns-differ", header=str(header), keys=str(keys))
        return []
    rows = []
    for line_no, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        values = line.split("\t")
        if len(values) != len(header):
            diags.error(Location(file, line_no, 1), "input.tsv-cell-count", cells=len(values), expected=len(header))
            continue
        rows.append(dict(zip(header, values)) | {"_line": line_no})
    return rows
