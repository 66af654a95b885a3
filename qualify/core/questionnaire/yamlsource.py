"""YAML with the places of things: parse once, keep every node's line and column.

PyYAML collapses duplicate keys, implements YAML 1.1 (`no` is false, `12:30` is 750,
`010` is 8) and forgets where a value came from once constructed. Area managers edit
these files by hand, so we compose the node tree ourselves with the YAML 1.2 core
schema, build plain Python data from it, and keep an index from each data path
(`("sections", 0, "questions", 2, "weight")`) to its node, whose text is kept too:
an answer file's value is read by its question's type (a text answer keeps exactly
the characters typed).

Everything is bounded (file size, nesting, values after alias expansion), so a hostile
file costs milliseconds and gets a located message, never a hang or a RecursionError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from qualify.core.errors import QualifyError
from qualify.core.phrase import Phrase
from qualify.core.questionnaire.yaml_errors import syntax_error
from qualify.core.safe_text import quoted

if TYPE_CHECKING:
    import yaml

# PyYAML is imported only when a file is parsed: a command whose question sets come from
# the cache (qualify.setcache) never loads it.

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a file, at a place an editor can jump to (1-based line and column).

    `message` is usually a :class:`~qualify.core.phrase.Phrase`: ``str(problem)`` is the
    English line, ``qualify.i18n.problem_text`` says it in the language in use."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"

    def said(self) -> Any:
        """The line as a phrase inside another sentence: its message said in the reader's
        language, its place as it is (``str()`` of it is ``str(self)``)."""
        from qualify.core.phrase import Joined

        tag = "" if self.severity == "error" else f"{self.severity}: "
        return Joined((f"{self.path}:{self.line}:{self.col}: {tag}", self.message), "")


@dataclass(frozen=True)
class Limits:
    """How much a YAML file may ask of us; a file beyond them gets a located message."""

    max_bytes: int = 2_000_000
    """File size: a 500-question set is about 150 kB."""
    max_depth: int = 40
    """Nesting of mappings and lists (a question set needs 6)."""
    max_values: int = 100_000
    """Values after expanding aliases (a 500-question set has about 10,000)."""


LIMITS = Limits()


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_MERGE_KEY = re.compile(r"^<<$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


@cache
def _loader_class() -> type:
    """The YAML 1.2 core schema: true/false, null, decimal/0o/0x integers and floats
    (`1e3` is a number); `yes`, `12:30`, `010`-as-octal, `1_000` and dates are not."""
    import yaml

    try:  # the C parser composes ~5x faster; same behaviour
        from yaml import CSafeLoader as base
    except ImportError:  # pragma: no cover - libyaml missing
        from yaml import SafeLoader as base  # type: ignore[assignment]

    resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, firsts in (
        ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
        ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
        ("tag:yaml.org,2002:float", _FLOAT, "-+.0123456789"),
        (_MERGE, _MERGE_KEY, "<"),  # so `<<:` is told apart (refused, with why)
    ):
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, regexp))
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode

    class _Loader(base):  # type: ignore[misc,valid-type]
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            """PyYAML's resolve for these resolvers alone (no path resolvers): the
            composer asks it of every node, so it is kept to a dict look-up."""
            if kind is scalar:
                if implicit[0]:
                    for tag, regexp in resolvers.get(value[:1], ()):
                        if regexp.match(value):
                            return tag
                return _STR
            return _SEQ if kind is sequence else _MAP

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            """Nothing to track: there are no path resolvers (asked around every node)."""

        def ascend_resolver(self) -> None:
            """Nothing to track: there are no path resolvers."""

    _Loader.yaml_implicit_resolvers = resolvers  # values are read by _scalar, not PyYAML
    return _Loader


def _int(text: str) -> int:
    if _INT.match(text) is None:  # an explicit !!int: YAML 1.2's forms alone (no 1_000)
        raise ValueError("not a whole number as YAML writes one")
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _float(text: str) -> float:
    text = text.lower()
    if text in (".inf", "+.inf"):
        return float("inf")
    if text == "-.inf":
        return float("-inf")
    if text == ".nan":
        return float("nan")
    if _FLOAT.match(text) is None and _INT.match(text) is None:  # an explicit !!float
        raise ValueError("not a number as YAML writes one")
    return float(text)


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
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
    problems: list[Problem] = field(default_factory=list)
    readable: bool = False
    """The YAML parsed (other problems may still exist, e.g. duplicate keys)."""
    built: int = 0
    """Values built so far (aliases count each time they are expanded)."""
    placed: list[Any] = field(default_factory=list, repr=False)
    """Each value's path and node as the walk met them (path, node, path, node…)."""
    keyed: list[Any] = field(default_factory=list, repr=False)
    """Each key's path and node, likewise."""
    _values: dict[Path_, yaml.Node] | None = field(default=None, init=False, repr=False)
    _keys: dict[Path_, yaml.Node] | None = field(default=None, init=False, repr=False)

    @property
    def values(self) -> dict[Path_, yaml.Node]:
        """The node behind each value, by its path. Indexed when first asked for: a
        file without a problem never is, and a large index, written out of order, costs
        more than the walk."""
        if self._values is None:
            self._values = _indexed(self.placed, first=True)
        return self._values

    @property
    def keys(self) -> dict[Path_, yaml.Node]:
        """The node of each key, by the path of its value (indexed when first asked for)."""
        if self._keys is None:
            self._keys = _indexed(self.keyed, first=False)
        return self._keys

    def text_at(self, loc: Path_) -> str | None:
        """The characters of a plain (unquoted) scalar exactly as typed, else None."""
        import yaml

        node = self.values.get(loc)
        if isinstance(node, yaml.ScalarNode) and node.style in (None, ""):
            return str(node.value)
        return None

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
        import yaml

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


def _indexed(pairs: list[Any], *, first: bool) -> dict[Path_, yaml.Node]:
    """A dict of (path, node, path, node…): the first node of a path, or the last."""
    found: dict[Path_, yaml.Node] = {}
    put = found.setdefault if first else found.__setitem__
    items = iter(pairs)
    for loc in items:
        put(loc, next(items))
    return found


def _position(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(text: str, path: str, limits: Limits = LIMITS) -> Document:
    """Parse `text`; syntax errors, duplicate keys, unsafe tags and anything beyond
    `limits` become problems at their line and column."""
    import yaml

    doc = Document(path)
    bad = _bad_character(text) or _too_big(text, limits)
    if bad is not None:
        doc.problems.append(Problem(path, *bad))
        return doc
    try:
        loader = _loader_class()(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(Problem(path, *syntax_error(exc, text)))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(path, 1, 1, Phrase("YAML error: {error}", error=str(exc))))
        return doc
    except RecursionError:  # the pure-Python composer on very deep nesting
        doc.problems.append(Problem(path, 1, 1, _too_deep(limits.max_depth)))
        return doc
    if root is None:
        doc.problems.append(Problem(path, 1, 1, Phrase("the file is empty")))
        return doc
    for found in _INVISIBLE.finditer(text):
        line, col = _line_col(text, found.start())
        doc.problems.append(
            Problem(
                path,
                line,
                col,
                Phrase(
                    "an invisible character ({code}) hides here: the text reads differently "
                    "than it is; retype it",
                    code=f"U+{ord(found.group()):04X}",
                ),
                "warning",
            )
        )
    try:
        doc.data = _build(doc, loader, root, limits)
    except _TooMuch as stop:
        doc.problem(stop.node, stop.message)
        doc.data = None
        return doc
    finally:
        loader.dispose()
    doc.readable = True
    return doc


def _too_deep(depth: int) -> Phrase:
    return Phrase("nested more than {depth} levels deep", depth=depth)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
"""Characters no hand-written YAML holds (tab, newline and a leading BOM excepted)."""

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]")
"""Zero-width and direction-override characters: text that reads differently than it is."""


def _bad_character(text: str) -> tuple[int, int, Phrase] | None:
    """(line, col, message) of the first character YAML would choke on, named."""
    start = 1 if text.startswith("\ufeff") else 0
    found = _CONTROL.search(text, start)
    if found is None:
        return None
    line, col = _line_col(text, found.start())
    char = found.group()
    if char == "\x00":
        return (
            line,
            col,
            Phrase("a NUL byte is not allowed in a YAML file (remove it or retype the line)"),
        )
    return (
        line,
        col,
        Phrase(
            "the control character {code} is not allowed in a YAML file (remove it or "
            "retype the line)",
            code=f"U+{ord(char):04X}",
        ),
    )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """Line and column of ``text[offset]``, lines ending as YAML ends them (LF, CRLF or
    CR alone: an old Mac's file is not one long line)."""
    head = text[:offset]
    if "\r" in head:
        head = head.replace("\r\n", "\n").replace("\r", "\n")
    return head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1


def _too_big(text: str, limits: Limits) -> tuple[int, int, Phrase] | None:
    size = len(text.encode("utf-8", "surrogatepass"))
    return (1, 1, size_said(size, limits)) if size > limits.max_bytes else None


def size_said(size: int | None, limits: Limits) -> Phrase:
    """The file is too big: its size when known (a pipe's is not)."""
    if size is None:
        return Phrase(
            "the text is longer than {limit} bytes, the most that is read",
            limit=f"{limits.max_bytes:,}",
        )
    return Phrase(
        "the file is {size} bytes; at most {limit} are read",
        size=f"{size:,}",
        limit=f"{limits.max_bytes:,}",
    )


class QuestionSetError(QualifyError):
    """A question set or pipeline with mistakes; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) or "invalid question set")


class _TooMuch(Exception):
    def __init__(self, node: yaml.Node, message: Phrase) -> None:
        self.node = node
        self.message = message


def _build(doc: Document, loader: Any, root: yaml.Node, limits: Limits) -> Any:
    """Plain data from the composed nodes in one walk, each value's and key's node
    noted with its path (the document indexes them if asked). The collections on the way
    down are one set, added to and taken from (a collection met again on its own way
    down contains itself), so a deep file copies nothing."""
    import yaml

    place, key_at = doc.placed.append, doc.keyed.append
    mapping, sequence, scalar = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode
    max_values, max_depth = limits.max_values, limits.max_depth
    above: set[int] = set()
    built = doc.built
    control = _CONTROL.search

    def build(node: yaml.Node, loc: Path_) -> Any:
        nonlocal built
        built += 1
        if built > max_values:
            raise _TooMuch(
                node,
                Phrase(
                    "the file expands to more than {limit} values (aliases repeated inside "
                    "aliases?)",
                    limit=f"{max_values:,}",
                ),
            )
        if len(above) >= max_depth:
            raise _TooMuch(node, _too_deep(max_depth))
        place(loc)
        place(node)
        kind = type(node)
        if kind is scalar:
            if node.tag == _STR and control(node.value) is None:
                return node.value  # most values: text, as typed
            return _scalar(doc, loader, node)
        if node.tag not in _SAFE_TAGS:
            doc.problem(node, _refused(node.tag))
            return None
        if id(node) in above:
            if kind is mapping:
                doc.problem(node, Phrase("a mapping cannot contain itself"))
            else:
                doc.problem(node, Phrase("a list cannot contain itself"))
            return None
        above.add(id(node))
        if kind is sequence:
            result: Any = [build(item, (*loc, i)) for i, item in enumerate(node.value)]
        else:
            result = {}
            first_at: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                tag = key_node.tag
                if tag == _MERGE:
                    doc.problem(
                        key_node, Phrase("merge keys (<<) are not supported; write the keys out")
                    )
                    continue
                if type(key_node) is not scalar:
                    doc.problem(key_node, Phrase("keys must be plain words"))
                    continue
                key = key_node.value
                if tag != _STR or control(key) is not None:  # most keys: a word, as typed
                    key = _scalar(doc, loader, key_node)
                    if key is None or isinstance(key, float | bool):
                        key = key_node.value
                if key in first_at:
                    doc.problem(
                        key_node,
                        Phrase(
                            "duplicate key {key} (first given on line {line})",
                            key=repr(key),
                            line=_position(first_at[key])[0],
                        ),
                    )
                    continue
                first_at[key] = key_node
                where = (*loc, key)
                key_at(where)
                key_at(key_node)
                result[key] = build(value_node, where)
        above.discard(id(node))
        return result

    try:
        return build(root, ())
    finally:
        doc.built = built
        # build refers to itself (it recurses): a cycle holding the document and every
        # node until the collector's next pass (13 ms for 500 questions), unless broken
        build = None  # type: ignore[assignment]


_MERGE = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_READERS: dict[str, Any] = {
    "tag:yaml.org,2002:int": _int,
    "tag:yaml.org,2002:float": _float,
}


def _scalar(doc: Document, loader: Any, node: yaml.Node) -> Any:
    """A scalar's value by its tag (YAML 1.2 core, see _loader_class), read directly
    rather than through PyYAML's constructor dispatch; an unreadable one is a problem."""
    tag = node.tag
    if tag == _STR:
        value = node.value
        bad = _CONTROL.search(value)
        if bad is not None:
            doc.problem(
                node,
                Phrase(
                    "the control character {code} (written as an escape) is not allowed in text",
                    code=f"U+{ord(bad.group()):04X}",
                ),
            )
        return value
    if tag not in _SAFE_TAGS:
        doc.problem(node, _refused(tag))
        return None
    if tag == _NULL_TAG:
        return None
    import yaml

    try:
        if tag == _BOOL_TAG:  # an explicit !!bool: YAML 1.2's true and false alone
            if _BOOL.match(node.value) is None:
                raise ValueError("expected true or false")
            return node.value.lower() == "true"
        read = _READERS.get(tag)
        if read is not None:
            value = node.value
            if len(value) > LONGEST_NUMBER and (_INT.match(value) or _FLOAT.match(value)):
                return value  # no number anyone means: the text as typed
            return read(node.value)
        return loader.construct_object(node, deep=True)  # !!seq or !!map on a scalar
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        error = getattr(exc, "problem", None) or str(exc)  # PyYAML's, without its "in …" line
        doc.problem(
            node, Phrase("cannot read {value}: {error}", value=quoted(node.value), error=error)
        )
        return node.value


LONGEST_NUMBER = 4300
"""More digits than this are text (Python reads no longer number from text)."""


def _refused(tag: str) -> Phrase:
    return Phrase(
        "the tag {tag} is not allowed (only plain YAML is read)",
        tag=tag.replace("tag:yaml.org,2002:", "!!"),
    )
