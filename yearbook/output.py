"""Build into a staging folder; swap it into place only when the whole build succeeded.

A failed build deletes its staging folder and leaves the previous site
byte-for-byte untouched. One build at a time writes an output folder (a lock
beside it), each into a staging folder of its own, and the swap is atomic. A
marker file tells us a folder is ours, so a mistyped output_dir (or a folder
an editor happened to name .public.staging) is never deleted.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import gzip
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .config import Config
from .diagnostics import BuildFailed, Diagnostics, Location, relpath
from .files import walk
from .messages import t
from .site import media_path

MARKER = ".yearbook-output"


def check_output_dir(config: Config, diags: Diagnostics) -> None:
    """Refuse an output_dir that holds sources or files build.py did not write."""
    out = config.output_dir.resolve()
    inputs = (config.content_dir, config.templates_dir, config.static_dir, config.guide.parent)
    for protected in (config.root, *inputs):
        protected = protected.resolve()
        if out == protected or out in protected.parents:
            diags.error(Location(config.file), "output.would-overwrite", name=config.output_dir.name,
                        folder=protected.name)
            return
    for protected in inputs:   # inside an input folder, every build would read (and copy) the last one
        protected = protected.resolve()
        if protected != config.root.resolve() and protected in out.parents:
            diags.error(Location(config.file), "output.inside-input-folder", path=relpath(out, config.root),
                        folder=relpath(protected, config.root))
            return
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        diags.error(Location(config.file), "output.not-written-by-build", name=out.name)


@contextmanager
def locked(config: Config, diags: Diagnostics):
    """Hold the output folder's lock while writing it: a second build (or serve) stops with
    a clear error instead of sharing folders. The kernel drops the lock when a process dies,
    so a killed build never leaves a stale lock behind."""
    out = config.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.lock"
    handle = open(lock, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            diags.error(Location(config.file), "output.locked", folder=out.name, pid=pid)
            raise BuildFailed(diags) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        recover(config, diags)
        yield
    finally:
        handle.close()   # releases the lock


def _ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


def recover(config: Config, diags: Diagnostics) -> None:
    """Repair what an interrupted build left (called with the lock held): put back an output
    folder a killed swap had moved aside, and delete our own staging folders. Folders without
    our marker are never deleted, whatever their name."""
    out = config.output_dir
    previous = out.parent / f".{out.name}.previous"
    if not out.exists() and _ours(previous):
        os.rename(previous, out)
        diags.warning(Location(config.file), "output.restored", folder=out.name)
    for leftover in sorted(out.parent.glob(f".{out.name}.staging-*")) + [previous]:
        if _ours(leftover) or (leftover.is_dir() and not leftover.is_symlink() and not any(leftover.iterdir())):
            remove_ours(leftover)


def remove_ours(folder: Path) -> None:
    """Delete a folder of ours, its marker last: a delete cut short leaves it recognisable,
    so the next build finishes the job instead of leaving an unknown folder behind."""
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.rmtree(folder)


def new_staging(config: Config) -> Path:
    """A fresh folder beside the output dir (same filesystem, so the swap is a rename), with a
    name of its own so that nothing else ever writes into it."""
    out = config.output_dir
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    (staging / MARKER).write_text("written by build.py; this folder is replaced on every build\n", encoding="utf-8")
    return staging


def new_scratch(staging: Path, purpose: str) -> Path:
    """A folder of ours beside a staging folder, for work that is not published (Pagefind's
    shadow pages): named like a staging folder, with our marker, so that `recover` deletes
    what a killed build left of it."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{staging.name}-{purpose}-", dir=staging.parent))
    (scratch / MARKER).write_text("written by build.py; deleted when the build ends\n", encoding="utf-8")
    return scratch


def copy_static(config: Config, staging: Path, diags: Diagnostics) -> int:
    """Copy static/ into the site's /static/ (no dot-files, no links out of the project);
    returns the number of files."""
    count = 0
    for path in walk(config.static_dir, "*", config.root, diags):
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
    """The output's search index (and the offline zips made from it) into the staging folder,
    as hard links (no copying): serve's rebuilds skip search and refresh them in the background."""
    for folder in ("pagefind", "downloads"):
        if (config.output_dir / folder).is_dir():
            shutil.copytree(config.output_dir / folder, staging / folder, copy_function=link_or_copy)


def link_previous(previous: Path, staging: Path, files: list) -> list:
    """Hard links in `staging` to the `files` (relative paths) that `previous` has; returns
    those linked. Nothing may write through them: every step writes new files."""
    linked = []
    for rel in files:
        source = previous / rel
        if source.is_file():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target)
            linked.append(rel)
    return linked


def link_or_copy(source, target) -> None:
    """A hard link to `source` at `target` (no bytes copied), or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def swap_into_place(config: Config, staging: Path) -> None:
    """Replace the output dir by the staging dir in one step: the two folders are exchanged
    atomically (Linux renameat2), so at every instant the output is the old site or the new
    one. Where that call does not exist, two renames, and `recover` repairs a kill between them."""
    out = config.output_dir
    if not out.exists():
        os.rename(staging, out)
    elif _exchange(staging, out):
        remove_ours(staging)   # now holds the previous site
    else:
        previous = out.parent / f".{out.name}.previous"
        os.rename(out, previous)
        os.rename(staging, out)
        remove_ours(previous)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing was changed)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


_WRITE_HINTS = {
    errno.ENOSPC: "output.hint-disk-full",
    errno.EDQUOT: "output.hint-over-quota",
    errno.EROFS: "output.hint-read-only",
    errno.EACCES: "output.hint-no-permission",
    errno.EPERM: "output.hint-no-permission",
    errno.EBUSY: "output.hint-busy",
}


def write_failed(config: Config, exc: OSError, diags: Diagnostics) -> None:
    """One error for a failed write, naming the path (relative to the project where it is inside)."""
    where = relpath(Path(exc.filename), config.root) if exc.filename else config.output_dir.name
    hint = t(_WRITE_HINTS.get(exc.errno, "output.hint-check-output"))
    diags.error(Location(where), "output.cannot-write", reason=str(exc.strerror or exc), errno=exc.errno, hint=hint)


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".webmanifest")


def precompress(folder: Path) -> int:
    """Write NAME.gz and NAME.br beside every text file (what nginx's gzip_static and
    brotli_static, or a CDN, send to browsers that accept them); returns the number of files.
    Byte-identical across builds: gzip without a name or time, brotli at a fixed quality (9: within a few per cent of 11 at a tenth of the time).
    Pagefind's index files are compressed already and are left alone."""
    import brotli   # only for --precompress

    count = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE:
            continue
        data = path.read_bytes()
        if len(data) < 256:   # smaller than the headers a compressed answer adds
            continue
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=9))
        count += 1
    return count


def discard(staging: Path | None) -> None:
    if staging is not None and staging.exists():
        try:
            remove_ours(staging)
        except OSError:
            pass   # the next build removes what is left (recover)
