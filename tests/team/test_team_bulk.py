"""Prospects an import adds to the server go in together (COPY, in runs), and land as
one by one would have stored them; a run the server refuses is written one by one, so
the refusal names its prospect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import qualify.store.postgres.bulk as bulk
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
)
from qualify.store import StoreError
from qualify.store.base import Store
from qualify.store.postgres import PostgresStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _records(n: int, territory: str = "North", prefix: str = "bulk") -> ProspectRecords:
    pid = f"{prefix}{n:08d}"
    prospect = Prospect(
        id=pid, name=f"{territory} Co {n}", stage="s1", territory=territory, created_at=T0
    )
    interview = Interview(
        id=f"i{pid}",
        prospect_id=pid,
        stage="s1",
        questionnaire_id="x",
        questionnaire_version=1,
        questionnaire_hash="h",
        started_at=T0,
        answers={
            f"q{k}": AnswerRecord(
                question_id=f"q{k}", value=k * n, answered_at=T0 + timedelta(minutes=k)
            )
            for k in range(3)
        },
    )
    history = (HistoryEntry(id=f"h{pid}", prospect_id=pid, action="created", at=T0, by="laptop"),)
    return ProspectRecords(prospect, (interview,), history)


def _stored(store: PostgresStore, ids: list[str]) -> list[tuple[ProspectRecords, object]]:
    rows = {r.id: r.model_dump(exclude={"updated_at"}) for r in store.list_prospects()}
    return [(store.read_prospect(pid), rows[pid]) for pid in ids]


def test_runs_of_new_prospects_land_as_one_by_one_would_store_them(pg, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bulk, "NEW_RUN", 3)  # seven prospects: three runs, one transaction
    url = pg.grant("anna", "North")
    given = [_records(n) for n in range(7)]
    with PostgresStore(url) as anna:
        here = Prospect(id="bulk00000003", name="Already here", stage="s1", territory="North")
        kept = anna.add_prospect(here)
        one_by_one = Store.add_new_prospects
        monkeypatch.setattr(Store, "add_new_prospects", lambda *a: pytest.fail("one by one"))
        with anna.all_or_nothing():
            left = anna.add_new_prospects(given)
        monkeypatch.setattr(Store, "add_new_prospects", one_by_one)
        assert left == [given[3]]  # here already: left for the caller to merge
        assert anna.get_prospect(kept.id).name == "Already here"
        ids = [r.prospect.id for r in given if r is not given[3]]
        together = _stored(anna, ids)
    tables = "answer_log, answers, history, interviews, prospects"
    pg.sql(f"TRUNCATE {', '.join('qualify.' + t for t in tables.split(', '))} CASCADE")
    with PostgresStore(url) as anna:
        Store.add_new_prospects(anna, [r for r in given if r is not given[3]])  # one by one
        assert _stored(anna, ids) == together
    # the server stamped who wrote them, whatever the file said
    (records, _) = together[0]
    assert records.history[0].by == "anna"
    assert records.interviews[0].answers["q1"].by == "anna"


def test_a_refused_run_names_its_prospect(pg, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bulk, "NEW_RUN", 10)
    url = pg.grant("anna", "North")
    with PostgresStore(pg.admin_url) as admin:  # South's, which anna cannot see
        admin.add_new_prospects([_records(1, "South", prefix="hide")])
    hidden_id = _records(1, prefix="hide")  # the same id, filed under North in the file
    cases = [
        ([_records(1), _records(2, "South"), _records(3)], "South Co 2"),
        ([_records(1), hidden_id, _records(3)], "hide00000001"),
    ]
    for run, named in cases:
        with PostgresStore(url) as anna:
            with pytest.raises(StoreError, match=named), anna.all_or_nothing():
                anna.add_new_prospects(run)
            assert [r.id for r in anna.list_prospects()] == []  # nothing of it
    [(south,)] = pg.sql("SELECT name FROM qualify.prospects")
    assert south == "South Co 1"
