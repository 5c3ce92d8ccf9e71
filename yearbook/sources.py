"""Find the Markdown sources under content/ and split off their front matter."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostics, Location, relpath, suggest
from .files import decode, walk
from .memo import NO_MEMO, Memo
from .parallel import map_items
from .messages import t
from .yamldoc import YamlDoc, parse_yaml

_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[^.]+)\.md$")
_FENCE = "---"


@dataclass
class Source:
    """One Markdown file: where it is, which page it is, its front matter and body."""

    file: str          # as shown in messages: content/2022/gov/meetings.zh.md
    path: Path
    key: str           # translation key: the path without .LANG.md, '' for the home page
    lang: str
    front: YamlDoc
    body: str
    body_line: int     # line number of the body's first line in the file
    text_hash: str     # hash of the whole file: the version a translation refers to

    @property
    def folder(self) -> Path:
        return self.path.parent

    # Pickled (from the workers, into the build cache) with the path as text (a Path pickles as
    # its parts and is rebuilt from them: ten times slower) and the body as UTF-8 bytes: pickle
    # writes a str through a UTF-8 copy that the str then keeps for the rest of its life, which
    # grew a build that saves the cache by the size of every text in it.
    def __getstate__(self) -> dict:
        return dict(self.__dict__, path=str(self.path), body=self.body.encode("utf-8"))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, path=Path(state["path"]), body=state["body"].decode("utf-8"))


def is_hidden(rel: str) -> bool:
    """Files and folders starting with '_' or '.' are data or drafts, not pages (`rel`: a/b/c.md)."""
    return any(part.startswith(("_", ".")) for part in rel.split("/"))


def page_key(rel: str, stem: str) -> str:
    """'2022/gov/meetings' for 2022/gov/meetings.zh.md; '2022/gov' for its index."""
    parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
    if stem == "index":
        return parent
    return f"{parent}/{stem}" if parent else stem


def load_sources(config: Config, diags: Diagnostics, memo: Memo = NO_MEMO) -> list[Source]:
    """Every page source in content/, in sorted path order. With a `memo` (serve), a file whose
    bytes did not change since the last build is not parsed again."""
    sources = []
    content = config.content_dir
    if not content.is_dir():
        diags.error(Location(config.file), "content.content-folder-missing", folder=relpath(content, config.root))
        return sources
    # (paths as strings below: pathlib's relative_to costs more than reading an unchanged file)
    inside_content, inside_root = str(content) + os.sep, str(config.root) + os.sep
    jobs = []   # (file, digest, path, key, lang): parsed in the worker pool (front matter is YAML)
    for path in walk(content, "*.md", config.root, diags):
        rel = str(path)[len(inside_content):].replace(os.sep, "/")
        if is_hidden(rel):
            continue
        file = str(path)[len(inside_root):].replace(os.sep, "/") if str(path).startswith(inside_root) else path.as_posix()
        match = _NAME.match(path.name)
        if not match:
            diags.error(Location(file), "content.page-file-name", name=f"{path.stem}.{config.default_language}.md")
            continue
        lang = match["lang"]
        if lang not in config.language_keys:
            diags.error(Location(file), "content.unknown-file-language", lang=lang,
                        hint=suggest(lang, config.language_keys) or t("hint.use-one-of", choices=config.language_keys))
            continue
        # (a build without a memo hashes each file in the worker that reads it, not here as well)
        jobs.append((file, file_digest(path, memo) if memo.keep else None, path, page_key(rel, match["stem"]), lang))
    by_key = {(job[0], job[1]): job for job in jobs}
    found = memo.get_many("source", list(by_key), lambda missing: map_items(
        _read_job, None, [by_key[key] for key in missing]), diags)
    return [source for source in found if source is not None]


def _read_job(_, job: tuple) -> tuple:
    """Worker: one source from its file; (Source or None, problems)."""
    file, digest, path, key, lang = job
    problems = Diagnostics()
    raw = path.read_bytes()
    digest = digest or hashlib.sha1(raw).hexdigest()
    return read_source(raw, digest, file, path, key, lang, problems), problems.items


def file_digest(path: Path, memo: Memo) -> str:
    """SHA-1 of a file's bytes; with a memo (serve), read again only when its size or times changed."""
    stat = path.stat()
    return memo.get("file-digest", (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino),
                    lambda _: hashlib.sha1(path.read_bytes()).hexdigest(), None)


def read_source(raw: bytes, digest: str, file: str, path: Path, key: str, lang: str, diags: Diagnostics) -> Source | None:
    """One page source from its bytes, or None with the errors that keep it out."""
    text = decode(raw, file, diags)
    if text is None:
        return None
    split = split_front_matter(text, file, diags)
    if split is None:
        return None
    front_text, body, body_line = split
    front = parse_yaml(front_text, file, diags, first_line=2)
    if front is None:
        return None
    if not isinstance(front.data, dict):
        diags.error(Location(file, 2, 1), "content.front-matter-not-mapping")
        return None
    return Source(file, path, key, lang, front, body, body_line, digest[:12])


def split_front_matter(text: str, file: str, diags: Diagnostics):
    """(front matter text, body, body's first line) or None with an error."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        diags.error(Location(file, 1, 1), "content.missing-front-matter")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return front, body, index + 2
    diags.error(Location(file, 1, 1), "content.front-matter-not-closed")
    return None
