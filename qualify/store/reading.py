"""Reading what an assessment needs from any store: a prospect's records and the
question-set snapshots its interviews were asked with.

Backend-neutral: written against :class:`~qualify.store.base.Store` only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from pydantic import ValidationError

from qualify.core.assess import Snapshots
from qualify.core.phrase import Phrase, said
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.questionnaire.texts import localize
from qualify.core.records import Interview, ProspectRecords
from qualify.core.words import one_line
from qualify.setcache import question_set
from qualify.store.base import NotFound, Store, StoreCorrupt


def read_records(store: Store, prospect_id: str) -> ProspectRecords:
    """One prospect's records (an id or an unambiguous prefix) as of one moment, in one
    read of the store; NotFound otherwise."""
    return store.read_prospect(store.resolve_id(prospect_id))


T = TypeVar("T")


def readable_records(store: Store, prospect_ids: Iterable[str]) -> Iterator[ProspectRecords]:
    """Each prospect's records, in order; one whose file cannot be read (or is gone while
    the list still shows it) is skipped and noted on the store (``store.unreadable()``),
    so one broken file never stops a portfolio, an export or a re-score."""
    for pid in prospect_ids:
        try:
            yield store.read_prospect(pid)
        except (StoreCorrupt, NotFound) as exc:
            _skipped(store, pid, exc)


def counted(items: Sequence[T], progress: Callable[[int, int], None] | None) -> Iterable[T]:
    """`items`, `progress(done, total)` told as each is done with (when the next is asked
    for, or the walk ends): a long command's progress line (qualify.cli.progress)."""
    if progress is None:
        return items

    def walk() -> Iterator[T]:
        for done, item in enumerate(items, 1):
            yield item
            progress(done, len(items))

    return walk()


def readable_revision(
    store: Store, prospect_id: str
) -> tuple[ProspectRecords, str | None, Hashable | None] | None:
    """The prospect's records, their revision and the stamp they were read under
    (``Store.read_stamped``); None, noted as :func:`readable_records` notes it, when
    they cannot be read."""
    try:
        return store.read_stamped(prospect_id)
    except (StoreCorrupt, NotFound) as exc:
        _skipped(store, prospect_id, exc)
        return None


def _skipped(store: Store, prospect_id: str, exc: Exception) -> None:
    store.note_unreadable(Phrase("skipped: {error}", error=said(exc)), key=prospect_id)


def read_snapshots(
    store: Store,
    interviews: Iterable[Interview],
    active_sets: Mapping[str, QuestionSet],
    into: Snapshots | None = None,
    language: str | None = None,
) -> Snapshots:
    """Parse each interview's snapshot once (into `into`, a cache, if given).

    A missing snapshot falls back to today's set with a warning; a snapshot that no
    longer parses likewise. Any other store error (a lost connection, a locked file)
    is not a missing snapshot: it propagates. `language`: the sets' texts in it (the
    snapshot's dump, and so its hash, stays the same).
    """
    found = into if into is not None else Snapshots()
    for interview in interviews:
        digest = interview.questionnaire_hash
        if digest in found.sets or digest in found.warnings:
            continue
        try:
            parsed = question_set(store.get_snapshot(digest))
            found.sets[digest] = localize(parsed, language, parsed.language)
        except NotFound:
            found.add_missing(interview, active_sets)
        except (ValidationError, ValueError) as exc:
            problem = Phrase("unreadable ({error})", error=one_line(str(exc), 160))
            found.add_missing(interview, active_sets, problem)
    return found
