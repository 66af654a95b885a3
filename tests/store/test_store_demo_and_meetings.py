"""The store contract for issue 18, on every backend: the next meeting in the list row,
and the one deletion a store offers (demo data), refused for anything else."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from storekit import T0, answer, listed, make_interview, make_prospect

from qualify.core.records import HistoryEntry, NextMeeting, ProspectStatus
from qualify.store import NotFound, StoreError
from qualify.store.base import Store

ROOT = Path(__file__).resolve().parents[2]


def test_a_next_meeting_is_kept_and_listed(store: Store, backend: Callable[[], Store]) -> None:
    prospect = store.add_prospect(make_prospect("Nordic AV", created_at=T0))
    assert listed(store, prospect.id).next_meeting is None
    meeting = NextMeeting(day=date(2026, 12, 3), start=time(14, 30), note="bring the price list")
    moved = prospect.model_copy(update={"next_meeting": meeting})
    edit = HistoryEntry(prospect_id=prospect.id, action="edit", to_stage=prospect.stage)
    store.move_prospect(
        moved, edit, expected_stage=prospect.stage, expected_status=ProspectStatus.active
    )
    assert backend().get_prospect(prospect.id).next_meeting == meeting
    assert listed(backend(), prospect.id).next_meeting == date(2026, 12, 3)


def test_only_demo_data_can_be_deleted(store: Store, backend: Callable[[], Store]) -> None:
    demo = store.add_prospect(make_prospect("Sample AV", id="demo07000001", tags=["demo"]))
    interview = store.add_interview(make_interview(demo.id))
    store.record_answers(interview.id, [answer("q1", 4)])
    real = store.add_prospect(make_prospect("Real AV"))
    untagged = store.add_prospect(make_prospect("Kept sample", id="demo07000002", tags=[]))
    tagged_real = store.add_prospect(make_prospect("Wants a demo", tags=["demo"]))

    assert store.delete_demo_prospect(demo.id) is True
    again = backend()
    with pytest.raises(NotFound):
        again.read_prospect(demo.id)
    assert demo.id not in {r.id for r in again.list_prospects()}
    assert demo.id not in again.prospect_ids()
    assert store.delete_demo_prospect(demo.id) is False  # gone already: nothing to do

    for kept in (real, untagged, tagged_real):
        with pytest.raises(StoreError, match="not demo data"):
            store.delete_demo_prospect(kept.id)
        assert again.get_prospect(kept.id).name == kept.name


def test_many_demo_prospects_are_deleted_at_once_and_nothing_else(
    store: Store, backend: Callable[[], Store]
) -> None:
    """`demo --remove` of thousands: the demo prospects go, with their rows and their
    interviews' index entries; a prospect that is not demo data, or is gone, stays."""
    demos = [
        store.add_prospect(make_prospect(f"Sample {n}", id=f"demo0700000{n}", tags=["demo"]))
        for n in range(1, 5)
    ]
    interview = store.add_interview(make_interview(demos[0].id))
    store.record_answers(interview.id, [answer("q1", 4)])
    real = store.add_prospect(make_prospect("Real AV"))
    untagged = store.add_prospect(make_prospect("Kept sample", id="demo07000009", tags=[]))
    asked = [d.id for d in demos[:3]] + [real.id, untagged.id, "demo07000404", "../x"]
    assert store.delete_demo_prospects(asked) == [d.id for d in demos[:3]]
    again = backend()
    assert {r.id for r in again.list_prospects()} == {demos[3].id, real.id, untagged.id}
    assert again.interview_owners([interview.id]) == {}
    assert again.delete_demo_prospects([d.id for d in demos]) == [demos[3].id]
    assert again.unreadable() == []


def test_only_demo_removal_deletes_anything() -> None:
    """Deletion stays out of normal use: nothing but `qualify demo --remove` calls it
    (the stores' own many-at-once form calls the one-at-a-time one)."""
    callers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "qualify").rglob("*.py")
        if re.search(r"\.delete_demo_prospects?\(", path.read_text(encoding="utf-8"))
    ]
    assert sorted(callers) == ["qualify/store/base.py", "qualify/workflow/demo.py"]
