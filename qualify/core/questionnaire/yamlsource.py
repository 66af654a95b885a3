"""YAML with the places of things: parse once, keep every node's line and column.

PyYAML collapses duplicate keys, reads `no` as false (YAML 1.1) and forgets where a
value came from once constructed. Area managers edit these files by hand, so we
compose the node tree ourselves, build plain Python data from it, and keep an index
from each data path (`("sections", 0, "questions", 2, "weight")`) to its node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser composes ~5x faster; same behaviour
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a file, at a place an editor can jump to (1-based line and column)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML 1.2 core schema: only true/false are booleans; dates stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", _BOOL)
    )

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class Document:
    """Plain data from one YAML file, with the node behind every value and key."""

    path: str
    data: Any = None
    values: dict[Path_, yaml.Node] = field(default_factory=dict)
    keys: dict[Path_, yaml.Node] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = False
    """The YAML parsed (other problems may still exist, e.g. duplicate keys)."""

    def problem(self, node: yaml.Node | None, message: str, severity: str = "error") -> None:
        line, col = _position(node)
        self.problems.append(Problem(self.path, line, col, message, severity))

    def node_at(self, loc: Path_, *, key: bool = False) -> yaml.Node | None:
        """The deepest node along `loc`: the key itself when `key` and it exists."""
        if key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            node = self.values.get(loc[:end])
            if node is not None:
                return node
        return None

    def place(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        return _position(self.node_at(loc, key=key))

    def at(self, loc: Path_, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = self.place(loc, key=key)
        self.problems.append(Problem(self.path, line, col, message, severity))

    def at_offset(self, loc: Path_, offset: int, message: str, severity: str = "error") -> None:
        """A problem inside a scalar (a condition), `offset` characters into its text."""
        node = self.node_at(loc)
        line, col = _position(node)
        one_line = (
            isinstance(node, yaml.ScalarNode)
            and node.style in (None, "", '"', "'")
            and node.start_mark.line == node.end_mark.line
        )
        if one_line:
            col += offset + (1 if node.style in ('"', "'") else 0)
        self.problems.append(Problem(self.path, line, col, message, severity))


def _position(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(text: str, path: str) -> Document:
    """Parse `text`; syntax errors, duplicate keys and unsafe tags become problems."""
    doc = Document(path)
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot be read"
        doc.problems.append(Problem(path, line, col, f"YAML syntax error: {what}"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(path, 1, 1, f"YAML error: {exc}"))
        return doc
    if root is None:
        doc.problems.append(Problem(path, 1, 1, "the file is empty"))
        return doc
    try:
        doc.data = _build(doc, loader, root, (), set())
    finally:
        loader.dispose()
    doc.readable = True
    return doc


def _build(doc: Document, loader: Any, node: yaml.Node, loc: Path_, seen: set[int]) -> Any:
    doc.values.setdefault(loc, node)
    if node.tag not in _SAFE_TAGS:
        doc.problem(node, f"the tag {_short(node.tag)} is not allowed (only plain YAML is read)")
        return None
    if isinstance(node, yaml.MappingNode):
        if id(node) in seen:
            doc.problem(node, "a mapping cannot contain itself")
            return None
        seen = seen | {id(node)}
        result: dict[Any, Any] = {}
        first_at: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                doc.problem(key_node, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problem(key_node, "keys must be plain words")
                continue
            key = _scalar(doc, loader, key_node)
            if isinstance(key, float | bool) or key is None:
                key = key_node.value
            if key in first_at:
                line, _ = _position(first_at[key])
                doc.problem(key_node, f"duplicate key {key!r} (first given on line {line})")
                continue
            first_at[key] = key_node
            doc.keys[(*loc, key)] = key_node
            result[key] = _build(doc, loader, value_node, (*loc, key), seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        if id(node) in seen:
            doc.problem(node, "a list cannot contain itself")
            return None
        seen = seen | {id(node)}
        return [_build(doc, loader, item, (*loc, i), seen) for i, item in enumerate(node.value)]
    return _scalar(doc, loader, node)


def _scalar(doc: Document, loader: Any, node: yaml.Node) -> Any:
    if node.tag not in _SAFE_TAGS:
        doc.problem(node, f"the tag {_short(node.tag)} is not allowed (only plain YAML is read)")
        return None
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        doc.problem(node, f"cannot read {node.value!r}: {exc}")
        return node.value


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")
