"""The editing guide (docs/guide.LANG.md): every example in it is true, and it is published.

Fences in the guide say what they are in their info string:

- ```markdown file=PATH (or yaml, tsv): the whole file PATH of a small site;
  `append` adds the snippet to the end of the existing file instead.
- `expect-error` after file=PATH: a file that is wrong on purpose; the ```text
  fence that follows quotes what `check` prints about it.
- ```console: `$ python build.py …` lines, each followed by lines of its output.
- ```sh: commands; each `python build.py …` line must be a valid command line.

All file snippets of one guide go into one copy of the fixture site, which must
build with no error and no warning, and show every entry, table and figure the
snippets define. An error snippet is added alone on top of those.
"""
from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, make_site
from yearbook.cli import make_parser

LANGS = ("zh", "en")
GUIDES = {lang: ROOT / "docs" / f"guide.{lang}.md" for lang in LANGS}
ENTRY_ID = re.compile(r"^\{#([a-z0-9-]+)\}\s*$", re.M)
DIRECTIVE = re.compile(r"^:::[ \t]+(table|figure)[ \t]+([a-z0-9-]+)\s*$", re.M)


@dataclass
class Fence:
    info: str
    text: str
    line: int

    @property
    def words(self) -> list:
        return self.info.split()

    @property
    def file(self) -> str | None:
        return next((w[5:] for w in self.words if w.startswith("file=")), None)


def fences(lang: str) -> list:
    tokens = MarkdownIt("commonmark").parse(GUIDES[lang].read_text(encoding="utf-8"))
    return [Fence(t.info.strip(), t.content, t.map[0] + 1) for t in tokens if t.type == "fence"]


def file_snippets(lang: str, errors: bool = False) -> list:
    return [f for f in fences(lang) if f.file and ("expect-error" in f.words) == errors]


def apply(site: Path, snippet: Fence) -> None:
    target = site / snippet.file
    target.parent.mkdir(parents=True, exist_ok=True)
    if "append" in snippet.words:
        existing = target.read_text(encoding="utf-8")
        target.write_text(existing + ("" if existing.endswith("\n") else "\n") + snippet.text, encoding="utf-8")
    else:
        target.write_text(snippet.text, encoding="utf-8", newline="\n")


def page_html(site: Path, file: str) -> str:
    """The built page of content file `file` (content/2022/gov/x.zh.md → public/zh/2022/gov/x/index.html)."""
    rel = Path(file).relative_to("content")
    stem, lang = rel.name.split(".")[:2]
    key = rel.parent if stem == "index" else rel.parent / stem
    return (site / "public" / lang / key / "index.html").read_text(encoding="utf-8")


def site_with_snippets(tmp_path: Path, lang: str) -> Path:
    site = make_site(tmp_path / "site")
    for snippet in file_snippets(lang):
        apply(site, snippet)
    return site


@pytest.mark.parametrize("lang", LANGS)
def test_guide_file_examples_build_clean_and_show_up(lang, tmp_path, run):
    snippets = file_snippets(lang)
    assert len(snippets) >= 6, "the guide's examples went missing"
    plain = [s.file for s in snippets if "append" not in s.words]
    assert len(plain) == len(set(plain)), "two examples write the same file"
    site = site_with_snippets(tmp_path, lang)
    code, out, err = run(site, "build", "--no-search", "--strict")
    assert code == 0, err
    assert "0 error(s), 0 warning(s)" in out
    pages = [s for s in snippets if s.file.endswith(".md")]
    for snippet in pages:
        html = page_html(site, snippet.file)
        for entry_id in ENTRY_ID.findall(snippet.text):
            assert f'id="{entry_id}" class="entry"' in html, (snippet.file, entry_id)
        for kind, ident in DIRECTIVE.findall(snippet.text):
            assert f'class="caption-heading" id="{ident}"' in html, (snippet.file, kind, ident)
        title = re.search(r"^title: (.+)$", snippet.text, re.M).group(1)
        assert f">{title}</h1>" in html, snippet.file
    tables = {Path(s.file).name.split(".")[0]: s for s in snippets if s.file.endswith(".tsv")}
    for table_id, rows in tables.items():
        placed = [s for s in pages if f"::: table {table_id}" in s.text]
        assert placed, f"table {table_id} is never placed in an example"
        html = page_html(site, placed[0].file)
        for line in rows.text.splitlines()[1:]:
            for cell in line.split("\t"):
                assert f">{cell}</td>" in html, cell
    for snippet in pages:
        for match in re.finditer(r"caption: (.+)$", snippet.text, re.M):
            assert match.group(1).strip('"') in page_html(site, snippet.file)


@pytest.mark.parametrize("lang", LANGS)
def test_guide_error_examples_print_the_quoted_errors(lang, tmp_path, run):
    all_fences = fences(lang)
    bad = [i for i, f in enumerate(all_fences) if f.file and "expect-error" in f.words]
    assert bad, "the guide shows no error example"
    for index in bad:
        snippet, quoted = all_fences[index], all_fences[index + 1]
        assert quoted.info == "text", f"line {snippet.line}: the error example needs a ```text fence after it"
        site = site_with_snippets(tmp_path / str(index), lang)
        apply(site, snippet)
        code, _, err = run(site, "--lang", lang, "check")   # each guide quotes the messages in its language
        assert code == 1
        for line in quoted.text.splitlines():
            assert line in err.splitlines(), f"guide line {quoted.line}: {line!r} not in:\n{err}"


@pytest.mark.parametrize("lang", LANGS)
def test_guide_console_examples_print_what_the_guide_says(lang, tmp_path, run):
    site = make_site(tmp_path / "site")
    sessions = [f for f in fences(lang) if f.info == "console"]
    assert sessions
    for fence in sessions:
        commands = re.split(r"^\$ ", fence.text, flags=re.M)[1:]
        for block in commands:
            command, *expected = block.splitlines()
            args = shlex.split(command)
            assert args[:2] == ["python", "build.py"], command
            code, out, err = run(site, "--lang", lang, *args[2:])
            output = (out + err).splitlines()
            assert code == (1 if any(": error: " in line or ": 错误：" in line for line in expected) else 0), out + err
            for line in expected:
                assert line in output, f"{command}: {line!r} not in:\n{out}{err}"


@pytest.mark.parametrize("lang", LANGS)
def test_guide_commands_are_valid_command_lines(lang):
    parser = make_parser()
    lines = [line.removeprefix("$ ") for f in fences(lang) if f.info in ("sh", "console")
             for line in f.text.splitlines() if line.removeprefix("$ ").startswith("python build.py")]
    assert len(lines) >= 8
    for line in lines:
        try:
            parser.parse_args(shlex.split(line)[2:])
        except SystemExit as exc:
            assert exc.code == 0, line


def test_both_guides_show_the_same_example_files():
    zh = {(f.file, f.text) for f in fences("zh") if f.file}
    en = {(f.file, f.text) for f in fences("en") if f.file}
    assert zh == en


def test_guide_pages_are_built_in_both_languages(tmp_path, run):
    site = make_site(tmp_path / "site")
    (site / "docs").mkdir()
    for lang in LANGS:
        shutil.copyfile(GUIDES[lang], site / "docs" / f"guide.{lang}.md")
    code, out, err = run(site, "build", "--no-search", "--strict")
    assert code == 0, err
    for lang, title, heading in (("zh", "编辑指南", "表格"), ("en", "Editing guide", "Tables")):
        html = (site / "public" / lang / "guide" / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in html
        anchor = re.search(rf'<h2 id="([^"]+)">{heading}</h2>', html).group(1)
        assert f'<li><a href="#{anchor}">{heading}</a>' in html   # the table of contents links to it
        assert "{#meetings-01}\n## " in html and "::: table t04" in html   # code shown as written
        assert '<figcaption><code>content/2022/gov/meetings.zh.md</code></figcaption>' in html
        assert 'class="entry"' not in html    # the guide's headings are not yearbook entries
        home = (site / "public" / lang / "index.html").read_text(encoding="utf-8")
        header, footer = home.split("</header>")[0], home.split('<footer class="colophon">')[1]
        # For the office, not for readers: linked from the footer, not the public navigation.
        assert f'<a href="/{lang}/guide/">{title}</a>' in footer and "/guide/" not in header


def test_a_missing_guide_language_shows_the_other_marked_and_none_means_no_page(tmp_path, run):
    site = make_site(tmp_path / "site")
    code, _, err = run(site, "build", "--no-search")
    assert code == 0, err
    assert not (site / "public" / "zh" / "guide").exists()
    (site / "docs").mkdir()
    shutil.copyfile(GUIDES["zh"], site / "docs" / "guide.zh.md")
    code, _, err = run(site, "build", "--no-search")
    assert code == 0, err
    html = (site / "public" / "en" / "guide" / "index.html").read_text(encoding="utf-8")
    assert '<div class="untranslated" lang="zh-CN"' in html
    assert 'class="banner"' in html
