"""Finding prospects: by what the list shows, and by their answers and notes.

Both ignore case and accents (:func:`qualify.core.words.search_key`); every word typed
must be found. The list rows are searched first (they are in memory: 10,000 at once is
instant); a prospect's records are read only for the rows that did not match, and what
is searched in them (the answers as shown, notes, tags, reasons) is kept per prospect
until its row changes, so the next search of the same session reads nothing again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from qualify.core.errors import QualifyError
from qualify.core.words import answer_text, kind_word, score_label, search_key, status_word

if TYPE_CHECKING:
    from qualify.core.records import ProspectRecords, ProspectSummary
    from qualify.workflow.qualifier import Qualifier


def terms(text: str) -> list[str]:
    """The words searched for, folded."""
    return search_key(text).split()


def row_text(row: ProspectSummary, stage_title: str = "") -> str:
    """What the list shows of a prospect, folded: name, territory, kind, stage, status,
    score and band, id."""
    words = (
        row.name,
        row.territory,
        kind_word(row.kind),
        stage_title or row.stage,
        status_word(row.status),
        score_label(row.score, row.band, row.knocked_out),
        row.id,
    )
    return search_key(" ".join(words)) + (" knock-out ko" if row.knocked_out else "")


def found_in(text: str, wanted: Iterable[str]) -> bool:
    return all(t in text for t in wanted)


class RecordSearch:
    """Searches prospects' answers and notes, remembering each prospect's text until its
    list row says it changed."""

    def __init__(self, qualifier: Qualifier) -> None:
        self.qualifier = qualifier
        self._texts: dict[str, tuple[datetime, str]] = {}
        """Prospect id → (its row's updated_at, its folded text)."""

    def text(self, row: ProspectSummary) -> str:
        """The folded answers, notes, tags and reasons of one prospect."""
        cached = self._texts.get(row.id)
        if cached is not None and cached[0] == row.updated_at:
            return cached[1]
        try:
            records = self.qualifier.store.read_prospect(row.id)
        except QualifyError:
            return ""
        text = search_key(" ".join(record_words(records, self._labels)))
        self._texts[row.id] = (row.updated_at, text)
        return text

    def _labels(self, records: ProspectRecords) -> Mapping[str, Mapping[str, object]]:
        """Interview id → its question set's questions (to show answers as labels)."""
        out: dict[str, Mapping[str, object]] = {}
        for interview in records.interviews:
            try:
                out[interview.id] = self.qualifier.snapshot(interview).questions
            except (QualifyError, ValueError):
                out[interview.id] = {}
        return out

    def matching(
        self,
        rows: Iterable[ProspectSummary],
        text: str,
        *,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[ProspectSummary]:
        """The rows whose answers, notes, tags or reasons hold every word of `text`."""
        wanted = terms(text)
        if not wanted:
            return []
        found: list[ProspectSummary] = []
        for row in rows:
            if cancelled():
                break
            if found_in(self.text(row), wanted):
                found.append(row)
        return found


def record_words(
    records: ProspectRecords,
    questions_of: Callable[[ProspectRecords], Mapping[str, Mapping[str, object]]],
) -> list[str]:
    """Everything searchable of a prospect: its notes, tags and contacts, every answer
    as the interviewer reads it (option labels, not their ids) with its note, every
    interview's notes, and the reasons in its history."""
    p = records.prospect
    words = [p.notes, *p.tags, *(c.name for c in p.contacts)]
    if p.next_meeting is not None:
        words.append(p.next_meeting.note)
    questions = questions_of(records)
    for interview in records.interviews:
        words.append(interview.notes)
        asked = questions.get(interview.id, {})
        for key, answer in interview.answers.items():
            words.append(answer.note)
            if answer.value is None or isinstance(answer.value, bool | int | float):
                continue
            question = asked.get(key.rsplit(".", 1)[-1])
            words.append(answer_text(question, answer.value))  # type: ignore[arg-type]
    words.extend(h.reason for h in records.history if h.reason)
    return [w for w in words if w]


def search(
    q: Qualifier,
    rows: list[ProspectSummary],
    text: str,
    *,
    stage_titles: Mapping[str, str] | None = None,
    names_only: bool = False,
) -> list[ProspectSummary]:
    """The rows that match `text`: by what the list shows, else (unless `names_only`) by
    their answers and notes; in the order given."""
    wanted = terms(text)
    if not wanted:
        return rows
    titles = stage_titles or {}
    by_row = {r.id for r in rows if found_in(row_text(r, titles.get(r.stage, "")), wanted)}
    if not names_only:
        rest = [r for r in rows if r.id not in by_row]
        by_row |= {r.id for r in RecordSearch(q).matching(rest, text)}
    return [r for r in rows if r.id in by_row]


__all__ = ["RecordSearch", "found_in", "record_words", "row_text", "search", "terms"]
