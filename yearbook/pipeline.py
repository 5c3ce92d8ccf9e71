"""The build, as a list of steps. Everything is gathered and validated before
anything is written; writing goes to a staging folder that replaces the
output only when every step succeeded."""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import cache, changes, departments, guide, indexes, output, search, search_index
from . import export as offline_edition
from .config import Config, load_config
from .data import PEOPLE_FILE, REGISTRY_FILE, load_people, load_registry, load_tables
from .diagnostics import BuildFailed, Diagnostics, Location, relpath, suggest
from .glossary import check_terms, glossary_version, load_glossary
from .numbers import check_numbers
from .guide import add_guide_pages
from .markdown import render_markdown
from .memo import NO_MEMO, Memo
from .messages import t
from .offline import output_digests, write_offline_bundle
from .parallel import Pending, map_items
from .markup import is_cjk_language
from .render import Renderer, load_strings, render_one
from .site import Site, assemble_site, attach_markdown, reading_order, validate_references
from .sitewide import write_sitewide
from .sources import file_digest, load_sources
from .task_rows import load_task_rows
from .translation import translated_units


# Page views: page type → view(site, strings, page) → what its template needs beyond the common
# context. Each feature exports its own; the renderer knows none of them (as markdown-it-py's
# core knows no plugin it is given with .use()).
VIEWS = departments.VIEWS | indexes.VIEWS | guide.VIEWS


@dataclass
class BuildReport:
    """What a build did: counts for the summary line and the time of each step."""

    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    timings: list = field(default_factory=list)    # (step, seconds)
    site: Site | None = None
    pages_per_language: dict = field(default_factory=dict)
    indexed_pages: int = 0
    index_bundles: tuple = (0, 0)     # (Pagefind bundles indexed again, all bundles): search_index.py
    exported: str = ""   # export: where the offline edition went (folder, and zip)
    output_files: dict = field(default_factory=dict)   # rel → SHA-1 of the files the offline list names
    rendered: int = 0    # pages rendered (the others, with the build cache, kept from the last build)
    on_render: object = None   # callback(done, total) as pages render: cli.py's terminal counter

    @contextmanager
    def step(self, name: str):
        start = time.perf_counter()
        yield
        self.timings.append((name, time.perf_counter() - start))

    def stop_on_errors(self) -> None:
        if self.diagnostics.errors:
            raise BuildFailed(self.diagnostics)


@contextmanager
def parsing_markdown(config: Config, sources: list, memo: Memo = NO_MEMO):
    """Parse every source's Markdown on the other cores while the caller goes on (assembling the
    site); yields a function that waits and gives file → MarkdownResult. With a `memo` (serve),
    only the files whose body changed are parsed."""
    cjk = {lang.key: is_cjk_language(lang.code) for lang in config.languages}  # 【entry】 in Chinese only
    # Keyed by the file's hash, not its body: a loaded build cache would otherwise hold every
    # body twice (in the sources' table and in these keys: tables are pickled apart).
    keys = [(source.text_hash, source.key, source.path.name.startswith("index."), cjk[source.lang]) for source in sources]
    bodies = {key: source.body for key, source in zip(keys, sources)}
    with ExitStack() as workers:
        finish = memo.start_many("markdown", keys, lambda todo: workers.enter_context(Pending(
            _markdown_job, None, [(bodies[key], *key[1:]) for key in todo])))
        yield lambda: {source.file: result for source, result in zip(sources, finish())}


def _markdown_job(_, job: tuple):
    return render_markdown(*job)


def validate(config_path: Path, report: BuildReport, output_dir: Path | None = None,
             memo: Memo = NO_MEMO, volumes: tuple = ()) -> tuple[Config, Site, dict]:
    """Steps shared by check and build: read, parse and validate everything.

    With a `memo` (serve keeps one), a rebuild reads, parses and checks again only
    what changed since the last build. `volumes` (export) keeps only those volumes
    of the site, with every page outside volumes."""
    diags = report.diagnostics
    with report.step("config"):
        config = load_config(config_path, diags)
    report.stop_on_errors()
    if output_dir is not None:
        config = replace(config, output_dir=output_dir.resolve())
    if volumes:
        left_out = set(config.volumes) - set(volumes)
        config = only_volumes(config, volumes, diags)
        report.stop_on_errors()
    with report.step("read"):
        sources = load_sources(config, diags, memo)
        if volumes:   # the other volumes' folders are left out entirely
            sources = [s for s in sources if s.key.split("/")[0] in volumes or s.key.split("/")[0] not in left_out]
        registry_version = _file_version(config.content_dir / REGISTRY_FILE, memo)
        registry = memo.get("registry", (registry_version, config.language_keys),
                            lambda problems: load_registry(config, problems), diags)
        tables = load_tables(config, diags, memo)
        people = load_people(config, diags)
    with parsing_markdown(config, sources, memo) as markdown_results:
        with report.step("assemble"):
            site = assemble_site(config, sources, registry, tables, diags, memo)
            site.people = people
            report.site = site
        report.stop_on_errors()
        with report.step("markdown"):
            results = markdown_results()
    with report.step("validate"), ExitStack() as beside:
        attach_markdown(site, results, diags)
        strings = load_strings(site, diags)
        terms = load_glossary(site, diags)
        site.glossary = {t.source: {"en": t.english} for t in terms if t.origin == "glossary"}
        # Task tables' rows (ROWS.LANG.tsv): department ids checked, the translations' names derived
        # from the registry, people.yaml and the glossary (collective units take its forms).
        load_task_rows(site, diags, memo, checked_against=(
            registry_version, _file_version(config.content_dir / PEOPLE_FILE, memo), repr(sorted(site.glossary.items()))))
        # On the other cores while references are checked here: each volume's subject index and
        # chronology (the glossary gives tags their English form), and the translations' checks.
        volume_indexes = beside.enter_context(indexes.computing(site, diags, terms, memo))
        translations_checked = beside.enter_context(checking_translations(site, terms, diags, memo))
        validate_references(site, results, diags, memo)
        output.check_output_dir(config, diags)
        translations_checked()
        made = None if diags.errors else volume_indexes()   # (with errors the build stops here)
    report.stop_on_errors()
    with report.step("generate"):
        # Pages the build makes from what was written; each module adds its own.
        search.add_search_pages(site, strings, diags)
        departments.add_department_pages(site, strings, diags)
        indexes.add_index_pages(site, strings, diags, made)
        add_guide_pages(site, strings, diags)
        reading_order(site)
    report.stop_on_errors()
    return config, site, strings


@contextmanager
def checking_translations(site: Site, terms: list, diags: Diagnostics, memo: Memo = NO_MEMO):
    """Check the glossary and figures of every translation, unit by unit (translated_units), on
    the other cores while the caller goes on; yields a function that waits for them and reports
    what they found. With a memo (serve), a page whose two files did not change gives the
    problems it gave last time."""
    glossary = glossary_version(terms)
    keyed, unkeyed = {}, []   # (version, glossary) → units; units of task cells and table rows
    for lang in site.config.language_keys[1:]:
        for version, units in translated_units(site, lang, memo):
            if version is None:
                if units:   # (every page has a group of task cells; most are empty)
                    unkeyed.append(units)
            else:
                keyed[(version, glossary)] = units
    batch = []   # [Pending]: the keyed groups the memo lacks, then the unkeyed ones

    def start(todo: list):   # one batch for both kinds; the memo sees the keyed part
        batch.append(workers.enter_context(Pending(_check_units_job, (terms, glossary, memo),
                                                   [keyed[key] for key in todo] + unkeyed)))
        return _First(batch[0], len(todo))
    with ExitStack() as workers:
        finish = memo.start_many("translation-checks", list(keyed), start, diags)

        def wait_and_report() -> None:
            finish()   # the pages' problems (replayed from the memo, or found now)
            for _, problems in batch[0].results()[len(batch[0].items) - len(unkeyed):]:
                diags.extend(list(problems))
        yield wait_and_report


def _check_units_job(context: tuple, units: list) -> tuple:
    """Worker: (None, problems) of one group of translated units."""
    terms, glossary, memo = context
    problems = Diagnostics()
    check_terms(units, terms, problems, memo, glossary)
    check_numbers(units, problems, memo)
    return None, problems.items


class _First:
    """The first `count` results of a Pending (what Memo.start_many asked for)."""

    def __init__(self, pending: Pending, count: int):
        self.pending, self.count = pending, count

    def results(self) -> list:
        return self.pending.results()[:self.count]


def _file_version(path: Path, memo: Memo) -> tuple:
    """What a memo key needs of a data file: its path and the digest of its bytes (None: absent)."""
    return path, file_digest(path, memo) if path.is_file() else None


def only_volumes(config: Config, volumes: tuple, diags: Diagnostics) -> Config:
    """The config with only the `volumes` asked for (each must be one of config.volumes)."""
    for name in volumes:
        if name not in config.volumes:
            diags.error(Location(config.file), "output.no-such-volume", volume=name,
                        hint=suggest(name, config.volumes) or t("hint.use-one-of", choices=list(config.volumes)))
    return replace(config, volumes=tuple(v for v in config.volumes if v in volumes))


def build(config_path: Path, report: BuildReport, with_search: bool | None = None,
          output_dir: Path | None = None, precompress: bool = False,
          state: changes.BuildState | None = None) -> BuildReport:
    """Validate, render into a staging folder, index, then swap it into place. With a `state`
    (the build cache's, cache.load), only what changed since the last build is parsed, checked
    and rendered, the other pages are the previous output's, and the state is saved for the next."""
    config, site, strings = validate(config_path, report, output_dir, state.memo if state else NO_MEMO)
    if state is None:
        return write_site(config, site, strings, report, with_search, precompress=precompress)
    with report.step("compare"):
        outside = cache.outside_files(config, state.memo)
        same_output = state.output == (str(config.output_dir), _offline_version(config.output_dir))
        unchanged = same_output and state.outside == outside and state.structure == changes.structure_digest(site)
        plan = changes.plan(site, state) if unchanged else None
    write_site(config, site, strings, report, with_search, precompress=precompress,
               reuse=Reuse(plan.keys, state.output_files or {}) if plan else None)
    output_now = (str(config.output_dir), _offline_version(config.output_dir))
    state.memo.sweep()   # forget what this build did not use (after a failed one, both versions are kept)
    if plan is None or plan.keys or state.memo.misses or output_now != state.output:   # else: the cache says it all
        with report.step("cache"):
            state.remember(site)
            state.outside, state.output_files, state.output = outside, report.output_files, output_now
            try:
                cache.save(config_path, state)
            except OSError as exc:   # the site is built; only the next build will take longer
                report.diagnostics.warning(Location(config.file), "output.cache-not-written",
                                           folder=cache.FOLDER, reason=exc.strerror or exc)
    return report


@dataclass
class Reuse:
    """Pages a build takes from the previous output (cache.py): all but `keys`."""

    keys: list        # the pages to render
    digests: dict     # rel → SHA-1 of the previous output's files (the offline list's)


def _offline_version(folder: Path) -> str | None:
    """The digest of an output's offline.json: which build wrote the folder."""
    try:
        return hashlib.sha1((folder / "offline.json").read_bytes()).hexdigest()
    except OSError:
        return None


def write_site(config: Config, site: Site, strings: dict, report: BuildReport,
               with_search: bool | None = None, keep_index: bool = False, precompress: bool = False,
               reuse: Reuse | None = None) -> BuildReport:
    """Every page of a validated site into a staging folder that then replaces the output.

    `keep_index` (serve, which indexes in the background) carries the output's current
    search index over instead of building one. With `reuse`, only its pages are rendered;
    the others are hard links to the previous output's files (never written through)."""
    diags = report.diagnostics
    staging = shadow = None
    indexing = config.search if with_search is None else with_search
    try:
        with output.locked(config, diags):
            with report.step("render"):
                staging = output.new_staging(config)
                shadow = search_index.new_shadow_folder(staging) if indexing else None
                renderer = Renderer.create(site, strings, VIEWS)
                keys = site.order if reuse is None else reuse.keys
                items = [(key, lang, str(staging), *([str(shadow)] if shadow else []))
                         for key in keys for lang in config.language_keys]
                rendered = map_items(render_one, renderer, items, progress=report.on_render)
                report.rendered = len(rendered)
                report_template_problems(config, rendered, diags)
                write_sitewide(site, strings, renderer.env, staging)
                known = {out: digest for out, _, digest in rendered}
                if reuse is not None:
                    kept = set(site.order) - set(reuse.keys)
                    linked = output.link_previous(config.output_dir, staging, sorted(
                        rel for key in kept for lang in config.language_keys for rel in _page_files(site, key, lang)))
                    known |= {rel: reuse.digests[rel] for rel in linked if rel in reuse.digests}
            report.stop_on_errors()
            with report.step("static"):
                output.copy_static(config, staging, diags)
                output.copy_media(site, staging)
            if indexing:
                with report.step("search"):
                    indexed = search_index.build_index(
                        staging, diags, config.file, shadow, previous=None if reuse is None else config.output_dir,
                        memory_mb=config.search_memory, languages=tuple(lang.code for lang in config.languages))
                    report.indexed_pages, report.index_bundles = indexed.pages, (indexed.again, indexed.bundles)
                    shadow = None   # build_index deletes it
                report.stop_on_errors()
            elif keep_index:
                output.carry_over_index(config, staging)
            if config.offline_zip and indexing:
                with report.step("downloads"):   # after search: the offline edition reads its records
                    offline_edition.write_downloads(config, staging, strings, diags,
                                                    previous=None if reuse is None else config.output_dir)
                report.stop_on_errors()
            with report.step("offline"):   # after search: the offline list names the index files
                report.output_files = output_digests(staging, known)
                write_offline_bundle(staging, config.base_path, volumes=[v.key for v in site.volumes()],
                                     files=report.output_files)
            if precompress:   # last: every file the site serves, the offline list and worker included
                with report.step("precompress"):
                    output.precompress(staging)
            with report.step("swap"):
                output.swap_into_place(config, staging)
                staging = None
    except OSError as exc:   # disk full, read-only or busy output: the previous site stays
        output.write_failed(config, exc, diags)
        raise BuildFailed(diags) from None
    finally:
        output.discard(staging)  # only reached with a staging dir when a step failed
        if shadow is not None:   # a step before search failed
            shutil.rmtree(shadow, ignore_errors=True)
    for lang in config.language_keys:
        report.pages_per_language[lang] = sum(1 for (_, page_lang) in site.pages if page_lang == lang)
    return report


def _page_files(site: Site, key: str, lang: str) -> list:
    """A page's files in the output (relative): its HTML and, when it has one, its search record."""
    page = site.pages[(key, lang)]
    return [page.out_path, search.record_path(page.url[len(site.config.base_path):])]


def report_template_problems(config: Config, results: list, diags: Diagnostics) -> None:
    """One error per template line, however many pages hit it."""
    seen: dict = {}
    for _, problems, _ in results:
        for file, line, message, context, hint in problems:
            seen.setdefault((file, line, message, hint), []).append(context)
    for (file, line, message, hint), contexts in seen.items():
        diags.error(Location(_template_file(config, file), line or 0, 1 if line else 0),
                    "output.template-error-pages" if len(contexts) > 1 else "output.template-error",
                    message=message, page=contexts[0], more=len(contexts) - 1, hint=hint)


def _template_file(config: Config, file: str) -> str:
    path = Path(file)
    try:
        return path.resolve().relative_to(config.root).as_posix()
    except ValueError:
        return f"{config.templates_dir.name}/{file}" if not path.is_absolute() else file


def export(config_path: Path, target: Path, report: BuildReport, volumes: tuple = (),
           make_zip: bool = False) -> Path | None:
    """The offline edition: validate (only `volumes`, when given), build with search into a
    scratch folder, rewrite that into `target` (staged and swapped like `build`), then zip it.
    Returns the zip's path when `make_zip`. Raises BuildFailed with the reasons."""
    diags = report.diagnostics
    target = target.resolve()
    config, site, strings = validate(config_path, report, volumes=volumes)
    for protected in (config.content_dir, config.templates_dir, config.static_dir, config.output_dir):
        if target == protected.resolve() or protected.resolve() in target.parents:
            diags.error(Location(config.file), "output.export-inside", path=relpath(target, config.root),
                        folder=relpath(protected, config.root))
            raise BuildFailed(diags)
    out_config = replace(config, output_dir=target)
    output.check_output_dir(out_config, diags)
    report.stop_on_errors()
    with tempfile.TemporaryDirectory(prefix="yearbook-export-") as work:
        scratch = Path(work) / "site"
        # (no offline zips of its own: the export is one)
        write_site(replace(config, output_dir=scratch, offline_zip=None), site, strings, report, with_search=True)
        with output.locked(out_config, diags):
            staging = output.new_staging(out_config)
            try:
                with report.step("export"):
                    offline_edition.write_offline_edition(scratch, staging, config, strings,
                                                          offline_edition.content_version(config), diags)
                report.stop_on_errors()
                output.swap_into_place(out_config, staging)
                staging = None
            finally:
                output.discard(staging)
    if not make_zip:
        return None
    with report.step("zip"):
        return offline_edition.write_zip(target, target.with_name(target.name + ".zip"))
