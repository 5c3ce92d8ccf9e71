"""Preview sessions on disk: each `serve` keeps a work folder `.OUTPUT.serve-PID` beside the
output (hard links need the same disk) and writes its address there, so `new` can print
the page's address in the running preview. Light: no server library is imported."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

PREVIEW_URL = "url"   # in a session's folder: the address it serves at


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _sessions(out: Path) -> list:
    """(pid, folder) of every session folder of this output."""
    found = []
    for folder in sorted(out.parent.glob(f".{out.name}.serve-*")):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit():
            found.append((int(pid), folder))
    return found


def new_session_folder(out: Path) -> Path:
    """This session's folder; folders of sessions that were killed (process gone) are removed."""
    for pid, folder in _sessions(out):
        if not alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
    folder = out.parent / f".{out.name}.serve-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def running_preview_url(out: Path) -> str | None:
    """The address of a `serve` running for this output, if any."""
    for pid, folder in _sessions(out):
        url = folder / PREVIEW_URL
        if url.is_file() and alive(pid):
            return url.read_text(encoding="utf-8").strip()
    return None
