"""The HTML contract: what one module writes into HTML and another reads back.

Markdown rendering (markdown.py) writes placeholders and entry headings, the
translation step (translation.py) marks source-language text, the templates
mark the indexed article; rendering, the indexes, search and the coverage
report read them back. Both sides live here, so a change to one is a change to
the other, and tests/test_markup.py renders Markdown and checks every reader.
"""
from __future__ import annotations

import re

ID = r"[a-z0-9][a-z0-9-]*"            # ids of entries, tables, figures and departments
VALID_ID = re.compile(rf"^{ID}$")

# Chinese characters: CJK unified ideographs, extension A and compatibility ideographs
# (the same class as HAN in static/search.js).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
NOT_CJK = re.compile(f"[^{CJK_CHARS}]+")


def is_cjk_language(code: str) -> bool:
    """A language written in CJK characters (【entry】 brackets, character-pair search tokens)."""
    return code.lower().startswith(("zh", "ja"))


# --- Placeholders: where a table or figure goes in a page's Markdown HTML ----------

PLACEHOLDER_START = "<!--yb:"   # a cheap test before the regex
PLACEHOLDER = re.compile(rf"<!--yb:(table|figure):({ID})-->\n?")


def placeholder(kind: str, ident: str) -> str:
    """Written by the `::: table t04` / `::: figure p01` directives; filled in by render.py."""
    return f"<!--yb:{kind}:{ident}-->\n"


def placeholders(html: str) -> list:
    """(kind, id) of every placeholder, in order."""
    return [(match.group(1), match.group(2)) for match in PLACEHOLDER.finditer(html)]


# --- Links between pages: resolved to URLs when the linking page is rendered ------

SITE_LINK_PREFIX = "yb://"
SITE_LINK = re.compile(r'href="' + re.escape(SITE_LINK_PREFIX) + r'([^"#]*)#([^"]*)"')


def site_link(key: str, fragment: str) -> str:
    """The href markdown.py writes for `[..](meetings.md#id)`: a page key, resolved per language."""
    return f"{SITE_LINK_PREFIX}{key}#{fragment}"


# --- Entry headings: 【条目】 as <h2 id class="entry"> ------------------------------

ENTRY_START = re.compile(rf'<h2 id="({ID})" class="entry">')
_BEFORE_ENTRY = re.compile(rf'(?=<h2 id="{ID}" class="entry">)')


def entry_heading_open(entry_id: str) -> str:
    """The opening tag of an entry's heading (markdown.py writes it; bylines go before it)."""
    return f'<h2 id="{entry_id}" class="entry">'


def split_entries(html: str) -> tuple[str, dict]:
    """(text before the first entry, {entry id: html of the entry up to the next one})."""
    starts = list(ENTRY_START.finditer(html))
    if not starts:
        return html, {}
    chunks = {}
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(html)
        chunks[match.group(1)] = html[match.start():end]
    return html[: starts[0].start()], chunks


def split_before_entries(html: str) -> list:
    """`html` cut before every entry heading: [text before the first entry, entry, entry …]."""
    return _BEFORE_ENTRY.split(html)


# --- Source-language text shown in a translation --------------------------------

FOREIGN_OPEN = re.compile(r'<div class="untranslated"[^>]*>')
_DIV = re.compile(r"<div\b|</div>")


def mark_foreign(html: str, code: str) -> str:
    """Source-language text inside a translation: marked for screen readers and kept out of search."""
    return f'<div class="untranslated" lang="{code}" data-pagefind-ignore>\n{html}</div>\n'


def without_foreign(html: str) -> str:
    """`html` without the blocks `mark_foreign` wrote (nested <div>s inside them included)."""
    out, at = [], 0
    for start in FOREIGN_OPEN.finditer(html):
        if start.start() < at:
            continue   # inside a block already removed
        out.append(html[at:start.start()])
        depth, end = 0, len(html)
        for tag in _DIV.finditer(html, start.start()):
            depth += 1 if tag.group(0) == "<div" else -1
            if depth == 0:
                end = tag.end()
                break
        at = end + 1 if html[end:end + 1] == "\n" else end
    out.append(html[at:])
    return "".join(out)


# --- The indexed article (templates: <article data-pagefind-body>) -----------------

SEARCH_BODY_START, SEARCH_BODY_END = "<article data-pagefind-body>", "</article>"


# --- Small readers ------------------------------------------------------------

def strip_tags(html: str) -> str:
    """Text of an HTML fragment (generated markup: a regex is enough)."""
    return re.sub(r"<[^>]+>", "", html)


def find_figure(meta: dict, ident: str) -> dict | None:
    """A page's declared figure by id (front matter `figures`), or None."""
    return next((f for f in meta.get("figures") or [] if f and f.get("id") == ident), None)
