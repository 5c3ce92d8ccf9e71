#!/usr/bin/env python3
"""Build benchmark: a synthetic yearbook archive, the real build, and a "floor".

    python bench/bench.py                 # 1k and 10k pages, 3 runs each
    python bench/bench.py --sizes 1000 --repeat 5

For each size it generates a yearbook archive in this project's content model
(volumes → chapters → sections of 5–7 entries of Chinese text taken from the
bundled content, a numbered table in every 10th section, figures, attributions,
a department registry), then times, in the same run and as whole processes:

  build  `build.py build --no-search --fresh` (search indexing excluded, no build cache)
  floor  read + front matter (CSafeLoader) + markdown-it (commonmark + table)
         + one Jinja template + write, nothing else, in one process

and reports medians, the build/floor ratio and peak memory; then, with the build
cache, a build with nothing changed and one after an entry's text changed. Everything is
written to /dev/shm when it exists: on this machine's disk, creating files
right after a large delete is ~50x slower and would measure the filesystem.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = r'''
import sys, yaml
from pathlib import Path
from markdown_it import MarkdownIt
import jinja2
content, out = Path(sys.argv[1]), Path(sys.argv[2])
md = MarkdownIt("commonmark").enable("table")
template = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=zh-CN><title>{{ title }}</title><nav>{% for n in nav %}<a href='{{ n }}'>{{ n }}</a>{% endfor %}</nav>"
    "<main><h1>{{ title }}</h1>{{ body }}</main></html>")
nav = [f"/zh/{i}/" for i in range(20)]
for path in sorted(content.rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    html = template.render(title=meta["title"], nav=nav, body=jinja2.utils.markupsafe.Markup(md.render(body)))
    target = out / path.relative_to(content).with_suffix("") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
'''


def sentences() -> list[str]:
    """Chinese sentences from the bundled content (real yearbook prose)."""
    found = []
    for path in sorted((ROOT / "content").rglob("*.zh.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for line in body.splitlines():
            if line and not line.startswith(("{", "#", ":::")):
                found += [s for s in re.split(r"(?<=。)", line) if len(s) > 12]
    return found


def generate(target: Path, pages: int, seed: int = 7) -> int:
    """Write a synthetic archive of about `pages` pages; returns the exact count."""
    rng = random.Random(seed)
    pool = sentences()
    content = target / "content"
    (content / "_data").mkdir(parents=True)
    (content / "_data/departments.yaml").write_text(
        "".join(f"- {{id: dept-{i:02d}, name: {{zh: 部门{i}}}, kind: government, order: {i}}}\n" for i in range(30)),
        encoding="utf-8")
    (target / "config.yaml").write_text(
        f"title: {{zh: 合成年鉴}}\ndefault_language: zh\nlanguages:\n  zh: {{code: zh-CN, prefix: zh, name: 中文}}\n"
        f"templates_dir: {ROOT / 'templates'}\nstatic_dir: {ROOT / 'static'}\nsearch: false\n", encoding="utf-8")
    front = lambda **kw: "---\n" + "".join(f"{k}: {v}\n" for k, v in kw.items()) + "---\n"
    (content / "index.zh.md").write_text(front(type="home", title="合成年鉴"), encoding="utf-8")
    count = 1
    volumes = max(1, pages // 1000)
    chapters = 20
    sections = max(1, (pages // volumes - 1 - chapters) // chapters)
    for v in range(volumes):
        year = 2022 - v
        vdir = content / str(year)
        vdir.mkdir()
        (vdir / "index.zh.md").write_text(front(type="volume", title=f"合成年鉴 {year}", edition_year=year,
                                                coverage_year=year - 1), encoding="utf-8")
        count += 1
        table_no = 0
        for c in range(chapters):
            cdir = vdir / f"ch{c:02d}"
            cdir.mkdir()
            (cdir / "index.zh.md").write_text(front(type="chapter", title=f"第{c + 1}类目", order=c), encoding="utf-8")
            count += 1
            for s in range(sections):
                name = f"s{s:03d}"
                n_entries = rng.randint(5, 7)
                body, ids = [], []
                for e in range(n_entries):
                    ident = f"c{c:02d}{name}-{e + 1:02d}"
                    ids.append(ident)
                    text = "".join(rng.choice(pool) for _ in range(rng.randint(3, 6)))
                    body.append(f"{{#{ident}}}\n## {rng.choice(pool)[:8]}\n{text}\n")
                meta = {"type": "section", "title": f"分目{s + 1}", "order": s,
                        "departments": f"[dept-{rng.randrange(30):02d}]",
                        "authors": f"[{{names: [作者], from: {ids[0]}, to: {ids[-1]}}}]"}
                if s % 10 == 0:
                    table_no += 1
                    tid = f"t{table_no:03d}"
                    body.append(f"::: table {tid}\n")
                    (cdir / f"{tid}.table.yaml").write_text(
                        f"number: {table_no}\ntitle: {{zh: 表格{table_no}}}\ncolumns:\n  - {{key: a, zh: 项目}}\n"
                        f"  - {{key: b, zh: 内容}}\n", encoding="utf-8")
                    rows = "".join(f"{r}\t{rng.choice(pool)}\n" for r in range(10))
                    (cdir / f"{tid}.zh.tsv").write_text("a\tb\n" + rows, encoding="utf-8")
                if s % 5 == 0:
                    meta["figures"] = f"[{{id: p{s:03d}, caption: 图片说明{s}, credit: {{department: dept-01}}}}]"
                    body.append(f"::: figure p{s:03d}\n")
                (cdir / f"{name}.zh.md").write_text(front(**meta) + "\n" + "\n".join(body), encoding="utf-8")
                count += 1
    return count


def timed(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return seconds, peak


def cached(python: str, site: Path, out: Path, full: float) -> None:
    """With the build cache (.yearbook-cache/): the build that makes it, a build with nothing
    changed, and a build after one entry's text changed; each against a full build's median."""
    command = [python, str(ROOT / "build.py"), "build", "--no-search", "--quiet",
               "--config", str(site / "config.yaml"), "--output", str(out)]
    shutil.rmtree(site / ".yearbook-cache", ignore_errors=True)
    first, _ = timed(command)
    unchanged, peak = timed(command)
    source = next(path for path in sorted((site / "content").rglob("*.zh.md")) if "## " in path.read_text(encoding="utf-8"))
    text = source.read_text(encoding="utf-8")
    body = text.index("\n---\n", 4) + 5   # after the front matter: a word into the first sentence
    source.write_text(text[:body] + text[body:].replace("。", "，校。", 1), encoding="utf-8")
    edited, _ = timed(command)
    source.write_text(text, encoding="utf-8")
    print(f"       with the build cache: making it {first:.2f} s; nothing changed {unchanged:.2f} s "
          f"({unchanged / full:.2f}× a full build); one entry's text changed {edited:.2f} s ({edited / full:.2f}×)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cache", dest="cache", action="store_false",
                        help="skip the builds with the build cache (after each size's full builds)")
    args = parser.parse_args(argv)
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="yearbook-bench-", dir=base))
    python = sys.executable
    print(f"{'pages':>6} {'build s':>8} {'floor s':>8} {'ratio':>6} {'build MB':>9}  (medians of {args.repeat}; "
          f"{os.cpu_count()} cores; output on {base})")
    try:
        for size in args.sizes:
            site = work / f"site-{size}"
            pages = generate(site, size)
            builds, floors, peaks = [], [], []
            for run in range(args.repeat):
                # Alternate the two so machine noise hits both alike; fresh output folders each time.
                seconds, _ = timed([python, "-c", FLOOR, str(site / "content"), str(work / f"floor-{size}-{run}")])
                floors.append(seconds)
                seconds, peak = timed([python, str(ROOT / "build.py"), "build", "--no-search", "--quiet", "--fresh",
                                       "--config", str(site / "config.yaml"), "--output", str(work / f"out-{size}-{run}")])
                builds.append(seconds)
                peaks.append(peak)
                shutil.rmtree(work / f"floor-{size}-{run}")
                shutil.rmtree(work / f"out-{size}-{run}")
            build, floor = statistics.median(builds), statistics.median(floors)
            print(f"{pages:>6} {build:>8.2f} {floor:>8.2f} {build / floor:>6.2f} {max(peaks):>9}")
            if args.cache:
                cached(python, site, work / f"out-{size}-cache", build)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
