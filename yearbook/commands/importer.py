"""Draft importer: a chapter as typed from the printed yearbook → content files.

A draft is plain text in the shape of seed 000: running heads, the chapter
title, bare section headings, 【entries】, photo captions with credits, tables
with TAB-separated cells, attributions in parentheses, and paragraphs split by
page breaks. Each non-blank line is classified by its own shape and by its
neighbours (pass 1, `classify`):

  head         running head or page number (`2022`, `拱墅年鉴`): reported only
  english      Latin-only line before the chapter title → a note on the chapter
  chapter      first CJK line that is not a running head → index.zh.md
  heading      bare short line (no 【, no punctuation): a section (分目); a
               letter-spaced one (`综 述`) loses its spaces and gets a note
  entry        `【标题】正文` → `{#sNN-MM}`, `## 标题`, 正文
  table        title line, `表N`, TAB header, TAB rows; `续表N` with its
               repeated header continues table N → tNN.table.yaml + tNN.zh.tsv
  figure       the line(s) above a credit `(区亚保办 供稿)`, or a caption with
               the credit at the end of the same line → `figures:`
  attribution  `(於晓萍)` alone on a line, or ending a paragraph after 。
  text         everything else: body text

Pass 2 (`_Builder`) reads the items in order. A text line joins the paragraph
before it, with no space, while that paragraph does not end a sentence (。！？,
perhaps followed by a closing quote or bracket); figures, tables and running
heads printed in between are skipped over. An attribution closes the run of
entries since the previous one. Text outside an entry (after an attribution,
or before the first entry of a section) is never attached anywhere: it is
reported as unclassified with its line numbers, for the editor to move by hand.
Apart from these repairs (and NBSPs folded to spaces) the text is kept as
printed. Every non-blank input line ends up in an output file or in the report.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..messages import Text, t

LANG = "zh"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPACES = " \u3000"
SENTENCE_END = tuple("。！？!?")
CLOSERS = "”’）)」』\"'"
ENTRY = re.compile(r"^【([^【】]+)】[ \u3000]*(.*)$")
TABLE_LABEL = re.compile(r"^(?P<label>(?P<cont>续?)表[ \u3000]*(?P<number>\d+))(?:[ \u3000]+(?P<title>\S.*))?$")
_CREDIT = r"[(（][^()（）]*(?:供稿|供图|摄)[ \u3000]*[)）]"
CREDIT = re.compile(rf"^{_CREDIT}$")
CAPTIONED = re.compile(rf"^(?P<caption>.*?\S)[ \u3000]*(?P<credit>{_CREDIT})$")
PARENTHESISED = re.compile(r"^[(（](?P<inner>[^()（）]+)[)）]$")
TRAILING_PARENS = re.compile(r"(?P<printed>[(（][^()（）]+[)）])$")
NAME = re.compile(rf"^[{CJK}·]+$")
HEADING_PUNCTUATION = re.compile(r"[。，,；;：:！？!?、\t【】]")
RUNNING_HEAD = re.compile(r"^(?:\d{1,4}|[·•\-—]\s*\d{1,4}\s*[·•\-—]|\S{0,10}年鉴(?:[ \u3000]*\d{4})?)$")
MARKDOWN_START = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=[#>+*=_`~:{|-]))")


# ---------------------------------------------------------------- public data

class DraftError(ValueError):
    """A draft the importer cannot read, or names it cannot use; `text` says why (catalogue code)."""

    def __init__(self, text: Text):
        super().__init__(text.render())
        self.text = text


@dataclass(frozen=True)
class Notice:
    """Something the importer did or noticed, at an input line."""

    line: int
    text: Text

    @property
    def message(self) -> str:
        """The notice in the editors' language."""
        return self.text.render()


@dataclass(frozen=True)
class Unclassified:
    """Input the importer could not place: the editor moves it by hand."""

    lines: tuple[int, ...]
    text: str          # the first 30 characters
    why: Text

    @property
    def reason(self) -> str:
        """Why it was not placed, in the editors' language."""
        return self.why.render()


@dataclass
class Report:
    """What the importer did (notices) and what it could not place (unclassified)."""

    notices: list = field(default_factory=list)        # [Notice], sorted by line
    unclassified: list = field(default_factory=list)   # [Unclassified], sorted by first line

    def format(self) -> str:
        """The report as text lines: notices, then what needs moving by hand."""
        lines = [f"L{n.line}: {n.message}" for n in self.notices]
        if self.unclassified:
            lines.append(t("import.unclassified-heading", count=len(self.unclassified)).render())
            for item in self.unclassified:
                lines.append(f"  {_line_range(item.lines)}: {item.text} — {item.reason}")
        return "\n".join(lines)


@dataclass
class ImportResult:
    """The files of one imported chapter, the report, and where every input line went."""

    folder: str        # where the files belong under content/, e.g. "2022/gov"
    files: dict        # path relative to `folder` → file text
    report: Report
    placed: dict       # input line number → the file it went to, or "report"
    counts: dict       # sections, entries, attributions, figures, tables, table_rows, unclassified

    def summary(self) -> str:
        """One line: what was imported."""
        return t("import.summary", **self.counts, notices=len(self.report.notices)).render()


# ---------------------------------------------------------------- reading

def read_draft(path) -> tuple[str, str | None]:
    """The draft's text and a notice when it was not UTF-8 (GB18030 is detected and converted)."""
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), t("import.read-utf16", path=path).render()
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise DraftError(t("import.not-utf8-or-gb18030", path=path, offset=utf8_error.start)) from None
    return text, t("import.read-gb18030", path=path).render()


# ---------------------------------------------------------------- line shapes

@dataclass(frozen=True)
class Line:
    """A non-blank input line and its 1-based number."""

    no: int
    text: str


@dataclass
class Item:
    """One classified unit of the draft: a line, or a group of lines (figure, table part)."""

    kind: str
    lines: tuple
    text: str = ""
    data: dict = field(default_factory=dict)


def raw_lines(text: str) -> list[str]:
    """The draft's lines as `cat -n` numbers them (any newline convention, BOM dropped)."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their 1-based numbers, NBSPs folded, ends trimmed (TABs inside kept)."""
    lines = []
    for no, raw in enumerate(raw_lines(text.replace("\u00a0", " ")), start=1):
        stripped = raw.strip(SPACES + "\f\v") if "\t" in raw.strip() else raw.strip()
        if stripped:
            lines.append(Line(no, stripped))
    return lines


def has_cjk(text: str) -> bool:
    """Whether the text contains a CJK ideograph."""
    return re.search(f"[{CJK}]", text) is not None


def ends_sentence(text: str) -> bool:
    """Whether text ends a sentence: 。！？ perhaps followed by closing quotes or brackets."""
    return text.rstrip(CLOSERS).endswith(SENTENCE_END)


def parse_names(inner: str) -> tuple[list, list] | None:
    """Names in an attribution (2–4 CJK each, space-separated) and the padded ones as printed (`汪 剑`).

    Two one-character tokens in a row are one padded two-character name: `汪 剑 朱丽娜` → 汪剑, 朱丽娜.
    """
    tokens = inner.split()
    if not tokens or not all(NAME.match(t) for t in tokens):
        return None
    names, padded, index = [], [], 0
    while index < len(tokens):
        token = tokens[index]
        if len(token) == 1 and index + 1 < len(tokens) and len(tokens[index + 1]) == 1:
            padded.append(f"{token} {tokens[index + 1]}")
            token, index = token + tokens[index + 1], index + 1
        if not 2 <= len(token) <= 4:
            return None
        names.append(token)
        index += 1
    return names, padded


def shape(text: str) -> str:
    """What a line looks like on its own (before its neighbours are considered)."""
    if "\t" in text:
        return "tab"
    if ENTRY.match(text):
        return "entry"
    if TABLE_LABEL.match(text):
        return "label"
    if CREDIT.match(text):
        return "credit"
    if CAPTIONED.match(text):
        return "captioned"
    match = PARENTHESISED.match(text)
    if match and parse_names(match["inner"]):
        return "attribution"
    if RUNNING_HEAD.match(text):
        return "head"
    if not has_cjk(text):
        return "latin" if re.search(r"[A-Za-z]", text) else "text"
    compact = re.sub(f"[{SPACES}]", "", text)
    if len(compact) <= 20 and not HEADING_PUNCTUATION.search(text) and not text.endswith(tuple(CLOSERS)):
        return "bare"
    return "text"


# ---------------------------------------------------------------- pass 1: classify

def letter_spaced(text: str) -> bool:
    """A heading printed with a space between its characters (综 述): a section heading,
    never the chapter's title."""
    tokens = text.split()
    return len(tokens) > 1 and all(len(token) == 1 for token in tokens)


def classify(lines: list[Line]) -> list[Item]:
    """Items in print order: single lines with their kind, figures and table parts grouped."""
    shapes = [shape(line.text) for line in lines]
    groups, claimed = _claim_groups(lines, shapes)
    items, chapter, english_found = [], None, False
    in_preamble = True   # until the chapter title, or the first entry, figure or table
    for index, (line, kind) in enumerate(zip(lines, shapes)):
        if index in groups:
            items.append(groups[index])
            in_preamble = False
        if index in claimed:
            continue
        if in_preamble and kind == "latin" and not english_found:
            items.append(Item("english", (line.no,), line.text))
            english_found = True
            continue
        if in_preamble and kind in ("bare", "text") and has_cjk(line.text) and not letter_spaced(line.text):
            items.append(Item("chapter", (line.no,), line.text))
            chapter, in_preamble = line.text, False
            continue
        if kind not in ("head", "latin"):
            in_preamble = False
        if kind == "head" or line.text == chapter:
            items.append(Item("head", (line.no,), line.text))
        elif kind == "entry":
            items.append(_entry_item(line))
        elif kind == "attribution":
            items.append(Item("attribution", (line.no,), line.text))
        elif kind == "bare":
            items.append(Item("heading", (line.no,), line.text))
        elif kind in ("tab", "credit", "label"):
            items.append(Item("stray", (line.no,), line.text, {"why": _stray_reason(kind)}))
        else:
            items.append(Item("text", (line.no,), line.text))
    return items


def _entry_item(line: Line) -> Item:
    """`【标题】 正文`: the title, the run-in text, and whether a space after 】 was dropped."""
    title, body = ENTRY.match(line.text).groups()
    spaced = line.text.split("】", 1)[1] != body
    return Item("entry", (line.no,), body, {"title": title.strip(), "spaced": spaced})


def _looks_like_title(text: str) -> bool:
    """A table title: short, and no sentence punctuation (an open body line is not one)."""
    return len(text) <= 40 and not re.search(r"[。，,；;！？!?]", text)


def _stray_reason(kind: str) -> Text:
    """Why a structural line was left over in pass 1."""
    return t({"tab": "import.stray-tab-line",
              "credit": "import.stray-credit",
              "label": "import.stray-table-label"}[kind])


def _claim_groups(lines: list[Line], shapes: list[str]) -> tuple[dict, set]:
    """Figures and table parts: {index of first line: Item} and the indices they use."""
    groups, claimed = {}, set()
    for index, kind in enumerate(shapes):
        if kind == "credit":
            caption = _caption_above(lines, shapes, index, claimed)
            if caption:
                used = [*caption, index]
                text = "".join(lines[i].text for i in caption)
                groups[caption[0]] = Item("figure", tuple(lines[i].no for i in used), text,
                                          {"credit": lines[index].text})
                claimed.update(used)
        elif kind == "captioned" and index not in claimed:
            match = CAPTIONED.match(lines[index].text)
            groups[index] = Item("figure", (lines[index].no,), match["caption"], {"credit": match["credit"]})
            claimed.add(index)
        elif kind == "label":
            part = _table_part(lines, shapes, index, claimed)
            if part:
                first = min(part.data["indices"])
                groups[first] = part
                claimed.update(part.data["indices"])
    return groups, claimed


def _caption_above(lines: list[Line], shapes: list[str], index: int, claimed: set) -> list[int]:
    """Indices of the caption printed above a credit line: the adjacent block of plain lines."""
    above = index - 1
    if above < 0 or above in claimed or shapes[above] not in ("text", "bare", "latin"):
        return []
    caption = [above]
    while (caption[0] > 0 and caption[0] - 1 not in claimed and shapes[caption[0] - 1] in ("text", "bare")
           and lines[caption[0] - 1].no == lines[caption[0]].no - 1):
        caption.insert(0, caption[0] - 1)
    return caption


def _table_part(lines: list[Line], shapes: list[str], index: int, claimed: set) -> Item | None:
    """A table part: `表N` (with its title line above) or `续表N`, then a TAB header and TAB rows."""
    match = TABLE_LABEL.match(lines[index].text)
    rows = []
    cursor = index + 1
    while cursor < len(shapes) and shapes[cursor] == "tab":
        rows.append(cursor)
        cursor += 1
    if not rows:
        return None
    indices = [index, *rows]
    title, title_line = match["title"], lines[index].no if match["title"] else None
    above = index - 1
    if (not match["cont"] and not title and above >= 0 and above not in claimed
            and shapes[above] in ("bare", "text") and _looks_like_title(lines[above].text)):
        title, title_line = lines[above].text, lines[above].no
        indices.insert(0, above)
    return Item("table", tuple(lines[i].no for i in indices), title or "",
                {"indices": indices, "label": match["label"], "number": int(match["number"]),
                 "continued": bool(match["cont"]), "title_line": title_line,
                 "header": lines[rows[0]], "rows": [lines[i] for i in rows[1:]]})


# ---------------------------------------------------------------- pass 2: assemble

@dataclass
class Paragraph:
    """Lines of one printed paragraph, rejoined across page breaks."""

    parts: list
    lines: list

    @property
    def text(self) -> str:
        """The lines joined with no space (page-break repair)."""
        return "".join(self.parts)


@dataclass
class Entry:
    """An entry (条目) and what is placed after it."""

    id: str
    title: str
    line: int
    paragraphs: list = field(default_factory=list)
    placements: list = field(default_factory=list)   # '::: figure p01' / '::: table t04'


@dataclass
class Section:
    """A section (分目): one sNN.zh.md."""

    id: str
    order: int
    title: str
    line: int
    notes: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    lead: list = field(default_factory=list)         # placements before the first entry
    authors: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    covered: int = 0                                  # entries[:covered] have an attribution
    last_line: int = 0


@dataclass
class Table:
    """A numbered table, its print parts merged."""

    number: int
    title: str
    title_line: int | None
    columns: list
    parts: list = field(default_factory=list)        # (label, row count)
    rows: list = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0

    @property
    def id(self) -> str:
        """t04 for 表4."""
        return f"t{self.number:02d}"


class _Builder:
    """Pass 2: reads classified items in order and builds the chapter."""

    def __init__(self) -> None:
        self.chapter_title: str | None = None
        self.chapter_notes: list = []
        self.sections: list = []
        self.tables: dict = {}
        self.figure_count = 0
        self.entry: Entry | None = None        # the entry that takes text (None after an attribution)
        self.last_entry: Entry | None = None   # the entry the next figure or table is placed after
        self.paragraph: Paragraph | None = None
        self.outside: Paragraph | None = None  # text outside an entry, reported when it ends
        self.outside_reason: Text | None = None
        self.notices: list = []
        self.unclassified: list = []
        self.placed: dict = {}
        self.spaced_entries: list = []
        self.skipped: list = []                # figures, tables, heads printed inside the open paragraph

    # -- helpers

    @property
    def section(self) -> Section | None:
        """The section being read."""
        return self.sections[-1] if self.sections else None

    def open_paragraph(self) -> Paragraph | None:
        """The paragraph being read (in an entry or outside), if it has not ended its sentence."""
        paragraph = self.paragraph or self.outside
        return paragraph if paragraph is not None and not ends_sentence(paragraph.text) else None

    def notice(self, line: int, text: Text) -> None:
        """Add a notice to the report."""
        self.notices.append(Notice(line, text))

    def place(self, lines, destination: str) -> None:
        """Record where input lines went."""
        for no in lines:
            self.placed.setdefault(no, destination)
        if self.section and destination == self.section_file(self.section):
            self.section.last_line = max(self.section.last_line, *lines)

    def unplaced(self, lines, text: str, why: Text) -> None:
        """Report input that could not be placed."""
        self.unclassified.append(Unclassified(tuple(lines), text[:30], why))
        for no in lines:
            self.placed[no] = "report"

    @staticmethod
    def section_file(section: Section) -> str:
        """sNN.zh.md"""
        return f"{section.id}.{LANG}.md"

    # -- items

    def run(self, items: list[Item]) -> None:
        """Feed every item to its handler, in print order."""
        for index, item in enumerate(items):
            if item.kind == "heading" and not self._is_section_heading(items, index):
                item = Item("text", item.lines, item.text)
            getattr(self, f"on_{item.kind}")(item)
        self.end_paragraph(t("import.by-end-of-draft"))
        self.end_outside()
        self.check_uncovered()

    def _is_section_heading(self, items: list[Item], index: int) -> bool:
        """A bare line is a heading unless it continues an open paragraph (and no entry follows)."""
        following = next((i for i in items[index + 1:] if i.kind != "head"), None)
        return self.open_paragraph() is None or (following is not None and following.kind == "entry")

    def skip_over(self, what: Text, note: str | None = None) -> None:
        """Remember something printed inside an open paragraph: for the join notice (and a note)."""
        if self.open_paragraph() is not None:
            self.skipped.append((what, note))

    def on_head(self, item: Item) -> None:
        """A running head: reported, and skipped over by a paragraph it interrupts."""
        self.skip_over(t("import.over-running-head", line=item.lines[0]))
        self.notice(item.lines[0], t("import.running-head", text=item.text))
        self.placed[item.lines[0]] = "report"

    def on_english(self, item: Item) -> None:
        """The English chapter title: a note on the chapter page."""
        self.chapter_notes.append(f"English title printed in the source (L{item.lines[0]}): {item.text}")
        self.place(item.lines, f"index.{LANG}.md")

    def on_chapter(self, item: Item) -> None:
        """The Chinese chapter title."""
        self.chapter_title = item.text
        self.place(item.lines, f"index.{LANG}.md")

    def on_stray(self, item: Item) -> None:
        """A structural line that pass 1 could not group: reported."""
        self.unplaced(item.lines, item.text, item.data["why"])

    def on_heading(self, item: Item) -> None:
        """A section heading: ends what was open and starts sNN."""
        self.end_paragraph(t("import.by-section-heading", line=item.lines[0]))
        self.end_outside()
        self.check_uncovered()
        printed = item.text
        title = "".join(printed.split()) if letter_spaced(printed) else printed
        number = len(self.sections) + 1
        section = Section(f"s{number:02d}", number, title, item.lines[0])
        if title != printed:
            section.notes.append(f"分目标题印作“{printed}”（字间空格），标题按“{title}”录入。")
            self.notice(item.lines[0], t("import.letter-spaced-heading", printed=printed, title=title))
        self.sections.append(section)
        self.entry = self.last_entry = None
        self.outside_reason = t("import.text-before-first-entry", title=title, line=item.lines[0])
        self.place(item.lines, self.section_file(section))

    def on_entry(self, item: Item) -> None:
        """An entry: sNN-MM in the current section; its run-in text starts a paragraph."""
        self.end_paragraph(t("import.by-entry", line=item.lines[0]))
        self.end_outside()
        if self.section is None:
            self.implicit_section(item.lines[0])
        section = self.section
        entry = Entry(f"{section.id}-{len(section.entries) + 1:02d}", item.data["title"], item.lines[0])
        section.entries.append(entry)
        self.entry = self.last_entry = entry
        if item.data["spaced"]:
            self.spaced_entries.append(item.lines[0])
        self.place(item.lines, self.section_file(section))
        if item.text:
            self.add_text(item.text, item.lines[0])

    def implicit_section(self, line: int) -> None:
        """A section for entries printed before any section heading."""
        title = self.chapter_title or "未命名分目"
        section = Section("s01", 1, title, line, notes=["印本此处无分目标题；分目标题暂用类目标题，请核对。"])
        self.sections.append(section)
        self.notice(line, t("import.entry-before-section", title=title))

    def on_text(self, item: Item) -> None:
        """A body line."""
        self.add_text(item.text, item.lines[0])

    def on_attribution(self, item: Item) -> None:
        """An attribution on its own line."""
        self.end_paragraph(t("import.by-attribution", line=item.lines[0]))
        self.end_outside()
        self.attribute(item.text, item.lines[0], inline=False)

    def on_figure(self, item: Item) -> None:
        """A caption with its credit: pNN in the section, placed after the entry it is printed in."""
        section = self.section
        if section is None:
            self.unplaced(item.lines, item.text, t("import.caption-before-section"))
            return
        self.figure_count += 1
        figure_id = f"p{self.figure_count:02d}"
        section.figures.append({"id": figure_id, "caption": item.text, "credit": item.data["credit"]})
        self.add_placement(f"::: figure {figure_id}")
        where = _line_range(item.lines)
        note = f"图片说明 {figure_id} 印在【{self.entry.title}】段中；正文已接合。" if self.entry else None
        self.skip_over(t("import.over-figure", id=figure_id, lines=where), note)
        if len(item.lines) > 2:
            self.notice(item.lines[0], t("import.caption-over-lines", id=figure_id, count=len(item.lines) - 1, lines=where))
        self.notice(item.lines[0], t("import.figure-credit", id=figure_id, lines=where, credit=item.data["credit"]))
        self.place(item.lines, self.section_file(section))

    def on_table(self, item: Item) -> None:
        """A table part: 表N starts tNN (placed after its entry), 续表N adds rows to it."""
        data = item.data
        table_id = f"t{data['number']:02d}"
        header = data["header"].text.split("\t")
        if self.section is None:
            self.unplaced(item.lines, item.text or data["label"], t("import.table-before-section"))
            return
        table = self.tables.get(table_id)
        if data["continued"] and table is not None:
            self.continue_table(table, data, header)
        elif table is not None:
            self.unplaced(item.lines, data["label"], t("import.table-number-taken", number=data["number"]))
            return
        else:
            table = self.new_table(data, header, item.text, item.lines[0])
            self.add_placement(f"::: table {table_id}")
        self.skip_over(t("import.over-table", label=data["label"], lines=_line_range(item.lines)))
        good = self.table_rows(table, data["rows"], len(table.columns))
        table.parts.append((data["label"], len(good)))
        table.last_line = max(table.last_line, *item.lines)
        rows = [row.no for row in data["rows"]]
        self.place([no for no in rows if no not in self.placed], f"{table_id}.{LANG}.tsv")
        self.place([no for no in item.lines if no not in self.placed], f"{table_id}.table.yaml")
        self.section.last_line = max(self.section.last_line, *item.lines)

    def new_table(self, data: dict, header: list, title: str, first_line: int) -> Table:
        """Start table N from its first part."""
        if data["continued"]:
            self.notice(data["header"].no, t("import.continued-table-first", label=data["label"], number=data["number"]))
        if not title:
            title = f"表{data['number']}"
            self.notice(data["header"].no, t("import.table-untitled", label=data["label"], title=title))
        table = Table(data["number"], title, data["title_line"], header, first_line=first_line)
        self.tables[table.id] = table
        return table

    def continue_table(self, table: Table, data: dict, header: list) -> None:
        """A 续表 part: drop its repeated header (or keep a different first row as data)."""
        if header == table.columns:
            self.notice(data["header"].no, t("import.repeated-header-dropped", label=data["label"], id=table.id))
            self.placed[data["header"].no] = "report"
        else:
            self.notice(data["header"].no, t("import.header-differs", label=data["label"], id=table.id))
            data["rows"].insert(0, data["header"])

    def table_rows(self, table: Table, rows: list, width: int) -> list:
        """Append the rows with the right number of cells; report the others."""
        good = []
        for row in rows:
            cells = row.text.split("\t")
            if len(cells) != width:
                self.unplaced([row.no], row.text, t("import.row-cells", cells=len(cells), width=width))
                continue
            good.append(cells)
        table.rows.extend(good)
        return good

    # -- paragraphs and attributions

    def add_text(self, text: str, line: int) -> None:
        """A text line: joins an open paragraph, starts one in the entry, or is outside any entry."""
        target = self.open_paragraph()
        skipped, self.skipped = self.skipped, []
        if target is not None:
            if target is self.paragraph:
                self.section.notes.extend(note for _, note in skipped if note)
            self.notice(target.lines[-1], t("import.joined-over", line=line, over=[what for what, _ in skipped])
                        if skipped else t("import.joined", line=line))
            target.parts.append(text)
            target.lines.append(line)
            if target is self.outside:
                return
        elif self.entry is not None:
            self.paragraph = Paragraph([text], [line])
            self.entry.paragraphs.append(self.paragraph)
        else:
            self.end_outside()
            self.outside = Paragraph([text], [line])
            return
        self.place([line], self.section_file(self.section))
        self.split_inline_attribution()

    def split_inline_attribution(self) -> None:
        """An attribution closing the paragraph after a full stop: `……。（於晓萍）`."""
        paragraph = self.paragraph
        match = TRAILING_PARENS.search(paragraph.text)
        if not match:
            return
        before = paragraph.text[:match.start()].rstrip(SPACES)
        if not before or not ends_sentence(before) or not parse_names(match["printed"][1:-1]):
            return
        last = paragraph.parts[-1]
        cut = len(last) - len(match["printed"])
        if cut < 0:
            return
        paragraph.parts[-1] = last[:cut].rstrip(SPACES)
        line = paragraph.lines[-1]
        title = self.entry.title
        self.section.notes.append(f"署名“{match['printed']}”印在【{title}】段末，已移入 authors。")
        self.paragraph = None
        self.attribute(match["printed"], line, inline=True)

    def attribute(self, printed: str, line: int, inline: bool) -> None:
        """Close the run of entries since the previous attribution in this section."""
        names, padded = parse_names(printed[1:-1])
        section = self.section
        run = section.entries[section.covered:] if section else []
        if not run:
            self.unplaced([line], printed, t("import.attribution-without-entry"))
            return
        author = {"names": names, "from": run[0].id, "to": run[-1].id, "as_printed": printed}
        section.authors.append(author)
        section.covered = len(section.entries)
        self.notice(line, t("import.attribution-inline" if inline else "import.attribution-own-line",
                            printed=printed, span=_span(run)))
        if padded:
            section.notes.append(f"署名印作“{printed}”，“{'”“'.join(padded)}”中间有补位空格，"
                                 f"姓名按“{'”“'.join(p.replace(' ', '') for p in padded)}”录入。")
            self.notice(line, t("import.padded-names", printed=printed, padded=padded, names=names))
        self.entry = None
        self.outside_reason = t("import.text-after-attribution", printed=printed, line=line)
        self.place([line], self.section_file(section))

    def end_paragraph(self, by: Text | None) -> None:
        """Close the entry's paragraph; note it when it ends mid-sentence."""
        paragraph, self.paragraph = self.paragraph, None
        if paragraph is not None and by is not None and not ends_sentence(paragraph.text):
            self.notice(paragraph.lines[-1], t("import.ends-mid-sentence", tail=paragraph.text[-8:], by=by))

    def end_outside(self) -> None:
        """Report text that was outside any entry."""
        outside, self.outside = self.outside, None
        if outside is not None:
            self.unplaced(outside.lines, outside.text, self.outside_reason or t("import.text-before-section"))

    def add_placement(self, directive: str) -> None:
        """Place a figure or table after the entry in which it is printed."""
        if self.last_entry is not None:
            self.last_entry.placements.append(directive)
        else:
            self.section.lead.append(directive)

    def check_uncovered(self) -> None:
        """Note entries at the end of a section that no attribution covers."""
        section = self.section
        if section and section.covered < len(section.entries):
            left = section.entries[section.covered:]
            self.notice(left[0].line, t("import.no-attribution", span=_span(left)))

    def finish_notices(self) -> list:
        """Aggregated notices (one line for all the 】 spaces), sorted by line."""
        notices = list(self.notices)
        if self.spaced_entries:
            notices.append(Notice(self.spaced_entries[0], t("import.bracket-space-dropped", count=len(self.spaced_entries),
                                                            lines=[f"L{n}" for n in self.spaced_entries])))
        return sorted(notices, key=lambda n: n.line)


# ---------------------------------------------------------------- output files

def _q(text: str) -> str:
    """A YAML double-quoted string (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _span(entries: list) -> str:
    """'s03-06' or 's01-01…s01-05'."""
    return entries[0].id if len(entries) == 1 else f"{entries[0].id}…{entries[-1].id}"


def _line_range(lines) -> str:
    """'L94–95' or 'L33'."""
    lines = sorted(lines)
    return f"L{lines[0]}" if len(lines) == 1 or lines[0] == lines[-1] else f"L{lines[0]}–{lines[-1]}"


def _escape_block_start(text: str) -> str:
    """Keep a paragraph a paragraph: backslash-escape a leading mark Markdown would read as syntax."""
    match = MARKDOWN_START.match(text)
    return text if match is None else f"{text[:match.end()]}\\{text[match.end():]}"


def chapter_file(title: str, notes: list, seed: str, last_line: int) -> str:
    """index.zh.md of the chapter."""
    front = ["---", "type: chapter", f"title: {_q(title)}", f"source: {{seed: {_q(seed)}, lines: {_q(f'1-{last_line}')}}}"]
    if notes:
        front += ["notes:", *[f"  - {_q(n)}" for n in notes]]
    return "\n".join([*front, "---", ""])


def section_file(section: Section, seed: str) -> str:
    """sNN.zh.md: front matter (authors, figures, notes) and the entries."""
    front = ["---", "type: section", f"title: {_q(section.title)}", f"order: {section.order}",
             f"source: {{seed: {_q(seed)}, lines: {_q(f'{section.line}-{section.last_line}')}}}"]
    if section.notes:
        front += ["notes:", *[f"  - {_q(n)}" for n in section.notes]]
    if section.authors:
        front.append("authors:")
        for run in section.authors:
            front += [f"  - names: [{', '.join(_q(n) for n in run['names'])}]", f"    from: {run['from']}"]
            if run["to"] != run["from"]:
                front.append(f"    to: {run['to']}")
            front.append(f"    as_printed: {_q(run['as_printed'])}")
    if section.figures:
        front.append("figures:")
        for figure in section.figures:
            front += [f"  - id: {figure['id']}", f"    caption: {_q(figure['caption'])}",
                      f"    credit: {{as_printed: {_q(figure['credit'])}}}"]
    blocks = list(section.lead)
    for entry in section.entries:
        text = "\n\n".join(_escape_block_start(p.text) for p in entry.paragraphs if p.text)
        blocks.append(f"{{#{entry.id}}}\n## {entry.title}" + (f"\n{text}" if text else ""))
        blocks.extend(entry.placements)
    return "\n".join([*front, "---", ""]) + "\n" + "\n\n".join(blocks) + "\n"


def table_files(table: Table, seed: str) -> dict:
    """tNN.table.yaml and tNN.zh.tsv."""
    keys = [f"c{i}" for i in range(1, len(table.columns) + 1)]
    yaml = [f"number: {table.number}", f"title: {{{LANG}: {_q(table.title)}}}", "columns:",
            *[f"  - {{key: {k}, {LANG}: {_q(label)}}}" for k, label in zip(keys, table.columns)],
            "parts:", *[f"  - {{label: {_q(label)}, rows: {rows}}}" for label, rows in table.parts],
            f"source: {{seed: {_q(seed)}, lines: {_q(f'{table.first_line}-{table.last_line}')}}}"]
    if len(table.parts) > 1:
        labels = ", ".join(label for label, _ in table.parts[1:])
        yaml += ["notes:", f"  - {_q(f'{labels}: the header row repeated in print is dropped.')}"]
    tsv = "\n".join("\t".join(row) for row in [keys, *table.rows]) + "\n"
    return {f"{table.id}.table.yaml": "\n".join(yaml) + "\n", f"{table.id}.{LANG}.tsv": tsv}


# ---------------------------------------------------------------- the import

def import_draft(text: str, volume: str, chapter: str, file: str, title: str | None = None) -> ImportResult:
    """Import one chapter draft: the content files for content/VOLUME/CHAPTER/ and a report.
    `title` (--title) is the chapter's title when the draft does not print one first."""
    for name, value in (("volume", volume), ("chapter", chapter)):
        if not SLUG.match(value):
            raise DraftError(t("import.not-a-folder-name", option=name, value=value))
    seed = Path(file).stem
    lines = split_lines(text)
    builder = _Builder()
    builder.run(classify(lines))
    nbsp_lines = [no for no, raw in enumerate(raw_lines(text), start=1) if "\u00a0" in raw]
    if nbsp_lines:
        builder.notice(nbsp_lines[0], t("import.nbsp-folded", count=len(nbsp_lines), lines=[f"L{no}" for no in nbsp_lines]))
    printed = builder.chapter_title
    if title and printed and title != printed:
        builder.notice(lines[0].no if lines else 1, t("import.title-differs", title=title, printed=printed))
    title = title or printed
    if title is None:
        title = chapter
        if lines and letter_spaced(lines[0].text):
            why = t("import.no-chapter-title-first-is-section", first=lines[0].text, chapter=chapter)
        else:
            why = t("import.no-chapter-title", chapter=chapter)
        builder.notice(lines[0].no if lines else 1, why)
    last_line = lines[-1].no if lines else 1
    files = {f"index.{LANG}.md": chapter_file(title, builder.chapter_notes, seed, last_line)}
    for section in builder.sections:
        files[builder.section_file(section)] = section_file(section, seed)
    for table in builder.tables.values():
        files.update(table_files(table, seed))
    report = Report(builder.finish_notices(), sorted(builder.unclassified, key=lambda u: u.lines[0]))
    counts = {"sections": len(builder.sections),
              "entries": sum(len(s.entries) for s in builder.sections),
              "attributions": sum(len(s.authors) for s in builder.sections),
              "figures": builder.figure_count,
              "tables": len(builder.tables),
              "table_rows": sum(len(t.rows) for t in builder.tables.values()),
              "unclassified": len(report.unclassified)}
    return ImportResult(f"{volume}/{chapter}", files, report, dict(sorted(builder.placed.items())), counts)
