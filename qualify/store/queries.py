"""Questions asked of a whole portfolio, written once against the Store interface.

The CLI (through the workflow), the TUI and the reports share them, whichever backend
is behind the store.
"""

from __future__ import annotations

from typing import Any

from qualify.core.records import ProspectStatus
from qualify.store.base import Store
from qualify.store.reading import readable_records


def best_partner_answers(
    store: Store, *, limit: int = 5, exclude: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Answers of the committed partners with the best latest scores, per question set.

    "Best" is the score the prospects list shows: the latest review when there is
    one, else the commitment interview. These are the partners you wish you had more of.
    """
    ranked = [
        s
        for s in store.list_prospects()
        if s.status == ProspectStatus.committed and s.score is not None and s.id != exclude
    ]
    ranked.sort(key=lambda s: (-(s.score or 0), s.id))
    per_set: dict[str, list[dict[str, Any]]] = {}
    for records in readable_records(store, [s.id for s in ranked[:limit]]):
        latest: dict[str, dict[str, Any]] = {}
        for interview in sorted(records.interviews, key=lambda i: i.started_at):
            latest[interview.questionnaire_id] = interview.scoring_values()
        for set_id, values in latest.items():
            per_set.setdefault(set_id, []).append(values)
    return per_set
