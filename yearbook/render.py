"""Jinja templates → HTML pages. Templates get plain view data built here, so
they stay declarative: no lookups, no URL arithmetic in Jinja."""
from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .diagnostics import Diagnostics, Location, relpath
from .markdown import LINK_PLACEHOLDER
from .pages import Page
from .search import INDEXED_TYPES, filter_options, page_filters, with_char_index, with_page_char_index
from .site import Site
from .translation import MISSING
from .yamldoc import parse_yaml

STRINGS_DIR = "i18n"
PLACEHOLDER = re.compile(r"<!--yb:(table|figure):([a-z0-9-]+)-->\n?")
SITE_LINK = re.compile(r'href="' + re.escape(LINK_PLACEHOLDER) + r'([^"#]*)#([^"]*)"')


# View data of the page kinds the build makes, by page type: function(renderer, page) → dict
# merged into the template context. Each generating module registers its own.
PAGE_VIEWS: dict = {}
# Pages the build makes that the header links to on every page, when they exist.
SITE_LINKS = ("departments", "guide")


def is_cjk(code: str) -> bool:
    return code.lower().startswith(("zh", "ja"))


def load_strings(site: Site, diags: Diagnostics) -> dict:
    """UI strings per language from templates/i18n/LANG.yaml; every key in every language."""
    config = site.config
    strings = {}
    for lang in config.language_keys:
        path = config.templates_dir / STRINGS_DIR / f"{lang}.yaml"
        file = relpath(path, config.root)
        if not path.exists():
            diags.error(Location(file), f"UI strings for '{lang}' are missing", f"add {file} (copy the {config.default_language} file and translate it)")
            continue
        doc = parse_yaml(path.read_text(encoding="utf-8"), file, diags)
        if doc is not None:
            strings[lang] = (doc.data or {}, doc)
    reference = set().union(*(set(data) for data, _ in strings.values())) if strings else set()
    for lang, (data, doc) in strings.items():
        for key in sorted(reference - set(data)):
            diags.error(Location(doc.file, 1, 1), f"UI string '{key}' is missing",
                        f"add '{key}: …' in {lang}; every language file has the same keys")
    return {lang: data for lang, (data, _) in strings.items()}


@dataclass
class Renderer:
    """Everything a worker needs to turn a page into HTML."""

    site: Site
    env: jinja2.Environment
    strings: dict
    position: dict  # key → index in reading order
    volumes: list   # volume nodes, home-page order
    links: dict     # (key, lang) → link view, computed once per process
    navs: dict      # (volume, open chapter, lang) → table-of-contents HTML

    @classmethod
    def create(cls, site: Site, strings: dict) -> "Renderer":
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(site.config.templates_dir)),
            autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        env.filters["groupby_consecutive"] = groupby_consecutive
        return cls(site, env, strings, {key: i for i, key in enumerate(site.order)}, site.volumes(), {}, {})

    # --- view data -------------------------------------------------------

    def link(self, key: str, lang: str) -> dict | None:
        """Title and URL of a page (shared, never mutated: callers copy with `|`)."""
        cached = self.links.get((key, lang))
        if cached is None:
            page = self.site.page(key, lang)
            if page is None:
                return None
            cached = self.links[(key, lang)] = {"title": page.title, "url": page.url, "fallback": not page.translated,
                                                "lang": self.site.config.language(page.source.lang).code}
        return cached

    def department(self, dept_id: str, lang: str) -> dict:
        dept = self.site.registry.get(dept_id)
        name = (dept.name.get(lang) or dept.name.get(self.site.config.default_language)) if dept else dept_id
        return {"id": dept_id, "name": name}

    def context(self, page: Page) -> dict:
        site, config, lang = self.site, self.site.config, page.lang
        node = page.node
        ancestors = []
        key = node.parent
        while key is not None:
            ancestors.insert(0, self.link(key, lang))
            key = site.nodes[key].parent
        volume = site.nodes.get(node.volume) if node.volume else None
        view = PAGE_VIEWS.get(page.type)
        return (view(self, page) if view else {}) | {
            "page": page,
            "meta": page.meta,
            "lang": config.language(lang),
            "title_lang": "" if page.translated else config.language(page.source.lang).code,
            "t": self.strings[lang],
            "site_title": config.title[lang],
            "site_description": config.description.get(lang, ""),
            "root": config.base_path,
            "home": self.link("", lang),
            "site_links": [self.link(k, lang) | {"key": k} for k in SITE_LINKS if (k, lang) in site.pages],
            "breadcrumbs": ancestors,
            "alternates": [dict(self.link(node.key, other.key), code=other.code, name=other.name,
                                key=other.key, current=other.key == lang) for other in config.languages],
            "nav_html": self.nav_html(page, volume),
            "volume": self.link(volume.key, lang) | {"meta": volume.meta} if volume else None,
            "children": [self.link(k, lang) | {"node": site.nodes[k]} for k in node.children],
            "prev": self.neighbour(page, -1),
            "next": self.neighbour(page, +1),
            "volumes": [self.link(v.key, lang) | {"meta": v.meta} for v in self.volumes],
            "body": Markup(self.body(page)),
            "indexed": self.indexed(page),
            "search_filters": page_filters(site, page, self.strings[lang]) if self.searchable(page) else [],
            "filter_options": filter_options(site, lang, self.strings[lang]) if page.type == "search" else {},
            "dept": lambda dept_id: self.department(dept_id, lang),
            "rows": site.task_rows.get((node.key, lang)) or site.task_rows.get((node.key, config.default_language)) or [],
        }

    def indexed(self, page: Page) -> bool:
        """Content pages with text in their own language go into that language's search index."""
        return page.type in INDEXED_TYPES and page.text_status != MISSING

    def searchable(self, page: Page) -> bool:
        """Indexed, and the site has search: then the page carries the hooks of exact search
        (character indexes, filter metadata). A site with `search: false` does not pay for them."""
        return self.site.config.search and self.indexed(page)

    def char_indexed(self, page: Page) -> bool:
        return self.searchable(page) and is_cjk(self.site.config.language(page.lang).code)

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
                items.append(self.link(child.key, page.lang) | {"open": is_open, "children": [
                    self.link(k, page.lang) for k in child.children] if is_open else []})
            html = self.navs[cache_key] = self.env.get_template("partials/nav.html").render(
                nav=items, volume=self.link(volume.key, page.lang), t=self.strings[page.lang])
        mark = f'<a href="{escape(page.url)}"'
        return Markup(html.replace(mark, mark + ' aria-current="page"', 1))

    def neighbour(self, page: Page, step: int) -> dict | None:
        """Previous or next page in reading order, within the same volume."""
        order = self.site.order
        if not page.node.volume:
            return None
        index = self.position[page.node.key]
        other = index + step
        if 0 <= other < len(order) and self.site.nodes[order[other]].volume == page.node.volume \
                and self.site.nodes[order[other]].type != "volume":
            return self.link(order[other], page.lang)
        return None

    def body(self, page: Page) -> str:
        """Markdown HTML with tables, figures and site links filled in."""
        html = page.body_html
        if "<!--yb:" in html:
            html = PLACEHOLDER.sub(lambda m: self.partial(page, m.group(1), m.group(2)), html)
        if page.meta.get("authors"):
            html = self.with_bylines(page, html)
        if LINK_PLACEHOLDER in html:
            def resolve(match):
                target = self.site.page(match.group(1), page.lang)
                url = target.url if target else "#"
                return f'href="{url}#{match.group(2)}"' if match.group(2) else f'href="{url}"'
            html = SITE_LINK.sub(resolve, html)
        if self.char_indexed(page):
            html = with_char_index(html)
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
            names = escape(t["byline_separator"].join(run["names"]))
            before.setdefault(following, []).append(
                f'<p class="byline">{escape(t["byline_open"])}<span lang="zh-CN">{names}</span>{escape(t["byline_close"])}</p>\n')
        for following, bylines in before.items():
            if following is None:
                html += "".join(bylines)
            else:
                heading = f'<h2 id="{following}" class="entry">'
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
                title=table.title.get(page.lang) or table.title.get(config.default_language, ""),
                labels=[c.get(page.lang) or c.get(config.default_language) or c["key"] for c in table.columns],
                t=self.strings[page.lang])
        figure = next(f for f in page.meta.get("figures") or [] if f and f["id"] == ident)
        credit = figure.get("credit") or {}
        return self.env.get_template("partials/figure.html").render(
            figure=figure, lang=config.language(page.lang), t=self.strings[page.lang],
            credit_name=self.department(credit["department"], page.lang)["name"] if credit.get("department") else "")

    # --- rendering -------------------------------------------------------

    def render(self, page: Page) -> str:
        template = self.env.get_template(f"{page.type}.html")
        context = self.context(page)
        html = template.render(context)
        if self.char_indexed(page):
            html = with_page_char_index(html, str(context["body"]))
        return html


def groupby_consecutive(rows: list, column: str) -> list:
    """Runs of rows with the same value in `column`, in order: [{label, rows}]."""
    groups: list = []
    for row in rows:
        label = row.get(column, "")
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


def render_one(renderer: Renderer, item) -> tuple:
    """Worker entry: render page `item` = (key, lang), write it; return (out_path, problems, sha1 of the bytes)."""
    key, lang, staging = item
    page = renderer.site.pages[(key, lang)]
    try:
        html = renderer.render(page)
    except jinja2.TemplateSyntaxError as exc:
        return page.out_path, [(exc.filename or exc.name or "template", exc.lineno, f"template syntax: {exc.message}",
                                f"{page.source.file} in {page.lang}", "fix the Jinja syntax at this line")], None
    except Exception as exc:  # noqa: BLE001 — turned into a diagnostic naming the template line
        return page.out_path, [_template_problem(exc, page)], None
    target = Path(staging) / page.out_path
    target.parent.mkdir(parents=True, exist_ok=True)
    data = html.encode("utf-8")
    target.write_bytes(data)
    return page.out_path, [], hashlib.sha1(data).digest()  # the offline bundle's version needs no re-read


def _template_problem(exc: Exception, page: Page) -> tuple:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
    where, line = (frames[-1].filename, frames[-1].lineno) if frames else ("template", 0)
    return (where, line, f"{type(exc).__name__}: {exc}", f"{page.source.file} in {page.lang}",
            "fix the template, or add the missing value to the page's front matter")
