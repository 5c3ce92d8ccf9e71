"""The message catalogue (yearbook/messages): every code the code asks for exists in
both languages, with the same parameters, and nothing is said in a sentence in code."""
from __future__ import annotations

import ast
import re
import string

import pytest

from conftest import ROOT
from yearbook import messages
from yearbook.diagnostics import Diagnostics, Location
from yearbook.messages import t

PACKAGE = ROOT / "yearbook"
CJK = re.compile(r"[\u3400-\u9fff]")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_codes_and_parameters():
    zh, en = messages.catalogue("zh"), messages.catalogue("en")
    assert set(zh) == set(en), f"only in zh: {sorted(set(zh) - set(en))}; only in en: {sorted(set(en) - set(zh))}"
    for code in en:
        for part in ("message", "hint"):
            assert fields(zh[code].get(part, "")) == fields(en[code].get(part, "")), f"{code}: {part} parameters differ"
            assert bool(zh[code].get(part)) == bool(en[code].get(part)), f"{code}: {part} in one language only"


def test_chinese_entries_are_in_chinese():
    for code, entry in messages.catalogue("zh").items():
        text = entry["message"]
        if re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", text)) and not CJK.search(text):
            # A few are the same in both languages (a file name, a number): they say nothing to translate.
            assert text == messages.catalogue("en")[code]["message"], f"{code}: not Chinese: {text!r}"


def codes_in_code():
    """(file, line, code or prefix, is_prefix) of every code in a call that takes one."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("error", "warning") and len(node.args) >= 2:
                arg = node.args[1]
            elif name in ("t", "_t", "Text") and node.args:
                arg = node.args[0]
            elif name in ("Str", "Int", "Bool", "Any") and node.args:
                arg = node.args[0]
            elif name in ("List", "Map", "Dict") and len(node.args) >= 2:
                arg = node.args[1]
            else:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield where, arg.value, False
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                yield where, arg.values[0].value, True


def test_every_code_in_code_is_in_the_catalogue():
    known = messages.catalogue("en")
    found = list(codes_in_code())
    assert len(found) > 300, "the scan found too few codes: did the call names change?"
    for where, code, is_prefix in found:
        if code == "":
            continue   # a Field without a doc
        assert " " not in code, f"{where}: a sentence where a message code belongs: {code!r}"
        if is_prefix:
            assert any(k.startswith(code) for k in known), f"{where}: no code starts with {code!r}"
        else:
            assert code in known, f"{where}: message code {code!r} is not in the catalogue"


def test_no_sentence_goes_through_the_transition_path():
    text = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    assert "legacy" not in text
    assert "legacy" not in messages.catalogue("en")


def test_a_diagnostic_prints_in_the_language_in_use_and_keeps_its_code():
    diags = Diagnostics()
    diags.error(Location("content/a.zh.md", 3, 5), "schema.unknown-key", key="titel", name="",
                hint=t("hint.did-you-mean", word="title"))
    messages.use("zh")
    assert diags.format_text() == 'content/a.zh.md:3:5: 错误：不认识的键“titel”\n  提示：是不是想写“title”？'
    messages.use("en")
    assert diags.format_text() == "content/a.zh.md:3:5: error: unknown key 'titel'\n  hint: did you mean 'title'?"
    assert '"code": "schema.unknown-key"' in diags.format_json()


def test_lists_are_joined_the_way_each_language_writes_them():
    text = t("hint.use-one-of", choices=["zh", "en"])
    assert text.render("zh") == "可用的值：zh、en"
    assert text.render("en") == "use one of: zh, en"


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_every_entry_renders(lang):
    for code, entry in messages.catalogue(lang).items():
        for part in ("message", "hint"):
            template = entry.get(part, "")
            template.format(**{name: "x" for name in fields(template)})   # no stray brace


def test_every_step_of_the_build_has_a_name_in_the_catalogue():
    """Each `report.step("…")` in the code is named in the editors' language in the summary line."""
    import re
    from yearbook.progress import STEP_NAMES
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "yearbook").rglob("*.py"))
    steps = set(re.findall(r'report\.step\("([a-z]+)"\)', code))
    assert steps and steps <= set(STEP_NAMES), sorted(steps - set(STEP_NAMES))
