"""What a built page contains, as the search page means it: the truth that
tests/test_search.py and bench/search.py measure search against.

"Contains" mirrors static/search.js: the query is split into quoted phrases and
space-separated words (queryParts); a page matches when its text contains every
part, after NFKC folding, lower-casing and collapsing runs of white space.
"Indexed text" is the text inside <article data-pagefind-body>, without
elements marked data-pagefind-ignore (blocks shown in another language).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


def fold(text: str) -> str:
    """As search.js folds: NFKC, lower case, every run of white space one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower())


QUOTED = re.compile(r'["“”「」]([^"“”「」]+)["“”「」]')


def query_parts(query: str) -> list[str]:
    """As search.js's queryParts: quoted phrases, then the other words, folded."""
    parts: list[str] = []

    def phrase(match):
        parts.append(fold(match.group(1).strip()))
        return " "

    rest = QUOTED.sub(phrase, query)
    parts += [word for word in fold(rest).split(" ") if word]
    return [part for part in parts if part]


def contains(text: str, parts: list[str]) -> bool:
    folded = fold(text)
    return all(part in folded for part in parts)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Block boundaries become a space, as in Pagefind's content; inline tags join their text.
_BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
          "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "nav",
          "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
_HEADING = re.compile(r"h[1-6]")


@dataclass
class IndexedPage:
    text: str
    entries: dict = field(default_factory=dict)  # heading id → text from that heading to the next
    ids: set = field(default_factory=set)        # every id inside the body


class _IndexedText(HTMLParser):
    """The indexed text of a built page and its headings with an id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # elements open inside the body: (tag, ignored)
        self.ignored = 0
        self.seen_body = False
        self.done = False
        self.chunks: list[str] = []
        self.size = 0
        self.headings: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def _add(self, text: str) -> None:
        self.chunks.append(text)
        self.size += len(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if not self.open:
            if "data-pagefind-body" in attrs:
                self.seen_body = True
                self.open.append((tag, False))
            return
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in _VOID:
            if tag in _BLOCK and not self.ignored:
                self._add(" ")
            return
        ignored = "data-pagefind-ignore" in attrs
        self.open.append((tag, ignored))
        self.ignored += ignored
        if not self.ignored:
            if _HEADING.fullmatch(tag) and attrs.get("id"):
                self.headings.append((attrs["id"], self.size))
            if tag in _BLOCK:
                self._add(" ")

    def handle_endtag(self, tag):
        if not self.open or tag in _VOID:
            return
        while self.open:
            open_tag, ignored = self.open.pop()
            self.ignored -= ignored
            if open_tag == tag:
                break
        if not self.open:
            self.done = True
        elif tag in _BLOCK and not self.ignored:
            self._add(" ")

    def handle_data(self, data):
        if self.open and not self.ignored:
            self._add(data)


def indexed_page(path: Path) -> IndexedPage | None:
    parser = _IndexedText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    if not parser.seen_body:
        return None
    text = "".join(parser.chunks)
    cuts = parser.headings + [(None, len(text))]
    entries = {cut_id: text[at:cuts[i + 1][1]] for i, (cut_id, at) in enumerate(cuts[:-1])}
    return IndexedPage(text, entries, parser.ids)


def indexed_pages(public: Path) -> dict:
    """URL → indexed text of every searchable page of a built site (pages without
    data-pagefind-body are not)."""
    found = {}
    for path in sorted(public.rglob("index.html")):
        if path.relative_to(public).parts[0] in ("pagefind", "downloads", "static"):
            continue
        page = indexed_page(path)
        if page is not None:
            found["/" + path.parent.relative_to(public).as_posix() + "/"] = page
    return found
