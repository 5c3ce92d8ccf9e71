"""config.yaml: the declared schema and `load_config`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import Diagnostics, Location, suggest
from .files import read_text
from .messages import LANGUAGES, t
from .schema import Bool, Dict, Int, List, Map, Str, validate
from .yamldoc import parse_yaml

LANGUAGE = Map({
    "code": Str("doc.language.code", required=True),
    "prefix": Str("doc.language.prefix", required=True),
    "name": Str("doc.language.name", required=True),
})

CONFIG_SCHEMA = Map({
    "title": Dict(Str(), "doc.config.title", required=True),
    "description": Dict(Str(), "doc.config.description", default=dict),
    "base_url": Str("doc.config.base_url", default="/"),
    "default_language": Str("doc.config.default_language", required=True),
    "editor_language": Str("doc.config.editor_language", choices=LANGUAGES),   # default: default_language
    "languages": Dict(LANGUAGE, "doc.config.languages", required=True),
    "content_dir": Str("doc.config.content_dir", default="content"),
    "templates_dir": Str("doc.config.templates_dir", default="templates"),
    "static_dir": Str("doc.config.static_dir", default="static"),
    "output_dir": Str("doc.config.output_dir", default="public"),
    "search": Bool("doc.config.search", default=True),
    "search_memory": Int("doc.config.search_memory", default=1500),
    "volumes": List(Str(), "doc.config.volumes", default=list),
    "guide": Str("doc.config.guide", default="docs/guide"),
    "offline_zip": Str("doc.config.offline_zip", default=None),
})


@dataclass(frozen=True)
class Language:
    key: str
    code: str
    prefix: str
    name: str


@dataclass(frozen=True)
class Config:
    root: Path
    file: str
    title: dict
    description: dict
    base_url: str
    base_path: str          # "/" or "/sub/": prefix of every generated link
    default_language: str
    editor_language: str    # language of the tool's messages (messages.choose reads it before loading)
    languages: tuple        # Language, default language first
    content_dir: Path
    templates_dir: Path
    static_dir: Path
    output_dir: Path
    search: bool
    volumes: tuple
    guide: Path = Path("docs/guide")   # stem of the editing guide files, guide.zh.md …
    offline_zip: str | None = None     # gongshu-yearbook-{volume}: build writes downloads/NAME.zip per volume
    search_memory: int = 1500          # MB per Pagefind run: larger archives are indexed in bundles (search_index.py)

    def language(self, key: str) -> Language:
        for lang in self.languages:  # two or three languages: a scan beats building a dict
            if lang.key == key:
                return lang
        raise KeyError(key)

    @property
    def language_keys(self) -> tuple:
        return tuple(lang.key for lang in self.languages)


STRINGS_DIR = "i18n"   # UI strings: TEMPLATES/i18n/LANG.yaml


def strings_file(templates_dir: Path, lang: str) -> Path:
    return templates_dir / STRINGS_DIR / f"{lang}.yaml"


def load_config(path: Path, diags: Diagnostics) -> Config | None:
    """Read and validate config.yaml; None (with diagnostics) when it is unusable."""
    root = path.parent.resolve()
    name = path.name
    if not path.is_file():
        diags.error(Location(name), "input.config-not-found")
        return None
    text = read_text(path, root, diags)
    if text is None:
        return None
    doc = parse_yaml(text, name, diags)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        diags.error(Location(name, 1, 1), "input.config-not-a-mapping")
        return None
    before = len(diags.errors)
    raw = validate(doc.data, CONFIG_SCHEMA, doc, diags)
    languages = raw["languages"] or {}
    default = raw["default_language"]
    _check_languages(raw, doc, root, diags)
    _check_offline_zip(raw, doc, diags)
    if len(diags.errors) > before:
        return None
    ordered = sorted(languages.items(), key=lambda kv: kv[0] != default)
    base_path = urlsplit(raw["base_url"]).path or "/"
    if not base_path.endswith("/"):
        base_path += "/"
    return Config(
        root=root, file=name, title=raw["title"], description=raw["description"] or {},
        base_url=raw["base_url"], base_path=base_path, default_language=default,
        editor_language=raw["editor_language"] or (default if default in LANGUAGES else LANGUAGES[0]),
        languages=tuple(Language(k, v["code"], v["prefix"], v["name"]) for k, v in ordered),
        content_dir=root / raw["content_dir"], templates_dir=root / raw["templates_dir"],
        static_dir=root / raw["static_dir"], output_dir=root / raw["output_dir"],
        search=raw["search"], volumes=tuple(raw["volumes"]), guide=root / raw["guide"],
        offline_zip=raw["offline_zip"], search_memory=raw["search_memory"],
    )

def _check_languages(raw: dict, doc, root: Path, diags: Diagnostics) -> None:
    """Cross-field checks of the languages: the default is one of them, prefixes differ,
    each has its UI strings, and `title` names exactly them."""
    languages = raw["languages"] or {}
    default = raw["default_language"]
    if default and languages and default not in languages:
        diags.error(doc.where("default_language"), "input.default-language-not-in-languages", language=default,
                    hint=suggest(default, languages) or t("hint.use-one-of", choices=list(languages)))
    prefixes = {}
    for key, lang in languages.items():
        if not lang:
            continue
        if lang["prefix"] in prefixes:
            diags.error(doc.where("languages", key, "prefix"), "input.prefix-used-twice", prefix=lang["prefix"],
                        other=prefixes[lang["prefix"]])
        prefixes[lang["prefix"]] = key
    for key in languages:   # before anything names this language: its missing strings would explain them all
        strings = strings_file(root / (raw["templates_dir"] or "templates"), key)
        if not strings.is_file():
            diags.error(doc.where("languages", key, key=True), "input.no-ui-strings", language=key,
                        file=strings.relative_to(root).as_posix() if root in strings.parents else strings,
                        folder=STRINGS_DIR, default=default)
    for key in languages:
        if key not in (raw["title"] or {}):
            diags.error(doc.where("title"), "input.title-missing-language", language=key)
    for key in raw["title"] or {}:
        if languages and key not in languages:
            diags.error(doc.where("title", key, key=True), "input.title-unknown-language", language=key,
                        hint=suggest(key, languages) or t("input.remove-or-add-language"))


def _check_offline_zip(raw: dict, doc, diags: Diagnostics) -> None:
    pattern = raw["offline_zip"]
    if pattern is not None and ("{volume}" not in pattern or not re.fullmatch(r"[A-Za-z0-9._{}-]+", pattern)):
        diags.error(doc.where("offline_zip"), "input.offline-zip-pattern", pattern=pattern)
