"""Print proofs (`build.py pdf`): a chapter of the bundled yearbook as a PDF, read back with
poppler's pdftotext: page count, every entry title, no nearly empty page, same bytes twice."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, require
from yearbook.cli import main

GOV = ROOT / "content/2022/gov"


@pytest.fixture(scope="module")
def proof(tmp_path_factory):
    require(shutil.which("pdftotext") is not None, "pdftotext", "apt-get install poppler-utils")
    path = tmp_path_factory.mktemp("pdf") / "gov-zh.pdf"
    assert main(["pdf", "--volume", "2022", "--chapter", "gov", "--lang", "zh", "--quiet",
                 "--config", str(ROOT / "config.yaml"), "--output", str(path)]) == 0
    return path


def page_texts(path) -> list:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout).group(1))
    return ["".join(subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"],
                                   capture_output=True, text=True).stdout.split()) for i in range(1, pages + 1)]


def test_the_chapter_proof_has_every_entry_and_no_nearly_empty_page(proof):
    texts = page_texts(proof)
    assert 10 <= len(texts) <= 40, len(texts)
    whole = "".join(texts)
    titles = [line[3:].strip() for path in sorted(GOV.glob("*.zh.md"))
              for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert len(titles) == 45
    missing = [title for title in titles if "".join(title.split()) not in whole]
    assert not missing, missing
    assert "校样" in texts[0] and "拱墅年鉴2022" in texts[0]           # the cover
    assert "目录" in texts[1] and "重要会议" in texts[1]               # contents with page numbers
    assert re.search(r"区政府全体会议\.+\d+", texts[1])
    assert "表4" in whole and "2021年拱墅区政府常务会议一览表" in whole   # numbered as on the site
    short = [i + 1 for i, text in enumerate(texts[1:], start=1) if len(text) < 200]
    assert not short, f"nearly empty pages: {short}"


def test_the_proof_is_byte_identical_for_the_same_content(proof, tmp_path):
    again = tmp_path / "again.pdf"
    assert main(["pdf", "--volume", "2022", "--chapter", "gov", "--lang", "zh", "--quiet",
                 "--config", str(ROOT / "config.yaml"), "--output", str(again)]) == 0
    assert again.read_bytes() == proof.read_bytes()


def test_an_unknown_chapter_is_an_error_naming_the_chapters(tmp_path, capsys):
    assert main(["pdf", "--volume", "2022", "--chapter", "gv", "--config", str(ROOT / "config.yaml"),
                 "--output", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "config.yaml: error: --chapter gv: no such part of volume 2022\n  hint: did you mean 'gov'?" in err
    assert not (tmp_path / "x.pdf").exists()
