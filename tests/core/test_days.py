"""A watched day is today's date, and says on which other days everything asked of it
gives the same answers: the portfolio keeps yesterday's share of a prospect only when
it does, so a day it gets wrong is a wrong verdict in a director's report."""

from __future__ import annotations

import operator
import pickle
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.core.days import WatchedDay
from qualify.core.questionnaire.conditions import compiled_text, compute, evaluate

DAY = date(2026, 12, 4)
OPS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]

dates = st.dates(min_value=DAY - timedelta(days=60), max_value=DAY + timedelta(days=60))
asked = st.lists(
    st.tuples(st.sampled_from(OPS), dates, st.booleans()),  # the bool: day on the left?
    max_size=8,
)


def ask(day: date, questions: list) -> list[bool]:
    return [op(day, other) if left else op(other, day) for op, other, left in questions]


def holds(day: WatchedDay, on: date) -> bool:
    return day.dependence().holds_on(on, compiled_text)


@settings(max_examples=300, deadline=None)
@given(asked)
def test_the_days_it_holds_for_are_exactly_those_that_answer_the_same(questions) -> None:
    watched = WatchedDay(DAY)
    answers = ask(watched, questions)
    assert answers == ask(DAY, questions)  # it is the date in every answer
    for offset in range(-70, 71):
        other = DAY + timedelta(days=offset)
        same_all_the_way = all(ask(d, questions) == answers for d in _between(DAY, other))
        if holds(watched, other):
            assert ask(other, questions) == answers  # never a day that answers otherwise
        else:
            assert not same_all_the_way  # and no day lost that it could have kept


def _between(a: date, b: date) -> list[date]:
    step = 1 if b >= a else -1
    return [a + timedelta(days=i) for i in range(0, (b - a).days + step, step)]


def test_a_reached_recontact_date_holds_until_the_day_before() -> None:
    watched = WatchedDay(DAY)
    recontact = DAY + timedelta(days=10)
    assert not recontact <= watched
    assert holds(watched, DAY + timedelta(days=9))
    assert not holds(watched, recontact)
    assert holds(watched, DAY - timedelta(days=400))  # every earlier day answers the same


@pytest.mark.parametrize(
    "use",
    [
        lambda d: d.year,
        lambda d: d.isoformat(),
        lambda d: str(d),
        lambda d: f"{d}",
        lambda d: repr(d),
        lambda d: hash(d),
        lambda d: {d: 1},
        lambda d: d - date(2020, 1, 1),
        lambda d: date(2030, 1, 1) - d,
        lambda d: d + timedelta(days=1),
        lambda d: timedelta(days=1) + d,
        lambda d: d.toordinal(),
        lambda d: d.replace(day=1),
        lambda d: d.strftime("%d.%m."),
        lambda d: pickle.dumps(d),
    ],
)
def test_any_other_use_ties_it_to_this_one_day(use) -> None:
    watched = WatchedDay(DAY)
    use(watched)
    assert holds(watched, DAY)
    assert not holds(watched, DAY + timedelta(days=1))
    assert not holds(watched, DAY - timedelta(days=1))


def test_it_gives_the_same_values_as_the_date() -> None:
    watched = WatchedDay(DAY)
    assert watched.isoformat() == "2026-12-04"
    assert watched - date(2026, 12, 1) == timedelta(days=3)
    assert type(watched + timedelta(days=1)) is date  # what it makes is not watched
    assert pickle.loads(pickle.dumps(WatchedDay(DAY))) == DAY
    assert type(pickle.loads(pickle.dumps(WatchedDay(DAY)))) is date


def test_kinds_that_never_compare_with_a_date_leave_it_free() -> None:
    watched = WatchedDay(DAY)
    assert watched != "2026-12-04" and watched != None  # noqa: E711
    assert (watched == datetime(2026, 12, 4, tzinfo=UTC)) is False  # as the date says
    with pytest.raises(TypeError):
        _ = watched < 3  # type: ignore[operator]
    assert holds(watched, DAY + timedelta(days=500))


def test_a_formula_that_counts_the_days_is_worked_out_again_on_another_day() -> None:
    watched = WatchedDay(DAY)
    years = "round(days_since(founded) / 365.25, 1)"
    founded = date(2020, 1, 1)
    value = compute(years, {"founded": founded, "other": 1}, today=watched)
    assert value == compute(years, {"founded": founded}, today=DAY) == 6.9
    # the value stays 6.9 until 2026-12-13, then reads 7.0
    assert holds(watched, date(2026, 12, 13))
    assert not holds(watched, date(2026, 12, 14))
    (recheck,) = watched.dependence().rechecks
    assert dict(recheck.read) == {"founded": (True, founded)}  # only what it read


def test_a_condition_that_reads_something_else_on_another_day_is_not_trusted() -> None:
    watched = WatchedDay(DAY)
    condition = "days_since(signed) < 30 or region == 'north'"
    assert evaluate(condition, {"signed": date(2026, 11, 20), "region": "north"}, today=watched)
    assert holds(watched, DAY + timedelta(days=5))
    # on 2026-12-20 the first part is false: the second, never read today, would decide
    assert not holds(watched, date(2026, 12, 20))


def test_an_unanswered_input_is_remembered_as_unanswered() -> None:
    watched = WatchedDay(DAY)
    assert compute("days_since(founded)", {}, today=watched) is None
    assert holds(watched, DAY + timedelta(days=100))


def test_conditions_without_the_day_do_not_note_anything() -> None:
    watched = WatchedDay(DAY)
    assert evaluate("employees > 10", {"employees": 12}, today=watched)
    assert watched.dependence().rechecks == ()
    assert holds(watched, DAY + timedelta(days=3650))


def test_answers_read_all_at_once_are_all_rechecked() -> None:
    """No compiled expression walks the answers; one that did would have read them all."""
    watched = WatchedDay(DAY)
    answers = {"a": 1, "b": None}

    def walking(read, today):
        return sorted(read.items(), key=str) if today is not None else None

    assert watched.read_by("formula", "x", walking, answers) == [("a", 1), ("b", None)]
    (recheck,) = watched.dependence().rechecks
    assert dict(recheck.read) == {"a": (True, 1), "b": (True, None)}
