"""The HTML contract (yearbook/markup.py): what Markdown rendering writes, every reader reads back."""
from yearbook.markdown import render_markdown
from yearbook.markup import (CJK, PLACEHOLDER, SITE_LINK, VALID_ID, find_figure, mark_foreign, placeholders,
                             split_before_entries, split_entries, strip_tags, without_foreign)
from yearbook.search import search_record, search_tokens
from yearbook.markup import SEARCH_BODY_END, SEARCH_BODY_START

BODY = """前言段落。

{#meetings-01}
## 区政府全体会议
2021年10月8日，区政府召开第一次全体会议。见[概况](data.md#data-01)。

::: table t04

{#meetings-02}
## 区政府常务会议
共召开常务会议12次。

::: figure p01
"""


def test_what_markdown_writes_every_reader_reads():
    result = render_markdown(BODY, "2022/gov/meetings", brackets=True)
    html = result.html
    # Entries: the writer's headings are what split_entries and the character index cut at.
    head, chunks = split_entries(html)
    assert list(chunks) == ["meetings-01", "meetings-02"] == [e[0] for e in result.entries]
    assert strip_tags(head).strip() == "前言段落。"
    assert "【区政府全体会议】" in strip_tags(chunks["meetings-01"])
    assert split_before_entries(html) == [head, chunks["meetings-01"], chunks["meetings-02"]]
    # Placeholders: the directives' places, in order, for render.py and the indexes.
    assert placeholders(html) == [("table", "t04"), ("figure", "p01")] == [(k, i) for k, i, _ in result.directives]
    assert len(PLACEHOLDER.findall(html)) == 2
    # Links to other pages: a page key and fragment for render.py to resolve per language.
    assert SITE_LINK.findall(html) == [("2022/gov/data", "data-01")]
    assert all(VALID_ID.match(anchor) for anchor in result.anchors)


def test_foreign_text_is_marked_and_removed_whole_even_with_nested_blocks():
    inner = '<div class="scroll"><table><tr><td>中文表格</td></tr></table></div>\n<p>中文段落</p>\n'
    html = "<p>English</p>\n" + mark_foreign(inner, "zh-CN") + "<p>After</p>\n"
    assert without_foreign(html) == "<p>English</p>\n<p>After</p>\n"
    page = f"{SEARCH_BODY_START}{html}{SEARCH_BODY_END}"
    record = search_record(page, "en/x/", "en", "Title", {})
    assert record["sections"] == [[None, "Title", "English After"]]   # the foreign block is not this language's
    assert not CJK.search(strip_tags(without_foreign(html)))


def test_search_records_cut_the_indexed_text_at_headings_with_ids():
    page = (f'<nav>目录</nav>{SEARCH_BODY_START}<h1>消防</h1><p>导语&amp;说明</p>\n<h2 id="fire-01" class="entry">【概况】'
            f'<a class="anchor" href="#fire-01">#</a></h2><p>正文一</p><table><tr><td>甲</td><td>乙</td></tr></table>'
            f'<tbody lang="zh-CN" data-pagefind-ignore><tr><td>外文</td></tr></tbody>{SEARCH_BODY_END}<footer>页脚</footer>')
    record = search_record(page, "zh/2022/gov/fire/", "zh-CN", "消防", {"volume": "2022"})
    assert record == {"path": "zh/2022/gov/fire/", "lang": "zh-CN", "title": "消防", "meta": {"volume": "2022"},
                      "sections": [[None, "消防", "消防 导语&说明"], ["fire-01", "【概况】", "正文一 甲 乙"]]}


def test_search_tokens_are_the_character_pairs_search_js_asks_for():
    # The contract with static/search.js (pagefindQuery): 3 base-36 letters per character
    # (code point mod 36³), pairs within runs of letters, digits and . % + - /, the last of a
    # run paired with "000"; NFKC and lower case first, so ８．１％ is 8.1%.
    letters = lambda ch: "".join("0123456789abcdefghijklmnopqrstuvwxyz"[ord(ch) % 46656 // d % 36] for d in (1296, 36, 1))
    assert search_tokens("数字化") == [letters("数") + letters("字"), letters("字") + letters("化"), letters("化") + "000"]
    assert search_tokens("增长８．１％，PM2.5") == search_tokens("增长8.1%") + search_tokens("pm2.5")
    assert search_tokens("改革 改革、改革") == search_tokens("改革")   # distinct, in order of first appearance
    assert all(len(token) == 6 and token.isalnum() and token.islower() for token in search_tokens("Ab_9 區·𠀀"))


def test_find_figure():
    meta = {"figures": [None, {"id": "p01", "caption": "甲"}, {"id": "p02", "caption": "乙"}]}
    assert find_figure(meta, "p02")["caption"] == "乙"
    assert find_figure(meta, "p09") is None and find_figure({}, "p01") is None
