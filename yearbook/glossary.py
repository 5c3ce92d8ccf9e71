"""The bilingual glossary (content/_data/glossary.yaml plus the department
registry's names) and the check that English text uses it.

Matching is per unit of text (an entry; a paragraph of a page without
entries; a title; a task-table cell; a table row): when the Chinese contains a
term or a body's name, the same unit in English should contain the
glossary's English form. Titles of documents (《…》) are skipped: a body's name inside a title
(《拱墅区政府投资项目管理办法》) is not a reference to the body.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .diagnostics import Diagnostics, relpath
from .messages import Text, t
from .schema import List, Map, Str, validate
from .memo import NO_MEMO, Memo
from .files import read_text
from .yamldoc import parse_yaml

GLOSSARY_FILE = "_data/glossary.yaml"
TERM = Map({"zh": Str("content.doc.glossary.zh", required=True), "en": Str("content.doc.glossary.en", required=True),
            "note": Str("content.doc.glossary.note"),
            "scope": Str("content.doc.glossary.scope", choices=("everywhere", "task-units", "title"))})
DOCUMENT_TITLE = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class Term:
    source: str      # as printed in the source language
    english: str
    origin: str      # "glossary" or a department id
    scope: str = "everywhere"   # "task-units": not enforced in prose; "title": only as a whole title


def load_glossary(site, diags: Diagnostics) -> list:
    """Terms from glossary.yaml and every department name, longest first."""
    config = site.config
    terms = []
    path = config.content_dir / GLOSSARY_FILE
    if path.exists():
        text = read_text(path, config.root, diags)
        doc = parse_yaml(text, relpath(path, config.root), diags) if text is not None else None
        if doc is not None:
            for record in validate(doc.data, List(TERM), doc, diags, name="glossary") or []:
                if record and record["zh"] and record["en"]:
                    terms.append(Term(record["zh"], record["en"], "glossary", record.get("scope") or "everywhere"))
    for dept in site.registry.departments.values():
        english = dept.name.get("en")
        if english:
            for printed in [dept.name.get(config.default_language, ""), *dept.aliases]:
                if printed:
                    terms.append(Term(printed, english, dept.id))
    return sorted(terms, key=lambda term: (-len(term.source), term.source))


def check_terms(units: list, terms: list, diags: Diagnostics, memo: Memo = NO_MEMO, version: str = "") -> None:
    """Warn where English text does not use the glossary form of a term its source uses:
    per entry, per paragraph of a page without entries, per title and per table cell
    (`units`: translation.translated_units). A memo (serve) keeps each pair's outcome.
    `version`: glossary_version(terms), when the caller has it (it costs a pass over the glossary)."""
    glossary = tuple(terms)
    version = version or glossary_version(terms)
    for unit in units:
        for term in memo.get("terms", (version, unit.source, unit.text),
                             lambda _: terms_not_used(glossary, unit.source, unit.text), None):
            code = "content.glossary-body-differs" if term.origin != "glossary" else "content.glossary-term-differs"
            diags.warning(unit.where, code, label=unit.label, term=term.source, english=term.english,
                          glossary=_where(term))


def glossary_version(terms: list) -> str:
    """A digest of the terms, for memo keys (a tuple of terms would be hashed at every lookup)."""
    return hashlib.sha1(repr(tuple(terms)).encode()).hexdigest()


def terms_not_used(terms: tuple, source: str, text: str) -> list:
    """The terms `source` uses whose glossary form `text` lacks."""
    source_text = DOCUMENT_TITLE.sub("", source)
    english = _fold(text)
    missing = []
    for term in terms:
        if term.source not in source_text or term.scope == "task-units" \
                or (term.scope == "title" and source != term.source):
            continue
        source_text = source_text.replace(term.source, "\0")  # a longer name hides its parts
        if _fold(term.english) not in english:
            missing.append(term)
    return missing


def _fold(text: str) -> str:
    return re.sub(r"[\"“”'‘’*]", "", text).lower()


def _where(term: Term) -> Text | str:
    return f"content/{GLOSSARY_FILE}" if term.origin == "glossary" else t("content.glossary-in-registry", id=term.origin)
