"""Translations: what each language shows when its text is missing, and how
complete and current every translation is.

A page in a non-default language shows, in order of preference: its own text;
per entry, the source's text for entries it does not translate yet (marked
lang="zh-CN" and kept out of that language's search index); or the whole
source text when it has a title only or no file at all. A translation records
the hash of the source file it was made from (`translation.source_hash`); when
the source changes, the translation is reported as stale.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .diagnostics import Diagnostics, Location, relpath
from .markup import CJK, mark_foreign, split_entries, strip_tags
from .memo import NO_MEMO, Memo
from .messages import Text, t
from .pages import Entry, Page


PROSE_COLUMNS = ("group", "content", "progress")   # task-row cells a translation writes

# text_status values
SOURCE, TRANSLATED, PARTIAL, MISSING = "source", "translated", "partial", "missing"




def apply_fallback(page: Page, own_html: str, origin_html: str, origin_entries: list, source_lang_code: str) -> None:
    """Fill a translated page's gaps with the source text, marked as such."""
    if not page.source.body.strip() and origin_html.strip():
        page.text_status = MISSING
        page.body_html = mark_foreign(origin_html, source_lang_code)
        page.entries = [Entry(e.id, e.title, e.line, e.meta, source_lang_code) for e in origin_entries]
        return
    own_ids = {e.id for e in page.entries}
    missing = [e for e in origin_entries if e.id not in own_ids]
    if not missing:
        page.text_status = TRANSLATED
        return
    preamble, own_chunks = split_entries(own_html)
    origin_preamble, origin_chunks = split_entries(origin_html)
    if not preamble.strip() and origin_preamble.strip():
        preamble = mark_foreign(origin_preamble, source_lang_code)
    own_by_id = {e.id: e for e in page.entries}
    parts, entries = [preamble], []
    for entry in origin_entries:
        if entry.id in own_by_id:
            parts.append(own_chunks.get(entry.id, ""))
            entries.append(own_by_id[entry.id])
        else:
            parts.append(mark_foreign(origin_chunks.get(entry.id, ""), source_lang_code))
            entries.append(Entry(entry.id, entry.title, entry.line, entry.meta, source_lang_code))
    page.text_status = PARTIAL
    page.body_html = "".join(parts)
    page.entries = entries




def is_stale(page: Page, source_hash: str) -> bool:
    recorded = (page.meta.get("translation") or {}).get("source_hash")
    return page.text_status in (TRANSLATED, PARTIAL) and recorded != source_hash


@dataclass
class Coverage:
    """Entries and characters of source text, and how much of it a language translates."""

    entries: int = 0
    entries_done: int = 0
    chars: int = 0
    chars_done: int = 0
    missing: list = field(default_factory=list)   # (file, what: Text)
    stale: list = field(default_factory=list)     # (file, recorded hash or "", current hash)

    def add(self, other: "Coverage") -> None:
        self.entries += other.entries
        self.entries_done += other.entries_done
        self.chars += other.chars
        self.chars_done += other.chars_done
        self.missing += other.missing
        self.stale += other.stale

    def percent(self) -> str:
        return f"{100 * self.chars_done / self.chars:.0f}%" if self.chars else "—"


def page_coverage(page: Page, origin: Page, origin_source) -> Coverage:
    """How much of `origin`'s text `page` translates (characters counted in the source)."""
    chunks = split_entries(origin.body_html)[1]
    sizes = {e.id: len(CJK.findall(strip_tags(chunks.get(e.id, "")))) for e in origin.entries}
    total = len(CJK.findall(strip_tags(origin.body_html))) + len(CJK.findall(origin.title))
    done_ids = {e.id for e in page.entries if e.lang is None}
    coverage = Coverage(entries=len(origin.entries), chars=total)
    file = page.source.file if page.translated else origin_source.file.replace(f".{origin.lang}.md", f".{page.lang}.md")
    if page.text_status == TRANSLATED:
        coverage.entries_done, coverage.chars_done = len(origin.entries), total
    elif page.text_status == PARTIAL:
        coverage.entries_done = len(done_ids)
        coverage.chars_done = total - sum(size for ident, size in sizes.items() if ident not in done_ids)
        coverage.missing.append((file, t("content.coverage-missing-entries",
                                         ids=[e.id for e in origin.entries if e.id not in done_ids])))
    else:
        coverage.chars_done = len(CJK.findall(origin.title)) if page.translated else 0
        coverage.missing.append((file, t("content.coverage-title-only" if page.translated else "content.coverage-no-file")))
    if is_stale(page, origin_source.text_hash):
        recorded = (page.meta.get("translation") or {}).get("source_hash") or ""
        coverage.stale.append((file, recorded, origin_source.text_hash))
    return coverage


def rows_coverage(site, key: str, lang: str) -> Coverage:
    """Coverage of a task table's rows: the prose cells (group, content, progress) a
    translation writes; names of people and bodies are derived and not counted."""
    default = site.config.default_language
    source_rows = site.task_rows.get((key, default)) or []
    if not source_rows:
        return Coverage()
    own = {row.get("no"): row for row in site.task_rows.get((key, lang)) or []}
    coverage = Coverage()
    untranslated = []
    for row in source_rows:
        mine = own.get(row.get("no")) or {}
        for column in PROSE_COLUMNS:
            size = len(CJK.findall(row.get(column) or ""))
            coverage.chars += size
            if mine.get(column):
                coverage.chars_done += size
            elif size:
                untranslated.append(row.get("no"))
    if untranslated:
        node = site.nodes[key]
        file = relpath(node.sources[default].folder / f"{node.meta['rows']}.{lang}.tsv", site.config.root)
        rows = list(dict.fromkeys(untranslated))
        coverage.missing.append((file, t("content.coverage-rows-untranslated", count=len(rows), first=rows[0])))
    return coverage


def entry_coverage(page: Page, origin: Page, entry_id: str) -> Coverage:
    """Coverage of one entry (articles attribute their parts to different departments)."""
    chars = len(CJK.findall(strip_tags(split_entries(origin.body_html)[1].get(entry_id, ""))))
    done = any(e.id == entry_id and e.lang is None for e in page.entries)
    return Coverage(entries=1, entries_done=int(done), chars=chars, chars_done=chars if done else 0)


@dataclass
class Unit:
    """One piece of translated text beside its source: an entry, a paragraph of a page
    without entries, a title, a task-table cell, a table row. The checks of
    translations (glossary, numbers) compare these."""

    where: object      # Location in the translation's file
    label: Text        # "entry 'fire-02'", "paragraph 3", "row 17 (content)" … (content.unit-*)
    source: str        # plain text
    text: str


def paragraphs(body: str, first_line: int) -> list:
    """(line, text) of each paragraph of Markdown without entries (blank-line separated)."""
    out, block, start = [], [], 0
    for number, line in enumerate(body.split("\n") + [""], start=first_line):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            text = " ".join(block)
            if not text.startswith((":::", "{#", "<!--")):
                out.append((start, text))
            block = []
    return out


def entry_texts(html: str) -> dict:
    """Entry id → its plain text, of a page's body HTML."""
    return {entry_id: strip_tags(chunk) for entry_id, chunk in split_entries(html)[1].items()}


def _text_units(page, origin, memo: Memo) -> list:
    """The units of a translated page's title and text (entries, else paragraphs)."""
    units = []
    front = page.source.front
    units.append(Unit(front.where("title"), t("content.unit-title"), origin.title, page.title))
    if page.text_status in (TRANSLATED, PARTIAL):
        own = memo.get("entry-texts", page.body_html, lambda _: entry_texts(page.body_html), None)
        source_chunks = memo.get("entry-texts", origin.body_html, lambda _: entry_texts(origin.body_html), None)
        if source_chunks:
            for entry in page.entries:
                if entry.lang is None and entry.id in source_chunks and entry.id in own:
                    units.append(Unit(Location(page.source.file, entry.line, 1), t("content.unit-entry", id=entry.id),
                                      source_chunks[entry.id], own[entry.id]))
        else:
            mine = paragraphs(page.source.body, page.source.body_line)
            theirs = paragraphs(origin.source.body, origin.source.body_line)
            if len(mine) == len(theirs):
                for number, ((line, text), (_, source)) in enumerate(zip(mine, theirs), start=1):
                    units.append(Unit(Location(page.source.file, line, 1), t("content.unit-paragraph", number=number),
                                      source, text))
            else:
                units.append(Unit(Location(page.source.file, page.source.body_line, 1), t("content.unit-text"),
                                  " ".join(text for _, text in theirs), " ".join(text for _, text in mine)))
    return units


def translated_units(site, lang: str, memo: Memo = NO_MEMO) -> list:
    """Every unit of `lang`'s own text with the source text it translates, in groups:
    [(version, units)]. A page's title and text units follow from its two source files
    alone, and `version` says which (with a `memo`, serve keeps them, and the outcome
    of their checks); task cells and table rows come with version None."""
    config = site.config
    default = config.default_language
    groups = []
    for key in site.authored():
        page, origin = site.pages[(key, lang)], site.pages[(key, default)]
        if not page.translated:
            continue
        version = (page.source.file, page.source.text_hash, origin.source.text_hash, page.text_status)
        groups.append((version, memo.get("units", version, lambda _: _text_units(page, origin, memo), None)))
        rows = site.task_rows.get((key, lang)) or []
        units = []
        groups.append((None, units))
        source_rows = {row.get("no"): row for row in site.task_rows.get((key, default)) or []} if rows else {}
        file = relpath(page.source.folder / f"{page.node.meta['rows']}.{lang}.tsv", config.root) if rows else ""
        for row in rows:
            source_row = source_rows.get(row.get("no"))
            if source_row is None:
                continue
            for column in row.get("_written", []):
                units.append(Unit(Location(file, row["_line"], 1), t("content.unit-task-cell", no=row.get("no"), column=column),
                                  source_row.get(column, ""), row.get(column, "")))
    units = []
    groups.append((None, units))
    for (folder, ident), table in sorted(site.tables.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        rows, source_rows = table.rows.get(lang), table.rows.get(default)
        if not rows or not source_rows:
            continue
        file = relpath(folder / f"{ident}.{lang}.tsv", config.root)
        for number, (row, source_row) in enumerate(zip(rows, source_rows), start=1):
            cells = [k for k in row if k != "_line"]
            units.append(Unit(Location(file, row["_line"], 1), t("content.unit-table-row", id=ident, number=number),
                              " ".join(source_row.get(k, "") for k in cells), " ".join(row.get(k, "") for k in cells)))
    return [(version, units) for version, units in groups if units]


def check_notes(site, lang: str, diags) -> None:
    """Editorial notes are per language: a translation states as many as its source."""
    default = site.config.default_language
    for key in site.authored():
        page, origin = site.pages[(key, lang)], site.pages[(key, default)]
        if not page.translated:
            continue
        theirs = origin.source.front.data.get("notes") or []
        mine = page.source.front.data.get("notes") or []
        if len(theirs) != len(mine):
            where = page.source.front.where("notes") if mine else Location(page.source.file, 1, 1)
            diags.warning(where, "content.notes-count", here=len(mine), there=len(theirs), source=origin.source.file)


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, counting Chinese characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)




def coverage_report(site, lang: str) -> str:
    """Translation coverage of one language: per volume and part, per department, then what is missing or stale."""
    config = site.config
    default = config.default_language
    per_page = {}
    for key in site.authored():
        origin = site.pages[(key, default)]
        per_page[key] = page_coverage(site.pages[(key, lang)], origin, origin.source)
        per_page[key].add(rows_coverage(site, key, lang))

    def total(keys) -> Coverage:
        result = Coverage()
        for key in keys:
            result.add(per_page[key])
        return result

    def line(indent: int, label, cov: Coverage) -> str:
        entries = t("content.coverage-entries", done=cov.entries_done, total=cov.entries) if cov.entries else ""
        label = pad("  " * indent + str(label), 52)
        return t("content.coverage-line", label=label, percent=cov.percent(), done=cov.chars_done, total=cov.chars,
                 entries=entries).render().rstrip()

    def subtree(key) -> list:
        keys, stack = [], [key]
        while stack:
            current = stack.pop()
            if not site.nodes[current].generated:
                keys.append(current)
            stack.extend(site.nodes[current].children)
        return keys

    name = config.language(lang).name
    out = [str(t("content.coverage-title", name=name, lang=lang)), ""]
    out.append(line(0, t("content.coverage-whole-site"), total(site.authored())))
    for volume in site.volumes():
        out.append(line(1, f"{volume.key} {volume.meta['title']}", total(subtree(volume.key))))
        for child in site.children(volume):
            out.append(line(2, f"{child.key.rsplit('/', 1)[-1]} {child.meta['title']}", total(subtree(child.key))))
    by_dept: dict = {}  # department → Coverage of its pages and of entries attributed to it
    for key in site.authored():
        meta = site.nodes[key].meta
        for dept in set(meta.get("departments") or []) | ({meta["department"]} if meta.get("department") else set()):
            by_dept.setdefault(dept, Coverage()).add(per_page[key])
        for entry_id, entry_meta in (meta.get("entries") or {}).items():
            for dept in (entry_meta or {}).get("departments") or []:
                cov = entry_coverage(site.pages[(key, lang)], site.pages[(key, default)], entry_id)
                by_dept.setdefault(dept, Coverage()).add(cov)
    if by_dept:
        out += ["", str(t("content.coverage-by-department"))]
        for dept in sorted(by_dept, key=lambda d: (site.registry.get(d).order if site.registry.get(d) else 999, d)):
            record = site.registry.get(dept)
            label = f"{dept} {record.name.get(default, '') if record else ''}"
            out.append(line(1, label, by_dept[dept]))
    everything = total(site.authored())
    notes = Diagnostics()   # editorial notes are per language: listed here until every one is translated
    check_notes(site, lang, notes)
    out += ["", str(t("content.coverage-notes", count=len(notes.warnings)))] + [
        "  " + str(t("content.coverage-item", file=str(d.where), what=d.message)) for d in notes.warnings]
    out += ["", str(t("content.coverage-missing", count=len(everything.missing)))] + [
        "  " + str(t("content.coverage-item", file=file, what=what))
        for file, what in sorted(everything.missing, key=lambda item: (item[0], str(item[1])))]
    out += ["", str(t("content.coverage-stale", count=len(everything.stale)))] + [
        "  " + str(t("content.coverage-stale-item", file=file, old=old, new=new) if old
                   else t("content.coverage-stale-unrecorded", file=file, new=new))
        for file, old, new in sorted(everything.stale)]
    return "\n".join(out) + "\n"


def coverage_summary(site) -> str:
    """One line per language for the check summary."""
    default = site.config.default_language
    parts = []
    for lang in site.config.language_keys:
        if lang == default:
            continue
        cov = Coverage()
        for key in site.authored():
            origin = site.pages[(key, default)]
            cov.add(page_coverage(site.pages[(key, lang)], origin, origin.source))
            cov.add(rows_coverage(site, key, lang))
        # a task table's rows file belongs to its page (index.LANG.md in the same folder)
        pages = {file.rsplit("/", 1)[0] if file.endswith(".tsv") else file.removesuffix(f"/index.{lang}.md")
                 for file, _ in cov.missing}
        parts.append(str(t("content.coverage-summary", lang=lang, percent=cov.percent(), incomplete=len(pages),
                           stale=len(cov.stale))))
    return str(t("content.coverage-summary-separator")).join(parts)
