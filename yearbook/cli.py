"""Command line: `build.py build | check`. Thin: parse arguments, call the pipeline, print."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, pipeline
from .diagnostics import BuildFailed
from .translation import coverage_report, coverage_summary

DESCRIPTION = """\
Build the bilingual district yearbook from content/ into a static site.

  build   validate everything, render every page in every language, index
          search, and replace the output folder (only if all of it worked)
  check   validate everything and report problems; writes nothing
  serve   build, serve at http://127.0.0.1:8000/ and rebuild + reload on every save
  import  convert a plain-text chapter draft into content files

Errors name file:line:col and say how to fix them; the exit code is 1 when
there are errors (or warnings, with --strict)."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sub):
        sub.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                         help="site configuration (default: config.yaml)")
        sub.add_argument("--strict", action="store_true", help="fail on warnings too")
        sub.add_argument("--quiet", "-q", action="store_true", help="print only problems")

    build = commands.add_parser("build", help="build the site into the output folder",
                                description="Build the site into the output folder (config: output_dir).")
    common(build)
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster previews)")
    build.add_argument("--output", type=Path, metavar="DIR", help="write the site here instead of config's output_dir")

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
    draft.add_argument("--out", type=Path, metavar="DIR", help="write here instead of content/VOLUME/CHAPTER")
    draft.add_argument("--force", action="store_true", help="write into a folder that already has files")
    draft.add_argument("--config", type=Path, default=Path("config.yaml"), metavar="FILE",
                       help="site configuration (default: config.yaml)")
    preview = commands.add_parser(
        "serve", help="build, serve on 127.0.0.1 and rebuild on every save (live reload)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the site, serve the output folder and rebuild it on every save.\n\n"
                    "Watches content/, templates/, static/ and config.yaml (never the output folder).\n"
                    "A save rebuilds once, without search, and reloads the open pages; the search\n"
                    "index follows a moment later. A build with errors keeps the last good site\n"
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
    return parser


def run_import(args) -> int:
    """`build.py import`: the importer writes files; the editor reviews the report, then runs check."""
    from .config import load_config
    from .diagnostics import Diagnostics
    from .importer import import_draft, read_draft

    diags = Diagnostics()
    config = load_config(args.config, diags)
    if config is None:
        print(diags.format_text(), file=sys.stderr)
        return 1
    try:
        text, notice = read_draft(args.draft)
        result = import_draft(text, args.volume, args.chapter, str(args.draft))
    except (OSError, ValueError) as exc:
        print(f"{args.draft}: error: {exc}", file=sys.stderr)
        return 1
    target = args.out or config.content_dir / result.folder
    if target.exists() and any(target.iterdir()) and not args.force:
        print(f"{target}: error: the folder already has files\n  hint: choose another --chapter or --out, "
              f"or add --force to write into it", file=sys.stderr)
        return 1
    target.mkdir(parents=True, exist_ok=True)
    for name, content in sorted(result.files.items()):
        (target / name).write_text(content, encoding="utf-8", newline="\n")
    if notice:
        print(notice)
    print(result.summary())
    print(result.report.format())
    print(f"wrote {len(result.files)} files to {target}; next: python build.py check")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.command == "import":
        return run_import(args)
    if args.command == "serve":
        from .serve import serve  # imports livereload and tornado: only for this command
        return serve(args.config, args.host, args.port, args.open, with_search=not args.no_search)
    report = pipeline.BuildReport()
    try:
        if args.command == "build":
            pipeline.build(args.config, report, with_search=False if args.no_search else None, output_dir=args.output)
        else:
            pipeline.validate(args.config, report)
    except BuildFailed:
        pass
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


def summary(command: str, report: pipeline.BuildReport, failed: bool, strict: bool) -> str:
    diags = report.diagnostics
    counts = f"{len(diags.errors)} error(s), {len(diags.warnings)} warning(s)"
    times = " · ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings)
    total = sum(seconds for _, seconds in report.timings)
    if failed:
        why = " (warnings fail with --strict)" if strict and not diags.errors else ""
        kept = "; the previous site is untouched" if command == "build" else ""
        return f"{command} failed: {counts}{why}{kept}."
    site = report.site
    pages = [p for p in site.pages.values()] if site else []
    default = site.config.default_language if site else ""
    source_pages = [p for p in pages if p.lang == default and not p.node.generated]
    entries = sum(len(p.entries) for p in source_pages)
    tables = len(site.tables) if site else 0
    figures = sum(len(p.meta.get("figures") or []) for p in source_pages)
    if command == "check":
        return (f"check ok: {len(source_pages)} pages, {entries} entries, {tables} tables, {figures} figures; "
                f"{counts} in {total:.2f}s ({times})\ntranslations: {coverage_summary(site)} "
                f"(details: build.py check --translations)")
    per_lang = ", ".join(f"{lang} {n}" for lang, n in report.pages_per_language.items())
    search = f", {report.indexed_pages} pages indexed" if report.indexed_pages else ""
    out = site.config.output_dir.name
    return (f"built {out}/: pages {per_lang}; {entries} entries, {tables} tables, {figures} figures{search}; "
            f"{counts} in {total:.2f}s ({times})")
