"""Print proofs (校样): a chapter or a whole volume as a PDF, with the site's own text.

Each page is rendered as the site renders it (the same template, text, numbered
tables and figures, attributions); its <article> is laid out by
templates/proof.html with static/proof.css, and WeasyPrint (CSS paged media)
makes the PDF: a cover, contents with page numbers, running heads (volume ·
chapter), page numbers, table rows never split, headings kept with their text.
Nothing in it depends on the clock: the same content gives the same bytes.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from markupsafe import Markup

from .. import pipeline
from ..diagnostics import BuildFailed, Location, suggest
from ..links import page_link
from ..messages import t
from ..render import Renderer
from ..site import MEDIA_DIR

ARTICLE = re.compile(r"<article[^>]*>(.*)</article>", re.S)
NOT_ON_PAPER = re.compile(r'<nav class="entries".*?</nav>\n?|<script\b.*?</script>\n?|<span hidden data-pagefind-meta[^>]*></span>\n?'
                          r'|<p id="copy-status".*?</p>\n?', re.S)


def make_pdf(config_path: Path, report: pipeline.BuildReport, volume: str | None = None, chapter: str | None = None,
             lang: str | None = None, output: Path | None = None) -> tuple[Path, int]:
    """Validate the site, then write the proof of `volume` (or its `chapter`) in `lang`;
    returns (the PDF's path, its number of pages). Raises BuildFailed with the reasons."""
    diags = report.diagnostics
    config, site, strings = pipeline.validate(config_path, report)
    volumes = [v.key for v in site.volumes()]
    volume = volume or (volumes[0] if volumes else None)
    lang = lang or config.default_language
    if volume not in volumes:
        diags.error(Location(config.file), "commands.pdf-no-volume", volume=volume,
                    hint=suggest(str(volume), volumes) or t("hint.use-one-of", choices=volumes or t("commands.pdf-none")))
    if lang not in config.language_keys:
        diags.error(Location(config.file), "commands.pdf-no-language", lang=lang,
                    hint=t("hint.use-one-of", choices=config.language_keys))
    top = f"{volume}/{chapter}" if chapter else volume
    if chapter and volume in volumes and top not in site.nodes:
        parts = [k.split("/", 1)[1] for k in site.nodes.get(volume).children] if volume in site.nodes else []
        diags.error(Location(config.file), "commands.pdf-no-chapter", chapter=chapter, volume=volume,
                    hint=suggest(chapter, parts) or t("hint.use-one-of", choices=parts))
    report.stop_on_errors()
    keys = [key for key in site.authored() if (key == top and chapter) or key.startswith(top + "/")]
    renderer = Renderer.create(site, strings, pipeline.VIEWS)
    pages = []
    with report.step("render"):
        for key in keys:
            page = site.pages[(key, lang)]
            html = renderer.render(page)
            match = ARTICLE.search(html)
            pages.append({"anchor": "page-" + key.replace("/", "-"), "title": page.title,
                          "entries": page.entries, "html": Markup(NOT_ON_PAPER.sub("", match.group(1) if match else ""))})
    proof = renderer.env.get_template("proof.html").render(
        lang=config.language(lang), t=strings[lang], pages=pages, version=pipeline.offline_edition.content_version(config),
        volume_title=page_link(site, volume, lang).title, part_title=page_link(site, top, lang).title if chapter else "",
        site_css=Markup(_read(config.static_dir / "site.css")), proof_css=Markup(_read(config.static_dir / "proof.css")))
    target = output or config.root / "proofs" / f"{volume}{'-' + chapter if chapter else ''}-{lang}.pdf"
    with report.step("pdf"):
        try:
            count = _write_pdf(proof, config, target)
        except ProofToolMissing as exc:
            diags.error(Location(config.file), "commands.pdf-no-weasyprint", error=exc)
            raise BuildFailed(diags) from None
        except OSError as exc:
            diags.error(Location(str(target)), "commands.pdf-cannot-write", reason=exc.strerror or exc)
            raise BuildFailed(diags) from None
    return target, count


class ProofToolMissing(Exception):
    """WeasyPrint or the libraries it loads are not installed."""


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _write_pdf(html: str, config, target: Path) -> int:
    """WeasyPrint, with photos (/media/…) read from beside their pages; written whole or not at all."""
    try:
        import weasyprint   # only for this command: it loads Pango
    except (ImportError, OSError) as exc:
        raise ProofToolMissing(str(exc)) from None

    media = f"{config.base_path}{MEDIA_DIR}/"

    def fetch(url: str, *args, **kwargs):
        path = url.split("://", 1)[-1] if url.startswith("file://") else url
        if path.startswith(media):
            url = (config.content_dir / path[len(media):]).as_uri()
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    document = weasyprint.HTML(string=html, base_url=config.root.as_uri() + "/", url_fetcher=fetch).render()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    document.write_pdf(partial)
    os.replace(partial, target)
    return len(document.pages)

