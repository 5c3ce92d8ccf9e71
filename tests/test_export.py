"""The offline edition (`build.py export`) opened from disk in real Chromium, by file://.

Links are followed across chapter, section, department and task pages; search
must list the same pages and entries as the online search page (Pagefind over
HTTP) for the same queries.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import ROOT, build_bundled, static_server, tree_bytes
from yearbook.cli import main

QUERIES = [("zh", "消防"), ("zh", "数字化改革"), ("zh", '"民生实事"'), ("en", "fire"), ("en", '"digital reform"')]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export") / "gongshu-yearbook-2022"
    assert main(["export", str(folder), "--volume", "2022", "--zip", "--quiet", "--config", str(ROOT / "config.yaml")]) == 0
    return folder


@pytest.fixture(scope="module")
def online(tmp_path_factory):
    out = build_bundled(tmp_path_factory, "online")
    with static_server(out) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("pageerror", lambda error: failed.append(str(error)))
    yield page
    context.close()
    assert not failed, failed


def test_links_open_files_across_chapter_section_department_and_task_pages(exported, page):
    page.goto((exported / "index.html").as_uri())
    page.wait_for_url("**/zh/index.html")
    assert page.locator(".offline-note").inner_text().startswith("离线版")
    page.locator("ol.parts a", has_text="杭州市拱墅区人民政府").first.click()
    page.wait_for_url("**/zh/2022/gov/index.html")
    page.locator("main a", has_text="重要会议").first.click()
    page.wait_for_url("**/zh/2022/gov/meetings/index.html")
    assert page.locator("#meetings-02").inner_text().startswith("【区政府常务会议】")
    page.locator("header a", has_text="单位名录").first.click()
    page.wait_for_url("**/zh/departments/index.html")
    page.locator("main a", has_text="区数据局").first.click()
    page.wait_for_url("**/zh/departments/data-bureau/index.html")
    page.locator("main a[href*='tasks-2021']").first.click()
    page.wait_for_url("**/zh/2022/documents/tasks-2021/index.html*")
    assert page.locator("table tbody tr").count() > 0
    page.locator("a[data-lang-switch]").click()
    page.wait_for_url("**/en/2022/documents/tasks-2021/index.html*")
    assert page.locator(".offline-note").inner_text().startswith("Offline edition")


def _collect(page, url: str) -> tuple:
    page.goto(url)
    strings = page.evaluate("JSON.parse(document.getElementById('search-strings').textContent)")
    page.wait_for_function("""(loading) => { const t = document.getElementById('search-status').textContent;
                              return t !== '' && t !== loading; }""", arg=strings["loading"])
    while page.is_visible("#search-more"):   # every result, not only the first ten
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function("""(shown) => { const more = document.getElementById('search-more');
            return !more.disabled && (more.hidden || document.querySelectorAll('#search-results > li').length > shown); }""",
                               arg=shown)
    hrefs = page.evaluate("""() => ({
        pages: [...document.querySelectorAll('#search-results > li > a.result-title')].map(a => a.href),
        entries: [...document.querySelectorAll('#search-results .sub-results a')].map(a => a.href)})""")
    assert hrefs["pages"], f"{url}: no results"
    return hrefs


def _site_path(href: str, root: str) -> str:
    """A result link as the page it names, relative to the site root: 'zh/2022/gov/fire/'."""
    path = unquote(urlsplit(href).path)
    path = path[len(root):] if path.startswith(root) else path.lstrip("/")
    return path.removesuffix("index.html")


@pytest.mark.parametrize("lang,query", QUERIES)
def test_search_from_disk_lists_what_the_online_search_lists(exported, online, page, lang, query):
    offline = _collect(page, f"{(exported / lang / 'search' / 'index.html').as_uri()}?q={quote(query)}")
    live = _collect(page, f"{online}/{lang}/search/?q={quote(query)}")
    root = urlsplit(exported.as_uri()).path + "/"

    def normal(hrefs, base):
        pages = {_site_path(h, base) for h in hrefs["pages"]}
        entries = {(_site_path(h, base), unquote(urlsplit(h).fragment)) for h in hrefs["entries"]}
        return pages, entries

    assert normal(offline, root) == normal(live, "/")
    # A result opens the page on disk, with the words marked.
    page.goto(offline["entries"][0] if offline["entries"] else offline["pages"][0])
    assert page.url.startswith("file://")
    assert page.locator("mark").count() > 0


def test_the_export_is_byte_identical_and_the_zip_holds_it(exported, tmp_path):
    again = tmp_path / "gongshu-yearbook-2022"
    assert main(["export", str(again), "--volume", "2022", "--zip", "--quiet", "--config", str(ROOT / "config.yaml")]) == 0
    assert tree_bytes(again) == tree_bytes(exported)
    first, second = exported.with_name(exported.name + ".zip"), again.with_name(again.name + ".zip")
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
    assert "gongshu-yearbook-2022/index.html" in names and "gongshu-yearbook-2022/search/zh.js" in names
    assert not [n for n in names if n.endswith(("sw.js", "offline.json", ".webmanifest")) or "/pagefind/" in n]


def test_nothing_in_the_export_needs_a_server(exported):
    for path in exported.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert 'href="/' not in html and 'src="/' not in html, path
        assert "manifest" not in html and "sw.js" not in html, path


def test_an_unknown_volume_is_an_error(tmp_path, capsys):
    assert main(["export", str(tmp_path / "x"), "--volume", "2099", "--config", str(ROOT / "config.yaml")]) == 1
    err = capsys.readouterr().err
    assert "config.yaml: error: --volume 2099: no such volume\n" in err
    assert not (tmp_path / "x").exists()


def test_build_offers_each_volume_for_offline_reading(tmp_path):
    out = tmp_path / "public"
    assert main(["build", "--quiet", "--config", str(ROOT / "config.yaml"), "--output", str(out)]) == 0
    archive = out / "downloads/gongshu-yearbook-2022.zip"   # config.yaml: offline_zip: gongshu-yearbook-{volume}
    for lang in ("zh", "en"):
        html = (out / lang / "2022/index.html").read_text(encoding="utf-8")
        assert '<a href="/downloads/gongshu-yearbook-2022.zip" download>' in html
    assert b"downloads/" not in (out / "offline.json").read_bytes()   # not precached by the service worker
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unpacked")
        volume_page = zf.read("gongshu-yearbook-2022/zh/2022/index.html").decode("utf-8")
    assert "离线版" in volume_page and "downloads/" not in volume_page   # no link to itself inside the edition
    assert (tmp_path / "unpacked/gongshu-yearbook-2022/search/zh.js").is_file()


def test_offline_zip_must_name_each_volume(tmp_path, capsys):
    from conftest import make_site
    site = make_site(tmp_path / "site")
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "offline_zip: yearbook\n", encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 1
    assert ("config.yaml:14:14: error: offline_zip 'yearbook' must name each volume's zip with {volume}\n"
            "  hint: e.g. offline_zip: gongshu-yearbook-{volume} (letters, digits, '-', '_' and '.')\n") \
        in capsys.readouterr().err


def test_links_to_volumes_left_out_of_an_edition_go_to_the_online_site():
    from yearbook.export import _Links
    links = _Links("/yb/", "https://example.org/yb/")
    html = ('<a href="/yb/zh/2021/gov/#gov-01">2021</a> <a href="/yb/zh/2022/gov/">2022</a> '
            '<link href="/yb/static/site.css"> <html data-root="/yb/">')
    page = links.rewrite(html, "zh/2022/gov/index.html")
    assert page == ('<a href="../../../zh/2021/gov/index.html#gov-01">2021</a> <a href="../../../zh/2022/gov/index.html">'
                    '2022</a> <link href="../../../static/site.css"> <html data-root="../../../">')
    assert links.online(("zh/2021/", "en/2021/"))(page) == (
        '<a href="https://example.org/yb/zh/2021/gov/#gov-01">2021</a> <a href="../../../zh/2022/gov/index.html">'
        '2022</a> <link href="../../../static/site.css"> <html data-root="../../../">')
    assert _Links("/", "/").online(("zh/2021/",)) is None   # no host to send readers to
