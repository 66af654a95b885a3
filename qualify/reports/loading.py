"""Reading what a report needs from the store, once per report."""

from __future__ import annotations

from collections.abc import Iterator
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
    """Every prospect's records at once (see ``stream_portfolio``): for a caller that
    keeps them all anyway (the scoring benchmark)."""
    _, records, snapshots = stream_portfolio(store, catalog, territory, language=language)
    return list(records), snapshots


def stream_portfolio(
    store: Store, catalog: Catalog, territory: str | None = None, *, language: str | None = None
) -> tuple[list[str], Iterator[ProspectRecords], Snapshots]:
    """The ids of every prospect (of one territory, if given), their records read one at
    a time as the iterator is walked, and the snapshots, each read by the time the first
    prospect asked with it comes out: a portfolio holds one prospect's records at once,
    not all of them. One that cannot be read is left out and noted on the store."""
    summaries = store.list_prospects()
    if territory is not None:
        summaries = [s for s in summaries if s.territory == territory]
    ids = [s.id for s in summaries]
    snapshots = Snapshots()

    def records() -> Iterator[ProspectRecords]:
        for found in readable_records(store, ids):
            read_snapshots(
                store, found.interviews, catalog.question_sets, into=snapshots, language=language
            )
            yield found

    return ids, records(), snapshots
