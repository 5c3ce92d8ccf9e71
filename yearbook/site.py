"""From sources to a validated Site: the page tree, translations linked, references checked.

Two passes, because entries live in Markdown: `assemble_site` builds the tree
from front matter alone; after the Markdown pass, `attach_markdown` adds the
entries and `validate_references` checks everything that points at something.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config
from .data import People, Registry
from .files import is_dot
from .diagnostics import Diagnostics, Location, relpath, suggest
from .messages import Text, t
from .markdown import MarkdownResult
from .pages import EXAMPLE_TEXT, PER_LANGUAGE_KEYS, Entry, Node, Page, front_matter_schema
from .schema import validate
from .sources import Source
from .markup import mark_foreign, strip_tags
from .memo import NO_MEMO, Memo
from .translation import MISSING, apply_fallback, is_stale


@dataclass
class Site:
    config: Config
    registry: Registry
    tables: dict                                   # (folder, id) → Table
    nodes: dict = field(default_factory=dict)      # key → Node
    pages: dict = field(default_factory=dict)      # (key, lang) → Page
    order: list = field(default_factory=list)      # keys in reading order (depth first)
    task_rows: dict = field(default_factory=dict)  # (key, lang) → rows of a tasks page
    people: People = field(default_factory=People)  # how translations write people's names
    glossary: dict = field(default_factory=dict)   # term as printed → {lang: form} (glossary.yaml)
    link_cache: dict = field(default_factory=dict, repr=False)  # (key, lang) → Link (links.py), per process

    def page(self, key: str, lang: str) -> Page | None:
        return self.pages.get((key, lang))

    def authored(self) -> list:
        """Keys in reading order of the pages editors wrote (files), not the ones the build makes."""
        return [key for key in self.order if not self.nodes[key].generated]

    def children(self, node: Node) -> list:
        return [self.nodes[k] for k in node.children]

    def volumes(self) -> list:
        """Volume nodes in the configured order, then newest edition first."""
        found = [n for n in self.nodes.values() if n.type == "volume"]
        configured = {name: i for i, name in enumerate(self.config.volumes)}
        return sorted(found, key=lambda n: (configured.get(n.key, len(configured)), -n.meta.get("edition_year", 0), n.key))


def page_url(config: Config, lang: str, key: str) -> str:
    prefix = config.language(lang).prefix
    return f"{config.base_path}{prefix}/{key}/" if key else f"{config.base_path}{prefix}/"


def page_out_path(config: Config, lang: str, key: str) -> str:
    prefix = config.language(lang).prefix
    return f"{prefix}/{key}/index.html" if key else f"{prefix}/index.html"


MEDIA_DIR = "media"


def media_path(config: Config, folder: Path, name: str) -> str:
    """Where a file beside a page (a photo) goes in the output: media/<its folder under content>/<name>."""
    rel = (folder / name).resolve().relative_to(config.content_dir.resolve()).as_posix()
    return f"{MEDIA_DIR}/{rel}"


def media_url(config: Config, folder: Path, name: str) -> str:
    return config.base_path + media_path(config, folder, name)


def assemble_site(config: Config, sources: list, registry: Registry, tables: dict, diags: Diagnostics,
                  memo: Memo = NO_MEMO) -> Site:
    """The page tree from front matter: one Node per key, one Page per key and language.
    With a `memo` (serve), front matter of unchanged files is not validated again."""
    site = Site(config, registry, tables)
    invalid: set = set()  # keys whose source failed validation: no follow-on errors about them
    by_key: dict = {}
    for source in sources:
        by_key.setdefault(source.key, {})[source.lang] = source
    default = config.default_language
    for key, per_lang in sorted(by_key.items()):
        origin = per_lang.get(default)
        if origin is None:
            other = next(iter(per_lang.values()))
            expected = other.file.replace(f".{other.lang}.md", f".{default}.md")
            if (config.root / expected).exists():
                continue  # the source exists but did not load: its own error says why
            diags.error(Location(other.file), "content.translation-without-source", expected=expected, default=default)
            continue
        meta = memo.get("front-matter", (origin.file, origin.text_hash),
                        lambda problems: _validated_front_matter(origin, problems), diags)
        if meta is None:
            invalid.add(key)
            continue
        node = Node(key, meta["type"], meta["order"], None, meta=meta, sources=per_lang)
        site.nodes[key] = node
        for lang, source in per_lang.items():
            if lang == default:
                continue
            merged = memo.get("front-matter", (source.file, source.text_hash, origin.text_hash),
                              lambda problems: _with_merged_front_matter(source, meta, problems), diags)
            if merged is not None:
                per_lang[lang] = merged
    _link_tree(site, diags, invalid)
    _assign_volumes(site, diags, invalid)
    for key in site.order:
        node = site.nodes[key]
        for language in config.languages:
            own = node.sources.get(language.key)
            shown = own or node.sources[default]
            meta = dict(node.meta)
            if own is not None and language.key != default:
                meta.update({k: v for k, v in own.front.data.items() if k in PER_LANGUAGE_KEYS and v not in (None, [], {})})
                meta["figures"] = _merge_figures(node.meta.get("figures", []), own.front.data.get("figures") or [])
            site.pages[(key, language.key)] = Page(node, language.key, shown, own is not None, meta,
                                                    page_url(config, language.key, key),
                                                    page_out_path(config, language.key, key))
    return site


def _with_merged_front_matter(source: Source, source_meta: dict, diags: Diagnostics) -> Source | None:
    """A translation with its front matter checked and completed from its source's (a copy:
    the memo keeps the source as read)."""
    merged = _validated_front_matter(source, diags, expected_type=source_meta["type"], source_meta=source_meta)
    return None if merged is None else replace(source, front=replace(source.front, data=merged))


def _validated_front_matter(source: Source, diags: Diagnostics, expected_type: str | None = None,
                            source_meta: dict | None = None) -> dict | None:
    """Front matter checked against its type's schema; a translation inherits what it leaves out."""
    data = source.front.data
    page_type = data.get("type")
    if expected_type and page_type not in (None, expected_type):
        diags.error(source.front.where("type"), "content.type-differs-from-source", type=page_type, expected=expected_type)
        return None
    if source_meta is not None:
        for key, value in data.items():
            if key not in PER_LANGUAGE_KEYS and key != "type" and key in source_meta and value != source_meta[key]:
                diags.warning(source.front.where(key, key=True), "content.key-differs-from-source", key=key,
                              keys=sorted(PER_LANGUAGE_KEYS))
        inherited = {k: v for k, v in source_meta.items() if k not in PER_LANGUAGE_KEYS and v is not None}
        data = inherited | {k: v for k, v in data.items() if k in PER_LANGUAGE_KEYS}
    schema = front_matter_schema(expected_type or str(page_type))
    before = len(diags.errors)
    meta = validate(data, schema, source.front, diags)
    return None if len(diags.errors) > before else meta


def _merge_figures(source_figures: list, translated: list) -> list:
    """Translated captions over the source's figures (credit, image and topic stay)."""
    captions = {f["id"]: f for f in translated if f}
    return [f | {k: v for k, v in captions.get(f["id"], {}).items() if v} for f in source_figures]


def _link_tree(site: Site, diags: Diagnostics, invalid: set) -> None:
    """Parent and children of every node; reading order depth first."""
    for key, node in site.nodes.items():
        if key == "":
            continue
        parent = posixpath.dirname(key)
        if parent in invalid:
            continue
        if parent not in site.nodes:
            source = next(iter(node.sources.values()))
            folder = relpath(site.config.content_dir / parent, site.config.root) if parent else relpath(site.config.content_dir, site.config.root)
            diags.error(Location(source.file), "content.folder-without-index", folder=folder,
                        lang=site.config.default_language)
            continue
        node.parent = parent
        site.nodes[parent].children.append(key)
    for node in site.nodes.values():
        node.children.sort(key=lambda k: (site.nodes[k].order, k))
    if "" not in site.nodes:
        if site.nodes and "" not in invalid:
            diags.error(Location(relpath(site.config.content_dir, site.config.root)), "content.no-home-page",
                        folder=relpath(site.config.content_dir, site.config.root), lang=site.config.default_language)
        return

    reading_order(site)


def reading_order(site: Site) -> None:
    """site.order: the tree depth first, children by (order, key); pages outside the tree
    (search) keep their place at the end."""
    outside = [key for key in site.order if site.nodes[key].generated
               and key not in site.nodes[site.nodes[key].parent or ""].children]
    site.order.clear()

    def walk(key: str) -> None:
        site.order.append(key)
        for child in site.nodes[key].children:
            walk(child)

    walk("")
    site.order.extend(outside)


def add_generated_page(site: Site, key: str, page_type: str, parent: str | None, titles: dict,
                       order: int = 0, data: object = None, in_tree: bool = True) -> Node:
    """A page made by the build rather than written (department pages, indexes, search):
    one Node, one Page per language with `titles[lang]`. With `in_tree`, it is a child of
    `parent` (listed in its contents and in the volume's navigation); call `reading_order`
    after adding pages. `data` is what the feature computed for it (Node.data). The caller
    makes sure `key` is free (see `generated_key_clash`)."""
    config = site.config
    home = site.nodes[""]
    volume = site.nodes[parent].volume if parent is not None and parent in site.nodes else None
    # Every front-matter field the templates may ask for, empty: generated pages have no file.
    blank = {name: (None if value is None else type(value)()) for name, value in home.meta.items()}
    base = blank | {"type": page_type, "title": titles[config.default_language], "order": order}
    node = Node(key, page_type, order, parent, volume=volume, meta=base, sources=dict(home.sources), generated=True,
                data=data)
    site.nodes[key] = node
    if in_tree and parent is not None:
        siblings = site.nodes[parent].children
        siblings.append(key)
        siblings.sort(key=lambda k: (site.nodes[k].order, k))
    else:
        site.order.append(key)
    for lang in config.language_keys:
        home_page = site.pages[("", lang)]
        site.pages[(key, lang)] = Page(node, lang, home_page.source, True, base | {"title": titles[lang]},
                                       page_url(config, lang, key), page_out_path(config, lang, key),
                                       text_status="translated")
    return node


def generated_key_clash(site: Site, key: str, what: Text, diags: Diagnostics) -> bool:
    """True (and an error naming the content file) when a written page already uses `key`;
    `what` names the page the build makes there (t("content.generated-…"))."""
    node = site.nodes.get(key)
    if node is None:
        return False
    source = node.sources.get(site.config.default_language) or next(iter(node.sources.values()))
    diags.error(Location(source.file), "content.address-reserved", key=key, what=what)
    return True


def _assign_volumes(site: Site, diags: Diagnostics, invalid: set) -> None:
    for key in site.order:
        node = site.nodes[key]
        if node.type == "volume":
            node.volume = key
            if node.parent is not None and site.nodes[node.parent].type != "home":
                diags.error(node.sources[site.config.default_language].front.where("type"),
                            "content.volume-not-top-level", parent=node.parent, name=key.rsplit('/', 1)[-1])
            meta = node.meta
            if meta["coverage_year"] > meta["edition_year"]:
                diags.warning(node.sources[site.config.default_language].front.where("coverage_year"),
                              "content.coverage-after-edition", coverage=meta["coverage_year"], edition=meta["edition_year"])
        elif node.parent is not None:
            node.volume = site.nodes[node.parent].volume
    for name in site.config.volumes:
        if name in invalid:
            continue
        if name not in site.nodes or site.nodes[name].type != "volume":
            volumes = [n.key for n in site.nodes.values() if n.type == "volume"]
            diags.error(Location(site.config.file), "content.volumes-lists-non-volume", name=name,
                        hint=suggest(name, volumes) or t("content.hint-add-volume"))


def attach_markdown(site: Site, results: dict, diags: Diagnostics) -> None:
    """Store rendered bodies and entries on the pages; fill translation gaps; report Markdown problems."""
    default = site.config.default_language
    source_lang_code = site.config.language(default).code
    for (key, lang), page in site.pages.items():
        result: MarkdownResult = results[(page.source.file)]
        offset = page.source.body_line - 1
        if page.source.lang == lang:  # a fallback shows the source's text: its problems are reported once, there
            for severity, line, col, text in result.problems:
                report = diags.error if severity == "error" else diags.warning
                report(Location(page.source.file, line + offset, col), text.code, **dict(text.params))
        page.body_html = result.html
        entry_meta = page.node.meta.get("entries") or {}
        page.entries = [Entry(i, title, line + offset, entry_meta.get(i, {})) for i, title, line in result.entries]
        page.anchors = set(result.anchors) | {ident for _, ident, _ in result.directives}  # #t04, #p01 too
        for kind, ident, _ in result.directives:  # and every table row: #t04-r1 … (partials/table.html)
            table = site.tables.get((page.source.folder, ident)) if kind == "table" else None
            if table is not None:
                count = len(table.rows.get(default) or [])
                page.anchors |= {f"{ident}-r{n}" for n in range(1, count + 1)}
    for (key, lang), page in site.pages.items():
        if lang == default:
            continue
        origin = site.pages[(key, default)]
        if page.translated:
            _check_translation_entries(page, [e.id for e in origin.entries], diags)
            apply_fallback(page, results[page.source.file].html, origin.body_html, origin.entries, source_lang_code)
        else:
            page.text_status = MISSING
            page.body_html = mark_foreign(origin.body_html, source_lang_code) if origin.body_html.strip() else ""
            page.entries = [Entry(e.id, e.title, e.line, e.meta, source_lang_code) for e in origin.entries]
        page.anchors |= origin.anchors
        if is_stale(page, origin.source.text_hash):
            recorded = (page.meta.get("translation") or {}).get("source_hash")
            if recorded:
                diags.warning(page.source.front.where("translation", "source_hash"), "content.source-changed",
                              source=origin.source.file, hash=origin.source.text_hash)
            else:
                diags.warning(Location(page.source.file, 1, 1), "content.no-source-hash", hash=origin.source.text_hash)


def validate_references(site: Site, results: dict, diags: Diagnostics, memo: Memo = NO_MEMO) -> None:
    """Ids unique in a volume, runs and figures pointing at real entries, known departments.
    With a `memo` (serve), the checks of a page alone are not repeated for an unchanged file."""
    default = site.config.default_language
    seen_ids: dict = {}          # (volume, id) → Location
    table_numbers: dict = {}     # (volume, number) → Location
    summaries: dict = {}         # (volume, department) → Location
    for key in site.order:
        node = site.nodes[key]
        page = site.pages[(key, default)]
        src = page.source
        front = src.front
        registry = site.registry
        for index, dept in enumerate(node.meta.get("departments") or []):
            registry.check_ref(dept, lambda index=index: front.where("departments", index), diags)
        if node.type == "summary":
            registry.check_ref(node.meta["department"], front.where("department"), diags)
            first = summaries.setdefault((node.volume, node.meta["department"]), front.where("department"))
            if first != front.where("department"):
                diags.error(front.where("department"), "content.second-summary", department=node.meta["department"],
                            related=[first])
        if node.type == "tasks" and node.meta.get("issuer"):
            registry.check_ref(node.meta["issuer"], front.where("issuer"), diags)
        entry_ids = [e.id for e in page.entries]
        for entry in page.entries:
            where = Location(src.file, entry.line, 1)
            first = seen_ids.get((node.volume, entry.id))
            if first:
                diags.error(where, "content.duplicate-entry-id", id=entry.id, related=[first])
            else:
                seen_ids[(node.volume, entry.id)] = where
        for entry_id, meta in (node.meta.get("entries") or {}).items():
            if entry_id not in entry_ids:
                diags.error(front.where("entries", entry_id, key=True), "content.metadata-unknown-entry", id=entry_id,
                            hint=suggest(entry_id, entry_ids) or t("content.hint-id-of-heading-here"))
            for index, dept in enumerate((meta or {}).get("departments") or []):
                registry.check_ref(dept, lambda entry_id=entry_id, index=index:
                                   front.where("entries", entry_id, "departments", index), diags)
        _check_authors(page, entry_ids, diags)
        # names are checked for the languages this page is translated into (where they are shown romanised)
        translations = [lang for lang in site.config.language_keys if lang != site.config.default_language
                        and (lang in node.sources)]
        for index, run in enumerate(page.meta.get("authors") or []):
            for position, name in enumerate(run.get("names") or []):
                site.people.check(name, lambda index=index, position=position:
                                  front.where("authors", index, "names", position), diags, translations)
        if node.type == "section" and not page.entries and not results[src.file].directives \
                and not strip_tags(page.body_html).strip():
            diags.warning(Location(src.file, 1, 1), "content.empty-section", title=node.meta["title"])
        memo.get("example-text", (src.file, src.text_hash), lambda problems: _check_example_text(page, problems), diags)
        _check_directives(site, page, results[src.file], entry_ids, table_numbers, diags)
        _check_links(site, page, results[src.file], diags)


def _check_example_text(page: Page, diags: Diagnostics) -> None:
    """Warn while the example text of `build.py new` is still in a page (it would be published)."""
    for words in EXAMPLE_TEXT.values():
        for entry in page.entries:
            if entry.title in (words["entry_title"], words["part_title"]):
                diags.warning(Location(page.source.file, entry.line, 1), "content.example-entry", title=entry.title)
        for index, run in enumerate(page.meta.get("authors") or []):
            if words["author"] in (run.get("names") or []):
                diags.warning(page.source.front.where("authors", index, "names"), "content.example-attribution",
                              name=words["author"])
        paragraphs = {strip_tags(p).strip() for p in re.findall(r"<p>(.*?)</p>", page.body_html, re.S)}
        for example in (words["entry_text"], words["text"]):
            if example in paragraphs:
                lines = page.source.body.split("\n")
                at = next((i for i, line in enumerate(lines) if line.strip() == example), 0)
                diags.warning(Location(page.source.file, page.source.body_line + at, 1), "content.example-text",
                              text=example)


def _check_authors(page: Page, entry_ids: list, diags: Diagnostics) -> None:
    front = page.source.front
    covered = set()
    for index, run in enumerate(page.meta.get("authors") or []):
        if not run:
            continue
        start, end = run["from"], run["to"] or run["from"]
        for field_name, value in (("from", start), ("to", end)):
            if value not in entry_ids:
                diags.error(front.where("authors", index, field_name if run.get(field_name) else "from"),
                            "content.attribution-unknown-entry", id=value,
                            hint=suggest(value, entry_ids) or t("content.hint-entry-heading-here"))
        if start in entry_ids and end in entry_ids:
            first, last = entry_ids.index(start), entry_ids.index(end)
            if last < first:
                diags.error(front.where("authors", index, "to"), "content.attribution-backwards", start=start, end=end)
            overlap = covered.intersection(entry_ids[first:last + 1])
            if overlap:
                diags.error(front.where("authors", index), "content.entry-in-two-attributions", id=sorted(overlap)[0])
            covered.update(entry_ids[first:last + 1])
    if page.node.type == "section" and page.meta.get("authors") is not None:
        for entry in page.entries:
            if entry.id not in covered:
                diags.warning(Location(page.source.file, entry.line, 1), "content.entry-without-attribution", id=entry.id)
                break


def _check_directives(site: Site, page: Page, result: MarkdownResult, entry_ids: list, numbers: dict, diags) -> None:
    front = page.source.front
    offset = page.source.body_line - 1
    figures = {f["id"]: f for f in page.meta.get("figures") or [] if f}
    placed = set()
    for kind, ident, line in result.directives:
        where = Location(page.source.file, line + offset, 1)
        if kind == "figure":
            if ident not in figures:
                diags.error(where, "content.unknown-figure", id=ident,
                            hint=suggest(ident, figures) or t("content.hint-declare-figure"))
            placed.add(ident)
        elif kind == "table":
            table = site.tables.get((page.source.folder, ident))
            if table is None:
                diags.error(where, "content.unknown-table", id=ident, lang=site.config.default_language)
                continue
            first = numbers.get((page.node.volume, table.number))
            if first and first.path != table.file:
                diags.error(Location(table.file), "content.table-number-twice", number=table.number, related=[first])
            numbers.setdefault((page.node.volume, table.number), Location(table.file))
    for index, figure in enumerate(page.meta.get("figures") or []):
        if not figure:
            continue
        if figure["id"] not in placed:
            diags.warning(front.where("figures", index, "id"), "content.figure-not-placed", id=figure["id"])
        credit = figure.get("credit") or {}
        if credit.get("department"):
            site.registry.check_ref(credit["department"], lambda index=index:
                                    front.where("figures", index, "credit", "department"), diags)
        if figure.get("topic") and figure["topic"] not in entry_ids:
            diags.error(front.where("figures", index, "topic"), "content.figure-topic-unknown", topic=figure["topic"],
                        hint=suggest(figure["topic"], entry_ids) or t("content.hint-entry-here"))
        image = figure.get("image")
        if image and not (page.source.folder / image).is_file():
            diags.error(front.where("figures", index, "image"), "content.image-missing", image=image)
        elif image and is_dot(Path(image)):
            diags.error(front.where("figures", index, "image"), "content.image-hidden", image=image)
        elif image and site.config.content_dir.resolve() not in (page.source.folder / image).resolve().parents:
            diags.error(front.where("figures", index, "image"), "content.image-outside-content", image=image)


def _check_links(site: Site, page: Page, result: MarkdownResult, diags: Diagnostics) -> None:
    offset = page.source.body_line - 1
    for target, fragment, line in result.links:
        where = Location(page.source.file, line + offset, 1)
        target_page = page if target is None else site.pages.get((target, page.lang))
        if target_page is None:
            diags.error(where, "content.link-missing-page", target=target,
                        hint=suggest(target, [k for k in site.nodes]) or t("content.hint-check-link-path"))
            continue
        if fragment and fragment not in target_page.anchors and target is not None:
            diags.error(where, "content.link-missing-anchor-in", fragment=fragment, file=target_page.source.file,
                        hint=suggest(fragment, target_page.anchors) or t("content.hint-heading-there"))
        elif fragment and target is None and fragment not in page.anchors:
            diags.error(where, "content.link-missing-anchor", fragment=fragment,
                        hint=suggest(fragment, page.anchors) or t("content.hint-heading-here"))


def _check_translation_entries(page: Page, source_ids: list, diags: Diagnostics) -> None:
    for entry in page.entries:
        if entry.id not in source_ids:
            diags.error(Location(page.source.file, entry.line, 1), "content.entry-not-in-source", id=entry.id,
                        hint=suggest(entry.id, source_ids) or t("content.hint-source-entry-ids"))


