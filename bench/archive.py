"""An archive of N volumes made from the bundled one, and what a build costs on it.

    python bench/archive.py [--volumes 30] [--out /dev/shm/yearbook-archive] [--runs 1]

Clones content/2022 into N volumes (edition years 2022, 2021, …; titles and years
shifted, everything else as printed), writes them beside a copy of config.yaml,
templates/ and static/ (on tmpfs: see ../shared/notes/PERFORMANCE.md), then times,
each in a fresh process: `check`; `build.py build --fresh` with search, with and
without the offline zips (offline_zip), and without search; then builds with the
build cache: the one that makes it, and one after an entry of the oldest volume
changed (and how many of the zips were made again). Prints one line per measurement.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_archive(out: Path, volumes: int) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in ("templates", "static", "docs"):
        shutil.copytree(ROOT / name, out / name)
    content = out / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("2022"))
    years = [2022 - i for i in range(volumes)]
    for year in years:
        target = content / str(year)
        shutil.copytree(ROOT / "content/2022", target)
        if year == 2022:
            continue
        for index in target.glob("index.*.md"):
            text = index.read_text(encoding="utf-8")
            text = re.sub(r"edition_year: \d+", f"edition_year: {year}", text)
            text = re.sub(r"coverage_year: \d+", f"coverage_year: {year - 1}", text)
            text = text.replace("2022", str(year), 1) if "title" in text else text
            index.write_text(text, encoding="utf-8")
    config = (ROOT / "config.yaml").read_text(encoding="utf-8")
    config = re.sub(r'volumes: \[.*\]', "volumes: [" + ", ".join(f'"{y}"' for y in years) + "]", config)
    (out / "config.yaml").write_text(config, encoding="utf-8")
    return out


def timed(site: Path, *args: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=site, capture_output=True, text=True)
    return time.perf_counter() - start, result.returncode, (result.stdout + result.stderr).strip().splitlines()[-1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/yearbook-archive"))
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    site = make_archive(args.out, args.volumes)
    pages = sum(1 for _ in (site / "content").rglob("*.zh.md"))
    print(f"archive: {args.volumes} volumes, {pages} Chinese source pages, in {site}")
    for run in range(args.runs):
        shutil.rmtree(site / ".yearbook-cache", ignore_errors=True)
        seconds, code, last = timed(site, "check", "--quiet")
        print(f"check: {seconds:.1f}s (exit {code})")
        seconds, code, last = timed(site, "build", "--quiet", "--fresh")
        print(f"build --fresh with search and offline zips: {seconds:.1f}s (exit {code}); "
              f"{sum(1 for _ in (site / 'public/downloads').glob('*.zip'))} zips")
        config = site / "config.yaml"
        with_zips = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"\noffline_zip:.*", "", with_zips), encoding="utf-8")
        seconds, code, last = timed(site, "build", "--quiet", "--fresh")
        print(f"build --fresh with search, no offline zips: {seconds:.1f}s (exit {code})")
        seconds, code, last = timed(site, "build", "--quiet", "--fresh", "--no-search")
        print(f"build --fresh without search: {seconds:.1f}s (exit {code})")
        config.write_text(with_zips, encoding="utf-8")
        # With the build cache (search and zips): made, then one entry of the oldest volume edited.
        seconds, code, last = timed(site, "build", "--quiet")
        print(f"build making the cache: {seconds:.1f}s (exit {code})")
        zips = {path.name: path.stat().st_ino for path in (site / "public/downloads").glob("*.zip")}
        source = site / f"content/{2022 - args.volumes + 1}/gov/meetings.zh.md"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("区政府召开第一次全体", "区政府召开第一次全体校", 1), encoding="utf-8")
        seconds, code, last = timed(site, "build", "--quiet")
        again = sum(1 for path in (site / "public/downloads").glob("*.zip") if zips.get(path.name) != path.stat().st_ino)
        print(f"build with the cache after one entry changed: {seconds:.1f}s (exit {code}); "
              f"{again} of {len(zips)} zips made again")
        source.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
