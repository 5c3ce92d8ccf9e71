"""The numbers check of translations: every figure of the source, and no other, in each translated unit."""
from decimal import Decimal

from yearbook.numbers import compare, numeral_words, source_numbers, translation_numbers


def values(*numbers) -> set:
    return {Decimal(str(n)).normalize() for n in numbers}


def test_chinese_multipliers_are_applied():
    assert source_numbers("出动人员1.6万人次,直接财产损失107.71万元") == values(16000, 1077100)
    assert source_numbers("收入160.59亿元,回流数据1800余万条,平台已归集数据17亿条") == values(16059000000, 18000000, 1700000000)
    assert source_numbers("累计排查4千人次,平侧石4千余米") == values(4000)
    assert translation_numbers("16,000 person-times and 1.0771 million yuan") == values(16000, 1077100)
    assert translation_numbers("16.059 billion yuan, more than 18 million, 1.7 billion records") == \
        values(16059000000, 18000000, 1700000000)


def test_months_and_dates_count_as_their_numbers():
    assert compare("1-9月,全区实现", "From January to September, the district") == ([], [])
    assert compare("2021年12月8日,区消防救援大队", "On 8 December 2021, the brigade") == ([], [])
    assert compare("9月底完成", "completed by the end of September") == ([], [])


def test_numeral_words_allow_the_same_figure_in_english():
    assert 14 in numeral_words("“十四五”规划")
    assert 2035 in numeral_words("二〇三五年远景目标")
    assert compare("“十四五”规划", "the 14th Five-Year Plan") == ([], [])
    assert compare("新冠肺炎疫情防控", "COVID-19 epidemic prevention and control") == ([], [])


def test_a_dropped_or_changed_figure_is_found():
    missing, added = compare("全年组织开展演练290次,接警出动1504次", "It organized 290 drills and responded to 1,540 calls")
    assert (set(missing), set(added)) == (values(1504), values(1540))
    assert compare("增长7.5%左右", "grew by about 7.5%") == ([], [])
    missing, added = compare("增长7.5%左右", "grew by about 75%")
    assert (set(missing), set(added)) == (values(7.5), values(75))


def test_check_warns_with_file_line_and_the_figures(site, run):
    zh = site / "content/2022/gov/meetings.zh.md"
    en = site / "content/2022/gov/meetings.en.md"
    assert "8 October 2021" in en.read_text(encoding="utf-8")
    assert "10月8日" in zh.read_text(encoding="utf-8")
    en.write_text(en.read_text(encoding="utf-8").replace("On 8 October 2021", "On 18 October 2021"), encoding="utf-8")
    code, _, err = run(site, "check", "--strict")
    assert code == 1
    assert ("content/2022/gov/meetings.en.md:9:1: warning: entry 'meetings-01': figures differ from the source: "
            "the source's 8 not in the translation; 18 not in the source\n"
            "  hint: write every figure of the source (万 and 亿 converted: 1.6万 = 16,000, 160.59亿 = 16.059 billion), "
            "and no other\n") in err
