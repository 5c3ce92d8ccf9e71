"""The offline edition: a copy of the site that works from disk (USB stick, CD, zip).

Browsers opened on `file://` do not open a folder's index.html, block module
scripts and `fetch`, and run no service worker. So the export takes a normal
build (search included) and rewrites it:

- every link and asset address becomes relative and names a file
  (`/zh/2022/gov/` → `../../zh/2022/gov/index.html` from a page two folders down);
- search reads the same records Pagefind serves online (each page's text,
  headings and filter metadata, from the index the build just made), written
  as one plain `<script>` per language that the search page loads, so the
  same exact matching (static/search.js) gives the same pages and entries;
- what needs a server is left out (service worker, offline list, Pagefind,
  web app manifests), and every page says it is the offline edition, with
  a content version instead of a clock date (for `export`, a hash of the
  sources; for build's per-volume zips, a hash of what goes into the edition),
  so two exports of the same content are byte-identical, the zip included.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from . import output
from .config import Config
from .diagnostics import Diagnostics, Location
from .search import RECORD_SUFFIX, RECORDS_DIR, decode_record

DOWNLOADS = "downloads"                   # build's offline zips (offline_zip in config.yaml)
# The search records (search/**.yb) are left out too: from disk nothing can be fetched,
# so each language's records go into one plain script instead, search/LANG.js.
LEFT_OUT = ("sw.js", "offline.json", "pagefind/", "robots.txt", "sitemap.xml", DOWNLOADS + "/", RECORDS_DIR + "/")
OFFLINE_SEARCH = RECORDS_DIR              # folder of the per-language record scripts
ONLINE_ONLY = re.compile(r"<[a-z]+ [^>]*data-online-only[^>]*>.*?</[a-z]+>\n?", re.S)   # e.g. the download link
MANIFEST_LINK = re.compile(r'<link rel="manifest"[^>]*>\n?')   # an installable web app needs a server
REFRESH_FOLDER = re.compile(r'(<meta http-equiv="refresh" content="0; url=[^"]*/)"')
ZIP_TIME = (1980, 1, 1, 0, 0, 0)          # fixed: a zip of the same content is byte-identical


def write_downloads(config: Config, site_dir: Path, strings: dict, diags: Diagnostics,
                    previous: Path | None = None) -> list:
    """`build` with `offline_zip` set: the offline edition of each volume as
    site_dir/downloads/NAME.zip, made from the site just built (its search index included);
    returns the zips' paths. Links to other volumes' pages point at the online site.
    The site's files and search records are read once for all volumes, and each edition
    goes straight into its zip (no folder written).

    Each edition's version is a digest of what goes into it (`edition_version`), printed on
    its pages and kept as its zip's comment. With `previous` (the last build's output, when the
    build cache says it was made by this code), a zip whose version did not change is taken
    from there: an edit in one volume makes that volume's zip again, not thirty."""
    files = _site_files(site_dir)
    digests = {rel: hashlib.sha1(path.read_bytes()).hexdigest() for rel, path in files
               if not rel.startswith(("pagefind/", DOWNLOADS + "/"))}
    records = None   # read when a zip has to be made
    pages: dict = {}   # every page rewritten once, whichever volumes it goes into
    (site_dir / DOWNLOADS).mkdir(exist_ok=True)
    made = []
    for volume in config.volumes:
        name = config.offline_zip.replace("{volume}", volume)
        others = tuple(v for v in config.volumes if v != volume)
        version = edition_version(config, strings, name, others, digests)
        target = site_dir / DOWNLOADS / f"{name}.zip"
        kept = previous / DOWNLOADS / target.name if previous is not None else None
        if kept is not None and zip_comment(kept) == version:
            output.link_or_copy(kept, target)
        else:
            records = search_records(site_dir, config, diags) if records is None else records
            entries = edition_files(site_dir, config, strings, version, diags, others, files, records, pages)
            write_zip_entries(entries, name, target, comment=version)
        made.append(target)
    return made


def edition_version(config: Config, strings: dict, name: str, others: tuple, digests: dict) -> str:
    """A short digest of what a volume's edition is made from: the built files it takes (its
    volume's pages and records and every page outside volumes, by their SHA-1s), the volumes
    left out, the addresses and UI strings the rewriting uses."""
    left_out = tuple(f"{lang.prefix}/{volume}/" for lang in config.languages for volume in others)
    digest = hashlib.sha1(json.dumps([name, config.base_path, config.base_url, left_out, strings],
                                     ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    for rel, sha1 in sorted(digests.items()):
        page = rel[len(RECORDS_DIR) + 1:-len(RECORD_SUFFIX)] + "/" if rel.startswith(RECORDS_DIR + "/") else rel
        if not page.startswith(left_out):
            digest.update(f"{rel}\0{sha1}\n".encode("utf-8"))
    return digest.hexdigest()[:10]


def zip_comment(archive: Path) -> str | None:
    """The version an earlier build wrote into a zip (None: no such zip, or not one of ours)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            return zf.comment.decode("ascii")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError):
        return None


def _site_files(built: Path) -> list:
    """(relative path, path) of every file of a built site, sorted."""
    return sorted((p.relative_to(built).as_posix(), p) for p in built.rglob("*") if p.is_file())


def content_version(config: Config) -> str:
    """A short hash of every source file: what this edition was made from (not when)."""
    digest = hashlib.sha1()
    for folder in (config.content_dir, config.templates_dir, config.static_dir):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            digest.update(path.relative_to(config.root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def write_offline_edition(built: Path, staging: Path, config: Config, strings: dict, version: str,
                          diags: Diagnostics) -> None:
    """The built site, rewritten to work from disk, into the folder `staging`."""
    for rel, data in edition_files(built, config, strings, version, diags):
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            output.link_or_copy(data, target)
        else:
            target.write_bytes(data)


def edition_files(built: Path, config: Config, strings: dict, version: str, diags: Diagnostics,
                  left_out_volumes: tuple = (), files: list | None = None, records: dict | None = None,
                  pages: dict | None = None) -> list:
    """[(path in the edition, bytes, or the built file to copy as is)], sorted: the built site
    rewritten to work from disk, without the pages of `left_out_volumes` (links to them point at
    the online site). `files`, `records` and `pages` (rewritten pages by path) are what
    write_downloads shares between volumes; they default to reading `built`."""
    others = tuple(f"{lang.prefix}/{volume}/" for lang in config.languages for volume in left_out_volumes)
    links = _Links(config.base_path, config.base_url)
    online = links.online(others)
    pages = {} if pages is None else pages
    entries = []
    for rel, path in files if files is not None else _site_files(built):
        if rel == output.MARKER or rel.startswith(LEFT_OUT + others) or rel.endswith((".webmanifest", ".gz", ".br")):
            continue
        if rel.endswith(".html"):
            rewritten = pages.get(rel)
            if rewritten is None:
                html = path.read_text(encoding="utf-8")
                lang = _page_language(html, config)
                html = links.rewrite(ONLINE_ONLY.sub("", MANIFEST_LINK.sub("", html)), rel)
                if 'id="search-form"' in html:
                    html = _with_search_records(html, rel, lang, config)
                rewritten = pages[rel] = (html, lang)
            html = _with_offline_note(rewritten[0], strings.get(rewritten[1], {}), version)   # each edition its own
            entries.append((rel, (online(html) if online else html).encode("utf-8")))
        else:
            entries.append((rel, path))
    records = records if records is not None else search_records(built, config, diags)
    for lang, all_records in records.items():
        kept = [r for r in all_records if not (others and r["path"].startswith(others))]
        data = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        code = json.dumps(config.language(lang).code)   # search.js looks its page's <html lang> up
        entries.append((f"{OFFLINE_SEARCH}/{lang}.js",
                        (f"// Search records of the offline edition ({lang}): read by static/search.js.\n"
                         f"(window.YEARBOOK_OFFLINE = window.YEARBOOK_OFFLINE || {{}})[{code}] = {data};\n").encode("utf-8")))
    return sorted(entries, key=lambda entry: entry[0])


def _page_language(html: str, config: Config) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    code = match.group(1) if match else ""
    return next((lang.key for lang in config.languages if lang.code == code), config.default_language)


class _Links:
    """Root-relative addresses (`/zh/2022/`) as relative file addresses (`../../zh/2022/index.html`
    from a page two folders down). Regex substitutions with fixed replacements: an archive's
    pages carry millions of links. The result does not depend on the volume exported, so
    write_downloads rewrites each page once for all its volumes."""

    def __init__(self, base: str, base_url: str):
        parts = urlsplit(base_url)
        self.base, self.origin = base, (f"{parts.scheme}://{parts.netloc}" if parts.netloc else "")
        root = re.escape(base)
        self.local = re.compile(r'(\s(?:href|src|action)=")' + root)
        self.folder = re.compile(r'(\s(?:href|action)="(?![a-z][a-z0-9+.-]*:|/)[^"#?]*/)(?=["#?])')
        self.data_root = re.compile(r'(data-root=")' + root + '"')
        self.refresh = re.compile(r'(<meta http-equiv="refresh" content="0; url=)' + root)

    def rewrite(self, html: str, rel: str) -> str:
        up = "../" * rel.count("/") or "./"   # from the page's folder to the site root
        html = self.local.sub(r"\g<1>" + up, html)
        html = self.refresh.sub(r"\g<1>" + up, html)
        html = self.folder.sub(r"\1index.html", html)   # a folder's address names its index.html
        html = REFRESH_FOLDER.sub(r'\1index.html"', html)
        return self.data_root.sub(r'\g<1>' + up + '"', html)

    def online(self, others: tuple):
        """For an edition without the volumes `others`: a function sending links to their pages to
        the online site (None when base_url names no host: they stay, and lead nowhere offline)."""
        if not others or not self.origin:
            return None
        pattern = re.compile(r'(\s(?:href|src|action)=")(?:\.\./)*(?:\./)?((?:'
                             + "|".join(map(re.escape, others)) + r')[^"]*?)(?:index\.html)?(?=["#?])')
        replacement = r"\1" + (self.origin + self.base).replace("\\", r"\\") + r"\2"
        return lambda html: pattern.sub(replacement, html)


def _with_offline_note(html: str, t: dict, version: str) -> str:
    note = t.get("offline_edition", "Offline edition · content version {version}").replace("{version}", version)
    return html.replace('<main', f'<p class="offline-note" role="note">{note}</p>\n<main', 1)


def _with_search_records(html: str, rel: str, lang: str, config: Config) -> str:
    """The search page loads its language's records with a plain script, before search.js."""
    script = posixpath.relpath(f"{OFFLINE_SEARCH}/{lang}.js", posixpath.dirname(rel))
    tag = f'<script src="{script}"></script>\n'
    return html.replace('<script src="', tag + '<script src="', 1) if "search.js" in html else html


def search_records(built: Path, config: Config, diags: Diagnostics) -> dict:
    """Per language: every page's search record (yearbook/search.py), in address order."""
    records: dict = {lang.key: [] for lang in config.languages}
    keys = {lang.code: lang.key for lang in config.languages}
    files = sorted((built / RECORDS_DIR).rglob(f"*{RECORD_SUFFIX}"))
    if not (built / "pagefind").is_dir() or not files:
        diags.error(Location(config.file), "output.no-search-index")
        return {}
    for path in files:
        record = decode_record(path.read_bytes())
        records[keys[record["lang"]]].append(record)
    for lang in records:
        records[lang].sort(key=lambda record: record["path"])
    return records


def write_zip(folder: Path, archive: Path) -> Path:
    """A folder (an export) as a zip whose top folder has the edition's name."""
    entries = [(rel, path) for rel, path in _site_files(folder) if rel != output.MARKER]
    return write_zip_entries(entries, folder.name, archive)


def write_zip_entries(entries: list, top: str, archive: Path, comment: str = "") -> Path:
    """[(path, bytes or file)] as a zip under the folder `top`: sorted entries, fixed times, so
    the same content gives the same bytes; written whole or not at all."""
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.comment = comment.encode("ascii")
        for rel, data in sorted(entries, key=lambda entry: entry[0]):
            info = zipfile.ZipInfo(f"{top}/{rel}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data.read_bytes() if isinstance(data, Path) else data)
    partial.replace(archive)
    return archive
