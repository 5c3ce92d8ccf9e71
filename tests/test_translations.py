"""Translation status: partial and stale translations, the coverage report, and fallbacks in the built pages."""
PARTIAL_DATA_EN = """---
type: section
title: Data Resources Management
translation: {source_hash: "0bad0bad0bad", status: draft}
---

{#data-01}
## General Situation
In 2021 the district data bureau worked on digital reform.
"""


def make_partial_and_stale(site):
    (site / "content/2022/gov/data.en.md").write_text(PARTIAL_DATA_EN, encoding="utf-8")


def test_check_warns_about_stale_translation(site, run):
    make_partial_and_stale(site)
    code, out, err = run(site, "check")
    assert code == 0
    assert err.startswith("content/2022/gov/data.en.md:4:28: warning: the source changed since this was translated "
                          "(content/2022/gov/data.zh.md)\n  hint: update the translation, then set translation: {source_hash: \"")
    assert "translations: en 38% translated (7 pages incomplete, 1 stale)" in out


def test_coverage_report_lists_missing_and_stale(site, run):
    make_partial_and_stale(site)
    code, out, _ = run(site, "check", "--translations")
    assert code == 0
    report = out.split("\n\n", 1)[1]
    lines = report.splitlines()
    assert lines[0] == "Translation coverage of English (en): Chinese characters of the source translated, and entries"
    assert lines[2].split() == ["whole", "site", "38%", "94/250", "chars", "3/5", "entries"]
    assert lines[4].split() == ["gov", "杭州市拱墅区人民政府", "80%", "90/112", "chars", "3/4", "entries"]
    assert "  content/2022/gov/data.en.md: entries data-02" in lines
    assert "  content/2022/summaries/data-bureau.en.md: no file" in lines
    assert "  content/2022/documents/tasks/rows.en.tsv: 3 row(s) untranslated, from row 1" in lines
    stale = [line for line in lines if line.startswith("  content/2022/gov/data.en.md: translated from 0bad0bad0bad")]
    assert len(stale) == 1


def test_partial_translation_shows_missing_entries_in_chinese(site, run):
    make_partial_and_stale(site)
    assert run(site, "build", "--no-search")[0] == 0
    html = (site / "public/en/2022/gov/data/index.html").read_text(encoding="utf-8")
    assert "<article data-pagefind-body>" in html
    assert "Some entries on this page have not been translated yet" in html
    translated = html.index('<h2 id="data-01" class="entry">General Situation')
    fallback = html.index('<div class="untranslated" lang="zh-CN" data-pagefind-ignore>\n<h2 id="data-02" class="entry">')
    assert translated < fallback
    assert '<a href="#data-02" lang="zh-CN">数字化改革推进</a>' in html


def test_english_naming_a_body_differently_from_the_glossary_is_a_warning(site, run):
    page = site / "content/2022/gov/meetings.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "On 8 October 2021 the People's Government of Hangzhou Gongshu District held",
        "On 8 October 2021 the district government held"), encoding="utf-8")
    code, _, err = run(site, "check", "--strict")
    assert code == 1
    assert err.startswith(
        "content/2022/gov/meetings.en.md:9:1: warning: entry 'meetings-01' names a body differently from the glossary: "
        "区政府 is 'People's Government of Hangzhou Gongshu District'\n"
        "  hint: use 'People's Government of Hangzhou Gongshu District', or change the glossary "
        "('district-government' in content/_data/departments.yaml) if it is wrong\n")
