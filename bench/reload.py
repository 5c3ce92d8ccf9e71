#!/usr/bin/env python3
"""Edit-to-reload latency of `build.py serve`, measured in a real browser.

    python bench/reload.py                      # 10 entry edits, bundled yearbook
    python bench/reload.py --volumes 30         # an archive: entry, title and template edits
    python bench/reload.py --kinds entry --edits 20 --page /zh/2022/gov/meetings/

It copies the bundled project (config, content, templates, static, docs) to a
temporary folder (/dev/shm when there is one), or with --volumes N makes an
archive of N volumes from it (bench/archive.py: the volume cloned, years
shifted), starts `build.py serve` there, opens a section page in Debian's
chromium (Playwright), then, for each edit, saves a new word and measures the
time from the save until the open page shows it: the watcher's poll, the
rebuild, livereload's message and the browser's reload, everything an editor
waits for. Three kinds of edit:

- entry: a word into one entry of the open page's source;
- title: a word into the open page's title (front matter), which its whole
  volume shows (navigation, contents) and the department pages listing it;
- template: a word into templates/base.html, which every page shows; the open
  page is rendered first, the rest follows (the time until serve reports every
  page written is given too).

It reports the median, the spread and the server's rebuild times per kind.
Targets (issue 12, 30 volumes): entry ≤ 1.0 s, title ≤ 2 s, template: the open
page ≤ 2 s.
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


TEMPLATE, TEMPLATE_ANCHOR = "templates/base.html", '<footer class="colophon">'
TARGETS = {"entry": 1.0, "title": 2.0, "template": 2.0}


def edited(kind: str, text: str, anchor: str, word: str) -> str:
    """`text` with `word` saved into it, as an edit of `kind` would."""
    if kind == "entry":
        return text.replace(anchor, anchor + word, 1)
    if kind == "title":
        return re.sub(r'(?m)^title: "([^"]*)"', lambda m: f'title: "{m.group(1)}{word}"', text, count=1)
    return text.replace(TEMPLATE_ANCHOR, TEMPLATE_ANCHOR + f"<span>{word}</span>", 1)


def measure(edits: int, page_path: str, source: str, anchor: str, kinds: list, volumes: int = 0) -> dict:
    from playwright.sync_api import Error, sync_playwright

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="yearbook-reload-", dir=base) as tmp:
        project = Path(tmp)
        if volumes:
            sys.path.insert(0, str(ROOT / "bench"))
            from archive import make_archive
            make_archive(project, volumes)
        else:
            copy_project(project)
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--lang", "en", "serve", "--port", str(port), "--no-search"],
                                  cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        lines: list = []
        threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")), daemon=True).start()
        results = {kind: {"latencies": [], "rebuilds": [], "finished": []} for kind in kinds}
        try:
            wait_for_line(lines, r"^serving ", timeout=600)
            texts = {"entry": (project / source).read_text(encoding="utf-8"),
                     "template": (project / TEMPLATE).read_text(encoding="utf-8")}
            texts["title"] = texts["entry"]
            if anchor not in texts["entry"]:
                raise SystemExit(f"{source} does not contain {anchor!r}: choose another --anchor")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                context = browser.new_context()
                # livereload.js fires this once its socket is open: only then can a reload arrive.
                context.add_init_script("document.addEventListener('LiveReloadConnect', () => { window.__livereload = true; });")
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}{page_path}")
                page.wait_for_function("window.__livereload === true", timeout=15_000)
                for kind in kinds:
                    file = project / (TEMPLATE if kind == "template" else source)
                    for i in range(edits):
                        word = f"校验{kind[:2]}{i:02d}号"
                        seen = len(lines)
                        started = time.perf_counter()
                        file.write_text(edited(kind, texts[kind], anchor, word), encoding="utf-8")
                        while True:  # the reload replaces the document under us: ask again
                            try:
                                page.wait_for_function("(w) => document.body && document.body.innerText.includes(w)",
                                                       arg=word, polling="raf", timeout=60_000)
                                break
                            except Error as error:
                                if "Execution context was destroyed" not in str(error) and "navigation" not in str(error):
                                    raise
                        results[kind]["latencies"].append(time.perf_counter() - started)
                        line = wait_for_line(lines, r"rebuilt .* in \d", seen, timeout=120)
                        results[kind]["finished"].append(time.perf_counter() - started)
                        results[kind]["rebuilds"].append((float(re.search(r"in (\d+\.\d+)s", line).group(1)),
                                                          line.split(" in ")[0].split(" ", 1)[1]))
                        page.wait_for_function("window.__livereload === true", timeout=60_000)
                        time.sleep(1.5)  # each edit is its own save, after serve's idle work (memory) is done
                    file.write_text(texts[kind], encoding="utf-8")   # back as it was, before the next kind
                    wait_for_line(lines, r"rebuilt .* in \d", len(lines), timeout=120)
                    time.sleep(1.5)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10, help="number of saves (default 10)")
    parser.add_argument("--page", default="/zh/2022/gov/meetings/", help="page kept open in the browser")
    parser.add_argument("--source", default="content/2022/gov/meetings.zh.md", help="file edited, relative to the project")
    parser.add_argument("--anchor", default="区政府召开第一次全体", help="text after which each edit inserts a word")
    parser.add_argument("--volumes", type=int, default=0, help="an archive of N volumes made from the bundled one")
    parser.add_argument("--kinds", default=None,
                        help="edits to make, comma-separated: entry,title,template (default: entry; "
                             "with --volumes, all three)")
    args = parser.parse_args(argv)
    kinds = (args.kinds or ("entry,title,template" if args.volumes else "entry")).split(",")
    results = measure(args.edits, args.page, args.source, args.anchor, kinds, args.volumes)
    site = f"an archive of {args.volumes} volumes" if args.volumes else "the bundled yearbook"
    print(f"edit saved → browser showing the new text, {site}, page {args.page} ({os.cpu_count()} cores):")
    for kind in kinds:
        result = results[kind]
        latencies = sorted(result["latencies"])
        build_times = [seconds for seconds, _ in result["rebuilds"]]
        scopes = sorted({scope for _, scope in result["rebuilds"]})
        target = TARGETS[kind] if args.volumes else 1.0
        median = statistics.median(latencies)
        print(f"  {kind} ({len(latencies)} edits of {TEMPLATE if kind == 'template' else args.source}): "
              f"median {median:.2f} s   min {latencies[0]:.2f} s   max {latencies[-1]:.2f} s"
              f"   — target ≤ {target:g} s {'met' if median <= target else 'NOT met'}")
        print(f"    serve's rebuild: median {statistics.median(build_times):.3f} s ({', '.join(scopes)})"
              + (f"; every page written after {statistics.median(result['finished']):.2f} s (median)"
                 if kind == "template" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
