"""Where a page's text was printed, said for readers in their language.

Readers see the publication, date and page as printed (《今日拱墅》2021年12月10日
第4版 / Today's Gongshu, 10 December 2021, page 4). The seed file, its lines and
the editors' note on the source are for the office: they go into data-
attributes of the same element, where the preview's inspector shows them.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .numbers import MONTHS


def format_date(iso: str, lang: str) -> str:
    """2021-12-10 as the language writes a date (2021年12月10日, 10 December 2021)."""
    try:
        year, month, day = (int(part) for part in iso.split("-"))
    except ValueError:
        return iso
    if lang == "zh":
        return f"{year}年{month}月{day}日"
    return f"{day} {MONTHS[month - 1].capitalize()} {year}"


def format_pages(pages: list, lang: str) -> str:
    if not pages:
        return ""
    if lang == "zh":
        return f"第{'、'.join(str(p) for p in pages)}版"
    if len(pages) == 1:
        return f"page {pages[0]}"
    return f"pages {', '.join(str(p) for p in pages[:-1])} and {pages[-1]}"


def provenance_view(site, page) -> dict:
    """`printed`: the reader's source line (Markup, "" when the page has no printed source);
    `editor`: seed, lines and note for data- attributes."""
    source = page.meta.get("source") or {}
    lang, default = page.lang, site.config.default_language
    parts = []
    if source.get("publication"):
        name = source["publication"]
        written = (site.glossary.get(name) or {}).get(lang) if lang != default else name
        if lang == default or written is None:
            code = site.config.language(default).code
            parts.append(Markup('<cite lang="{}">《{}》</cite>').format(code, name) if lang != default
                         else Markup("<cite>《{}》</cite>").format(name))
        else:
            parts.append(Markup("<cite>{}</cite>").format(written))
    if source.get("date"):
        parts.append(escape(format_date(source["date"], lang)))
    if source.get("pages"):
        parts.append(escape(format_pages(source["pages"], lang)))
    separator = Markup("") if lang == "zh" else Markup(", ")
    if lang == "zh" and len(parts) == 3:   # 《今日拱墅》2021年12月10日 第4版
        printed = parts[0] + parts[1] + Markup(" ") + parts[2]
    else:
        printed = separator.join(parts)
    editor = {key: str(source[key]) for key in ("seed", "lines", "note") if source.get(key)}
    return {"printed": printed, "editor": editor}
