"""serve's incremental rebuilds on an archive: after every kind of edit, the output and the
problems reported are exactly what a full `build` gives, and only the pages that show the
edit are rendered again.

The archive is the bundled volume cloned into three (bench/archive.py: years shifted),
built in this process with incremental.rebuild, as serve does.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from yearbook import cache, pipeline
from yearbook.commands import incremental
from yearbook.diagnostics import BuildFailed

from conftest import ROOT, make_site, tree_bytes

sys.path.insert(0, str(ROOT / "bench"))
from archive import make_archive  # noqa: E402

VOLUMES = ("2022", "2021", "2020")


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    site = make_archive(tmp_path_factory.mktemp("archive") / "site", len(VOLUMES))
    config = site / "config.yaml"   # no Pagefind (serve indexes in the background) and no zips
    config.write_text(re.sub(r"(?m)^search: .*$", "search: false", config.read_text(encoding="utf-8")), encoding="utf-8")
    return site


class Session:
    """A serve session's state and output, and a full build to compare it with."""

    def __init__(self, site: Path, compare_with: Path):
        self.site, self.compare_with = site, compare_with
        self.state = incremental.BuildState()
        report = pipeline.BuildReport()
        pipeline.build(site / "config.yaml", report, with_search=False, state=self.state)
        self.public = report.site.config.output_dir
        self.pages = {key for key, _ in report.site.pages}

    def edit(self, path: str, old: str, new: str) -> set:
        """Save an edit, rebuild; return the page keys rendered (all: every key)."""
        file = self.site / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        return self.rebuild([file])

    def rebuild(self, changed: list) -> set:
        report = pipeline.BuildReport()
        incremental.rebuild(self.site / "config.yaml", report, self.state, [str(p) for p in changed])
        self.assert_same_as_full_build(report)
        rendered = self.state.rendered
        self.pages = {key for key, _ in report.site.pages}
        return set(self.pages) if rendered is None else {key for key, _ in rendered}

    def assert_same_as_full_build(self, report) -> None:
        full = pipeline.BuildReport()
        pipeline.build(self.site / "config.yaml", full, with_search=False, output_dir=self.compare_with)
        assert report.diagnostics.format_text() == full.diagnostics.format_text()
        ours, theirs = tree_bytes(self.public), tree_bytes(self.compare_with)
        assert sorted(ours) == sorted(theirs)
        different = [name for name in ours if ours[name] != theirs[name]]
        assert not different, f"differs from a full build: {different[:10]}"


def in_volume(keys: set, volume: str) -> set:
    return {key for key in keys if key == volume or key.startswith(volume + "/")}


def test_every_kind_of_edit_matches_a_full_build_and_renders_only_what_shows_it(archive, tmp_path):
    session = Session(archive, tmp_path / "full")
    everything = set(session.pages)
    fire = "content/2021/gov/fire.zh.md"

    # The text of an entry: that page, in both languages.
    assert session.edit(fire, "2021年,拱墅区消防救援部门", "2021年,拱墅区消防救援部门（校）") == {"2021/gov/fire"}

    # The same edit in the English translation: that page again.
    english = (archive / fire.replace(".zh.", ".en.")).read_text(encoding="utf-8")
    word = re.search(r"(?m)^[A-Z][a-z]+ ", english.split("---", 2)[2]).group(0)
    assert session.edit(fire.replace(".zh.", ".en."), word, word + "indeed ") == {"2021/gov/fire"}

    # A page title: its volume (navigation, contents, neighbours), the home page, the pages
    # listing the whole site, and the department pages that list the page; not other volumes.
    shown = session.edit(fire, 'title: "消防"', 'title: "消防工作"')
    assert in_volume(everything, "2021") <= shown
    assert "departments/fire-brigade" in shown and "" in shown
    assert not shown & (in_volume(everything, "2022") | in_volume(everything, "2020"))
    assert "departments/finance-bureau" not in shown

    # An entry's heading is shown in the volume's contents: the volume again.
    heading = re.search(r"(?m)^## (.+)$", (archive / fire).read_text(encoding="utf-8")).group(1)
    assert in_volume(everything, "2021") <= session.edit(fire, f"## {heading}", f"## {heading}（一）")

    # A task row (a department page shows it) and a table row.
    shown = session.edit("content/2020/documents/tasks-2021/rows.zh.tsv", "地区生产总值增长7.5%左右。", "地区生产总值增长7.5%左右（校）。")
    assert "departments/development-reform-bureau" in shown and not shown & in_volume(everything, "2022")
    session.edit("content/2020/gov/t04.zh.tsv", "研究与新浪合作", "研究与新浪网合作")

    # A new body named in the front matter: its department page now lists the page.
    shown = session.edit(fire, "departments: [fire-brigade]", "departments: [fire-brigade, finance-bureau]")
    assert {"departments/finance-bureau", "departments/fire-brigade"} <= shown
    # And taken away again: the page that listed it no longer does.
    assert "departments/finance-bureau" in session.edit(fire, "departments: [fire-brigade, finance-bureau]",
                                                        "departments: [fire-brigade]")

    # A warning appears and goes away, as a full build reports it.
    session.edit("content/2022/gov/fire.en.md", "2021", "2031")   # a figure the Chinese lacks: a warning

    # A volume's title is on every page (year switch): everything.
    assert session.edit("content/2020/index.zh.md", "2020", "2020（校）") == everything

    # A new page, then its removal: the structure changed, everything.
    new_page = archive / "content/2022/gov/zz-new.zh.md"
    new_page.write_text('---\ntype: section\ntitle: "新分目"\norder: 99\n---\n\n{#zz-01}\n## 新条目\n正文。\n',
                        encoding="utf-8")
    assert session.rebuild([new_page]) >= everything
    new_page.unlink()
    assert session.rebuild([new_page]) == everything

    # A broken save leaves the output as it was; the fix rebuilds as a full build would.
    (archive / fire).write_text((archive / fire).read_text(encoding="utf-8").replace('title: "消防工作"', 'title: "消防工作'),
                                encoding="utf-8")
    with pytest.raises(BuildFailed):
        incremental.rebuild(archive / "config.yaml", pipeline.BuildReport(), session.state, [str(archive / fire)])
    assert session.edit(fire, 'title: "消防工作', 'title: "消防工作"') <= everything


# --- the build cache (.yearbook-cache/): `build` after a change -------------------------------

def cached_build(site: Path, **options) -> pipeline.BuildReport:
    report = pipeline.BuildReport()
    pipeline.build(site / "config.yaml", report, with_search=options.pop("with_search", False),
                   state=cache.load(site / "config.yaml"), **options)
    assert not report.diagnostics.errors
    return report


def fresh_build(site: Path, target: Path, with_search: bool = False) -> pipeline.BuildReport:
    report = pipeline.BuildReport()
    pipeline.build(site / "config.yaml", report, with_search=with_search, output_dir=target)
    return report


def test_a_build_with_the_cache_renders_only_what_changed_and_writes_what_a_fresh_build_writes(archive, tmp_path):
    public = archive / "public"
    everything = len(cached_build(archive).site.pages)
    assert (archive / ".yearbook-cache" / "build.pickle").is_file()
    assert cached_build(archive).rendered == 0   # nothing changed: every page from the last output
    # An entry: its page, in both languages; a title: its volume and the pages listing it.
    fire = archive / "content/2022/gov/fire.zh.md"
    fire.write_text(fire.read_text(encoding="utf-8").replace("2021年,拱墅区消防救援部门", "2021年,拱墅区消防救援部门（二）", 1),
                    encoding="utf-8")
    assert cached_build(archive).rendered == 2
    fire.write_text(fire.read_text(encoding="utf-8").replace('title: "消防"', 'title: "消防（二）"', 1), encoding="utf-8")
    assert 2 < cached_build(archive).rendered < everything / 2
    fresh_build(archive, tmp_path / "fresh")
    assert tree_bytes(public) == tree_bytes(tmp_path / "fresh")
    # A template: everything; so is an output that another build (or a person) changed.
    (public / "zh/2022/index.html").write_text("changed by hand", encoding="utf-8")
    (public / "offline.json").write_text("{}", encoding="utf-8")
    assert cached_build(archive).rendered == everything
    assert tree_bytes(public) == tree_bytes(tmp_path / "fresh")


def test_the_cache_keeps_search_and_the_previous_site_whole(site, tmp_path):
    """With search: the index covers the pages taken from the last build; and those pages are
    hard links that no step writes through, so the previous output stays as it was."""
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    cached_build(site, with_search=None)
    before = tree_bytes(site / "public")
    witness = tmp_path / "witness"   # the same files (inodes) as the output: they show any write through a link
    shutil.copytree(site / "public", witness, copy_function=os.link)
    meetings = site / "content/2022/gov/meetings.zh.md"
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("区政府召开第一次全体", "区政府再次召开第一次全体", 1),
                        encoding="utf-8")
    report = cached_build(site, with_search=None)
    assert report.rendered == 2 and report.indexed_pages > 2
    assert tree_bytes(witness) == before
    fresh_build(site, tmp_path / "fresh", with_search=True)
    assert tree_bytes(site / "public") == tree_bytes(tmp_path / "fresh")


def test_a_build_with_the_cache_indexes_again_only_the_bundles_whose_pages_changed(tmp_path):
    """An archive indexed in bundles of whole volumes (search_index.py), with an offline zip per
    volume: after an entry of the oldest volume changes, its Chinese bundle is indexed again and
    its zip made again; every other bundle and zip is the previous output's files (the same
    inodes); the site is what a fresh build writes."""
    site = make_archive(tmp_path / "site", len(VOLUMES))
    config = site / "config.yaml"
    text = re.sub(r"(?m)^(search|offline_zip): .*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(text + "search: true\nsearch_memory: 101\noffline_zip: yb-{volume}\n",   # a bundle per volume
                      encoding="utf-8")
    cached_build(site, with_search=None)

    def bundles() -> dict:
        return {f"{lang}/{n}": (site / "public/pagefind" / lang / str(n) / "pagefind-entry.json").stat().st_ino
                for lang in ("zh-cn", "en") for n in range(len(VOLUMES))} | {
                f"yb-{volume}.zip": (site / f"public/downloads/yb-{volume}.zip").stat().st_ino for volume in VOLUMES}
    before = bundles()
    oldest = site / "content/2020/gov/fire.zh.md"
    oldest.write_text(oldest.read_text(encoding="utf-8").replace("拱墅区消防救援部门", "拱墅区消防救援部门（二）", 1),
                      encoding="utf-8")
    report = cached_build(site, with_search=None)
    assert report.rendered == 2 and report.index_bundles == (1, 2 * len(VOLUMES))
    after = bundles()
    assert [name for name in before if after[name] != before[name]] == ["zh-cn/0", "yb-2020.zip"]
    fresh_build(site, tmp_path / "fresh", with_search=True)
    assert tree_bytes(site / "public") == tree_bytes(tmp_path / "fresh")


def test_a_cache_that_cannot_be_written_is_a_warning_and_the_site_is_built(site, run):
    """A project folder the build may not write (beside the output): the site is built all the same."""
    (site / ".yearbook-cache").write_text("not a folder", encoding="utf-8")   # mkdir fails there
    code, out, err = run(site, "build", "--no-search")
    assert code == 0
    assert "warning: the build cache could not be written to .yearbook-cache/" in err + out
    assert "hint: let the project folder be written, or delete .yearbook-cache/ and build again" in err + out
    assert (site / "public/zh/2022/gov/meetings/index.html").is_file()


def test_check_reads_the_build_cache_and_says_what_it_says_without(site, run):
    run(site, "build", "--no-search")   # makes the cache
    meetings = site / "content/2022/gov/meetings.zh.md"
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("departments: [", "departments: [no-such-body, ", 1),
                        encoding="utf-8")
    with_cache = run(site, "check")
    shutil.rmtree(site / ".yearbook-cache")
    without = run(site, "check")
    assert with_cache == without and with_cache[0] == 1
    assert "no-such-body" in with_cache[2]
    assert not (site / ".yearbook-cache").exists()   # check writes none
