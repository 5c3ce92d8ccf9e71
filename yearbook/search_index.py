"""Full-text search index: the Pagefind binary run once over shadow pages made from
the staged site's search records, then the facet tables the search page filters by.

One bulk run, not the Python API's one message per page (~0.1 s each). Pagefind
never sees Chinese text (a Chinese shadow page holds its character pairs:
search.py), so its segmentation does not matter; the extended binary is the one
installed (requirements.txt) and is as good for the English pages.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

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


def build_index(staging: Path, diags: Diagnostics, config_file: str, shadow: Path | None = None) -> int:
    """Index the staged site's search records into staging/pagefind; returns the number of indexed pages.

    Pagefind reads a shadow copy of each record (yearbook/search.py says why): `shadow`,
    where the render workers wrote them, or else a folder made here from the records.
    Either is deleted afterwards."""
    binary = pagefind_binary()
    if binary is None:
        diags.error(Location(config_file), "output.pagefind-missing")
        return 0
    records = sorted((staging / RECORDS_DIR).rglob(f"*{RECORD_SUFFIX}"))
    made_here = shadow is None
    if made_here:
        shadow = new_shadow_folder(staging)
    try:
        metas = {}
        for path in records:   # the facet tables' values; the shadow pages too, when not made already
            record = decode_record(path.read_bytes())
            metas[f"/{record['path'].strip('/')}/"] = record["meta"]
            if made_here:
                rel, page = shadow_page(record)
                (shadow / rel).parent.mkdir(parents=True, exist_ok=True)
                (shadow / rel).write_text(page, encoding="utf-8")
        result = subprocess.run([binary, "--site", str(shadow), "--output-path", str(staging / "pagefind"), "--quiet"],
                                capture_output=True, text=True)
    finally:
        shutil.rmtree(shadow, ignore_errors=True)
    if result.returncode != 0:
        diags.error(Location(config_file), "output.pagefind-failed", exit=result.returncode,
                    output=(result.stderr or result.stdout).strip()[-500:])
        return 0
    entry = staging / "pagefind" / "pagefind-entry.json"
    try:
        _sort_entry_file(entry)
        write_facet_tables(staging, metas)
    except (ValueError, OSError, KeyError) as exc:   # Pagefind exited 0 but wrote no whole index (e.g. the disk filled up)
        diags.error(Location(config_file), "output.pagefind-incomplete", file=entry.name, reason=str(exc))
        return 0
    return len(records)


def shadow_from_record(shadow: str, record_file: str) -> None:
    """Pagefind's page of one search record file (for a page the build did not render again)."""
    rel, page = shadow_page(decode_record(Path(record_file).read_bytes()))
    target = Path(shadow) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")


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


def write_facet_tables(staging: Path, metas: dict) -> None:
    tables: dict = {}
    for fragment in sorted((staging / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        url = json.loads(raw[raw.index(b"{"):])["url"]   # Pagefind writes a short signature before the JSON
        meta = metas[url]
        language = fragment.name.split("_", 1)[0]
        values, pages = tables.setdefault(language, ({key: {} for key in FACET_KEYS}, {}))
        row = [url.lstrip("/")]
        for key in FACET_KEYS:
            found = meta.get(key) or []
            numbers = [values[key].setdefault(v, len(values[key])) for v in (found if key == "departments" else [found])]
            row.append(numbers if key == "departments" else (numbers[0] if numbers else None))
        pages[fragment.stem.split("_", 1)[1]] = row
    for language, (values, pages) in tables.items():
        table = {"values": {("department" if k == "departments" else k): list(v) for k, v in values.items()},
                 "pages": pages}
        (staging / "pagefind" / f"facets.{language}{RECORD_SUFFIX}").write_bytes(encode_record(table))
