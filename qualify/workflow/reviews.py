"""Relationship reviews as a series: starting the next review of a committed partner, and
the reason an outcome against its score needs.

Every review is its own interview, kept with its date, score, outcome and improvement
plan; `qualify review ID` (and the app's key on the prospect screen) completes the
current one and starts the next, so a second review never overwrites the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.phrase import Phrase
from qualify.core.questionnaire import QuestionSet, content_hash
from qualify.core.questionnaire.catalog import canonical
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectStatus,
    utcnow,
)
from qualify.core.scoring import score
from qualify.core.words import status_phrase
from qualify.workflow.qualifier import WorkflowError, answer_values

if TYPE_CHECKING:
    from qualify.workflow.qualifier import Qualifier


def _title(q: Qualifier, stage_id: str) -> str:
    """A stage as the pipeline names it (in the language in use), else its id."""
    stage = q.stage(stage_id)
    return str(stage.title) if stage is not None else stage_id


def start_review(q: Qualifier, prospect: Prospect) -> Interview:
    """Start the next relationship review of a committed partner: the current review
    is completed (it needs its required answers, and a reason for an outcome that
    contradicts its score) and kept; the new one starts empty, with today's set."""
    review = q.pipeline.review
    if prospect.status != ProspectStatus.committed:
        raise WorkflowError(
            Phrase(
                "{name} has the status {status}: only committed partners are reviewed",
                name=prospect.name,
                status=status_phrase(prospect.status),
            )
        )
    if review is None:
        raise WorkflowError(Phrase("the pipeline has no relationship review"))
    if prospect.stage != review.id:
        raise WorkflowError(
            Phrase(
                "{name} is still settling in ({stage}): finish onboarding "
                "and `qualify advance` to the relationship reviews first",
                name=prospect.name,
                stage=_title(q, prospect.stage),
            )
        )
    current = q.stage_interview(prospect)
    if current is not None and not current.scoring_values():
        return current  # an empty review is open already
    if current is not None:
        _check_review_done(q, prospect, current)
    qs = q.active_question_set(review.questionnaire)
    digest = q.active_hashes().get(qs.id) or content_hash(qs)
    now = utcnow()
    number = 1 + sum(1 for i in q.store.interviews(prospect.id) if i.kind == "review")
    with q.store.all_or_nothing():
        if current is not None and current.status != "complete":
            q.store.update_interview(
                current.model_copy(update={"status": "complete", "completed_at": now})
            )
        q.store.put_snapshot(digest, canonical(qs))
        started = q.store.add_interview(
            Interview(
                prospect_id=prospect.id,
                stage=review.id,
                kind="review",
                questionnaire_id=qs.id,
                questionnaire_version=qs.version,
                questionnaire_hash=digest,
                interviewer=q.user,
            )
        )
        q.store.append_history(
            HistoryEntry(
                prospect_id=prospect.id,
                action="review",
                from_stage=review.id,
                to_stage=review.id,
                by=q.user,
                details={"review": number, "interview": started.id},
            )
        )
    return started


def _check_review_done(q: Qualifier, prospect: Prospect, review: Interview) -> None:
    """A review is kept only once its required questions are answered and an outcome
    against its score says why."""
    assessment = q.assess(prospect)
    scored = next((s for s in assessment.scored if s.interview.id == review.id), None)
    if scored is None or scored.breakdown is None:
        return
    missing = [
        q.answer_key
        for sec in scored.breakdown.sections
        for q in sec.questions
        if q.visible and q.required and not q.answered
    ]
    if missing:
        raise WorkflowError(
            Phrase(
                "finish the current review first: {n} required question(s) unanswered: {ids}",
                n=len(missing),
                ids=", ".join(missing[:6]),
            )
        )
    outcome = scored.values.get(rules.OUTCOME_QUESTION)
    why = rules.outcome_contradiction(scored.question_set, scored.breakdown, outcome)
    note = review.answers.get(rules.OUTCOME_QUESTION)
    if why and not (note is not None and note.note.strip()):
        raise WorkflowError(
            Phrase(
                "finish the current review first: {why}; give the reason as a note on the "
                "outcome, or change the outcome",
                why=why,
            )
        )


def unexplained_outcome(
    qs: QuestionSet,
    interview: Interview | None,
    records: list[AnswerRecord],
    earlier: Mapping[str, Mapping[str, Any]],
    day: date,
) -> list[str]:
    """An outcome that contradicts the review's score ("Grow" at *At risk*) is refused
    without a reason (its note), like an override of a gate."""
    given = next((r for r in records if r.question_id == rules.OUTCOME_QUESTION), None)
    if given is None or given.value is None:
        return []
    after = answer_values(interview) if interview is not None else {}
    for record in records:
        if record.value is None:
            after.pop(record.question_id, None)
        else:
            after[record.question_id] = record.value
    breakdown = score(qs, after, earlier=earlier, today=day)
    why = rules.outcome_contradiction(qs, breakdown, given.value)
    if why is None or given.note.strip():
        return []
    return [
        Phrase(
            "{id}: {why}; give the reason as its note (--note; F2 in the app)",
            id=rules.OUTCOME_QUESTION,
            why=why,
        )
    ]
