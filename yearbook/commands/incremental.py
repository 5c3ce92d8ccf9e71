"""Rebuilding after a save in `serve`: render only the pages whose inputs changed.

Reading, parsing and validating the whole site is cheap (about 0.1 s for the
bundled yearbook; Markdown of unchanged files comes from a cache) and keeps
every check, so a rebuild always validates everything. Rendering and writing
grow with the site, so they are limited by comparing two kinds of digest with
the last good build:

- the outline: every page's front matter, title, entries, translation status,
  and the tables and task rows — everything that other pages show about a page
  (navigation, contents, department pages, indexes, search filters, sitemap).
  If it changed, every page is rendered again.
- each page's own inputs: its body and front matter in every language. If only
  these changed, only that page is rendered, in every language (an edit to a
  source changes its translation's fallback text and staleness).

Templates, static files, config.yaml, the registry, glossary and UI strings are
not page inputs: a change to any of them builds everything (`pipeline.build`).
Pages are written in place, each by a rename, so the search indexer's hard
links to the previous files stay intact.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import output, pipeline
from ..config import Config
from ..offline import write_offline_bundle
from ..render import Renderer, render_one, template_environment


@dataclass
class BuildState:
    """What a serve session remembers of its last good build."""

    markdown: dict = field(default_factory=dict)   # (file, body) → MarkdownResult
    outline: str | None = None                     # digest of what pages show about each other
    inputs: dict = field(default_factory=dict)     # page key → digest of its own inputs
    rendered: list | None = None                   # (key, lang) rendered by the last rebuild; None: all
    templates: object = None                       # Jinja environment: compiled templates, kept while none changes
    file_digests: dict = field(default_factory=dict)  # (path, mtime, size) → SHA-1, for the offline list

    def remember(self, site) -> None:
        self.outline, self.inputs = outline_digest(site), input_digests(site)
        self.templates = template_environment(site.config.templates_dir)


def _digest(value) -> str:
    # repr, not JSON: generated pages keep tuples and tuple-keyed dicts in their data (Node.data).
    # Both builds compared run in the same process, so reprs are comparable.
    return hashlib.sha1(repr(value).encode()).hexdigest()


def outline_digest(site) -> str:
    """What any page may show about other pages: change it and every page is rendered."""
    pages = []
    for (key, lang), page in sorted(site.pages.items()):
        node = page.node
        if node.generated:  # made from other pages: their own data is their input (below)
            pages.append([key, lang, page.title, page.url])
            continue
        pages.append([key, lang, node.type, node.order, node.parent, node.children, page.meta, page.translated,
                      page.text_status, page.url, [[e.id, e.title, e.meta, e.lang] for e in page.entries]])
    tables = sorted([str(folder), ident, table.number, table.title, table.columns, table.rows]
                    for (folder, ident), table in site.tables.items())
    rows = sorted([key, lang, rows] for (key, lang), rows in site.task_rows.items())
    return _digest([pages, tables, rows])


def input_digests(site) -> dict:
    """Per page key: its bodies, sources and front matter in every language; for a page the
    build makes, the data it was made with (a chronology quotes entries' first words)."""
    per_key: dict = {}
    for (key, lang), page in sorted(site.pages.items()):
        digest = per_key.setdefault(key, hashlib.sha1())
        digest.update(page.body_html.encode())  # the largest part: hashed as is, not repr'd
        digest.update(repr([lang, page.source.file, page.source.text_hash, page.meta, sorted(page.anchors),
                            page.node.data]).encode())   # a generated page's data (a chronology quotes entries)
    return {key: digest.hexdigest() for key, digest in per_key.items()}


PAGE_SOURCE_SUFFIXES = (".md", ".tsv", ".yaml")  # pages and tables; a photo is copied by a full build


def only_page_sources(config: Config, changed: list) -> bool:
    """True when every changed file is a page source or table under content/ (not content/_data)."""
    content = config.content_dir.resolve()
    for name in changed:
        path = Path(name).resolve()
        if (content not in path.parents or path.relative_to(content).parts[0].startswith(("_", "."))
                or path.suffix not in PAGE_SOURCE_SUFFIXES):
            return False
    return True


def rebuild(config_path: Path, report: "pipeline.BuildReport", state: BuildState, changed: list) -> None:
    """After a save: validate everything, then render only what changed into the output dir,
    or, when the outline or a file outside the page sources changed, write the whole site
    as `build` does (without search: serve indexes in the background).
    Raises BuildFailed like `build`, before anything is written."""
    config, site, strings = pipeline.validate(config_path, report, markdown_cache=state.markdown)
    if (state.outline is None or not only_page_sources(config, changed) or not config.output_dir.is_dir()
            or outline_digest(site) != state.outline):
        pipeline.write_site(config, site, strings, report, with_search=False, keep_index=True)
        state.remember(site)
        state.rendered = None  # everything
        return
    inputs = input_digests(site)
    keys = [key for key in site.order if inputs.get(key) != state.inputs.get(key)]
    _render_in_place(config, site, strings, report, keys, state)
    state.inputs = inputs
    state.rendered = [(key, lang) for key in keys for lang in config.language_keys]


def _render_in_place(config: Config, site, strings: dict, report, keys: list, state: BuildState) -> None:
    """Render the pages `keys` in every language into a scratch folder; when all succeeded,
    rename each page into the output."""
    out = config.output_dir
    with output.locked(config, report.diagnostics):
        scratch = output.new_staging(config)   # a folder of its own, removed by the next build if we are killed
        try:
            with report.step("render"):
                renderer = Renderer.create(site, strings, pipeline.VIEWS, state.templates)
                rendered = [render_one(renderer, (key, lang, str(scratch))) for key in keys for lang in config.language_keys]
                pipeline.report_template_problems(config, rendered, report.diagnostics)
            report.stop_on_errors()
            with report.step("write"):
                for written in sorted(p for p in scratch.rglob("*") if p.is_file()):   # pages and their search records
                    target = out / written.relative_to(scratch)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(written, target)
                if rendered:
                    write_offline_bundle(out, config.base_path, seen=state.file_digests,
                                         volumes=[v.key for v in site.volumes()])
        finally:
            output.discard(scratch)
