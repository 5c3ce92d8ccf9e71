"""The subject index (主题索引) and the chronology (大事记): a page of each per volume.

Both are computed once, in the generate step, from what was written (entry
titles, `tags`, dated tables, entries and captions), and stored in the
generated page's meta; the views only hand that data to the templates. They
repeat other pages' text, so they are not search pages (not in INDEXED_TYPES).
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import html as _html
import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import Diagnostics, Location, relpath
from .memo import NO_MEMO, Memo
from .messages import t
from .parallel import Pending
from .site import Site, add_generated_page, generated_key_clash
from .markup import find_figure, placeholders, split_entries, strip_tags
from .translation import MISSING

if TYPE_CHECKING:
    from .pages import Page

SUBJECTS, CHRONOLOGY = "subjects", "chronology"


@dataclass(frozen=True)
class PerLanguage:
    """A subject index's or chronology's build result: its template data per language."""

    by_lang: dict
# After every written part of the volume (their `order` is small), subjects before chronology.
SUBJECTS_ORDER, CHRONOLOGY_ORDER = 100_000, 100_001
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
OTHER = "#"   # terms that start with a digit or a symbol: one group before A

# 2021年11月19—21日 · 2021年4月 · 1月7日 (the year may be left to the volume's coverage year)
ZH_DATE = re.compile(r"^\s*(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})(?:\s*[—–-]\s*\d{1,2})?日)?")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
# "On 19 May 2021, " · "In April 2021, " · "From 19 to 21 November 2021, " (the English text's own words)
EN_DATE = re.compile(r"^\s*(?:On|In|From)\s+(?P<date>(?:\d{1,2}(?:\s*(?:to|–|-)\s*\d{1,2})?\s+)?(?:"
                     + "|".join(MONTHS_EN) + r")\s+\d{4})\s*,?\s*")
LEADING_PUNCT = re.compile(r"^[\s,，、:：]+")
FIRST_SENTENCE = re.compile(r"。\s*|(?<=[a-z0-9\"”)])\.\s+(?=[A-Z])")


@contextmanager
def computing(site: Site, diags: Diagnostics, terms: list | tuple = (), memo: Memo = NO_MEMO):
    """Start making every volume's subject index and chronology on the other cores; yields a
    function that waits for them: {volume key: (index by language, chronology items)}.

    `terms` is the glossary (glossary.load_glossary): a tag is written once, in the
    default language, and appears in another language's index under its glossary form.
    With a `memo` (serve), a volume none of whose files changed keeps its index and chronology."""
    glossary = {term.source: term.english for term in terms}
    glossary_version = hashlib.sha1(repr(sorted(glossary.items())).encode()).hexdigest()
    authored = site.authored()
    jobs = {}   # memo key → (volume key, its pages' keys)
    for volume in site.volumes():
        keys = [key for key in authored if site.nodes[key].volume == volume.key]
        version = (volume.key, glossary_version, volume.meta["coverage_year"],
                   tuple((s.file, s.text_hash) for k in keys for s in site.nodes[k].sources.values()),
                   _volume_tables(site, volume.key))
        jobs[version] = (volume.key, keys)
    with ExitStack() as workers:
        # (one volume alone, after an edit in serve, is made here: starting workers would cost more)
        finish = memo.start_many("volume-indexes", list(jobs), lambda todo: workers.enter_context(Pending(
            _volume_job, (site, glossary), [jobs[version] for version in todo], threshold=2)), diags)
        yield lambda: {jobs[version][0]: value for version, value in zip(jobs, finish())}


def _volume_job(context: tuple, job: tuple) -> tuple:
    """Worker: ((index by language, chronology items), problems) of one volume."""
    site, glossary = context
    volume_key, keys = job
    problems = Diagnostics()
    index = {lang: subject_index(site, keys, lang, glossary) for lang in site.config.language_keys}
    return (index, chronology_items(site, keys, site.nodes[volume_key].meta["coverage_year"], problems)), problems.items


def add_index_pages(site: Site, strings: dict, diags: Diagnostics, made: dict) -> None:
    """<volume>/subjects and <volume>/chronology for every volume, after its written parts;
    `made` is what they list (`computing`'s)."""
    for volume in site.volumes():
        index, items = made[volume.key]
        titles = {lang: strings[lang]["subjects_title"] for lang in site.config.language_keys}
        key = f"{volume.key}/{SUBJECTS}"
        if index[site.config.default_language]["groups"] and not generated_key_clash(site, key, t("content.generated-subject-index"), diags):
            add_generated_page(site, key, SUBJECTS, volume.key, titles, order=SUBJECTS_ORDER, data=PerLanguage(index))
        key = f"{volume.key}/{CHRONOLOGY}"
        if items and not generated_key_clash(site, key, t("content.generated-chronology"), diags):
            months = {lang: _by_month([item[lang] for item in items], strings[lang]) for lang in site.config.language_keys}
            add_generated_page(site, key, CHRONOLOGY, volume.key,
                               {lang: strings[lang]["chronology_title"] for lang in site.config.language_keys},
                               order=CHRONOLOGY_ORDER, data=PerLanguage(months))


def _volume_tables(site: Site, volume_key: str) -> str:
    """The tables in a volume's folder, as text for a memo key (a chronology lists dated rows)."""
    found = []
    for (folder, ident), table in site.tables.items():
        rel = folder.relative_to(site.config.content_dir).as_posix()
        if rel == volume_key or rel.startswith(volume_key + "/"):
            found.append((rel, ident, table.number, table.title, table.rows, table.chronology))
    return repr(sorted(found, key=lambda table: table[:2]))


# --- subject index ---------------------------------------------------------

def subject_index(site: Site, keys: list, lang: str, glossary: dict) -> dict:
    """Terms of the pages `keys` in language `lang`, grouped by initial: {letters, groups}."""
    default = site.config.default_language
    found: dict = {}   # term → refs, in reading order
    urls: dict = {}    # term → URLs it already links to

    def add(term: str, ref: dict) -> None:
        term = " ".join(term.split())
        if not term:
            return
        seen = urls.setdefault(term, set())
        if ref["url"] not in seen:   # a tag that is also the entry's title: once
            seen.add(ref["url"])
            found.setdefault(term, []).append(ref)

    for key in keys:
        page = site.pages[(key, lang)]
        # In another language, only what a reader can read in it: an A–Z index sorts by the
        # English words, and a Chinese title has no place among them (it stays on its page,
        # marked, and in the Chinese index); so untranslated pages and entries are left out.
        if lang != default and page.text_status == MISSING:
            continue
        title = {"text": page.title, "lang": _title_lang(page, site.config)}
        parent = site.pages[(page.node.parent, lang)] if page.node.parent is not None else None
        for tag in _page_tags(page, lang, default, glossary):
            add(tag, {"url": page.url, "label": title,
                      "context": {"text": parent.title, "lang": _title_lang(parent, site.config)} if parent else None})
        for entry in page.entries:
            if entry.lang and lang != default:
                continue
            url = f"{page.url}#{entry.id}"
            add(entry.title, {"url": url, "label": title, "context": None})
            for tag in _translated(entry.meta.get("tags") or [], lang, default, glossary):
                add(tag, {"url": url, "label": {"text": entry.title, "lang": ""}, "context": title})
    pinyin = site.config.language(lang).code.lower().startswith("zh")
    ranked = sorted(((sort_key(term, pinyin), term) for term in found), key=lambda pair: (pair[0], pair[1]))
    groups: list = []
    for (initial, _), term in ranked:
        if not groups or groups[-1]["letter"] != initial:
            groups.append({"letter": initial, "id": _letter_id(initial), "terms": []})
        groups[-1]["terms"].append({"term": term, "refs": found[term]})
    present = {group["letter"] for group in groups}
    letters = [{"letter": letter, "id": _letter_id(letter) if letter in present else None}
               for letter in ([OTHER] if OTHER in present else []) + LETTERS]
    return {"letters": letters, "groups": groups}


@functools.lru_cache(maxsize=8192)  # the same titles (概况, 综述 …) recur in every volume; bounded for archives
def sort_key(term: str, pinyin: bool) -> tuple:
    """(initial, words) for ordering: pinyin of the whole term (phrase-aware, so 重庆 is
    chong qing and 银行 yin hang), or the words themselves; punctuation and case ignored."""
    text = term.casefold()
    if pinyin:
        # Imported here: loading pypinyin's phrase dictionary takes about half a second,
        # which `build.py --help` and sites without a Chinese index should not pay.
        from pypinyin import lazy_pinyin
        text = " ".join(lazy_pinyin(text))
    words = " ".join(re.findall(r"[^\W_]+", text))
    initial = words[:1].upper()
    return (initial if initial in LETTERS else OTHER, words)


def _letter_id(letter: str) -> str:
    return "letter-other" if letter == OTHER else f"letter-{letter.lower()}"


def _page_tags(page: Page, lang: str, default: str, glossary: dict) -> list:
    """The page's tags in `lang`: its own file's `tags`, else the source's through the glossary."""
    if lang == default:
        return page.meta.get("tags") or []
    if page.source.lang == lang and page.source.front.data.get("tags"):
        return page.meta.get("tags") or []
    origin = page.node.meta.get("tags") or []
    return _translated(origin, lang, default, glossary)


def _translated(tags: list, lang: str, default: str, glossary: dict) -> list:
    """Tags (written in the default language) as `lang` shows them; those without a glossary form are left out."""
    if lang == default:
        return list(tags)
    return [glossary[tag] for tag in tags if tag in glossary]


# --- chronology ------------------------------------------------------------

def chronology_items(site: Site, keys: list, year: int, diags: Diagnostics) -> list:
    """Dated items of the pages `keys` in `year`, in date order: [{lang: item}].

    What counts (all from the yearbook's own text, dated in the coverage year):
    - rows of tables declaring `chronology: {date, text}`;
    - entries whose text begins with a date (2021年5月19日,…): the entry is about that day;
    - photo captions that begin with a date, unless the entry they illustrate is already
      listed for the same day (the caption would repeat it).
    Not counted: dates inside a text (mentions, not its subject) and `source.date`
    (when a newspaper printed the text, not an event of the year)."""
    found: list = []   # (iso, reading position, position on the page, {lang: item})
    listed: set = set()  # tables already taken (a table placed twice is listed once)
    for position, key in enumerate(keys):
        pages = {lang: site.pages[(key, lang)] for lang in site.config.language_keys}
        dated = _dated_table_rows(site, pages, year, listed, diags)
        entries = _dated_entries(site, pages, year)
        dated += entries
        dated += _dated_captions(site, pages, year, {(entry_id, iso) for iso, _, entry_id in entries})
        found += [(iso, position, seen, items) for seen, (iso, items, _) in enumerate(dated, start=1)]
    return [items for *_, items in sorted(found, key=lambda f: f[:3])]


def _dated_table_rows(site: Site, pages: dict, year: int, listed: set, diags: Diagnostics) -> list:
    """[(iso, {lang: item}, None)] for the rows of the page's chronology tables dated in `year`."""
    config = site.config
    default = config.default_language
    origin = pages[default]
    dated = []
    for ident in [i for kind, i in placeholders(origin.body_html) if kind == "table"]:
        table = site.tables.get((origin.source.folder, ident))
        if table is None or not table.chronology or (table.folder, table.id) in listed:
            continue
        listed.add((table.folder, table.id))
        for index, row in enumerate(table.rows.get(default, []), start=1):
            day = _zh_date(row[table.chronology["date"]], year)
            if day is None:
                file = relpath(table.folder / f"{table.id}.{default}.tsv", config.root)
                diags.warning(Location(file, row["_line"], 1), "content.chronology-unreadable-date",
                              date=row[table.chronology["date"]], table=table.id)
                continue
            if day[0][:4] == str(year):
                dated.append((day[0], {lang: _table_item(table, index, day, page, config) for lang, page in pages.items()},
                              None))
    return dated


def _dated_entries(site: Site, pages: dict, year: int) -> list:
    """[(iso, {lang: item}, entry id)] for the entries whose text opens with a date in `year`."""
    config = site.config
    origin = pages[config.default_language]
    chunks = {lang: split_entries(page.body_html)[1] for lang, page in pages.items()}
    dated = []
    for entry in origin.entries:
        # The date opens the text: its first few hundred characters are enough to look at.
        day = _zh_date(_first_text(chunks[config.default_language].get(entry.id, "")[:1000]), year, need_year=True)
        if day is not None and day[0][:4] == str(year):
            dated.append((day[0], {lang: _entry_item(page, entry.id, chunks[lang].get(entry.id, ""), day, config)
                                   for lang, page in pages.items()}, entry.id))
    return dated


def _dated_captions(site: Site, pages: dict, year: int, dated_entries: set) -> list:
    """[(iso, {lang: item}, None)] for photo captions opening with a date in `year`, unless the
    entry they illustrate is listed for the same day."""
    config = site.config
    dated = []
    for figure in pages[config.default_language].meta.get("figures") or []:
        if not figure:
            continue
        day = _zh_date(figure["caption"], year, need_year=True)
        if day is None or day[0][:4] != str(year) or (figure.get("topic"), day[0]) in dated_entries:
            continue
        dated.append((day[0], {lang: _figure_item(page, figure["id"], day, config) for lang, page in pages.items()}, None))
    return dated


def _zh_date(text: str, year: int, need_year: bool = False) -> tuple | None:
    """(ISO date, printed text) of a Chinese date at the start of `text`: 2021-05-19, or 2021-04
    when only the month is printed; None when there is none or it is not a real date."""
    match = ZH_DATE.match(text or "")
    if match is None or (need_year and not match["year"]):
        return None
    when = int(match["year"] or year)
    try:
        if match["day"]:
            iso = _dt.date(when, int(match["month"]), int(match["day"])).isoformat()
        else:
            iso = _dt.date(when, int(match["month"]), 1).isoformat()[:7]
    except ValueError:
        return None
    return iso, match.group(0).strip()


def _first_text(entry_html: str) -> str:
    """The text of an entry after its heading."""
    body = re.sub(r"^\s*<h2[^>]*>.*?</h2>", "", entry_html, count=1, flags=re.S)
    return _html.unescape(strip_tags(body)).strip()


def _own_date(text: str) -> tuple:
    """(printed date, rest of the text) in the page's language: the Chinese date, or the
    English text's own "On 19 May 2021," when it has one."""
    match = ZH_DATE.match(text)
    if match and match["month"]:
        return match.group(0).strip(), LEADING_PUNCT.sub("", text[match.end():])
    match = EN_DATE.match(text)
    if match:
        rest = text[match.end():]
        return match["date"], rest[:1].upper() + rest[1:]
    return None, text


def _table_item(table, index: int, day: tuple, page: Page, config) -> dict:
    source_lang_code = config.language(config.default_language).code
    own = table.rows.get(page.lang)
    row = (own or table.rows[config.default_language])[index - 1]
    foreign = "" if own else source_lang_code
    return {"iso": day[0], "printed": row[table.chronology["date"]], "printed_lang": foreign,
            "text": row[table.chronology["text"]], "text_lang": foreign,
            "url": f"{page.url}#{table.id}-r{index}", "where": page.title, "where_lang": _title_lang(page, config),
            "table": table.number}


def _entry_item(page: Page, entry_id: str, entry_html: str, day: tuple, config) -> dict:
    # Unlike the index, an untranslated entry stays in another language's chronology: it is
    # placed by its date, not by its words, so it is shown where it belongs, in Chinese, marked.
    source_lang_code = config.language(config.default_language).code
    entry = next(e for e in page.entries if e.id == entry_id)
    printed, _ = _own_date(_first_text(entry_html))
    foreign = page.lang != config.default_language and (entry.lang or printed is None)
    return {"iso": day[0], "printed": printed or day[1], "printed_lang": source_lang_code if foreign else "",
            "text": entry.title, "text_lang": entry.lang or "",
            "url": f"{page.url}#{entry_id}", "where": page.title, "where_lang": _title_lang(page, config), "table": None}


def _figure_item(page: Page, figure_id: str, day: tuple, config) -> dict:
    source_lang_code = config.language(config.default_language).code
    own = page.lang == config.default_language or (page.source.lang == page.lang and any(
        f and f.get("id") == figure_id and f.get("caption") for f in page.source.front.data.get("figures") or []))
    figure = find_figure(page.meta, figure_id)
    printed, text = _own_date(figure["caption"])
    text = FIRST_SENTENCE.split(text, maxsplit=1)[0]  # the event; "图为…" / "The photo shows…" describes the photo
    return {"iso": day[0], "printed": printed or day[1], "printed_lang": "" if own and printed else source_lang_code,
            "text": text, "text_lang": "" if own else source_lang_code,
            "url": f"{page.url}#{figure_id}", "where": page.title, "where_lang": _title_lang(page, config), "table": None}


def _title_lang(page: Page, config) -> str:
    """`lang` of a page title shown in the source's language (no file in this language)."""
    return "" if page.translated else config.language(config.default_language).code


def _by_month(items: list, t: dict) -> list:
    """Items grouped under their month: [{iso, id, label, events}]."""
    months: list = []
    for item in items:
        month = item["iso"][:7]
        if not months or months[-1]["iso"] != month:
            months.append({"iso": month, "id": f"m{month}", "label": t["month_names"][int(month[5:7]) - 1], "events": []})
        months[-1]["events"].append(item)
    return months


# --- views -------------------------------------------------------------------

def subjects_view(site: Site, strings: dict, page: Page) -> dict:
    """Template data of a subject index page (computed in the generate step)."""
    return {"subject_index": page.node.data.by_lang[page.lang]}


def chronology_view(site: Site, strings: dict, page: Page) -> dict:
    """Template data of a chronology page (computed in the generate step)."""
    return {"months": page.node.data.by_lang[page.lang]}


# Page views of this module's page kinds: view(site, strings, page) → template context (pipeline.VIEWS).
VIEWS = {SUBJECTS: subjects_view, CHRONOLOGY: chronology_view}
