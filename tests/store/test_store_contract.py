"""The store contract: the same tests on every backend (workspace and PostgreSQL).

The ``store`` fixture (conftest.py) is parametrised, so behaviour cannot drift
between backends; ``backend()`` opens the same store again, from disk or server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from storekit import T0, answer, make_interview, make_prospect

from qualify.core.records import (
    Contact,
    HistoryEntry,
    Interview,
    PartnerKind,
    ProspectStatus,
    ProspectSummary,
    new_id,
)
from qualify.store import NotFound, StageConflict, StoreError
from qualify.store.base import Store


def test_prospect_round_trip_keeps_every_field(store: Store, backend: Callable[[], Store]) -> None:
    prospect = make_prospect(
        "Ökoton Systèmes",
        territory="North-West",
        kind=PartnerKind.integrator,
        contacts=[Contact(name="Ann", role="CEO", email="ann@example.com", phone="+33 1")],
        tags=["retail", "education"],
        notes="met at the fair\nsecond line",
        status=ProspectStatus.on_hold,
        owner="bob",
        recontact_on=date(2027, 1, 15),
        created_at=T0,
        updated_at=T0,
    )
    assert store.add_prospect(prospect, by="bob") == prospect
    assert store.get_prospect(prospect.id) == prospect
    assert backend().get_prospect(prospect.id) == prospect  # from disk


def test_add_prospect_records_created_history_and_summary(store: Store) -> None:
    prospect = store.add_prospect(make_prospect(territory="South", created_at=T0), by="ann")
    [created] = store.history(prospect.id)
    assert (created.action, created.to_stage, created.at, created.by) == (
        "created",
        "discovery",
        T0,
        "ann",
    )
    [row] = store.list_prospects()
    assert (row.id, row.name, row.territory, row.stage, row.score) == (
        prospect.id,
        "Acme Audio",
        "South",
        "discovery",
        None,
    )


def test_interview_round_trip_with_every_kind_of_answer(
    store: Store, backend: Callable[[], Store]
) -> None:
    prospect = store.add_prospect(make_prospect())
    interview = make_interview(prospect.id, kind="review", notes="first visit", interviewer="ann")
    store.add_interview(interview)
    answers = [
        answer("choice", "dealer"),
        answer("multi", ["a", "b"], source="verified"),
        answer("scale", 4, note="fairly sure"),
        answer("number", 12.5, source="estimated"),
        answer("yes_no", False),
        answer("text", 'Ünïcode ✓ and "quotes"\nnewline'),
        answer("unknown", None, state="unknown"),
        answer("declined", None, state="declined", by="ann"),
    ]
    saved = store.record_answers(interview.id, answers)
    assert saved.answers == {a.question_id: a for a in answers}
    fresh = backend()
    assert fresh.get_interview(interview.id) == saved
    assert fresh.interviews(prospect.id) == [saved]
    assert saved.model_copy(update={"answers": {}, "updated_at": interview.updated_at}) == interview


def test_history_round_trip_and_order(store: Store) -> None:
    prospect = store.add_prospect(make_prospect(created_at=T0))
    move = HistoryEntry(
        prospect_id=prospect.id,
        at=T0 + timedelta(days=3),
        action="advance",
        from_stage="discovery",
        to_stage="fit",
        gate={"passed": False, "unmet": ["budget known"], "score": 2.5},
        overridden=True,
        reason="CEO asked",
        by="ann",
        details={"nested": {"list": [1, 2]}},
    )
    earlier = HistoryEntry(prospect_id=prospect.id, at=T0 + timedelta(days=1), action="review")
    assert store.append_history(move) == move
    store.append_history(earlier)
    history = store.history(prospect.id)
    assert [h.action for h in history] == ["created", "review", "advance"]
    assert history[2] == move


def test_history_is_append_only(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    entry = store.append_history(HistoryEntry(prospect_id=prospect.id, action="hold", reason="x"))
    store.append_history(entry)  # the same entry again (a retried command) is a no-op
    assert len(store.history(prospect.id)) == 2
    with pytest.raises(StoreError, match="append-only"):
        store.append_history(entry.model_copy(update={"reason": "rewritten"}))
    assert store.history(prospect.id)[1].reason == "x"


def test_summary_round_trip_and_list_order(store: Store, backend: Callable[[], Store]) -> None:
    old = store.add_prospect(make_prospect("Old"))
    new = store.add_prospect(make_prospect("New"))
    summary = ProspectSummary(
        id=old.id,
        name="Old",
        territory="East",
        kind=PartnerKind.dealer,
        stage="fit",
        status=ProspectStatus.committed,
        score=3.75,
        band="promising",
        knocked_out=True,
        coverage=0.5,
        updated_at=T0 + timedelta(days=400),
    )
    store.set_summary(summary)
    rows = backend().list_prospects()
    assert rows[0] == summary  # most recently active first
    assert [r.id for r in rows] == [old.id, new.id]


def test_update_prospect_bumps_updated_at_and_syncs_the_list(store: Store) -> None:
    prospect = store.add_prospect(make_prospect(created_at=T0, updated_at=T0))
    store.set_summary(
        ProspectSummary(id=prospect.id, name="Acme Audio", stage="discovery", score=2)
    )
    moved = store.update_prospect(
        prospect.model_copy(update={"stage": "fit", "status": ProspectStatus.declined})
    )
    assert moved.updated_at > T0
    assert moved.created_at == T0
    assert store.get_prospect(prospect.id) == moved
    [row] = store.list_prospects()
    assert (row.stage, row.status, row.score) == ("fit", ProspectStatus.declined, 2)


def test_update_interview_never_touches_answers(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("q1", 1)])
    done = store.update_interview(
        interview.model_copy(update={"status": "complete", "completed_at": T0, "notes": "ok"})
    )
    assert (done.status, done.completed_at, done.notes) == ("complete", T0, "ok")
    assert list(done.answers) == ["q1"]
    assert store.get_interview(interview.id) == done


def test_interviews_are_oldest_first(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    late = store.add_interview(
        make_interview(prospect.id, "fit", started_at=T0 + timedelta(days=9))
    )
    early = store.add_interview(make_interview(prospect.id, "discovery", started_at=T0))
    assert [i.id for i in store.interviews(prospect.id)] == [early.id, late.id]


def test_missing_records_raise_not_found(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    with pytest.raises(NotFound):
        store.get_prospect("000000000000")
    with pytest.raises(NotFound):
        store.get_interview("nope")
    with pytest.raises(NotFound):
        store.record_answers("nope", [answer("q", 1)])
    with pytest.raises(NotFound):
        store.add_interview(make_interview("000000000000"))
    with pytest.raises(NotFound):
        store.append_history(HistoryEntry(prospect_id="000000000000", action="edit"))
    with pytest.raises(NotFound):
        store.set_summary(ProspectSummary(id="000000000000", name="x", stage="s"))
    with pytest.raises(NotFound):
        store.get_prospect("../" + prospect.id)  # never a path outside the workspace


def test_duplicate_and_unusable_ids_are_refused(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    with pytest.raises(StoreError, match="already exists"):
        store.add_prospect(prospect)
    interview = store.add_interview(make_interview(prospect.id))
    with pytest.raises(StoreError, match="already exists"):
        store.add_interview(interview)
    for bad in ("../evil", "a/b", ".hidden", "CON", ""):
        with pytest.raises(StoreError):
            store.add_prospect(make_prospect(id=bad))


def test_resolve_id_accepts_an_unambiguous_prefix(store: Store) -> None:
    ids = ["ab12cd34ef56", "ab99cd34ef56", "ff00aa11bb22"]
    for pid in ids:
        store.add_prospect(make_prospect(id=pid))
    assert store.resolve_id("ff") == "ff00aa11bb22"
    assert store.resolve_id("AB12") == "ab12cd34ef56"  # typed in capitals
    assert store.resolve_id(" ab99cd34ef56 ") == "ab99cd34ef56"
    with pytest.raises(NotFound, match=r"'ab' matches 2 prospects \(ab12cd34ef56, ab99cd34ef56\)"):
        store.resolve_id("ab")
    with pytest.raises(NotFound, match="no prospect id starts with 'zz'"):
        store.resolve_id("zz")
    with pytest.raises(NotFound):
        store.resolve_id("  ")


def test_resolve_id_with_real_ids(store: Store) -> None:
    pid = store.add_prospect(make_prospect()).id
    assert len(pid) == len(new_id()) == 12
    assert store.resolve_id(pid[:8]) == pid
    message = ""
    try:
        store.resolve_id("")
    except NotFound as exc:
        message = str(exc)
    assert "\n" not in message and message


def test_record_answers_updates_the_summary_with_the_answers(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    interview = store.add_interview(make_interview(prospect.id))
    summary = ProspectSummary(id=prospect.id, name="Acme Audio", stage="discovery", score=4.0)
    saved = store.record_answers(interview.id, [answer("q1", 1)], summary=summary)
    assert saved.answers["q1"].value == 1
    assert store.list_prospects() == [summary]
    assert store.read_prospect_data(prospect.id).summary == summary
    with pytest.raises(StoreError):
        store.record_answers(interview.id, [], summary=summary.model_copy(update={"id": "other"}))


def test_bulk_add_stores_exactly_what_it_is_given(store: Store) -> None:
    def items(n: int):
        for k in range(n):
            prospect = make_prospect(f"Bulk {k}", id=f"bulk{k:04d}")
            interview = make_interview(prospect.id, id=f"bulk{k:04d}-i", answers={})
            interview = interview.model_copy(
                update={"answers": {"q": answer("q", k)}} if k % 2 else {}
            )
            history = [HistoryEntry(prospect_id=prospect.id, action="created", at=T0)]
            summary = ProspectSummary(id=prospect.id, name=prospect.name, stage="x", score=k)
            yield prospect, [interview], history, summary

    assert store.add_prospects_bulk(items(1200)) == 1200
    assert len(store.list_prospects()) == 1200
    assert store.get_interview("bulk0007-i").answers["q"].value == 7
    assert len(store.history("bulk0007")) == 1
    assert store.resolve_id("bulk0011") == "bulk0011"
    assert store.add_prospects_bulk(items(3)) == 3  # same ids again: replaced, not duplicated
    assert len(store.list_prospects()) == 1200


def test_snapshot_round_trip_and_write_once(store: Store, backend: Callable[[], Store]) -> None:
    question_set = {"id": "fit", "version": 3, "questions": [{"id": "q1", "text": "Ça va ?"}]}
    store.put_snapshot("abc123", question_set)
    store.put_snapshot("abc123", {"something": "else"})  # same hash: kept as first written
    assert backend().get_snapshot("abc123") == question_set
    with pytest.raises(NotFound, match="snapshot"):
        store.get_snapshot("nope")


def test_record_answers_is_all_or_nothing_on_a_bad_answer(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("q0", 0)])
    batch = [answer("q1", 1), answer("q2", 2), {"question_id": "q3", "state": "bogus"}]
    with pytest.raises(ValueError):
        store.record_answers(interview.id, batch)  # type: ignore[list-item]
    assert list(store.get_interview(interview.id).answers) == ["q0"]


def test_record_answers_scores_every_stored_answer_inside_the_write(store: Store) -> None:
    """A summary function sees the stored interview, other writers' answers included."""
    prospect = store.add_prospect(make_prospect())
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("theirs", 1, by="bob")])
    seen: list[Interview] = []

    def summary(stored: Interview) -> ProspectSummary:
        seen.append(stored)
        return ProspectSummary(
            id=prospect.id, name="Acme Audio", stage="discovery", coverage=len(stored.answers)
        )

    saved = store.record_answers(interview.id, [answer("mine", 2, by="ann")], summary=summary)
    assert set(seen[0].answers) == {"theirs", "mine"}
    assert set(saved.answers) == {"theirs", "mine"}
    assert store.list_prospects()[0].coverage == 2
    with pytest.raises(StoreError):  # the function's summary must be of the same prospect
        store.record_answers(
            interview.id,
            [answer("x", 3)],
            summary=lambda i: ProspectSummary(id="other", name="x", stage="s"),
        )
    assert "x" not in store.get_interview(interview.id).answers  # and nothing was stored


def test_move_prospect_is_a_compare_and_set(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    moved = prospect.model_copy(update={"stage": "fit"})
    entry = HistoryEntry(
        prospect_id=prospect.id,
        action="advance",
        from_stage="discovery",
        to_stage="fit",
        by="ann",
    )
    summary = ProspectSummary(id=prospect.id, name="Acme Audio", stage="fit", score=1.5)
    saved = store.move_prospect(
        moved,
        entry,
        expected_stage="discovery",
        expected_status=ProspectStatus.active,
        summary=summary,
    )
    assert saved.stage == "fit" and store.get_prospect(prospect.id).stage == "fit"
    assert store.list_prospects() == [summary]
    assert [h.action for h in store.history(prospect.id)] == ["created", "advance"]
    # The same move again (a second `advance` that read the old stage) changes nothing.
    again = moved.model_copy(update={"stage": "commit"})
    second = entry.model_copy(update={"id": new_id(), "to_stage": "commit", "by": "bob"})
    with pytest.raises(StageConflict, match=r"now at fit, active \(advance by ann"):
        store.move_prospect(
            again,
            second,
            expected_stage="discovery",
            expected_status=ProspectStatus.active,
        )
    assert store.get_prospect(prospect.id).stage == "fit"
    assert len(store.history(prospect.id)) == 2


def test_read_and_merge_prospect_data(store: Store) -> None:
    """What sync builds on: a prospect's records read together, merged and written atomically."""
    prospect = store.add_prospect(make_prospect(territory="North"))
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("q1", 1)])
    data = store.read_prospect_data(prospect.id)  # type: ignore[attr-defined]
    assert data.prospect == prospect
    assert [i.id for i in data.interviews] == [interview.id]
    assert data.interviews[0].answers["q1"].value == 1

    def merge(local):  # type: ignore[no-untyped-def]
        assert local is not None
        done = local.interviews[0].model_copy(
            update={"answers": {**local.interviews[0].answers, "q2": answer("q2", 2)}}
        )
        note = HistoryEntry(prospect_id=prospect.id, action="edit", reason="merged")
        return type(local)(local.prospect, local.summary, [done], [*local.history, note])

    store.merge_prospect_data(prospect.id, merge)  # type: ignore[attr-defined]
    assert set(store.get_interview(interview.id).answers) == {"q1", "q2"}
    assert [h.reason for h in store.history(prospect.id)] == ["", "merged"]
    fresh = make_prospect("New One", territory="North")
    store.merge_prospect_data(  # type: ignore[attr-defined]
        fresh.id, lambda local: type(data)(fresh, None, [], [])
    )
    assert store.get_prospect(fresh.id) == fresh
    assert store.merge_prospect_data(prospect.id, lambda local: None) is not None  # type: ignore[attr-defined]
