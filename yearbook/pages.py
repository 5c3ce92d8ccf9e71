"""Page kinds: the front matter each one accepts, and the objects a build passes around."""
from __future__ import annotations

from dataclasses import dataclass, field

from .schema import Any, Dict, Int, List, Map, Str

PAGE_TYPES = ("home", "volume", "chapter", "section", "collection", "summary", "tasks", "article")

SOURCE = Map({
    "seed": Str("doc.source.seed"),
    "lines": Str("doc.source.lines"),
    "publication": Str("doc.source.publication"),
    "date": Str("doc.source.date"),
    "pages": List(Int(), "doc.source.pages"),
    "headline": Str("doc.source.headline"),
    "note": Str("doc.source.note"),
}, "doc.front-matter.source")

ENTRY_META = Map({
    "departments": List(Str(), "doc.entry.departments", default=list),
    "tags": List(Str(), "doc.entry.tags", default=list),
    "as_printed": Str("doc.entry.as_printed"),
})

AUTHOR_RUN = Map({
    "names": List(Str(), "doc.author-run.names", required=True),
    "from": Str("doc.author-run.from", required=True),
    "to": Str("doc.author-run.to"),
    "as_printed": Str("doc.author-run.as_printed"),
})

FIGURE = Map({
    "id": Str("doc.figure.id", required=True),
    "caption": Str("doc.figure.caption", required=True),
    "credit": Map({"department": Str("doc.figure.credit.department"),
                   "as_printed": Str("doc.figure.credit.as_printed")}, "doc.figure.credit"),
    "image": Str("doc.figure.image"),
    "topic": Str("doc.figure.topic"),
})

TRANSLATION = Map({
    "source_hash": Str("doc.translation.source_hash"),
    "status": Str("doc.translation.status", choices=("draft", "machine", "reviewed")),
}, "doc.front-matter.translation")

COMMON = {
    "type": Str("doc.front-matter.type", required=True, choices=PAGE_TYPES),
    "title": Str("doc.front-matter.title", required=True),
    "order": Int("doc.front-matter.order", default=0),
    "departments": List(Str(), "doc.front-matter.departments", default=list),
    "source": SOURCE,
    "notes": List(Str(), "doc.front-matter.notes", default=list),
    "tags": List(Str(), "doc.front-matter.tags", default=list),
    "description": Str("doc.front-matter.description"),
    "translation": TRANSLATION,
}

BY_TYPE = {
    "home": {},
    "volume": {
        "edition_year": Int("doc.volume.edition_year", required=True),
        "coverage_year": Int("doc.volume.coverage_year", required=True),
        "publisher": Str("doc.volume.publisher"),
    },
    "chapter": {},
    "section": {
        "authors": List(AUTHOR_RUN, "doc.section.authors", default=list),
        "figures": List(FIGURE, "doc.section.figures", default=list),
        "entries": Dict(ENTRY_META, "doc.section.entries", default=dict),
    },
    "collection": {},
    "summary": {
        "department": Str("doc.summary.department", required=True),
        "name_as_printed": Str("doc.summary.name_as_printed"),
    },
    "tasks": {
        "doc_kind": Str("doc.tasks.doc_kind", required=True, choices=("breakdown", "progress")),
        "issuer": Str("doc.tasks.issuer"),
        "report_year": Int("doc.tasks.report_year"),
        "period": Str("doc.tasks.period"),
        "columns": List(Map({"key": Str("doc.tasks.columns.key", required=True),
                             "label": Str("doc.tasks.columns.label", required=True)}),
                        "doc.tasks.columns", required=True),
        "rows": Str("doc.tasks.rows", required=True),
        "disclosure": Dict(Any(), "doc.tasks.disclosure", default=dict),
    },
    "article": {
        "kicker": Str("doc.article.kicker"),
        "subtitle": Str("doc.article.subtitle"),
        "date": Str("doc.article.date"),
        "entries": Dict(ENTRY_META, "doc.article.entries", default=dict),
    },
}

# The keys a translation may state differently; everything else is the source's.
PER_LANGUAGE_KEYS = {"title", "description", "notes", "kicker", "subtitle", "figures", "columns", "translation", "tags"}


def front_matter_schema(page_type: str) -> Map:
    return Map(COMMON | BY_TYPE.get(page_type, {}))


@dataclass
class Entry:
    """An entry (条目): a level-2 heading with an explicit id."""

    id: str
    title: str
    line: int
    meta: dict = field(default_factory=dict)
    lang: str | None = None   # set when shown in another language than the page's (untranslated)


@dataclass
class Node:
    """A page independent of language: its place in the tree."""

    key: str
    type: str
    order: int
    parent: str | None
    children: list = field(default_factory=list)
    volume: str | None = None
    meta: dict = field(default_factory=dict)      # default-language front matter (language-neutral fields)
    sources: dict = field(default_factory=dict)   # lang → Source
    generated: bool = False                       # made by the build (department pages, indexes), not written
    data: object = None                           # what the build computed for a generated page: its feature's
                                                  # own dataclass (departments.DepartmentData …), never front matter


@dataclass
class Page:
    """A page in one language: what gets rendered to one HTML file."""

    node: Node
    lang: str
    source: object            # the Source shown (this language's, or the default language's as a fallback)
    translated: bool          # this language has a file (at least the title is translated)
    meta: dict                # front matter merged: language-neutral from the source, per-language from this file
    url: str
    out_path: str             # relative to the output dir, e.g. zh/2022/gov/meetings/index.html
    body_html: str = ""
    entries: list = field(default_factory=list)
    anchors: set = field(default_factory=set)
    text_status: str = "source"   # source | translated | partial | missing (see translation.py)

    @property
    def key(self) -> str:
        return self.node.key

    @property
    def type(self) -> str:
        return self.node.type

    @property
    def title(self) -> str:
        return self.meta["title"]


# The example text `build.py new` writes (commands/scaffold.py), by language. `check` warns
# while any of it is still in a page (an error with --strict): it would be published.
EXAMPLE_TEXT = {
    "zh": {"entry_title": "条目标题", "entry_text": "条目正文。", "author": "署名", "text": "（此处写正文。）",
           "part_title": "第一部分标题", "task": "任务内容", "lead": "牵头单位", "no": "序号",
           "content": "主要工作内容"},
    "en": {"entry_title": "Entry title", "entry_text": "Entry text.", "author": "Author", "text": "(Write the text here.)",
           "part_title": "First part", "task": "Task", "lead": "Lead unit", "no": "No.", "content": "Task"},
}

