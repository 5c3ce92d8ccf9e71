"""Work spread over processes (yearbook/parallel.py): the same results, in the same order, as in
one process; a build whose every step runs on the workers writes and reports exactly what a
build in one process does."""
from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yearbook import parallel
from yearbook.cli import main

from conftest import ROOT, tree_bytes

sys.path.insert(0, str(ROOT / "bench"))
from archive import make_archive  # noqa: E402


def _pid_and_square(context, item):
    return os.getpid(), item * item + context


def test_pending_work_is_done_by_other_processes_in_order():
    with parallel.Pending(_pid_and_square, 10, list(range(50)), threshold=1) as pending:
        results = pending.results()
    assert [value for _, value in results] == [i * i + 10 for i in range(50)]
    assert os.getpid() not in {pid for pid, _ in results}


def test_below_its_threshold_pending_work_is_done_in_this_process():
    with parallel.Pending(_pid_and_square, 0, [1, 2, 3], threshold=10) as pending:
        assert pending.results() == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9)]


def _fail_on_three(_, item):
    if item == 3:
        raise ValueError("three")
    return item


def test_a_failing_job_raises_in_this_process_when_the_results_are_asked():
    with pytest.raises(ValueError, match="three"):
        with parallel.Pending(_fail_on_three, None, list(range(40)), threshold=1) as pending:
            pending.results()


def _mark(folder, item):
    time.sleep(0.1)
    (Path(folder) / str(item)).touch()


def test_leaving_the_block_early_drops_the_jobs_not_started(tmp_path):
    """A step beside the workers fails (the site did not assemble): the build stops without
    running the rest of their batch."""
    with pytest.raises(KeyError):
        with parallel.Pending(_mark, str(tmp_path), list(range(64)), threshold=1):
            raise KeyError("an error in the step the workers ran beside")
    assert len(list(tmp_path.iterdir())) < 64


def test_a_build_spread_over_workers_writes_and_reports_what_one_process_does(tmp_path, monkeypatch, capsys):
    """Every batch on the workers (sources, Markdown while the site is assembled, the volumes'
    indexes and the translations' checks while references are checked, pages), against the
    whole build in this process: the same files, byte for byte, and the same problems (a
    Markdown warning and a translation's figure, found in the workers)."""
    site = make_archive(tmp_path / "site", 2)
    page = site / "content/2021/gov/meetings.zh.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n---\n", "\n---\n\n# 一级标题\n", 1), encoding="utf-8")
    english = site / "content/2021/gov/meetings.en.md"   # a figure the source does not have
    text = english.read_text(encoding="utf-8")
    lines = text.split("\n")
    prose = next(i for i, line in enumerate(lines) if i > 5 and line[:1].isalpha() and re.search(r"\d", line))
    lines[prose] = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), lines[prose], count=1)
    english.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(site)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    assert main(["build", "--no-search", "--fresh", "--quiet", "--output", str(tmp_path / "spread")]) == 0
    spread = capsys.readouterr().err
    monkeypatch.setattr(parallel, "worker_count", lambda: 1)
    assert main(["build", "--no-search", "--fresh", "--quiet", "--output", str(tmp_path / "alone")]) == 0
    alone = capsys.readouterr().err
    assert "content/2021/gov/meetings.zh.md" in spread and "level-1 heading" in spread
    assert "content/2021/gov/meetings.en.md" in spread and "figure" in spread
    assert spread == alone
    assert tree_bytes(tmp_path / "spread") == tree_bytes(tmp_path / "alone")
    assert gc.isenabled(), "the collector paused for the build is on again after it"


def _interrupted(_, item):
    os.kill(os.getpid(), signal.SIGINT)   # what Ctrl+C does to every process of the terminal's group
    return item


def test_ctrl_c_ends_a_worker_quietly(capfd):
    """Ctrl+C reaches the workers too: each ends at once, without printing a KeyboardInterrupt
    traceback of its own (the main process says what stopping means)."""
    from concurrent.futures.process import BrokenProcessPool
    try:
        with pytest.raises(BrokenProcessPool):
            with parallel.Pending(_interrupted, None, list(range(8)), threshold=1) as pending:
                pending.results()
    except KeyboardInterrupt:   # (caught: it would stop the whole test run)
        pytest.fail("a worker's KeyboardInterrupt reached this process")
    assert "Traceback" not in capfd.readouterr().err


def _wait_for_parent(_, item):
    time.sleep(60)


def test_workers_end_when_the_process_that_started_them_is_killed(tmp_path):
    """serve stopped by its pid in the middle of a rebuild: its workers do not stay behind."""
    script = tmp_path / "starter.py"
    script.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from yearbook import parallel\n"
        "from test_parallel import _wait_for_parent\n"
        "pending = parallel.Pending(_wait_for_parent, None, list(range(4)), threshold=1)\n"
        "time.sleep(1)\n"
        "print(' '.join(str(pid) for pid in pending.pool._processes), flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    starter = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in starter.stdout.readline().split()]
    assert workers
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split()[2] != "Z"   # a zombie has ended (its parent is gone)
    except FileNotFoundError:
        return False
