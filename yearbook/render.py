"""Jinja templates → HTML pages. Templates get plain view data built here, so
they stay declarative: no lookups, no URL arithmetic in Jinja."""
from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup, escape

from .config import strings_file
from .diagnostics import Diagnostics, Location, relpath
from .files import read_text
from .links import DepartmentLink, Link, department_link, page_link
from .messages import t as _t
from .pages import Page
from .provenance import provenance_view
from .search import (INDEXED_TYPES, encode_record, filter_options, page_filters, record_path, search_record,
                     shadow_page, word_count)
from .site import Site, media_url
from .sitewide import theme_colours
from .markup import PLACEHOLDER, PLACEHOLDER_START, SITE_LINK, SITE_LINK_PREFIX, entry_heading_open, find_figure, is_cjk_language, split_entries, strip_tags
from .translation import MISSING, PARTIAL
from .yamldoc import parse_yaml



# Pages the build makes that the header links to on every page, when they exist.
SITE_LINKS = ("departments",)
# Pages for the yearbook office rather than readers: linked from the footer.
FOOTER_LINKS = ("guide",)


def load_strings(site: Site, diags: Diagnostics) -> dict:
    """UI strings per language from templates/i18n/LANG.yaml; every key in every language."""
    config = site.config
    strings = {}
    for lang in config.language_keys:
        path = strings_file(config.templates_dir, lang)
        file = relpath(path, config.root)
        if not path.exists():
            diags.error(Location(file), "content.ui-strings-file-missing", lang=lang, file=file, default=config.default_language)
            continue
        text = read_text(path, config.root, diags)
        doc = parse_yaml(text, file, diags) if text is not None else None
        if doc is not None:
            strings[lang] = (doc.data or {}, doc)
    reference = set().union(*(set(data) for data, _ in strings.values())) if strings else set()
    for lang, (data, doc) in strings.items():
        for key in sorted(reference - set(data)):
            diags.error(Location(doc.file, 1, 1), "content.ui-string-missing", key=key, lang=lang)
    return {lang: data for lang, (data, _) in strings.items()}


@dataclass
class Renderer:
    """Everything a worker needs to turn a page into HTML."""

    site: Site
    env: jinja2.Environment
    strings: dict
    views: dict     # page type → view(site, strings, page) → more template context (each feature's VIEWS)
    position: dict  # key → index in reading order
    volumes: list   # volume nodes, home-page order
    navs: dict      # (volume, open chapter, lang) → table-of-contents HTML
    tocs: dict = field(default_factory=dict)     # (volume, lang) → the volume page's full contents
    placed: dict = field(default_factory=dict)   # volume → tables and figures in reading order, numbered
    switches: dict = field(default_factory=dict)  # (path below the volume, lang) → year-switch list HTML

    @classmethod
    def create(cls, site: Site, strings: dict, views: dict, env: jinja2.Environment | None = None) -> "Renderer":
        """A renderer for `site`; `views` are the features' page views (pipeline.VIEWS);
        `env` reuses compiled templates (serve, when no template changed)."""
        env = env or template_environment(site.config.templates_dir)
        return cls(site, env, strings, views, {key: i for i, key in enumerate(site.order)}, site.volumes(), {})

    # --- view data -------------------------------------------------------

    def link(self, key: str, lang: str) -> Link | None:
        return page_link(self.site, key, lang)

    def department(self, dept_id: str, lang: str) -> DepartmentLink:
        return department_link(self.site, dept_id, lang)

    def context(self, page: Page) -> dict:
        site, config, lang = self.site, self.site.config, page.lang
        node = page.node
        ancestors = []
        key = node.parent
        while key is not None:
            ancestors.insert(0, self.link(key, lang))
            key = site.nodes[key].parent
        volume = site.nodes.get(node.volume) if node.volume else None
        view = self.views.get(page.type)
        return (view(site, self.strings, page) if view else {}) | {
            "page": page,
            "meta": page.meta,
            "provenance": provenance_view(site, page),
            "lang": config.language(lang),
            "title_lang": "" if page.translated else config.language(page.source.lang).code,
            "t": self.strings[lang],
            "site_title": config.title[lang],
            "site_description": config.description.get(lang, ""),
            "root": config.base_path,
            "home": self.link("", lang),
            "site_links": [self.link(k, lang).with_(key=k) for k in SITE_LINKS if (k, lang) in site.pages],
            "footer_links": [self.link(k, lang).with_(key=k) for k in FOOTER_LINKS if (k, lang) in site.pages],
            "breadcrumbs": ancestors,
            "alternates": [self.link(node.key, other.key).with_(code=other.code, name=other.name, key=other.key,
                                                                  current=other.key == lang) for other in config.languages],
            "nav_html": self.nav_html(page, volume),
            "volume": self.link(volume.key, lang).with_(meta=volume.meta) if volume else None,
            "volume_key": volume.key if volume else "",   # the offline group of the page (offline.py)
            "children": [self.link(k, lang).with_(node=site.nodes[k]) for k in node.children],
            "prev": self.neighbour(page, -1),
            "next": self.neighbour(page, +1),
            "volumes": [self.link(v.key, lang).with_(meta=v.meta, parts=[self.link(k, lang) for k in v.children]
                                                     if node.type == "home" else []) for v in self.volumes],
            "body": Markup(self.body(page)),
            "indexed": self.indexed(page),
            "filter_options": filter_options(site, lang, self.strings[lang]) if page.type == "search" else {},
            "has_search": ("search", lang) in site.pages,   # the header's search box leads there
            "search_tokens": "bigram" if is_cjk_language(site.config.language(lang).code) else "",
            "dept": lambda dept_id: self.department(dept_id, lang),
            # reader aids (web conventions, volume contents, year switch)
            "canonical": urljoin(config.base_url, page.url),
            "theme": theme_colours(config.static_dir),
            "description": self.description(page),
            "og_type": "article" if page.type in ARTICLE_TYPES else "website",
            "og_locales": [other.code.replace("-", "_") for other in config.languages if other.key != lang],
            "year_switch": self.year_switch(page),
            "contents": self.volume_contents(node.key, lang) if node.type == "volume" else None,
            "download": (f"{config.base_path}downloads/{config.offline_zip.replace('{volume}', node.key)}.zip"
                         if config.offline_zip and config.search and node.type == "volume" else None),
        }

    def indexed(self, page: Page) -> bool:
        """Content pages with text in their own language go into that language's search index."""
        return page.type in INDEXED_TYPES and page.text_status != MISSING

    def searchable(self, page: Page) -> bool:
        """Indexed, and the site has search: then the page publishes its search record
        (yearbook/search.py). A site with `search: false` does not pay for it."""
        return self.site.config.search and self.indexed(page)

    def search_record(self, page: Page, html: str) -> dict | None:
        """The page's record for the search page: its text by entry and its filter values."""
        meta = {}
        for key, value in page_filters(self.site, page, self.strings[page.lang]):
            meta[key] = value.split(" | ") if key == "departments" else value
        path = page.url[len(self.site.config.base_path):]
        return search_record(html, path, self.site.config.language(page.lang).code, page.title, meta)

    def nav_html(self, page: Page, volume) -> Markup:
        """The volume's table of contents: every part, and the open part's pages.

        The same for every page of a chapter, so rendered once and cached; only
        the current page's link is marked per page."""
        if volume is None:
            return Markup("")
        node = page.node
        top = node.key
        while top is not None and self.site.nodes[top].parent != volume.key:
            top = self.site.nodes[top].parent  # the volume child this page is in (None for the volume)
        cache_key = (volume.key, top, page.lang)
        html = self.navs.get(cache_key)
        if html is None:
            items = []
            for child in self.site.children(volume):
                is_open = child.key == top
                items.append(self.link(child.key, page.lang).with_(open=is_open, children=[
                    self.link(k, page.lang) for k in child.children] if is_open else []))
            html = self.navs[cache_key] = self.env.get_template("partials/nav.html").render(
                nav=items, volume=self.link(volume.key, page.lang), t=self.strings[page.lang])
        mark = f'<a href="{escape(page.url)}"'
        return Markup(html.replace(mark, mark + ' aria-current="page"', 1))

    def neighbour(self, page: Page, step: int) -> dict | None:
        """Previous or next page in reading order, within the same volume: the volume page
        (its contents) leads to the first part, and the first part back to it."""
        order = self.site.order
        if not page.node.volume:
            return None
        index = self.position[page.node.key]
        other = index + step
        if 0 <= other < len(order) and self.site.nodes[order[other]].volume == page.node.volume:
            return self.link(order[other], page.lang)
        return None

    def body(self, page: Page) -> str:
        """Markdown HTML with tables, figures and site links filled in."""
        html = page.body_html
        if PLACEHOLDER_START in html:
            html = PLACEHOLDER.sub(lambda m: self.partial(page, m.group(1), m.group(2)), html)
        if page.meta.get("authors"):
            html = self.with_bylines(page, html)
        if SITE_LINK_PREFIX in html:
            def resolve(match):
                target = self.site.page(match.group(1), page.lang)
                url = target.url if target else "#"
                return f'href="{url}#{match.group(2)}"' if match.group(2) else f'href="{url}"'
            html = SITE_LINK.sub(resolve, html)
        return html

    def with_bylines(self, page: Page, html: str) -> str:
        """Each attribution after the last entry of its run, where print puts it."""
        t = self.strings[page.lang]
        ids = [entry.id for entry in page.entries]
        before: dict = {}   # id of the entry that follows the run (None: end of page) → bylines
        for run in page.meta["authors"]:
            last = run["to"] or run["from"]
            if last not in ids:
                continue
            following = ids[ids.index(last) + 1] if ids.index(last) + 1 < len(ids) else None
            # A translation writes names from people.yaml; a name it lacks stays as printed, marked.
            written = [self.site.people.name(name, page.lang) for name in run["names"]]
            if page.lang == self.site.config.default_language or None in written:
                code = self.site.config.language(self.site.config.default_language).code
                names = f'<span lang="{code}">{escape(t["byline_separator"].join(run["names"]))}</span>'
            else:
                names = escape(t["byline_separator"].join(written))
            before.setdefault(following, []).append(
                f'<p class="byline">{escape(t["byline_open"])}{names}{escape(t["byline_close"])}</p>\n')
        for following, bylines in before.items():
            if following is None:
                html += "".join(bylines)
            else:
                heading = entry_heading_open(following)
                html = html.replace(heading, "".join(bylines) + heading, 1)
        return html

    def partial(self, page: Page, kind: str, ident: str) -> str:
        config = self.site.config
        if kind == "table":
            table = self.site.tables[(page.source.folder, ident)]
            rows = table.rows.get(page.lang)
            fallback = rows is None
            rows = rows if rows is not None else table.rows.get(config.default_language, [])
            return self.env.get_template("partials/table.html").render(
                table=table, rows=rows, fallback=fallback, lang=config.language(page.lang),
                source_lang_code=config.language(config.default_language).code,
                printed_lang="" if page.lang == config.default_language else config.language(config.default_language).code,
                title=table.title.get(page.lang) or table.title.get(config.default_language, ""),
                labels=[c.get(page.lang) or c.get(config.default_language) or c["key"] for c in table.columns],
                t=self.strings[page.lang])
        figure = find_figure(page.meta, ident)
        credit = figure.get("credit") or {}
        number = self.placed_items(page.node.volume)[1].get((page.key, ident)) if page.node.volume else None
        credit_dept = (self.department(credit["department"], page.lang) if credit.get("department")
                       else DepartmentLink("", "", None))
        return self.env.get_template("partials/figure.html").render(
            figure=figure, number=number, lang=config.language(page.lang), t=self.strings[page.lang],
            image_url=media_url(config, page.source.folder, figure["image"]) if figure.get("image") else "",
            credit_name=credit_dept.name, credit_url=credit_dept.url)

    # --- reader aids: volume contents, figure numbers, year switch, description ---

    def placed_items(self, volume_key: str) -> tuple:
        """([(page key, "table"|"figure", id, number)], {(page key, figure id): number}) in reading
        order. Figures are numbered through the volume as print does (图1…); tables keep
        the number of their .table.yaml. The same in every language, so once per volume."""
        cached = self.placed.get(volume_key)
        if cached is None:
            site, default = self.site, self.site.config.default_language
            items, numbers = [], {}
            for key in site.order:
                if site.nodes[key].volume != volume_key:
                    continue
                page = site.pages[(key, default)]
                for match in PLACEHOLDER.finditer(page.body_html):
                    kind, ident = match.group(1), match.group(2)
                    if kind == "table":
                        number = site.tables[(page.source.folder, ident)].number
                    else:
                        number = numbers[(key, ident)] = len(numbers) + 1
                    items.append((key, kind, ident, number))
            cached = self.placed[volume_key] = (items, numbers)
        return cached

    def volume_contents(self, volume_key: str, lang: str) -> dict:
        """The volume page's contents: parts → pages → entries, and the lists of tables and
        figures with their numbers and captions. Once per volume and language."""
        cached = self.tocs.get((volume_key, lang))
        if cached is not None:
            return cached
        site, config = self.site, self.site.config
        default, default_code = config.default_language, config.language(config.default_language).code

        def tree(key: str) -> dict:
            page = site.pages[(key, lang)]
            return self.link(key, lang).with_(
                entries=[{"title": e.title, "url": f"{page.url}#{e.id}", "lang": e.lang or ""} for e in page.entries],
                children=[tree(child) for child in site.nodes[key].children])

        tables, figures = [], []
        for key, kind, ident, number in self.placed_items(volume_key)[0]:
            page = site.pages[(key, lang)]
            item = {"number": number, "url": f"{page.url}#{ident}"}
            if kind == "table":
                table = site.tables[(page.source.folder, ident)]
                own = table.title.get(lang)
                tables.append(item | {"title": own or table.title.get(default, ""), "lang": "" if own else default_code})
            else:
                caption = find_figure(page.meta, ident)["caption"]
                source = find_figure(site.pages[(key, default)].meta, ident)
                foreign = lang != default and caption == source["caption"]
                figures.append(item | {"title": caption, "lang": default_code if foreign else ""})
        cached = self.tocs[(volume_key, lang)] = {
            "parts": [tree(key) for key in site.nodes[volume_key].children], "tables": tables, "figures": figures}
        return cached

    def year_switch(self, page: Page) -> dict | None:
        """On a site of several volumes: the current volume's name, and the volumes each at the
        same place (the same path below the volume folder) when that page exists there, else at
        the volume's home. The list is the same on that place's page in every volume, so it is
        rendered once and the current volume marked per page (as nav_html does)."""
        node = page.node
        if len(self.volumes) < 2 or not node.volume:
            return None
        rest = node.key[len(node.volume):]
        html = self.switches.get((rest, page.lang))
        if html is None:
            items = []
            for v in self.volumes:
                target = v.key + rest if (v.key + rest, page.lang) in self.site.pages else v.key
                volume = self.link(v.key, page.lang)
                items.append({"url": self.link(target, page.lang).url, "volume": volume.title, "lang": volume.lang})
            html = self.switches[(rest, page.lang)] = self.env.get_template("partials/year_switch.html").render(items=items)
        current = self.link(node.volume, page.lang)
        mark = f'<a href="{escape(page.url)}"'
        return {"volume": current.title, "lang": current.lang,
                "list": Markup(html.replace(mark, mark + ' aria-current="page"', 1))}

    def description(self, page: Page) -> str:
        """Meta description: the page's own, else the first sentence of its own-language
        text (entries, summaries, articles), else the site's."""
        if page.meta.get("description"):
            return page.meta["description"]
        html = page.body_html if page.type in TEXT_TYPES and page.text_status != MISSING else ""
        if page.text_status == PARTIAL:  # only the translated entries speak the page's language
            chunks = split_entries(html)[1]
            html = "".join(chunks.get(e.id, "") for e in page.entries if e.lang is None)
        return first_sentence(html) or self.site.config.description.get(page.lang, "")

    # --- rendering -------------------------------------------------------

    def render(self, page: Page) -> str:
        template = self.env.get_template(f"{page.type}.html")
        context = self.context(page)
        return template.render(context)


# Pages whose Open Graph type is "article" (the rest are "website").
ARTICLE_TYPES = ("section", "summary", "article", "tasks")
# Pages whose first sentence describes them (a chapter's or a task table's first line does not).
TEXT_TYPES = ("section", "summary", "article")
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
SENTENCE = re.compile(r"^(.+?(?:[。！？]|[.!?](?=\s|$)))")


def first_sentence(html: str, limit: int = 160) -> str:
    """The first sentence of the first plain paragraph, as text (a description for previews)."""
    match = PARAGRAPH.search(html)
    if not match:
        return ""
    text = " ".join(unescape(strip_tags(match.group(1))).split())
    sentence = SENTENCE.match(text)
    text = sentence.group(1) if sentence else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def template_environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    return env


def render_one(renderer: Renderer, item) -> tuple:
    """Worker entry: render page `item` = (key, lang), write it; return (out_path, problems, sha1 of the bytes).
    A problem is (template file, line, message, page rendered, hint): the last three are Texts."""
    key, lang, staging, *shadow = item   # shadow: the folder of Pagefind's pages, when the build indexes
    page = renderer.site.pages[(key, lang)]
    try:
        html = renderer.render(page)
    except jinja2.TemplateSyntaxError as exc:
        return page.out_path, [(exc.filename or exc.name or "template", exc.lineno,
                                _t("content.template-syntax", error=exc.message), _rendering(page),
                                _t("content.hint-fix-jinja-syntax"))], None
    except Exception as exc:  # noqa: BLE001 — turned into a diagnostic naming the template line
        return page.out_path, [_template_problem(exc, page)], None
    target = Path(staging) / page.out_path
    target.parent.mkdir(parents=True, exist_ok=True)
    data = html.encode("utf-8")
    target.write_bytes(data)
    if renderer.searchable(page):
        record = renderer.search_record(page, html)
        if record is not None:
            record["words"] = word_count(record)
            path = Path(staging) / record_path(record["path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode_record(record))
            if shadow:   # made here, in the worker processes: the character pairs are the costly part
                rel, html = shadow_page(record)
                target = Path(shadow[0]) / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(html, encoding="utf-8")
    return page.out_path, [], hashlib.sha1(data).digest()  # the offline bundle's version needs no re-read


def _template_problem(exc: Exception, page: Page) -> tuple:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
    where, line = (frames[-1].filename, frames[-1].lineno) if frames else ("template", 0)
    return (where, line, _t("content.template-error", name=type(exc).__name__, error=str(exc)), _rendering(page),
            _t("content.hint-fix-template"))


def _rendering(page: Page):
    """The page a template problem was met on: 'content/…/meetings.zh.md in en'."""
    return _t("content.rendering-page", file=page.source.file, lang=page.lang)
