"""Exact search: the record each indexed page publishes for the search page, the
character-pair tokens Pagefind indexes, filter metadata, and the search pages.
Pagefind itself is run by search_index.py.

How search works (static/search.js is the other half of each contract here):

- Pagefind segments Chinese one way when indexing and the browser segments the
  query another way (Intl.Segmenter), so some pages that contain a query are not
  found and some found pages do not contain it. Search here is exact instead,
  with the dictionary-free technique of Lucene's CJK bigram filter: Pagefind
  indexes, for every Chinese page, the distinct overlapping character pairs of
  its text, each pair written as one 6-letter word it neither splits nor stems,
  and the search page asks for the query's pairs. Every page that contains the
  query contains them all (recall is kept) and few other pages do. Digits and
  Latin letters take part as characters, so 8.1%, PM2.5 and 1968.6亿元 are found.
- Pagefind indexes a shadow copy of each page that holds only what it must match
  (shadow_page: the pairs for Chinese, the text for English), written by the
  render workers beside the staging folder and deleted after indexing
  (search_index.py makes them from the records when serve re-indexes). The search page
  checks a candidate against the page's *record*, search/PATH.yb: its title,
  filter values and text cut at its entries, gzip-compressed. So the published
  pages carry nothing hidden, Pagefind does not segment text nobody searches by,
  and a check downloads the text once, not text plus tokens.
"""
from __future__ import annotations

import functools
import gzip
import json
import re
import unicodedata
from html import escape, unescape

from .data import row_ids
from .diagnostics import Diagnostics
from .messages import t
from .site import add_generated_page, generated_key_clash
from .markup import SEARCH_BODY_END, SEARCH_BODY_START, is_cjk_language, without_foreign
from .translation import MISSING

INDEXED_TYPES = ("section", "summary", "tasks", "article")


# --- Character-pair tokens (static/search.js: pagefindQuery) ------------------------

# Runs of letters, digits and . % + - / (Python's \w is JS's [\p{L}\p{N}_]).
RUN_SPLIT = re.compile(r"[^\w.%+\-/]+|_+")
TOKEN_SPACE = 36 ** 3     # a character is 3 base-36 digits of its code point, modulo this
RUN_END = "\0"            # the last character of a run is paired with this ("000")


class _Letters(dict):
    """Character → its 3 letters, computed once per character."""

    def __missing__(self, ch: str) -> str:
        n = ord(ch) % TOKEN_SPACE
        self[ch] = letters = _BASE36[n // 1296] + _BASE36[n // 36 % 36] + _BASE36[n % 36]
        return letters


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_LETTERS = _Letters()


def search_tokens(text: str, numbers_only: bool = False) -> list[str]:
    """The distinct character pairs of `text` (with `numbers_only`, of its runs with a digit) as
    Pagefind words, in order of first appearance."""
    letters = _LETTERS
    return [letters[a] + letters[b] for a, b in _pairs(text, numbers_only)]


# A render worker counts a page's pairs (word_count), then writes them (shadow_page): once.
# (`numbers_only` has no default: the cache would key f(x) and f(x, False) apart.)
@functools.lru_cache(maxsize=2)
def _pairs(text: str, numbers_only: bool) -> dict:
    """The distinct character pairs of the runs of `text` (with `numbers_only`, of the runs with
    a digit). Shared between calls: not to be changed."""
    folded = unicodedata.normalize("NFKC", text).lower()
    pairs: dict = {}
    for run in RUN_SPLIT.split(folded):
        if run and (not numbers_only or _DIGIT.search(run)):
            pairs.update(dict.fromkeys(zip(run, run[1:] + RUN_END)))   # C loops: this runs on every page
    return pairs


_DIGIT = re.compile(r"[0-9]")


# --- Search records (static/search.js: loadRecord, sections) -------------------------

RECORDS_DIR = "search"          # search/zh/2022/gov/fire.yb for /zh/2022/gov/fire/
RECORD_SUFFIX = ".yb"           # gzip-compressed JSON: not a type a server re-encodes
_BLOCK = re.compile(r"<(?:/?(?:p|div|li|ul|ol|table|thead|tbody|tr|td|th|h[1-6]|section|figure|figcaption"
                    r"|blockquote|dl|dt|dd|caption|aside|nav|header|footer)\b|br\b)[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_IGNORED_TBODY = re.compile(r"<tbody[^>]*data-pagefind-ignore[^>]*>.*?</tbody>", re.S)
_HEADING_WITH_ID = re.compile(r'<h[1-6]\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h[1-6]>', re.S)
_SPACES = re.compile(r"\s+")


def _text(html: str) -> str:
    return _SPACES.sub(" ", unescape(_TAG.sub("", _BLOCK.sub(" ", html)))).strip()


def search_record(html: str, path: str, lang_code: str, title: str, meta: dict) -> dict | None:
    """What the search page checks a candidate against: the text Pagefind would index
    (the page's <article data-pagefind-body>, without blocks in another language),
    cut before every heading with an id: [[id, heading, text], …], the first id null.
    `path` is the page's address relative to the site root (zh/2022/gov/fire/)."""
    start = html.find(SEARCH_BODY_START)
    end = html.find(SEARCH_BODY_END, start)
    if start < 0 or end < 0:
        return None
    region = _IGNORED_TBODY.sub("", without_foreign(html[start + len(SEARCH_BODY_START):end]))
    sections, at, anchor = [], 0, [None, title]
    for heading in _HEADING_WITH_ID.finditer(region):
        sections.append(anchor + [_text(region[at:heading.start()])])
        anchor, at = [heading.group(1), _text(heading.group(2)).rstrip("#").strip()], heading.end()
    sections.append(anchor + [_text(region[at:])])
    return {"path": path, "lang": lang_code, "title": title, "meta": meta, "sections": sections}


def record_path(path: str) -> str:
    """Where a page's record is, relative to the site root: zh/2022/gov/fire/ → search/zh/2022/gov/fire.yb."""
    return f"{RECORDS_DIR}/{path.strip('/')}{RECORD_SUFFIX}"


def encode_record(record: dict) -> bytes:
    """Deterministic bytes: sorted keys, gzip without a timestamp."""
    data = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0)


def decode_record(data: bytes) -> dict:
    return json.loads(gzip.decompress(data))


def record_text(record: dict) -> str:
    """All the text of a record, as Pagefind is given it."""
    return " ".join(f"{heading} {text}" if ident else text for ident, heading, text in record["sections"])


SHADOW_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
               '<body><main data-pagefind-body><h1>{title}</h1><p>{words}</p></main></body></html>')


def pagefind_words(record: dict) -> str:
    """What Pagefind reads of a record: the character pairs of a Chinese page; the text of an
    English one, and the character pairs of its runs with a digit (8.1%, 5g, pm2.5), which
    Pagefind's English words would split: the search page asks for those pairs (pagefindQuery)."""
    text = record_text(record)
    if is_cjk_language(record["lang"]):
        return " ".join(search_tokens(text))
    numbers = " ".join(search_tokens(text, numbers_only=True))
    return escape(text) + (" " + numbers if numbers else "")


def word_count(record: dict) -> int:
    """About how many distinct words Pagefind finds in a record: its memory grows with them
    (search_index.py plans its runs by the "words" each record carries)."""
    text = record_text(record)
    return len(_pairs(text, False)) if is_cjk_language(record["lang"]) else len(set(text.lower().split()))


def shadow_page(record: dict) -> tuple[str, str]:
    """(address, HTML) of the page Pagefind reads for a record, at the page's address."""
    page = SHADOW_PAGE.format(lang=record["lang"], title=escape(record["title"]), words=pagefind_words(record))
    return record["path"].strip("/") + "/index.html", page


def page_filters(site, page, strings: dict) -> list:
    """(filter, value) pairs in the page's language: volume, part, departments, kind of content.

    They go into the page's search record and the facet tables, not into Pagefind's
    filters: Pagefind writes its filter index in a different byte order on every run
    (Pagefind#638), and the search page filters its candidates itself."""
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
    """The search page of every language, /LANG/search/, as a page of the site; none when the
    site has no search (`search: false`: no index would be built for it)."""
    if not site.config.search or generated_key_clash(site, "search", t("content.generated-search-page"), diags):
        return
    add_generated_page(site, "search", "search", "", {lang: strings[lang]["search_title"] for lang in site.config.language_keys},
                       order=10**6, in_tree=False)
