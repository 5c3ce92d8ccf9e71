"""The tool's own words (errors, hints, reports) in the editors' language.

Code never holds a sentence: it asks for words by a stable code with named
parameters, `t("config.not-found")`, and the words are chosen when printed, from
the catalogue of the language in use (`use("zh")`). So one diagnostic prints in
Chinese for the office, in English for a translator, and `--format json` carries
its code, which stays the same when the wording changes.

The catalogue is YAML beside this file, one file per area and language,
`AREA.LANG.yaml`, each entry either `code: text` or `code: {message, hint}`.
Texts are str.format templates: `{name}` is a parameter, `{{` a brace. A
parameter may itself be a Text (rendered in the same language) or a list
(joined with the language's separator).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader

FOLDER = Path(__file__).parent
LANGUAGES = ("zh", "en")          # languages the tool speaks
ENVIRONMENT = "YEARBOOK_LANG"     # like gettext's LANGUAGE: for a translator's shell
SEPARATOR = {"zh": "、", "en": ", "}

_in_use = ["en"]   # the language texts render in; the command line sets it once


def use(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"no messages in {lang!r}; the tool speaks {', '.join(LANGUAGES)}")
    _in_use[0] = lang


def in_use() -> str:
    return _in_use[0]


@dataclass(frozen=True)
class Text:
    """Words not yet chosen: a catalogue code and its parameters."""

    code: str
    params: tuple = ()   # (name, value) pairs, so a Text is hashable and comparable

    def render(self, lang: str | None = None, part: str = "message") -> str:
        lang = lang or in_use()
        entry = catalogue(lang).get(self.code)
        if entry is None:
            raise KeyError(f"message code {self.code!r} is not in the {lang} catalogue")
        template = entry.get(part, "")
        if not template:
            return ""
        values = {name: _value(value, lang) for name, value in self.params}
        return template.format(**values)

    def hint(self, lang: str | None = None) -> str:
        return self.render(lang, "hint")

    def __str__(self) -> str:
        return self.render()


def t(code: str, **params) -> Text:
    """The words for `code` with these parameters, rendered when printed."""
    return Text(code, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())))


def _value(value, lang: str) -> str:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return SEPARATOR[lang].join(_value(v, lang) for v in value)
    return str(value)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """Every entry of `lang`, from all AREA.LANG.yaml files; a code may appear once."""
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(FOLDER.glob(f"*.{lang}.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        for code, entry in data.items():
            if code in entries:
                raise ValueError(f"{path.name}: message code {code!r} is defined twice")
            entries[code] = {"message": entry} if isinstance(entry, str) else dict(entry)
    return entries


def choose(cli_lang: str | None, config_path: Path | None) -> str:
    """The editors' language: --lang, else $YEARBOOK_LANG, else config.yaml's
    editor_language, else its default_language, else Chinese (the office's)."""
    for lang in (cli_lang, os.environ.get(ENVIRONMENT)):
        if lang:
            return lang
    try:   # a glance only: load_config reports everything wrong with the file later
        raw = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_Loader)
        for key in ("editor_language", "default_language"):
            if isinstance(raw.get(key), str) and raw[key] in LANGUAGES:
                return raw[key]
    except Exception:   # noqa: BLE001 - unreadable or not a mapping: nothing to glance at
        pass
    return LANGUAGES[0]
