"""YAML that remembers where each value was written.

PyYAML's `compose` keeps start marks on every node; we construct plain Python
values from the nodes and keep a side table of positions, so validation can
point at `file:line:col` of the offending key or value. A YAML error is never
swallowed: it becomes a diagnostic at the line in the *enclosing* file.
"""
from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, field

import yaml

from .diagnostics import Diagnostics, Location
from .messages import Text, t

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser: ~6x faster


class Loader(_Base):
    """Safe YAML without YAML 1.1's surprises: 1:30 is not the number 90 (sexagesimal) and an
    impossible date such as 2021-13-45 is not a crash; both stay the text as written, so a
    string field shows them as typed and a number field reports them."""


def _as_written_unless(constructor, *, rejected: str = ""):
    def construct(loader, node):
        if rejected and rejected in node.value:
            return node.value
        try:
            return constructor(loader, node)
        except ValueError:
            return node.value
    return construct


Loader.add_constructor("tag:yaml.org,2002:int", _as_written_unless(_Base.construct_yaml_int, rejected=":"))
Loader.add_constructor("tag:yaml.org,2002:float", _as_written_unless(_Base.construct_yaml_float, rejected=":"))
Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_written_unless(_Base.construct_yaml_timestamp))


@dataclass
class YamlDoc:
    """Parsed YAML plus the position of every key and value."""

    data: object
    file: str
    value_marks: dict = field(default_factory=dict)
    key_marks: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)   # path → text as written, for scalars YAML read as not a string
    source: str = ""                                # the YAML text (to find an alias again)

    def where(self, *path, key: bool = False) -> Location:
        """Location of the value (or key) at `path`, else of its nearest parent."""
        marks = self.key_marks if key else self.value_marks
        while path:
            if path in marks:
                return Location(self.file, *marks[path])
            if not key and path in self.key_marks:
                return Location(self.file, *self.key_marks[path])
            path = path[:-1]
        return Location(self.file, *self.value_marks.get((), (1, 1)))

    # Pickled (from the worker processes, into the build cache) with the positions packed by
    # marshal and unpacked on first use: rebuilding thousands of small tuples and dicts per
    # build in the main process cost more than parsing them did. The YAML text is only needed
    # while parsing.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__, source="")
        if "value_marks" in state:
            state["_packed"] = marshal.dumps((state.pop("value_marks"), state.pop("key_marks")))
        return state

    def __getattr__(self, name: str):
        packed = self.__dict__.get("_packed")
        if name not in ("value_marks", "key_marks") or packed is None:
            raise AttributeError(name)
        self.value_marks, self.key_marks = marshal.loads(packed)
        del self._packed
        return self.__dict__[name]


# What the parser says (its words, in English) → the hint for it.
_YAML_HINTS = {
    "mapping values are not allowed": "input.yaml-hint-colon-in-value",
    "found character '\\t'": "input.yaml-hint-tab",
    "could not find expected ':'": "input.yaml-hint-missing-colon",
    "found undefined alias": "input.yaml-hint-alias",
    "expected <block end>": "input.yaml-hint-indentation",
    "found unexpected end of stream": "input.yaml-hint-not-closed",
    "did not find expected key": "input.yaml-hint-indentation-or-quote",
}


def _hint_for(problem: str) -> Text:
    for needle, hint in _YAML_HINTS.items():
        if needle in problem:
            return t(hint)
    return t("input.yaml-hint-fix-here")


_OPEN_QUOTE = re.compile(r"""^\s*(?:-\s+)?[^\s"'#][^:#]*:\s+(["'])""")


def _unclosed_quote(text: str, error_line: int) -> tuple | None:
    """(line index, column) of the first line before `error_line` whose value opens a quote
    and does not close it on the same line; None if there is none."""
    for index, line in enumerate(text.split("\n")[:error_line + 1]):
        match = _OPEN_QUOTE.match(line)
        if match is None:
            continue
        quote, rest = match.group(1), line[match.end():]
        closed = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in closed:
            return index, match.end()
    return None


def parse_yaml(text: str, file: str, diags: Diagnostics, first_line: int = 1) -> YamlDoc | None:
    """Parse `text` whose first line is line `first_line` of `file`; None on error."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc({}, file, {(): (first_line, 1)})
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote or bracket is found at the end of the text: point at where it opened.
        at_end = "end of stream" in str(exc.problem) and exc.context_mark is not None
        mark = exc.context_mark if at_end else (exc.problem_mark or exc.context_mark)
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or t("input.yaml-unreadable")   # the parser's words (English)
        hint = _hint_for(str(problem))
        if at_end:
            quoted = "quoted" in str(exc.context)
            problem = t("input.yaml-quote-never-ends" if quoted else "input.yaml-bracket-never-ends")
            hint = t("input.yaml-hint-close-quote" if quoted else "input.yaml-hint-close-bracket")
        elif mark is not None and text[mark.index:mark.index + 1] == "\t":
            problem, hint = t("input.yaml-tab-in-indentation"), t("input.yaml-hint-tab")
        unclosed = _unclosed_quote(text, mark.line if mark else 0)
        if unclosed is not None and not at_end:
            # A quote left open runs on to the next quote, and YAML complains there: point at the opening.
            line, col = first_line + unclosed[0], unclosed[1]
            problem, hint = t("input.yaml-quote-not-closed-on-line"), t("input.yaml-hint-close-quote")
        diags.error(Location(file, line, col), "input.invalid-yaml" if isinstance(problem, Text) else "input.invalid-yaml-parser",
                    problem=problem, hint=hint)
        return None
    except yaml.YAMLError as exc:  # errors without a mark (rare)
        diags.error(Location(file, first_line, 1), "input.invalid-yaml-parser", problem=str(exc), hint=t("input.yaml-hint-fix"))
        return None
    finally:
        loader.dispose()
    doc = YamlDoc(data, file, source=text)
    before = len(diags.errors)
    try:
        _record_marks(node, (), doc, first_line - 1, diags, set())
    except _Stop:
        return None
    if len(diags.errors) > before:
        return None
    return doc


def _record_marks(node, path, doc: YamlDoc, offset: int, diags: Diagnostics, seen: set) -> None:
    """Positions of every value and key; refuse aliases and duplicate keys on the way."""
    if id(node) in seen:   # the same node twice: an alias (*name) of an anchor (&name)
        line, col = _first_alias(doc, offset)
        diags.error(Location(doc.file, line, col), "input.yaml-alias")
        raise _Stop
    seen.add(id(node))
    doc.value_marks[path] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:str":
        doc.written[path] = node.value
    if isinstance(node, yaml.MappingNode):
        keys: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value
            mark = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if key in keys:
                diags.error(Location(doc.file, *mark), "input.yaml-duplicate-key", key=key, first_line=keys[key])
                continue
            keys[key] = mark[0]
            doc.key_marks[path + (key,)] = mark
            _record_marks(value_node, path + (key,), doc, offset, diags, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_marks(item, path + (index,), doc, offset, diags, seen)


class _Stop(Exception):
    """An alias was found: the rest of the document may be exponentially large."""


def _first_alias(doc: YamlDoc, offset: int) -> tuple:
    """Line and column of the first alias, found again from the events (rare path)."""
    for event in yaml.parse(doc.source, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1 + offset, event.start_mark.column + 1
    return offset + 1, 1
