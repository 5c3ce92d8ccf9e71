"""Exact search: what the pages carry for it (hidden character indexes, filter
metadata) and the search pages. Pagefind itself is run by search_index.py."""
from __future__ import annotations


from .data import row_ids
from .diagnostics import Diagnostics
from .site import add_generated_page, generated_key_clash
from .markup import NOT_CJK, SEARCH_BODY_END, SEARCH_BODY_START, split_before_entries, strip_tags, without_foreign
from .translation import MISSING


# --- What the pages carry for search -------------------------------------------
#
# Pagefind segments Chinese one way when indexing and the browser segments the
# query another way (Intl.Segmenter), so some pages that contain a query are not
# found and some found pages do not contain it. Search here is exact instead:
# every entry (and every page's text outside entries) carries a hidden list of
# its distinct Chinese characters, one "word" each, between ⁅ and ⁆. The search
# page asks Pagefind for the query's characters as separate words — every page
# and entry containing the query is among the candidates — then keeps only
# those whose text contains the query itself (static/search.js).

CHAR_BLOCK_START, CHAR_BLOCK_END = "\u2045", "\u2046"

INDEXED_TYPES = ("section", "summary", "tasks", "article")


def char_block(html: str) -> str:
    """The hidden index of the distinct Chinese characters in `html`, in order of appearance."""
    text = strip_tags(without_foreign(html)) if "<" in html else html
    chars = dict.fromkeys(NOT_CJK.sub("", text))  # both steps run in C: this is on every page
    if not chars:
        return ""
    return f'<p hidden class="char-index">{CHAR_BLOCK_START} {" ".join(chars)} {CHAR_BLOCK_END}</p>\n'


def with_char_index(html: str) -> str:
    """`html` with a character index after the text before the first entry and after every entry."""
    return "".join(part + char_block(part) for part in split_before_entries(html))


def with_page_char_index(html: str, body: str) -> str:
    """One more character index for what the templates add around the Markdown body
    (titles, task tables, department lines, notes), at the end of the indexed article.
    The body has indexes of its own, so only the text around it is scanned."""
    start = html.find(SEARCH_BODY_START)
    end = html.find(SEARCH_BODY_END, start)
    if start < 0 or end < 0:
        return html
    around = html[start:end].replace(body, "", 1)
    return html[:end] + char_block(around) + html[end:]


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
    if generated_key_clash(site, "search", "search page", diags):
        return
    add_generated_page(site, "search", "search", "", {lang: strings[lang]["search_title"] for lang in site.config.language_keys},
                       order=10**6, in_tree=False)
