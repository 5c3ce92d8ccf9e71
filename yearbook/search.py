"""Exact search: what the pages carry for it (hidden character-pair tokens, filter
metadata) and the search pages. Pagefind itself is run by search_index.py."""
from __future__ import annotations

import re
import unicodedata
from html import unescape

from .data import row_ids
from .diagnostics import Diagnostics
from .messages import t
from .site import add_generated_page, generated_key_clash
from .markup import SEARCH_BODY_END, SEARCH_BODY_START, strip_tags, without_foreign
from .translation import MISSING


# --- What the pages carry for search -------------------------------------------
#
# Pagefind segments Chinese one way when indexing and the browser segments the
# query another way (Intl.Segmenter), so some pages that contain a query are not
# found and some found pages do not contain it. Search here is exact instead,
# with the dictionary-free technique of Lucene's CJK bigram filter: every Chinese
# page carries, hidden between ⁅ and ⁆, the distinct overlapping character pairs
# of its indexed text, each pair written as one 6-letter word Pagefind neither
# splits nor stems. The search page asks for the query's pairs: every page that
# contains the query contains them all (recall is kept), few other pages do, and
# static/search.js checks the text of the pages it shows. Digits and Latin
# letters take part as characters, so 8.1%, PM2.5 and 1968.6亿元 are found too.
#
# The scheme is a contract with static/search.js (pagefindQuery): change both.

TOKENS_START, TOKENS_END = "\u2045", "\u2046"
# Runs of letters, digits and . % + - / (Python's \w is JS's [\p{L}\p{N}_]).
RUN_SPLIT = re.compile(r"[^\w.%+\-/]+|_+")
TOKEN_SPACE = 36 ** 3     # a character is 3 base-36 digits of its code point, modulo this
RUN_END = "\0"            # the last character of a run is paired with this ("000")
INDEXED_TYPES = ("section", "summary", "tasks", "article")


class _Letters(dict):
    """Character → its 3 letters, computed once per character."""

    def __missing__(self, ch: str) -> str:
        n = ord(ch) % TOKEN_SPACE
        self[ch] = letters = _BASE36[n // 1296] + _BASE36[n // 36 % 36] + _BASE36[n % 36]
        return letters


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_LETTERS = _Letters()


def search_tokens(text: str) -> list[str]:
    """The distinct character pairs of `text` as Pagefind words, in order of first appearance."""
    folded = unicodedata.normalize("NFKC", text).lower()
    pairs: dict = {}
    for run in RUN_SPLIT.split(folded):
        if run:
            pairs.update(dict.fromkeys(zip(run, run[1:] + RUN_END)))   # C loops: this runs on every page
    letters = _LETTERS
    return [letters[a] + letters[b] for a, b in pairs]


def with_search_tokens(html: str) -> str:
    """The page with the hidden token list of its indexed text, at the end of that text.
    Blocks shown in another language (a translation's fallbacks) are not this language's."""
    start = html.find(SEARCH_BODY_START)
    end = html.find(SEARCH_BODY_END, start)
    if start < 0 or end < 0:
        return html
    text = unescape(strip_tags(without_foreign(html[start:end])))
    tokens = search_tokens(text)
    if not tokens:
        return html
    block = f'<p hidden class="search-tokens">{TOKENS_START} {" ".join(tokens)} {TOKENS_END}</p>\n'
    return html[:end] + block + html[end:]


def page_filters(site, page, strings: dict) -> list:
    """(filter, value) pairs in the page's language: volume, part, departments, kind of content.

    They go into Pagefind as metadata, not as Pagefind filters: Pagefind writes
    its filter index in a different byte order on every run (Pagefind#638), and
    the search page filters the exact results itself anyway."""
    lang, default = page.lang, site.config.default_language
    node = page.node
    pairs = []
    if node.volume:
        pairs.append(("volume", str(site.nodes[node.volume].meta.get("edition_year", node.volume))))
        top = node.key
        while site.nodes[top].parent != node.volume:
            top = site.nodes[top].parent
        part = site.pages[(top, lang)]
        pairs.append(("part", part.title))
    departments = list(node.meta.get("departments") or [])
    if node.meta.get("department"):
        departments.append(node.meta["department"])
    for entry_meta in (node.meta.get("entries") or {}).values():
        departments += (entry_meta or {}).get("departments") or []
    for row in site.task_rows.get((node.key, default)) or []:
        departments += row_ids(row, "lead")
    names = [site.registry.get(d).name.get(lang) or site.registry.get(d).name.get(default)
             for d in dict.fromkeys(departments) if site.registry.get(d)]
    if names:
        pairs.append(("departments", " | ".join(names)))
    pairs.append(("kind", strings[f"kind_{node.type}"]))
    return pairs


def filter_options(site, lang: str, strings: dict) -> dict:
    """For the search page: every filter value of a language's indexed pages, with its page count."""
    options: dict = {"volume": {}, "part": {}, "department": {}, "kind": {}}
    for key in site.order:
        page = site.pages[(key, lang)]
        if page.type not in INDEXED_TYPES or page.text_status == MISSING:
            continue
        for name, value in page_filters(site, page, strings):
            values = value.split(" | ") if name == "departments" else [value]
            bucket = options["department" if name == "departments" else name]
            for item in values:
                bucket[item] = bucket.get(item, 0) + 1
    return {name: dict(sorted(values.items())) for name, values in options.items()}


def add_search_pages(site, strings: dict, diags: Diagnostics) -> None:
    """The search page of every language, /LANG/search/, as a page of the site."""
    if generated_key_clash(site, "search", t("content.generated-search-page"), diags):
        return
    add_generated_page(site, "search", "search", "", {lang: strings[lang]["search_title"] for lang in site.config.language_keys},
                       order=10**6, in_tree=False)
