"""Page kinds: the front matter each one accepts, and the objects a build passes around."""
from __future__ import annotations

from dataclasses import dataclass, field

from .schema import Any, Dict, Int, List, Map, Str

PAGE_TYPES = ("home", "volume", "chapter", "section", "collection", "summary", "tasks", "article")

SOURCE = Map({
    "seed": Str("seed file stem the text comes from"),
    "lines": Str("line range in the seed, e.g. \"35-70\""),
    "publication": Str("newspaper or site that printed it"),
    "date": Str("publication date, YYYY-MM-DD"),
    "pages": List(Int(), "newspaper pages"),
    "headline": Str("headline of the printed feature"),
    "note": Str("anything else about the source"),
}, "provenance")

ENTRY_META = Map({
    "departments": List(Str(), "registry ids of the bodies the entry is about", default=list),
    "tags": List(Str(), "subject terms", default=list),
    "as_printed": Str("the name as printed above this part (articles)"),
})

AUTHOR_RUN = Map({
    "names": List(Str(), "author names, e.g. [於晓萍]", required=True),
    "from": Str("id of the first entry the attribution covers", required=True),
    "to": Str("id of the last entry it covers (default: from)"),
    "as_printed": Str("the byline exactly as printed, e.g. (汪 剑 朱丽娜)"),
})

FIGURE = Map({
    "id": Str("figure id, used in '::: figure ID'", required=True),
    "caption": Str("caption text", required=True),
    "credit": Map({"department": Str("registry id of the body that supplied it"),
                   "as_printed": Str("credit as printed, e.g. 区亚保办 供稿")}, "who supplied the photo"),
    "image": Str("image file relative to this page (optional: a caption may have no photo)"),
    "topic": Str("id of the entry the photo illustrates"),
})

TRANSLATION = Map({
    "source_hash": Str("hash of the source file this translation was made from"),
    "status": Str("translation state", choices=("draft", "machine", "reviewed")),
}, "translation status (translations only)")

COMMON = {
    "type": Str("page kind", required=True, choices=PAGE_TYPES),
    "title": Str("page title in this file's language", required=True),
    "order": Int("position among siblings", default=0),
    "departments": List(Str(), "registry ids of the bodies this page is about", default=list),
    "source": SOURCE,
    "notes": List(Str(), "oddities kept as printed", default=list),
    "tags": List(Str(), "subject terms", default=list),
    "description": Str("one-sentence summary for search engines and link previews"),
    "translation": TRANSLATION,
}

BY_TYPE = {
    "home": {},
    "volume": {
        "edition_year": Int("year on the cover, e.g. 2022", required=True),
        "coverage_year": Int("year the volume describes, e.g. 2021", required=True),
        "publisher": Str("publishing body"),
    },
    "chapter": {},
    "section": {
        "authors": List(AUTHOR_RUN, "attributions, each closing a run of entries", default=list),
        "figures": List(FIGURE, "photos and captions placed with '::: figure ID'", default=list),
        "entries": Dict(ENTRY_META, "metadata per entry id", default=dict),
    },
    "collection": {},
    "summary": {
        "department": Str("registry id of the body whose summary this is", required=True),
        "name_as_printed": Str("the body's name exactly as printed"),
    },
    "tasks": {
        "doc_kind": Str("breakdown (task list) or progress (progress report)", required=True,
                        choices=("breakdown", "progress")),
        "issuer": Str("registry id of the issuing body"),
        "report_year": Int("year of the government work report"),
        "period": Str("reporting period, e.g. 2022-Q3"),
        "columns": List(Map({"key": Str("CSV column key", required=True), "label": Str("column heading", required=True)}),
                        "columns shown, in order", required=True),
        "rows": Str("stem of the rows CSV: rows → rows.LANG.csv", required=True),
        "disclosure": Dict(Any(), "disclosure metadata as printed (index number, dates…)", default=dict),
    },
    "article": {
        "kicker": Str("line printed above the headline"),
        "subtitle": Str("line printed below the headline"),
        "date": Str("publication date, YYYY-MM-DD"),
        "entries": Dict(ENTRY_META, "metadata per part id", default=dict),
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

