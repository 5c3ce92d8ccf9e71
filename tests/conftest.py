"""Shared test helpers: a private copy of the fixture site, and the CLI called in-process."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from yearbook import messages  # noqa: E402
from yearbook.cli import main  # noqa: E402

# Tests pin the English messages unless they ask for Chinese (--lang zh); subprocesses inherit this.
os.environ[messages.ENVIRONMENT] = "en"


@pytest.fixture(autouse=True)
def english_messages():
    """A test that ran the CLI in Chinese must not leave the next test's messages in Chinese."""
    messages.use("en")
    yield
    messages.use("en")


def make_site(target: Path) -> Path:
    """Copy the fixture site with the project's templates and static files into `target`."""
    shutil.copytree(FIXTURES / "site", target)
    shutil.copytree(ROOT / "templates", target / "templates")
    shutil.copytree(ROOT / "static", target / "static")
    config = target / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("../../../templates", "templates").replace("../../../static", "static"), encoding="utf-8")
    return target


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def run(capsys, monkeypatch):
    """run(site_dir, 'check', '--strict') → (exit code, stdout, stderr), run from the site folder."""

    def runner(site_dir: Path, *args: str):
        monkeypatch.chdir(site_dir)
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return runner


def tree_bytes(folder: Path) -> dict:
    """Every file under `folder` (relative path → bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- browser tests ------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def require(condition: bool, what: str, install: str) -> None:
    """Skip on a developer's machine that lacks a system tool; fail in CI (.ci/run installs it)."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {what}: {install}")
        pytest.skip(f"{what} is not installed ({install})")


def playwright_api():
    """Playwright's sync API, with Debian's chromium present."""
    require(os.path.exists(CHROMIUM), "Debian's chromium", "apt-get install chromium fonts-wqy-zenhei")
    from playwright import sync_api
    return sync_api


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def build_bundled(tmp_path_factory, name: str, *args: str) -> Path:
    """The bundled yearbook built (with `args`, e.g. --no-search) into a fresh folder; its path."""
    out = tmp_path_factory.mktemp(name) / "public"
    assert main(["build", *args, "--quiet", "--config", str(ROOT / "config.yaml"), "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, one per test module (tests open their own contexts and pages)."""
    with playwright_api().sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_server(folder: Path, port: int = 0):
    """`folder` served over HTTP on 127.0.0.1 (a free port unless given), as a static host would; yields its URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
