"""The command line, called in-process through main([...])."""
import json

import pytest

from conftest import ROOT
from yearbook import __version__
from yearbook.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"build.py {__version__}\n"


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "build" in out and "check" in out and "file:line:col" in out


def test_build_help_documents_options(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    for option in ("--no-search", "--strict", "--output", "--config"):
        assert option in out


def test_missing_config_is_a_clear_error(tmp_path, run):
    code, _, err = run(tmp_path, "check")
    assert code == 1
    assert err.startswith("config.yaml: error: config file not found\n"
                          "  hint: run build.py from the project folder, or pass --config PATH\n")


def test_check_json_format_for_tools(site, run):
    page = site / "content/2022/summaries/data-bureau.zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace("department: data-bureau", "department: data-burau"),
                    encoding="utf-8")
    code, out, _ = run(site, "check", "--format", "json")
    assert code == 1
    assert json.loads(out) == [{
        "severity": "error",
        "code": "input.unknown-department-id",
        "where": {"path": "content/2022/summaries/data-bureau.zh.md", "line": 4, "col": 13},
        "message": "unknown department id 'data-burau'",
        "hint": "did you mean 'data-bureau'?",
        "related": [],
    }]


def test_editor_language_in_config_chooses_the_messages_language(site, run, monkeypatch):
    monkeypatch.delenv("YEARBOOK_LANG")
    page = site / "content/2022/summaries/data-bureau.zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace("department: data-bureau", "department: data-burau"),
                    encoding="utf-8")
    english = "error: unknown department id 'data-burau'"
    chinese = "错误：单位名录中没有单位 id“data-burau”"
    # No editor_language: the default_language (zh) decides.
    code, _, err = run(site, "check")
    assert code == 1 and chinese in err and english not in err
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "editor_language: en\n", encoding="utf-8")
    code, _, err = run(site, "check")
    assert code == 1 and english in err and chinese not in err
    code, _, err = run(site, "--lang", "zh", "check")   # the command line overrides config.yaml
    assert code == 1 and chinese in err and english not in err


def test_editor_language_must_be_a_language_the_tool_speaks(site, run):
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "editor_language: fr\n", encoding="utf-8")
    code, _, err = run(site, "check")
    assert code == 1
    assert "config.yaml:14:18: error: 'editor_language' must be one of zh, en, not 'fr'" in err


def test_strict_fails_on_warnings_only_when_asked(site, run):
    page = site / "content/2022/summaries/data-bureau.zh.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<br>\n", encoding="utf-8")
    assert run(site, "check")[0] == 0
    assert run(site, "check", "--strict")[0] == 1


def test_bundled_yearbook_checks_clean(run):
    code, out, err = run(ROOT, "check", "--strict")
    assert code == 0, err
    assert out.startswith("check ok:")
    # The English edition is complete: every character of the source translated, nothing stale;
    # --strict above means no glossary, figure, people or notes warning either.
    assert "\ntranslations: en 100% translated (0 pages incomplete, 0 stale)" in out
    code, out, _ = run(ROOT, "check", "--translations")
    assert "editorial notes not translated (0):" in out and "missing (0):" in out and "stale (0):" in out


def test_missing_ui_string_is_an_error_naming_the_file(site, run):
    strings = site / "templates/i18n/en.yaml"
    strings.write_text("".join(line for line in strings.read_text(encoding="utf-8").splitlines(keepends=True)
                               if not line.startswith("notes:")), encoding="utf-8")
    code, _, err = run(site, "check")
    assert code == 1
    assert err == ("templates/i18n/en.yaml:1:1: error: UI string 'notes' is missing\n"
                   "  hint: add 'notes: …' in en; every language file has the same keys\n"
                   "check failed: 1 error(s), 0 warning(s).\n")


def test_import_writes_a_chapter_and_reports_what_it_could_not_place(site, run, tmp_path):
    draft = ROOT / "tests/fixtures/seeds/000_92bbe13f21c1c589.txt"
    code, out, _ = run(site, "import", str(draft), "--volume", "2022", "--chapter", "imported")
    assert code == 0
    folder = site / "content/2022/imported"
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.zh.md", *[f"s0{i}.zh.md" for i in range(1, 9)], "t04.table.yaml", "t04.zh.tsv"]
    assert "unclassified (1): not imported, move by hand\n  L33: 贯彻中央和省委、市委、区委决策部署" in out
    assert out.rstrip().endswith(f"wrote 11 files to {folder}; next: python build.py check")


def test_import_refuses_to_overwrite(site, run):
    draft = ROOT / "tests/fixtures/seeds/000_92bbe13f21c1c589.txt"
    code, _, err = run(site, "import", str(draft), "--volume", "2022", "--chapter", "gov")
    assert code == 1
    assert err == (f"{site / 'content/2022/gov'}: error: the folder already has files\n"
                   "  hint: choose another --chapter or --out, or add --force to write into it\n")
