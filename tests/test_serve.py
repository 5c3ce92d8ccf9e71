"""`build.py serve` end to end: a real server process, a copy of the fixture site, Debian's chromium.

Every wait has a timeout; every server is stopped (SIGINT, then kill) when its test ends.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, make_site, static_server, tree_bytes
from yearbook.cli import main

REBUILD = re.compile(r"^\d\d:\d\d:\d\d (rebuilt (all pages|\d+ pages?) in |\d+ errors? — )")
MEETINGS = Path("content/2022/gov/meetings.zh.md")


def test_serve_help_explains_watching_and_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--host", "--open", "--no-search", "--config", "127.0.0.1", "content/", "file:line:col"):
        assert option in out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`build.py serve` in a subprocess, its stdout and stderr collected line by line."""

    def __init__(self, site: Path, *args: str, port: int | None = None, env: dict | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port), *args],
                                     cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8", env={**os.environ, **(env or {})})
        self.out: list = []
        self.err: list = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()

    def lines(self, pattern=REBUILD) -> list:
        return [line for line in list(self.out) if re.search(pattern, line)]

    def wait_for(self, pattern=REBUILD, count: int = 1, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.lines(pattern)) >= count:
                return self.lines(pattern)
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"no {count} line(s) matching {pattern!r} within {timeout}s\n"
                             f"stdout:\n{''.join(self.out)}\nstderr:\n{''.join(self.err)}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


@pytest.fixture
def start(tmp_path):
    servers = []

    def starter(site: Path, *args: str, ready: str = r"^serving ", **kwargs) -> ServeProcess:
        server = ServeProcess(site, *args, **kwargs)
        servers.append(server)
        server.wait_for(ready, timeout=60)
        return server

    yield starter
    for server in servers:
        server.stop()


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site")


def enable_search(site: Path) -> None:
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")


def edit(site: Path, path, old: str, new: str) -> None:
    file = site / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_port_in_use_is_a_clear_error(site, start):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = ServeProcess(site, port=busy.getsockname()[1])
        try:
            assert server.proc.wait(60) == 1
        finally:
            server.stop()
    assert f"error: cannot listen on 127.0.0.1:{server.port}" in "".join(server.err)
    assert not server.lines(r"^serving ")


def test_open_starts_the_browser_on_the_site(site, start, tmp_path):
    opened = tmp_path / "opened.txt"
    fake = tmp_path / "fake-browser.py"
    fake.write_text(f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n", encoding="utf-8")
    server = start(site, "--open", env={"BROWSER": f"{sys.executable} {fake} %s"})
    deadline = time.monotonic() + 10
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text() == server.url + "/"


# --- In the browser --------------------------------------------------------------

@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    # livereload.js fires LiveReloadConnect once its websocket is up: only then can a save reload the page.
    context.add_init_script("document.addEventListener('LiveReloadConnect', () => { window.__livereload = true; });")
    page = context.new_page()
    yield page
    context.close()


def open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__livereload === true", timeout=15_000)


def test_a_save_reloads_the_open_page_with_the_new_text(site, start, page):
    server = start(site)
    open_live(page, f"{server.url}/zh/2022/gov/meetings/")
    # The offline service worker would answer from its cache; serve replaces it with one that does not.
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("window.__livereload === true")
    assert page.evaluate("!!navigator.serviceWorker.controller")
    with page.expect_event("load", timeout=15_000):  # the reload livereload asks for; we never reload here
        started = time.monotonic()
        edit(site, MEETINGS, "区政府召开第一次全体", "区政府隆重召开第一次全体")
    latency = time.monotonic() - started
    assert "隆重召开" in page.locator("main").inner_text()
    print(f"edit-to-reload latency: {latency:.2f}s")
    assert latency < 10
    assert len(server.wait_for()) == 1
    # One entry's text changed: its page in both languages is rendered, nothing else.
    assert server.lines()[0].split(" ", 1)[1].startswith("rebuilt 2 pages in ")
    assert "(content/2022/gov/meetings.zh.md)" in server.lines()[0]
    # A stylesheet alone is swapped in place: the page is not reloaded.
    page.evaluate("window.__same_page = true")
    css = site / "static" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 7px; }\n", encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).letterSpacing === '7px'", timeout=15_000)
    assert page.evaluate("window.__same_page === true")
    assert len(server.wait_for(count=2)) == 2


def test_a_rebuild_renders_only_what_changed_and_matches_a_full_build(site, start, tmp_path):
    server = start(site, "--no-search")
    public = site / "public"
    before = {path: path.stat().st_mtime_ns for path in public.rglob("*.html")}
    # Text of one entry: that page in both languages, and nothing else is rewritten.
    edit(site, MEETINGS, "区政府召开第一次全体", "区政府隆重召开第一次全体")
    assert server.wait_for()[-1].split(" ", 1)[1].startswith("rebuilt 2 pages in ")
    touched = sorted(path.relative_to(public).as_posix() for path in public.rglob("*.html")
                     if path.stat().st_mtime_ns != before.get(path))
    assert touched == ["en/2022/gov/meetings/index.html", "zh/2022/gov/meetings/index.html"]
    # A title is shown by other pages (navigation, contents, department pages): those pages are rendered.
    before = {path: path.stat().st_mtime_ns for path in public.rglob("*.html")}
    edit(site, MEETINGS, "title: ", "title: 新")
    rendered = int(re.match(r"rebuilt (\d+) pages in ", server.wait_for(count=2)[-1].split(" ", 1)[1]).group(1))
    touched = {path.relative_to(public).as_posix() for path in public.rglob("*/index.html")
               if path.stat().st_mtime_ns != before.get(path)}   # (and the 404 page, which lists volumes)
    assert len(touched) == rendered < len(before)
    assert {"zh/2022/index.html", "en/2022/gov/index.html", "zh/departments/district-government/index.html"} <= touched
    assert "zh/guide/index.html" not in touched
    # A template: every page.
    edit(site, "templates/base.html", '<footer class="colophon">', '<footer class="colophon" data-edited>')
    assert server.wait_for(count=3)[-1].split(" ", 1)[1].startswith("rebuilt all pages in ")
    # Another entry edit after full rebuilds: incremental again, and the result is what `build` writes.
    edit(site, MEETINGS, "隆重召开", "召开")
    assert server.wait_for(count=4)[-1].split(" ", 1)[1].startswith("rebuilt 2 pages in ")
    assert server.stop() == 0
    built = tmp_path / "built"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--quiet", "--no-search", "--output", str(built)],
                   cwd=site, check=True, timeout=60)
    assert tree_bytes(public) == tree_bytes(built)


def test_three_files_saved_at_once_build_once(site, start, page):
    server = start(site)
    open_live(page, f"{server.url}/zh/2022/gov/meetings/")
    with page.expect_event("load", timeout=15_000):
        # In three watched folders: python-livereload alone would run one callback per folder.
        edit(site, MEETINGS, "区政府召开第一次全体", "区政府隆重召开第一次全体")
        edit(site, "templates/base.html", '<footer class="colophon">', '<footer class="colophon" data-edited>')
        (site / "static" / "site.css").write_text((site / "static" / "site.css").read_text(encoding="utf-8")
                                                  + "\n.edited { color: red; }\n", encoding="utf-8")
    assert page.locator("footer[data-edited]").count() == 1
    server.wait_for()
    time.sleep(2)  # several polls later: still one build
    assert len(server.lines()) == 1, server.out
    assert "(3 files changed)" in server.lines()[0]


def test_pages_cached_by_the_offline_worker_come_back_live(site, start, page, tmp_path):
    # The site was served on this port before (README's quick start): its service worker answers
    # from its cache, pages without live reload. serve's worker replaces it and reloads them.
    assert main(["build", "--quiet", "--config", str(site / "config.yaml")]) == 0
    port = free_port()
    with static_server(site / "public", port) as url:
        page.goto(f"{url}/zh/2022/gov/meetings/")
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the shell precached, active
        page.reload()   # now under the worker, which keeps the pages the reader opens
        page.wait_for_function("caches.match(location.href).then(Boolean)")
    server = start(site, port=port)
    page.goto(f"{server.url}/zh/2022/gov/meetings/")
    page.wait_for_function("window.__livereload === true", timeout=15_000)
    with page.expect_event("load", timeout=15_000):
        edit(site, MEETINGS, "区政府召开第一次全体", "区政府隆重召开第一次全体")
    assert "隆重召开" in page.locator("main").inner_text()


def check_text(site: Path) -> str:
    """What `build.py check` prints for the site's problems (without its summary line)."""
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=site, capture_output=True,
                            text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 1
    return result.stderr.rsplit("\ncheck failed:", 1)[0]


def test_a_broken_save_shows_the_errors_over_the_last_good_page_until_fixed(site, start, page):
    server = start(site)
    open_live(page, f"{server.url}/zh/2022/gov/meetings/")
    overlay = page.locator("#yearbook-build-errors")
    assert overlay.count() == 0
    with page.expect_event("load", timeout=15_000):
        edit(site, MEETINGS, "title: 重要会议", 'title: "重要会议')  # a quote that never ends
    expected = check_text(site)
    assert "meetings.zh.md:" in expected and "error: invalid YAML" in expected
    assert overlay.locator("pre").inner_text() == expected
    assert re.match(r"build\.py serve: \d+ errors? — ", overlay.locator("h2").inner_text())
    assert page.locator("h1").inner_text() == "重要会议"  # the last good build is still served
    assert re.search(r" \d+ errors? — showing (them|it) in the browser$", server.wait_for()[0].strip())
    assert "error: invalid YAML" in "".join(server.err)
    # The errors stay while they are there...
    with page.expect_event("load", timeout=15_000):
        edit(site, MEETINGS, "区政府召开第一次全体", "区政府隆重召开第一次全体")
    assert overlay.locator("pre").inner_text() == check_text(site)
    # ...and go with the next good build, which is shown.
    with page.expect_event("load", timeout=15_000):
        edit(site, MEETINGS, 'title: "重要会议', "title: 重要会议")
    assert overlay.count() == 0
    assert "隆重召开" in page.locator("main").inner_text()
    assert len(server.wait_for(count=3)) == 3
    assert server.proc.poll() is None


def test_a_broken_site_at_start_is_served_with_its_errors(site, start, page):
    edit(site, MEETINGS, "title: 重要会议", 'title: "重要会议')
    server = start(site)
    assert not (site / "public").exists()
    assert server.lines(r"errors? — showing")
    open_live(page, f"{server.url}/")
    assert "invalid YAML" in page.locator("#yearbook-build-errors pre").inner_text()
    with page.expect_event("load", timeout=15_000):
        edit(site, MEETINGS, 'title: "重要会议', "title: 重要会议")
    page.wait_for_url(f"{server.url}/zh/")  # the home page's redirect, now that there is a site
    assert page.locator("h1").inner_text() == "测试年鉴"
    assert page.locator("#yearbook-build-errors").count() == 0


def test_the_overlay_speaks_the_editors_language(site, start, page):
    edit(site, MEETINGS, "title: 重要会议", 'title: "重要会议')
    server = start(site, "--lang", "zh", ready=r"^正在预览 public/：")
    assert re.search(r"^\d\d:\d\d:\d\d \d+ 个错误，已显示在浏览器中$", server.wait_for(r"个错误，已显示")[0].strip())
    page.goto(f"{server.url}/")
    assert "未找到页面。网站还没有构建，或者没有这个页面。" in page.locator("body").inner_text()   # no site yet
    overlay = page.locator("#yearbook-build-errors")
    assert re.fullmatch(r"build\.py serve：\d+ 个错误，本页是上次成功构建的版本", overlay.locator("h2").inner_text())
    assert overlay.locator("p").inner_text() == "改正并保存后，下次构建成功时这个框就会消失。"
    assert overlay.locator("button").get_attribute("aria-label") == "关闭"
    assert "meetings.zh.md:" in overlay.locator("pre").inner_text()


SEARCH = """async (term) => {
  const pagefind = await import(`/pagefind/${document.documentElement.lang.toLowerCase()}/0/pagefind.js`);
  const search = await pagefind.search(term);
  const pages = await Promise.all(search.results.map(r => r.data()));
  return pages.map(p => p.url);
}"""


def test_search_is_reindexed_after_the_reload_and_the_site_matches_build(site, start, page, tmp_path):
    enable_search(site)
    server = start(site)
    assert server.lines(r"^built public/: .* pages indexed")
    open_live(page, f"{server.url}/en/2022/gov/meetings/")
    assert page.evaluate(SEARCH, "zyxwvut") == []
    # While the rebuild and the background indexing run, pagefind/ never goes missing.
    statuses, done = [], threading.Event()

    def probe():
        while not done.is_set():
            try:
                statuses.append(urllib.request.urlopen(f"{server.url}/pagefind/en/0/pagefind-entry.json", timeout=5).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
            time.sleep(0.01)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    with page.expect_event("load", timeout=15_000):
        edit(site, "content/2022/gov/meetings.en.md", "held its first plenary", "held its zyxwvut first plenary")
    assert "zyxwvut" in page.locator("main").inner_text()
    server.wait_for(r"search index updated: \d+ pages")
    done.set()
    prober.join(10)
    assert statuses and set(statuses) == {200}
    rebuilt = server.out.index(server.lines()[0])
    assert rebuilt < server.out.index(server.lines(r"search index updated")[0])  # the reload did not wait
    page.goto(f"{server.url}/en/")
    assert page.evaluate(SEARCH, "zyxwvut") == ["/en/2022/gov/meetings/"]
    # Once indexed, the served folder is what `build` writes: no overlay, no livereload, same index.
    assert server.stop() == 0
    assert server.lines(r"^stopped\.$")
    assert not (site / ".public.serve").exists()
    built = tmp_path / "built"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--quiet", "--output", str(built)],
                   cwd=site, check=True, timeout=60)
    assert tree_bytes(site / "public") == tree_bytes(built)


def _raw_get(port: int, path: str, headers: dict) -> str:
    """The status line of a GET sent as written (urllib would fix up Host and the path)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        lines = [f"GET {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode("latin-1"))
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_preview_answers_only_its_own_host_names_and_origins(site, start):
    server = start(site, "--no-search")
    host = f"127.0.0.1:{server.port}"
    assert _raw_get(server.port, "/zh/", {"Host": host}) == "HTTP/1.1 200 OK"
    assert _raw_get(server.port, "/zh/", {"Host": f"localhost:{server.port}"}) == "HTTP/1.1 200 OK"
    # DNS rebinding: a page on evil.example.com resolving to 127.0.0.1 must not read the preview.
    for path in ("/zh/", "/livereload.js", "/forcereload"):
        assert _raw_get(server.port, path, {"Host": "evil.example.com"}).startswith("HTTP/1.1 400"), path
    assert _raw_get(server.port, "/%00", {"Host": host}) == "HTTP/1.1 400 Bad Request"
    upgrade = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert _raw_get(server.port, "/livereload", {**upgrade, "Origin": "http://evil.example.com"}).startswith("HTTP/1.1 403")
    # A client of our own origin connects; a frame that is not livereload's JSON is ignored, no traceback.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        request = ["GET /livereload HTTP/1.1", *(f"{k}: {v}" for k, v in upgrade.items()),
                   f"Origin: http://{host}", "", ""]
        sock.sendall("\r\n".join(request).encode("latin-1"))
        assert sock.recv(4096).startswith(b"HTTP/1.1 101")
        for message in (b"this is not JSON", b'{"command": "hello"}'):
            mask = os.urandom(4)
            sock.sendall(bytes([0x81, 0x80 | len(message)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(message)))
        answer = b""
        while b"hello" not in answer:
            chunk = sock.recv(4096)
            assert chunk, "the live-reload socket closed instead of answering"
            answer += chunk
    time.sleep(0.2)
    assert "Traceback" not in "".join(server.err)


def test_new_prints_the_address_of_the_running_preview(site, start):
    server = start(site, "--no-search")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "new", "section", "数字化改革", "--in", "2022/gov"],
                            cwd=site, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stderr
    assert (f"preview: {server.url}/zh/2022/gov/shu-zi-hua-gai-ge/ (build.py serve is running: it shows the page "
            "within a second)") in result.stdout
    server.stop()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "new", "section", "安全生产", "--in", "2022/gov"],
                            cwd=site, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert "preview: python build.py serve, then open http://127.0.0.1:8000/zh/2022/gov/an-quan-sheng-chan/" in result.stdout


def test_on_an_archive_the_open_page_comes_first_and_the_preview_answers_during_a_rebuild(tmp_path, start, page):
    """A template edit renders every page of a three-volume archive: the open page is written
    and reloaded first, and the preview keeps answering requests while the rest is rendered."""
    sys.path.insert(0, str(ROOT / "bench"))
    from archive import make_archive
    site = make_archive(tmp_path / "archive", 3)
    server = start(site, "--no-search", ready=r"^serving ")
    open_live(page, f"{server.url}/zh/2021/gov/meetings/")
    page.evaluate("window.__before = true")
    answered = []   # (seconds taken, seconds since the save) of requests made during the rebuild

    def ask() -> None:
        while not server.lines(REBUILD):
            asked = time.monotonic()
            with urllib.request.urlopen(f"{server.url}/en/2020/gov/fire/", timeout=30) as response:
                assert response.status == 200
            answered.append((time.monotonic() - asked, time.monotonic() - saved))
            time.sleep(0.05)

    saved = time.monotonic()
    edit(site, "templates/base.html", '<footer class="colophon">', '<footer class="colophon"><span>校样页脚</span>')
    asking = threading.Thread(target=ask)
    asking.start()
    page.wait_for_function("document.body && document.body.innerText.includes('校样页脚')", timeout=60_000)
    shown = time.monotonic() - saved
    # A save while every other page is being written: that work stops and starts again with both edits.
    server.wait_for(r"the open pages were reloaded first")
    edit(site, "content/2020/gov/fire.zh.md", "2021年,拱墅区消防救援部门", "2021年,拱墅区消防救援部门（再校）")
    asking.join(60)
    line = server.wait_for()[-1]
    assert line.split(" ", 1)[1].startswith("rebuilt all pages in ")
    assert "(content/2020/gov/fire.zh.md)" in line
    rebuild = float(re.search(r" in (\d+\.\d+)s", line).group(1))
    assert server.lines(r"newer saves came while every page was being written")
    print(f"open page shown after {shown:.2f}s; the rebuild after the second save took {rebuild:.2f}s; "
          f"{len(answered)} requests during the rebuilds, slowest {max(a for a, _ in answered):.2f}s")
    assert len(answered) >= 5 and max(a for a, _ in answered) < 1.5
    # Every page has the new footer and the new text: what `build` writes.
    assert server.stop() == 0
    built = tmp_path / "built"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--quiet", "--no-search", "--fresh", "--output",
                    str(built)], cwd=site, check=True, timeout=120)
    assert tree_bytes(site / "public") == tree_bytes(built)


def changes_seen(folder: Path, save) -> list:
    """What serve's watcher reports for `folder` after `save()` runs: its one callback's list."""
    import asyncio
    from yearbook.commands import serve as serve_module
    watcher = serve_module.SourceWatcher()

    async def save_and_wait() -> list:
        saved = asyncio.get_running_loop().create_future()
        watcher.watch(str(folder), lambda changed: saved.done() or saved.set_result(changed))
        watcher.start(None)
        await asyncio.sleep(0.5)
        save()
        return await asyncio.wait_for(saved, 10)

    seen = []   # in a thread of its own: the browser tests leave an event loop running in this one
    running = threading.Thread(target=lambda: seen.extend(asyncio.run(save_and_wait())))
    running.start()
    running.join(20)
    watcher.stop()
    return seen


def test_saves_are_seen_by_polling_where_the_system_cannot_tell(tmp_path, monkeypatch, capsys):
    """inotify can run out of watches (fs.inotify.max_user_watches): serve then looks at the files."""
    from yearbook.commands import serve as serve_module

    class NoWatches(serve_module.Observer):
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(serve_module, "Observer", NoWatches)
    folder = tmp_path / "content"
    folder.mkdir()
    seen = changes_seen(folder, lambda: (folder / "page.zh.md").write_text("saved", encoding="utf-8"))
    assert seen == [str(folder / "page.zh.md")]
    assert "inotify watch limit reached" in capsys.readouterr().err


def test_a_file_made_and_removed_within_a_save_is_not_a_change(tmp_path):
    """vim tests a folder by making and removing a file named 4913; sed -i and some editors write
    a temporary file and rename it over the page. Only the page changed: taken for a change,
    such a file (not a page source) made serve render every page of the site."""
    folder = tmp_path / "content"
    folder.mkdir()
    page = folder / "page.zh.md"
    page.write_text("before", encoding="utf-8")

    def save() -> None:
        probe = folder / "4913"                      # vim's probe
        probe.write_text("", encoding="utf-8")
        probe.unlink()
        temporary = folder / "sedAbC123"             # sed -i: a temporary file renamed over the page
        temporary.write_text("after", encoding="utf-8")
        os.replace(temporary, page)
    assert changes_seen(folder, save) == [str(page)]
