"""`build.py new`: start a page from a file that already builds.

An editor names the kind of page, its title and where it goes; this writes the
file with the front matter its type requires, an id suggested from the title
in pinyin, the next free `order` among its siblings and, for sections and
articles, an example entry to overwrite. `--lang en` starts the translation
of an existing page instead (same type, `translation.source_hash` of the
source as it is now). It never overwrites a file.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import Config
from ..data import Registry
from ..diagnostics import ERROR, Diagnostic, Diagnostics, Location, relpath, suggest
from ..markup import VALID_ID
from ..messages import Text, t
from ..pages import EXAMPLE_TEXT as PLACEHOLDERS
from ..site import page_url
from .sessions import running_preview_url
from ..sources import split_front_matter

KINDS = ("volume", "chapter", "section", "collection", "summary", "tasks", "article")
FOLDER_KINDS = ("volume", "chapter", "collection", "tasks")   # the page is ID/index.LANG.md
SLUG_LIMIT = 32        # characters: long titles keep their first words (2021-nian-gong-shu-qu-zheng-fu)
ENTRY_ID_LINE = re.compile(r"^\{#([a-z0-9][a-z0-9-]*)\}\s*$", re.M)
YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")

# Placeholder text (pages.EXAMPLE_TEXT), in the language of the file written; the editor
# replaces it, and `check` warns while it is there.


class ScaffoldError(Exception):
    """A reason not to write anything: where, what (a catalogue code and its parameters), and how to fix it."""

    def __init__(self, where: str, code: str, **params):
        self.diagnostic = Diagnostic(ERROR, Location(str(where)), t(code, **params))
        super().__init__(self.diagnostic.message)

    def format(self) -> str:
        """As `check` prints an error: `where: error: message`, then `  hint: …`."""
        return self.diagnostic.format()


@dataclass
class Request:
    """What the editor asked for on the command line."""

    kind: str
    title: str | None = None
    folder: str = ""              # parent folder, relative to content/ (e.g. 2022/gov)
    ident: str | None = None      # --id: file or folder name
    lang: str | None = None       # --lang: None = the default language
    department: str | None = None
    year: int | None = None       # volumes: edition year
    coverage_year: int | None = None
    doc_kind: str = "breakdown"


@dataclass
class Scaffold:
    """The files to write (path → text), the page's key and what to tell the editor."""

    files: dict
    page_file: Path
    key: str
    lang: str
    notes: list = field(default_factory=list)     # [Text], printed under the "created" lines


def slugify(title: str, limit: int = SLUG_LIMIT) -> str:
    """'数字化改革' → 'shu-zi-hua-gai-ge': pinyin without tones, one word per syllable,
    ASCII words and digits kept (lowercase), whole words up to `limit` characters."""
    from pypinyin import Style, lazy_pinyin  # ~1 s to load its dictionaries: only `new` needs it

    words = []
    for chunk in lazy_pinyin(title, style=Style.NORMAL):
        words += re.findall(r"[a-z0-9]+", chunk.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit and slug:
            break
        slug = candidate[:limit]
    return slug


def plan(config: Config, registry: Registry, request: Request) -> Scaffold:
    """Everything `new` will write, checked; raises ScaffoldError instead of writing a bad file."""
    default = config.default_language
    lang = request.lang or default
    if lang not in config.language_keys:
        raise ScaffoldError(config.file, "commands.new-unknown-language", lang=lang,
                            hint=suggest(lang, config.language_keys) or t("hint.use-one-of", choices=config.language_keys))
    folder = _checked_folder(config, request)
    _check_department(registry, request)
    if lang != default:
        return _translation(config, registry, request, folder, lang)
    title = request.title or _department_name(registry, request.department, lang)
    if not title:
        raise ScaffoldError("build.py new", "commands.new-title-needed", kind=request.kind)
    ident = _ident(config, request, folder, title)
    path = _page_path(config, request.kind, folder, ident, lang)
    _refuse_existing(config, request.kind, folder, ident, lang, path)
    key = f"{folder}/{ident}" if folder else ident
    front, body, files, notes = _new_page(config, request, folder, ident, key, title, path, lang)
    files = {path: front_matter(front) + ("\n" + body if body else "")} | files
    return Scaffold(files, path, key, lang, notes)


def _checked_folder(config: Config, request: Request) -> str:
    """The folder the page goes into (under content/), which must have an index page; '' for a volume."""
    default = config.default_language
    folder = _clean_folder(config, request.folder)
    if request.kind == "volume":
        if folder:
            raise ScaffoldError(_show(config, config.content_dir / folder), "commands.new-volume-in-folder")
    elif not folder:
        raise ScaffoldError("build.py new", "commands.new-folder-needed", kind=request.kind)
    if folder and not (config.content_dir / folder / f"index.{default}.md").is_file():
        raise ScaffoldError(_show(config, config.content_dir / folder), "commands.new-folder-not-a-page",
                            hint=_folder_hint(config, folder))
    return folder


def _check_department(registry: Registry, request: Request) -> None:
    """--department names a registry id (a summary needs one)."""
    if request.department:
        if registry.get(request.department) is None:
            hint = (t("commands.new-hint-name-not-id", name=request.department, id=registry.by_name[request.department])
                    if request.department in registry.by_name else
                    suggest(request.department, registry.departments) or t("commands.new-hint-add-department"))
            raise ScaffoldError("content/_data/departments.yaml", "commands.new-unknown-department",
                                id=request.department, hint=hint)
    elif request.kind == "summary":
        raise ScaffoldError("build.py new", "commands.new-department-needed")


def _new_page(config: Config, request: Request, folder: str, ident: str, key: str, title: str, path: Path,
              lang: str) -> tuple:
    """(front matter, body, other files, notes for the editor) of a new source-language page."""
    words = PLACEHOLDERS.get(lang, PLACEHOLDERS["en"])
    front = {"type": request.kind, "title": title}
    body, notes, files = "", [], {}
    if request.kind == "volume":
        year = request.year or _year_in(title) or (int(ident) if ident.isdigit() and len(ident) == 4 else None)
        if year is None:
            raise ScaffoldError("build.py new", "commands.new-year-needed")
        front |= {"edition_year": year, "coverage_year": request.coverage_year or year - 1}
        if config.volumes and ident not in config.volumes:
            notes.append(t("commands.new-note-add-volume", id=ident, config=config.file))
    else:
        front["order"] = next_order(config, folder, key)
    if request.kind == "summary":
        front["department"] = request.department
        body = f"{words['text']}\n"
    elif request.department:
        front["departments"] = [request.department]
    if request.kind in ("section", "article"):
        entry_id = free_entry_id(config, folder, ident)
        if request.kind == "section":
            front["authors"] = [{"names": [words["author"]], "from": entry_id}]
            body = f"{{#{entry_id}}}\n## {words['entry_title']}\n{words['entry_text']}\n"
            notes.append(t("commands.new-note-example-entry", id=entry_id, author=words["author"]))
        else:
            body = f"{words['text']}\n\n{{#{entry_id}}}\n## {words['part_title']}\n{words['text']}\n"
            notes.append(t("commands.new-note-example-text", id=entry_id))
    elif request.kind == "tasks":
        front |= {"doc_kind": request.doc_kind,
                  "columns": [{"key": "no", "label": words["no"]}, {"key": "content", "label": words["content"]},
                              {"key": "lead_as_printed", "label": words["lead"]}],
                  "rows": "rows"}
        rows = path.parent / f"rows.{lang}.tsv"
        files[rows] = ("no\tgroup\tcontent\tlead\tlead_as_printed\n"
                       f"1\t\t{words['task']}\t\t{words['lead']}\n")
        notes.append(t("commands.new-note-rows", file=_show(config, rows)))
    return front, body, files, notes


def _translation(config: Config, registry: Registry, request: Request, folder: str, lang: str) -> Scaffold:
    """A translation of an existing source page: its type, the source's hash, a title."""
    default = config.default_language
    ident = request.ident or (request.department if request.kind == "summary" else None)
    if not ident:
        raise ScaffoldError("build.py new", "commands.new-translation-needs-id", lang=lang,
                            hint=_existing_hint(config, folder) or t("commands.new-hint-id-is-source"))
    if not VALID_ID.match(ident):
        raise ScaffoldError("build.py new", "commands.new-invalid-translation-id", id=ident)
    candidates = [config.content_dir / folder / ident / f"index.{default}.md",
                  config.content_dir / folder / f"{ident}.{default}.md"]
    source = next((p for p in candidates if p.is_file()), None)
    if source is None:
        raise ScaffoldError(_show(config, candidates[1]), "commands.new-no-source-page", id=ident,
                            hint=_existing_hint(config, folder, ident)
                            or t("commands.new-hint-create-source", kind=request.kind, folder=folder))
    raw = source.read_bytes()
    split = split_front_matter(raw.decode("utf-8-sig"), _show(config, source), Diagnostics())
    meta = _safe_yaml(split[0]) if split else {}
    source_type = meta.get("type")
    if source_type != request.kind:
        raise ScaffoldError(_show(config, source), "commands.new-wrong-type", type=source_type, kind=request.kind,
                            lang=lang)
    path = source.with_name(source.name.replace(f".{default}.md", f".{lang}.md"))
    if path.exists():
        raise ScaffoldError(_show(config, path), "commands.new-translation-exists")
    title = request.title or _department_name(registry, meta.get("department"), lang)
    if not title:
        raise ScaffoldError("build.py new", "commands.new-translation-title-needed", lang=lang, kind=request.kind,
                            folder=folder, id=ident)
    source_hash = hashlib.sha1(raw).hexdigest()[:12]  # as sources.py computes Source.text_hash
    front = {"type": source_type, "title": title,
             "translation": {"source_hash": source_hash, "status": "draft"}}
    body = split[1] if split else ""
    ids = ENTRY_ID_LINE.findall(body)
    notes = [t("commands.new-note-translation", source=_show(config, source), lang=default)]
    if ids:
        notes.append(t("commands.new-note-same-ids", ids=[f"{{#{i}}}" for i in ids]))
    rel = source.parent.relative_to(config.content_dir).as_posix()
    key = rel if source.name.startswith("index.") else (f"{rel}/{ident}" if rel != "." else ident)
    return Scaffold({path: front_matter(front)}, path, "" if key == "." else key, lang, notes)


def front_matter(data: dict) -> str:
    """YAML front matter, one key a line; strings double-quoted (JSON strings are YAML) so a
    title with ': ' or a hash that looks like a number stays a string."""
    lines = ["---"]
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            lines += [f"  - {_flow(item)}" for item in value]
        else:
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines + ["---", ""])


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_-]*", value) and value not in ("no", "yes", "on", "off", "null", "true", "false", "y", "n"):
        return value
    return json.dumps(value, ensure_ascii=False)


def next_order(config: Config, folder: str, key: str) -> int:
    """One after the largest `order` among the pages of `folder` (1 for the first)."""
    parent = config.content_dir / folder
    default = config.default_language
    orders = [0]
    siblings = [p for p in parent.glob(f"*.{default}.md") if p.name != f"index.{default}.md"]
    siblings += sorted(parent.glob(f"*/index.{default}.md"))
    for path in siblings:
        if path.name.startswith(("_", ".")) or path.parent.name.startswith(("_", ".")):
            continue
        split = split_front_matter(path.read_text(encoding="utf-8-sig"), path.name, Diagnostics())
        order = _safe_yaml(split[0]).get("order") if split else None
        if isinstance(order, int):
            orders.append(order)
    return max(orders) + 1


def free_entry_id(config: Config, folder: str, ident: str) -> str:
    """`ident-01`, or `chapter-ident-01` when a page elsewhere in the volume took it
    (ids are unique in a volume, and 综述 sections share a name); then -02, -03…"""
    volume = folder.split("/", 1)[0]
    taken = set()
    for path in (config.content_dir / volume).rglob("*.md"):
        taken.update(ENTRY_ID_LINE.findall(path.read_text(encoding="utf-8-sig", errors="replace")))
    chapter = folder.rsplit("/", 1)[-1] if "/" in folder else ""
    stems = [ident] + ([f"{chapter}-{ident}"] if chapter else [])
    for stem in stems:
        if f"{stem}-01" not in taken:
            return f"{stem}-01"
    number = 2
    while f"{stems[-1]}-{number:02d}" in taken:
        number += 1
    return f"{stems[-1]}-{number:02d}"


def preview_url(config: Config, scaffold: Scaffold) -> tuple[str, bool]:
    """(the new page's address in the preview, whether a `serve` of this site is running):
    a running session's own address (its port, its host), else serve's default."""
    path = page_url(config, scaffold.lang, scaffold.key)
    base = running_preview_url(config.output_dir)
    if base:
        return base.rstrip("/") + path[len(config.base_path) - 1:], True
    return f"http://127.0.0.1:8000{path}", False


def write(scaffold: Scaffold) -> None:
    """Write the planned files; none of them exists (checked again here, at the last moment)."""
    for path in scaffold.files:
        if path.exists():
            raise ScaffoldError(str(path), "commands.new-file-exists")
    for path, text in scaffold.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


# --- helpers ------------------------------------------------------------------

def _clean_folder(config: Config, folder: str) -> str:
    """'content/2022/gov/' or '2022/gov' → '2022/gov'."""
    folder = folder.replace("\\", "/").strip("/")
    content = config.content_dir.name
    if folder == content:
        return ""
    if folder.startswith(content + "/") and not (config.content_dir / folder).is_dir():
        folder = folder[len(content) + 1:]
    return folder


def _ident(config: Config, request: Request, folder: str, title: str) -> str:
    if request.ident:
        ident = request.ident
    elif request.kind == "summary":
        ident = request.department
    elif request.kind == "volume" and (request.year or _year_in(title)):
        ident = str(request.year or _year_in(title))
    else:
        ident = slugify(title)
    if not ident:
        raise ScaffoldError("build.py new", "commands.new-no-id-from-title", title=title)
    if not VALID_ID.match(ident):
        raise ScaffoldError("build.py new", "commands.new-invalid-id", id=ident)
    return ident


def _page_path(config: Config, kind: str, folder: str, ident: str, lang: str) -> Path:
    parent = config.content_dir / folder
    return parent / ident / f"index.{lang}.md" if kind in FOLDER_KINDS else parent / f"{ident}.{lang}.md"


def _refuse_existing(config: Config, kind: str, folder: str, ident: str, lang: str, path: Path) -> None:
    """The page's address is taken by a file or by a folder page of the same name."""
    parent = config.content_dir / folder
    for other in (parent / f"{ident}.{lang}.md", parent / ident / f"index.{lang}.md", parent / ident):
        if other.exists() and (other != parent / ident or kind not in FOLDER_KINDS or any(other.iterdir())):
            hint = (t("commands.new-hint-summary-exists") if kind == "summary" else
                    t("commands.new-hint-choose-another-id", id=ident))
            raise ScaffoldError(_show(config, other), "commands.new-page-exists", hint=hint)


def _folder_hint(config: Config, folder: str) -> Text:
    """Did-you-mean among the folders that are pages, or how to create one."""
    folders = sorted(p.parent.relative_to(config.content_dir).as_posix()
                     for p in config.content_dir.rglob(f"index.{config.default_language}.md")
                     if p.parent != config.content_dir)
    return suggest(folder, folders) or (t("commands.new-hint-create-chapter", folder=folder.rsplit("/", 1)[0])
                                        if "/" in folder else t("commands.new-hint-create-volume"))


def _existing_hint(config: Config, folder: str, ident: str | None = None) -> Text | str:
    parent = config.content_dir / folder
    default = config.default_language
    names = sorted({p.name[: -len(f".{default}.md")] for p in parent.glob(f"*.{default}.md") if not p.name.startswith("index.")}
                   | {p.parent.name for p in parent.glob(f"*/index.{default}.md")})
    if ident:
        return suggest(ident, names)
    return t("commands.new-hint-pages-in", folder=_show(config, parent), names=names) if names else ""


def _department_name(registry: Registry, dept_id: str | None, lang: str) -> str | None:
    dept = registry.get(dept_id) if dept_id else None
    return dept.name.get(lang) if dept else None


def _year_in(title: str) -> int | None:
    match = YEAR.search(title)
    return int(match.group(0)) if match else None


def _safe_yaml(text: str) -> dict:
    """Front matter as a dict, or {} if it does not parse (check reports that, not `new`)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _show(config: Config, path: Path) -> str:
    return relpath(path, config.root)
