"""The offline edition: size of its search records and a reader's search time from disk.

    python bench/offline.py [--volumes 2022] [--out /dev/shm/yearbook-offline]

Exports the bundled yearbook (build.py export), reports the size of each
language's search records (raw and gzipped, as in the zip), and times, in
Debian's Chromium opened by file://, a query typed into the search page: from
navigation to the results shown, each query in a fresh browser context (cold).
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import launch_chromium, playwright_api  # noqa: E402
from yearbook.cli import main  # noqa: E402

QUERIES = {"zh": ["消防", "数字化改革", "拱墅区", "城中村改造", "亚运", "8.1%", '"民生实事"', "区", "大运河 亚运"],
           "en": ["fire", "digital reform", "Grand Canal", '"elderly care"', "waste sorting", "Gongshu"]}


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", nargs="*", default=["2022"])
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/yearbook-offline"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    volume_args = [a for v in args.volumes for a in ("--volume", v)]
    start = time.perf_counter()
    assert main(["export", str(args.out), *volume_args, "--zip", "--quiet", "--config", str(ROOT / "config.yaml")]) == 0
    print(f"export: {time.perf_counter() - start:.2f}s; zip {args.out.with_name(args.out.name + '.zip').stat().st_size / 1e6:.2f} MB")
    for script in sorted((args.out / "search").glob("*.js")):
        data = script.read_bytes()
        print(f"search records {script.name}: {len(data) / 1e3:.0f} KB, gzipped {len(gzip.compress(data, 9)) / 1e3:.0f} KB")
    with playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        for lang, queries in QUERIES.items():
            times = []
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                url = f"{(args.out / lang / 'search' / 'index.html').as_uri()}?q={quote(query)}"
                begin = time.perf_counter()
                page.goto(url)
                page.wait_for_function("(() => { const t = document.getElementById('search-status').textContent;"
                                       " return t !== '' && !t.endsWith('…'); })()")
                elapsed = time.perf_counter() - begin
                shown = page.locator("#search-results > li").count()
                times.append(elapsed)
                print(f"  {lang} {query!r}: {shown} pages, {elapsed * 1000:.0f} ms")
                context.close()
            print(f"{lang}: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
                  f"over {len(times)} queries (cold context, file://)")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main_bench())
