"""The draft importer (yearbook/commands/importer.py): seed 000's conversion hazards, one fixture each, and the whole seed."""
import re
import shutil

import pytest
import yaml

from conftest import FIXTURES, ROOT
from yearbook.commands.importer import import_draft, read_draft

DRAFTS = FIXTURES / "import"
SEED = DRAFTS / "seed-000.txt"
BUNDLED = ROOT / "content/2022/gov"
BUNDLED_SECTIONS = ["overview", "meetings", "policies", "approval", "data", "proposals", "emergency", "fire"]
L33 = ("贯彻中央和省委、市委、区委决策部署，重点打好转型升级、亚运会筹办、环境整治、重大改革、民生改善、安全稳定6场“冲刺硬仗”，"
       "确保出色完成年度发展目标任务。会上，区统计局、区发改经信局、区公安分局、区住建局、区综合行政执法局、区卫健局、区政府办分别做工作汇报。")


def imported(name: str):
    """Import a fixture draft as chapter 2022/gov."""
    text, _ = read_draft(DRAFTS / name)
    return import_draft(text, "2022", "gov", name)


def front_matter(file_text: str) -> dict:
    """The YAML between the first two '---' lines."""
    return yaml.safe_load(file_text.split("---\n")[1])


def entries(file_text: str) -> list:
    """(id, title, text) of every entry in a section file, text = the paragraphs up to the next block."""
    body = file_text.split("---\n", 2)[2]
    found = re.findall(r"^\{#([a-z0-9-]+)\}\n## (.+)\n((?:.+\n?)*)", body, flags=re.M)
    return [(ident, title, text.strip()) for ident, title, text in found]


def all_entries(result) -> list:
    """Entries of all section files of an import, in order."""
    sections = sorted(k for k in result.files if re.match(r"s\d\d\.zh\.md$", k))
    return [e for s in sections for e in entries(result.files[s])]


def by_title(result) -> dict:
    """Entry text by entry title (titles are unique within a fixture)."""
    return {title: text for _, title, text in all_entries(result)}


def line_number(name: str, startswith: str) -> int:
    """1-based number of the first line of a fixture draft that starts with `startswith`."""
    lines = (DRAFTS / name).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(startswith))


# ---------------------------------------------------------------- every line is accounted for

def pieces(text: str) -> list:
    """A line cut where the importer may split it: 【】, TABs, a trailing (…)."""
    parts = re.split(r"[【】\t]|(?=[(（][^()（）]*[)）]$)", text)
    return [re.sub(r"\s", "", p) for p in parts if p.strip()]


@pytest.mark.parametrize("name", sorted(p.name for p in DRAFTS.glob("*.txt")))
def test_every_nonblank_line_ends_up_in_a_file_or_the_report(name):
    result = imported(name)
    raw = (DRAFTS / name).read_text(encoding="utf-8").split("\n")
    lines = {no: line.strip() for no, line in enumerate(raw, start=1) if line.strip()}
    assert list(result.placed) == list(lines)
    reported = {n.line for n in result.report.notices} | {no for u in result.report.unclassified for no in u.lines}
    for no, text in lines.items():
        where = result.placed[no]
        if where == "report":
            assert no in reported, no
            continue
        squashed = re.sub(r"\s", "", result.files[where])
        for piece in pieces(text):
            assert piece in squashed, (no, piece[:30], where)


# ---------------------------------------------------------------- the hazards of seed 000, one fixture each

def test_running_heads_and_titles_make_the_chapter_page():
    result = imported("letter-spaced-headings.txt")
    meta = front_matter(result.files["index.zh.md"])
    assert meta["type"] == "chapter" and meta["title"] == "杭州市拱墅区人民政府"
    assert meta["notes"] == ["English title printed in the source (L7): People's Government of Hangzhou Gongshu District"]
    assert meta["source"] == {"seed": "letter-spaced-headings", "lines": "1-17"}
    heads = [n.message for n in result.report.notices if n.line in (3, 5)]
    assert heads == ["running head '2022' not imported", "running head '拱墅年鉴' not imported"]


def test_letter_spaced_headings_lose_their_spaces_and_keep_a_note():
    result = imported("letter-spaced-headings.txt")
    assert sorted(result.files) == ["index.zh.md", "s01.zh.md", "s02.zh.md"]
    first, second = (front_matter(result.files[f]) for f in ("s01.zh.md", "s02.zh.md"))
    assert (first["type"], first["title"], first["order"]) == ("section", "综述", 1)
    assert (second["title"], second["order"]) == ("消防", 2)
    assert first["notes"] == ["分目标题印作“综 述”（字间空格），标题按“综述”录入。"]
    assert second["notes"] == ["分目标题印作“消 防”（字间空格），标题按“消防”录入。"]
    assert [e[:2] for e in all_entries(result)] == [("s01-01", "概况"), ("s02-01", "概况")]


def test_a_draft_that_starts_with_a_section_heading_asks_for_the_chapter_title():
    text = "综 述\n【概况】2021年，全区各项工作有序推进。\n消 防\n【概况】全年未发生较大火灾。\n"
    result = import_draft(text, "2022", "gov", "draft.txt")
    assert front_matter(result.files["index.zh.md"])["title"] == "gov"
    assert front_matter(result.files["s01.zh.md"])["title"] == "综述"   # a section, not the chapter's title
    assert ("no chapter title found (the first line, '综 述', is a section heading); the chapter is titled 'gov' "
            "for now: give its title with --title") in [n.message for n in result.report.notices if n.line == 1]
    titled = import_draft(text, "2022", "gov", "draft.txt", title="杭州市拱墅区人民政府")
    assert front_matter(titled.files["index.zh.md"])["title"] == "杭州市拱墅区人民政府"
    assert sorted(titled.files) == ["index.zh.md", "s01.zh.md", "s02.zh.md"]


def test_space_after_the_closing_bracket_is_dropped():
    result = imported("bracket-space.txt")
    found = all_entries(result)
    assert [title for _, title, _ in found] == ["概况", "数字赋能减负", "建议提案办理流程规范"]
    assert [text[:7] for _, _, text in found] == ["2021年,区", "2021年3月", "2021年,区"]
    spaced = [line_number("bracket-space.txt", t) for t in ("【概况】 ", "【数字赋能减负】 ")]
    assert f"space after 】 dropped on 2 line(s): L{spaced[0]}, L{spaced[1]}" in [n.message for n in result.report.notices]


def test_page_break_joins_short_lines_and_three_blank_lines_without_a_space():
    result = imported("join-short-line.txt")
    texts = by_title(result)
    assert texts["区域融合加快"].startswith("2021年,拱墅以“促融合、谋发展、护平安”为主线")
    assert "眼·云共治”场景" not in texts["区域融合加快"]
    assert "拱墅区开发“城市眼·云共治”场景受到" in texts["重大领域改革深化"]
    assert "完善推进机制，强化督促检查，" in texts["民生实事项目推进"]   # the comma style changes across the join: kept
    assert texts["民生实事项目推进"].endswith("拱墅区获评“中国最具幸福感城区”。")
    joins = [(n.line, n.message) for n in result.report.notices if n.message.startswith("joined")]
    name = "join-short-line.txt"
    assert joins == [(line_number(name, "【区域融合加快】"), f"joined with L{line_number(name, '以“促融合')} (page break)"),
                     (line_number(name, "【重大领域改革深化】"), f"joined with L{line_number(name, '眼·云共治')} (page break)"),
                     (line_number(name, "【民生实事项目推进】"), f"joined with L{line_number(name, '制，强化')} (page break)")]


def test_quote_final_line_joins_over_a_caption_with_its_credit_on_the_same_line():
    result = imported("join-quote-final-inline-credit.txt")
    section = result.files["s01.zh.md"]
    (ident, title, text), = entries(section)
    assert title == "数字化改革推进"
    assert "“城市眼·云共治”多跨场景应用获杭州市“数字法治”金奖。" in text
    assert "推进会举行" not in text and "供稿" not in text
    assert front_matter(section)["figures"] == [{
        "id": "p01", "caption": "2021年5月19日,拱墅区数字化改革工作推进会举行",
        "credit": {"as_printed": "(区数据局供稿)"}}]
    assert section.endswith(f"{text}\n\n::: figure p01\n")


def test_caption_with_the_credit_on_the_next_line_splits_a_word():
    result = imported("join-over-caption.txt")
    section = result.files["s01.zh.md"]
    (_, title, text), = entries(section)
    assert title == "亚运会亚残运会场馆建设加快"
    assert "将承办亚运会拳击比赛和亚残运会硬地滚球比赛2项赛事。" in text
    meta = front_matter(section)
    assert meta["figures"] == [{
        "id": "p01",
        "caption": "2021年11月19—21日，“韵味杭州”京杭大运河沿线城市乒乓球邀请赛暨杭州亚运会乒乓球测试赛在杭州电竞中心举行",
        "credit": {"as_printed": "(区亚保办 供稿)"}}]
    assert "图片说明 p01 印在【亚运会亚残运会场馆建设加快】段中；正文已接合。" in meta["notes"]
    name = "join-over-caption.txt"
    caption, after = line_number(name, "2021年11月19—21日"), line_number(name, "会拳击比赛")
    assert (f"joined with L{after} (page break; over figure p01 at L{caption}–{caption + 1})"
            in [n.message for n in result.report.notices])


def test_half_width_attribution_at_the_end_of_a_paragraph():
    result = imported("join-over-caption.txt")
    section = result.files["s01.zh.md"]
    (_, _, text), = entries(section)
    assert text.endswith("成为展现拱墅蝶变升级的重要载体。")
    assert front_matter(section)["authors"] == [{"names": ["於晓萍"], "from": "s01-01", "as_printed": "(於晓萍)"}]


def test_caption_and_credit_separated_by_a_blank_line():
    result = imported("caption-credit-blank-line.txt")
    section = result.files["s01.zh.md"]
    (_, title, text), = entries(section)
    assert title == "区产权交易服务云平台升级"
    assert "推动房屋残值及废旧设备项目进入区产权交易服务云平台进行交易" in text
    figure, = front_matter(section)["figures"]
    assert figure["caption"] == ("2021年1月,“1 Call”在线咨询系统“视频办”功能应用范围扩大至行动不便者、老年人等群体。"
                                 "图为工作人员正在开展“视频办”工作")
    assert figure["credit"] == {"as_printed": "(区审管办 供稿)"}
    assert "department" not in figure["credit"]


def test_full_width_attribution_at_the_end_of_a_paragraph():
    result = imported("attribution-inline-fullwidth.txt")
    section = result.files["s01.zh.md"]
    (_, _, text), = entries(section)
    assert text.endswith("拱墅区连续16年获评“省级平安区”。")
    meta = front_matter(section)
    assert meta["authors"] == [{"names": ["於晓萍"], "from": "s01-01", "as_printed": "（於晓萍）"}]
    assert "署名“（於晓萍）”印在【平安稳定大局维护】段末，已移入 authors。" in meta["notes"]


def test_padded_names_and_a_last_line_without_newline():
    result = imported("attribution-padded-names.txt")
    emergency, fire = (front_matter(result.files[f]) for f in ("s01.zh.md", "s02.zh.md"))
    assert emergency["authors"] == [{"names": ["汪剑", "朱丽娜"], "from": "s01-01", "to": "s01-02",
                                     "as_printed": "(汪 剑 朱丽娜)"}]
    assert "署名印作“(汪 剑 朱丽娜)”，“汪 剑”中间有补位空格，姓名按“汪剑”录入。" in emergency["notes"]
    assert fire["authors"] == [{"names": ["李然", "杨江", "钱池静"], "from": "s02-01", "as_printed": "(李然 杨江 钱池静)"}]
    texts = [text for _, _, text in all_entries(result)]
    assert "加强数字监管能力建设" in texts[1] and "开展“3·15”消防产品宣传、“5·12”全国防灾减灾日、“安全生产月”、“119”消防宣传月等主题宣传活动" in texts[2]


def test_continued_table_is_one_table_with_the_repeated_header_dropped():
    result = imported("table-continued.txt")
    assert sorted(result.files) == ["index.zh.md", "s01.zh.md", "t04.table.yaml", "t04.zh.tsv"]
    table = yaml.safe_load(result.files["t04.table.yaml"])
    assert table["number"] == 4
    assert table["title"] == {"zh": "2021年拱墅区政府常务会议一览表"}
    assert table["columns"] == [{"key": "c1", "zh": "常务会议届次"}, {"key": "c2", "zh": "会议时间"},
                                {"key": "c3", "zh": "议题内容"}]
    assert table["parts"] == [{"label": "表4", "rows": 4}, {"label": "续表4", "rows": 9}]
    rows = result.files["t04.zh.tsv"].splitlines()
    assert rows[0] == "c1\tc2\tc3" and len(rows) == 14
    assert "常务会议届次" not in result.files["t04.zh.tsv"]
    assert rows[4].startswith("下城区第四十六次区长办公会议\t2月18日\t")
    assert rows == [*rows[:1], *(line for line in (BUNDLED / "t04.zh.tsv").read_text(encoding="utf-8").splitlines()[1:])]
    header, repeat = (i for i, line in enumerate((DRAFTS / "table-continued.txt").read_text(encoding="utf-8").split("\n"),
                                                 start=1) if line.startswith("常务会议届次"))
    assert (result.placed[header], result.placed[repeat]) == ("t04.table.yaml", "report")
    assert f"L{repeat}: 续表4: repeated header dropped; rows continue t04" in result.report.format()
    section = result.files["s01.zh.md"]
    assert "## 区政府常务会议\n" in section and "等工作。\n\n::: table t04\n\n{#s01-03}" in section


def test_gb18030_draft_is_converted_with_a_notice(tmp_path):
    utf8 = (DRAFTS / "table-continued.txt").read_text(encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_bytes(utf8.encode("gb18030"))
    text, notice = read_draft(draft)
    assert text == utf8
    assert notice == f"{draft}: not UTF-8; read as GB18030 and converted to UTF-8"
    assert read_draft(DRAFTS / "table-continued.txt") == (utf8, None)
    files = import_draft(text, "2022", "gov", "draft.txt").files
    same_seed = {name: content.replace('seed: "draft"', 'seed: "table-continued"') for name, content in files.items()}
    assert same_seed == imported("table-continued.txt").files


def test_a_paragraph_outside_any_entry_is_reported_with_its_line_number():
    result = imported("displaced-fragment.txt")
    fragment = line_number("displaced-fragment.txt", "贯彻中央")
    item, = result.report.unclassified
    assert item.lines == (fragment,)
    assert item.text == L33[:30]
    assert "after the attribution （於晓萍）" in item.reason
    assert result.placed[fragment] == "report"
    assert all("贯彻中央" not in text for text in result.files.values())
    report = result.report.format()
    assert f"L{fragment}: {L33[:30]} — " in report
    open_end = line_number("displaced-fragment.txt", "【区政府全体会议】")
    assert any(n.line == open_end and "ends mid-sentence (…讲话，强调要深入)" in n.message for n in result.report.notices)


def test_windows_newlines_and_a_bom_change_nothing():
    text = (DRAFTS / "table-continued.txt").read_text(encoding="utf-8")
    crlf = import_draft("\ufeff" + text.replace("\n", "\r\n"), "2022", "gov", "table-continued.txt")
    assert crlf.files == imported("table-continued.txt").files
    assert crlf.report == imported("table-continued.txt").report


def test_nbsp_is_folded_to_a_space_and_noted():
    text = "杭州市拱墅区人民政府\n\n综 述\n\n【概况】2021年,“千年运河\u00a0繁华武林”金名片。\n"
    result = import_draft(text, "2022", "gov", "nbsp.txt")
    assert entries(result.files["s01.zh.md"]) == [("s01-01", "概况", "2021年,“千年运河 繁华武林”金名片。")]
    assert "L5: NBSP folded to a space on 1 line(s): L5" in result.report.format()


def test_text_that_markdown_would_read_as_syntax_is_escaped():
    text = "杭州市拱墅区人民政府\n\n综述\n\n【概况】1. 全年完成。\n\n- 另起一段。\n"
    section = import_draft(text, "2022", "gov", "md.txt").files["s01.zh.md"]
    assert section.endswith("## 概况\n1\\. 全年完成。\n\n\\- 另起一段。\n")


def test_volume_and_chapter_must_be_folder_slugs():
    with pytest.raises(ValueError, match="chapter '政府' must be lowercase ASCII"):
        import_draft("杭州市拱墅区人民政府\n", "2022", "政府", "x.txt")


# ---------------------------------------------------------------- the whole seed

@pytest.fixture(scope="module")
def seed():
    return imported("seed-000.txt")


def test_seed_has_8_sections_45_entries_9_attributions_5_figures_1_table(seed):
    assert seed.folder == "2022/gov"
    assert seed.counts == {"sections": 8, "entries": 45, "attributions": 9, "figures": 5, "tables": 1,
                           "table_rows": 13, "unclassified": 1}
    sections = [front_matter(seed.files[f"s{n:02d}.zh.md"]) for n in range(1, 9)]
    assert [s["title"] for s in sections] == ["综述", "重要会议", "重要施政", "行政审批服务·公共资源交易", "数据资源管理",
                                              "建议和提案办理", "应急管理", "消防"]
    assert [s["order"] for s in sections] == list(range(1, 9))
    authors = [(run["names"], run["from"], run.get("to")) for s in sections for run in s.get("authors", [])]
    assert authors == [(["於晓萍"], "s01-01", "s01-05"), (["於晓萍"], "s02-01", "s02-03"), (["於晓萍"], "s03-01", "s03-05"),
                       (["方琳"], "s03-06", None), (["方琳"], "s04-01", "s04-07"), (["潘春炜"], "s05-01", "s05-07"),
                       (["於晓萍"], "s06-01", "s06-03"), (["汪剑", "朱丽娜"], "s07-01", "s07-06"),
                       (["李然", "杨江", "钱池静"], "s08-01", "s08-08")]
    figures = [(f["id"], f["credit"]["as_printed"]) for s in sections for f in s.get("figures", [])]
    assert figures == [("p01", "(区亚保办 供稿)"), ("p02", "(区审管办 供稿)"), ("p03", "(区数据局供稿)"),
                       ("p04", "(区应急管理局 供稿)"), ("p05", "(区消防救援大队供稿)")]
    assert [len(s.get("figures", [])) for s in sections] == [0, 0, 1, 1, 1, 0, 1, 1]


def test_seed_entry_titles_are_the_printed_titles(seed):
    printed = re.findall(r"^【([^】]+)】", SEED.read_text(encoding="utf-8"), flags=re.M)
    found = all_entries(seed)
    assert [title for _, title, _ in found] == printed
    assert [ident for ident, _, _ in found][:6] == ["s01-01", "s01-02", "s01-03", "s01-04", "s01-05", "s02-01"]


def test_seed_entry_texts_equal_the_hand_converted_chapter_except_the_displaced_fragment(seed):
    bundled = [e for name in BUNDLED_SECTIONS for e in entries((BUNDLED / f"{name}.zh.md").read_text(encoding="utf-8"))]
    mine = all_entries(seed)
    assert len(mine) == len(bundled) == 45
    for (ident, title, text), (hand_id, hand_title, hand_text) in zip(mine, bundled):
        assert title == hand_title, ident
        expected = hand_text[:-len(L33)] if hand_id == "meetings-01" else hand_text
        assert text == expected, ident
    assert bundled[5][2].endswith(L33)


def test_seed_placements_follow_the_entry_they_are_printed_in(seed):
    placed = {}
    for name, text in seed.files.items():
        for before, directive in re.findall(r"\{#([a-z0-9-]+)\}\n## .+\n(?:.+\n)*\n(::: \w+ \w+)", text):
            placed[directive] = before
    assert placed == {"::: table t04": "s02-02", "::: figure p01": "s03-05", "::: figure p02": "s04-06",
                      "::: figure p03": "s05-02", "::: figure p04": "s07-02", "::: figure p05": "s08-07"}


def test_seed_report_names_the_displaced_fragment_and_every_join(seed):
    item, = seed.report.unclassified
    assert item.lines == (33,) and item.text == L33[:30]
    joins = [n.line for n in seed.report.notices if n.message.startswith("joined")]
    assert joins == [15, 19, 23, 29, 74, 80, 84, 90, 99, 107, 115, 123, 135, 143, 147, 159, 165, 175, 183, 191, 195,
                     206, 210, 216, 228, 234, 238, 246, 255]
    assert "L147: joined with L155 (page break; over figure p03 at L151)" in seed.report.format()


def test_seed_import_passes_the_projects_check(seed, tmp_path, run):
    project = tmp_path / "project"
    (project / "content/2022").mkdir(parents=True)
    shutil.copy(ROOT / "config.yaml", project)
    for folder in ("templates", "static", "content/_data"):
        shutil.copytree(ROOT / folder, project / folder)
    for page in ("content/index.zh.md", "content/index.en.md", "content/2022/index.zh.md", "content/2022/index.en.md"):
        shutil.copy(ROOT / page, project / page)
    out = project / "content" / seed.folder
    out.mkdir()
    for name, text in seed.files.items():
        (out / name).write_text(text, encoding="utf-8")
    code, out_text, err = run(project, "check")
    assert code == 0, err
    assert "45 entries, 1 tables, 5 figures; 0 error(s)" in out_text


def test_import_reports_in_chinese_when_asked(site, run):
    draft = ROOT / "tests/fixtures/seeds/000_92bbe13f21c1c589.txt"
    code, out, err = run(site, "import", str(draft), "--volume", "2022", "--chapter", "imported", "--lang", "zh")
    assert code == 0, err
    folder = site / "content/2022/imported"
    assert out.startswith("8 个分目、45 个条目、9 条署名、5 幅图片、1 个表格（13 行）；")
    assert "\nL147: 与 L155 接合（分页断开；中间隔着图片 p03（L151））\n" in out
    assert "\nL3: 书眉“2022”未导入\n" in out
    assert "\n未能归类（1）：未导入，请手工移入\n  L33: 贯彻中央和省委、市委、区委决策部署" in out
    assert "L31 的署名（於晓萍）之后的文字，不属于任何条目" in out
    assert "\nL31: 段末署名（於晓萍） → 归入 s01-01…s01-05 的 authors\n" in out
    assert out.rstrip().endswith(f"已把 11 个文件写入 {folder}；下一步：python build.py check")
    assert not re.search(r"[a-z]{3,} [a-z]{3,}", out.replace("python build.py check", "")), out   # no English sentence
    code, out, err = run(site, "--lang", "zh", "import", str(draft), "--volume", "2022", "--chapter", "imported")
    assert (code, out) == (1, "")
    assert err == (f"{folder}: 错误：文件夹里已有文件\n"
                   "  提示：请换一个 --chapter 或 --out，或者加 --force 写入这个文件夹\n")
