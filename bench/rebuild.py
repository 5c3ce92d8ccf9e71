#!/usr/bin/env python3
"""serve's rebuild after an entry edit, in-process and step by step, on an archive.

    python bench/rebuild.py [--volumes 30] [--edits 6]

Makes bench/archive.py's archive (the bundled volume cloned into N volumes) on
/dev/shm, builds it once as `serve` does (keeping the memo), then saves N edits to
one entry and times `incremental.rebuild` for each, with the garbage collector
collected between edits as serve does when idle. Prints the minimum and median
of the whole rebuild and the minimum of each step: what bench/reload.py's browser
figure is made of, without the browser.
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive import make_archive  # noqa: E402
from yearbook import messages, pipeline  # noqa: E402
from yearbook.changes import BuildState  # noqa: E402
from yearbook.commands import incremental  # noqa: E402

PAGE, ANCHOR = "content/2022/gov/meetings.zh.md", "区政府召开第一次全体"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", type=int, default=30)
    parser.add_argument("--edits", type=int, default=6)
    args = parser.parse_args(argv)
    messages.use("en")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="yearbook-rebuild-", dir=base) as tmp:
        site = make_archive(Path(tmp) / "site", args.volumes)
        config = site / "config.yaml"
        os.chdir(site)
        state = BuildState()
        pipeline.build(config, pipeline.BuildReport(), with_search=False, state=state)
        gc.collect()
        gc.disable()   # serve collects when idle, not during a rebuild
        page = site / PAGE
        text = page.read_text(encoding="utf-8")
        totals, steps, scopes = [], {}, set()
        for i in range(args.edits):
            page.write_text(text.replace(ANCHOR, f"{ANCHOR}校{i}", 1), encoding="utf-8")
            report = pipeline.BuildReport()
            start = time.perf_counter()
            incremental.rebuild(config, report, state, [str(page)])
            totals.append(time.perf_counter() - start)
            for name, seconds in report.timings:
                steps.setdefault(name, []).append(seconds)
            scopes.add("all" if state.rendered is None else len(state.rendered))
            gc.collect()
        gc.enable()
    print(f"entry edit on {args.volumes} volumes, {args.edits} rebuilds in-process ({os.cpu_count()} cores): "
          f"min {min(totals):.3f} s, median {statistics.median(totals):.3f} s; pages rendered {sorted(map(str, scopes))}")
    print("  minimum per step: " + " · ".join(f"{name} {min(values):.3f}" for name, values in steps.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
