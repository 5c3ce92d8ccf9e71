"""Golden site: the fixture site builds to exactly the committed tree.

After an intended change to templates or rendering, regenerate with
    YEARBOOK_REGENERATE=1 python -m pytest tests/test_golden.py
and review the diff of tests/fixtures/expected-site/ before committing.
"""
import os
import shutil

from pathlib import Path

from conftest import FIXTURES, ROOT, tree_bytes

EXPECTED = FIXTURES / "expected-site"


def test_fixture_site_matches_golden_tree(site, run):
    out = site / "public"
    code, _, err = run(site, "build", "--no-search", "--quiet")
    assert code == 0, err
    built = tree_bytes(out)
    # static/ is copied verbatim: compared with its source here, not kept twice in the golden tree.
    assert {p: d for p, d in built.items() if p.startswith("static/")} == {
        f"static/{p}": d for p, d in tree_bytes(ROOT / "static").items()}
    built = {p: d for p, d in built.items() if not p.startswith("static/")}
    if os.environ.get("YEARBOOK_REGENERATE"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED, ignore=lambda folder, names: ["static"] if Path(folder) == out else [])
    expected = tree_bytes(EXPECTED)
    assert sorted(built) == sorted(expected), "files added or missing: regenerate and review"
    for path, data in expected.items():
        assert built[path] == data, f"{path} differs from the golden copy"
