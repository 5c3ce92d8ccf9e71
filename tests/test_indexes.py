"""Subject index (主题索引) and chronology (大事记): one page each per volume, checked on the built HTML."""
import csv
import html
import re
from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from conftest import ROOT, build_bundled, launch_chromium, make_site, playwright_api, static_server
from yearbook.indexes import sort_key

# 表4 as printed: 13 meetings of 2021 (the TSV gives the dates without the year).
T04_DATES = ["2021-01-07", "2021-02-01", "2021-02-07", "2021-02-18", "2021-03-19", "2021-05-08", "2021-06-03",
             "2021-06-29", "2021-07-06", "2021-08-18", "2021-09-15", "2021-10-15", "2021-11-15"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = build_bundled(tmp_path_factory, "indexes", "--no-search")
    return out


def read(built: Path, url: str) -> str:
    return (built / url.strip("/") / "index.html").read_text(encoding="utf-8")


def index_groups(page: str) -> list:
    """[(letter, term, [hrefs])] of a subject index page, in page order."""
    found = []
    for group in re.finditer(r'<h2 id="(letter-[a-z]+)">(.*?)</h2>(.*?)</section>', page, re.S):
        for term in re.finditer(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", group.group(3), re.S):
            found.append((group.group(2), html.unescape(term.group(1)), re.findall(r'href="([^"]+)"', term.group(2))))
    return found


def chronology(page: str) -> list:
    """[(datetime, printed date, href, text)] of a chronology page, in page order."""
    return [(m[0], html.unescape(m[1]), m[2], html.unescape(m[3])) for m in re.findall(
        r'<li><time datetime="([^"]+)"[^>]*>(.*?)</time>\s*<a href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)]


def assert_resolves(built: Path, href: str) -> None:
    path, _, fragment = href.partition("#")
    target = built / path.strip("/") / "index.html"
    assert target.is_file(), href
    if fragment:
        assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), href


def tsv(name: str) -> list:
    with open(ROOT / "content/2022/gov" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


# --- the bundled yearbook ----------------------------------------------------------

def test_index_pages_close_the_volume_contents(built):
    volume = read(built, "zh/2022")
    assert volume.index('href="/zh/2022/documents/"') < volume.index('href="/zh/2022/subjects/"') \
        < volume.index('href="/zh/2022/chronology/"')
    subjects = read(built, "zh/2022/subjects")
    assert '<h1>主题索引</h1>' in subjects and 'rel="next" href="/zh/2022/chronology/"' in subjects
    assert '<h1>Chronology</h1>' in read(built, "en/2022/chronology")


def test_zh_index_is_in_pinyin_order_by_initial(built):
    page = read(built, "zh/2022/subjects")
    groups = index_groups(page)
    terms = [term for _, term, _ in groups]
    # pinyin of the whole term (phrase-aware), punctuation dropped: computed here without the module's helper
    keys = [[s for (s,) in pinyin(term, style=Style.NORMAL) for s in re.findall(r"[^\W_]+", s.lower())] for term in terms]
    assert keys == sorted(keys)
    for (letter, term, _), key in zip(groups, keys):
        assert letter == key[0][0].upper(), term
    by_term = {term: letter for letter, term, _ in groups}
    # hand-checked: 重大 is zhong da (not chong), the quote before 城市眼 is ignored
    assert by_term["重大领域改革深化"] == "Z"
    assert by_term["“城市眼·云共治”建设"] == "C"
    assert by_term["数字化改革"] == "S" and by_term["概况"] == "G" and by_term["区政府全体会议"] == "Q"
    assert by_term["亚运会"] == "Y"
    bar = page.split('<nav class="letter-bar"')[1].split("</nav>")[0]
    assert '<a href="#letter-z">Z</a>' in bar and '<span class="empty">B</span>' in bar
    assert len(re.findall(r"<li>", bar)) == 26


def test_en_index_is_alphabetical_by_initial(built):
    groups = index_groups(read(built, "en/2022/subjects"))
    keys = [re.findall(r"[^\W_]+", term.casefold()) for _, term, _ in groups]
    assert keys == sorted(keys)
    for letter, term, _ in groups:
        assert letter == re.search(r"[A-Za-z]", term).group(0).upper(), term
    terms = {term: (letter, hrefs) for letter, term, hrefs in groups}
    assert terms['Management of "Life Passages"'][0] == "M"
    assert all("/zh/" not in href for _, _, hrefs in groups for href in hrefs)


def test_every_index_link_resolves(built):
    for lang in ("zh", "en"):
        groups = index_groups(read(built, f"{lang}/2022/subjects"))
        assert groups
        for _, _, hrefs in groups:
            assert hrefs
            for href in hrefs:
                assert href.startswith(f"/{lang}/2022/")
                assert_resolves(built, href)


def test_every_entry_of_the_volume_is_in_the_index(built):
    for lang in ("zh", "en"):
        expected = set()
        for file in sorted((built / lang / "2022").rglob("index.html")):
            text = file.read_text(encoding="utf-8")
            text = re.sub(r'<div class="untranslated".*?</div>\n', "", text, flags=re.S)  # the English index leaves these out
            url = "/" + file.parent.relative_to(built).as_posix() + "/"
            expected |= {url + "#" + ident for ident in re.findall(r'<h2 id="([a-z0-9-]+)" class="entry"', text)}
        linked = {href for _, _, hrefs in index_groups(read(built, f"{lang}/2022/subjects")) for href in hrefs}
        assert len(expected) == 55
        assert expected <= linked


def test_tags_link_to_their_entries_in_both_languages(built):
    zh = {term: hrefs for _, term, hrefs in index_groups(read(built, "zh/2022/subjects"))}
    en = {term: hrefs for _, term, hrefs in index_groups(read(built, "en/2022/subjects"))}
    assert zh["数字化改革"] == ["/zh/2022/gov/policies/#policies-02", "/zh/2022/gov/data/#data-01",
                             "/zh/2022/gov/data/#data-02", "/zh/2022/gov/data/#data-03"]  # reading order
    assert en["digital reform"] == [href.replace("/zh/", "/en/") for href in zh["数字化改革"]]  # glossary form
    assert "/zh/2022/gov/policies/#policies-05" in zh["亚运会"]
    assert en["Asian Games"] == [href.replace("/zh/", "/en/") for href in zh["亚运会"]]  # glossary form
    assert len(zh["概况"]) == 6 and len(en["General Situation"]) == 6


def test_chronology_lists_the_13_meetings_of_table_4_in_date_order(built):
    for lang, code in (("zh", "zh"), ("en", "en")):
        page = read(built, f"{lang}/2022/chronology")
        items = chronology(page)
        dates = [item[0] for item in items]
        assert dates == sorted(dates)
        meetings = [item for item in items if "#t04-r" in item[2]]
        rows = tsv(f"t04.{code}.tsv")
        assert [item[0] for item in meetings] == T04_DATES
        assert [item[1] for item in meetings] == [row["date"] for row in rows]        # as printed: 1月7日 / 7 January
        assert [item[3] for item in meetings] == [row["session"] for row in rows]
        assert [item[2] for item in meetings] == [f"/{lang}/2022/gov/meetings/#t04-r{n}" for n in range(1, 14)]
        for item in items:
            assert re.fullmatch(r"2021-\d\d(-\d\d)?", item[0])
            assert_resolves(built, item[2])


def test_chronology_takes_dated_entries_and_captions(built):
    zh = {item[2]: item for item in chronology(read(built, "zh/2022/chronology"))}
    en = {item[2]: item for item in chronology(read(built, "en/2022/chronology"))}
    assert zh["/zh/2022/gov/meetings/#meetings-01"][:2] == ("2021-10-08", "2021年10月8日")
    assert en["/en/2022/gov/meetings/#meetings-01"][:2] == ("2021-10-08", "8 October 2021")
    assert zh["/zh/2022/gov/approval/#approval-02"][:2] == ("2021-04", "2021年4月")   # a month alone
    assert zh["/zh/2022/gov/policies/#p01"][:2] == ("2021-11-19", "2021年11月19—21日")
    assert en["/en/2022/gov/policies/#p01"][1] == "19 to 21 November 2021"
    assert zh["/zh/2022/gov/approval/#p02"][3].endswith("老年人等群体")               # first sentence of the caption
    assert "/zh/2022/gov/data/#data-02" in zh and "/zh/2022/gov/data/#p03" not in zh  # same day as its entry
    assert not any(key.endswith("#overview-01") for key in zh)                       # "2021年," is not a date


def test_index_pages_are_not_searchable(built):
    for url in ("zh/2022/subjects", "en/2022/subjects", "zh/2022/chronology", "en/2022/chronology"):
        assert "data-pagefind-body" not in read(built, url)


# --- generic behaviour on the fixture site ------------------------------------------

def test_sort_key_reads_heteronyms_by_phrase():
    assert sort_key("重庆", True) == ("C", "chong qing")
    assert sort_key("银行", True) == ("Y", "yin hang")
    assert sorted(["银行", "重庆", "安全", "“一件事”办理"], key=lambda t: sort_key(t, True)) == \
        ["安全", "重庆", "“一件事”办理", "银行"]   # the opening quote is not a letter
    assert sort_key("2.0 hall", False)[0] == "#" and sort_key('"Life" passages', False) == ("L", "life passages")


@pytest.fixture
def tagged(tmp_path) -> Path:
    """The fixture site with a table declaring a chronology, entry and page tags, and a glossary."""
    site = make_site(tmp_path / "site")
    gov = site / "content/2022/gov"
    table = gov / "t04.table.yaml"
    table.write_text(table.read_text(encoding="utf-8") + "chronology: {date: date, text: session}\n", encoding="utf-8")
    meetings = gov / "meetings.zh.md"
    meetings.write_text(meetings.read_text(encoding="utf-8").replace(
        "authors:", "tags: [会议]\nentries:\n  meetings-02: {tags: [常务会议, 未译词]}\nauthors:", 1), encoding="utf-8")
    (site / "content/_data/glossary.yaml").write_text("- {zh: 常务会议, en: executive meeting}\n", encoding="utf-8")
    return site


def test_generic_chronology_and_tags_on_a_small_site(tagged, run):
    code, _, err = run(tagged, "build", "--no-search")
    assert code == 0, err
    out = tagged / "public"
    zh = chronology(read(out, "zh/2022/chronology"))
    assert [(d, p, h) for d, p, h, _ in zh] == [
        ("2021-01-07", "1月7日", "/zh/2022/gov/meetings/#t04-r1"),
        ("2021-02-18", "2月18日", "/zh/2022/gov/meetings/#t04-r2"),
        ("2021-05-08", "5月8日", "/zh/2022/gov/meetings/#t04-r3"),
        ("2021-05-19", "2021年5月19日", "/zh/2022/gov/data/#p03"),          # caption; its entry is undated
        ("2021-10-08", "2021年10月8日", "/zh/2022/gov/meetings/#meetings-01"),
    ]
    en_page = read(out, "en/2022/chronology")
    en = chronology(en_page)
    assert [d for d, *_ in en] == [d for d, *_ in zh]
    assert en[-1][1:] == ("8 October 2021", "/en/2022/gov/meetings/#meetings-01", "Plenary Meeting of the District Government")
    # no English rows file and no English data page: shown in Chinese, marked
    assert '<time datetime="2021-01-07" lang="zh-CN">1月7日</time>' in en_page
    assert re.search(r'<a href="/en/2022/gov/data/#p03" lang="zh-CN">拱墅区数字化改革工作推进会举行</a>', en_page)
    for _, _, href, _ in zh + en:
        assert_resolves(out, href)

    zh_terms = {term: hrefs for _, term, hrefs in index_groups(read(out, "zh/2022/subjects"))}
    en_terms = {term: hrefs for _, term, hrefs in index_groups(read(out, "en/2022/subjects"))}
    assert zh_terms["常务会议"] == ["/zh/2022/gov/meetings/#meetings-02"]
    assert zh_terms["未译词"] == ["/zh/2022/gov/meetings/#meetings-02"]
    assert zh_terms["会议"] == ["/zh/2022/gov/meetings/"]                      # a page tag links to the page
    assert zh_terms["概况"] == ["/zh/2022/gov/data/#data-01"]
    assert en_terms["executive meeting"] == ["/en/2022/gov/meetings/#meetings-02"]
    assert "未译词" not in en_terms and "概况" not in en_terms                 # no English form; untranslated page
    assert "Executive Meetings of the District Government" in en_terms


def test_a_chronology_column_must_exist(tagged, run):
    table = tagged / "content/2022/gov/t04.table.yaml"
    table.write_text(table.read_text(encoding="utf-8").replace("{date: date,", "{date: dates,"), encoding="utf-8")
    code, _, err = run(tagged, "check")
    assert code == 1
    line = table.read_text(encoding="utf-8").splitlines().index("chronology: {date: dates, text: session}") + 1
    assert f"content/2022/gov/t04.table.yaml:{line}:" in err
    assert "chronology date column 'dates' is not a column of this table" in err
    assert "did you mean 'date'?" in err


def test_an_unreadable_date_is_left_out_with_a_warning(tagged, run):
    rows = tagged / "content/2022/gov/t04.zh.tsv"
    rows.write_text(rows.read_text(encoding="utf-8").replace("2月18日", "二月中旬"), encoding="utf-8")
    code, _, err = run(tagged, "build", "--no-search")
    assert code == 0, err
    assert "content/2022/gov/t04.zh.tsv:3:1: warning: '二月中旬' is not a date the chronology can read" in err
    assert "#t04-r2" not in read(tagged / "public", "zh/2022/chronology")


def test_a_written_page_at_the_address_is_an_error(tagged, run):
    folder = tagged / "content/2022/chronology"
    folder.mkdir()
    (folder / "index.zh.md").write_text("---\ntype: chapter\ntitle: 大事记\n---\n", encoding="utf-8")
    code, _, err = run(tagged, "check")
    assert code == 1
    assert "content/2022/chronology/index.zh.md: error: this page's address /2022/chronology/ is the chronology the build makes" in err


# --- in a browser: the letter bar and the chronology's links land where they say ----

@pytest.fixture(scope="module")
def browser_page(built):
    with static_server(built) as url, playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(service_workers="block", viewport={"width": 1100, "height": 800})
        yield url, context.new_page()
        browser.close()


def _below_masthead(page, selector: str) -> bool:
    return page.evaluate("""(sel) => {
        const box = document.querySelector(sel).getBoundingClientRect();
        const head = document.querySelector('.masthead').getBoundingClientRect();
        return box.top >= head.bottom - 1 && box.top < window.innerHeight; }""", selector)


def test_letter_bar_jumps_to_its_group(browser_page):
    server, page = browser_page
    page.goto(f"{server}/zh/2022/subjects/")
    page.locator(".letter-bar a", has_text="Z").click()
    page.wait_for_function("location.hash === '#letter-z'")
    assert _below_masthead(page, "#letter-z")
    assert page.locator("#letter-z + dl dt").first.inner_text() == "政务服务深化"


def test_chronology_link_lands_on_the_table_row(browser_page):
    server, page = browser_page
    page.goto(f"{server}/en/2022/chronology/")
    page.locator('a[href$="#t04-r4"]').click()
    page.wait_for_url("**/en/2022/gov/meetings/#t04-r4")
    assert page.locator("#t04-r4").inner_text() == "46th District Mayor's Office Meeting of Xiacheng District"
    assert _below_masthead(page, "#t04-r4")
    marked = page.evaluate("getComputedStyle(document.querySelector('#t04-r4').parentElement).backgroundColor")
    plain = page.evaluate("getComputedStyle(document.querySelector('#t04-r5').parentElement).backgroundColor")
    assert marked != plain   # the row the link points at is highlighted
