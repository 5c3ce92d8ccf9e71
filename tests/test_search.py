"""Search exactness on the bundled yearbook, measured in a real browser.

The bundled site is built with its Pagefind index and served on 127.0.0.1;
every query of tests/fixtures/search-queries.yaml is typed into the search page
(/LANG/search/?q=…) in Debian's Chromium, and the pages it lists are compared
with the pages whose indexed text contains the query, computed here from the
built HTML. Precision and recall are micro-averaged over query × page pairs.

What "contains" and "indexed text" mean is in tests/search_truth.py (shared
with bench/search.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
import yaml

from conftest import FIXTURES, build_bundled, launch_chromium, playwright_api, static_server
from search_truth import QUOTED, contains, indexed_pages, query_parts
from yearbook.search import decode_record, record_path, record_text


QUERIES = yaml.safe_load((FIXTURES / "search-queries.yaml").read_text(encoding="utf-8"))

# Thresholds (micro-averaged over query × page pairs). Do not lower them to make
# a failure go away: the failure message names the queries and pages at fault.
THRESHOLDS = {"zh": {"recall": 0.99, "precision": 0.97}, "en": {"recall": 0.95, "precision": 0.95}}


# --- What a page contains (the truth: tests/search_truth.py) --------------------

def truth(pages: dict, lang: str, query: str) -> set[str]:
    parts = query_parts(query)
    return {url for url, page in pages.items() if url.startswith(f"/{lang}/") and contains(page.text, parts)}


# --- The site, the browser, the search page ---------------------------------------

@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = build_bundled(tmp_path_factory, "search")
    assert (out / "pagefind" / "zh-cn" / "0" / "pagefind.js").exists(), "the build made no search index"
    return out


@pytest.fixture(scope="module")
def pages(public):
    """URL → indexed text of every searchable page (pages without data-pagefind-body are not)."""
    found = indexed_pages(public)
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

def unindexed(public: Path, url: str, query: str) -> str:
    """For a missed page: the query's parts its search record (what was indexed and checked) lacks."""
    record = decode_record((public / record_path(url.lstrip("/"))).read_bytes())
    absent = [part for part in query_parts(query) if not contains(record_text(record), [part])]
    return f" (not in its search record: {absent})" if absent else ""


def measure(public, pages, answers, lang):
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
                          f"missed {[url + unindexed(public, url, query) for url in missed]}; not containing it {wrong}")
    precision = true_positives / listed if listed else 1.0
    recall = true_positives / relevant if relevant else 1.0
    return precision, recall, faults


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_is_exact(public, pages, answers, lang):
    precision, recall, faults = measure(public, pages, answers, lang)
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
    quoted = [query for query in zh + en if QUOTED.search(query)]
    assert len(quoted) >= 2
    for lang, queries in QUERIES.items():
        empty = [query for query in queries if not truth(pages, lang, query)]
        assert not empty, f"{lang} queries found in no page: {empty}"


# --- An archive indexed in several Pagefind bundles, merged by the search page ------

@pytest.fixture(scope="module")
def bundled_archive(tmp_path_factory):
    """Three volumes (bench/archive.py), with so little memory per Pagefind run that each
    volume is a bundle of its own (search_index.py), built and served."""
    import re
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from archive import make_archive
    from yearbook.cli import main

    site = make_archive(tmp_path_factory.mktemp("bundles") / "site", 3)
    config = site / "config.yaml"
    text = re.sub(r"(?m)^(search|offline_zip): .*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(text + "search: true\nsearch_memory: 101\n", encoding="utf-8")
    assert main(["build", "--quiet", "--config", str(config)]) == 0
    with static_server(site / "public") as url:
        yield site / "public", url


def test_an_archive_in_bundles_is_searched_as_one(bundled_archive, browser_page):
    public, url = bundled_archive
    for lang in ("zh-cn", "en"):
        table = decode_record((public / f"pagefind/facets.{lang}.yb").read_bytes())
        assert len(table["bundles"]) == 3, "one bundle per volume"
        assert all((public / f"pagefind/{lang}/{n}/pagefind-entry.json").is_file() for n in range(3))
    pages = indexed_pages(public)
    for lang, query in (("zh", "消防"), ("zh", "数字化改革"), ("zh", "8.1%"), ("en", "fire"), ("en", "waste sorting")):
        answer = search(browser_page, url, lang, query)
        expected = truth(pages, lang, query)
        assert set(answer.pages) == expected, f"{lang} {query!r}: listed ≠ the pages that contain it"
        assert len(answer.pages) == len(expected), f"{lang} {query!r}: a page listed twice"
        volumes = {path.split("/")[2] for path in answer.pages}
        assert len(volumes) == 3, f"{lang} {query!r}: results from {sorted(volumes)} only"


# --- Records are un-gzipped in the page (search.js: gunzip) --------------------------

def test_the_pages_gunzip_gives_back_what_python_gzipped(server, browser_page):
    """Every kind of deflate block (stored, fixed and dynamic Huffman codes, long repeats over
    the 32 KB window) and gzip header (with a file name), as Python's gzip writes them."""
    import gzip
    import io
    import random

    rng = random.Random(7)
    text = "".join(rng.choice("拱墅区消防救援大队 2021年 8.1% PM2.5 ") for _ in range(50_000)).encode()
    samples = {
        "empty": gzip.compress(b"", mtime=0),
        "short, fixed codes": gzip.compress(b'{"a":1}', mtime=0),
        "text, level 9": gzip.compress(text, compresslevel=9, mtime=0),
        "text, level 1": gzip.compress(text, compresslevel=1, mtime=0),
        "stored, level 0": gzip.compress(text[:70_000], compresslevel=0, mtime=0),
        "random bytes": gzip.compress(rng.randbytes(40_000), mtime=0),
        "long repeats": gzip.compress(b"abc" * 100_000 + text[:5000] * 20, mtime=0),
    }
    named = io.BytesIO()
    with gzip.GzipFile("record.json", "wb", fileobj=named, mtime=0) as file:
        file.write(text[:3000])
    samples["with a file name"] = named.getvalue()
    browser_page.goto(f"{server}/zh/search/")
    for name, data in samples.items():
        got = browser_page.evaluate("(bytes) => Array.from(window.yearbookGunzip(new Uint8Array(bytes)))", list(data))
        assert bytes(got) == gzip.decompress(data), name


def test_bundles_pack_whole_volumes_oldest_first_under_the_memory_budget():
    from yearbook.search_index import plan_bundles

    entries = [(f"search/zh/{year}/p{n}.yb", "zh-cn", year, 500_000) for year in ("2020", "2021", "2022") for n in (1, 2)]
    entries += [("search/zh/departments/a.yb", "zh-cn", None, 10), ("search/en/2020/p1.yb", "en", "2020", 10)]
    # 2,000 MB: about 2.4 million words a run, so two volumes (2 million) fit and the third does not.
    plan = [(b.lang, b.number, sorted({r.split("/")[2] for r in b.records})) for b in plan_bundles(entries, 2000)]
    assert plan == [("en", 0, ["2020"]), ("zh-cn", 0, ["2020", "2021"]), ("zh-cn", 1, ["2022", "departments"])]
    # Less memory than one volume needs: a volume to a bundle, never split.
    assert [len(b.records) for b in plan_bundles(entries, 500) if b.lang == "zh-cn"] == [2, 2, 3]


def test_a_language_with_nothing_indexed_finds_nothing_instead_of_failing(tmp_path, browser_page):
    """An English edition not translated yet: an empty facet table, no Pagefind bundle, and
    the English search page says nothing was found (not that search needs JavaScript)."""
    import re

    from conftest import make_site
    from yearbook.cli import main

    site = make_site(tmp_path / "site")
    (site / "content/2022/gov/meetings.en.md").unlink()   # the only English page with text of its own
    config = site / "config.yaml"
    config.write_text(re.sub(r"(?m)^search: .*$", "search: true", config.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["build", "--quiet", "--config", str(config)]) == 0
    public = site / "public"
    assert decode_record((public / "pagefind/facets.en.yb").read_bytes())["bundles"] == []
    assert not (public / "pagefind/en").exists() and (public / "pagefind/zh-cn/0/pagefind.js").is_file()
    with static_server(public) as url:
        answer = search(browser_page, url, "en", "meeting")
        strings = browser_page.evaluate("JSON.parse(document.getElementById('search-strings').textContent)")
        assert answer.pages == [] and answer.status == strings["none"].replace("{query}", "meeting")
        assert search(browser_page, url, "zh", "会议").pages, "Chinese search still works"
