"""config.yaml: the declared schema and `load_config`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import Diagnostics, Location, suggest
from .files import read_text
from .schema import Bool, Dict, List, Map, Str, validate
from .yamldoc import parse_yaml

LANGUAGE = Map({
    "code": Str("BCP 47 code written to <html lang>, e.g. zh-CN or en", required=True),
    "prefix": Str("URL prefix of this edition, e.g. zh → /zh/…", required=True),
    "name": Str("name of the language in itself, shown in the language switch", required=True),
})

CONFIG_SCHEMA = Map({
    "title": Dict(Str(), "site title per language key, e.g. {zh: 拱墅年鉴, en: Gongshu Yearbook}", required=True),
    "description": Dict(Str(), "one-sentence description per language key (meta description)", default=dict),
    "base_url": Str("public URL of the site root, e.g. https://example.org/yearbook/ (links use its path)", default="/"),
    "default_language": Str("language key of the source text; other languages translate it", required=True),
    "languages": Dict(LANGUAGE, "language key → {code, prefix, name}", required=True),
    "content_dir": Str("folder of Markdown sources, relative to config.yaml", default="content"),
    "templates_dir": Str("folder of Jinja templates", default="templates"),
    "static_dir": Str("folder of static assets copied to the output", default="static"),
    "output_dir": Str("folder the site is written to; replaced only by a successful build", default="public"),
    "search": Bool("build the Pagefind search index", default=True),
    "volumes": List(Str(), "volume folders in the order shown on the home page (newest first)", default=list),
    "guide": Str("editing guide published at /LANG/guide/: files GUIDE.LANG.md (a missing one is not published)",
                 default="docs/guide"),
    "offline_zip": Str("name of each volume's offline edition, e.g. gongshu-yearbook-{volume}: build (with search) "
                       "writes downloads/NAME.zip and the volume page links to it", default=None),
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
    languages: tuple        # Language, default language first
    content_dir: Path
    templates_dir: Path
    static_dir: Path
    output_dir: Path
    search: bool
    volumes: tuple
    guide: Path = Path("docs/guide")   # stem of the editing guide files, guide.zh.md …
    offline_zip: str | None = None     # gongshu-yearbook-{volume}: build writes downloads/NAME.zip per volume

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
        diags.error(Location(name), "config file not found",
                    "run build.py from the project folder, or pass --config PATH")
        return None
    text = read_text(path, root, diags)
    if text is None:
        return None
    doc = parse_yaml(text, name, diags)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        diags.error(Location(name, 1, 1), "config.yaml must be a mapping of settings", "see README.md, 'Configuration'")
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
        languages=tuple(Language(k, v["code"], v["prefix"], v["name"]) for k, v in ordered),
        content_dir=root / raw["content_dir"], templates_dir=root / raw["templates_dir"],
        static_dir=root / raw["static_dir"], output_dir=root / raw["output_dir"],
        search=raw["search"], volumes=tuple(raw["volumes"]), guide=root / raw["guide"],
        offline_zip=raw["offline_zip"],
    )

def _check_languages(raw: dict, doc, root: Path, diags: Diagnostics) -> None:
    """Cross-field checks of the languages: the default is one of them, prefixes differ,
    each has its UI strings, and `title` names exactly them."""
    languages = raw["languages"] or {}
    default = raw["default_language"]
    if default and languages and default not in languages:
        diags.error(doc.where("default_language"), f"default_language '{default}' is not in languages",
                    suggest(default, languages) or f"use one of: {', '.join(languages)}")
    prefixes = {}
    for key, lang in languages.items():
        if not lang:
            continue
        if lang["prefix"] in prefixes:
            diags.error(doc.where("languages", key, "prefix"), f"prefix '{lang['prefix']}' is used by '{prefixes[lang['prefix']]}' too",
                        "give every language its own URL prefix")
        prefixes[lang["prefix"]] = key
    for key in languages:   # before anything names this language: its missing strings would explain them all
        strings = strings_file(root / (raw["templates_dir"] or "templates"), key)
        if not strings.is_file():
            diags.error(doc.where("languages", key, key=True), f"language '{key}' has no UI strings file "
                        f"{strings.relative_to(root).as_posix() if root in strings.parents else strings}",
                        f"copy {STRINGS_DIR}/{default}.yaml of the templates folder to {key}.yaml and translate it")
    for key in languages:
        if key not in (raw["title"] or {}):
            diags.error(doc.where("title"), f"'title' has no text for language '{key}'", f"add '{key}: …' under 'title'")
    for key in raw["title"] or {}:
        if languages and key not in languages:
            diags.error(doc.where("title", key, key=True), f"'title' names unknown language '{key}'",
                        suggest(key, languages) or "remove it or add the language")


def _check_offline_zip(raw: dict, doc, diags: Diagnostics) -> None:
    pattern = raw["offline_zip"]
    if pattern is not None and ("{volume}" not in pattern or not re.fullmatch(r"[A-Za-z0-9._{}-]+", pattern)):
        diags.error(doc.where("offline_zip"), f"offline_zip '{pattern}' must name each volume's zip with {{volume}}",
                    "e.g. offline_zip: gongshu-yearbook-{volume} (letters, digits, '-', '_' and '.')")
