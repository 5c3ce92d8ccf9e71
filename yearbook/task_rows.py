"""Task rows in every language.

A translation of a task table (rows.en.tsv) writes only what is prose: the
group heading, the work content, the progress text. The columns that name
people and bodies are derived from the source row, so each name is written
once: leaders from content/_data/people.yaml, lead and responsible units from
the registry's names, collective units (各街道 …) from the glossary. A column
the translation does write is kept as written.
"""
from __future__ import annotations

from .data import read_rows, row_ids
from .diagnostics import Diagnostics, Location, relpath, suggest
from .memo import NO_MEMO, Memo
from .messages import t
from .sources import file_digest

ROLE_COLUMNS = ("lead", "responsible")   # columns holding ;-separated registry ids
PRINTED = "_as_printed"                  # lead_as_printed: the units as printed
COLLECTIVE = "_collective"               # responsible_collective: 各街道 …, not bodies
LEADERS = "leaders"                      # ;-separated names of people


def split_names(cell: str) -> list:
    return [name.strip() for name in (cell or "").split(";") if name.strip()]


def load_task_rows(site, diags: Diagnostics, memo: Memo = NO_MEMO, checked_against: tuple = ()) -> None:
    """Rows of every tasks page (ROWS.LANG.tsv beside it) into site.task_rows, with the columns
    the page declares and the department ids of the source rows checked, and each translation's
    derived columns filled in (`complete_rows`). Needs site.people and site.glossary.

    With a `memo` (serve), a page whose files did not change keeps its rows: `checked_against`
    are the versions of what they are checked and completed with (registry, people, glossary)."""
    default = site.config.default_language
    for key in site.order:
        node = site.nodes[key]
        if node.type != "tasks":
            continue
        folder, stem = node.sources[default].folder, node.meta["rows"]
        files = [folder / f"{stem}.{lang}.tsv" for lang in site.config.language_keys]
        version = (key, node.sources[default].text_hash, checked_against,
                   tuple(file_digest(path, memo) if path.is_file() else None for path in files))
        site.task_rows.update(memo.get("task-rows", version, lambda problems: _rows_of(site, node, problems), diags))


def _rows_of(site, node, diags: Diagnostics) -> dict:
    """(key, lang) → rows of one tasks page, loaded and completed."""
    _load_rows(site, node, diags)
    complete_rows(site, node, diags)
    return {(node.key, lang): site.task_rows[(node.key, lang)] for lang in site.config.language_keys
            if (node.key, lang) in site.task_rows}


def _load_rows(site, node, diags: Diagnostics) -> None:
    default = site.config.default_language
    source = node.sources[default]
    stem = node.meta["rows"]
    keys = None
    for lang in site.config.language_keys:
        path = source.folder / f"{stem}.{lang}.tsv"
        if not path.exists():
            if lang == default:
                diags.error(source.front.where("rows"), "input.rows-file-missing", file=f"{stem}.{lang}.tsv")
            continue
        file = relpath(path, site.config.root)
        rows = read_rows(path, keys, site.config.root, diags)
        site.task_rows[(node.key, lang)] = rows
        if lang != default:
            continue
        columns = [c["key"] for c in node.meta["columns"] if c]
        for column in columns:
            if rows and column not in rows[0]:
                diags.error(source.front.where("columns"), "input.column-not-in-rows", column=column,
                            file=f"{stem}.{lang}.tsv", hint=suggest(column, [k for k in rows[0] if k != "_line"])
                            or t("input.hint-add-column"))
        for row in rows:
            for column in ("lead", "responsible"):
                for dept in filter(None, (row.get(column) or "").split(";")):
                    site.registry.check_ref(dept.strip(), Location(file, row["_line"], 1), diags)


def complete_rows(site, node, diags: Diagnostics) -> None:
    """Fill each translation's derived columns of a tasks page from the source rows; check that
    every row is translated once and every person and collective unit has a written form."""
    config = site.config
    default = config.default_language
    others = [lang for lang in config.language_keys if lang != default]
    key = node.key
    source_rows = site.task_rows.get((key, default))
    if source_rows:
        folder = node.sources[default].folder
        translated = [lang for lang in others if (key, lang) in site.task_rows]
        source_file = relpath(folder / f"{node.meta['rows']}.{default}.tsv", config.root)
        for row in source_rows:
            where = Location(source_file, row["_line"], 1)
            for name in split_names(row.get(LEADERS)):
                site.people.check(name, where, diags, translated)
        for lang in others:
            rows = site.task_rows.get((key, lang))
            if rows is None:
                continue
            file = relpath(folder / f"{node.meta['rows']}.{lang}.tsv", config.root)
            by_no = {row.get("no"): row for row in rows}
            numbers = [row.get("no") for row in source_rows]
            for row in rows:
                if row.get("no") not in numbers:
                    diags.error(Location(file, row["_line"], 1), "input.row-not-in-source", no=row.get("no"))
            for source_row in source_rows:
                row = by_no.get(source_row.get("no"))
                if row is None:
                    diags.error(Location(file), "input.row-not-translated", no=source_row.get("no"))
                    continue
                _derive(site, lang, source_row, row, Location(file, row["_line"], 1), diags)


def _derive(site, lang: str, source_row: dict, row: dict, where: Location, diags: Diagnostics) -> None:
    row["_written"] = [k for k in row if not k.startswith("_") and k != "no"]   # what the translator wrote
    if LEADERS in source_row and LEADERS not in row:
        names = [site.people.name(name, lang) or name for name in split_names(source_row[LEADERS])]
        row[LEADERS] = ", ".join(names)
    for role in ROLE_COLUMNS:
        column = role + PRINTED
        if column not in source_row or column in row:
            continue
        parts = []
        for dept_id in row_ids(source_row, role):
            dept = site.registry.get(dept_id)
            parts.append((dept.name.get(lang) or dept.name.get(site.config.default_language)) if dept else dept_id)
        for collective in split_names(source_row.get(role + COLLECTIVE)):
            written = (site.glossary.get(collective) or {}).get(lang)
            if written is None:
                diags.warning(where, "input.collective-unit-missing", unit=collective, language=lang,
                              file="content/_data/glossary.yaml")
            parts.append(written or collective)
        row[column] = ", ".join(parts)
