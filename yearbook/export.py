"""The offline edition: a copy of the site that works from disk (USB stick, CD, zip).

Browsers opened on `file://` do not open a folder's index.html, block module
scripts and `fetch`, and run no service worker. So the export takes a normal
build (search included) and rewrites it:

- every link and asset address becomes relative and names a file
  (`/zh/2022/gov/` → `../../2022/gov/index.html` from wherever the page is);
- search reads the same records Pagefind serves online (each page's text,
  headings and filter metadata, from the index the build just made), written
  as one plain `<script>` per language that the search page loads, so the
  same exact matching (static/search.js) gives the same pages and entries;
- what needs a server is left out (service worker, offline list, Pagefind,
  web app manifests), and every page says it is the offline edition, with
  a content version (a hash of the sources) instead of a clock date, so two
  exports of the same content are byte-identical, the zip included.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import posixpath
import re
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urljoin

from . import output
from .config import Config
from .diagnostics import Diagnostics, Location

DOWNLOADS = "downloads"                   # build's offline zips (offline_zip in config.yaml)
LEFT_OUT = ("sw.js", "offline.json", "pagefind/", "robots.txt", "sitemap.xml", DOWNLOADS + "/")
OFFLINE_SEARCH = "search"                 # folder of the per-language record scripts
CHAR_INDEX = re.compile("\u2045[^\u2046]*\u2046")   # the hidden character lists (search.py)
ATTRIBUTE = re.compile(r'(\s(?:href|src|action|data-root)=")([^"]*)(")')
ONLINE_ONLY = re.compile(r"<[a-z]+ [^>]*data-online-only[^>]*>.*?</[a-z]+>\n?", re.S)   # e.g. the download link
MANIFEST_LINK = re.compile(r'<link rel="manifest"[^>]*>\n?')   # an installable web app needs a server
REFRESH = re.compile(r'(<meta http-equiv="refresh" content="0; url=)([^"]*)(")')
ZIP_TIME = (1980, 1, 1, 0, 0, 0)          # fixed: a zip of the same content is byte-identical


def write_downloads(config: Config, site_dir: Path, strings: dict, diags: Diagnostics) -> list:
    """`build` with `offline_zip` set: the offline edition of each volume as
    site_dir/downloads/NAME.zip, made from the site just built (its search index included);
    returns the zips' paths. Links to other volumes' pages point at the online site."""
    version = content_version(config)
    made = []
    with tempfile.TemporaryDirectory(prefix="yearbook-downloads-") as work:
        for volume in config.volumes:
            name = config.offline_zip.replace("{volume}", volume)
            edition = Path(work) / name
            others = tuple(v for v in config.volumes if v != volume)
            write_offline_edition(site_dir, edition, config, strings, version, diags, left_out_volumes=others)
            (site_dir / DOWNLOADS).mkdir(exist_ok=True)
            made.append(write_zip(edition, site_dir / DOWNLOADS / f"{name}.zip"))
    return made


def content_version(config: Config) -> str:
    """A short hash of every source file: what this edition was made from (not when)."""
    digest = hashlib.sha1()
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            digest.update(path.relative_to(config.root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def write_offline_edition(built: Path, staging: Path, config: Config, strings: dict, version: str,
                          diags: Diagnostics, left_out_volumes: tuple = ()) -> None:
    """Copy the built site into `staging`, rewritten to work from disk (without the pages of
    `left_out_volumes`: links to them point at the online site)."""
    base = config.base_path
    others = tuple(f"{lang.prefix}/{volume}/" for lang in config.languages for volume in left_out_volumes)
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        rel = path.relative_to(built).as_posix()
        if rel == output.MARKER or rel.startswith(LEFT_OUT + others) or rel.endswith((".webmanifest", ".gz", ".br")):
            continue
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".html"):
            html = path.read_text(encoding="utf-8")
            lang = _page_language(html, config)
            html = _relative_links(ONLINE_ONLY.sub("", MANIFEST_LINK.sub("", html)), rel, base, built, others,
                                   config.base_url)
            html = _with_offline_note(html, strings.get(lang, {}), version)
            if 'id="search-form"' in html:
                html = _with_search_records(html, rel, lang, config)
            target.write_text(html, encoding="utf-8")
        else:
            output.link_or_copy(path, target)
    for lang, records in search_records(built, config, diags, others).items():
        script = staging / OFFLINE_SEARCH / f"{lang}.js"
        script.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        code = json.dumps(config.language(lang).code)   # search.js looks its page's <html lang> up
        script.write_text(f"// Search records of the offline edition ({lang}): read by static/search.js.\n"
                          f"(window.YEARBOOK_OFFLINE = window.YEARBOOK_OFFLINE || {{}})[{code}] = {data};\n",
                          encoding="utf-8")


def _page_language(html: str, config: Config) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    code = match.group(1) if match else ""
    return next((lang.key for lang in config.languages if lang.code == code), config.default_language)


def _relative_links(html: str, rel: str, base: str, built: Path, others: tuple = (), base_url: str = "/") -> str:
    """Root-relative addresses (`/zh/2022/`) become relative file addresses (`../2022/index.html`);
    addresses of pages left out (`others`) become the online site's."""
    here = posixpath.dirname(rel)

    def local(url: str) -> str:
        if not url.startswith(base) or url.startswith("//"):
            return url   # external, or already relative
        path, sep, rest = url.partition("#")
        path, qsep, query = path.partition("?")
        inner = path[len(base):]
        if inner.startswith(others) and others:
            return urljoin(base_url, url)
        if inner == "" or inner.endswith("/") or (built / inner).is_dir():
            inner = posixpath.join(inner, "index.html")
        relative = posixpath.relpath(inner, here or ".")
        return relative + (qsep + query) + (sep + rest)

    def attribute(match) -> str:
        name, value, close = match.groups()
        if name.strip() == 'data-root="':
            return f'{name}{posixpath.relpath(".", here or ".")}/{close}'
        return name + local(value) + close

    return REFRESH.sub(lambda m: m.group(1) + local(m.group(2)) + m.group(3), ATTRIBUTE.sub(attribute, html))


def _with_offline_note(html: str, t: dict, version: str) -> str:
    note = t.get("offline_edition", "Offline edition · content version {version}").replace("{version}", version)
    return html.replace('<main', f'<p class="offline-note" role="note">{note}</p>\n<main', 1)


def _with_search_records(html: str, rel: str, lang: str, config: Config) -> str:
    """The search page loads its language's records with a plain script, before search.js."""
    script = posixpath.relpath(f"{OFFLINE_SEARCH}/{lang}.js", posixpath.dirname(rel))
    tag = f'<script src="{script}"></script>\n'
    return html.replace('<script src="', tag + '<script src="', 1) if "search.js" in html else html


def search_records(built: Path, config: Config, diags: Diagnostics, left_out: tuple = ()) -> dict:
    """Per language: the records Pagefind holds for each page (url, text, headings, metadata),
    read back from the index this build wrote, addresses made relative to the site root."""
    records: dict = {lang.key: [] for lang in config.languages}
    codes = {lang.code.lower(): lang.key for lang in config.languages}
    fragments = sorted((built / "pagefind" / "fragment").glob("*.pf_fragment"))
    if not fragments:
        diags.error(Location(config.file), "the build made no search index to export",
                    "set search: true in config.yaml (the offline edition searches the same records)")
        return {}
    page_langs = _languages_of_pages(built, codes)
    for fragment in fragments:
        raw = gzip.decompress(fragment.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])   # Pagefind writes a short signature before the JSON
        url = data["url"]
        lang = page_langs.get(url)
        if lang is None:
            continue
        inner = url[len(config.base_path):] if url.startswith(config.base_path) else url.lstrip("/")
        if left_out and inner.startswith(left_out):
            continue
        records[lang].append({
            "url": posixpath.join(inner, "index.html") if inner.endswith("/") or not inner else inner,
            # The extended binary stores Chinese with a zero-width space between its words;
            # pagefind.js removes them before handing a record out, so the export does too.
            "content": CHAR_INDEX.sub(" ", data["content"]).replace("\u200b", ""),
            "meta": data.get("meta", {}),
            "anchors": [{"id": a.get("id"), "element": a.get("element"), "text": a.get("text")}
                        for a in data.get("anchors", [])],
        })
    for lang in records:
        records[lang].sort(key=lambda record: record["url"])
    return records


def _languages_of_pages(built: Path, codes: dict) -> dict:
    """URL → language key, from each page's <html lang>."""
    found = {}
    for page in built.rglob("index.html"):
        match = re.search(r'<html lang="([^"]+)"', page.read_text(encoding="utf-8")[:400])
        if match and match.group(1).lower() in codes:
            found["/" + page.parent.relative_to(built).as_posix() + "/"] = codes[match.group(1).lower()]
    return found


def write_zip(folder: Path, archive: Path) -> Path:
    """The folder as a zip whose top folder has the edition's name: sorted entries, fixed times."""
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != output.MARKER):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    partial.replace(archive)
    return archive
