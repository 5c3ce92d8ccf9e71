"""Progress on a terminal: a step line and a render counter on stderr when it is a TTY,
nothing at all when it is not (logs, pipes) or with --quiet."""
import io
import sys

from conftest import make_site
from yearbook.cli import main
from yearbook.parallel import map_items
from yearbook.progress import ERASE, Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def build_with_stderr(tmp_path, monkeypatch, stream, *extra) -> tuple:
    site = make_site(tmp_path / "site")
    monkeypatch.chdir(site)
    monkeypatch.setattr(sys, "stderr", stream)
    code = main(["build", "--no-search", *extra])
    return code, stream.getvalue(), site


def test_a_terminal_shows_the_steps_and_the_render_counter(tmp_path, monkeypatch, capsys):
    code, err, site = build_with_stderr(tmp_path, monkeypatch, FakeTerminal())
    assert code == 0
    pages = len(list((site / "public").glob("*/**/index.html")))
    assert f"{ERASE}render {pages}/{pages} pages" in err
    assert f"{ERASE}render 1/{pages} pages" in err
    for step in ("config…", "validate…", "render…", "swap…"):
        assert f"{ERASE}{step}" in err
    assert err.endswith(ERASE), "the line is erased before the summary prints"
    assert "built public/" in capsys.readouterr().out


def test_no_terminal_means_no_progress_output(tmp_path, monkeypatch):
    code, err, _ = build_with_stderr(tmp_path, monkeypatch, io.StringIO())
    assert code == 0
    assert err == ""


def test_quiet_shows_no_progress_even_on_a_terminal(tmp_path, monkeypatch):
    code, err, _ = build_with_stderr(tmp_path, monkeypatch, FakeTerminal(), "--quiet")
    assert code == 0
    assert err == ""


def test_counter_updates_are_throttled_but_the_last_is_always_shown():
    now = [0.0]
    stream = FakeTerminal()
    progress = Progress(stream, clock=lambda: now[0])
    progress.step("render")
    for done in range(1, 101):
        now[0] += 0.001   # 100 pages in 0.1 s
        progress.count("render", done, 100)
    shown = [part for part in stream.getvalue().split(ERASE) if part]
    assert shown[0] == "render…"
    assert shown[1] == "render 1/100 pages"
    assert shown[-1] == "render 100/100 pages"
    assert len(shown) < 10


def _square(context, item):
    return context * item * item


def test_map_items_reports_progress_from_worker_processes():
    calls = []
    results = map_items(_square, 2, list(range(500)), workers=2, progress=lambda done, total: calls.append((done, total)))
    assert results == [2 * i * i for i in range(500)]
    assert calls[-1] == (500, 500)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert 1 < len(calls) <= 500
