"""Quality gates and reader aids on the built bundled yearbook.

- Valid HTML: the Nu HTML Checker (vnu.jar, pinned in tests/package.json) over one page of
  every page kind in every language, kinds found from `<body class="kind-…">` so that a
  new kind is covered without touching this file.
- Accessibility: axe-core in Chromium on the same pages, on a desktop, on a phone
  (360×740) and in dark mode; no serious or critical violation.
- Links: every href/src/action of every HTML file, every #fragment, every sitemap URL
  and every manifest URL resolves in the built site.
- Reader aids: the volume's full contents with its tables and figures, canonical URL,
  Open Graph, manifest, the copy-link button, the print stylesheet, the sticky header on
  phones and the year switch (on a site of two volumes).

Node packages: `npm ci --prefix tests` (what .ci/run does).
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import ROOT, build_bundled, make_site, require, static_server

NODE_MODULES = ROOT / "tests" / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
# Page kinds the bundled yearbook must have; generated kinds (departments, …) come on top.
REQUIRED_KINDS = {"home", "volume", "chapter", "section", "collection", "summary", "tasks", "article", "search", "404"}


# --- the built site -----------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = build_bundled(tmp_path_factory, "quality")
    return out


class Document(HTMLParser):
    """What the checks need from an HTML file: ids, link-like attributes, anchors with text."""

    LINK_ATTRS = {"href", "src", "action"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set = set()
        self.urls: list = []      # (line, tag, attribute, value)
        self.anchors: list = []   # [href, text] of every <a>
        self.meta: dict = {}      # name or property → content
        self.links: dict = {}     # rel → href of <link>
        self.html_lang = ""
        self.body_class = ""
        self._open: list = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in self.LINK_ATTRS & attrs.keys():
            self.urls.append((self.getpos()[0], tag, name, attrs[name] or ""))
        if tag == "html":
            self.html_lang = attrs.get("lang", "")
        elif tag == "body":
            self.body_class = attrs.get("class") or ""
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs.get("property"), []).append(attrs.get("content"))
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), attrs.get("href"))
        elif tag == "a":
            self.anchors.append([attrs.get("href"), ""])
            self._open.append(len(self.anchors) - 1)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for index in self._open:
            self.anchors[index][1] += data


@functools.lru_cache(maxsize=None)
def parse(path: Path) -> Document:
    return Document(path.read_text(encoding="utf-8"))


def html_files(out: Path) -> list:
    return sorted(out.rglob("*.html"))


def samples(out: Path) -> dict:
    """(kind, language) → the first page of that kind in that language (paths sorted)."""
    found: dict = {}
    for path in html_files(out):
        doc = parse(path)
        kind = next((c[5:] for c in doc.body_class.split() if c.startswith("kind-")), "redirect")
        found.setdefault((kind, doc.html_lang), path)
    return found


def url_of(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def file_of(out: Path, url_path: str) -> Path | None:
    """The file a root-relative URL path is served from (directory URL → index.html)."""
    target = out / unquote(url_path).lstrip("/")
    if url_path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def test_every_page_kind_is_sampled(built):
    kinds = {kind for kind, _ in samples(built)}
    assert REQUIRED_KINDS <= kinds, f"missing page kinds: {sorted(REQUIRED_KINDS - kinds)}"
    for kind in kinds - {"404", "redirect"}:
        assert {lang for k, lang in samples(built) if k == kind} == {"zh-CN", "en"}, kind


# --- Nu HTML Checker ----------------------------------------------------------------------


def test_one_page_of_every_kind_is_valid_html(built):
    require(shutil.which("java") is not None, "Java", "apt-get install default-jre-headless")
    require(VNU.exists(), "vnu.jar", "npm ci --prefix tests")
    files = sorted(str(path) for path in samples(built).values())
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=600)
    # vnu reports on stderr; a vnu that dies (no JSON, or exit code 2+) must fail the test, not pass it.
    assert result.stderr.strip().startswith("{"), f"vnu exited {result.returncode}: {result.stderr[-500:]}"
    messages = json.loads(result.stderr)["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert result.returncode == (1 if errors else 0), f"vnu exited {result.returncode}"
    report = "\n".join(f"{m.get('url', '').replace('file:' + str(built), '')}:{m.get('lastLine', 0)}: {m['message']}\n"
                       f"    {m.get('extract', '').strip()[:160]}" for m in errors)
    assert not errors, f"{len(errors)} HTML error(s):\n{report}"


# --- links ---------------------------------------------------------------------------------


def test_no_broken_link_or_anchor_anywhere(built):
    broken = []
    for path in html_files(built):
        base = url_of(built, path)
        for line, tag, attr, value in parse(path).urls:
            where = f"{path.relative_to(built)}:{line}: <{tag} {attr}=\"{value}\">"
            if value in ("", "#"):
                broken.append(f"{where}: empty link")
                continue
            url = urlsplit(urljoin(base, value))
            if url.scheme in ("http", "https", "mailto", "tel") and url.netloc != "":
                continue  # outside the site
            target = file_of(built, url.path)
            if target is None:
                broken.append(f"{where}: no file for {url.path}")
            elif url.fragment and unquote(url.fragment) not in parse(target).ids:
                broken.append(f"{where}: no id '{url.fragment}' in {target.relative_to(built)}")
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:50])


def test_sitemap_and_manifest_urls_exist(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ET.parse(built / "sitemap.xml")
    urls = [e.text for e in tree.iterfind("s:url/s:loc", ns)] + [e.get("href") for e in tree.iterfind("s:url/x:link", ns)]
    assert len(urls) > 300
    manifests = sorted(built.glob("*/manifest.webmanifest"))
    assert len(manifests) == 2
    for manifest in manifests:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        urls += [data["start_url"]] + [icon["src"] for icon in data["icons"]]
    missing = [url for url in urls if file_of(built, urlsplit(url).path) is None]
    assert not missing, missing


# --- volume contents -------------------------------------------------------------------------


def test_volume_lists_every_page_and_entry_of_the_volume(built):
    for prefix in ("zh", "en"):
        volume = built / prefix / "2022" / "index.html"
        listed = {href for href, _ in parse(volume).anchors}
        pages = [p for p in sorted((built / prefix / "2022").rglob("index.html")) if p != volume]
        assert len(pages) > 90
        entries = 0
        for page in pages:
            url = url_of(built, page)
            assert url in listed, f"{url} is not in the contents of {prefix}/2022"
            for entry in re.findall(r'<h2 id="([a-z0-9-]+)" class="entry">', page.read_text(encoding="utf-8")):
                assert f"{url}#{entry}" in listed, f"{url}#{entry} is not in the contents"
                entries += 1
        assert entries == 55  # 45 yearbook entries and 10 parts of the article


def test_volume_lists_tables_and_figures_with_their_numbers(built):
    for prefix, table, figure in (("zh", "表", "图"), ("en", "Table ", "Figure ")):
        doc = parse(built / prefix / "2022" / "index.html")
        text = {href: " ".join(label.split()) for href, label in doc.anchors}
        assert text[f"/{prefix}/2022/gov/meetings/#t04"].startswith(f"{table}4 ")
        figures = [(href, label) for href, label in doc.anchors if label.strip().startswith(figure)]
        assert [label.split()[0 if prefix == "zh" else 1] for _, label in figures] == \
            [f"{'图' if prefix == 'zh' else ''}{n}" for n in range(1, 6)]
        # in reading order: the order of the sections in the chapter, and each figure shows its number
        sections = ["policies", "approval", "data", "emergency", "fire"]
        for number, ((href, label), section) in enumerate(zip(figures, sections), start=1):
            assert href.startswith(f"/{prefix}/2022/gov/{section}/#p0"), href
            page = (built / href.lstrip("/").split("#")[0] / "index.html").read_text(encoding="utf-8")
            assert f'id="{href.split("#")[1]}"><span class="number">{figure}{number}</span>' in page


def test_volume_contents_fold_without_script(built):
    html = (built / "zh" / "2022" / "index.html").read_text(encoding="utf-8")
    contents = html.split('<ol class="volume-toc">')[1].split("</ol>\n<h2>")[0]
    assert contents.count("<details open>") >= 3          # each part's pages, open
    assert '<details class="toc-entries">' in contents     # each page's entries, folded
    assert not re.search(r"<summary>[^<]*<a ", contents)  # no link inside a summary (it is a button)


# --- web conventions ---------------------------------------------------------------------------


def test_canonical_open_graph_description_and_manifest(built):
    doc = parse(built / "zh" / "2022" / "gov" / "meetings" / "index.html")
    assert doc.links["canonical"] == "/zh/2022/gov/meetings/"
    assert doc.meta["og:url"] == ["/zh/2022/gov/meetings/"]
    assert doc.meta["og:title"] == ["重要会议"]
    assert doc.meta["og:type"] == ["article"]
    assert doc.meta["og:locale"] == ["zh_CN"] and doc.meta["og:locale:alternate"] == ["en"]
    assert doc.meta["og:site_name"] == ["拱墅年鉴"]
    # no description in the front matter: the first sentence of the text
    assert doc.meta["description"] == doc.meta["og:description"] == ["2021年10月8日，区政府召开第一次全体（扩大）会议。"]
    assert doc.links["manifest"] == "/zh/manifest.webmanifest"
    en = parse(built / "en" / "2022" / "summaries" / "data-bureau" / "index.html")
    assert en.meta["og:locale"] == ["en"] and en.meta["og:locale:alternate"] == ["zh_CN"]
    assert not re.search(r"[\u4e00-\u9fff]", en.meta["description"][0])  # untranslated: the site's description
    home = parse(built / "en" / "index.html")
    assert home.meta["og:type"] == ["website"] and home.links["manifest"] == "/en/manifest.webmanifest"
    for path in html_files(built):
        if "pagefind" not in path.relative_to(built).parts:
            assert "manifest" in parse(path).links, f"{path.relative_to(built)} does not link the manifest"
    manifest = json.loads((built / "zh" / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "拱墅年鉴" and manifest["start_url"] == "/zh/" and manifest["lang"] == "zh-CN"
    assert manifest["icons"] == [{"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}]
    assert manifest["theme_color"] and manifest["background_color"]


def test_canonical_and_og_url_are_absolute_with_an_absolute_base_url(tmp_path, run):
    site = make_site(tmp_path / "site")
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/yb/"),
                      encoding="utf-8")
    code, _, err = run(site, "build", "--no-search", "--quiet")
    assert code == 0, err
    doc = parse(site / "public" / "zh" / "2022" / "gov" / "meetings" / "index.html")
    assert doc.links["canonical"] == "https://example.org/yb/zh/2022/gov/meetings/"
    assert doc.meta["og:url"] == ["https://example.org/yb/zh/2022/gov/meetings/"]
    assert doc.links["manifest"] == "/yb/zh/manifest.webmanifest"
    manifest = json.loads((site / "public" / "zh" / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "/yb/zh/" and manifest["scope"] == "/yb/"


# --- year switch (a site of two volumes) --------------------------------------------------------


def two_volumes(tmp_path) -> Path:
    """The fixture site plus a 2023 volume that has the gov chapter only (no summaries, no documents)."""
    site = make_site(tmp_path / "site")
    content = site / "content"
    shutil.copytree(content / "2022" / "gov", content / "2023" / "gov")
    for name in ("index.zh.md", "index.en.md"):
        if (content / "2022" / name).exists():
            text = (content / "2022" / name).read_text(encoding="utf-8")
            (content / "2023" / name).write_text(
                text.replace("2022", "2023").replace("coverage_year: 2021", "coverage_year: 2022"), encoding="utf-8")
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('volumes: ["2022"]', 'volumes: ["2023", "2022"]'),
                      encoding="utf-8")
    return site


def switch_links(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    block = html.split('<details class="year-switch">')[1].split("</details>")[0]
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block)}


def test_year_switch_lands_on_the_same_section_or_the_volume_home(tmp_path, run):
    site = two_volumes(tmp_path)
    code, _, err = run(site, "build", "--no-search", "--quiet")
    assert code == 0, err
    public = site / "public"
    volume_2023 = re.search(r"<h1[^>]*>([^<]+)</h1>", (public / "zh/2023/index.html").read_text(encoding="utf-8"))[1]
    volume_2022 = re.search(r"<h1[^>]*>([^<]+)</h1>", (public / "zh/2022/index.html").read_text(encoding="utf-8"))[1]
    # the same section exists in the other volume: land there
    assert switch_links(public / "zh/2022/gov/meetings/index.html") == {
        volume_2023: "/zh/2023/gov/meetings/", volume_2022: "/zh/2022/gov/meetings/"}
    assert "/en/2022/gov/meetings/" in switch_links(public / "en/2023/gov/meetings/index.html").values()
    # it does not: land on that volume's home
    assert switch_links(public / "zh/2022/summaries/data-bureau/index.html")[volume_2023] == "/zh/2023/"
    assert switch_links(public / "zh/2022/summaries/index.html")[volume_2023] == "/zh/2023/"
    assert switch_links(public / "zh/2023/index.html")[volume_2022] == "/zh/2022/"
    # the current volume is marked; a site of one volume has no switch
    assert 'aria-current="page">' + volume_2022 in (public / "zh/2022/gov/data/index.html").read_text(encoding="utf-8")
    assert switch_links(public / "zh/2023/gov/data/index.html")[volume_2022] == "/zh/2022/gov/data/"
    assert 'class="year-switch"' not in (public / "zh/index.html").read_text(encoding="utf-8")


def test_a_single_volume_site_has_no_year_switch(built):
    assert 'class="year-switch"' not in (built / "zh" / "2022" / "gov" / "meetings" / "index.html").read_text(encoding="utf-8")


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built):
    with static_server(built) as url:
        yield url


MODES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_no_serious_accessibility_violation(built, server, browser, mode):
    require(AXE.exists(), "axe-core", "npm ci --prefix tests")
    context = browser.new_context(service_workers="block", **MODES[mode])
    page = context.new_page()
    problems = []
    try:
        for (kind, lang), path in sorted(samples(built).items()):
            if kind == "redirect":
                continue
            page.goto(server + url_of(built, path))
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
            for v in violations:
                if v["impact"] in ("serious", "critical"):
                    targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
                    problems.append(f"{url_of(built, path)} [{kind}, {lang}] {v['impact']} {v['id']}: {v['help']}\n"
                                    f"    {len(v['nodes'])} element(s): {targets}")
    finally:
        context.close()
    assert not problems, f"{len(problems)} violation(s) in {mode} mode:\n" + "\n".join(problems)


@pytest.fixture
def reader(browser, server):
    context = browser.new_context(service_workers="block")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    yield context.new_page()
    context.close()


def test_copy_link_copies_the_entry_url_and_says_so(server, reader):
    reader.goto(f"{server}/zh/2022/gov/meetings/?hl=会议")
    button = reader.locator("#meetings-02 button.copy-link")
    assert button.get_attribute("aria-label") == "复制本条链接"
    assert reader.locator("#copy-status").get_attribute("aria-live") == "polite"
    button.click()
    status = reader.locator("#copy-status")
    status.filter(has_text="已复制链接").wait_for()
    assert reader.evaluate("navigator.clipboard.readText()") == f"{server}/zh/2022/gov/meetings/#meetings-02"
    reader.goto(f"{server}/en/2022/gov/meetings/")
    reader.locator("#meetings-03 button.copy-link").click()
    reader.locator("#copy-status").filter(has_text="Link copied").wait_for()
    assert reader.evaluate("navigator.clipboard.readText()") == f"{server}/en/2022/gov/meetings/#meetings-03"


def test_entry_link_is_there_without_script(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/zh/2022/gov/meetings/")
    link = page.locator("#meetings-02 a.anchor")
    assert link.get_attribute("href") == "#meetings-02"
    assert link.is_visible() and link.evaluate("e => getComputedStyle(e).opacity") == "1"
    assert page.locator("button.copy-link").count() == 0  # the button needs script; the link does not
    page.goto(f"{server}/zh/2022/")
    assert page.locator(".volume-toc a[href='/zh/2022/gov/meetings/']").is_visible()  # open without script
    context.close()


def test_header_gives_way_on_a_phone_and_anchors_land_below_it(browser, server):
    context = browser.new_context(service_workers="block", **MODES["phone"])
    page = context.new_page()
    page.goto(f"{server}/zh/2022/gov/fire/#fire-05")
    page.wait_for_timeout(200)
    header = page.locator(".masthead").bounding_box()
    entry = page.locator("#fire-05").bounding_box()
    assert header["y"] == 0 and entry["y"] >= header["height"] - 1, (header, entry)
    # Reading down, the header slides away (the text gets the whole screen); up, it is back.
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(400)
    box = page.locator(".masthead").bounding_box()
    assert box["y"] + box["height"] <= 1, box
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(400)
    assert page.locator(".masthead").bounding_box()["y"] == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    context.close()


def test_print_shows_the_text_without_navigation(browser, server):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(f"{server}/zh/2022/gov/meetings/")
    page.emulate_media(media="print")
    for selector in (".masthead", ".toc", ".pager", "nav.entries", "button.copy-link", "a.anchor"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
    assert page.locator("h1").is_visible() and page.locator("#t04").is_visible()
    # Where the page is (volume › chapter) prints above its title; the editorial notes print open.
    assert page.locator(".breadcrumbs").is_visible()
    assert "杭州市拱墅区人民政府" in page.locator(".breadcrumbs").inner_text()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.notes").evaluate("e => e.open")
    assert page.locator("tbody tr").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    external = page.evaluate("""() => { const a = document.createElement('a'); a.href = 'https://example.org/x';
        a.textContent = 'x'; document.querySelector('main p').append(a);
        return getComputedStyle(a, '::after').content; }""")
    assert external == '" (" attr(href) ")"' or "https://example.org/x" in external
    internal = page.locator("main p a, main li a").first.evaluate("e => getComputedStyle(e, '::after').content")
    assert internal in ("none", "normal")
    assert page.pdf()[:4] == b"%PDF"
    context.close()
