"""Full-text search index: the Pagefind binary run once over the staged site.

One bulk run, not the Python API's one message per page (~0.1 s each). The
extended binary is required: it is the one that segments Chinese. What the
pages carry for exact search (character indexes, filter metadata) and the
search page are in search.py.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

from .diagnostics import Diagnostics, Location


def pagefind_binary() -> str | None:
    """The extended Pagefind binary: $PAGEFIND_BINARY_PATH, the PyPI wheel, or PATH."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return os.environ["PAGEFIND_BINARY_PATH"]
    try:
        from pagefind_bin_extended import get_executable
        return str(get_executable())
    except (ImportError, FileNotFoundError):
        return shutil.which("pagefind_extended")


def build_index(staging: Path, diags: Diagnostics, config_file: str) -> int:
    """Index the staged site into staging/pagefind; returns the number of indexed pages."""
    binary = pagefind_binary()
    if binary is None:
        diags.error(Location(config_file), "output.pagefind-missing")
        return 0
    result = subprocess.run([binary, "--site", str(staging), "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        diags.error(Location(config_file), "output.pagefind-failed", exit=result.returncode,
                    output=(result.stderr or result.stdout).strip()[-500:])
        return 0
    entry = staging / "pagefind" / "pagefind-entry.json"
    try:
        _sort_entry_file(entry)
        write_facet_tables(staging / "pagefind")
    except (ValueError, OSError, KeyError) as exc:   # Pagefind exited 0 but wrote no whole index (e.g. the disk filled up)
        diags.error(Location(config_file), "output.pagefind-incomplete", file=entry.name, reason=str(exc))
        return 0
    return sum(1 for _ in (staging / "pagefind").glob("fragment/*"))


def _sort_entry_file(path: Path) -> None:
    """Pagefind writes its language map in hash order; sort it so builds are byte-identical."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


# --- Filters without fragment downloads ------------------------------------------
#
# The search page filters and counts its candidates before it reads any of them,
# from a table of each indexed page's volume, part, departments and kind, keyed by
# the Pagefind fragment id a result carries. (Pagefind's own filters would do it,
# but it writes their index in a different byte order on every run: Pagefind#638.)

FACET_KEYS = ("volume", "part", "departments", "kind")


def write_facet_tables(bundle: Path) -> None:
    """bundle/facets.LANG.json for each language of a Pagefind bundle, from its fragments' metadata."""
    tables: dict = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        meta = json.loads(raw[raw.index(b"{"):])["meta"]
        language = fragment.name.split("_", 1)[0]
        values, pages = tables.setdefault(language, ({key: {} for key in FACET_KEYS}, {}))
        row = []
        for key in FACET_KEYS:
            found = [v for v in (meta.get(key) or "").split(" | ") if v] if key == "departments" else \
                [meta[key]] if meta.get(key) else []
            numbers = [values[key].setdefault(v, len(values[key])) for v in found]
            row.append(numbers if key == "departments" else (numbers[0] if numbers else None))
        pages[fragment.stem] = row
    for language, (values, pages) in tables.items():
        table = {"values": {("department" if k == "departments" else k): list(v) for k, v in values.items()},
                 "pages": pages}
        (bundle / f"facets.{language}.json").write_text(
            json.dumps(table, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
