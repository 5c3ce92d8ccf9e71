"""Files for the whole site rather than one page: the root redirect, the 404
page, sitemap.xml with language alternates, robots.txt, and a web app manifest
per language (so a reader can add the yearbook to a phone's home screen)."""
from __future__ import annotations

import functools
import json
import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import quoteattr

import jinja2

from .links import page_link
from .site import Site

MANIFEST = "manifest.webmanifest"
_CSS_COLOUR = r"--{name}:\s*(#[0-9a-fA-F]{{3,8}})"


@functools.lru_cache(maxsize=8)
def theme_colours(static_dir: Path) -> dict:
    """The colours browsers paint around the site, read from static/site.css (their one
    source): light accent and paper, dark paper. The manifest and <meta name=theme-color> use them."""
    css = (static_dir / "site.css").read_text(encoding="utf-8") if (static_dir / "site.css").is_file() else ""
    light, _, dark = css.partition("prefers-color-scheme: dark")

    def colour(text: str, name: str, default: str) -> str:
        match = re.search(_CSS_COLOUR.format(name=name), text)
        return match.group(1) if match else default

    return {"accent": colour(light, "accent", "#8a1c1c"), "paper": colour(light, "paper", "#fdfcf9"),
            "dark_paper": colour(dark, "paper", "#17171a")}


def write_sitewide(site: Site, strings: dict, env: jinja2.Environment, staging: Path) -> None:
    config = site.config
    (staging / "index.html").write_text(root_redirect(site), encoding="utf-8")
    volumes = {lang.key: [page_link(site, v.key, lang.key) for v in site.volumes()] for lang in config.languages}
    (staging / "404.html").write_text(env.get_template("404.html").render(
        languages=config.languages, titles=[config.title[lang.key] for lang in config.languages],
        strings=strings, root=config.base_path, volumes=volumes,
        has_search=any(("search", lang.key) in site.pages for lang in config.languages)), encoding="utf-8")
    (staging / "sitemap.xml").write_text(sitemap(site), encoding="utf-8")
    for lang in config.languages:
        (staging / lang.prefix).mkdir(parents=True, exist_ok=True)   # (serve may render no page of that language)
        (staging / lang.prefix / MANIFEST).write_text(manifest(site, lang), encoding="utf-8")
    (staging / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {absolute(config.base_url, 'sitemap.xml')}\n",
                                        encoding="utf-8")


def absolute(base_url: str, url: str) -> str:
    """Full URL when base_url is one (https://…); otherwise the root-relative path."""
    return urljoin(base_url, url)


def manifest(site: Site, lang) -> str:
    """The language's web app manifest: its home as start page, the whole site as scope."""
    config = site.config
    title = config.title[lang.key]
    return json.dumps({
        "name": title, "short_name": title, "description": config.description.get(lang.key, ""),
        "lang": lang.code, "dir": "ltr", "start_url": f"{config.base_path}{lang.prefix}/", "scope": config.base_path,
        "display": "standalone", "theme_color": theme_colours(config.static_dir)["accent"],
        "background_color": theme_colours(config.static_dir)["paper"],
        "icons": [{"src": f"{config.base_path}static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }, ensure_ascii=False, indent=2) + "\n"


def root_redirect(site: Site) -> str:
    """/ sends readers to the default language's home (a static site cannot negotiate)."""
    config = site.config
    target = f"{config.base_path}{config.languages[0].prefix}/"
    title = escape(config.title[config.default_language])
    return (f'<!doctype html>\n<html lang="{config.languages[0].code}"><head><meta charset="utf-8">'
            f'<title>{title}</title><meta http-equiv="refresh" content="0; url={target}">'
            f'<link rel="canonical" href="{absolute(config.base_url, target)}"><link rel="manifest" href="{target}{MANIFEST}"></head>'
            f'<body><p><a href="{target}">{title}</a></p></body></html>\n')


def sitemap(site: Site) -> str:
    """Every page in every language, each listing its translations (hreflang)."""
    config = site.config
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for key in site.order:
        for lang in config.languages:
            page = site.pages[(key, lang.key)]
            lines.append(f"  <url><loc>{escape(absolute(config.base_url, page.url))}</loc>")
            for other in config.languages:
                href = absolute(config.base_url, site.pages[(key, other.key)].url)
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(other.code)} href={quoteattr(href)}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
