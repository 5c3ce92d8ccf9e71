"""Reading the project's own files: one policy for what may be read and published.

Everything the build reads or copies goes through here, so the rules hold
everywhere (content, data, tables, static files, photos, config, UI strings):

- nothing outside the project tree by a link: a symbolic link is followed only
  when its target is inside the project folder (a link to /etc/passwd is
  refused, with its path, and its contents are never read or printed); the
  folders config.yaml names (a shared templates folder, say) are read where they are;
- no dot-files or dot-folders (.git/, .env, editor swap files) are read from
  content/ or copied from static/;
- text is UTF-8 (a byte-order mark is allowed); anything else is one error at
  the line and column of the first bad byte, with how to save it as UTF-8.
"""
from __future__ import annotations

import codecs
import fnmatch
import os
from pathlib import Path

from .diagnostics import Diagnostics, Location, relpath
from .messages import Text, t


def _not_utf8_hint(file: str) -> Text:
    return t("input.hint-save-table-as-utf8" if file.endswith((".tsv", ".csv")) else "input.hint-save-as-utf8")


def inside(path: Path, root: Path) -> bool:
    """True when `path`, links resolved, is `root` or below it."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):   # RuntimeError: a link loop
        return False


def is_dot(rel: Path) -> bool:
    """A dot-file or a file inside a dot-folder (.git/, .env, .DS_Store)."""
    return any(part.startswith(".") and part not in (".", "..") for part in rel.parts)


def walk(folder: Path, pattern: str, root: Path, diags: Diagnostics) -> list[Path]:
    """Files under `folder` matching `pattern`, in sorted order: dot-files and dot-folders
    skipped, links leading outside the project refused with a warning naming them."""
    found = []
    if not folder.is_dir():
        return found
    if folder.is_symlink() and not inside(folder, root):
        diags.error(Location(relpath(folder, root)), "input.folder-link-outside")
        return found
    _walk_into(str(folder), pattern, root, diags, found)
    return sorted(found, key=lambda path: path.parts)


def _walk_into(folder: str, pattern: str, root: Path, diags: Diagnostics, found: list) -> None:
    # scandir, not rglob: its entries know whether they are links, files or folders without
    # asking the system again (serve walks content/ on every save). Like rglob, it does not
    # enter linked folders: only a file itself can lead outside the project.
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                if fnmatch.fnmatchcase(entry.name, pattern) and not inside(Path(entry.path), root):
                    diags.warning(Location(relpath(Path(entry.path), root)), "input.file-link-outside-skipped")
                elif entry.is_file() and fnmatch.fnmatchcase(entry.name, pattern):
                    found.append(Path(entry.path))
            elif entry.is_dir():
                _walk_into(entry.path, pattern, root, diags, found)
            elif entry.is_file() and fnmatch.fnmatchcase(entry.name, pattern):
                found.append(Path(entry.path))


def decode(raw: bytes, file: str, diags: Diagnostics) -> str | None:
    """UTF-8 text of `raw` (byte-order mark dropped), or None with an error at the first bad byte."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        diags.error(Location(file, 1, 1), "input.utf16", hint=_not_utf8_hint(file))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw   # exc.start counts from here
        before = body[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        diags.error(Location(file, line, col), "input.not-utf8", byte=f"{body[exc.start]:02x}", hint=_not_utf8_hint(file))
        return None
    if "\x00" in text:
        before = text[:text.index("\x00")]
        diags.error(Location(file, before.count("\n") + 1, len(before) - before.rfind("\n")),
                    "input.nul-character")
        return None
    return text


def read_text(path: Path, root: Path, diags: Diagnostics) -> str | None:
    """The UTF-8 text of a project file, or None with an error (outside the tree, unreadable, not UTF-8)."""
    file = relpath(path, root)
    if path.is_symlink() and not inside(path, root):   # a folder config.yaml names may be anywhere; a link may not
        diags.error(Location(file), "input.file-link-outside")
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diags.error(Location(file), "input.cannot-read", reason=exc.strerror)
        return None
    return decode(raw, file, diags)
