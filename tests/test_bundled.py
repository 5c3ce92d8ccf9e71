"""The bundled Gongshu yearbook builds completely and keeps its printed structure."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build_bundled


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = build_bundled(tmp_path_factory, "bundled", "--no-search")
    return out


def read(built: Path, path: str) -> str:
    return (built / path / "index.html").read_text(encoding="utf-8")


def test_every_page_declares_its_language(built):
    pages = sorted(built.rglob("index.html"))
    assert len(pages) > 180
    for page in pages:
        html = page.read_text(encoding="utf-8")
        prefix = page.relative_to(built).parts[0]
        expected = {"zh": "zh-CN", "en": "en"}.get(prefix, "zh-CN")
        assert f'<html lang="{expected}"' in html, page


def test_chapter_has_eight_sections_and_45_entries(built):
    sections = ["overview", "meetings", "policies", "approval", "data", "proposals", "emergency", "fire"]
    counts = [len(re.findall(r'<h2 id="[a-z]+-\d\d" class="entry">', read(built, f"zh/2022/gov/{s}")))
              for s in sections]
    assert counts == [5, 3, 6, 7, 7, 3, 6, 8]


def test_table_4_is_one_table_of_13_rows(built):
    html = read(built, "zh/2022/gov/meetings")
    table = html.split('<h3 class="caption-heading" id="t04">')[1].split("</figure>")[0]
    assert table.startswith('<span class="number">表4</span> 2021年拱墅区政府常务会议一览表</h3>')
    assert table.count("<tr>") == 1 + 13
    assert "下城区第四十六次区长办公会议" in table
    assert "表4 (4) + 续表4 (9)" in table


def test_nine_attributions_and_five_captions(built):
    pages = [read(built, f"zh/2022/gov/{s}") for s in
             ["overview", "meetings", "policies", "approval", "data", "proposals", "emergency", "fire"]]
    assert sum(p.count('<p class="byline">') for p in pages) == 9
    assert sum(p.count('<figure class="photo') for p in pages) == 5
    assert sum(len(re.findall(r'<h3 class="caption-heading" id="p0\d">', p)) for p in pages) == 5


def test_76_department_summaries(built):
    summaries = [p for p in (built / "zh/2022/summaries").iterdir() if p.is_dir()]
    assert len(summaries) == 76


def test_task_documents_keep_every_row(built):
    assert len(re.findall(r'<h3 class="row-heading" id="r\d{3}">', read(built, "zh/2022/documents/tasks-2021"))) == 106
    assert len(re.findall(r'<h3 class="row-heading" id="r\d{3}">', read(built, "zh/2022/documents/tasks-2022-q3"))) == 108


def test_home_lists_each_volume_with_its_parts(built):
    for lang, parts in (("zh", ["杭州市拱墅区人民政府", "单位年度工作综述", "政府工作报告任务", "主题索引", "大事记"]),
                        ("en", ["Subject Index", "Chronology"])):
        home = read(built, lang)
        card = home.split('<li class="volume-card">')[1].split("</li>\n  \n")[0]
        assert f'<a href="/{lang}/2022/">' in card
        titles = re.findall(r'<li><a href="/' + lang + r'/2022/[^"]+/"[^>]*>([^<]+)</a></li>', card)
        assert len(titles) == 5
        for title in parts:
            assert title in titles, (lang, titles)


class _ReaderText(HTMLParser):
    """The text an English reader sees in <main>: without the editorial notes (they quote the
    Chinese as printed), elements marked as Chinese (names given for reference), scripts and
    anything hidden."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col"}

    def __init__(self):
        super().__init__()
        self.skipping: list = []
        self.text: list = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skip = (attrs.get("lang", "").startswith("zh") or "notes" in classes or "other-name" in classes
                or tag in ("script", "style", "template") or "hidden" in attrs)
        self.skipping.append(skip or bool(self.skipping and self.skipping[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not (self.skipping and self.skipping[-1]):
            self.text.append(data)


def test_english_pages_have_no_chinese_outside_names_given_for_reference(built):
    """Department pages, task tables, summaries, chapter pages: every one in English (the guide
    teaches Chinese editing and quotes Chinese on purpose)."""
    checked, found = 0, {}
    for path in sorted((built / "en").rglob("index.html")):
        rel = path.parent.relative_to(built).as_posix()
        if rel.startswith("en/guide"):
            continue
        html = path.read_text(encoding="utf-8")
        parser = _ReaderText()
        parser.feed(html[html.index("<main"):html.index("</main>")])
        chinese = re.findall(r"\S*[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+\S*", "".join(parser.text))
        if chinese:
            found[rel] = chinese[:5]
        checked += 1
    assert checked > 180
    assert not found, found
