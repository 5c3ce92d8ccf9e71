"""Shared test helpers: a private copy of the fixture site, and the CLI called in-process."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from yearbook.cli import main  # noqa: E402


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
