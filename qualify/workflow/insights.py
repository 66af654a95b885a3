"""What the workflow finds out beyond one interview: interviews to re-score after a
question set changed, and the ideal partner a prospect is compared with.

Functions over a :class:`~qualify.workflow.qualifier.Qualifier` (its store, catalog and
user), shared by the CLI and the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from qualify.core.assess import ScoredInterview, earlier_values, scored_interviews
from qualify.core.phrase import Num, Phrase
from qualify.core.phrase import said as said_by
from qualify.core.questionnaire import AnswerError, QuestionSet, validate_answer
from qualify.core.records import HistoryEntry, Interview, Prospect, ProspectRecords
from qualify.core.rescore import (
    Carrier,
    Rescore,
    SetDiff,
    diff_question_sets,
    rescore,
    scoring_hash,
)
from qualify.core.words import one_line
from qualify.store.base import NotFound, StoreCorrupt
from qualify.store.missing import no_prospect
from qualify.store.reading import readable_records
from qualify.workflow.qualifier import Qualifier, WorkflowError, answer_values, today


class RescoreCandidate(NamedTuple):
    """An interview taken with another version of its set than the active one."""

    prospect: Prospect
    interview: Interview
    result: Rescore
    """Its score under the version it was taken with and under the active one."""
    active_hash: str
    """Content hash of the active version it was re-scored under."""
    recorded: bool
    """The prospect's history already holds this re-score (same interview, same version)."""


def already_rescored(history: Iterable[HistoryEntry], interview_id: str, active_hash: str) -> bool:
    """The history holds a re-score of this interview under the version `active_hash`."""
    return any(
        entry.action == "rescore"
        and entry.details.get("interview") == interview_id
        and entry.details.get("questionnaire_hash") == active_hash
        for entry in history
    )


class ScoringChanges:
    """Whether an interview's set scores differently today than the version it was taken
    with: a wording-only edit (or a new version number alone) changes no score, so its
    interviews are not offered a re-score. Digests are cached per version."""

    def __init__(self, q: Qualifier) -> None:
        self.q = q
        self._digests: dict[str, str | None] = {}

    def changed(self, interview: Interview) -> bool:
        """True when the active version may score the interview differently (also when
        its snapshot cannot be read: the re-score then says why it was skipped)."""
        active = self.q.catalog.question_sets.get(interview.questionnaire_id)
        if active is None:
            return False
        taken = interview.questionnaire_hash
        if taken not in self._digests:
            try:
                self._digests[taken] = scoring_hash(self.q.snapshot(interview))
            except (NotFound, StoreCorrupt, ValidationError):
                self._digests[taken] = None
        key = f"active:{interview.questionnaire_id}"
        if key not in self._digests:
            self._digests[key] = scoring_hash(active)
        old = self._digests[taken]
        return old is None or old != self._digests[key]


def rescore_candidates(
    q: Qualifier,
    prospects: Iterable[Prospect] | None = None,
    *,
    set_ids: Iterable[str] | None = None,
) -> list[RescoreCandidate]:
    """Every interview taken with another version of a set (of `set_ids`, or any) than
    the active one that scores differently (:class:`ScoringChanges`), re-scored under the
    active version; each says whether that re-score is already in the history, so
    recording twice is never needed. :func:`iter_rescore_candidates`, in a list."""
    return list(iter_rescore_candidates(q, prospects, set_ids=set_ids))


def iter_rescore_candidates(
    q: Qualifier,
    prospects: Iterable[Prospect] | None = None,
    *,
    set_ids: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
) -> Iterator[RescoreCandidate]:
    """The candidates of :func:`rescore_candidates` one at a time, prospect by prospect:
    a caller that prints or records each as it comes never holds a portfolio's scores
    (two breakdowns per interview) at once. `ids` (instead of `prospects`): the prospects
    with these ids, in this order."""
    if ids is not None:
        ids = list(ids)
    elif prospects is None:
        ids = [s.id for s in q.store.list_prospects()]
    else:
        ids = [p.id for p in prospects]
    hashes = q.active_hashes()
    if set_ids is not None:
        wanted = set(set_ids)
        hashes = {sid: h for sid, h in hashes.items() if sid in wanted}
    changes = ScoringChanges(q)
    day = today()
    diffs: dict[tuple[str, str], SetDiff] = {}  # one diff per pair of versions
    carriers: dict[str, Carrier] = {}  # one per active set: its answer checks remembered
    # One read per prospect; one that cannot be read is skipped and noted on the store.
    for records in readable_records(q.store, ids):
        stale = [
            (interview, pair[0], pair[1])
            for interview in records.interviews
            if (pair := _stale(q, records, interview, hashes, changes)) is not None
        ]
        if not stale:
            continue
        scored: dict[str, ScoredInterview] | None = None
        ordered: tuple[ScoredInterview, ...] = ()
        if any(old.other_sets or new.other_sets for _, old, new in stale):
            # a set reads earlier stages (`first-date.x`): the prospect's interviews scored
            # in order, once, as assess does; each old score is then one of them
            ordered = scored_interviews(records, q.snapshots_of(records), day)
            scored = {s.interview.id: s for s in ordered}
        for interview, old, new in stale:
            current = hashes[interview.questionnaire_id]
            earlier: dict[str, dict[str, Any]] = {}
            before = None
            values = None
            if scored is not None:
                earlier = earlier_values(ordered, interview.id, exclude=new.id)
                same = scored.get(interview.id)
                if same is not None and same.question_set is old:
                    # scored under its own version with these same values: the old score
                    before, values = same.breakdown, same.values
            pair = (interview.questionnaire_hash, current)
            if pair not in diffs:
                diffs[pair] = diff_question_sets(old, new)
            if new.id not in carriers or carriers[new.id].question_set is not new:
                carriers[new.id] = Carrier(new)
            result = rescore(
                old,
                new,
                answer_values(interview) if values is None else values,
                earlier=earlier,
                today=day,
                before=before,
                diff=diffs[pair],
                carrier=carriers[new.id],
            )
            done = already_rescored(records.history, interview.id, current)
            yield RescoreCandidate(records.prospect, interview, result, current, done)


def _stale(
    q: Qualifier,
    records: ProspectRecords,
    interview: Interview,
    hashes: Mapping[str, str],
    changes: ScoringChanges,
) -> tuple[QuestionSet, QuestionSet] | None:
    """(the set as the interview was taken, the active one) when the active version
    scores it differently; None otherwise, and when its snapshot cannot be read (noted on
    the store: the re-score says it was skipped)."""
    current = hashes.get(interview.questionnaire_id)
    if current is None or current == interview.questionnaire_hash:
        return None
    if not changes.changed(interview):
        return None  # only the wording changed: every score stays as it is
    try:
        old = q.snapshot(interview)
    except (NotFound, StoreCorrupt, ValidationError) as exc:
        prospect = records.prospect
        q.store.note_unreadable(
            Phrase(
                "skipped re-scoring {name} ({id}) interview {interview}: its "
                "question-set snapshot cannot be read ({why})",
                name=prospect.name,
                id=prospect.id,
                interview=interview.id,
                why=one_line(str(exc), 200),
            )
        )
        return None
    return old, q.catalog.question_sets[interview.questionnaire_id]


class Recorded(NamedTuple):
    """The re-score as the history keeps it, and whether this call wrote it."""

    entry: HistoryEntry
    written: bool


def record_rescore(
    q: Qualifier, prospect: Prospect, interview: Interview, result: Rescore
) -> Recorded:
    """Keep the re-score in the history; the interview and its snapshot stay as taken.

    Idempotent, also for two runs at once: whether the history already holds a re-score
    of this interview under the active version is looked at under the store's lock of
    the prospect (one merge), and that entry is returned (not written) instead of a
    second one.
    """
    entry = _rescore_entry(q, prospect, interview, result)
    append = _AppendRescores(prospect.id, [entry])
    stored = q.store.merge_prospect(prospect.id, append)
    assert stored is not None
    kept = append.kept[entry.id]
    return Recorded(next(h for h in stored.history if h.id == kept), kept == entry.id)


def record_rescores(q: Qualifier, picked: Iterable[tuple[Prospect, Interview, Rescore]]) -> int:
    """Keep many re-scores in the histories (`qualify rescore` of a whole workspace): one
    merge per prospect, the prospects written together (``Store.merge_prospects``), each
    re-score left out if the history holds it already, as :func:`record_rescore` does.
    Returns how many were written."""
    entries: dict[str, list[HistoryEntry]] = {}
    for prospect, interview, result in picked:
        entries.setdefault(prospect.id, []).append(_rescore_entry(q, prospect, interview, result))
    merges = [_AppendRescores(pid, listed) for pid, listed in entries.items()]
    q.store.merge_prospects((m.prospect_id, m) for m in merges)
    return sum(m.written for m in merges)


def _rescore_entry(
    q: Qualifier, prospect: Prospect, interview: Interview, result: Rescore
) -> HistoryEntry:
    active_hash = q.active_hashes()[interview.questionnaire_id]
    details = {"interview": interview.id, "questionnaire_hash": active_hash}
    details.update(result.to_dict())
    return HistoryEntry(
        prospect_id=prospect.id,
        action="rescore",
        from_stage=interview.stage,
        to_stage=interview.stage,
        reason=f"{interview.questionnaire_id} v{result.diff.old_version} → "
        f"v{result.diff.new_version}",
        by=q.user,
        details=details,
    )


class _AppendRescores:
    """The merge that appends a prospect's re-score entries, each unless its history
    holds a re-score of that interview under that version already. It remembers only its
    last call's outcome (a store may merge again)."""

    def __init__(self, prospect_id: str, entries: list[HistoryEntry]) -> None:
        self.prospect_id = prospect_id
        self.entries = entries
        self.kept: dict[str, str] = {}
        """Each entry's id → the id of the entry the history keeps for it."""
        self.written = 0

    def __call__(self, current: ProspectRecords | None) -> ProspectRecords | None:
        if current is None:
            raise no_prospect(self.prospect_id)
        self.kept, new = {}, []
        for entry in self.entries:
            interview, active = entry.details["interview"], entry.details["questionnaire_hash"]
            found = next(
                (h for h in current.history if already_rescored((h,), interview, active)), None
            )
            self.kept[entry.id] = entry.id if found is None else found.id
            if found is None:
                new.append(entry)
        self.written = len(new)
        if not new:
            return None
        history = tuple(sorted((*current.history, *new), key=lambda h: h.at))
        return replace(current, history=history)


def answers_by_set(
    q: Qualifier, prospect: Prospect
) -> dict[str, tuple[QuestionSet, dict[str, Any]]]:
    """The latest answers the prospect gave to each question set, with its snapshot."""
    out: dict[str, tuple[QuestionSet, dict[str, Any]]] = {}
    for interview in q.store.interviews(prospect.id):
        out[interview.questionnaire_id] = (q.snapshot(interview), answer_values(interview))
    return out


def best_partner_answers(q: Qualifier, limit: int = 5) -> dict[str, list[dict[str, Any]]]:
    """Answers of the committed partners with the best scores, per question set."""
    from qualify.store.queries import best_partner_answers

    return best_partner_answers(q.store, limit=limit)


def ideal_profile(
    q: Qualifier,
    prospect_sets: Mapping[str, tuple[QuestionSet, dict[str, Any]]],
    source: Path | None,
    workspace_file: Path,
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The ideal partner's answers per question set, and what to call it.

    From `source` if given, else `workspace_file` (the workspace's ideal.yaml) if it
    exists, else the typical answers of the best committed partners. A file maps
    question ids to answers, or question-set ids to such mappings.
    """
    from qualify.core.compare import ideal_from_partners

    if source is None and not workspace_file.exists():
        best = best_partner_answers(q)
        if not best:
            raise WorkflowError(
                Phrase(
                    "no ideal profile yet: describe your ideal partner in {file} "
                    "(see docs/insights.md), or commit some partners first",
                    file=str(workspace_file),
                )
            )
        profile = {
            set_id: ideal_from_partners(qs, best[set_id])
            for set_id, (qs, _) in prospect_sets.items()
            if set_id in best
        }
        return Phrase("best partners"), profile
    return Phrase("ideal partner"), _ideal_file(q, prospect_sets, source or workspace_file)


def _ideal_file(
    q: Qualifier, prospect_sets: Mapping[str, tuple[QuestionSet, dict[str, Any]]], path: Path
) -> dict[str, dict[str, Any]]:
    from qualify.core.questionnaire.answers import ANSWER_LIMITS
    from qualify.core.questionnaire.textfile import TextError, decode_text, read_bytes
    from qualify.core.questionnaire.yamlsource import Problem, parse_yaml

    name = "<stdin>" if str(path) == "-" else str(path)
    if name == "<stdin>":  # `--ideal -`
        import sys

        data = sys.stdin.buffer.read(ANSWER_LIMITS.max_bytes + 1)
    else:
        data = read_bytes(path, ANSWER_LIMITS.max_bytes, "an answer file")
    if len(data) > ANSWER_LIMITS.max_bytes:
        said = Phrase("more than {n} bytes", n=Num(ANSWER_LIMITS.max_bytes, grouped=True))
        raise WorkflowError.located(Problem(name, 1, 1, said))
    try:
        doc = parse_yaml(decode_text(data, name), name, ANSWER_LIMITS)
    except TextError as exc:
        raise WorkflowError.located(exc.problem) from None
    path = Path(name)
    if doc.problems:
        raise WorkflowError.located(doc.problems[0])
    raw = doc.data if isinstance(doc.data, dict) else {}
    nested = bool(raw) and all(isinstance(v, dict) for v in raw.values())
    for key in raw if nested else ():
        if key not in q.catalog.question_sets:
            line, col = doc.place((key,), key=True)
            said = Phrase("{key} is not a question set id", key=repr(key))
            raise WorkflowError.located(Problem(str(path), line, col, said))
    profile: dict[str, dict[str, Any]] = {}
    for set_id, (qs, _) in prospect_sets.items():
        answers = raw.get(set_id, {}) if nested else raw
        base = (set_id,) if nested else ()
        values: dict[str, Any] = {}
        for qid, value in answers.items():
            if qid not in qs.questions or qid in qs.repeat_of:
                continue
            if not qs.questions[qid].answerable:
                continue
            try:
                values[qid] = validate_answer(qs.questions[qid], value)
            except AnswerError as exc:
                line, col = doc.place((*base, qid))
                said = Phrase("{id}: {error}", id=qid, error=said_by(exc))
                raise WorkflowError.located(Problem(str(path), line, col, said)) from None
        profile[set_id] = values
    return profile
