"""Search exactness on the bundled yearbook, measured in a real browser.

The bundled site is built with its Pagefind index and served on 127.0.0.1;
every query of tests/fixtures/search-queries.yaml is typed into the search page
(/LANG/search/?q=…) in Debian's Chromium, and the pages it lists are compared
with the pages whose indexed text contains the query, computed here from the
built HTML. Precision and recall are micro-averaged over query × page pairs.

What "contains" means mirrors static/search.js: the query is split into quoted
phrases and space-separated words (queryParts); a page matches when its text
contains every part, after NFKC folding, lower-casing and collapsing runs of
white space. "Indexed text" is what Pagefind indexes: the text inside
<article data-pagefind-body>, without elements marked data-pagefind-ignore and
without the hidden <p class="search-tokens"> block (yearbook/search.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
import yaml

from conftest import FIXTURES, build_bundled, launch_chromium, playwright_api, static_server
from yearbook.search import search_tokens


QUERIES = yaml.safe_load((FIXTURES / "search-queries.yaml").read_text(encoding="utf-8"))

# Thresholds (micro-averaged over query × page pairs). Do not lower them to make
# a failure go away: the failure message names the queries and pages at fault.
THRESHOLDS = {"zh": {"recall": 0.99, "precision": 0.97}, "en": {"recall": 0.95, "precision": 0.95}}


# --- What a page contains (the truth) ---------------------------------------------

def fold(text: str) -> str:
    """As search.js folds: NFKC, lower case, every run of white space one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower())


_QUOTED = re.compile(r'["“”「」]([^"“”「」]+)["“”「」]')


def query_parts(query: str) -> list[str]:
    """As search.js's queryParts: quoted phrases, then the other words, folded."""
    parts: list[str] = []

    def phrase(match):
        parts.append(fold(match.group(1).strip()))
        return " "

    rest = _QUOTED.sub(phrase, query)
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
    tokens: str = ""                             # the text of its hidden search-token block


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
        self.tokens: list[str] = []
        self.in_tokens = False

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
        ignored = "data-pagefind-ignore" in attrs or (
            tag == "p" and "hidden" in attrs and "search-tokens" in (attrs.get("class") or "").split())
        self.open.append((tag, ignored))
        self.ignored += ignored
        self.in_tokens = tag == "p" and "search-tokens" in (attrs.get("class") or "").split()
        if not self.ignored:
            if _HEADING.fullmatch(tag) and attrs.get("id"):
                self.headings.append((attrs["id"], self.size))
            if tag in _BLOCK:
                self._add(" ")

    def handle_endtag(self, tag):
        self.in_tokens = False
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
        elif self.in_tokens:
            self.tokens.append(data)


def indexed_page(path: Path) -> IndexedPage | None:
    parser = _IndexedText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    if not parser.seen_body:
        return None
    text = "".join(parser.chunks)
    cuts = parser.headings + [(None, len(text))]
    entries = {cut_id: text[at:cuts[i + 1][1]] for i, (cut_id, at) in enumerate(cuts[:-1])}
    return IndexedPage(text, entries, parser.ids, " ".join(parser.tokens))


def truth(pages: dict, lang: str, query: str) -> set[str]:
    parts = query_parts(query)
    return {url for url, page in pages.items() if url.startswith(f"/{lang}/") and contains(page.text, parts)}


# --- The site, the browser, the search page ---------------------------------------

@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = build_bundled(tmp_path_factory, "search")
    assert (out / "pagefind" / "pagefind.js").exists(), "the build made no search index"
    return out


@pytest.fixture(scope="module")
def pages(public):
    """URL → indexed text of every searchable page (pages without data-pagefind-body are not)."""
    found = {}
    for path in sorted(public.rglob("index.html")):
        page = indexed_page(path)
        if page is not None:
            found["/" + path.parent.relative_to(public).as_posix() + "/"] = page
    assert any(url.startswith("/zh/") for url in found) and any(url.startswith("/en/") for url in found)
    return found


@pytest.fixture(scope="module")
def server(public):
    with static_server(public) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(server):
    with playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@dataclass
class Answer:
    status: str
    pages: list           # result page URLs, in order
    entries: list         # (page URL, entry id) of every sub-result link


WAIT_DONE = """(loading) => {
  const text = document.getElementById('search-status').textContent;
  return text !== '' && text !== loading;
}"""

MORE_DONE = """(shown) => {
  const more = document.getElementById('search-more');
  return !more.disabled && (more.hidden || document.querySelectorAll('#search-results > li').length > shown);
}"""

COLLECT = """() => ({
  status: document.getElementById('search-status').textContent,
  pages: [...document.querySelectorAll('#search-results > li > a.result-title')].map(a => a.getAttribute('href')),
  entries: [...document.querySelectorAll('#search-results .sub-results a')].map(a => a.getAttribute('href')),
})"""


def search(page, server: str, lang: str, query: str, every: bool = True) -> Answer:
    """What the search page lists for `query`: with `every`, after "more results" until none are left."""
    page.goto(f"{server}/{lang}/search/?q={quote(query)}")
    strings = page.evaluate("JSON.parse(document.getElementById('search-strings').textContent)")
    page.wait_for_function(WAIT_DONE, arg=strings["loading"])
    while every and page.is_visible("#search-more"):
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(MORE_DONE, arg=shown)
    got = page.evaluate(COLLECT)
    assert got["status"] != strings["needs_js"], f"{query!r}: the search page could not load Pagefind"
    result_pages = [urlsplit(href).path for href in got["pages"]]
    entries = [(urlsplit(href).path, unquote(urlsplit(href).fragment)) for href in got["entries"]]
    return Answer(got["status"], result_pages, entries)


@pytest.fixture(scope="module")
def answers(server, browser_page):
    """(lang, query) → what the search page listed, for every query of the query file."""
    return {(lang, query): search(browser_page, server, lang, query)
            for lang in ("zh", "en") for query in QUERIES[lang]}


# --- The measurements --------------------------------------------------------------

def unindexed(page: IndexedPage, query: str) -> str:
    """For a missed page: the query's character pairs absent from the page's search tokens."""
    have = set(page.tokens.split())
    absent = [token for part in query_parts(query) for token in search_tokens(part)
              if not token.endswith("000") and token not in have]
    return f" (not in its search tokens: {absent})" if absent else ""


def measure(pages, answers, lang):
    true_positives = listed = relevant = 0
    faults = []
    for query in QUERIES[lang]:
        expected = truth(pages, lang, query)
        got = answers[(lang, query)].pages
        assert len(got) == len(set(got)), f"{query!r}: a page is listed twice: {got}"
        hits = expected & set(got)
        true_positives += len(hits)
        listed += len(got)
        relevant += len(expected)
        missed, wrong = sorted(expected - hits), sorted(set(got) - expected)
        if missed or wrong:
            faults.append(f"  {query!r}: {len(hits)}/{len(expected)} found; "
                          f"missed {[url + unindexed(pages[url], query) for url in missed]}; not containing it {wrong}")
    precision = true_positives / listed if listed else 1.0
    recall = true_positives / relevant if relevant else 1.0
    return precision, recall, faults


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_is_exact(pages, answers, lang):
    precision, recall, faults = measure(pages, answers, lang)
    figures = (f"{lang}: precision {precision:.4f} (≥ {THRESHOLDS[lang]['precision']}), "
               f"recall {recall:.4f} (≥ {THRESHOLDS[lang]['recall']}) over {len(QUERIES[lang])} queries")
    print(figures)
    report = figures + ("\n" + "\n".join(faults) if faults else "")
    assert recall >= THRESHOLDS[lang]["recall"], report
    assert precision >= THRESHOLDS[lang]["precision"], report


def test_entry_links_point_at_entries_that_contain_the_query(pages, answers):
    checked = 0
    for (lang, query), answer in answers.items():
        parts = query_parts(query)
        for url, entry_id in answer.entries:
            assert url in answer.pages, f"{query!r}: sub-result {url}#{entry_id} under no listed page"
            page = pages[url]
            assert entry_id in page.ids, f"{query!r}: {url}#{entry_id} is no id on that page"
            assert entry_id in page.entries, f"{query!r}: {url}#{entry_id} is not a heading of that page"
            assert contains(page.entries[entry_id], parts), \
                f"{query!r}: entry {url}#{entry_id} does not contain it: {page.entries[entry_id][:120]!r}…"
            checked += 1
    assert checked >= 50  # the query set reaches many entries


@pytest.mark.parametrize("query", ["消防宣传", "民生实事", '"数字化改革"', "生命通道", "亚运"])
def test_every_entry_containing_the_query_is_listed(pages, answers, query):
    answer = answers[("zh", query)]
    parts = query_parts(query)
    expected = {(url, entry_id) for url in truth(pages, "zh", query)
                for entry_id, text in pages[url].entries.items() if contains(text, parts)}
    assert expected, f"{query!r} occurs in no entry: choose another query"
    assert set(answer.entries) == expected


def test_quoted_phrase_finds_exactly_the_pages_containing_it(pages, server, browser_page):
    # Pagefind alone returns nothing for "民生实事" in quotes (its index splits 民生|实事, the
    # browser 民生|实|事); the search page must still list every page containing the phrase.
    expected = truth(pages, "zh", "民生实事")
    assert len(expected) >= 5
    answer = search(browser_page, server, "zh", '"民生实事"')
    assert set(answer.pages) == expected
    assert str(len(expected)) in answer.status
    # Quoted, the words must be adjacent: 民生 … 实事 apart does not count.
    apart = truth(pages, "zh", "民生 实事") - expected
    assert not apart & set(answer.pages)


@pytest.mark.parametrize("query,where", [('"waste sorting"', "/en/2022/summaries/"),
                                         ('"elderly care"', "/en/2022/summaries/"),
                                         ('"elderly care"', "/en/2022/documents/tasks-20"),
                                         ('"common prosperity"', "/en/2022/documents/tasks-20")])
def test_english_search_finds_the_words_of_summaries_and_task_tables(pages, answers, query, where):
    expected = {url for url in truth(pages, "en", query) if url.startswith(where)}
    assert expected, f"{query!r}: no English page under {where} contains it"
    assert expected <= set(answers[("en", query)].pages)


def test_queries_are_real_and_cover_the_brief(pages):
    zh, en = QUERIES["zh"], QUERIES["en"]
    assert len(zh) >= 40 and len(en) >= 10
    assert all(1 <= len(query) <= 10 for query in zh), [q for q in zh if not 1 <= len(q) <= 10]
    assert len(set(zh)) == len(zh) and len(set(en)) == len(en)
    quoted = [query for query in zh + en if _QUOTED.search(query)]
    assert len(quoted) >= 2
    for lang, queries in QUERIES.items():
        empty = [query for query in queries if not truth(pages, lang, query)]
        assert not empty, f"{lang} queries found in no page: {empty}"
