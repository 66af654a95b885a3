"""Day after day, the portfolio keeps the shares whose day did not come: on every day of
a walk through two years, the portfolio made with yesterday's shares is the one made
without any, on demo prospects of the bundled sets (re-contact dates, reviews due, and
years trading counted from the founding date by a formula that reads the day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kept_portfolio import through_the_cache
from support import workers_for_tests

from qualify.core.questionnaire import load_catalog
from qualify.paths import bundled_questionnaires_dir
from qualify.reports.capacity import Capacity
from qualify.store import open_store
from qualify.store.base import Store
from qualify.workflow import demo

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PROSPECTS = 90


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(bundled_questionnaires_dir())


@pytest.fixture
def scoring_the_years(tmp_path_factory: pytest.TempPathFactory):
    """The bundled sets with years trading scored (weight 2: under 2 years nothing, under
    5 two points, else five): a formula that reads the day now moves the score."""
    import shutil

    folder = tmp_path_factory.mktemp("sets")
    for path in bundled_questionnaires_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    first = folder / "first-date.yaml"
    text = first.read_text(encoding="utf-8")
    unit = "        unit: {en: years, de: Jahre}\n"
    assert text.count(unit) == 1
    bands = (
        "        weight: 2\n        score_bands:\n          - {below: 2, score: 0}\n"
        "          - {below: 5, score: 2}\n          - {score: 5}\n"
    )
    first.write_text(text.replace(unit, unit + bands), encoding="utf-8")
    loaded = load_catalog(folder)
    assert not loaded.broken and loaded.question_sets["first-date"]
    return loaded


@pytest.fixture
def store(tmp_path: Path, catalog, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(tmp_path / "cache"))
    opened = open_store(tmp_path / "ws")
    demo.fill(opened, catalog, PROSPECTS, seed=3, now=NOW - timedelta(days=30))
    yield opened
    opened.close()


def on(store: Store, catalog, day: datetime) -> list[str]:
    """The portfolio of `day` through the kept shares, checked against the one made
    without them; the prospects it read."""
    return through_the_cache(store, catalog, capacity=Capacity(), now=day, tz=UTC)[1]


def test_every_day_of_two_years_says_what_a_fresh_portfolio_says(store, catalog) -> None:
    assert len(on(store, catalog, NOW)) == PROSPECTS
    # the next day: only the prospects whose re-contact, review or years trading came
    assert len(on(store, catalog, NOW + timedelta(days=1))) < PROSPECTS // 5
    steps = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]  # short and long gaps
    day, total = NOW + timedelta(days=1), 0
    for gap in steps * 2:
        day += timedelta(days=gap)
        total += len(on(store, catalog, day))
    assert total < len(steps) * 2 * PROSPECTS  # not everyone every time
    # a year on, every founding date has counted another year: each assessed again
    assert len(on(store, catalog, day + timedelta(days=366))) > PROSPECTS * 0.9


def test_what_a_worker_asked_of_the_day_is_kept_with_its_share(store, catalog, monkeypatch) -> None:
    from qualify import workers

    workers_for_tests(monkeypatch, 20)
    on(store, catalog, NOW)  # assessed in worker processes
    monkeypatch.setattr(workers, "MIN_PROSPECTS", 10**9)  # the next day, here
    assert len(on(store, catalog, NOW + timedelta(days=1))) < PROSPECTS // 5


def test_the_day_years_trading_reaches_two_the_prospect_is_assessed_again(store, catalog) -> None:
    """Years trading (a formula counting the days since the founding date) reaching 2.0,
    the young company red flag's line: that day, and not before, the prospect is
    assessed again; every day its portfolio is the one made without the cache."""
    from qualify.core.records import AnswerRecord

    pid, interview = next(
        (p.id, i.id)
        for p in store.list_prospects()
        if p.status == "active" and p.stage == "first-date"
        for i in store.read_prospect(p.id).interviews
    )
    # 708 days: 1.9 years; 713 days (in five days) round to 2.0
    founded = (NOW - timedelta(days=708)).date()
    store.record_answers(interview, [AnswerRecord(question_id="founded", value=founded)])
    assert pid in on(store, catalog, NOW)
    for days in range(1, 5):
        assert pid not in on(store, catalog, NOW + timedelta(days=days))
    assert pid in on(store, catalog, NOW + timedelta(days=5))
    assert pid not in on(store, catalog, NOW + timedelta(days=6))


def test_a_formula_that_reads_the_day_and_scores_is_right_every_day(
    tmp_path, scoring_the_years, monkeypatch
) -> None:
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(tmp_path / "cache-years"))
    catalog = scoring_the_years
    store = open_store(tmp_path / "ws-years")
    demo.fill(store, catalog, PROSPECTS, seed=4, now=NOW - timedelta(days=30))
    try:
        assert len(on(store, catalog, NOW)) == PROSPECTS
        day = NOW
        for gap in [1, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377]:
            day += timedelta(days=gap)
            on(store, catalog, day)  # the same as made without the cache, every day
    finally:
        store.close()


def test_a_set_edited_overnight_reassesses_only_who_reads_it(
    store, catalog, scoring_the_years
) -> None:
    """The first-date set edited (years trading scored): every first-date interview keeps
    the set it was asked with, so the next day's portfolio is still mostly kept."""
    on(store, catalog, NOW)
    assert len(on(store, scoring_the_years, NOW + timedelta(days=1))) < PROSPECTS // 5
