"""Today's date, watched: on which other days an assessment made today still holds.

The portfolio keeps each prospect's share from one run to the next
(:mod:`qualify.reports.portfolio_cache`). A share is a function of the prospect's
records, the question sets and the day. Most shares are the same tomorrow, but which
ones only the code that reads the day knows: a re-contact date reached, a review come
due, a formula that counts the days since a company was founded. So that code is given
a :class:`WatchedDay` instead of a date. It is the date in every respect, and it notes
what was asked of it:

* a comparison with another date, as the days on which the comparison gives the same
  answer (``recontact_on <= today`` is false until the re-contact date, then true);
* a question set's condition or formula that reads the day (`today()`,
  `days_since(...)`), as the answers it read and what it gave, so it can be worked out
  again on the day the share is wanted (:mod:`qualify.core.questionnaire.conditions`
  hands these over);
* anything else (arithmetic, its year, printing or hashing it): this day only.

:meth:`WatchedDay.dependence` then says on which days everything asked of the day gives
the same answers: a share made yesterday is used today only when it does.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["DayDependence", "NotingReads", "Recheck", "WatchedDay"]

_EARLIEST, _LATEST = date.min.toordinal(), date.max.toordinal()

_OWN = frozenset({"_first", "_last", "_rechecks", "dependence", "plain", "read_by", "_keep_where"})
"""The watch's own state and methods: reaching them is not a use of the day."""

_ABSENT = object()
"""An answer not there (the sets' own None means unanswered, and is kept as such)."""

Expression = Callable[[Mapping[str, Any], "date | None"], Any]


@dataclass(frozen=True)
class Recheck:
    """A condition or formula that read the day: its text, the answers it read, what it
    gave. The same answers on another day give the same result, or the share is redone."""

    kind: str
    """``condition`` or ``formula``: how the text is compiled."""
    text: str
    read: tuple[tuple[str, tuple[bool, Any]], ...]
    """Each answer read: (name, (whether it was there, its value))."""
    result: Any


@dataclass(frozen=True)
class DayDependence:
    """What an assessment asked of its day: the days (as ordinals, both ends included)
    on which every comparison gives the same answer, and the expressions to work out
    again."""

    first: int
    last: int
    rechecks: tuple[Recheck, ...] = ()

    def holds_on(self, day: date, compile_text: Callable[[str, str], Expression]) -> bool:
        """Everything asked of the day gives the same answers on `day`;
        `compile_text(kind, text)` compiles a recheck's expression."""
        if not self.first <= day.toordinal() <= self.last:
            return False
        plain = date.fromordinal(day.toordinal())
        for recheck in self.rechecks:
            try:
                again = compile_text(recheck.kind, recheck.text)(_Replay(recheck.read), plain)
            except _NotRead:
                return False  # another day took another branch: it read something else
            if type(again) is not type(recheck.result) or again != recheck.result:
                return False
        return True


def _comparison(op: Callable[[Any, Any], Any]) -> Callable[[WatchedDay, object], Any]:
    def compared(self: WatchedDay, other: object) -> Any:
        return WatchedDay._compared(self, other, op)

    return compared


class WatchedDay(date):
    """A date that notes what is asked of it (see the module's docstring)."""

    __slots__ = ("_first", "_last", "_rechecks")

    _first: int
    _last: int
    _rechecks: list[Recheck]

    def __new__(cls, *args: Any) -> WatchedDay:
        # WatchedDay(a_date), or the (year, month, day) the datetime module passes when it
        # makes one from another (date.replace, say: already a use of this one's day)
        day = args[0] if len(args) == 1 and isinstance(args[0], date) else date(*args)
        watched = date.__new__(cls, day.year, day.month, day.day)
        watched._first, watched._last, watched._rechecks = _EARLIEST, _LATEST, []
        return watched

    def __getattribute__(self, name: str) -> Any:
        if name not in _OWN:
            WatchedDay._this_day_only(self)
        return object.__getattribute__(self, name)

    # ------------------------------------------------------------ what it notes

    def dependence(self) -> DayDependence:
        """On which days everything asked of this one so far gives the same answers."""
        return DayDependence(self._first, self._last, tuple(self._rechecks))

    def plain(self) -> date:
        """The day as a plain date, unwatched: for an expression whose reading is noted
        as a :class:`Recheck` instead (:meth:`read_by`)."""
        return date.fromordinal(date.toordinal(self))

    def read_by(
        self, kind: str, text: str, expression: Expression, answers: Mapping[str, Any]
    ) -> Any:
        """`expression` (compiled from `text`) worked out on this day, noting the answers it
        read and its result, to be worked out again on another day."""
        read: dict[str, tuple[bool, Any]] = {}
        result = expression(NotingReads(answers, read), WatchedDay.plain(self))
        self._rechecks.append(Recheck(kind, text, tuple(read.items()), result))
        return result

    @staticmethod
    def _this_day_only(self: WatchedDay) -> None:
        self._first = self._last = date.toordinal(self)

    @staticmethod
    def _compared(self: WatchedDay, other: object, op: Callable[[Any, Any], Any]) -> Any:
        result = op(WatchedDay.plain(self), other)  # just what the date answers
        if type(other) is date:
            self._keep_where(date.toordinal(other), op)
        elif isinstance(other, WatchedDay):
            WatchedDay._this_day_only(self)  # (the other one noted its side)
        elif isinstance(other, date) and not isinstance(other, datetime):
            WatchedDay._this_day_only(self)  # a date of some other kind: no promise
        # anything else (a datetime, text, None) compares by its kind, whatever the day
        return result

    def _keep_where(self, other: int, op: Callable[[Any, Any], Any]) -> None:
        """Narrow the days kept to those on which `day op other` answers as on this day."""
        # the days on which `day op other` holds: one interval (inverted for !=)
        low, high = {
            operator.lt: (_EARLIEST, other - 1),
            operator.le: (_EARLIEST, other),
            operator.gt: (other + 1, _LATEST),
            operator.ge: (other, _LATEST),
            operator.eq: (other, other),
            operator.ne: (other, other),
        }[op]
        day = date.toordinal(self)
        if low <= day <= high:
            first, last = low, high
        elif day < low:
            first, last = _EARLIEST, low - 1
        else:
            first, last = high + 1, _LATEST
        self._first = max(self._first, first)
        self._last = min(self._last, last)

    # ------------------------------------------------------------ comparisons

    __lt__ = _comparison(operator.lt)
    __le__ = _comparison(operator.le)
    __gt__ = _comparison(operator.gt)
    __ge__ = _comparison(operator.ge)
    __eq__ = _comparison(operator.eq)
    __ne__ = _comparison(operator.ne)

    # ------------------------------------------------------------ any other use: this day

    def __hash__(self) -> int:
        WatchedDay._this_day_only(self)
        return date.__hash__(self)

    def __add__(self, other: object) -> Any:
        WatchedDay._this_day_only(self)
        return WatchedDay.plain(self) + other  # type: ignore[operator]

    __radd__ = __add__

    def __sub__(self, other: object) -> Any:
        WatchedDay._this_day_only(self)
        if isinstance(other, WatchedDay):
            WatchedDay._this_day_only(other)
            other = WatchedDay.plain(other)
        return WatchedDay.plain(self) - other  # type: ignore[operator]

    def __rsub__(self, other: object) -> Any:
        WatchedDay._this_day_only(self)
        if isinstance(other, date | timedelta):
            return other - WatchedDay.plain(self)  # type: ignore[operator]
        return NotImplemented

    def __str__(self) -> str:
        WatchedDay._this_day_only(self)
        return date.__str__(self)

    def __repr__(self) -> str:
        WatchedDay._this_day_only(self)
        return date.__repr__(self)

    def __format__(self, spec: str) -> str:
        WatchedDay._this_day_only(self)
        return date.__format__(self, spec)

    def __reduce__(self) -> Any:
        WatchedDay._this_day_only(self)
        return date.fromordinal, (date.toordinal(self),)  # a plain date once unpickled

    def __reduce_ex__(self, protocol: Any) -> Any:
        return WatchedDay.__reduce__(self)


class _NotRead(Exception):
    """A recheck read an answer the first working-out did not."""


class _ReadByGet(Mapping[str, Any]):
    """Answers that compiled expressions read with ``get`` (the one way they read)."""

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value


class NotingReads(_ReadByGet):
    """A mapping that notes each key read, in `read`: (whether it was there, its value).
    What an expression read of the answers; which active sets an assessment read."""

    def __init__(self, answers: Mapping[str, Any], read: dict[str, tuple[bool, Any]]) -> None:
        self._answers, self._read = answers, read

    def get(self, key: str, default: Any = None) -> Any:
        value = self._answers.get(key, _ABSENT)
        self._read[key] = (False, None) if value is _ABSENT else (True, value)
        return default if value is _ABSENT else value

    def __iter__(self) -> Any:
        for key in self._answers:  # all of them read (no compiled expression does this)
            self.get(key)
        return iter(self._answers)

    def __len__(self) -> int:
        iter(self)
        return len(self._answers)


class _Replay(_ReadByGet):
    """The answers a recheck read, and nothing else."""

    def __init__(self, read: tuple[tuple[str, tuple[bool, Any]], ...]) -> None:
        self._read = dict(read)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._read:
            raise _NotRead(key)
        present, value = self._read[key]
        return value if present else default

    def __iter__(self) -> Any:
        return iter(self._read)

    def __len__(self) -> int:
        return len(self._read)
