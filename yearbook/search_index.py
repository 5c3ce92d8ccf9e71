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
import tempfile
from html import escape
from pathlib import Path

from .diagnostics import Diagnostics, Location
from .markup import is_cjk_language
from .search import RECORD_SUFFIX, RECORDS_DIR, decode_record, encode_record, record_text, search_tokens


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
    """Index the staged site's search records into staging/pagefind; returns the number of indexed pages.

    Pagefind reads a shadow copy of each record, in a folder beside the staging one
    that is deleted afterwards (yearbook/search.py says why)."""
    binary = pagefind_binary()
    if binary is None:
        diags.error(Location(config_file), "output.pagefind-missing")
        return 0
    records = sorted((staging / RECORDS_DIR).rglob(f"*{RECORD_SUFFIX}"))
    shadow = Path(tempfile.mkdtemp(prefix=".search-shadow-", dir=staging.parent))
    try:
        metas = write_shadow_site(staging, records, shadow)
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


SHADOW_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
               '<body><main data-pagefind-body><h1>{title}</h1><p>{words}</p></main></body></html>')


def write_shadow_site(staging: Path, records: list, shadow: Path) -> dict:
    """One page per record, at the record's address, holding what Pagefind is to match:
    the character pairs of a Chinese page, the text of an English one. Returns
    page address → (language code, filter values) for the facet tables."""
    metas = {}
    for path in records:
        record = decode_record(path.read_bytes())
        text = record_text(record)
        words = " ".join(search_tokens(text)) if is_cjk_language(record["lang"]) else escape(text)
        rel = path.relative_to(staging / RECORDS_DIR).as_posix()[:-len(RECORD_SUFFIX)]
        target = shadow / rel / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(SHADOW_PAGE.format(lang=record["lang"], title=escape(record["title"]), words=words),
                          encoding="utf-8")
        metas[f"/{rel}/"] = (record["lang"], record["meta"])
    return metas


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
        lang, meta = metas[url]
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
