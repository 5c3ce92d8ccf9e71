"""Rebuilding after a save in `serve`: render only the pages that show what changed
(changes.py), into the output folder. Pages are written in place, each by a rename,
so the search indexer's hard links to the previous files stay intact."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from .. import output, pipeline
from ..changes import BuildState, plan, structure_digest
from ..config import Config
from ..offline import is_listed, output_digests, write_offline_bundle
from ..parallel import map_items
from ..render import Renderer, render_one, template_environment
from ..sitewide import write_sitewide


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


class Superseded(Exception):
    """A rebuild of every page was stopped: newer saves came, and the next rebuild does it again."""


def rebuild(config_path: Path, report: "pipeline.BuildReport", state: BuildState, changed: list,
            open_pages: set = frozenset(), shown_first=None, superseded=lambda: False) -> None:
    """After a save: validate everything (from the memo where unchanged), then render only the
    pages that show what changed, into the output dir; or, when the structure or a file outside
    the page sources changed, write the whole site as `build` does (without search: serve
    indexes in the background). Raises BuildFailed like `build`, before anything is written.

    The pages at `open_pages` (addresses of pages open in a browser) that need rendering are
    rendered and written first; then `shown_first(their addresses, seconds so far)` is called.
    Writing every page (after a template edit, say) stops with Superseded as soon as
    `superseded()` says newer saves are waiting; the output keeps the previous pages (and the
    open ones, already new) and the next rebuild writes every page again."""
    start = time.perf_counter()
    config, site, strings = pipeline.validate(config_path, report, memo=state.memo)
    state.memo.sweep()   # forget what this build did not use (after a failed one, both versions are kept)
    with report.step("compare"):
        everything = (state.structure is None or not only_page_sources(config, changed)
                      or not config.output_dir.is_dir() or structure_digest(site) != state.structure)
        if everything:
            state.templates = template_environment(config.templates_dir)   # a template may be what changed
            keys = list(site.order)
        else:
            changes = plan(site, state)
            keys = changes.keys
        urls = {site.pages[(key, lang)].url: key for key in keys for lang in config.language_keys}
        first = [key for key in dict.fromkeys(urls[path] for path in open_pages if path in urls)]
    if first and len(first) < len(keys) and config.output_dir.is_dir():
        _render_in_place(config, site, strings, report, first, state, offline=False)
        if shown_first is not None:
            shown_first({path for path in open_pages if urls.get(path) in first}, time.perf_counter() - start)
    if everything:
        def stop_if_superseded(done: int, total: int) -> None:
            if superseded():
                state.structure = None   # the output is partly old: the next rebuild renders everything
                raise Superseded
        report.on_render = stop_if_superseded
        pipeline.write_site(config, site, strings, report, with_search=False, keep_index=True)
        state.remember(site)
        state.rendered = None  # everything
        return
    rest = [key for key in keys if key not in first] if len(first) < len(keys) else keys
    _render_in_place(config, site, strings, report, rest, state, sitewide=bool(changes.moved))
    changes.done(state, site)
    state.rendered = [(key, lang) for key in keys for lang in config.language_keys]


def _render_in_place(config: Config, site, strings: dict, report, keys: list, state: BuildState,
                     offline: bool = True, sitewide: bool = False) -> None:
    """Render the pages `keys` in every language into a scratch folder (with `sitewide`, the 404
    page and sitemap too); when all succeeded, rename each into the output (then, with
    `offline`, update the offline list)."""
    out = config.output_dir
    with output.locked(config, report.diagnostics):
        scratch = output.new_staging(config)   # a folder of its own, removed by the next build if we are killed
        try:
            with report.step("render"):
                if state.templates is None:   # (a state from the build cache comes without them)
                    state.templates = template_environment(config.templates_dir)
                renderer = Renderer.create(site, strings, pipeline.VIEWS, state.templates)
                rendered = map_items(render_one, renderer, [(key, lang, str(scratch)) for key in keys
                                                            for lang in config.language_keys])
                if sitewide:   # the 404 page lists the volumes
                    write_sitewide(site, strings, renderer.env, scratch)
                pipeline.report_template_problems(config, rendered, report.diagnostics)
            report.stop_on_errors()
            with report.step("write"):
                files = state.output_files   # read under the lock: the search indexer may have reset it
                if files is None:
                    files = state.output_files = output_digests(out, seen=state.file_digests)
                known = {out_path: digest for out_path, _, digest in rendered}   # the pages' (render_one's)
                for written in sorted(p for p in scratch.rglob("*") if p.is_file()):   # pages and their search records
                    rel = written.relative_to(scratch).as_posix()
                    if is_listed(rel):
                        files[rel] = known.get(rel) or hashlib.sha1(written.read_bytes()).digest()
                    target = out / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(written, target)
                if rendered and offline:   # the same files as before (the structure is), some new versions
                    write_offline_bundle(out, config.base_path, volumes=[v.key for v in site.volumes()], files=files)
        finally:
            output.discard(scratch)
