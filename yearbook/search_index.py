"""Full-text search index: the Pagefind binary run over shadow pages made from the
staged site's search records, in bundles of whole volumes (below), then the facet
tables the search page filters by.

Bulk runs, not the Python API's one message per page (~0.1 s each). Pagefind
never sees Chinese text (a Chinese shadow page holds its character pairs:
search.py), so its segmentation does not matter; the extended binary is the one
installed (requirements.txt) and is as good for the English pages.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import output
from .diagnostics import Diagnostics, Location
from .search import RECORD_SUFFIX, RECORDS_DIR, decode_record, encode_record, shadow_page


def pagefind_binary() -> str | None:
    """The extended Pagefind binary: $PAGEFIND_BINARY_PATH, the PyPI wheel, or PATH."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return os.environ["PAGEFIND_BINARY_PATH"]
    try:
        from pagefind_bin_extended import get_executable
        return str(get_executable())
    except (ImportError, FileNotFoundError):
        return shutil.which("pagefind_extended")


# --- Bundles: the index in several Pagefind runs, merged by the search page ------------
#
# Pagefind holds every page's words in memory while it indexes: about 800 bytes per
# distinct word of a page (measured: 1,233 MB for the 2,610 Chinese pages of 30 cloned
# volumes, 1.64 million words; 718 MB for the English ones, 0.89 million). An archive is
# therefore indexed in runs ("bundles") of whole volumes, oldest first, each under
# `search_memory` (config.yaml), one language at a time; the search page merges a
# language's bundles (Pagefind's mergeIndex). Each bundle asked costs the reader an index
# chunk per query word, so bundles are as large as the memory allows (a bundle of one
# volume has 33 KB chunks: one per volume would multiply a query's bytes by the volumes).
# The pages outside volumes go with the newest volumes, which change most. A bundle whose
# records are unchanged is linked from the previous output instead of indexed again.

PAGEFIND_BYTES_PER_WORD = 800
PAGEFIND_BASE_MB = 100


class Indexed(NamedTuple):
    pages: int       # 0: nothing indexed (an error was reported)
    bundles: int = 0
    again: int = 0   # bundles Pagefind ran for (the others were linked from the previous output)


@dataclass
class Bundle:
    lang: str                  # Pagefind's language key (zh-cn)
    number: int                # pagefind/LANG/NUMBER/; 0 is the one search.js loads first
    records: list = field(default_factory=list)   # record files, relative to the staging folder
    words: int = 0
    digest: str = ""
    linked: bool = False       # the previous output's copy (its records did not change)

    @property
    def folder(self) -> str:
        return f"pagefind/{self.lang}/{self.number}"


def plan_bundles(entries: list, memory_mb: int) -> list:
    """Bundles for (record file, language key, volume or None, words) entries: per language,
    volumes in order (oldest first) packed while under the memory budget; a volume is never split."""
    budget = max(1, (memory_mb - PAGEFIND_BASE_MB) * 1_000_000 // PAGEFIND_BYTES_PER_WORD)
    bundles = []
    for lang in sorted({entry[1] for entry in entries}):
        by_volume: dict = {}
        for rel, entry_lang, volume, words in entries:
            if entry_lang == lang:
                by_volume.setdefault(volume, []).append((rel, words))
        volumes = sorted(v for v in by_volume if v is not None) + ([None] if None in by_volume else [])
        mine: list = []
        for volume in volumes:
            words = sum(w for _, w in by_volume[volume])
            if not mine or (volume is not None and mine[-1].words + words > budget):
                mine.append(Bundle(lang, len(mine)))
            mine[-1].records += [rel for rel, _ in by_volume[volume]]
            mine[-1].words += words
        for bundle in mine:
            bundle.records.sort()
        bundles += mine
    return bundles


def build_index(staging: Path, diags: Diagnostics, config_file: str, shadow: Path | None = None,
                previous: Path | None = None, memory_mb: int = 1500, languages: tuple = ()) -> Indexed:
    """Index the staged site's search records into staging/pagefind.

    Pagefind reads a shadow copy of each record (yearbook/search.py says why): `shadow`,
    where the render workers wrote them, or else pages made here from the records, for
    the bundles indexed again. `previous` is an output folder whose unchanged bundles are
    linked instead of indexed (a build with the cache, serve). `languages` (codes) each get a
    facet table, an empty one when no page of theirs is indexed. The shadow folder is deleted."""
    binary = pagefind_binary()
    if binary is None:
        diags.error(Location(config_file), "output.pagefind-missing")
        return Indexed(0)
    version = pagefind_version(binary)
    records = sorted((staging / RECORDS_DIR).rglob(f"*{RECORD_SUFFIX}"))
    if shadow is None:
        shadow = new_shadow_folder(staging)
    try:
        metas, entries, addresses, digests = {}, [], {}, {}
        for path in records:   # the facet tables' values, and what plans the bundles
            data = path.read_bytes()
            record = decode_record(data)
            metas[f"/{record['path'].strip('/')}/"] = record["meta"]
            rel = path.relative_to(staging).as_posix()
            addresses[rel] = record["path"].strip("/") + "/index.html"
            entries.append((rel, record["lang"].lower(), record["meta"].get("volume"), record.get("words", 0)))
            digests[rel] = hashlib.sha1(data).hexdigest()
        bundles = plan_bundles(entries, memory_mb)
        reused, addresses_before = _previous_index(previous)
        again = 0
        for bundle in bundles:
            bundle.digest = hashlib.sha1("\n".join([version] + [f"{r} {digests[r]}" for r in bundle.records])
                                         .encode()).hexdigest()[:20]
            if reused.get(bundle.folder) == bundle.digest and _link_bundle(previous, staging, bundle):
                bundle.linked = True
                continue
            again += 1
            error = _run_pagefind(binary, staging, shadow, bundle, addresses)
            if error:
                diags.error(Location(config_file), "output.pagefind-failed", exit=error[0], output=error[1])
                return Indexed(0)
    finally:
        shutil.rmtree(shadow, ignore_errors=True)
    try:
        for bundle in bundles:
            _sort_entry_file(staging / bundle.folder / "pagefind-entry.json")
        write_facet_tables(staging, metas, bundles, addresses_before, [code.lower() for code in languages])
    except (ValueError, OSError, KeyError) as exc:   # Pagefind exited 0 but wrote no whole index (e.g. the disk filled up)
        diags.error(Location(config_file), "output.pagefind-incomplete", file="pagefind-entry.json", reason=str(exc))
        return Indexed(0)
    return Indexed(len(records), len(bundles), again)


def _run_pagefind(binary: str, staging: Path, shadow: Path, bundle: Bundle, addresses: dict) -> tuple | None:
    """Pagefind over the bundle's shadow pages (moved from `shadow`, or made from its records);
    None, or (exit code, output) when it failed."""
    run = shadow / ".runs" / f"{bundle.lang}-{bundle.number}"
    for rel in bundle.records:
        target = run / addresses[rel]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(shadow / addresses[rel], target)
        except FileNotFoundError:   # not made by the render workers: this page was not rendered again
            target.write_text(shadow_page(decode_record((staging / rel).read_bytes()))[1], encoding="utf-8")
    result = subprocess.run([binary, "--site", str(run), "--output-path", str(staging / bundle.folder), "--quiet"],
                            capture_output=True, text=True)
    shutil.rmtree(run, ignore_errors=True)
    if result.returncode != 0:
        return result.returncode, (result.stderr or result.stdout).strip()[-500:]
    return None


def _previous_index(previous: Path | None) -> tuple[dict, dict]:
    """From the facet tables of the previous output: bundle folder → digest of its records,
    and fragment id → page address (so linked bundles' fragments need not be read)."""
    digests: dict = {}
    addresses: dict = {}
    if previous is None:
        return digests, addresses
    for table in (previous / "pagefind").glob(f"facets.*{RECORD_SUFFIX}"):
        try:
            lang = table.name[len("facets."):-len(RECORD_SUFFIX)]
            data = decode_record(table.read_bytes())
            for number, digest in enumerate(data.get("bundles", [])):
                digests[f"pagefind/{lang}/{number}"] = digest
            addresses.update((f"{lang}_{fragment}", row[0]) for fragment, row in data["pages"].items())
        except (OSError, ValueError, KeyError, IndexError, TypeError):   # unreadable: index again
            continue
    return digests, addresses


def _link_bundle(previous: Path, staging: Path, bundle: Bundle) -> bool:
    """Hard links to the previous output's copy of an unchanged bundle; False if it cannot be had."""
    try:
        shutil.copytree(previous / bundle.folder, staging / bundle.folder, copy_function=output.link_or_copy)
        return True
    except (OSError, shutil.Error):   # gone meanwhile (serve swapped the output): index it again
        shutil.rmtree(staging / bundle.folder, ignore_errors=True)
        return False


def fetched_by_search_page(rel: str) -> bool:
    """Whether search.js fetches a file of pagefind/: the facet tables, and of each bundle
    its entry file, metadata and index chunks, plus the first one's script and WebAssembly
    (not the fragments: the records stand in for them; not Pagefind's ready-made interfaces)."""
    parts = rel.split("/")
    if len(parts) == 2:
        return parts[1].startswith("facets.")
    name = parts[3] if len(parts) > 3 else ""
    if name in ("index", "pagefind-entry.json") or name.endswith(".pf_meta"):
        return True
    return parts[2] == "0" and (name in ("pagefind.js", "pagefind-worker.js") or name.startswith("wasm."))


def pagefind_version(binary: str) -> str:
    """`pagefind --version`: part of each bundle's digest, so a new Pagefind indexes again."""
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return binary


def new_shadow_folder(staging: Path) -> Path:
    """Where the render workers write the shadow pages of a build that indexes (beside staging)."""
    return output.new_scratch(staging, "search")


def _sort_entry_file(path: Path) -> None:
    """Pagefind writes its language map in hash order; sort it so builds are byte-identical."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


# --- From a result to its page without downloading Pagefind's fragment -------------
#
# A Pagefind result is a fragment id. The search page needs the page's address
# (to fetch its record) and its filter values (to filter and count candidates
# before reading any): pagefind/facets.LANG.yb maps fragment id → [address, volume,
# part, [departments], kind], values numbered per language. (Pagefind's own
# filters would count too, but it writes their index in a different byte order
# on every run: Pagefind#638.)

FACET_KEYS = ("volume", "part", "departments", "kind")


def write_facet_tables(staging: Path, metas: dict, bundles: list, addresses_before: dict | None = None,
                       languages: list = ()) -> None:
    """pagefind/facets.LANG.yb: fragment id → [address, volume, part, [departments], kind] over
    all of a language's bundles, and "bundles", the digest of each (search.js merges them).
    A linked bundle's addresses come from the previous table (`addresses_before`). A language
    without indexed pages has a table without bundles: the search page finds nothing there."""
    tables: dict = {lang: ({key: {} for key in FACET_KEYS}, {}, []) for lang in languages}
    for bundle in bundles:
        values, pages, digests = tables.setdefault(bundle.lang, ({key: {} for key in FACET_KEYS}, {}, []))
        digests.append(bundle.digest)
        for fragment in sorted((staging / bundle.folder / "fragment").glob("*.pf_fragment")):
            known = addresses_before.get(fragment.stem) if bundle.linked and addresses_before else None
            if known is not None:
                url = "/" + known
            else:
                raw = gzip.decompress(fragment.read_bytes())
                url = json.loads(raw[raw.index(b"{"):])["url"]   # Pagefind writes a short signature before the JSON
            meta = metas[url]
            row = [url.lstrip("/")]
            for key in FACET_KEYS:
                found = meta.get(key) or []
                numbers = [values[key].setdefault(v, len(values[key])) for v in (found if key == "departments" else [found])]
                row.append(numbers if key == "departments" else (numbers[0] if numbers else None))
            pages[fragment.stem.split("_", 1)[1]] = row
    for language, (values, pages, digests) in tables.items():
        table = {"values": {("department" if k == "departments" else k): list(v) for k, v in values.items()},
                 "pages": pages, "bundles": digests}
        (staging / "pagefind" / f"facets.{language}{RECORD_SUFFIX}").write_bytes(encode_record(table))
