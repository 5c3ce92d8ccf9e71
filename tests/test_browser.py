"""The built site in a real browser (Debian's chromium driven by Playwright)."""
import re
from urllib.parse import quote

import pytest

from conftest import build_bundled, make_site, static_server
from yearbook.cli import main


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = build_bundled(tmp_path_factory, "browser")
    with static_server(out) as url:
        yield url


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(service_workers="block")  # offline caching is tested on its own
    yield context.new_page()
    context.close()


def test_section_page_shows_entries_table_and_navigation(server, page):
    page.goto(f"{server}/zh/2022/gov/meetings/")
    assert page.locator("h1").inner_text() == "重要会议"
    assert page.locator("#meetings-02").inner_text().startswith("【区政府常务会议】")
    assert page.locator("figure.data-table:has(#t04) tbody tr").count() == 13
    assert page.locator('.toc a[aria-current="page"]').inner_text() == "重要会议"
    assert page.locator(".pager .next").get_attribute("href") == "/zh/2022/gov/policies/"


def test_entry_anchor_scrolls_to_the_entry(server, page):
    page.goto(f"{server}/zh/2022/gov/fire/#fire-05")
    assert page.locator("#fire-05").evaluate("e => e.matches(':target')")
    assert page.locator("#fire-05").evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_language_switch_goes_to_the_counterpart(server, page):
    page.goto(f"{server}/zh/2022/gov/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{server}/en/2022/gov/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "People's Government of Hangzhou Gongshu District"


def test_root_redirects_to_the_default_language(server, page):
    page.goto(f"{server}/")
    page.wait_for_url(f"{server}/zh/")
    assert page.locator("h1").inner_text() == "拱墅年鉴"


@pytest.mark.parametrize("path,anchor", [
    ("zh/", ""),
    ("zh/2022/", ""),
    ("zh/2022/gov/", ""),
    ("zh/2022/gov/meetings/", "#meetings-02"),
    ("zh/2022/gov/meetings/", "#t04"),
    ("zh/2022/summaries/", ""),
    ("zh/2022/summaries/data-bureau/", ""),
    ("zh/2022/documents/tasks-2021/", "#r042"),
    ("zh/2022/documents/plenum-response/", "#commerce"),
])
def test_language_switch_keeps_page_and_entry(server, page, path, anchor):
    page.goto(f"{server}/{path}{anchor}")
    page.locator("a[data-lang-switch]").click()
    page.wait_for_url(f"{server}/en/{path[3:]}{anchor}")
    assert page.locator("html").get_attribute("lang") == "en"
    if anchor:
        assert page.locator(anchor).count() == 1
        assert page.locator(anchor).evaluate("e => e.matches(':target')")
    # ...and back again.
    page.locator("a[data-lang-switch]").click()
    page.wait_for_url(f"{server}/{path}{anchor}")


def test_switch_without_hash_lands_on_the_entry_being_read(server, page):
    page.goto(f"{server}/zh/2022/gov/fire/")
    page.evaluate("document.getElementById('fire-03').scrollIntoView()")
    page.locator("a[data-lang-switch]").click()
    page.wait_for_url(f"{server}/en/2022/gov/fire/#fire-03")


def test_untranslated_page_says_so_in_english(browser, tmp_path):
    # The bundled yearbook is fully translated, so the fixture site (a summary without .en.md) shows the banner.
    site = make_site(tmp_path / "site")
    assert main(["build", "--quiet", "--no-search", "--config", str(site / "config.yaml"),
                 "--output", str(site / "public")]) == 0
    with static_server(site / "public") as url:
        page = browser.new_page()
        page.goto(f"{url}/en/2022/summaries/data-bureau/")
        assert page.locator(".banner").inner_text().startswith("This page has not been translated yet")
        assert page.locator(".untranslated").get_attribute("lang") == "zh-CN"
        page.close()


def test_404_page_speaks_the_language_of_the_url(server, page):
    # Static hosts answer a missing URL with /404.html; python's http.server does not, so the route does.
    not_found = page.request.get(f"{server}/404.html").text()
    page.route("**/no/such/page/", lambda route: route.fulfill(status=404, body=not_found, content_type="text/html"))
    page.goto(f"{server}/en/no/such/page/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1:visible").inner_text() == "Page not found"
    # The site's frame in the URL's language: a search box that searches that edition, the volumes.
    assert page.locator("form[role=search]:visible").get_attribute("action") == "/en/search/"
    assert page.locator("a.brand:visible").inner_text() == "Gongshu Yearbook"
    assert page.locator(".not-found-volumes a:visible").first.get_attribute("href") == "/en/2022/"
    page.locator("form[role=search]:visible input").fill("fire")
    page.locator("form[role=search]:visible button").click()
    page.wait_for_url(f"{server}/en/search/?q=fire")
    page.goto(f"{server}/zh/no/such/page/")
    assert page.locator("h1:visible").inner_text() == "找不到这一页"


# "More results" has done its work: the next results are in (they arrive one by one) and the
# button is enabled again, or hidden because none are left.
MORE_DONE = """(shown) => { const more = document.getElementById('search-more');
  return more.hidden || (!more.disabled && document.querySelectorAll('#search-results > li').length > shown); }"""


def listed(page, server, lang, query) -> list:
    """Result links of the search page for `query`, every page of them."""
    page.goto(f"{server}/{lang}/search/?q={query}")
    page.wait_for_function("(() => { const s = document.getElementById('search-status').textContent;"
                           " return s && !s.endsWith('…'); })()", timeout=15000)
    while page.is_visible("#search-more"):
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(MORE_DONE, arg=shown)
    return [a.get_attribute("href").split("?")[0] for a in page.locator("#search-results > li > a.result-title").all()]


def test_untranslated_chinese_text_stays_out_of_the_english_index(server, page):
    # 社区智治在线 occurs only in Chinese summaries, which have no English text yet.
    assert listed(page, server, "zh", "社区智治在线")
    assert listed(page, server, "en", "社区智治在线") == []
    # The English index holds the English text.
    assert "/en/2022/gov/data/" in listed(page, server, "en", "Smart Guard e-Home")


def test_reading_and_search_work_offline_after_one_visit(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/zh/2022/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # active = the shell is kept
    # The shell and the opened volume's search records are kept; the volume's pages are not, yet.
    page.wait_for_function("caches.keys().then(k => k.some(n => n.startsWith('yearbook-2022-search-')))")
    assert not page.evaluate("caches.keys().then(k => k.some(n => /^yearbook-2022-[0-9a-f]+$/.test(n)))")
    # The reader keeps the volume: the button says when it is on this device.
    keep = page.locator(".keep-offline")
    keep.locator("button").click()
    keep.get_by_text("本卷已保存在本机").wait_for(timeout=30_000)
    assert keep.locator("button").inner_text() == "不再保存"
    context.set_offline(True)
    page.goto(f"{server}/zh/2022/gov/fire/")
    assert page.locator("h1").inner_text() == "消防"
    page.goto(f"{server}/zh/search/?q=消防宣传")
    page.wait_for_function("/找到/.test(document.getElementById('search-status').textContent)", timeout=15000)
    assert page.locator("#search-results a[href*='/zh/2022/gov/fire/']").count() >= 1
    context.set_offline(False)
    # Stop keeping it: the volume's pages leave the cache, the button says so.
    page.goto(f"{server}/zh/2022/")
    keep.locator("button").click()
    keep.locator("button", has_text="保存本卷，供离线阅读").wait_for()
    assert not page.evaluate("caches.keys().then(k => k.some(n => /^yearbook-2022-[0-9a-f]+$/.test(n)))")
    context.close()


def test_search_hit_highlights_the_words_on_arrival(server, page):
    page.goto(f"{server}/zh/search/?q=生命通道")
    page.wait_for_function("/找到/.test(document.getElementById('search-status').textContent)", timeout=15000)
    link = page.locator(".sub-results a").first
    href = link.get_attribute("href")
    assert "?hl=" in href and "#fire-" in href
    link.click()
    page.wait_for_load_state()
    marks = page.locator("main article mark.hit")
    assert marks.count() >= 1
    assert marks.first.inner_text() == "生命通道"


def wait_for_results(page):
    page.wait_for_function("(() => { const s = document.getElementById('search-status').textContent;"
                           " return s && !s.endsWith('…'); })()", timeout=15000)


def test_filters_narrow_results_in_the_page_language(server, page):
    page.goto(f"{server}/zh/search/?q=消防")
    wait_for_results(page)
    everything = page.locator("#search-results > li").count()
    page.get_by_role("checkbox", name=re.compile("^单位年度综述")).check()
    wait_for_results(page)
    summaries = page.locator("#search-results > li > a.result-title")
    assert 0 < summaries.count() < everything
    assert all("/zh/2022/summaries/" in a.get_attribute("href") for a in summaries.all())
    page.goto(f"{server}/en/search/?q=canal")
    wait_for_results(page)
    assert page.get_by_role("group", name="Kind").count() == 1
    page.get_by_role("checkbox", name=re.compile("^Article")).check()
    wait_for_results(page)
    links = page.locator("#search-results > li > a.result-title")
    assert links.count() == 1
    assert "/en/2022/documents/plenum-response/" in links.first.get_attribute("href")


def test_task_rows_are_search_hits_of_their_own(server, page):
    page.goto(f"{server}/zh/search/?q=时尚之都")
    wait_for_results(page)
    rows = [a.get_attribute("href") for a in page.locator(".sub-results a").all()]
    assert any(re.search(r"/zh/2022/documents/tasks-2022-q3/\?hl=.*#r0\d\d$", href) for href in rows), rows


@pytest.mark.parametrize("query,target", [
    ("下城区第四十六次区长办公会议", "/zh/2022/gov/meetings/?hl=%E4%B8%8B%E5%9F%8E%E5%8C%BA%E7%AC%AC%E5%9B%9B%E5%8D%81%E5%85%AD%E6%AC%A1%E5%8C%BA%E9%95%BF%E5%8A%9E%E5%85%AC%E4%BC%9A%E8%AE%AE#t04"),
    ("推门入户式消防安全宣传", "/zh/2022/gov/fire/?hl=%E6%8E%A8%E9%97%A8%E5%85%A5%E6%88%B7%E5%BC%8F%E6%B6%88%E9%98%B2%E5%AE%89%E5%85%A8%E5%AE%A3%E4%BC%A0#p05"),
])
def test_tables_and_figures_are_search_hits_of_their_own(server, page, query, target):
    page.goto(f"{server}/zh/search/?q={query}")
    wait_for_results(page)
    hits = [a.get_attribute("href") for a in page.locator(".sub-results a").all()]
    assert target in hits, hits


@pytest.mark.parametrize("width", [1280, 390])
def test_titles_stay_whole_in_two_column_lists_and_dates_on_one_line(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{server}/zh/departments/district-government/")
    split = page.evaluate("""() => [...document.querySelectorAll('.dept-list > li, .dept-entries > li')]
        .filter(li => li.getClientRects().length > 1).map(li => li.textContent.trim().slice(0, 30))""")
    assert page.locator(".dept-entries > li").count() > 3
    assert split == []
    page.goto(f"{server}/zh/2022/gov/meetings/")
    dates = page.evaluate("""() => [...document.querySelectorAll('figure.data-table td.short')].map(td => {
        const range = document.createRange(); range.selectNodeContents(td);
        return [td.textContent, range.getClientRects().length]; })""")
    assert any(text.endswith("日") for text, _ in dates)
    assert all(lines == 1 for _, lines in dates), dates
    page.close()


def test_the_reader_chooses_light_or_dark_and_it_is_remembered(server, browser):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(f"{server}/zh/2022/gov/meetings/")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle = page.locator("button.theme-toggle")
    assert toggle.inner_text() == "深色" and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate(background) != light
    assert toggle.inner_text() == "浅色" and toggle.get_attribute("aria-pressed") == "true"
    page.goto(f"{server}/en/2022/gov/fire/")   # another page, another language: still dark
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.locator("button.theme-toggle").inner_text() == "Light"
    page.locator("button.theme-toggle").click()
    page.reload()
    assert page.evaluate(background) == light
    context.close()


# --- Search as a reader uses it: pages of results, typing, the header box, filters, languages ---

def test_results_come_ten_at_a_time_with_an_estimate_until_all_are_checked(server, page):
    page.goto(f"{server}/zh/search/?q=拱墅区")
    page.wait_for_selector("#search-results > li")
    page.wait_for_function("!document.getElementById('search-more').disabled")
    assert page.locator("#search-results > li").count() == 10
    assert re.fullmatch(r"约 \d+ 页含有“拱墅区”，已列出 10 页", page.inner_text("#search-status"))
    while page.is_visible("#search-more"):
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(MORE_DONE, arg=shown)
    total = page.locator("#search-results > li").count()
    assert total > 20
    assert page.inner_text("#search-status").startswith(f"找到 {total} 页、")
    hrefs = [a.get_attribute("href") for a in page.locator("#search-results > li > a.result-title").all()]
    assert len(set(hrefs)) == total


def test_results_appear_while_the_reader_types(server, page):
    page.goto(f"{server}/zh/search/")
    page.locator("#search-input").press_sequentially("消防", delay=60)   # no Enter
    page.wait_for_selector("#search-results > li")
    assert "q=%E6%B6%88%E9%98%B2" in page.url   # the address says what is shown


def test_the_header_box_shows_the_first_results_under_itself(server, page):
    page.goto(f"{server}/zh/2022/gov/")
    page.click("#search-box-input")
    page.keyboard.type("消防", delay=60)
    popup = page.locator(".search-popup")
    popup.locator("li").first.wait_for()
    page.wait_for_function("!/正在/.test(document.querySelector('.search-popup-status').textContent)")
    assert 1 <= popup.locator("li").count() <= 5
    assert "消防" in popup.locator(".search-popup-status").inner_text()
    assert popup.locator("a.search-popup-all").get_attribute("href").endswith("/zh/search/?q=%E6%B6%88%E9%98%B2")
    page.keyboard.press("Escape")
    assert popup.is_hidden()


def volume_counts_match_the_results(page, server, query: str) -> int:
    """Search `query` until the count is exact; the volume filter then counts exactly the results."""
    page.goto(f"{server}/zh/search/?q={quote(query)}")
    page.wait_for_function("/^找到/.test(document.getElementById('search-status').textContent)", timeout=15000)
    found = page.locator("#search-results > li").count()
    volume = page.get_by_role("group", name="卷次").locator("label").all_inner_texts()
    assert [text.strip() for text in volume] == [f"2022 ({found})"]
    return found


def test_filter_counts_describe_the_results(server, page):
    found = volume_counts_match_the_results(page, server, "消防")
    kinds = page.get_by_role("group", name="类型").locator("label").all_inner_texts()
    assert sum(int(re.search(r"\((\d+)\)$", text).group(1)) for text in kinds) == found


def test_the_language_switch_keeps_the_query_and_the_department(server, page):
    page.goto(f"{server}/zh/search/?q=消防")
    page.click("a[data-lang-switch]")
    page.wait_for_load_state()
    assert page.url.endswith("/en/search/?q=%E6%B6%88%E9%98%B2")
    assert page.input_value("#search-input") == "消防"
    page.goto(f"{server}/zh/2022/documents/tasks-2021/?dept=data-bureau")
    page.click("a[data-lang-switch]")
    page.wait_for_load_state()
    assert "/en/2022/documents/tasks-2021/?dept=data-bureau" in page.url


def test_when_every_candidate_is_checked_the_filter_counts_are_exact_and_focus_stays(server, page):
    # 8.1% is in one page; a page holding 8, 1 and % apart is a candidate until it is checked.
    volume_counts_match_the_results(page, server, "8.1%")
    # "More results" from the keyboard: focus stays on the button, or moves to the next result.
    page.goto(f"{server}/zh/search/?q=拱墅区")
    page.wait_for_selector("#search-more:not([hidden]):not([disabled])")
    page.focus("#search-more")
    page.keyboard.press("Enter")
    page.wait_for_function(MORE_DONE, arg=10)
    assert page.evaluate("document.activeElement.id === 'search-more' || !!document.activeElement.closest('#search-results')")
