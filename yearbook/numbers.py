"""Figures in a translation match the source's.

Every number of a source unit (entry, paragraph, title, task cell, table row)
must appear in its translation, and the translation must not bring numbers
the source does not have. Chinese multipliers are applied (4千 = 4,000, 1.6万 = 16,000,
160.59亿 = 16.059 billion, 1800余万 = more than 18 million); English month
names count as their numbers (1-9月 = January–September); Chinese numeral
words (两会, 十四五, 第一) allow the same figure in the English.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .diagnostics import Diagnostics
from .memo import NO_MEMO, Memo

NAMES_WITH_DIGITS = re.compile(r"COVID-19")   # a name, not a figure (新冠肺炎)
_ZH_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)(\d+(?:\.\d+)?)\s*(?:余|多)?\s*(万亿|亿|万|千)?")
_EN_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*(?:-|\u2010|\u2011)?\s*(million|billion|thousand)\b)?", re.I)
_ZH_SCALE = {None: 1, "千": 10**3, "万": 10**4, "亿": 10**8, "万亿": 10**12}
_EN_SCALE = {None: 1, "thousand": 10**3, "million": 10**6, "billion": 10**9}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH = re.compile(r"\b(" + "|".join(m.capitalize() for m in MONTHS) + r")\b")
_ZH_NUMERALS = "零〇一二两三四五六七八九十百千"
_ZH_NUMERAL_RUN = re.compile(f"[{_ZH_NUMERALS}]+")
_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}


def _normal(text: str) -> str:
    """Full-width digits to ASCII, thousands separators dropped."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def _value(number: str, scale: int) -> Decimal | None:
    try:
        return (Decimal(number) * scale).normalize()
    except InvalidOperation:
        return None


def source_numbers(text: str) -> set:
    """Numbers of Chinese text, multipliers applied."""
    found = set()
    for match in _ZH_NUMBER.finditer(_normal(text)):
        value = _value(match.group(1), _ZH_SCALE[match.group(2)])
        if value is not None:
            found.add(value)
    return found


def translation_numbers(text: str) -> set:
    """Numbers of English text: figures with million/billion, and month names."""
    text = NAMES_WITH_DIGITS.sub("", _normal(text))
    found = set()
    for match in _EN_NUMBER.finditer(text):
        value = _value(match.group(1), _EN_SCALE[(match.group(2) or "").lower() or None])
        if value is not None:
            found.add(value)
    for match in _MONTH.finditer(text):
        found.add(Decimal(MONTHS.index(match.group(1).lower()) + 1))
    return found


def _numeral(run: str) -> int | None:
    """Value of a Chinese numeral word (十四 → 14, 二十一 → 21, 三 → 3, 二〇三五 → 2035); None if not one."""
    if len(run) > 1 and all(char in _ZH_DIGIT for char in run):   # 二〇三五 → 2035 (a year)
        return int("".join(str(_ZH_DIGIT[char]) for char in run))
    total, digit = 0, None
    for char in run:
        if char in _ZH_DIGIT:
            if digit is not None:
                return None   # two digits in a row: 十四五 is 十四 + 五, not one number
            digit = _ZH_DIGIT[char]
        else:
            total += (digit if digit is not None else 1) * _ZH_UNIT[char]
            digit = None
    return total + (digit or 0)


def numeral_words(text: str) -> set:
    """Every value a Chinese numeral word of `text` may stand for (any part of a run)."""
    found = set()
    for match in _ZH_NUMERAL_RUN.finditer(text):
        run = match.group(0)
        for start in range(len(run)):
            for end in range(start + 1, min(len(run), start + 4) + 1):
                value = _numeral(run[start:end])
                if value is not None:
                    found.add(Decimal(value))
    return found


def compare(source: str, translation: str) -> tuple[list, list]:
    """(figures of the source missing in the translation, figures the translation adds)."""
    theirs, mine = source_numbers(source), translation_numbers(translation)
    allowed = theirs | numeral_words(source)
    missing = sorted(v for v in theirs if v not in mine and not _written_in_words(v, translation))
    added = sorted(v for v in mine if v not in allowed)
    return missing, added


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
          10: "ten", 100: "hundred"}


def _written_in_words(value: Decimal, text: str) -> bool:
    """A small count may be a word in English ("both", "one of"); only 1–10 and 100."""
    word = _WORDS.get(int(value)) if value == value.to_integral_value() else None
    return bool(word) and re.search(rf"\b{word}\b", text, re.I) is not None


def show(value: Decimal) -> str:
    return f"{value:,f}" if value == value.to_integral_value() else f"{value:f}"


def check_numbers(units: list, diags: Diagnostics, memo: Memo = NO_MEMO) -> None:
    """Warn where a translated unit (translation.translated_units) drops, changes or adds a
    figure. A memo (serve) keeps each pair's outcome."""
    for unit in units:
        missing, added = memo.get("numbers", (unit.source, unit.text), lambda _: compare(unit.source, unit.text), None)
        if not missing and not added:
            continue
        code = ("content.numbers-differ" if missing and added
                else "content.numbers-missing" if missing else "content.numbers-added")
        diags.warning(unit.where, code, label=unit.label, missing=[show(v) for v in missing],
                      added=[show(v) for v in added])
