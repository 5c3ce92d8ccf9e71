"""Build into a staging folder; swap it into place only when the whole build succeeded.

A failed build deletes its staging folder and leaves the previous site
byte-for-byte untouched. A marker file tells us a folder is ours, so a
mistyped output_dir never deletes an editor's files.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostics, Location
from .site import media_path

MARKER = ".yearbook-output"


def check_output_dir(config: Config, diags: Diagnostics) -> None:
    """Refuse an output_dir that holds sources or files build.py did not write."""
    out = config.output_dir.resolve()
    for protected in (config.root, config.content_dir, config.templates_dir, config.static_dir):
        protected = protected.resolve()
        if out == protected or out in protected.parents:
            diags.error(Location(config.file), f"output_dir '{config.output_dir.name}' would overwrite {protected.name}/",
                        "set output_dir to a folder of its own, e.g. public")
            return
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        diags.error(Location(config.file), f"output_dir '{out.name}' exists and was not written by build.py",
                    "move it away or choose another output_dir; build.py replaces its output folder completely")


def new_staging(config: Config) -> Path:
    """An empty folder beside the output dir (same filesystem, so the swap is a rename)."""
    out = config.output_dir
    staging = out.parent / f".{out.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)  # left over from an interrupted build
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("written by build.py; this folder is replaced on every build\n", encoding="utf-8")
    return staging


def copy_static(config: Config, staging: Path) -> int:
    """Copy static/ into the site's /static/; returns the number of files."""
    count = 0
    if not config.static_dir.is_dir():
        return 0
    for path in sorted(config.static_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            target = staging / "static" / path.relative_to(config.static_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            count += 1
    return count


def copy_media(site, staging: Path) -> int:
    """Copy the photos figures show (`image`, beside their page; validated) into media/;
    returns the number of files."""
    copied = set()
    for node in site.nodes.values():
        folder = node.sources[site.config.default_language].folder
        for figure in node.meta.get("figures") or []:
            if not figure or not figure.get("image"):
                continue
            target = staging / media_path(site.config, folder, figure["image"])
            if target not in copied:
                copied.add(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / figure["image"], target)
    return len(copied)


def carry_over_index(config: Config, staging: Path) -> None:
    """The output's search index into the staging folder, as hard links (no copying)."""
    index = config.output_dir / "pagefind"
    if index.is_dir():
        shutil.copytree(index, staging / "pagefind", copy_function=link_or_copy)


def link_or_copy(source, target) -> None:
    """A hard link to `source` at `target` (no bytes copied), or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def swap_into_place(config: Config, staging: Path) -> None:
    """Replace the output dir by the staging dir with two renames."""
    out = config.output_dir
    old = out.parent / f".{out.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.rename(out, old)
    os.rename(staging, out)
    if old.exists():
        shutil.rmtree(old)


def discard(staging: Path | None) -> None:
    if staging is not None and staging.exists():
        shutil.rmtree(staging)
