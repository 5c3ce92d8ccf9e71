"""What changed since the last build, and which pages show it.

`serve` after a save, and `build` with its cache (cache.py), render only the pages
that show what changed. Both run every step of the build (read, parse, validate,
generate), so they report exactly the same problems; a memo (memo.py) keeps what
each step computed from unchanged files. Rendering is limited by comparing three
digests with the last good build:

- the structure: which pages exist, where (key, parent, order, type, volume,
  URL). If it changed (a page added, moved or removed), every page is rendered.
- each page's inputs: its source files in every language (their bytes), its
  tables and task rows, and for a page the build makes, the data it was made
  with. A page whose inputs changed is rendered, in every language (an edit to a
  source changes its translation's fallback text and staleness).
- each changed page's face: what other pages show of it (titles, entries, front
  matter, task rows, tables). If it changed, the pages that show it are rendered
  too (`pages_showing`): every page of its volume (navigation, contents,
  neighbours, figure numbers, indexes), the department pages that list it, and
  the few pages that show the whole site (home, search, directory); a volume's
  face or the home page's is shown on every page (year switch, breadcrumbs).

Templates, static files, config.yaml, the registry, glossary and UI strings are
not page inputs: a change to any of them renders everything.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass, field

from .memo import Memo
from .render import template_environment


@dataclass
class BuildState:
    """What a serve session, or the build cache, remembers of the last good build."""

    memo: Memo = field(default_factory=Memo)       # parsed sources, Markdown, check outcomes (memo.py)
    structure: str | None = None                   # digest of which pages exist and where
    inputs: dict = field(default_factory=dict)     # page key → digest of its own inputs
    faces: dict = field(default_factory=dict)      # page key → digest of what other pages show of it
    shown_by: dict = field(default_factory=dict)   # generated page key → keys it shows (shown_by)
    rendered: list | None = None                   # (key, lang) rendered by the last rebuild; None: all
    templates: object = None                       # Jinja environment: compiled templates, kept while none changes
    file_digests: dict = field(default_factory=dict)  # (path, mtime, size) → SHA-1, for the offline list
    output_files: dict | None = None               # rel → SHA-1 of every file the offline list names (None: walk)
    outside: tuple = ()                            # (file, SHA-1) of what is not a page source (cache.py)
    output: tuple = ()                             # (output folder, digest of its offline.json) it describes

    def __getstate__(self) -> dict:   # (the build cache pickles it: compiled templates stay behind)
        return {**self.__dict__, "templates": None}

    def remember(self, site) -> None:
        """After a build that wrote every page."""
        self.output_files = None
        self.structure, self.inputs = structure_digest(site), input_digests(site)
        self.faces = {key: face_digest(site, key) for key in site.order}
        self.shown_by = shown_by(site)
        self.templates = template_environment(site.config.templates_dir)


def _digest(value) -> str:
    # pickle, not JSON: generated pages keep tuples and tuple-keyed dicts in their data (Node.data);
    # and not repr, which costs ten times as much. Both builds compared run in the same process.
    # `fast` pickles without its memo, so equal values give equal bytes whatever objects they share.
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.sha1(buffer.getbuffer()).hexdigest()


def structure_digest(site) -> str:
    """Which pages exist, where, in which languages: change it and every page is rendered."""
    nodes = site.nodes
    return _digest([[key, nodes[key].parent, nodes[key].type, nodes[key].order, nodes[key].volume,
                     [site.pages[(key, lang)].url for lang in site.config.language_keys if (key, lang) in site.pages]]
                    for key in site.order])


def input_digests(site) -> dict:
    """Per page key: the bytes of its sources in every language (their SHA-1s), its tables and
    task rows; for a page the build makes, the data it was made with (a chronology quotes entries)."""
    languages = site.config.language_keys
    by_folder: dict = {}
    for (folder, ident), table in sorted(site.tables.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        by_folder.setdefault(folder, []).append((ident, table.number, table.title, table.columns, table.rows))
    tables = {folder: _digest(found) for folder, found in by_folder.items()}
    digests = {}
    for key in site.order:
        node = site.nodes[key]
        if node.generated:   # made from other pages: rendered when they change (pages_showing), or when its data does
            digests[key] = None if hasattr(node.data, "shows") else _digest(node.data)
            continue
        rows = [site.task_rows.get((key, lang)) for lang in languages] if node.type == "tasks" else None
        digests[key] = (tuple((s.file, s.text_hash) for s in node.sources.values()),
                        tables.get(node.sources[site.config.default_language].folder),
                        _digest(rows) if rows else None)
    return digests


def face_digest(site, key: str) -> str:
    """What other pages may show of page `key`: titles, entries, front matter, status, task rows, tables."""
    node = site.nodes[key]
    pages = [site.pages[(key, lang)] for lang in site.config.language_keys if (key, lang) in site.pages]
    if node.generated:   # made from other pages: only its name is shown elsewhere
        return _digest([[page.title, page.url] for page in pages])
    return _digest([node.children, [[page.title, page.meta, page.translated, page.text_status,
                                     [[e.id, e.title, e.meta, e.lang] for e in page.entries]] for page in pages],
                    [site.task_rows.get((key, page.lang)) for page in pages]])


def shown_by(site) -> dict:
    """Generated page key → the keys of the pages it shows (None: the whole site), for those
    whose data says (`data.shows()`: department pages, the directory, the guide)."""
    return {key: node.data.shows() for key in site.order
            if (node := site.nodes[key]).generated and hasattr(node.data, "shows")}


def pages_showing(site, changed: set, shown_before: dict) -> set:
    """Keys of the pages that show something of the pages `changed` (whose face changed), now
    or in the last build (`shown_before`: a department page that no longer lists a page)."""
    if not changed:
        return set()
    nodes = site.nodes
    if "" in changed or any(nodes[key].type == "volume" for key in changed):
        return set(site.order)   # the home page's title and the volumes' are on every page
    volumes = {nodes[key].volume for key in changed}
    shown = set(changed) | {""}   # the home page lists each volume's parts
    named = set(changed) | {child for key in changed for child in nodes[key].children}   # a page listed with its parent
    for key in site.order:
        node = nodes[key]
        if node.volume is not None and node.volume in volumes:
            shown.add(key)
        elif node.generated and node.volume is None:
            # A page the build makes outside the volumes shows the pages its data names
            # (a department page, data.shows()), or the whole site (search, directory).
            shows = node.data.shows() if hasattr(node.data, "shows") else None
            before = shown_before.get(key, set())
            if shows is None or before is None or not named.isdisjoint(shows) or not named.isdisjoint(before):
                shown.add(key)
    return shown


@dataclass
class Plan:
    """What a rebuild renders, and what to remember once it has."""

    keys: list          # page keys to render, in reading order
    inputs: dict
    faces: dict         # of the pages whose inputs changed
    moved: set          # pages whose face changed: the 404 page and sitemap are written again

    def done(self, state: BuildState, site) -> None:
        state.inputs = self.inputs
        state.faces.update(self.faces)
        state.shown_by = shown_by(site)


def plan(site, state: BuildState) -> Plan:
    """The pages to render after a change of page sources only (same structure)."""
    inputs = input_digests(site)
    edited = {key for key in site.order if inputs.get(key) != state.inputs.get(key)}
    faces = {key: face_digest(site, key) for key in edited}
    moved = {key for key in edited if faces[key] != state.faces.get(key)}
    shown = edited | pages_showing(site, moved, state.shown_by)
    return Plan([key for key in site.order if key in shown], inputs, faces, moved)
