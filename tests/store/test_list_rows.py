"""List rows as every backend computes them in a bulk load: a snapshot the store does not
have leaves its interviews unscored, is asked for once, and never stops the load."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from qualify.core.questionnaire import content_hash
from qualify.paths import bundled_questionnaires_dir
from qualify.setcache import load_catalog
from qualify.store.base import NotFound
from qualify.store.rows import ListRows
from qualify.workflow.demo import generate


def test_a_missing_snapshot_leaves_its_prospects_unscored_and_is_asked_for_once() -> None:
    catalog = load_catalog(bundled_questionnaires_dir())
    prospects = list(generate(catalog, 12, seed=4, now=datetime(2026, 5, 1, tzinfo=UTC)))
    snapshots = {
        content_hash(qs): qs.model_dump(mode="json") for qs in catalog.question_sets.values()
    }
    lost = content_hash(catalog.question_sets["first-date"])
    asked: list[str] = []

    def fetch(digest: str) -> dict[str, Any]:
        asked.append(digest)
        if digest == lost:
            raise NotFound(f"no snapshot {digest}")
        return snapshots[digest]

    rows = ListRows().rows(prospects, fetch)

    assert [r.id for r in rows] == [p.prospect.id for p in prospects]
    assert asked.count(lost) == 1
    on_first_date = [r for r, p in zip(rows, prospects, strict=True) if len(p.interviews) == 1]
    assert on_first_date, "the sample has prospects at the first date"
    assert all(r.score is None and r.band is None for r in on_first_date)
    later = [r for r, p in zip(rows, prospects, strict=True) if len(p.interviews) > 1]
    assert any(r.score is not None for r in later)  # their own stage's set is there
