"""Markdown extensions, fixture-file style (markdown-it-py's own test format)."""
import pytest
from markdown_it.utils import read_fixture_file

from conftest import FIXTURES
from yearbook.markdown import render_markdown


@pytest.mark.parametrize("line,title,source,expected", read_fixture_file(FIXTURES / "markdown" / "yearbook.md"),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 80 and "\n" not in v else None)
def test_fixture(line, title, source, expected):
    assert render_markdown(source, key="2022/gov/data").html == expected


def test_chinese_entries_get_brackets_and_are_collected():
    result = render_markdown("{#fire-01}\n## 概况\n正文。\n", brackets=True)
    assert '<span class="entry-mark">【</span>概况<span class="entry-mark">】</span>' in result.html
    assert result.entries == [("fire-01", "概况", 2)]


def test_problems_name_the_body_line():
    result = render_markdown("正文。\n\n## 没有编号\n\n<i>x</i>\n\n::: map m1\n")
    # A problem carries its words as a message code (Text), rendered here in English.
    assert [(severity, line, col, text.render("en"), text.hint("en"))
            for severity, line, col, text in result.problems] == [
        ("error", 7, 1, "unknown directive '::: map m1'", "write '::: table ID' or '::: figure ID' on a line of its own"),
        ("error", 3, 1, "entry heading '没有编号' has no id",
         "add a line '{#section-01}' directly above the heading (ASCII id, unique in the volume)"),
        ("warning", 5, 1, "raw HTML '<i>' is shown as text", "use Markdown instead of HTML (raw HTML is off)"),
    ]
