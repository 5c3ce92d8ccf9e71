"""Markdown → HTML with the yearbook extensions, as plain markdown-it-py plugins.

- `entry_headings`: `## 标题 {#id}` → an entry heading with its anchor; in
  Chinese the title is shown as 【标题】. Entries are collected for the site.
- `directives`: a line `::: table ID` or `::: figure ID` → a placeholder the
  render step replaces with the table or figure partial template.
- `internal_links`: `[..](meetings.md#id)` → a site link resolved at render time.
- `raw_html_warnings`: raw HTML is escaped (html is off) and reported.

`render_markdown` is a pure function of the text, so it can run in a worker
process and its result can be cached by content hash.
"""
from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.attrs import attrs_block_plugin

from .markup import VALID_ID, entry_heading_open, placeholder, site_link
from .messages import t

TRAILING_ID = re.compile(r"\s*\{#[^}]*\}\s*$")
DIRECTIVE = re.compile(r"^:::[ \t]+(\S+)(?:[ \t]+(\S+))?[ \t]*$")
DIRECTIVE_KINDS = ("table", "figure")
RAW_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--")


@dataclass
class MarkdownResult:
    html: str
    entries: list = field(default_factory=list)      # (id, title, line)
    directives: list = field(default_factory=list)   # (kind, id, line)
    links: list = field(default_factory=list)        # (key, fragment, line)
    anchors: list = field(default_factory=list)      # ids of every heading with an id
    problems: list = field(default_factory=list)     # (severity, line, col, Text: its code's message and hint)

    # (the HTML pickled as UTF-8 bytes, for the reason given at sources.Source.__getstate__)
    def __getstate__(self) -> dict:
        return dict(self.__dict__, html=self.html.encode("utf-8"))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, html=state["html"].decode("utf-8"))


def entry_headings(md: MarkdownIt) -> None:
    """Entries are level-2 headings with an id on the line above: `{#meetings-01}` / `## 标题`.

    The id line is markdown-it-attrs block syntax (mdit-py-plugins `attrs_block`),
    which keeps the heading text itself exactly as printed.
    """

    def collect(state) -> None:
        tokens = state.tokens
        for index, token in enumerate(tokens):
            _drop_unsafe_attrs(token)
            if token.type != "heading_open":
                continue
            inline = tokens[index + 1]
            line = token.map[0] + 1 if token.map else 0
            title = inline.content.strip()
            anchor = token.attrGet("id")
            trailing = TRAILING_ID.search(title)
            if trailing:
                state.env["problems"].append(("error", line, 1, t("content.id-after-heading", id=trailing.group(0).strip(),
                                                                  title=title[:trailing.start()].strip())))
                continue
            if anchor is not None and not VALID_ID.match(str(anchor)):
                state.env["problems"].append(("error", line, 1, t("content.invalid-id", id=anchor)))
                continue
            if anchor:
                state.env["anchors"].append(anchor)
            if token.tag == "h2":
                if not anchor:
                    state.env["problems"].append(("error", line, 1, t("content.entry-heading-without-id", title=title)))
                    continue
                token.attrSet("class", "entry")
                token.meta["entry"] = anchor
                state.env["entries"].append((anchor, title, line))
            elif token.tag == "h1":
                state.env["problems"].append(("warning", line, 1, t("content.level-1-heading")))

    def heading_open(self, tokens, idx, options, env):
        token = tokens[idx]
        entry = token.meta.get("entry")
        html = entry_heading_open(entry) if entry else self.renderToken(tokens, idx, options, env)
        if entry and env.get("brackets"):
            html += '<span class="entry-mark">【</span>'
        return html

    def heading_close(self, tokens, idx, options, env):
        opening = tokens[idx - 2]
        anchor = opening.meta.get("entry")
        if not anchor:
            return self.renderToken(tokens, idx, options, env)
        mark = '<span class="entry-mark">】</span>' if env.get("brackets") else ""
        return f'{mark}<a class="anchor" href="#{anchor}" aria-hidden="true" tabindex="-1">#</a></h2>\n'

    md.use(attrs_block_plugin)
    md.core.ruler.after("inline", "entry_headings", collect)
    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)


def _drop_unsafe_attrs(token) -> None:
    """Block attributes may set id and class only (raw HTML is off; so are handlers and styles)."""
    if token.attrs and token.tag not in ("th", "td", "ol"):
        for name in [n for n in token.attrs if n not in ("id", "class")]:
            del token.attrs[name]


def directives(md: MarkdownIt) -> None:
    """`::: table ID` / `::: figure ID` on a line of its own."""

    def block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        line = state.src[begin: state.eMarks[start]]
        if not line.startswith(":::"):
            return False
        match = DIRECTIVE.match(line)
        if silent:
            return bool(match)
        lineno = start + 1
        if not match or match.group(1) not in DIRECTIVE_KINDS or not match.group(2):
            state.env["problems"].append(("error", lineno, 1, t("content.unknown-directive", line=line.strip())))
            token = state.push("paragraph_open", "p", 1)
            inline = state.push("inline", "", 0)
            inline.content, inline.map, inline.children = line, [start, start + 1], []
            state.push("paragraph_close", "p", -1)
        else:
            token = state.push("yb_directive", "", 0)
            token.meta = {"kind": match.group(1), "id": match.group(2)}
            token.map = [start, start + 1]
            state.env["directives"].append((match.group(1), match.group(2), lineno))
        state.line = start + 1
        return True

    md.block.ruler.before("paragraph", "yb_directive", block)
    md.add_render_rule("yb_directive", lambda self, tokens, idx, options, env:
                       placeholder(tokens[idx].meta["kind"], tokens[idx].meta["id"]))


UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data|file):", re.I)   # markdown-it refuses these


def internal_links(md: MarkdownIt) -> None:
    """Relative links to other .md files become `yb://KEY#fragment`, resolved when rendering."""

    def rewrite(state) -> None:
        base = state.env.get("key", "")
        folder = base if state.env.get("is_index") else posixpath.dirname(base)
        for block_token in state.tokens:
            if block_token.type != "inline":
                continue
            line = block_token.map[0] + 1 if block_token.map else 0
            for match in UNSAFE_LINK.finditer(block_token.content):
                state.env["problems"].append((
                    "warning", line + block_token.content.count("\n", 0, match.start()), 1,
                    t("content.link-not-allowed", scheme=match.group(1).lower())))
            for child in block_token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1   # the link's own line, not the paragraph's first
                if child.type != "link_open":
                    continue
                href = child.attrGet("href") or ""
                if "://" in href or href.startswith(("mailto:", "/")):
                    continue
                path, _, fragment = href.partition("#")
                if not path:
                    state.env["links"].append((None, fragment, line))
                    continue
                if not path.endswith(".md"):
                    state.env["problems"].append(("warning", line, 1, t("content.link-not-checked", href=href)))
                    continue
                target = posixpath.normpath(posixpath.join(folder, path))
                target = re.sub(r"\.[a-z]{2}(-[A-Za-z]+)?\.md$|\.md$", "", target)
                target = "" if target in (".", "index") else re.sub(r"/index$", "", target)
                state.env["links"].append((target, fragment, line))
                child.attrSet("href", site_link(target, fragment))

    md.core.ruler.push("internal_links", rewrite)


def raw_html_warnings(md: MarkdownIt) -> None:
    """Raw HTML is shown as text; warn so the editor knows it did not render."""

    def scan(state) -> None:
        for token in state.tokens:
            if token.type != "inline":
                continue
            for child in token.children or []:
                if child.type == "text" and "<" in child.content and RAW_TAG.search(child.content):
                    line = token.map[0] + 1 if token.map else 0
                    tag = RAW_TAG.search(child.content).group(0)
                    state.env["problems"].append(("warning", line, 1, t("content.raw-html", tag=tag)))
                    break

    md.core.ruler.push("raw_html_warnings", scan)


@functools.lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one configured parser (built once per process)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    for plugin in (entry_headings, directives, internal_links, raw_html_warnings):
        md.use(plugin)
    return md


def render_markdown(text: str, key: str = "", is_index: bool = False, brackets: bool = False) -> MarkdownResult:
    """Render one page body; line numbers in the result count from the body's first line."""
    env = {"key": key, "is_index": is_index, "brackets": brackets,
           "entries": [], "directives": [], "links": [], "anchors": [], "problems": []}
    html = parser().render(text, env)
    return MarkdownResult(html, env["entries"], env["directives"], env["links"], env["anchors"], env["problems"])
