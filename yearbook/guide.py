"""The editing guide for the yearbook office, published as /LANG/guide/.

The guide is written once, in docs/ (config `guide`, default docs/guide →
docs/guide.zh.md, docs/guide.en.md), so the repository and the site show the
same text. It is rendered with plain markdown-it (CommonMark + tables), not the
content parser: its `##` headings are chapters of the guide, not entries, and
its code blocks must show `{#id}` and `::: table` literally. A fence whose
info string names a file (```markdown file=content/…) is shown with that file
name above it; tests/test_guide.py builds every such example.

A language without its own guide file shows another language's guide, marked
as untranslated (as content pages do); with no guide file at all there is no
guide page.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import escape

from .diagnostics import Diagnostics
from .files import read_text
from .messages import t
from .markup import mark_foreign
from .site import add_generated_page, generated_key_clash
from .translation import MISSING

GUIDE_KEY = "guide"
FILE_ATTR = re.compile(r"(?:^|\s)file=(\S+)")


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    default_fence = md.renderer.rules["fence"]

    def fence(self, tokens, idx, options, env):
        """A snippet that belongs to a file is captioned with the file's path."""
        html = default_fence(tokens, idx, options, env)
        match = FILE_ATTR.search(tokens[idx].info)
        if not match:
            return html
        return (f'<figure class="snippet"><figcaption><code>{escape(match.group(1))}</code></figcaption>\n'
                f"{html}</figure>\n")

    md.add_render_rule("fence", fence)
    return md


@functools.lru_cache(maxsize=4)  # serve rebuilds often; the guide rarely changes (the result is never mutated)
def render_guide(text: str) -> tuple[str, list]:
    """(HTML, table of contents). A leading '# ' heading (the title in the repository) is
    dropped: the page has its own <h1>. Headings get the ids GitHub gives them, so a
    link into the guide works on the site and in the repository alike."""
    md = _parser()
    env: dict = {}
    tokens = md.parse(text, env)
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]
    toc: list = []
    used: set = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        text_of = tokens[index + 1].content.strip()
        base = heading_id(text_of)
        anchor, number = base, 2
        while anchor in used:
            anchor, number = f"{base}-{number}", number + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        item = {"id": anchor, "title": text_of, "children": []}
        if token.tag == "h2" or not toc:
            toc.append(item)
        else:
            toc[-1]["children"].append(item)
    return md.renderer.render(tokens, md.options, env), toc


def heading_id(text: str) -> str:
    """GitHub's anchor of a heading: lowercase, punctuation dropped, spaces → '-' ('预览：build.py serve' → '预览buildpy-serve')."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-") or "section"


def guide_path(config, lang: str) -> Path:
    """docs/guide.LANG.md (config `guide` is the stem)."""
    return config.guide.with_name(f"{config.guide.name}.{lang}.md")


def guide_files(config, diags: Diagnostics) -> dict:
    """lang → text of the guide files that exist."""
    texts = {}
    for lang in config.language_keys:
        path = guide_path(config, lang)
        if path.is_file():
            text = read_text(path, config.root, diags)
            if text is not None:
                texts[lang] = text
    return texts


@dataclass(frozen=True)
class GuideData:
    """The guide page's build result: the table of contents of its headings, per language."""

    toc_by_lang: dict

    def shows(self) -> set:
        """No other page's title or text (incremental.py)."""
        return set()


def add_guide_pages(site, strings: dict, diags: Diagnostics) -> None:
    """/LANG/guide/ for every language, when there is a guide file (outside the yearbook's tree)."""
    config = site.config
    texts = guide_files(config, diags)
    if not texts or generated_key_clash(site, GUIDE_KEY, t("content.generated-guide"), diags):
        return
    tocs: dict = {}
    add_generated_page(site, GUIDE_KEY, "guide", "", {lang: strings[lang]["guide_title"] for lang in config.language_keys},
                       order=10**6, in_tree=False, data=GuideData(tocs))
    for lang in config.language_keys:
        shown = lang if lang in texts else (config.default_language if config.default_language in texts else next(iter(texts)))
        html, toc = render_guide(texts[shown])
        page = site.pages[(GUIDE_KEY, lang)]
        if shown != lang:
            page.text_status = MISSING
            html = mark_foreign(html, config.language(shown).code)
        page.body_html = html
        tocs[lang] = toc


def guide_view(site, strings: dict, page) -> dict:
    """Template data of guide.html: the table of contents of the guide's headings."""
    return {"toc": page.node.data.toc_by_lang.get(page.lang) or []}


# Page views of this module's page kinds: view(site, strings, page) → template context (pipeline.VIEWS).
VIEWS = {"guide": guide_view}
