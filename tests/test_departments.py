"""Department directory and pages, links to them from other pages, and the task-table filter.

Expected values are computed here from the content files (the registry, front
matter, the task TSVs read with csv), not from the build's own code.
"""
from __future__ import annotations

import csv
import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, build_bundled, make_site, static_server
from yearbook.cli import main
from yearbook.data import KINDS

CONTENT = ROOT / "content"
REGISTRY = yaml.safe_load((CONTENT / "_data/departments.yaml").read_text(encoding="utf-8"))
IDS = [d["id"] for d in REGISTRY]
LANGS = ("zh", "en")
TASKS_2021 = CONTENT / "2022/documents/tasks-2021"
TASKS_Q3 = CONTENT / "2022/documents/tasks-2022-q3"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = build_bundled(tmp_path_factory, "departments", "--no-search")
    return out


def read(built: Path, url: str) -> str:
    return (built / url.strip("/") / "index.html").read_text(encoding="utf-8")


def rows_of(folder: Path) -> list:
    with (folder / "rows.zh.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def ids_in(row: dict, column: str) -> list:
    return [d for d in (row.get(column) or "").split(";") if d]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1]) or {}


def content_pages() -> list:
    """(URL path below the language, front matter, entry ids) of every Chinese source page."""
    pages = []
    for path in sorted(CONTENT.rglob("*.zh.md")):
        rel = path.relative_to(CONTENT).as_posix()[: -len(".zh.md")]
        key = rel[: -len("index")].rstrip("/") if rel.endswith("index") else rel
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        pages.append((f"{key}/" if key else "", front_matter(path), re.findall(r"^\{#([a-z0-9-]+)\}\s*$", body, re.M)))
    return pages


class Links(HTMLParser):
    """Every href and every id of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.hrefs, self.ids = [], set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def main_part(html: str) -> str:
    return html.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def groups(html: str) -> dict:
    """Directory: kind → [department id], in page order."""
    found = {}
    for kind, body in re.findall(r'<section class="dept-group" aria-labelledby="kind-([a-z]+)">(.*?)</section>', html, re.S):
        found[kind] = re.findall(r'<li[^>]*><a href="/(?:zh|en)/departments/([a-z0-9-]+)/">', body)
    return found


# --- the directory ---------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_directory_lists_every_body_once_by_kind(built, lang):
    html = read(built, f"{lang}/departments")
    found = groups(html)
    listed = [d for ids in found.values() for d in ids]
    assert sorted(listed) == sorted(IDS) and len(listed) == len(set(listed)) == 99
    # Groups in the registry's kind order, each body in its kind, by protocol order.
    assert list(found) == [k for k in KINDS if any(d["kind"] == k for d in REGISTRY)]
    for kind, ids in found.items():
        expected = sorted((d for d in REGISTRY if d["kind"] == kind), key=lambda d: (d.get("order", 999), d["id"]))
        assert ids == [d["id"] for d in expected], kind
    assert len(found["street"]) == 18
    heading = {"zh": "街道", "en": "Subdistricts"}[lang]
    assert f'<h2 id="kind-street">{heading}</h2>' in html


def test_directory_is_linked_from_the_header_of_every_page(built):
    for lang, title in (("zh", "单位名录"), ("en", "Departments")):
        for url in (f"{lang}/", f"{lang}/2022/gov/data/", f"{lang}/departments/data-bureau/"):
            assert f'<a href="/{lang}/departments/"' in read(built, url).split("</header>")[0], url
        assert f"<h1>{title}</h1>" in read(built, f"{lang}/departments")


# --- one department's page --------------------------------------------------------

def task_lists(html: str) -> dict:
    """Department page: (tasks page URL, role) → [row anchors] linked."""
    found = {}
    for doc in re.findall(r'<div class="dept-doc">(.*?)</div>', html, re.S):
        url = re.search(r'<a href="([^"#?]+)"', doc).group(1)
        for role, body in re.findall(r'<ul class="task-rows" data-role="([a-z]+)">(.*?)</ul>', doc, re.S):
            found[(url, role)] = re.findall(r'<a href="' + re.escape(url) + r'#(r\d{3})"', body)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_data_bureau_page_gathers_everything_about_it(built, lang):
    dept = "data-bureau"
    html = main_part(read(built, f"{lang}/departments/{dept}"))
    links = Links(html).hrefs
    pages = content_pages()
    # Its year-end summary.
    summaries = [url for url, front, _ in pages if front.get("type") == "summary" and front.get("department") == dept]
    assert summaries == ["2022/summaries/data-bureau/"]
    assert f"/{lang}/{summaries[0]}" in links
    # The pages about it, with their entries; the entries (article parts) whose metadata names it.
    entries = [f"/{lang}/{url}#{e}" for url, front, ids in pages if dept in (front.get("departments") or []) for e in ids]
    entries += [f"/{lang}/{url}#{e}" for url, front, _ in pages
                for e, meta in (front.get("entries") or {}).items() if dept in ((meta or {}).get("departments") or [])]
    assert len(entries) == 8   # 数据资源管理: 7 entries; the plenum article: its 区数据资源局 part
    for link in entries:
        assert link in links, link
    # The photos it supplied.
    figures = [f"/{lang}/{url}#{f['id']}" for url, front, _ in pages for f in front.get("figures") or []
               if (f.get("credit") or {}).get("department") == dept]
    assert figures and all(f in links for f in figures)
    # Tasks it leads and shares (2021 breakdown) and leads (2022 Q3 progress), row by row.
    rows_2021, rows_q3 = rows_of(TASKS_2021), rows_of(TASKS_Q3)
    expected = {
        (f"/{lang}/2022/documents/tasks-2021/", "lead"): [f"r{int(r['no']):03d}" for r in rows_2021 if dept in ids_in(r, "lead")],
        (f"/{lang}/2022/documents/tasks-2021/", "responsible"): [f"r{int(r['no']):03d}" for r in rows_2021
                                                                if dept in ids_in(r, "responsible")],
        (f"/{lang}/2022/documents/tasks-2022-q3/", "lead"): [f"r{int(r['no']):03d}" for r in rows_q3 if dept in ids_in(r, "lead")],
    }
    assert [len(v) for v in expected.values()] == [4, 15, 2]
    assert task_lists(html) == expected
    heading = {"zh": "牵头单位（4 项）", "en": "Lead unit (4)"}[lang]
    assert heading in html
    # The count shown on the page and in the directory is everything listed above.
    total = 1 + 1 + 1 + 1 + sum(len(v) for v in expected.values())   # summary, page, article part, photo, rows
    count = {"zh": f"{total} 项", "en": f"{total} items"}[lang]
    assert f"<dd>{count}</dd>" in html
    assert f'<a href="/{lang}/departments/{dept}/">' in read(built, f"{lang}/departments")
    # The name as printed where it differs; registry aliases and notes.
    assert "区数据资源局" in html.split('<section class="dept-section dept-parts">')[1].split("</section>")[0]
    assert "拱墅区数据局" in html and 'class="notes"' in html


def test_english_page_shows_english_titles_and_marks_chinese_text(built):
    html = main_part(read(built, "en/departments/data-bureau"))
    assert "<h1>Gongshu District Bureau of Data Resources</h1>" in html
    assert '<a href="/en/2022/summaries/data-bureau/">Gongshu District Bureau of Data Resources</a>' in html
    assert '<a href="/en/2022/gov/data/#data-01">General Situation</a>' in html
    # Rows of a translated table are English; rows of a table without rows.en.tsv are Chinese, marked as such.
    for folder in (TASKS_2021, TASKS_Q3):
        rows = re.findall(rf'<a href="/en/2022/documents/{folder.name}/#r\d{{3}}"([^>]*)>', html)
        expected = "" if (folder / "rows.en.tsv").exists() else ' lang="zh-CN"'
        assert rows and all(attrs == expected for attrs in rows), folder.name
    assert '<p class="other-name" lang="zh-CN">区数据局</p>' in html


def test_every_link_on_department_pages_resolves(built):
    ids_cache: dict = {}
    checked = 0
    for lang in LANGS:
        for page in sorted((built / lang / "departments").rglob("index.html")):
            for href in Links(main_part(page.read_text(encoding="utf-8"))).hrefs:
                parts = urlsplit(href)
                target = page.parent if not parts.path else built / parts.path.strip("/")
                file = target / "index.html"
                assert file.is_file(), f"{page}: {href}"
                if parts.fragment:
                    if file not in ids_cache:
                        ids_cache[file] = Links(file.read_text(encoding="utf-8")).ids
                    assert parts.fragment in ids_cache[file], f"{page}: {href}"
                checked += 1
    assert checked > 2000


def test_department_pages_stay_out_of_the_search_index(built):
    for lang in LANGS:
        for page in [built / lang / "departments/index.html", *sorted((built / lang / "departments").glob("*/index.html"))]:
            html = page.read_text(encoding="utf-8")
            assert "data-pagefind-body" not in html, page
            assert 'data-pagefind-ignore="all"' in html, page
    # Pagefind indexes only pages with data-pagefind-body when any page has it, and content pages do.
    assert "data-pagefind-body" in read(built, "zh/2022/gov/data")


# --- department names link to their pages elsewhere --------------------------------

def test_summaries_figures_and_task_rows_link_to_departments(built):
    summary = read(built, "zh/2022/summaries/data-bureau")
    assert '<p class="department">单位: <a href="/zh/departments/data-bureau/">区数据局</a></p>' in summary
    data = read(built, "en/2022/gov/data")
    assert re.search(r'<span class="credit">Photo: <a href="/en/departments/data-bureau/">', data)
    tasks = read(built, "zh/2022/documents/tasks-2021")
    row = tasks.split('id="r101"')[1].split("</tr>")[0]
    assert '<a href="/zh/departments/gov-office/" data-dept="gov-office">区府办</a>' in row
    assert '<a href="/zh/departments/data-bureau/" data-dept="data-bureau">区数据资源局</a>' in row
    # Names broken over two lines in print still link: 区综合行政 执法局 (row 56).
    row = tasks.split('id="r056"')[1].split("</tr>")[0]
    assert '<a href="/zh/departments/law-enforcement-bureau/" data-dept="law-enforcement-bureau">区综合行政 执法局</a>' in row


@pytest.mark.parametrize("folder,url", [(TASKS_2021, "zh/2022/documents/tasks-2021"),
                                        (TASKS_Q3, "en/2022/documents/tasks-2022-q3")])
def test_task_rows_carry_their_departments_for_the_filter(built, folder, url):
    html = read(built, url)
    rows = rows_of(folder)
    carried = {anchor: ids.split() for ids, anchor in
               re.findall(r'<tr data-departments="([^"]*)"><td><h3 class="row-heading" id="(r\d{3})"', html)}
    assert len(carried) == len(rows)
    counts: dict = {}
    for row in rows:
        expected = list(dict.fromkeys(ids_in(row, "lead") + ids_in(row, "responsible")))
        assert carried[f"r{int(row['no']):03d}"] == expected
        for dept in expected:
            counts[dept] = counts.get(dept, 0) + 1
    data = json.loads(re.search(r'data-task-filter="([^"]*)"', html).group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert {d: n for d, _, n in data["departments"]} == counts
    assert '<script src="/static/tasks.js" defer></script>' in html


def test_tasks_script_is_loaded_by_tasks_pages_only(built):
    assert "tasks.js" not in read(built, "zh/2022/gov/data")
    assert "tasks.js" not in read(built, "zh/departments/data-bureau")


# --- a department with nothing; several volumes -----------------------------------

@pytest.fixture(scope="module")
def two_volumes(tmp_path_factory) -> Path:
    """The fixture site with a second volume (a 2023 summary of the data bureau) and a body nothing mentions."""
    site = make_site(tmp_path_factory.mktemp("two-volumes") / "site")
    registry = site / "content/_data/departments.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        "- id: quiet-office\n  name: {zh: 区静办, en: Quiet Office}\n  kind: office\n  order: 9\n"), encoding="utf-8")
    volume = site / "content/2023"
    (volume / "summaries").mkdir(parents=True)
    (volume / "index.zh.md").write_text("---\ntype: volume\ntitle: 测试年鉴 2023\nedition_year: 2023\ncoverage_year: 2022\n---\n",
                                        encoding="utf-8")
    (volume / "summaries/index.zh.md").write_text("---\ntype: collection\ntitle: 单位年度工作综述\n---\n", encoding="utf-8")
    (volume / "summaries/data-bureau.zh.md").write_text(
        "---\ntype: summary\ntitle: 区数据局\ndepartment: data-bureau\nname_as_printed: 区数据资源局\n---\n\n又一年。\n", encoding="utf-8")
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('volumes: ["2022"]', 'volumes: ["2023", "2022"]'), encoding="utf-8")
    out = site / "public"
    assert main(["build", "--no-search", "--quiet", "--config", str(config), "--output", str(out)]) == 0
    return out


def test_a_department_with_nothing_has_a_valid_page(two_volumes):
    for lang, nothing in (("zh", "本站暂无涉及这个单位的内容。"), ("en", "Nothing in the yearbook is about this body yet.")):
        html = read(two_volumes, f"{lang}/departments/quiet-office")
        assert f'<p class="nothing">{nothing}</p>' in html
        assert html.count("<h1>") == 1 and "<h2" not in main_part(html)
        directory = read(two_volumes, f"{lang}/departments")
        item = re.search(r'<li class="empty"><a href="/' + lang + r'/departments/quiet-office/">', directory)
        assert item
        for href in Links(main_part(html)).hrefs:
            assert (two_volumes / urlsplit(href).path.strip("/") / "index.html").is_file(), href


def test_several_volumes_group_a_page_by_volume(two_volumes):
    html = main_part(read(two_volumes, "zh/departments/data-bureau"))
    volumes = re.findall(r'<h2 class="dept-volume"><a href="(/zh/\d{4}/)">', html)
    assert volumes == ["/zh/2023/", "/zh/2022/"]
    newer, older = html.split('<h2 class="dept-volume">')[1:]
    assert '<a href="/zh/2023/summaries/data-bureau/">' in newer and "（原文作“" in newer
    assert '<a href="/zh/2022/summaries/data-bureau/">' in older and "/zh/2023/" not in older


# --- in the browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def searched(tmp_path_factory) -> Path:
    """The bundled site with its search index (served to the browser below)."""
    out = build_bundled(tmp_path_factory, "departments-search")
    return out


def test_pagefind_indexes_no_department_page(searched):
    urls = []
    for fragment in (searched / "pagefind").glob("*/*/fragment/*"):
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[data.index(b"{"):])["url"])
    assert any(u.startswith("/zh/2022/summaries/") for u in urls)
    assert not [u for u in urls if "/departments/" in u]


@pytest.fixture(scope="module")
def server(searched):
    with static_server(searched) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(service_workers="block")
    yield context.new_page()
    context.close()


def visible_rows(page) -> list:
    return page.locator("table.tasks tbody tr[data-departments]:visible h3").evaluate_all("hs => hs.map(h => h.id)")


def shown_text(row: dict) -> str:
    """What the filter's text box looks in: the row number and the work text (not people or units)."""
    return " ".join(row.get(k, "") for k in ("no", "content", "progress"))


def test_filter_by_department_and_by_text(server, page):
    rows = rows_of(TASKS_2021)
    page.goto(f"{server}/zh/2022/documents/tasks-2021/")
    status = page.get_by_role("status").filter(has_text="项任务")
    assert status.inner_text() == "共 106 项任务"
    assert status.get_attribute("aria-live") == "polite"
    assert len(visible_rows(page)) == 106

    select = page.get_by_label("单位", exact=True)
    select.select_option("data-bureau")
    mine = [f"r{int(r['no']):03d}" for r in rows if "data-bureau" in ids_in(r, "lead") + ids_in(r, "responsible")]
    assert len(mine) == 19
    assert visible_rows(page) == mine
    assert status.inner_text() == "显示 19 项任务，共 106 项"
    assert page.locator("a.selected[data-dept='data-bureau']").count() == 19
    assert "dept=data-bureau" in page.url

    select.select_option("")
    box = page.get_by_label("包含文字")
    box.fill("亚运")
    expected = [f"r{int(r['no']):03d}" for r in rows if "亚运" in shown_text(r)]
    assert 0 < len(expected) < 106
    page.wait_for_function(f"document.querySelectorAll('table.tasks tr[data-departments]:not([hidden])').length === {len(expected)}")
    assert visible_rows(page) == expected
    assert status.inner_text() == f"显示 {len(expected)} 项任务，共 106 项"
    # Groups with no row left are hidden with their heading.
    assert page.locator("table.tasks tbody:visible tr.group").count() == len(
        {r["group"] for r in rows if f"r{int(r['no']):03d}" in expected})

    # A unit's name is not work text: 消防 finds the rows about fire safety, not every row
    # the fire brigade (区消防救援大队) shares.
    box.fill("消防")
    fire = [f"r{int(r['no']):03d}" for r in rows if "消防" in shown_text(r)]
    named = [r for r in rows if "消防" in r["lead_as_printed"] + r["responsible_as_printed"] and "消防" not in shown_text(r)]
    assert named, "the 2021 table names the fire brigade in rows that are not about fire"
    page.wait_for_function(f"document.querySelectorAll('table.tasks tr[data-departments]:not([hidden])').length === {len(fire)}")
    assert visible_rows(page) == fire

    box.fill("")
    page.wait_for_function("document.querySelectorAll('table.tasks tr[data-departments]:not([hidden])').length === 106")
    assert status.inner_text() == "共 106 项任务"


def test_department_page_links_to_its_rows_in_the_table(server, page):
    page.goto(f"{server}/en/departments/data-bureau/")
    page.locator("a.filter-link, .filter-link a").first.click()
    page.wait_for_url(f"{server}/en/2022/documents/tasks-2021/?dept=data-bureau")
    assert page.get_by_label("Department", exact=True).input_value() == "data-bureau"
    assert len(visible_rows(page)) == 19
    assert page.get_by_role("status").filter(has_text="tasks").inner_text() == "Showing 19 of 106 tasks"


def test_without_javascript_the_whole_table_is_there(browser, server):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    page = context.new_page()
    page.goto(f"{server}/zh/2022/documents/tasks-2021/?dept=data-bureau")
    assert page.locator("table.tasks tbody tr[data-departments]:visible").count() == 106
    assert page.locator("form.task-filter").count() == 0
    context.close()


def test_on_a_phone_rows_are_labelled_cards_and_the_filter_still_hides_rows(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    page.goto(f"{server}/zh/2022/documents/tasks-2021/?dept=data-bureau")
    assert len(visible_rows(page)) == 19
    first = page.locator("table.tasks tbody tr[data-departments]:visible").first
    # A card: the cells stacked, each saying which column it is; nothing wider than the screen.
    lead = first.locator("td[data-label='牵头单位']")
    assert page.evaluate("(td) => getComputedStyle(td, '::before').content", lead.element_handle()) == '"牵头单位："'
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
