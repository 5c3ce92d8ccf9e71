"""Full-text search index: the Pagefind binary run once over the staged site.

One bulk run, not the Python API's one message per page (~0.1 s each). The
extended binary is required: it is the one that segments Chinese. What the
pages carry for exact search (character indexes, filter metadata) and the
search page are in search.py.
"""
from __future__ import annotations

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
        diags.error(Location(config_file), "the Pagefind extended binary is not installed",
                    "pip install -r requirements.txt (pagefind[extended]), or build with --no-search")
        return 0
    result = subprocess.run([binary, "--site", str(staging), "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        diags.error(Location(config_file), f"Pagefind failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()[-500:]}",
                    "run again with --no-search to build without search, and report the message")
        return 0
    entry = staging / "pagefind" / "pagefind-entry.json"
    try:
        _sort_entry_file(entry)
    except (ValueError, OSError) as exc:   # Pagefind exited 0 but wrote no whole index (e.g. the disk filled up)
        diags.error(Location(config_file), f"Pagefind wrote an incomplete search index ({entry.name}: {exc})",
                    "check the free disk space and build again; --no-search builds without search")
        return 0
    return sum(1 for _ in (staging / "pagefind").glob("fragment/*"))


def _sort_entry_file(path: Path) -> None:
    """Pagefind writes its language map in hash order; sort it so builds are byte-identical."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
