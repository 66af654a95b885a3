"""The store contract: the same tests on every backend (workspace and PostgreSQL).

The ``store`` fixture (conftest.py) is parametrised, so behaviour cannot drift
between backends; ``backend()`` opens the same store again, from disk or server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from storekit import (
    SCORED,
    SCORED_HASH,
    T0,
    answer,
    authored,
    expected_row,
    listed,
    make_prospect,
)
from storekit import scored_interview as make_interview

from qualify.core.questionnaire.loader import canonical_hash
from qualify.core.records import (
    Contact,
    HistoryEntry,
    PartnerKind,
    ProspectRecords,
    ProspectStatus,
    new_id,
)
from qualify.store import NotFound, StageConflict, StoreError
from qualify.store.base import Changes, Store


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
        store.login or "ann",  # on a server, the login that wrote it
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
    assert saved.answers == {a.question_id: authored(store, a) for a in answers}
    fresh = backend()
    assert fresh.get_interview(interview.id) == saved
    assert fresh.interviews(prospect.id) == [saved]
    unanswered = saved.model_copy(update={"answers": {}, "updated_at": interview.updated_at})
    assert unanswered == authored(store, interview)


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
    assert store.append_history(move) == authored(store, move)
    store.append_history(earlier)
    history = store.history(prospect.id)
    assert [h.action for h in history] == ["created", "review", "advance"]
    assert history[2] == authored(store, move)


def test_history_is_append_only(store: Store) -> None:
    prospect = store.add_prospect(make_prospect())
    entry = store.append_history(HistoryEntry(prospect_id=prospect.id, action="hold", reason="x"))
    store.append_history(entry)  # the same entry again (a retried command) is a no-op
    assert len(store.history(prospect.id)) == 2
    with pytest.raises(StoreError, match="append-only"):
        store.append_history(entry.model_copy(update={"reason": "rewritten"}))
    assert store.history(prospect.id)[1].reason == "x"


def test_list_rows_are_most_recently_active_first(
    store: Store, backend: Callable[[], Store]
) -> None:
    old = store.add_prospect(make_prospect("Old", created_at=T0, updated_at=T0))
    new = store.add_prospect(make_prospect("New", created_at=T0, updated_at=T0))
    store.put_snapshot(SCORED_HASH, SCORED)
    interview = store.add_interview(make_interview(old.id))
    store.record_answers(interview.id, [answer("q1", 4)])  # activity: now
    rows = backend().list_prospects()
    assert [r.id for r in rows] == [old.id, new.id]
    assert rows[0] == expected_row(store, old.id)
    assert (rows[0].score, rows[0].band, rows[0].coverage) == (75.0, "Strong", 0.5)
    assert rows[1].score is None


def test_update_prospect_bumps_updated_at_and_syncs_the_list(store: Store) -> None:
    prospect = store.add_prospect(make_prospect(created_at=T0, updated_at=T0))
    store.put_snapshot(SCORED_HASH, SCORED)
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("q1", 4)])
    moved = store.update_prospect(
        prospect.model_copy(update={"name": "Acme Pro", "status": ProspectStatus.on_hold})
    )
    assert moved.updated_at > T0
    assert moved.created_at == T0
    assert store.get_prospect(prospect.id) == moved
    [row] = store.list_prospects()
    assert (row.name, row.status, row.score) == ("Acme Pro", ProspectStatus.on_hold, 75.0)


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
        store.read_prospect("000000000000")
    with pytest.raises(NotFound):
        store.update_prospect(make_prospect(id="000000000000"))
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


def test_bulk_add_stores_exactly_what_it_is_given(store: Store) -> None:
    store.put_snapshot(SCORED_HASH, SCORED)

    def items(n: int):
        for k in range(n):
            prospect = make_prospect(f"Bulk {k}", id=f"bulk{k:04d}", created_at=T0)
            interview = make_interview(prospect.id, id=f"bulk{k:04d}-i", started_at=T0)
            interview = interview.model_copy(
                update={"answers": {"q1": answer("q1", 1 + k % 5)}} if k % 2 else {}
            )
            history = (HistoryEntry(prospect_id=prospect.id, action="created", at=T0),)
            yield ProspectRecords(prospect, (interview,), history)

    assert store.add_prospects_bulk(items(1200)) == 1200
    assert len(store.list_prospects()) == 1200
    assert store.get_interview("bulk0007-i").answers["q1"].value == 3
    assert len(store.history("bulk0007")) == 1
    assert store.resolve_id("bulk0011") == "bulk0011"
    for pid in ("bulk0007", "bulk0008"):  # rows computed by the store, scored or not
        assert listed(store, pid) == expected_row(store, pid)
    assert listed(store, "bulk0007").score is not None
    assert store.add_prospects_bulk(items(3)) == 3  # same ids again: replaced, not duplicated
    assert len(store.list_prospects()) == 1200
    assert store.prospect_ids()[:3] == ["bulk0000", "bulk0001", "bulk0002"]


def test_snapshot_round_trip_and_write_once(store: Store, backend: Callable[[], Store]) -> None:
    question_set = {"id": "fit", "version": 3, "questions": [{"id": "q1", "text": "Ça va ?"}]}
    digest = canonical_hash(question_set)
    store.put_snapshot(digest, question_set)
    with contextlib.suppress(StoreError):  # a server refuses it: not its content's hash
        store.put_snapshot(digest, {"something": "else"})  # same hash: kept as first written
    assert backend().get_snapshot(digest) == question_set
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


def test_the_list_row_scores_every_stored_answer(
    store: Store, backend: Callable[[], Store]
) -> None:
    """The row is computed inside the write, on every stored answer: another writer's too."""
    prospect = store.add_prospect(make_prospect())
    store.put_snapshot(SCORED_HASH, SCORED)
    interview = store.add_interview(make_interview(prospect.id))
    backend().record_answers(interview.id, [answer("q2", True, by="bob")])  # another writer
    saved = store.record_answers(interview.id, [answer("q1", 4, by="ann")])
    assert set(saved.answers) == {"q1", "q2"}
    row = listed(store, prospect.id)
    assert row.coverage == 1.0 and row == expected_row(store, prospect.id)


def test_the_list_row_is_recomputed_on_every_write(store: Store) -> None:
    """Adding, answering, clearing an answer, editing, moving, history, merges, bulk loads."""
    store.put_snapshot(SCORED_HASH, SCORED)
    prospect = store.add_prospect(make_prospect(created_at=T0, updated_at=T0))
    pid = prospect.id
    checks: list[str] = []

    def check(what: str) -> None:
        assert listed(store, pid) == expected_row(store, pid), what
        checks.append(what)

    check("add")
    interview = store.add_interview(make_interview(pid, started_at=T0))
    check("interview")
    store.record_answers(interview.id, [answer("q1", 5), answer("q2", True)])
    assert listed(store, pid).coverage == 1.0
    check("answers")
    store.record_answers(interview.id, [answer("q1", None)])  # how an answer is cleared
    assert listed(store, pid).coverage == 0.5
    check("clear")
    store.update_interview(interview.model_copy(update={"notes": "done", "status": "complete"}))
    check("interview update")
    store.update_prospect(store.get_prospect(pid).model_copy(update={"name": "Renamed"}))
    assert listed(store, pid).name == "Renamed"
    check("edit")
    store.move_prospect(
        store.get_prospect(pid).model_copy(update={"stage": "fit"}),
        HistoryEntry(prospect_id=pid, action="advance", from_stage="discovery", to_stage="fit"),
        expected_stage="discovery",
        expected_status=ProspectStatus.active,
    )
    row = listed(store, pid)
    assert (row.stage, row.score) == ("fit", 100.0)  # the earlier stage's verdict stands
    check("move")
    store.append_history(
        HistoryEntry(prospect_id=pid, action="review", at=T0 + timedelta(days=900))
    )
    assert listed(store, pid).updated_at == T0 + timedelta(days=900)
    check("history")

    def merge(current: ProspectRecords | None) -> ProspectRecords:
        assert current is not None
        fit = make_interview(pid, "fit", started_at=T0 + timedelta(days=1))
        fit = fit.model_copy(update={"questionnaire_hash": SCORED_HASH})
        fit = fit.model_copy(update={"answers": {"q2": answer("q2", False)}})
        return replace(current, interviews=(*current.interviews, fit))

    store.merge_prospect(pid, merge)
    assert listed(store, pid).score == 0.0  # now the fit interview counts
    check("merge")
    again = replace(store.read_prospect(pid), prospect=store.get_prospect(pid))
    store.add_prospects_bulk([replace(again, interviews=again.interviews[:1])])
    check("bulk")
    assert checks[-1] == "bulk"


def test_an_import_computes_the_rows_of_what_it_adds_and_merges(
    store: Store, tmp_path: Path
) -> None:
    from qualify.store.transfer import export_workspace, import_workspace
    from qualify.store.workspace import Workspace

    source = Workspace(tmp_path / "source")
    source.put_snapshot(SCORED_HASH, SCORED)
    both = source.add_prospect(make_prospect("Both", id="both00000001"))
    only = source.add_prospect(make_prospect("Only there", id="only00000002"))
    for pid, value in ((both.id, 5), (only.id, 1)):
        interview = make_interview(pid, id=f"{pid}-i", questionnaire_hash=SCORED_HASH)
        interview = source.add_interview(interview)
        source.record_answers(interview.id, [answer("q1", value)])
    out = tmp_path / "export.json"
    export_workspace(source, out)
    store.add_prospect(both)  # here already, without its interview
    report = import_workspace(store, out)
    assert (report.added, report.updated) == (1, 1)
    for pid in (both.id, only.id):
        assert listed(store, pid) == expected_row(store, pid)
        assert listed(store, pid).score == listed(source, pid).score


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
    saved = store.move_prospect(
        moved,
        entry,
        expected_stage="discovery",
        expected_status=ProspectStatus.active,
    )
    assert saved.stage == "fit" and store.get_prospect(prospect.id).stage == "fit"
    assert listed(store, prospect.id).stage == "fit"
    assert [h.action for h in store.history(prospect.id)] == ["created", "advance"]
    # The same move again (a second `advance` that read the old stage) changes nothing.
    again = moved.model_copy(update={"stage": "commit"})
    second = entry.model_copy(update={"id": new_id(), "to_stage": "commit", "by": "bob"})
    who = store.login or "ann"  # on a server, the login that moved it
    with pytest.raises(StageConflict, match=rf"now at fit, active \(advance by {who}"):
        store.move_prospect(
            again,
            second,
            expected_stage="discovery",
            expected_status=ProspectStatus.active,
        )
    assert store.get_prospect(prospect.id).stage == "fit"
    assert len(store.history(prospect.id)) == 2


def test_read_and_merge_a_whole_prospect(store: Store) -> None:
    """What import and sync build on: a prospect's records read together, merged and
    written atomically."""
    prospect = store.add_prospect(make_prospect(territory="North"))
    interview = store.add_interview(make_interview(prospect.id))
    store.record_answers(interview.id, [answer("q1", 1)])
    records = store.read_prospect(prospect.id)
    assert records.prospect == prospect
    assert [i.id for i in records.interviews] == [interview.id]
    assert records.interviews[0].answers["q1"].value == 1
    assert [h.action for h in records.history] == ["created"]

    def merge(local: ProspectRecords | None) -> ProspectRecords:
        assert local is not None
        done = local.interviews[0].model_copy(
            update={"answers": {**local.interviews[0].answers, "q2": answer("q2", 2)}}
        )
        note = HistoryEntry(prospect_id=prospect.id, action="edit", reason="merged")
        return ProspectRecords(local.prospect, (done,), (*local.history, note))

    stored = store.merge_prospect(prospect.id, merge)
    assert stored == store.read_prospect(prospect.id)
    assert set(store.get_interview(interview.id).answers) == {"q1", "q2"}
    assert [h.reason for h in store.history(prospect.id)] == ["", "merged"]
    fresh = make_prospect("New One", territory="North")
    assert store.merge_prospect(fresh.id, lambda local: None) is None  # nothing to store
    store.merge_prospect(fresh.id, lambda local: ProspectRecords(fresh))
    assert store.get_prospect(fresh.id) == fresh
    assert store.merge_prospect(prospect.id, lambda local: None) == store.read_prospect(prospect.id)
    with pytest.raises(StoreError):  # records of another prospect are refused
        store.merge_prospect(prospect.id, lambda local: ProspectRecords(fresh))
    with pytest.raises(ValueError):  # what the merge raises propagates; nothing is written
        store.merge_prospect(prospect.id, lambda local: int("x"))  # type: ignore[arg-type, return-value]
    assert sorted(store.prospect_ids()) == sorted([prospect.id, fresh.id])


def test_merge_many_prospects_at_once(store: Store, backend: Callable[[], Store]) -> None:
    """A re-score of a whole workspace: many merges, each as merge_prospect makes it (a
    second merge of the same prospect sees the first's result), the rows computed."""
    a = store.add_prospect(make_prospect("A", territory="North"))
    b = store.add_prospect(make_prospect("B", territory="North"))
    interview = store.add_interview(make_interview(a.id))
    store.record_answers(interview.id, [answer("q1", 1)])
    before_b = store.read_prospect(b.id)

    def noted(reason: str) -> Callable[[ProspectRecords | None], ProspectRecords]:
        def merge(local: ProspectRecords | None) -> ProspectRecords:
            assert local is not None
            entry = HistoryEntry(prospect_id=local.prospect.id, action="edit", reason=reason)
            return replace(local, history=(*local.history, entry))

        return merge

    def answered(local: ProspectRecords | None) -> ProspectRecords:
        assert local is not None
        [done] = local.interviews
        more = done.model_copy(update={"answers": {**done.answers, "q2": answer("q2", 2)}})
        return replace(local, interviews=(more,))

    results = store.merge_prospects(
        [(a.id, noted("one")), (b.id, lambda local: None), (a.id, noted("two")), (a.id, answered)]
    )
    again = backend()
    stored = again.read_prospect(a.id)
    assert [h.reason for h in stored.history] == ["", "one", "two"]
    assert set(stored.interviews[0].answers) == {"q1", "q2"}
    assert results == [results[0], before_b, results[2], stored]
    assert [h.reason for h in results[0].history] == ["", "one"]  # as it was after that one
    assert again.read_prospect(b.id) == before_b
    assert listed(again, a.id) == expected_row(again, a.id)
    with pytest.raises(StoreError):  # an id that cannot be a file name
        store.merge_prospects([("../x", noted("no"))])


def test_add_new_prospects_leaves_existing_ones_alone(store: Store) -> None:
    kept = store.add_prospect(make_prospect("Kept", id="kept00000001"))
    renamed = ProspectRecords(kept.model_copy(update={"name": "Renamed"}))
    new = ProspectRecords(make_prospect("New", id="new000000002"))
    assert store.add_new_prospects([renamed, new]) == [renamed]
    assert store.get_prospect(kept.id).name == "Kept"
    assert store.get_prospect(new.prospect.id).name == "New"
    assert listed(store, new.prospect.id) == expected_row(store, new.prospect.id)


def test_read_prospects_gives_those_found_and_names_the_unreadable(store: Store) -> None:
    a = store.add_prospect(make_prospect("A"))
    b = store.add_prospect(make_prospect("B"))
    store.add_interview(make_interview(b.id))
    noted: list[str] = []
    found = store.read_prospects([b.id, "nope00000001", a.id], lambda pid, _: noted.append(pid))
    assert found == {a.id: store.read_prospect(a.id), b.id: store.read_prospect(b.id)}
    assert noted == []
    path = getattr(store, "prospect_path", None)
    if path is not None:  # a workspace: a file broken by hand is named, the others read
        path(a.id).write_text("{not json")
        found = store.read_prospects([a.id, b.id], lambda pid, _: noted.append(pid))
        assert (list(found), noted) == ([b.id], [a.id])


def test_interview_owners_and_snapshot_hashes(store: Store) -> None:
    a = store.add_prospect(make_prospect("A"))
    b = store.add_prospect(make_prospect("B"))
    ia = store.add_interview(make_interview(a.id))
    ib = store.add_interview(make_interview(b.id, "fit"))
    assert store.interview_owners([ia.id, ib.id, "nope"]) == {ia.id: a.id, ib.id: b.id}
    assert store.interview_owners([]) == {}
    assert store.snapshot_hashes() == set()
    h1, h2 = canonical_hash({"id": "x"}), canonical_hash({"id": "y"})
    store.put_snapshot(h1, {"id": "x"})
    store.put_snapshot(h2, {"id": "y"})
    assert store.snapshot_hashes() == {h1, h2}


def test_a_watch_names_the_prospects_another_handle_changes(
    store: Store, backend: Callable[[], Store]
) -> None:
    """What the live screens wait on: another process's (or teammate's) changes to a
    prospect, to its interview and to its answers, each named; nothing when quiet."""
    other = backend()
    quiet = store.add_prospect(make_prospect("Quiet AV"))
    busy = store.add_prospect(make_prospect("Busy AV"))
    watch = store.watch()
    assert watch is not None
    try:
        assert not watch.wait(0.6)

        def seen(what: str) -> Changes:
            got = Changes()
            for _ in range(20):  # each wait is short; the change shows within a few
                got = got | watch.wait(0.5)
                if got.concerns(busy.id):
                    break
            assert got.concerns(busy.id), what
            assert not got.everything and not got.concerns(quiet.id), what
            return got

        other.update_prospect(busy.model_copy(update={"notes": "called back"}))
        seen("an edit of the prospect's facts")
        interview = other.add_interview(make_interview(busy.id))
        seen("a new interview")
        other.record_answers(interview.id, [answer("q1", 1)])
        seen("an answer")
        added = other.add_prospect(make_prospect("New AV"))
        got = watch.wait(5)
        assert got.concerns(added.id) and not got.concerns(busy.id)
    finally:
        watch.close()


def test_a_revision_changes_with_every_write_and_names_what_was_read(store: Store) -> None:
    """What a cache of derived results (the portfolio's shares) is keyed by: the same
    records keep their revision, any write gives a new one, never one seen before, and
    the records read with a revision are those it names."""
    store.put_snapshot(SCORED_HASH, SCORED)
    pid = store.add_prospect(make_prospect(created_at=T0, updated_at=T0)).id
    other = store.add_prospect(make_prospect("Other")).id
    seen: list[str] = []

    def revision() -> str | None:
        (found,) = store.revisions([pid])
        assert found[0] == pid
        return found[1]

    def changed(what: str) -> None:
        now = revision()
        assert now is not None, what  # both backends can tell
        assert now not in seen, what
        assert revision() == now, what  # nothing written since: the same
        records, read = store.read_revision(pid)
        assert read == now and records == store.read_prospect(pid), what
        seen.append(now)

    changed("add")
    interview = store.add_interview(make_interview(pid, started_at=T0))
    changed("interview")
    store.record_answers(interview.id, [answer("q1", 5)])
    changed("answer")
    store.record_answers(interview.id, [answer("q1", None)])
    changed("clear")
    store.update_prospect(store.get_prospect(pid).model_copy(update={"name": "Renamed"}))
    changed("edit")
    store.append_history(HistoryEntry(prospect_id=pid, action="review", at=T0))
    changed("history")
    store.update_prospect(store.get_prospect(other).model_copy(update={"name": "Elsewhere"}))
    assert revision() == seen[-1]  # another prospect's write is not this one's
    assert len(seen) == 6
    unknown = new_id()
    assert dict(store.revisions([unknown, pid])) == {unknown: None, pid: revision()}
    with pytest.raises(NotFound):
        store.read_revision(unknown)
