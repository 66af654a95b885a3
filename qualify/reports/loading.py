"""Reading what a report needs from the store, once per report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualify.core.assess import Snapshots
from qualify.core.evidence import Attachment
from qualify.core.records import ProspectRecords
from qualify.store.queries import best_partner_answers
from qualify.store.reading import read_records, read_snapshots, readable_records

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.store.base import Store


@dataclass(frozen=True)
class ProspectInputs:
    """Everything one prospect's report is built from."""

    records: ProspectRecords
    snapshots: Snapshots
    partners: dict[str, list[dict[str, Any]]]
    """The answers of the best committed partners per question set (for the comparison)."""
    attachments: list[Attachment]
    """The prospect's evidence files (their records), oldest first."""


def load_prospect(store: Store, catalog: Catalog, prospect_id: str) -> ProspectInputs:
    """One prospect's records, its snapshots and the best partners' answers."""
    records = read_records(store, prospect_id)
    snapshots = read_snapshots(store, records.interviews, catalog.question_sets)
    partners = best_partner_answers(store, exclude=records.prospect.id)
    return ProspectInputs(records, snapshots, partners, store.attachments(records.prospect.id))


def load_portfolio(
    store: Store, catalog: Catalog, territory: str | None = None, *, language: str | None = None
) -> tuple[list[ProspectRecords], Snapshots]:
    """Every prospect's records (of one territory, if given) and their snapshots, all at
    once: for a caller that keeps them all anyway (the scoring benchmark). A portfolio
    reads one prospect at a time instead (:mod:`qualify.reports.portfolio_cache`)."""
    summaries = store.list_prospects()
    ids = [s.id for s in summaries if territory is None or s.territory == territory]
    records = list(readable_records(store, ids))
    snapshots = Snapshots()
    for found in records:
        read_snapshots(
            store, found.interviews, catalog.question_sets, into=snapshots, language=language
        )
    return records, snapshots
