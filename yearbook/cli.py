"""Command line: `build.py build | check`. Thin: parse arguments, call the pipeline, print."""
from __future__ import annotations

import argparse
import gc
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__, messages, pipeline
from .diagnostics import BuildFailed
from .messages import t
from .progress import Progress, step_name
from .translation import coverage_report, coverage_summary

DESCRIPTION = """\
Build the bilingual district yearbook from content/ into a static site.

  build   validate everything, render every page in every language, index
          search, and replace the output folder (only if all of it worked)
  check   validate everything and report problems; writes nothing
  serve   build, serve at http://127.0.0.1:8000/ and rebuild + reload on every save
  import  convert a plain-text chapter draft into content files
  new     start a page (volume, chapter, section, summary, tasks, article) or
          its translation, with valid front matter

Errors name file:line:col and say how to fix them; the exit code is 1 when
there are errors (or warnings, with --strict).

Messages are in the editors' language: --lang zh|en (before or after the
command; for `new` and `pdf` --lang is the page's language, so put it first),
else $YEARBOOK_LANG, else config.yaml's editor_language, else its
default_language. `check --format json` gives each problem a stable code."""

LANG_HELP = "language of the messages: zh or en (default: config.yaml's editor_language)"


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", dest="messages", choices=messages.LANGUAGES, help=LANG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sub):
        sub.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                         help="site configuration (default: config.yaml)")
        sub.add_argument("--strict", action="store_true", help="fail on warnings too")
        sub.add_argument("--quiet", "-q", action="store_true", help="print only problems")
        if sub.prog.split()[-1] != "pdf":   # pdf's --lang is the proof's language
            sub.add_argument("--lang", dest="messages", choices=messages.LANGUAGES, help=LANG_HELP,
                             default=argparse.SUPPRESS)

    build = commands.add_parser("build", help="build the site into the output folder",
                                description="Build the site into the output folder (config: output_dir).")
    common(build)
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster previews)")
    build.add_argument("--output", type=Path, metavar="DIR", help="write the site here instead of config's output_dir")
    build.add_argument("--precompress", action="store_true",
                       help="also write NAME.gz and NAME.br beside text files, for nginx's gzip_static/brotli_static "
                            "or a CDN (see deploy/nginx/yearbook.conf)")
    build.add_argument("--fresh", action="store_true",
                       help="ignore the build cache (.yearbook-cache/): read, check and render every page again. "
                            "Without it, a build parses and renders only what changed since the last one, and "
                            "takes the other pages from the output it wrote (the result is the same)")

    offline = commands.add_parser(
        "export", help="write the offline edition (opens from disk: USB stick, CD, zip)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the offline edition of the yearbook into DIR: a copy that readers open by\n"
                    "double-clicking DIR/index.html, with no server and no network. Links name files,\n"
                    "search works (the same exact results as online, from scripts in DIR/search/), and\n"
                    "every page says it is the offline edition. Two exports of the same content are\n"
                    "byte-identical, the zip too.\n\n"
                    "  python build.py export ../gongshu-yearbook-2022 --volume 2022 --zip")
    common(offline)
    offline.add_argument("dir", type=Path, metavar="DIR", help="folder to write (replaced if an earlier export)")
    offline.add_argument("--volume", action="append", default=[], metavar="YEAR",
                         help="only this volume (repeat for several; default: all)")
    offline.add_argument("--zip", action="store_true", help="also write DIR.zip, to hand out or download")

    proof = commands.add_parser(
        "pdf", help="print proofs (校样): a chapter or a volume as a PDF",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a print proof (校样) of a volume, or of one of its chapters, as a PDF: a cover,\n"
                    "contents with page numbers, running heads (volume · chapter), page numbers, numbered\n"
                    "tables and figures, and the same text as the site. Default: proofs/VOLUME[-CHAPTER]-LANG.pdf\n\n"
                    "  python build.py pdf --volume 2022 --chapter gov --lang zh")
    common(proof)
    proof.add_argument("--volume", metavar="YEAR", help="the volume (default: the first on the home page)")
    proof.add_argument("--chapter", metavar="ID", help="only this chapter (its folder name, e.g. gov)")
    proof.add_argument("--lang", metavar="LANG", help="language of the proof (default: the source language)")
    proof.add_argument("--output", type=Path, metavar="FILE", help="where to write the PDF")

    check = commands.add_parser("check", help="validate content, config and templates; write nothing",
                                description="Validate content, config and templates; write nothing.")
    common(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="json: machine-readable list of problems on stdout")
    check.add_argument("--translations", action="store_true",
                       help="report translation coverage per volume, part and department, and what is missing or stale")
    draft = commands.add_parser(
        "import", help="convert a plain-text chapter draft (Word/OCR export) into content files",
        description="Convert a plain-text chapter draft into Markdown sections, a table and front matter. "
                    "UTF-8 or GB18030 input. Prints what it joined and everything it could not classify.")
    draft.add_argument("draft", type=Path, metavar="DRAFT.txt", help="the draft, as exported text")
    draft.add_argument("--volume", required=True, help="volume folder (edition year), e.g. 2022")
    draft.add_argument("--chapter", required=True, help="chapter folder to create, ASCII, e.g. gov")
    draft.add_argument("--title", help="the chapter's title, when the draft does not print it on its first line")
    draft.add_argument("--out", type=Path, metavar="DIR", help="write here instead of content/VOLUME/CHAPTER")
    draft.add_argument("--force", action="store_true", help="write into a folder that already has files")
    draft.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                       help="site configuration (default: config.yaml)")
    draft.add_argument("--lang", dest="messages", choices=messages.LANGUAGES, help=LANG_HELP, default=argparse.SUPPRESS)
    add_new_parser(commands)
    preview = commands.add_parser(
        "serve", help="build, serve on 127.0.0.1 and rebuild on every save (live reload)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the site, serve the output folder and rebuild it on every save.\n\n"
                    "Watches content/, templates/, static/, config.yaml and the editing guide (never\n"
                    "the output folder). A save rebuilds once, without search, and reloads the open\n"
                    "pages: everything is validated, and only the pages whose text changed are\n"
                    "rendered again (a title, front matter, a template or config: every page). The\n"
                    "search index follows a moment later. A build with errors keeps the last good site\n"
                    "and shows the errors over the page (file:line:col, as `check` prints them)\n"
                    "until the next good build. Local preview only: nothing is changed in what\n"
                    "`build` writes. Ctrl+C stops.")
    preview.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    preview.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 shares it)")
    preview.add_argument("--open", action="store_true", help="open the site in the web browser")
    preview.add_argument("--no-search", action="store_true", help="never build the search index (faster)")
    preview.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                         help="site configuration (default: config.yaml)")
    preview.add_argument("--lang", dest="messages", choices=messages.LANGUAGES, help=LANG_HELP,
                         default=argparse.SUPPRESS)
    return parser


NEW_EXAMPLES = """\
examples:
  build.py new section "数字化改革" --in 2022/gov
      → content/2022/gov/shu-zi-hua-gai-ge.zh.md, with an example entry {#shu-zi-hua-gai-ge-01}
  build.py new section "数字化改革" --in 2022/gov --id digital-reform
      → content/2022/gov/digital-reform.zh.md
  build.py new chapter "区人大常委会" --in 2022 --id congress
  build.py new summary --department data-bureau --in 2022/summaries
      → content/2022/summaries/data-bureau.zh.md, titled with the registry's name
  build.py new tasks "2023年政府工作报告任务分解" --in 2022/documents --id tasks-2023
      → content/2022/documents/tasks-2023/index.zh.md and rows.zh.tsv
  build.py new article "文章标题" --in 2022/documents
  build.py new volume "拱墅年鉴 2023" --year 2023
      → content/2023/index.zh.md (edition_year 2023, coverage_year 2022)
  build.py new section "Digital Reform" --in 2022/gov --id shu-zi-hua-gai-ge --lang en
      → content/2022/gov/shu-zi-hua-gai-ge.en.md, the translation (type and source_hash filled in)

The id (file or folder name) is the title in pinyin, one word per syllable,
cut after about 32 characters; --id chooses another. `order` is one more than
the largest among the new page's siblings. Nothing is ever overwritten."""


def add_new_parser(commands) -> None:
    from .commands.scaffold import KINDS
    new = commands.add_parser(
        "new", help="start a new page or translation with valid front matter",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=NEW_EXAMPLES,
        description="Create a page file with the front matter its kind needs, then say where it is and "
                    "how to preview it. Summaries are checked against content/_data/departments.yaml.")
    new.add_argument("kind", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    new.add_argument("title", nargs="?", metavar="TITLE",
                     help="page title in the file's language (summaries: default the registry's name)")
    new.add_argument("--in", dest="folder", default="", metavar="FOLDER",
                     help="folder under content/ it goes into, e.g. 2022/gov (not for volumes)")
    new.add_argument("--id", dest="ident", metavar="ID",
                     help="file or folder name (lowercase ASCII, digits, '-'); default: the title in pinyin")
    new.add_argument("--lang", metavar="LANG",
                     help="write the translation in LANG of the existing page --id (e.g. --lang en)")
    new.add_argument("--department", metavar="ID", help="registry id of the body (required for a summary)")
    new.add_argument("--year", type=int, metavar="YYYY", help="volume: edition year (year on the cover)")
    new.add_argument("--coverage-year", type=int, metavar="YYYY", help="volume: year described (default: year - 1)")
    new.add_argument("--doc-kind", choices=("breakdown", "progress"), default="breakdown",
                     help="tasks: a task breakdown or a progress report (default: breakdown)")
    new.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                     help="site configuration (default: config.yaml)")


def run_new(args) -> int:
    """`build.py new`: plan the file(s), refuse anything that would not build, write, say what next."""
    from .config import load_config
    from .data import load_registry
    from .diagnostics import Diagnostics
    from .commands.scaffold import Request, ScaffoldError, plan, preview_url, write

    diags = Diagnostics()
    config = load_config(args.config, diags)
    registry = load_registry(config, diags) if config else None
    if config is None or diags.errors:
        print(diags.format_text(), file=sys.stderr)
        return 1
    request = Request(args.kind, args.title, args.folder, args.ident, args.lang, args.department,
                      args.year, args.coverage_year, args.doc_kind)
    try:
        scaffold = plan(config, registry, request)
        write(scaffold)
    except ScaffoldError as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    for path in scaffold.files:
        print(t("commands.created", path=path.relative_to(config.root).as_posix()))
    for note in scaffold.notes:
        print(f"  {note}")
    url, running = preview_url(config, scaffold)
    print(t("commands.preview-running" if running else "commands.preview-start", url=url))
    print(t("commands.check-next"))
    return 0


@dataclass
class ProgressReport(pipeline.BuildReport):
    """A build report that shows each step's name, and the render counter, on a terminal."""

    shown: Progress | None = None

    @contextmanager
    def step(self, name: str):
        if self.shown is not None:
            self.shown.step(name)
        with super().step(name):
            yield


def run_import(args) -> int:
    """`build.py import`: the importer writes files; the editor reviews the report, then runs check."""
    from .config import load_config
    from .diagnostics import Diagnostics, Location
    from .commands.importer import DraftError, import_draft, read_draft

    diags = Diagnostics()
    config = load_config(args.config, diags)
    if config is None:
        print(diags.format_text(), file=sys.stderr)
        return 1
    progress = Progress()
    progress.step(t("commands.step-import", file=args.draft.name))
    try:
        text, notice = read_draft(args.draft)
        result = import_draft(text, args.volume, args.chapter, str(args.draft), args.title)
    except DraftError as exc:
        diags.error(Location(str(args.draft)), exc.text.code, **dict(exc.text.params))
    except (OSError, ValueError) as exc:   # unreadable, or not UTF-16 after all: the system's words
        diags.error(Location(str(args.draft)), "import.cannot-read", error=str(exc))
    finally:
        progress.clear()
    if diags.errors:
        print(diags.format_text(), file=sys.stderr)
        return 1
    target = args.out or config.content_dir / result.folder
    if target.exists() and any(target.iterdir()) and not args.force:
        diags.error(Location(str(target)), "import.folder-not-empty")
        print(diags.format_text(), file=sys.stderr)
        return 1
    target.mkdir(parents=True, exist_ok=True)
    for name, content in sorted(result.files.items()):
        (target / name).write_text(content, encoding="utf-8", newline="\n")
    if notice:
        print(notice)
    print(result.summary())
    print(result.report.format())
    print(t("import.wrote-files", count=len(result.files), folder=target))
    return 0


def main(argv: list[str] | None = None) -> int:
    # A build makes hundreds of thousands of long-lived objects and little cyclic garbage:
    # Python's collector would walk them all again and again (1.4 s of a 10k-page build), and
    # once more as soon as it is switched back on. serve pauses it during rebuilds likewise.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: list[str] | None) -> int:
    args = make_parser().parse_args(argv)
    messages.use(messages.choose(args.messages, args.config))
    if args.command == "import":
        return run_import(args)
    if args.command == "new":
        return run_new(args)
    from . import cache
    if args.command == "serve":
        from .commands.serve import serve  # imports livereload and tornado: only for this command
        return serve(args.config, args.host, args.port, args.open, with_search=not args.no_search)
    progress = None if args.quiet else Progress()   # writes only to a terminal
    report = ProgressReport(shown=progress, on_render=progress.counter("render") if progress else None)
    try:
        if args.command == "build":
            pipeline.build(args.config, report, with_search=False if args.no_search else None, output_dir=args.output,
                           precompress=args.precompress, state=None if args.fresh else cache.load(args.config))
        elif args.command == "pdf":
            from .commands.pdf import make_pdf   # imports WeasyPrint: only for this command
            path, count = make_pdf(args.config, report, args.volume, args.chapter, args.lang, args.output)
            report.exported = t("commands.proof-file", path=path, pages=count)
        elif args.command == "export":
            archive = pipeline.export(args.config, args.dir, report, tuple(args.volume), args.zip)
            report.exported = (t("commands.export-folder-and-zip", folder=args.dir, archive=archive) if archive
                               else str(args.dir))
        else:   # check: what the last build computed from unchanged files is read, not written
            pipeline.validate(args.config, report, memo=cache.load(args.config).memo)
    except BuildFailed:
        pass
    finally:
        if progress is not None:
            progress.clear()
    diags = report.diagnostics
    if getattr(args, "format", "text") == "json":
        print(diags.format_json())
    elif diags.items:
        print(diags.format_text(), file=sys.stderr)
    failed = bool(diags.errors) or (args.strict and bool(diags.warnings))
    if not args.quiet and getattr(args, "format", "text") == "text":
        print(summary(args.command, report, failed, args.strict), file=sys.stderr if failed else sys.stdout)
    if getattr(args, "translations", False) and report.site is not None and not diags.errors:
        for lang in report.site.config.language_keys[1:]:
            print("\n" + coverage_report(report.site, lang), end="")
    return 1 if failed else 0


FAILED = {"build": "commands.build-failed", "check": "commands.check-failed", "pdf": "commands.pdf-failed",
          "export": "commands.export-failed"}


def summary(command: str, report: pipeline.BuildReport, failed: bool, strict: bool) -> str:
    diags = report.diagnostics
    counts = t("commands.counts", errors=len(diags.errors), warnings=len(diags.warnings))
    times = " · ".join(t("commands.step-time", step=step_name(name), seconds=f"{seconds:.2f}").render()
                       for name, seconds in report.timings)
    total = f"{sum(seconds for _, seconds in report.timings):.2f}"
    if failed:
        why = t("commands.strict-fails") if strict and not diags.errors else ""
        return t(FAILED[command], counts=counts, why=why).render()
    site = report.site
    pages = [p for p in site.pages.values()] if site else []
    default = site.config.default_language if site else ""
    source_pages = [p for p in pages if p.lang == default and not p.node.generated]
    entries = sum(len(p.entries) for p in source_pages)
    tables = len(site.tables) if site else 0
    figures = sum(len(p.meta.get("figures") or []) for p in source_pages)
    if command == "check":
        return t("commands.check-ok", pages=len(source_pages), entries=entries, tables=tables, figures=figures,
                 counts=counts, total=total, times=times, translations=coverage_summary(site)).render()
    if command == "pdf":
        return t("commands.pdf-ok", proof=report.exported, counts=counts, total=total, times=times).render()
    if command == "export":
        return t("commands.export-ok", exported=report.exported, counts=counts, total=total, times=times).render()
    per_lang = [f"{lang} {n}" for lang, n in report.pages_per_language.items()]
    built = "commands.built-indexed" if report.indexed_pages else "commands.built"
    return t(built, out=site.config.output_dir.name, per_lang=per_lang, entries=entries, tables=tables,
             figures=figures, indexed=report.indexed_pages, again=report.index_bundles[0],
             bundles=report.index_bundles[1], counts=counts, total=total, times=times).render()
