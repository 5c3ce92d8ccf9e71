"""Department pages: a directory of every body in the registry, and one page per
body gathering what the yearbook says about it, across all documents and volumes.

What a page gathers is found once per build (`add_department_pages`, in the
"generate" step) and kept, language-neutral, in the generated node's meta; the
views below only resolve titles and URLs in the page's language. The task
table view (rows linked to their departments, with the data the on-page filter
needs) lives here too: it is about the same links.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup, escape

from .data import KINDS, Department, row_ids
from .diagnostics import Diagnostics
from .messages import t as _t
from .links import DIRECTORY, department_key, page_link
from .markup import find_figure
from .site import Site, add_generated_page, generated_key_clash
from .task_rows import ROLE_COLUMNS

if TYPE_CHECKING:
    from .pages import Page

DEPARTMENT_TYPE = "department"
WORK_TEXT_COLUMNS = ("content", "progress")   # task-table columns of work text (others name people and units)
DIRECTORY_TYPE = "departments"

# Kinds of item a department page gathers, in the order the page shows them.
SUMMARY, PAGE, ENTRY, PART, FIGURE, TASK_LEAD, TASK_SHARED, ISSUED = (
    "summary", "page", "entry", "part", "figure", "lead", "responsible", "issued")


class Item(NamedTuple):
    """One thing a department page links to: `anchor` within page `key` ("" = the page).
    (A tuple: a build gathers tens of thousands, and hashes and compares each.)"""

    kind: str
    key: str
    anchor: str = ""
    printed: str = ""    # the body's name as printed there, when the source records it


@dataclass(frozen=True)
class DirectoryData:
    """The directory page's build result: every body's items, and task rows by anchor."""

    gathered: dict    # registry id → [Item]
    task_rows: dict   # (tasks page key, lang) → ({anchor: row}, shown in the source language)

    def shows(self) -> None:
        """The whole site: each body's count comes from every page's front matter (incremental.py)."""
        return None


@dataclass(frozen=True)
class DepartmentData:
    """A department page's build result: the body, and everything the yearbook says about it."""

    department_id: str
    items: list       # [Item], in reading order

    def shows(self) -> set:
        """The pages whose titles, entries, captions or task rows this page shows (with their
        parents' titles): serve renders it again when one of them changes (incremental.py)."""
        return {item.key for item in self.items}


def row_anchor(row: dict) -> str:
    """The id of a task row's heading (templates/tasks.html): r001, r042 …"""
    try:
        return f"r{int(row.get('no') or 0):03d}"
    except ValueError:
        return ""


# --- gathering (once per build) ------------------------------------------------

def gather(site: Site) -> dict:
    """Registry id → [Item], in reading order, for every body in the registry."""
    default = site.config.default_language
    found: dict = {dept_id: {} for dept_id in site.registry.departments}   # id → {Item: None}: ordered, no repeats

    def add(dept_id: str, item: Item) -> None:
        if dept_id in found:
            found[dept_id][item] = None

    for key in site.authored():
        node = site.nodes[key]
        meta = node.meta
        if node.type == "summary" and meta.get("department"):
            add(meta["department"], Item(SUMMARY, key, printed=meta.get("name_as_printed") or ""))
        for dept_id in meta.get("departments") or []:
            add(dept_id, Item(PAGE, key))
        if node.type == "tasks" and meta.get("issuer"):
            add(meta["issuer"], Item(ISSUED, key))
        for entry_id, entry_meta in (meta.get("entries") or {}).items():
            entry_meta = entry_meta or {}
            kind = PART if node.type == "article" else ENTRY
            for dept_id in entry_meta.get("departments") or []:
                add(dept_id, Item(kind, key, entry_id, entry_meta.get("as_printed") or ""))
        for figure in meta.get("figures") or []:
            credit = (figure or {}).get("credit") or {}
            if credit.get("department"):
                add(credit["department"], Item(FIGURE, key, figure["id"], credit.get("as_printed") or ""))
        for row in site.task_rows.get((key, default)) or []:
            anchor = row_anchor(row)
            if not anchor:
                continue
            for column, kind in zip(ROLE_COLUMNS, (TASK_LEAD, TASK_SHARED)):
                for dept_id in row_ids(row, column):
                    add(dept_id, Item(kind, key, anchor, row.get(f"{column}_as_printed") or ""))
    return {dept_id: list(items) for dept_id, items in found.items()}


def add_department_pages(site: Site, strings: dict, diags: Diagnostics) -> None:
    """/LANG/departments/ (every body, by kind) and /LANG/departments/ID/ for every body."""
    registry = site.registry
    if not registry.departments:
        return
    if generated_key_clash(site, DIRECTORY, _t("content.generated-department-directory"), diags):
        return
    clashes = [d for d in registry.departments
               if generated_key_clash(site, department_key(d), _t("content.generated-department-page"), diags)]
    if clashes:
        return
    languages = site.config.language_keys
    default = site.config.default_language
    gathered = gather(site)
    # Rows of every task table by anchor, per language (the source's where a language has none).
    task_rows = {}
    for key in site.authored():
        if site.nodes[key].type == "tasks":
            for lang in languages:
                own = site.task_rows.get((key, lang))
                rows = own if own is not None else site.task_rows.get((key, default)) or []
                task_rows[(key, lang)] = ({row_anchor(r): r for r in rows}, own is None)
    add_generated_page(site, DIRECTORY, DIRECTORY_TYPE, "", {lang: strings[lang]["departments_title"] for lang in languages},
                       order=10**6, in_tree=False, data=DirectoryData(gathered, task_rows))
    for dept in sorted(registry.departments.values(), key=sort_key):
        titles = {lang: dept.name.get(lang) or dept.name.get(default) or dept.id for lang in languages}
        add_generated_page(site, department_key(dept.id), DEPARTMENT_TYPE, DIRECTORY, titles, order=dept.order,
                           in_tree=False, data=DepartmentData(dept.id, gathered[dept.id]))


def sort_key(dept: Department) -> tuple:
    """Directory order: kind (in KINDS order), then protocol order, then id."""
    return (KINDS.index(dept.kind) if dept.kind in KINDS else len(KINDS), dept.order, dept.id)


# --- names as printed ----------------------------------------------------------

def _names(dept: Department) -> list:
    return sorted({*dept.name.values(), *dept.aliases} - {""}, key=len, reverse=True)


def _name_pattern(names) -> str:
    """Any of `names`, longest first, across the spaces that stand for a line break in print
    (规划资源 拱墅分局: a name broken by the cell width)."""
    return "|".join(r"\s?".join(map(re.escape, _squeeze(name))) for name in sorted(names, key=len, reverse=True))


def printed_name(dept: Department, printed: str) -> str:
    """The form of `dept`'s name found in the printed text (longest first, line-break spaces
    dropped); "" when none is."""
    match = _names_regex(tuple(_names(dept))).search(printed) if printed else None
    return _squeeze(match.group(0)) if match else ""


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


@functools.lru_cache(maxsize=4096)
def _names_regex(names: tuple) -> re.Pattern:
    """_name_pattern compiled, once per set of names: a task table's rows name the same bodies
    again and again, and the re module's own cache (512 patterns, shared with everything else
    a worker matches) kept few of them (a task table page took 34 ms to render, most of it
    compiling these)."""
    return re.compile(_name_pattern(names))


def link_names(text: str, targets: list) -> Markup:
    """`text` escaped, with every printed name of the bodies in `targets` ([(Department, url)])
    made a link to its page. The printed text stays exactly as it is."""
    by_name = {}   # name without spaces → (id, url)
    for dept, url in targets:
        for name in _names(dept):
            by_name.setdefault(_squeeze(name), (dept.id, url))
    if not by_name or not text:
        return escape(text)
    pattern = _names_regex(tuple(by_name))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        dept_id, url = by_name[_squeeze(match.group(0))]
        out.append(Markup('<a href="{}" data-dept="{}">{}</a>').format(url, dept_id, match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


# --- views ---------------------------------------------------------------------

def _count_label(t: dict, count: int) -> str:
    if count == 0:
        return t["departments_count_none"]
    return (t["departments_count_one"] if count == 1 else t["departments_count"]).format(n=count)


def _other_code(site: Site, lang: str) -> str:
    """`lang=` value for source-language text on a page in `lang` ("" on the source language's pages)."""
    config = site.config
    return "" if lang == config.default_language else config.language(config.default_language).code


def directory_view(site: Site, strings: dict, page: "Page") -> dict:
    """Every body of the registry by kind, each with the number of things its page gathers."""
    lang = page.lang
    t = strings[lang]
    gathered = page.node.data.gathered
    default = site.config.default_language
    source_lang_code = _other_code(site, lang)
    groups: dict = {}
    for dept in sorted(site.registry.departments.values(), key=sort_key):
        target = site.page(department_key(dept.id), lang)
        count = len(gathered.get(dept.id, []))
        groups.setdefault(dept.kind, []).append({
            "id": dept.id, "name": target.title, "url": target.url, "count": count, "count_label": _count_label(t, count),
            # On other languages' pages, the name as printed too (readers meet it in the Chinese text).
            "source_name": dept.name.get(default, "") if source_lang_code else "", "source_lang": source_lang_code})
    kinds = [kind for kind in KINDS if kind in groups] + sorted(set(groups) - set(KINDS))
    return {"department_groups": [{"kind": kind, "id": f"kind-{kind}", "heading": t.get(f"dept_kind_{kind}", kind),
                                   "departments": groups[kind]} for kind in kinds],
            "departments_intro": t["departments_intro"].format(n=len(site.registry.departments))}


def department_view(site: Site, strings: dict, page: "Page") -> dict:
    """Everything the yearbook says about one body, grouped by volume when the site has several."""
    lang = page.lang
    t = strings[lang]
    config = site.config
    dept = site.registry.get(page.node.data.department_id)
    source_lang_code = _other_code(site, lang)
    items = page.node.data.items
    by_volume: dict = {}
    for item in items:
        by_volume.setdefault(site.nodes[item.key].volume, []).append(item)
    volume_order = [v.key for v in site.volumes()]
    several = len(volume_order) > 1
    volumes = []
    for volume_key in sorted(by_volume, key=lambda v: volume_order.index(v) if v in volume_order else len(volume_order)):
        heading = None
        if several:
            heading = _page_link(site, volume_key, lang) if volume_key else {"title": t["departments_elsewhere"], "url": "", "lang": ""}
        volumes.append({"heading": heading, "sections": _sections(site, strings, lang, dept, by_volume[volume_key])})
    english = config.language(lang).code.lower().startswith("en")   # registry notes are written in English
    return {
        "department": {
            "id": dept.id, "kind": t.get(f"dept_kind_{dept.kind}", dept.kind),
            "kind_url": f"{site.page(DIRECTORY, lang).url}#kind-{dept.kind}",
            "other_names": [{"name": name, "lang": config.language(code).code} for code, name in dept.name.items()
                            if code != lang and code in config.language_keys and name != page.title],
            "aliases": ("、" if not source_lang_code else ", ").join(dept.aliases), "aliases_lang": source_lang_code,
            "notes": dept.notes, "notes_lang": "" if english else "en",
            "count_label": _count_label(t, len(items))},
        "dept_volumes": volumes,
    }


def _printed_as(dept: Department, printed: str) -> str:
    """"Printed as" for a name printed alone (a summary's or an entry's): shown when it is
    not the body's registry name."""
    return "" if not printed or printed in dept.name.values() else printed


def _printed_within(dept: Department, printed: str, or_whole: bool = False) -> str:
    """"Printed as" for text naming several bodies (a task cell, a photo credit): the body's
    printed name found in it, when not its registry name; `or_whole`: the whole text when no
    name is found (a credit line)."""
    if not printed:
        return ""
    found = printed_name(dept, printed)
    if not found:
        return printed if or_whole else ""
    return "" if found in {_squeeze(name) for name in dept.name.values()} else found


def _page_link(site: Site, key: str, lang: str) -> dict:
    """The page's Link (links.py) as a dict, for items that add fields of their own."""
    return page_link(site, key, lang).with_()


def _context(site: Site, key: str, lang: str) -> list:
    """The part a page is in (its parent, unless that is the volume or the home page)."""
    parent = site.nodes[key].parent
    if not parent or site.nodes[parent].type in ("home", "volume"):
        return []
    return [_page_link(site, parent, lang)]


def _sections(site: Site, strings: dict, lang: str, dept: Department, items: list) -> list:
    """The sections of one volume's part of a department page. Every item is a link
    {title, url, lang} with `context` (the links it is shown within), `printed` and `entries`."""
    t = strings[lang]
    source_lang_code = _other_code(site, lang)

    def item_view(link: dict, context: list, printed: str = "", entries: list = ()) -> dict:
        return link | {"context": context, "printed": printed, "printed_lang": source_lang_code, "entries": list(entries)}

    def of_kind(kind: str) -> list:
        return [item for item in items if item.kind == kind]

    sections = []
    listed = [item_view(_page_link(site, i.key, lang), [], _printed_as(dept, i.printed)) for i in of_kind(SUMMARY)]
    sections.append({"id": "summaries", "heading": t["departments_summaries"], "items": listed})
    listed = []
    for i in of_kind(PAGE):   # pages about it (front matter), with their entries
        target = site.page(i.key, lang)
        entries = [{"title": e.title, "url": f"{target.url}#{e.id}", "lang": e.lang or ""} for e in target.entries]
        listed.append(item_view(_page_link(site, i.key, lang), _context(site, i.key, lang), entries=entries))
    sections.append({"id": "pages", "heading": t["departments_pages"], "items": listed})
    for kind, section_id in ((ENTRY, "entries"), (PART, "parts")):   # entry metadata; article parts it wrote
        listed = [item_view(_entry(site, lang, i), [_page_link(site, i.key, lang)], _printed_as(dept, i.printed))
                  for i in of_kind(kind)]
        sections.append({"id": section_id, "heading": t[f"departments_{section_id}"], "items": listed})
    listed = [item_view(_figure(site, lang, i), [_page_link(site, i.key, lang)], _printed_within(dept, i.printed, or_whole=True))
              for i in of_kind(FIGURE)]
    sections.append({"id": "figures", "heading": t["departments_figures"], "items": listed})
    sections.append({"id": "tasks", "heading": t["departments_tasks"], "items": _task_documents(site, t, lang, dept, items, item_view)})
    listed = [item_view(_page_link(site, i.key, lang), _context(site, i.key, lang)) for i in of_kind(ISSUED)]
    sections.append({"id": "issued", "heading": t["departments_issued"], "items": listed})
    return [section for section in sections if section["items"]]


def _task_documents(site: Site, t: dict, lang: str, dept: Department, items: list, item_view) -> list:
    """The task tables a body appears in: per document, the rows it leads and the rows it shares."""
    documents = []
    for key in dict.fromkeys(i.key for i in items if i.kind in (TASK_LEAD, TASK_SHARED)):
        roles = []
        for kind, heading in ((TASK_LEAD, t["departments_tasks_lead"]), (TASK_SHARED, t["departments_tasks_shared"])):
            rows = [_task_row(site, lang, dept, i) for i in items if i.key == key and i.kind == kind]
            if rows:
                roles.append({"kind": kind, "heading": heading.format(n=len(rows)), "rows": rows})
        # One printed form for every row (the usual case): say it once, for the document.
        forms = {row["printed"] for role in roles for row in role["rows"]}
        printed = forms.pop() if len(forms) == 1 else ""
        if printed:
            for role in roles:
                role["rows"] = [row | {"printed": ""} for row in role["rows"]]
        documents.append(item_view(_page_link(site, key, lang), _context(site, key, lang), printed) | {
            "roles": roles, "filter_url": f"{site.page(key, lang).url}?dept={dept.id}"})
    return documents


def _entry(site: Site, lang: str, item: Item) -> dict:
    target = site.page(item.key, lang)
    entry = next((e for e in target.entries if e.id == item.anchor), None)
    return {"title": entry.title if entry else item.anchor, "url": f"{target.url}#{item.anchor}",
            "lang": (entry.lang or "") if entry else ""}


def _figure(site: Site, lang: str, item: Item) -> dict:
    default = site.config.default_language
    target = site.page(item.key, lang)
    figure = find_figure(target.meta, item.anchor) or {}
    origin = find_figure(site.page(item.key, default).meta, item.anchor) or {}
    # A translation that leaves a caption out shows the source's caption: mark its language.
    untranslated = lang != default and figure.get("caption") == origin.get("caption")
    return {"title": figure.get("caption", item.anchor), "url": f"{target.url}#{item.anchor}",
            "lang": _other_code(site, lang) if untranslated else ""}


def _task_row(site: Site, lang: str, dept: Department, item: Item) -> dict:
    rows, fallback = site.nodes[DIRECTORY].data.task_rows[(item.key, lang)]
    row = rows.get(item.anchor, {})
    text_lang = _other_code(site, lang) if fallback else ""
    return {"no": row.get("no", item.anchor), "text": row.get("content", ""), "lang": text_lang,
            "url": f"{site.page(item.key, lang).url}#{item.anchor}",
            "printed": _printed_within(dept, item.printed), "printed_lang": _other_code(site, lang)}


def task_table_view(site: Site, strings: dict, page: "Page") -> dict:
    """A task table's rows in groups, department names linked, and what the filter needs:
    each row's department ids (data-departments) and the departments of the table with
    their row counts (one JSON attribute on the table, read by static/tasks.js)."""
    lang = page.lang
    t = strings[lang]
    config = site.config
    key = page.node.key
    own = site.task_rows.get((key, lang))
    rows = own if own is not None else site.task_rows.get((key, config.default_language)) or []
    default_rows = {row_anchor(r): r for r in site.task_rows.get((key, config.default_language)) or []}
    # The filter's text box looks in the work text (and the row number), not in the names of units.
    columns = [c | {"text": c["key"] in WORK_TEXT_COLUMNS} for c in page.meta.get("columns") or []
               if c and c["key"] != "group"]
    groups, counts = _task_groups(site, lang, rows, default_rows, columns)
    filter_data = {"departments": _filter_options(site, lang, counts), "strings": {
        "department": t["tasks_filter_department"], "all": t["tasks_filter_all"], "text": t["tasks_filter_text"],
        "count": t["tasks_filter_count"], "total": t["tasks_filter_total"], "legend": t["tasks_filter"]}}
    return {"task_columns": columns, "task_groups": groups,
            "task_row_level": 3 if any(group["label"] for group in groups) else 2,
            "task_rows_lang": "" if own is not None else _other_code(site, lang),
            "task_filter": json.dumps(filter_data, ensure_ascii=False, separators=(",", ":"))}


def _task_groups(site: Site, lang: str, rows: list, default_rows: dict, columns: list) -> tuple:
    """([{label, rows: [{anchor, departments, cells}]}] in printed groups, {department id: row count});
    names in the unit columns linked to the bodies' pages."""
    counts: dict = {}
    groups: list = []
    for row in rows:
        anchor = row_anchor(row)
        ids_row = default_rows.get(anchor, row)   # department ids are language-neutral: the source's
        ids = {column: row_ids(ids_row, column) for column in ROLE_COLUMNS}
        every = list(dict.fromkeys(ids["lead"] + ids["responsible"]))
        for dept_id in every:
            counts[dept_id] = counts.get(dept_id, 0) + 1
        cells = []
        for column in columns:
            value = row.get(column["key"], "")
            role = column["key"][: -len("_as_printed")] if column["key"].endswith("_as_printed") else None
            if role in ROLE_COLUMNS:
                value = link_names(value, [(site.registry.get(d), site.page(department_key(d), lang).url)
                                           for d in ids[role] if site.registry.get(d) and site.page(department_key(d), lang)])
            cells.append(value)
        label = row.get("group", "")
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "rows": []})
        groups[-1]["rows"].append({"anchor": anchor, "departments": " ".join(every), "cells": cells})
    return groups, counts


def _filter_options(site: Site, lang: str, counts: dict) -> list:
    """[id, name, rows] of the table's bodies in directory order: the filter's choices."""
    default = site.config.default_language
    return [[dept.id, dept.name.get(lang) or dept.name.get(default), counts[dept.id]]
            for dept in sorted((site.registry.get(d) for d in counts if site.registry.get(d)), key=sort_key)]


# Page views of this module's page kinds: view(site, strings, page) → template context (pipeline.VIEWS).
VIEWS = {DIRECTORY_TYPE: directory_view, DEPARTMENT_TYPE: department_view, "tasks": task_table_view}
