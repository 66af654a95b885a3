"""Support capacity per territory: how many committed partners the area can support well.

The area manager sets it in the workspace, in ``capacity.yaml`` beside the data::

    # How many committed partners each territory can support well.
    default: 10        # optional: territories not listed below
    territories:
      North: 8
      South: 6

It lives in the workspace (not in the user's config) because it is a fact about
the area, travels with the data in exports and backups, and is the same for
everyone who reports on that workspace. ``qualify report --portfolio
--capacity North=8`` overrides it for one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualify.core.errors import QualifyError

if TYPE_CHECKING:
    from qualify.core.questionnaire.yamlsource import Document

CAPACITY_FILE = "capacity.yaml"


class CapacityError(QualifyError):
    """The capacity file or a --capacity option cannot be understood; one clear line."""

    exit_code = 2


@dataclass(frozen=True)
class Capacity:
    """Committed partners each territory can support; None when nothing is set."""

    territories: Mapping[str, int] = field(default_factory=dict)
    default: int | None = None
    source: str = ""
    """Where the figures came from, as the report says it (a file, options, or nothing)."""

    def for_territory(self, territory: str) -> int | None:
        return self.territories.get(territory, self.default)

    def merged(self, other: Capacity) -> Capacity:
        """`other` wins territory by territory (options over the file)."""
        sources = " and ".join(s for s in (self.source, other.source) if s)
        return Capacity(
            {**self.territories, **other.territories},
            other.default if other.default is not None else self.default,
            sources,
        )


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise CapacityError(f"{where}: expected a whole number of partners (0 or more)")
    return value


def parse_capacity(data: object, where: str, doc: Document | None = None) -> Capacity:
    """The capacity mapping from parsed YAML; strict, so a typo is not silently ignored.

    With the parsed `doc`, every message starts with the file:line:col it is about.
    """

    def at(loc: tuple[str, ...], *, key: bool = False) -> str:
        if doc is None:
            return where
        line, col = doc.place(loc, key=key)
        return f"{where}:{line}:{col}"

    if data is None:
        return Capacity(source=where)
    if not isinstance(data, Mapping):
        raise CapacityError(f"{at(())}: expected a mapping with `territories:` and `default:`")
    unknown = sorted(str(k) for k in data if k not in ("territories", "default"))
    if unknown:
        raise CapacityError(
            f"{at((unknown[0],), key=True)}: unknown key {unknown[0]!r} "
            "(expected `territories:` and `default:`)"
        )
    default = data.get("default")
    if default is not None:
        default = _count(default, f"{at(('default',))}: default")
    territories_raw = data.get("territories") or {}
    if not isinstance(territories_raw, Mapping):
        raise CapacityError(
            f"{at(('territories',))}: `territories:` must map territory names to numbers"
        )
    territories = {
        str(name): _count(value, f"{at(('territories', name))}: territories: {name}")
        for name, value in territories_raw.items()
    }
    return Capacity(territories, default, where)


def load_capacity(path: Path) -> Capacity:
    """Read ``capacity.yaml``; a missing file means no capacity set (not an error)."""
    from qualify.core.questionnaire.textfile import TextError, decode_text
    from qualify.core.questionnaire.yamlsource import parse_yaml
    from qualify.core.user_files import open_to_read

    try:
        with open_to_read(path) as handle:
            data = handle.read()
    except FileNotFoundError:
        return Capacity()
    except OSError as exc:
        raise CapacityError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        doc = parse_yaml(decode_text(data, str(path)), str(path))
    except TextError as exc:
        raise CapacityError(str(exc.problem)) from None
    if doc.problems:
        raise CapacityError(str(doc.problems[0]))
    return parse_capacity(doc.data, str(path), doc)


def parse_capacity_options(options: Iterable[str]) -> Capacity:
    """``--capacity North=8`` (repeatable); ``--capacity 8`` sets the default."""
    territories: dict[str, int] = {}
    default: int | None = None
    given = False
    for option in options:
        given = True
        name, sep, number = option.rpartition("=")
        try:
            value = int(number.strip())
        except ValueError:
            value = -1
        if value < 0:
            raise CapacityError(
                f"--capacity {option!r}: expected TERRITORY=N or N, with N a whole number"
            )
        if sep:
            if not name.strip():
                raise CapacityError(f"--capacity {option!r}: the territory name is empty")
            territories[name.strip()] = value
        else:
            default = value
    return Capacity(territories, default, "--capacity" if given else "")
