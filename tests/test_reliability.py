"""Bad input, hostile files and concurrent or killed builds: a clear error at file:line,
nothing outside the project or hidden published, and the previous site always whole.

Each case starts from the fixture site (tests/fixtures/site) and changes one thing.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, tree_bytes
from yearbook import output

DATA = Path("content/2022/gov/data.zh.md")


def edit(site: Path, rel, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_errors(run, site: Path, *args: str) -> str:
    """stderr of a run that must fail, without the summary line."""
    code, _, err = run(site, *(args or ("check",)))
    assert code == 1, err
    assert "Traceback" not in err
    return err.rsplit("\n", 2)[0] + "\n"


def built_site(run, site: Path) -> dict:
    assert run(site, "build", "--no-search", "--quiet")[0] == 0
    return tree_bytes(site / "public")


# --- Concurrent, interrupted and failing writes -----------------------------------

def test_a_second_build_while_one_runs_stops_with_the_pid_and_leaves_the_site(site, run):
    before = built_site(run, site)
    with open(site / ".public.lock", "a+") as lock:   # what a running build holds
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0), lock.truncate(), lock.write("4242"), lock.flush()
        err = check_errors(run, site, "build", "--no-search")
    assert err == ("config.yaml: error: another build is writing public/ (pid 4242)\n"
                   "  hint: wait for it to finish (or stop it) and build again; the site it writes stays whole\n")
    assert tree_bytes(site / "public") == before


def _build_process(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--no-search", "--quiet"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _whole(public: Path) -> bool:
    return (public / output.MARKER).is_file() and (public / "zh/2022/gov/data/index.html").is_file() \
        and (public / "offline.json").is_file()


def test_two_builds_at_once_never_lose_the_site(site, run):
    built_site(run, site)
    for delay in (0.0, 0.2, 0.5):
        first = _build_process(site)
        time.sleep(delay)
        second = _build_process(site)
        results = [(p.wait(120), p.communicate()[1]) for p in (first, second)]
        for code, err in results:
            assert code == 0 or "another build is writing public/ (pid " in err, err
        assert any(code == 0 for code, _ in results)
        assert _whole(site / "public")
    leftovers = sorted(p.name for p in site.iterdir() if p.name.startswith(".public"))
    assert leftovers == [".public.lock"]


def test_a_killed_build_leaves_a_whole_site_and_the_next_build_cleans_up(site, run):
    built_site(run, site)
    for delay in (0.05, 0.15, 0.3, 0.45, 0.6):
        process = _build_process(site)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert _whole(site / "public"), f"killed after {delay}s"
    expected = built_site(run, site)
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == [".public.lock"]
    assert built_site(run, site) == expected


def test_an_output_moved_aside_by_an_interrupted_swap_is_put_back(site, run):
    before = built_site(run, site)
    os.rename(site / "public", site / ".public.previous")   # killed between the two renames of a fallback swap
    edit(site, "templates/section.html", "{{ page.title }}", "{{ page.no_such_field }}")
    code, _, err = run(site, "build", "--no-search")
    assert code == 1
    assert "config.yaml: warning: public/ was restored from an interrupted build" in err
    assert tree_bytes(site / "public") == before


def test_folders_an_editor_named_like_ours_are_never_deleted(site, run):
    for name in (".public.old", ".public.staging", ".public.previous"):
        (site / name).mkdir()
        (site / name / "notes.txt").write_text("mine", encoding="utf-8")
    built_site(run, site)
    for name in (".public.old", ".public.staging", ".public.previous"):
        assert (site / name / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_swap_exchanges_the_two_folders_atomically(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "new").write_text("new"), (b / "old").write_text("old")
    assert output._exchange(a, b), "renameat2(RENAME_EXCHANGE) is expected on Linux"
    assert [p.name for p in a.iterdir()] == ["old"] and [p.name for p in b.iterdir()] == ["new"]


@pytest.mark.parametrize("number,message,hint", [
    (errno.ENOSPC, "No space left on device", "free some disk space and build again"),
    (errno.EROFS, "Read-only file system", "the output folder is on a read-only disk: choose another output_dir or --output"),
])
def test_a_failed_write_is_one_error_and_the_previous_site_stays(site, run, monkeypatch, number, message, hint):
    before = built_site(run, site)
    real_copy = shutil.copyfile

    def failing_copy(source, target, *args, **kwargs):
        if str(target).endswith("site.css"):
            raise OSError(number, message, str(target))
        return real_copy(source, target, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", failing_copy)
    err = check_errors(run, site, "build", "--no-search")
    assert err.startswith(".public.staging-") and f": error: cannot write the site: {message} (errno {number})\n" in err
    assert err.endswith(f"  hint: {hint}; the previous site is untouched\n")
    assert tree_bytes(site / "public") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == [".public.lock"]


def test_pagefind_exiting_0_with_a_broken_index_is_an_error(site, run, monkeypatch, tmp_path):
    before = built_site(run, site)
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && exit 0\nmkdir -p \"$4\"\nprintf '{\"vers' > \"$4/pagefind-entry.json\"\n")
    fake.chmod(0o755)
    monkeypatch.setattr("yearbook.search_index.pagefind_binary", lambda: str(fake))
    err = check_errors(run, site, "build")
    assert err.startswith("config.yaml: error: Pagefind wrote an incomplete search index (pagefind-entry.json: ")
    assert "hint: check the free disk space and build again; --no-search builds without search" in err
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("folder", ["static/out", "templates/site", "content/public", "docs/site"])
def test_output_inside_an_input_folder_is_refused(site, run, folder):
    (site / "docs").mkdir(exist_ok=True)
    err = check_errors(run, site, "build", "--no-search", "--output", str(site / folder))
    top = folder.split("/")[0]
    assert err == (f"config.yaml: error: output_dir '{folder}' is inside the input folder {top}/\n"
                   "  hint: set output_dir to a folder of its own, e.g. public\n")


# --- Hidden files and links out of the project --------------------------------------

def test_hidden_files_and_links_out_of_the_project_are_never_published(site, run, tmp_path):
    (site / "static/.git").mkdir()
    (site / "static/.git/config").write_text("[core] secret", encoding="utf-8")
    (site / "static/.env").write_text("TOKEN=secret", encoding="utf-8")
    (site / "static/passwd.txt").symlink_to("/etc/passwd")
    outside = tmp_path / "outside.zh.md"
    outside.write_text("---\ntype: section\ntitle: 外面\norder: 9\n---\n\n外面的文字。\n", encoding="utf-8")
    (site / "content/2022/gov/outside.zh.md").symlink_to(outside)
    (site / "static/inside.css").symlink_to(site / "static/site.css")   # a link inside the project is fine
    code, out, err = run(site, "build", "--no-search")
    assert code == 0, err
    assert ("content/2022/gov/outside.zh.md: warning: not read: this is a link to a file outside the project folder\n"
            "  hint: copy the file into the project instead of linking to it; nothing outside the project is ever "
            "read or published\n") in err
    assert "static/passwd.txt: warning: not read: this is a link to a file outside the project folder" in err
    published = tree_bytes(site / "public")
    assert "static/inside.css" in published
    assert not [p for p in published if ".git" in p or ".env" in p or "passwd" in p or "outside" in p]
    assert not any(b"secret" in data or b"root:x:0:0" in data for data in published.values())
    assert b"passwd" not in published["offline.json"] and b".git" not in published["offline.json"]


def test_a_table_linked_to_a_file_outside_is_not_read(site, run):
    rows = site / "content/2022/gov/t04.zh.tsv"
    rows.unlink()
    rows.symlink_to("/etc/passwd")
    err = check_errors(run, site)
    assert "root:" not in err
    assert err.startswith("content/2022/gov/t04.zh.tsv: error: not read: this is a link to a file outside the project "
                          "folder\n  hint: copy the file into the project instead of linking to it\n")


# --- Encodings -------------------------------------------------------------------

@pytest.mark.parametrize("rel,change,expected", [
    ("content/2022/gov/t04.zh.tsv", lambda b: b.decode().encode("gb18030"),
     "content/2022/gov/t04.zh.tsv:2:1: error: the file is not UTF-8 (byte 0xc6 here; GB18030 or another legacy "
     "encoding?)\n  hint: save it as UTF-8: in Excel 'CSV UTF-8' (then rename to .tsv), in an editor 'Save with "
     "encoding: UTF-8'\n"),
    ("content/2022/gov/t04.zh.tsv", lambda b: b.decode().encode("utf-16"),
     "content/2022/gov/t04.zh.tsv:1:1: error: the file is UTF-16, not UTF-8\n  hint: save it as UTF-8: in Excel "
     "'CSV UTF-8' (then rename to .tsv), in an editor 'Save with encoding: UTF-8'\n"),
    ("content/_data/departments.yaml", lambda b: b.replace("数据".encode(), b"\xb0\xa1", 1),
     "content/_data/departments.yaml:6:15: error: the file is not UTF-8 (byte 0xb0 here; GB18030 or another legacy "
     "encoding?)\n  hint: save it as UTF-8 (in your editor: 'Save with encoding: UTF-8')\n"),
    ("config.yaml", lambda b: b.replace("测试".encode(), b"\xff", 1),
     "config.yaml:2:13: error: the file is not UTF-8 (byte 0xff here; GB18030 or another legacy encoding?)\n"
     "  hint: save it as UTF-8 (in your editor: 'Save with encoding: UTF-8')\n"),
    ("content/2022/gov/t04.table.yaml", lambda b: b"\xef\xbb\xbf" + b.replace(b"number", b"\xe4number", 1),
     "content/2022/gov/t04.table.yaml:1:1: error: the file is not UTF-8 (byte 0xe4 here; GB18030 or another legacy "
     "encoding?)\n  hint: save it as UTF-8 (in your editor: 'Save with encoding: UTF-8')\n"),
    ("templates/i18n/en.yaml", lambda b: b + b"\nbroken: \x81\n",
     None),
    (str(DATA), lambda b: b.replace(b"order: 2", b"order: 2\x00"),
     "content/2022/gov/data.zh.md:4:9: error: the file contains a NUL character (a binary or damaged file?)\n"
     "  hint: delete the invisible character at this position, or save the file again as UTF-8 text\n"),
])
def test_files_that_are_not_utf8_get_one_error_at_the_first_bad_byte(site, run, rel, change, expected):
    path = site / rel
    path.write_bytes(change(path.read_bytes()))
    err = check_errors(run, site)
    if expected is None:   # the UI strings: only the position depends on the file's length
        lines = (site / rel).read_bytes().count(b"\n")
        expected = (f"templates/i18n/en.yaml:{lines}:9: error: the file is not UTF-8 (byte 0x81 here; GB18030 or "
                    "another legacy encoding?)\n  hint: save it as UTF-8 (in your editor: 'Save with encoding: UTF-8')\n")
    assert err == expected


# --- YAML: bombs, duplicate keys, values as written, the line of the real mistake ----

def test_a_yaml_alias_bomb_is_refused_at_once(site, run):
    bomb = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    edit(site, DATA, "order: 2\n", "order: 2\n" + bomb)
    start = time.perf_counter()
    err = check_errors(run, site)
    assert time.perf_counter() - start < 5
    assert err == ("content/2022/gov/data.zh.md:6:10: error: YAML aliases (*name) are not allowed\n"
                   "  hint: write the value out in full; an alias can repeat a value millions of times\n")


@pytest.mark.parametrize("old,new,expected", [
    ("order: 2", "order: 2\ntitle: 重复",
     "content/2022/gov/data.zh.md:5:1: error: duplicate key 'title' (first on line 3)\n"
     "  hint: keep one of them: YAML would silently use only the last\n"),
    ("order: 2", "order: 1:30",
     "content/2022/gov/data.zh.md:4:8: error: 'order' must be an integer, got '1:30'\n"
     "  hint: write a whole number without quotes (position among siblings)\n"),
    ("title: 数据资源管理", 'title: "数据资源管理',
     "content/2022/gov/data.zh.md:3:8: error: invalid YAML: a quoted value starts here and is not closed on this line\n"
     "  hint: close the quote (\" or ') at the end of the value\n"),
    ("  - {names", "\t- {names",
     "content/2022/gov/data.zh.md:7:1: error: invalid YAML: a tab in the indentation\n"
     "  hint: YAML does not allow tabs for indentation — use spaces\n"),
])
def test_front_matter_mistakes_are_reported_where_they_are(site, run, old, new, expected):
    edit(site, DATA, old, new)
    assert check_errors(run, site) == expected


@pytest.mark.parametrize("written,shown", [("16:02:44", "16:02:44"), ("2021-13-45", "2021-13-45"),
                                           ("1.10", "1.10"), ("2022", "2022")])
def test_string_fields_keep_numbers_and_dates_as_written(site, run, written, shown):
    edit(site, DATA, "title: 数据资源管理", f"title: {written}")
    code, _, err = run(site, "build", "--no-search", "--quiet")
    assert code == 0, err
    html = (site / "public/zh/2022/gov/data/index.html").read_text(encoding="utf-8")
    assert f"<h1>{shown}</h1>" in html


@pytest.mark.parametrize("rel,old,new,expected", [
    ("content/2022/gov/t04.table.yaml", "key: session", "kee: session",
     "content/2022/gov/t04.table.yaml:4:5: error: missing required key 'key' in 'columns[1]'\n"
     "  hint: add 'key: …' (TSV column key)\n"
     "content/2022/gov/t04.table.yaml:4:6: error: unknown key 'kee' in 'columns[1]'\n"
     "  hint: did you mean 'key'?\n"),
    ("content/_data/departments.yaml", "  name: {zh: 区政府", "  nome: {zh: 区政府",
     "content/_data/departments.yaml:1:3: error: missing required key 'name' in 'departments[1]'\n"
     "  hint: add 'name: …' (name per language key, e.g. {zh: 区数据局, en: …})\n"
     "content/_data/departments.yaml:2:3: error: unknown key 'nome' in 'departments[1]'\n"
     "  hint: did you mean 'name'?\n"),
])
def test_data_file_mistakes_are_errors_not_tracebacks(site, run, rel, old, new, expected):
    edit(site, rel, old, new)
    assert check_errors(run, site) == expected


# --- Links, volumes, summaries, languages ---------------------------------------------

def test_links_are_reported_on_their_own_line_and_unsafe_ones_are_warned(site, run):
    edit(site, DATA, "2021年，区数据局围绕数字化改革开展工作。",
         "2021年，区数据局\n围绕数字化改革开展[工作](nowhere.md)。\n见[密码](../../../../etc/passwd)与[x](javascript:alert(1))。")
    assert check_errors(run, site) == (
        "content/2022/gov/data.zh.md:18:1: error: link to a page that does not exist: '2022/gov/nowhere'\n"
        "  hint: did you mean '2022/gov/meetings'?\n"
        "content/2022/gov/data.zh.md:19:1: warning: a 'javascript:' link is not allowed and is shown as text\n"
        "  hint: link to a page (NAME.md) or to a web address (https://…)\n"
        "content/2022/gov/data.zh.md:19:1: warning: link to '../../../../etc/passwd' is not a page of the yearbook "
        "and is not checked\n"
        "  hint: link to a page file (NAME.md, resolved and checked) or to a full address (https://…)\n")


def test_a_volume_inside_a_chapter_and_two_summaries_of_one_body_are_errors(site, run):
    nested = site / "content/2022/gov/2023"
    nested.mkdir()
    (nested / "index.zh.md").write_text("---\ntype: volume\ntitle: 拱墅年鉴 2023\norder: 9\nedition_year: 2023\n"
                                        "coverage_year: 2022\n---\n", encoding="utf-8")
    assert check_errors(run, site) == (
        "content/2022/gov/2023/index.zh.md:2:7: error: a volume inside '2022/gov': volumes are folders directly "
        "under content/\n  hint: move the folder to content/2023/, or give this page another type\n")
    shutil.rmtree(nested)
    summaries = site / "content/2022/summaries"
    shutil.copyfile(summaries / "data-bureau.zh.md", summaries / "data-bureau-2.zh.md")
    err = check_errors(run, site)
    assert ("content/2022/summaries/data-bureau-2.zh.md:4:13: error: a second summary of 'data-bureau' in this volume\n"
            "  content/2022/summaries/data-bureau.zh.md:4:13: (other place)\n"
            "  hint: one year-end summary per department and volume: merge the two files\n") in err


def test_a_language_without_ui_strings_is_one_error(site, run):
    edit(site, "config.yaml", "  en: {code: en, prefix: en, name: English}",
         "  en: {code: en, prefix: en, name: English}\n  fr: {code: fr, prefix: fr, name: Français}")
    edit(site, "config.yaml", "title: {zh: 测试年鉴, en: Test Yearbook}", "title: {zh: 测试年鉴, en: Test Yearbook, fr: Annuaire}")
    assert check_errors(run, site) == (
        "config.yaml:9:3: error: language 'fr' has no UI strings file templates/i18n/fr.yaml\n"
        "  hint: copy i18n/zh.yaml of the templates folder to fr.yaml and translate it\n")


def test_folders_that_config_names_may_be_anywhere_links_may_not(site, run, tmp_path):
    shared = tmp_path / "shared-templates"       # e.g. one theme for several yearbooks
    shutil.move(str(site / "templates"), shared)
    edit(site, "config.yaml", "templates_dir: templates", f"templates_dir: {shared}")
    assert run(site, "build", "--no-search", "--quiet")[0] == 0
    (site / "content/2022/gov/t04.zh.tsv").unlink()
    (site / "content/2022/gov/t04.zh.tsv").symlink_to(tmp_path / "elsewhere.tsv")
    (tmp_path / "elsewhere.tsv").write_text("session\tdate\n", encoding="utf-8")
    err = check_errors(run, site)
    assert "t04.zh.tsv: error: not read: this is a link to a file outside the project folder" in err


def test_a_build_killed_while_indexing_leaves_no_search_scratch_behind(site, run):
    # The shadow pages Pagefind reads are written beside the staging folder, never published;
    # a build killed while they exist leaves a folder of ours that the next build deletes.
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    leftover = site / ".public.staging-killed-search-x"
    (leftover / "zh/2022/gov/data").mkdir(parents=True)
    (leftover / output.MARKER).write_text("written by build.py\n", encoding="utf-8")
    (leftover / "zh/2022/gov/data/index.html").write_text("<p>shadow</p>", encoding="utf-8")
    assert run(site, "build", "--quiet")[0] == 0
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == [".public.lock"]
    assert (site / "public/pagefind/zh-cn/0/pagefind-entry.json").is_file()
    assert not any("shadow" in p.read_text(encoding="utf-8") for p in (site / "public").rglob("index.html"))
