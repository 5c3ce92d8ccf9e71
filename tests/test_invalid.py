"""Invalid sites: each case is the fixture site with a few files replaced, and the
exact text an editor sees. Cases live in tests/fixtures/invalid/<case>/:
the files to overlay, `expected.txt` and `expected.zh.txt` (stderr, exactly, in
English and in Chinese: the editors' language) and optional `args.txt` (default:
`check`). Regenerate with YEARBOOK_REGENERATE=1 and review the diff."""
import os
import shutil

import pytest

from conftest import FIXTURES

CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_exact_errors(case, lang, site, run):
    folder = FIXTURES / "invalid" / case
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not rel.as_posix().startswith("expected.") and rel.as_posix() != "args.txt":
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, site / rel)
    args_file = folder / "args.txt"
    args = args_file.read_text(encoding="utf-8").split() if args_file.exists() else ["check"]
    code, _, err = run(site, "--lang", lang, *args)
    expected_file = folder / ("expected.txt" if lang == "en" else f"expected.{lang}.txt")
    if os.environ.get("YEARBOOK_REGENERATE"):
        expected_file.write_text(err, encoding="utf-8")
    assert code == 1
    assert err == expected_file.read_text(encoding="utf-8")
    assert not (site / "public").exists(), "a failed build or a check must not write the site"
