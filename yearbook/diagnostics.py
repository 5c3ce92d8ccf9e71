"""Errors and warnings that name a file, line and column, and say how to fix it.

Every step reports problems into one `Diagnostics` list instead of raising, so
an editor sees all of them at once (zola and rustc style), then the build stops.
A diagnostic holds a message code and its parameters (see `messages`): its words
are chosen in the editors' language when it is printed.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .messages import Text, t

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column count from 1 (0 = unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    where: Location
    text: Text
    related: tuple[Location, ...] = ()

    @property
    def code(self) -> str:
        return self.text.code

    @property
    def message(self) -> str:
        return self.text.render()

    @property
    def hint(self) -> str:
        return self.text.hint()

    def format(self) -> str:
        lines = [t("diag.line", where=str(self.where), severity=t(f"diag.{self.severity}"),
                   message=self.message).render()]
        for other in self.related:
            lines.append("  " + t("diag.other-place", where=str(other)).render())
        if self.hint:
            lines.append("  " + t("diag.hint", hint=self.hint).render())
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"severity": self.severity, "code": self.code, "where": asdict(self.where),
                "message": self.message, "hint": self.hint, "related": [asdict(r) for r in self.related]}


@dataclass
class Diagnostics:
    """Collects diagnostics from every step; the CLI prints and counts them."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, where: Location, code: str, related=(), **params) -> None:
        """Report an error: `code` names the catalogue entry, params fill it in."""
        self.items.append(Diagnostic(ERROR, where, t(code, **params), tuple(related)))

    def warning(self, where: Location, code: str, related=(), **params) -> None:
        self.items.append(Diagnostic(WARNING, where, t(code, **params), tuple(related)))

    def extend(self, other: "Diagnostics | list[Diagnostic]") -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def sorted(self) -> list[Diagnostic]:
        """Grouped by file, then by line: the order an editor fixes them in."""
        return sorted(set(self.items), key=lambda d: (d.where, d.severity, d.code, d.message))

    def format_text(self) -> str:
        return "\n".join(d.format() for d in self.sorted())

    def format_json(self) -> str:
        return json.dumps([d.as_json() for d in self.sorted()], ensure_ascii=False, indent=2)


def suggest(word: str, candidates) -> Text | str:
    """'did you mean X?' for the nearest candidate, or '' (falsy, so `suggest(...) or other`)."""
    match = difflib.get_close_matches(str(word), sorted(map(str, candidates)), n=1, cutoff=0.5)
    return t("hint.did-you-mean", word=match[0]) if match else ""


def relpath(path: Path, root: Path) -> str:
    """Path as the editor typed it: relative to the project root, with slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class BuildFailed(Exception):
    """Raised by the orchestrator when a step left errors; carries them all."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(f"{len(diagnostics.errors)} error(s)")
        self.diagnostics = diagnostics
