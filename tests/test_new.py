"""`build.py new`: every kind of page it starts builds clean, ids come from the title in
pinyin, nothing is ever overwritten, and mistakes are refused with file and hint."""
import hashlib

import pytest

from yearbook.commands.scaffold import slugify


@pytest.mark.parametrize("title, slug", [
    ("数字化改革", "shu-zi-hua-gai-ge"),
    ("重要会议", "zhong-yao-hui-yi"),                       # 重 read as zhong in this word
    ("绿色 GDP 2021", "lv-se-gdp-2021"),                    # ASCII words and digits kept, lowercase
    ("“最多跑一次”改革", "zui-duo-pao-yi-ci-gai-ge"),        # punctuation dropped
    ("2021年拱墅区政府常务会议一览表", "2021-nian-gong-shu-qu-zheng-fu"),  # whole syllables, ≤ 32 characters
    ("！？", ""),
])
def test_slug_is_the_title_in_pinyin(title, slug):
    assert slugify(title) == slug
    assert len(slugify(title)) <= 32


def test_new_section_is_valid_numbered_and_previewable(site, run):
    code, out, err = run(site, "new", "section", "数字化改革", "--in", "2022/gov")
    assert code == 0, err
    path = site / "content/2022/gov/shu-zi-hua-gai-ge.zh.md"
    assert out.splitlines()[0] == "created content/2022/gov/shu-zi-hua-gai-ge.zh.md"
    assert "preview: python build.py serve, then open http://127.0.0.1:8000/zh/2022/gov/shu-zi-hua-gai-ge/" in out
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\ntype: section\ntitle: "数字化改革"\norder: 3\n')   # meetings 1, data 2 in the fixture
    assert "\n{#shu-zi-hua-gai-ge-01}\n## " in text
    code, out, err = run(site, "build", "--no-search")
    assert code == 0, err
    # Valid, but the example entry would be published: check says so until it is replaced.
    heading = text.split("\n").index("## 条目标题") + 1
    assert (f"content/2022/gov/shu-zi-hua-gai-ge.zh.md:{heading}:1: warning: the example entry '条目标题' written by "
            "'build.py new' is still here\n  hint: replace the example with the real text (and attribution) "
            "before publishing\n") in err
    assert "warning: the example attribution '署名' written by 'build.py new' is still here" in err
    assert "warning: the example text '条目正文。' written by 'build.py new' is still here" in err
    assert run(site, "check", "--strict")[0] == 1
    html = (site / "public/zh/2022/gov/shu-zi-hua-gai-ge/index.html").read_text(encoding="utf-8")
    assert '<h2 id="shu-zi-hua-gai-ge-01" class="entry">' in html
    chapter = (site / "public/zh/2022/gov/index.html").read_text(encoding="utf-8")
    assert chapter.index("/zh/2022/gov/data/") < chapter.index("/zh/2022/gov/shu-zi-hua-gai-ge/")   # placed last


def test_every_kind_builds_clean_together(site, run):
    commands = [
        ("new", "volume", "测试年鉴 2023"),
        ("new", "chapter", "区人大常委会", "--in", "2023", "--id", "congress"),
        ("new", "section", "综述", "--in", "2023/congress", "--department", "data-bureau"),
        ("new", "collection", "单位年度工作综述", "--in", "2023", "--id", "summaries"),
        ("new", "summary", "--department", "data-bureau", "--in", "2023/summaries"),
        ("new", "tasks", "任务分解", "--in", "2023", "--id", "tasks-2023", "--doc-kind", "progress"),
        ("new", "article", "为全面高质量建成运河沿岸名区而努力奋斗", "--in", "2023"),
        ("new", "section", "Overview", "--in", "2023/congress", "--id", "zong-shu", "--lang", "en"),
        ("new", "summary", "--department", "data-bureau", "--in", "2023/summaries", "--lang", "en"),
        ("new", "chapter", "NPC Standing Committee", "--in", "2023", "--id", "congress", "--lang", "en"),
    ]
    for args in commands:
        code, out, err = run(site, *args)
        assert code == 0, (args, err)
    content = site / "content/2023"
    assert (content / "index.zh.md").read_text(encoding="utf-8").startswith(
        '---\ntype: volume\ntitle: "测试年鉴 2023"\nedition_year: 2023\ncoverage_year: 2022\n---\n')
    summary = (content / "summaries/data-bureau.zh.md").read_text(encoding="utf-8")
    assert 'title: "区数据局"\n' in summary and "department: data-bureau\n" in summary   # title from the registry
    assert 'title: "Gongshu District Data Resources Bureau"' in (content / "summaries/data-bureau.en.md").read_text(encoding="utf-8")
    assert (content / "tasks-2023/rows.zh.tsv").exists()
    assert "doc_kind: progress" in (content / "tasks-2023/index.zh.md").read_text(encoding="utf-8")
    assert (content / "wei-quan-mian-gao-zhi-liang-jian.zh.md").exists()
    code, out, err = run(site, "build", "--no-search")
    assert code == 0, err
    assert "0 error(s)" in out
    # Every warning is about example text still to replace.
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert warnings and all("written by 'build.py new' is still here" in line for line in warnings), err
    public = site / "public"
    for page in ("zh/2023/congress/zong-shu", "en/2023/congress/zong-shu", "zh/2023/tasks-2023", "en/2023/summaries/data-bureau"):
        assert (public / page / "index.html").exists(), page
    assert "NPC Standing Committee" in (public / "en/2023/congress/index.html").read_text(encoding="utf-8")


def test_an_entry_id_taken_in_the_volume_gets_the_chapter_prefix(site, run):
    assert run(site, "new", "section", "综述", "--in", "2022/gov")[0] == 0
    assert run(site, "new", "chapter", "文件", "--in", "2022", "--id", "docs")[0] == 0
    code, out, err = run(site, "new", "section", "综述", "--in", "2022/docs")
    assert code == 0, err
    assert "{#docs-zong-shu-01}" in (site / "content/2022/docs/zong-shu.zh.md").read_text(encoding="utf-8")
    code, _, err = run(site, "check")
    assert code == 0 and ": error: " not in err, err


def test_translation_records_the_source_hash(site, run):
    source = site / "content/2022/gov/data.zh.md"
    code, out, err = run(site, "new", "section", "Data Resources Management", "--in", "2022/gov", "--id", "data", "--lang", "en")
    assert code == 0, err
    text = (site / "content/2022/gov/data.en.md").read_text(encoding="utf-8")
    assert text == ('---\ntype: section\ntitle: "Data Resources Management"\n'
                    f'translation: {{source_hash: "{hashlib.sha1(source.read_bytes()).hexdigest()[:12]}", status: draft}}\n---\n')
    assert "translate entries under the same ids: {#data-01}, {#data-02}" in out
    assert run(site, "check", "--strict")[0] == 0
    (site / "content/2022/gov/data.en.md").write_text(text + "\n{#data-01}\n## Overview\nIn 2021 the Gongshu District Data Resources Bureau worked on digital reform.\n",
                                                       encoding="utf-8")
    assert run(site, "check", "--strict")[0] == 0     # translated and current: no stale warning
    source.write_text(source.read_text(encoding="utf-8") + "\n更多。\n", encoding="utf-8")
    code, _, err = run(site, "check")
    assert "warning: the source changed since this was translated (content/2022/gov/data.zh.md)" in err


def test_never_overwrites(site, run):
    path = site / "content/2022/gov/meetings.zh.md"
    before = path.read_bytes()
    code, out, err = run(site, "new", "section", "重要会议", "--in", "2022/gov", "--id", "meetings")
    assert code == 1
    assert err == ("content/2022/gov/meetings.zh.md: error: already exists; nothing was written\n"
                   "  hint: choose another name with --id (e.g. --id meetings-2), or edit the existing page\n")
    assert path.read_bytes() == before
    code, _, err = run(site, "new", "section", "Major Meetings", "--in", "2022/gov", "--id", "meetings", "--lang", "en")
    assert code == 1
    assert err.startswith("content/2022/gov/meetings.en.md: error: the file already exists; nothing was written")


def test_new_speaks_chinese_when_asked(site, run):
    # --lang before the command: after `new`, --lang is the language of the page to write.
    code, out, err = run(site, "--lang", "zh", "new", "section", "数字化改革", "--in", "2022/gov")
    assert code == 0, err
    assert out == ("已创建 content/2022/gov/shu-zi-hua-gai-ge.zh.md\n"
                   "  请把示例条目 {#shu-zi-hua-gai-ge-01} 及其署名（“署名”）替换为实际内容；后续条目依次编号\n"
                   "预览：先运行 python build.py serve，再打开 http://127.0.0.1:8000/zh/2022/gov/shu-zi-hua-gai-ge/\n"
                   "检查：python build.py check\n")
    code, out, err = run(site, "--lang", "zh", "new", "section", "数字化改革", "--in", "2022/gov")
    assert (code, out) == (1, "")
    assert err == ("content/2022/gov/shu-zi-hua-gai-ge.zh.md: 错误：已存在，未写入任何内容\n"
                   "  提示：用 --id 另取一个名称（例如 --id shu-zi-hua-gai-ge-2），或者编辑已有的页面\n")
    code, out, err = run(site, "--lang", "zh", "new", "summary", "--department", "data-burau", "--in", "2022/summaries")
    assert err == "content/_data/departments.yaml: 错误：单位名录中没有单位 id“data-burau”\n  提示：是不是想写“data-bureau”？\n"


@pytest.mark.parametrize("args, message", [
    (("summary", "--department", "data-burau", "--in", "2022/summaries"),
     "content/_data/departments.yaml: error: unknown department id 'data-burau'\n  hint: did you mean 'data-bureau'?\n"),
    (("summary", "--department", "区数据资源局", "--in", "2022/summaries"),
     "content/_data/departments.yaml: error: unknown department id '区数据资源局'\n"
     "  hint: '区数据资源局' is a name; use its id 'data-bureau'\n"),
    (("summary", "--in", "2022/summaries"),
     "build.py new: error: a summary needs --department ID\n"
     "  hint: the body's id in content/_data/departments.yaml, e.g. --department data-bureau\n"),
    (("section", "综述", "--in", "2022/gvo"),
     "content/2022/gvo: error: this folder has no index page\n  hint: did you mean '2022/gov'?\n"),
    (("section", "综述"),
     "build.py new: error: a section needs --in FOLDER: the folder it goes into\n"
     "  hint: e.g. --in 2022/gov (a folder under content/ with an index page)\n"),
    (("section", "综述", "--in", "2022/gov", "--id", "Zong_Shu"),
     "build.py new: error: invalid --id 'Zong_Shu'\n  hint: use lowercase ASCII letters, digits and '-', e.g. --id digital-reform\n"),
    (("section", "Digital", "--in", "2022/gov", "--lang", "en"),
     "build.py new: error: --lang en translates an existing page: name it with --id\n  hint: pages in content/2022/gov: data, meetings\n"),
    (("chapter", "Data", "--in", "2022/gov", "--id", "data", "--lang", "en"),
     "content/2022/gov/data.zh.md: error: this page is a 'section', not a 'chapter'\n"
     "  hint: a translation has the type of its source: build.py new section … --lang en\n"),
    (("volume", "年鉴"),
     "build.py new: error: a volume needs its edition year\n"
     "  hint: add --year 2023 (the year on the cover; the folder is named after it)\n"),
])
def test_mistakes_are_refused_with_a_hint(site, run, args, message):
    before = sorted(p for p in (site / "content").rglob("*"))
    code, out, err = run(site, "new", *args)
    assert (code, out, err) == (1, "", message)
    assert sorted(p for p in (site / "content").rglob("*")) == before


def test_help_shows_examples(run, site, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(site, "new", "--help")
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert 'build.py new section "数字化改革" --in 2022/gov' in out
    assert "--lang" in out and "--department" in out


def test_only_a_section_with_nothing_in_it_is_reported_empty(site, run):
    front = "---\ntype: section\ntitle: 安全生产\norder: 3\nauthors: []\n---\n\n"
    for body, empty in (("", True), ("\n\n", True), ("本年度无记述。\n", False), ("::: table t04\n", False)):
        (site / "content/2022/gov/safety.zh.md").write_text(front + body, encoding="utf-8")
        code, _, err = run(site, "check", "--strict")
        assert ("the section '安全生产' is empty" in err) == empty, body
        assert code == (1 if empty else 0), err
