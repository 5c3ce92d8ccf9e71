"""What pages link to: one `Link` shape for every page and department a view shows.

A link names its target's title and URL, and `lang` (an <html lang> code) only
when the target is shown in another language than the page linking to it (an
untranslated page: its title is the source's). Templates test `link.lang`, nothing
else. Links are computed once per process and cached on the Site.
"""
from __future__ import annotations

from dataclasses import dataclass

DIRECTORY = "departments"   # the department directory's page key; a department's page is DIRECTORY/ID


def department_key(dept_id: str) -> str:
    return f"{DIRECTORY}/{dept_id}"


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    lang: str = ""   # set only when the title is in another language than the linking page's

    def with_(self, **extra) -> dict:
        """The link as a dict with more fields, for a view that adds its own (a nav's `open`, …)."""
        return {"title": self.title, "url": self.url, "lang": self.lang, **extra}


@dataclass(frozen=True)
class DepartmentLink:
    id: str
    name: str
    url: str | None   # its page, on sites that have department pages


def page_link(site, key: str, lang: str) -> Link | None:
    """Title and URL of the page `key` in `lang` (cached)."""
    cache = site.link_cache
    found = cache.get((key, lang), False)
    if found is False:
        page = site.page(key, lang)
        found = cache[(key, lang)] = None if page is None else Link(
            page.title, page.url, "" if page.translated else site.config.language(page.source.lang).code)
    return found


def department_link(site, dept_id: str, lang: str) -> DepartmentLink:
    """A body's name in `lang` (else as the source writes it) and its page."""
    dept = site.registry.get(dept_id)
    name = (dept.name.get(lang) or dept.name.get(site.config.default_language)) if dept else dept_id
    page = site.page(department_key(dept_id), lang)
    return DepartmentLink(dept_id, name, page.url if page else None)
