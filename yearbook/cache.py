"""The build cache: what `build` keeps for the next build, in .yearbook-cache/ beside config.yaml.

It holds the last good build's state (changes.BuildState): the memo of every step's
results by file digest, and the digests that say which pages show what. The next
`build` reads, parses and checks only the files that changed, renders only the pages
that show a change, and takes every other page from the previous output (a hard
link: the previous site stays whole until the swap). The output is byte for byte
what a build without the cache writes (`build --fresh`); tests/test_incremental.py
compares the two.

The cache is used only while it can be trusted; otherwise the build starts afresh:
- it was written by this version of the code (a digest of the yearbook package),
  for this project folder;
- pages are taken from the output only when it is the one this cache describes
  (its offline.json is the one the last build wrote), and when nothing that is not
  a page source changed (templates, static files, config.yaml, content/_data,
  the guide: `outside_files`).
A dot-folder: never read as content, never published. Deleting it is always safe.
"""
from __future__ import annotations

import gc
from importlib import metadata
import hashlib
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .changes import BuildState
from .config import Config
from .data import DATA_FOLDER
from .files import walk
from .guide import guide_path
from .diagnostics import Diagnostics
from .memo import Memo
from .sources import file_digest

FOLDER = ".yearbook-cache"
FILE = "build.pickle"
_PACKAGE = Path(__file__).resolve().parent


# Libraries whose output the memo keeps (Markdown's HTML, YAML's values, pinyin order).
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pyyaml", "jinja2", "pypinyin")


def code_version() -> str:
    """A digest of the code that made the cache: Python's version, the libraries' versions and
    every module of this package."""
    digest = hashlib.sha1(sys.version.encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def location(config_path: Path) -> Path:
    return config_path.resolve().parent / FOLDER / FILE


def load(config_path: Path) -> BuildState:
    """The last build's state, or a new one when there is none it can trust."""
    try:
        with open(location(config_path), "rb") as file, _no_collector():
            version, root = pickle.load(file)
            if version != code_version() or root != str(config_path.resolve().parent):
                return BuildState()
            state = pickle.load(file)
            tables = {}
            while (name := pickle.load(file)) is not None:
                tables[name] = pickle.load(file)
        if isinstance(state, BuildState):
            state.memo._tables = tables
            # Long-lived: out of the cyclic collector's sight, which would otherwise walk them at
            # every full collection (a build with nothing changed spent a second on that at 10k
            # pages). Still freed by reference counting when the memo lets an entry go.
            gc.freeze()
            return state
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        pass   # none yet, or unreadable: build afresh
    return BuildState()


def save(config_path: Path, state: BuildState) -> None:
    """Write the state for the next build (a rename: a killed build leaves the old cache or none)."""
    target = location(config_path)
    target.parent.mkdir(exist_ok=True)
    (target.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    tables, state.memo._tables = state.memo._tables, {}
    try:   # the memo one table at a time: pickle's own table of what it wrote stays small
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False, suffix=".tmp") as file, _no_collector():
            for part in ((code_version(), str(config_path.resolve().parent)), state,
                         *(item for name, entries in tables.items() for item in (name, entries)), None):
                pickle.dump(part, file, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        state.memo._tables = tables
    os.replace(file.name, target)


@contextmanager
def _no_collector():
    """Python's cyclic garbage collector off while millions of objects are made or walked: it
    would run again and again over all of them (loading took 3.5× as long)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def outside_files(config: Config, memo: Memo) -> tuple:
    """(file, SHA-1) of everything a page may depend on that is not a page source: a change to any
    of them renders every page."""
    found = []
    quiet = Diagnostics()   # the build itself reports unreadable files and links
    for folder in (config.templates_dir, config.static_dir):
        found += walk(folder, "*", config.root, quiet)
    found += walk(config.content_dir / DATA_FOLDER, "*", config.root, quiet)   # registry, people, glossary
    for path in [config.root / config.file, *(guide_path(config, lang) for lang in config.language_keys)]:
        if path.is_file():
            found.append(path)
    return tuple((str(path), file_digest(path, memo)) for path in found)
