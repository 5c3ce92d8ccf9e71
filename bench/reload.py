#!/usr/bin/env python3
"""Edit-to-reload latency of `build.py serve`, measured in a real browser.

    python bench/reload.py              # 10 edits, bundled yearbook
    python bench/reload.py --edits 20 --page /zh/2022/gov/meetings/

It copies the bundled project (config, content, templates, static, docs) to a
temporary folder (/dev/shm when there is one), starts `build.py serve` there,
opens a section page in Debian's chromium (Playwright), then, for each edit,
saves a new word into one entry of that page's source file and measures the
time from the save until the open page shows the word: the watcher's poll, the
rebuild, livereload's message and the browser's reload, everything an editor
waits for. It reports the median, the spread and the server's rebuild times.
Target (issue 7): median ≤ 1 s.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("config.yaml", "content", "templates", "static", "docs")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_project(target: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)


def wait_for_line(lines: list, pattern: str, start: int = 0, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in lines[start:]:
            if re.search(pattern, line):
                return line
        time.sleep(0.01)
    raise SystemExit(f"serve did not print {pattern!r} within {timeout}s:\n{''.join(lines)}")


def measure(edits: int, page_path: str, source: str, anchor: str) -> dict:
    from playwright.sync_api import Error, sync_playwright

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="yearbook-reload-", dir=base) as tmp:
        project = Path(tmp)
        copy_project(project)
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--no-search"],
                                  cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        lines: list = []
        threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")), daemon=True).start()
        latencies, rebuilds = [], []
        try:
            wait_for_line(lines, r"^serving ")
            file = project / source
            text = file.read_text(encoding="utf-8")
            if anchor not in text:
                raise SystemExit(f"{source} does not contain {anchor!r}: choose another --anchor")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                context = browser.new_context()
                # livereload.js fires this once its socket is open: only then can a reload arrive.
                context.add_init_script("document.addEventListener('LiveReloadConnect', () => { window.__livereload = true; });")
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}{page_path}")
                page.wait_for_function("window.__livereload === true", timeout=15_000)
                for i in range(edits):
                    word = f"校验{i:02d}号"
                    seen = len(lines)
                    started = time.perf_counter()
                    file.write_text(text.replace(anchor, anchor + word, 1), encoding="utf-8")
                    while True:  # the reload replaces the document under us: ask again
                        try:
                            page.wait_for_function("(w) => document.body && document.body.innerText.includes(w)",
                                                   arg=word, polling="raf", timeout=15_000)
                            break
                        except Error as error:
                            if "Execution context was destroyed" not in str(error) and "navigation" not in str(error):
                                raise
                    latencies.append(time.perf_counter() - started)
                    line = wait_for_line(lines, r"rebuilt .* in \d", seen)
                    rebuilds.append((float(re.search(r"in (\d+\.\d+)s", line).group(1)), line.split(" in ")[0].split(" ", 1)[1]))
                    page.wait_for_function("window.__livereload === true", timeout=15_000)
                    time.sleep(0.3)  # let the watcher settle: each edit is its own save
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return {"latencies": latencies, "rebuilds": rebuilds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10, help="number of saves (default 10)")
    parser.add_argument("--page", default="/zh/2022/gov/meetings/", help="page kept open in the browser")
    parser.add_argument("--source", default="content/2022/gov/meetings.zh.md", help="file edited, relative to the project")
    parser.add_argument("--anchor", default="区政府召开第一次全体", help="text after which each edit inserts a word")
    args = parser.parse_args(argv)
    result = measure(args.edits, args.page, args.source, args.anchor)
    latencies = sorted(result["latencies"])
    build_times = [seconds for seconds, _ in result["rebuilds"]]
    scopes = sorted({scope for _, scope in result["rebuilds"]})
    print(f"edit saved → browser showing the new text, {len(latencies)} edits of {args.source} "
          f"({os.cpu_count()} cores):")
    print(f"  median {statistics.median(latencies):.2f} s   min {latencies[0]:.2f} s   max {latencies[-1]:.2f} s")
    print(f"  of which rebuild: median {statistics.median(build_times):.3f} s ({', '.join(scopes)})")
    print(f"  target: median ≤ 1 s — {'met' if statistics.median(latencies) <= 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
