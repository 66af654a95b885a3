"""Where a prospect stands: one assessment, decided once, read by everyone.

The workflow (CLI and app), the reports, the portfolio, the demo data, sync and the
store's list rows all ask this module which interview counts, what its score and band
are, whether the gate to the next stage is met, what to do next and when the next
review is due. Pure: give it a prospect's records, the parsed question-set snapshots,
the pipeline and the clock.

The rules, in words:

* The **current** interview is the latest one of the prospect's current stage.
* The **basis** of the verdict is the current interview once it has answers; until
  then the latest interview that has answers (after a move the earlier stage's
  verdict stands until the new stage has one).
* A committed partner's list row shows its latest relationship review.
* The **gate** is evaluated for every prospect that is not declined and sits at a
  pipeline stage: against the current interview, or against an empty one of the
  stage's active question set when nothing was asked yet (so "what is missing"
  is always known).
* Every interview is scored with the prospect's **earlier** values: for each set, those
  of the latest interview before it that has answers (what `first-date.x` reads), and
  with today's date in the given time zone (what `today()` reads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from qualify.core import rules
from qualify.core.aftercare import flagged_since, review_plan_date
from qualify.core.breakdown import Earlier, ScoreBreakdown
from qualify.core.gates import GateResult, evaluate_gate
from qualify.core.nextstep import prospect_step
from qualify.core.questionnaire.model import Pipeline, QuestionSet, Stage
from qualify.core.records import (
    HistoryEntry,
    Interview,
    ProspectRecords,
    ProspectStatus,
    ProspectSummary,
)
from qualify.core.redflags import RedFlag, capped, holding, red_flags
from qualify.core.scoring import score
from qualify.core.undo import effective
from qualify.core.words import answer_text, one_line
from qualify.core.working import EarlierStages

__all__ = [
    "Assessment",
    "ScoredInterview",
    "Snapshots",
    "assess",
    "earlier_values",
    "list_row",
    "score_in_order",
    "score_interview",
    "scored_interviews",
]


# ------------------------------------------------------------------ snapshots


@dataclass
class Snapshots:
    """Question sets as asked, by content hash, with a note where one had to be replaced.

    Built by whoever reads the store (it is the only I/O an assessment needs); the
    assessment only looks sets up.
    """

    sets: dict[str, QuestionSet] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    def get(self, content_hash: str) -> QuestionSet | None:
        return self.sets.get(content_hash)

    def add_missing(
        self, interview: Interview, active: Mapping[str, QuestionSet], problem: str = ""
    ) -> None:
        """The snapshot of `interview` could not be read (`problem`, or missing): score it
        against today's version of its set, saying so, or not at all if the set is gone."""
        digest = interview.questionnaire_hash
        current = active.get(interview.questionnaire_id)
        asked = f"{interview.questionnaire_id} v{interview.questionnaire_version}"
        what = f"the snapshot of {asked} is {problem or 'missing'}"
        if current is not None:
            self.sets[digest] = current
            self.warnings.setdefault(digest, f"{what}; scored against today's v{current.version}")
        else:
            self.warnings.setdefault(
                digest, f"{what} and the set no longer exists: its answers are not scored"
            )


# ------------------------------------------------------------- scored interviews


@dataclass(frozen=True)
class ScoredInterview:
    """One interview scored against the question set it was asked with."""

    interview: Interview
    question_set: QuestionSet | None
    """None when the snapshot is lost and the set no longer exists."""
    breakdown: ScoreBreakdown | None
    values: dict[str, Any]
    """Question id → value of the answers that score (state `answered`)."""

    @property
    def has_answers(self) -> bool:
        return bool(self.values)

    @property
    def sources(self) -> dict[str, str]:
        """Question id → where each given answer came from."""
        return {
            qid: rec.source
            for qid, rec in self.interview.answers.items()
            if rec.state == "answered"
        }

    @property
    def at(self) -> datetime:
        """When the interview was last worked on (its completion, if complete)."""
        return self.interview.completed_at or self.interview.updated_at


def score_interview(
    interview: Interview,
    question_set: QuestionSet | None,
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
    names: Mapping[str, Any] | None = None,
) -> ScoredInterview:
    values = interview.scoring_values()
    breakdown = (
        score(question_set, values, earlier=earlier, today=today, names=names)
        if question_set is not None
        else None
    )
    return ScoredInterview(interview, question_set, breakdown, values)


def stage_values(scored: ScoredInterview) -> dict[str, Any]:
    """What a later stage's `set-id.question` reads of this interview: its visible answered
    values, calculated ones included (a repeated section's are not readable)."""
    if scored.breakdown is None:
        return {}
    return {k: v for k, v in scored.breakdown.values.items() if "[" not in k}


def earlier_values(
    scored: Sequence[ScoredInterview], before: str | None = None, *, exclude: str = ""
) -> dict[str, dict[str, Any]]:
    """Set id → values of its latest interview with answers, among the interviews before
    the one with id `before` (all of them when None or not found); `exclude` leaves out
    a set (the interview's own)."""
    out: dict[str, dict[str, Any]] = {}
    for s in scored:
        if before is not None and s.interview.id == before:
            break
        if s.has_answers and s.breakdown is not None and s.interview.questionnaire_id != exclude:
            out[s.interview.questionnaire_id] = stage_values(s)
    return out


def live_interviews(records: ProspectRecords) -> tuple[Interview, ...]:
    """The interviews that count: not those merged into another (a stage two people
    started at once, merged by the store or a sync; their answers are in the other)."""
    return tuple(i for i in records.interviews if not i.merged_into)


def score_in_order(
    interviews: Iterable[Interview],
    lookup: Callable[[Interview], QuestionSet | None],
    today: date | None,
) -> tuple[ScoredInterview, ...]:
    """Every interview (oldest first) scored against its set (`lookup`), each with the
    values of the interviews before it (see :func:`earlier_values`) and `today`."""
    scored: list[ScoredInterview] = []
    stages = EarlierStages()
    for interview in interviews:
        earlier, names = stages.before(interview.questionnaire_id)
        result = score_interview(
            interview, lookup(interview), earlier=earlier, today=today, names=names
        )
        scored.append(result)
        if result.has_answers and result.breakdown is not None:
            stages[interview.questionnaire_id] = partial(stage_values, result)
    return tuple(scored)


def scored_interviews(
    records: ProspectRecords, snapshots: Snapshots, today: date | None
) -> tuple[ScoredInterview, ...]:
    """The interviews that count, oldest first, each scored against its snapshot."""
    lookup = lambda i: snapshots.get(i.questionnaire_hash)  # noqa: E731
    return score_in_order(live_interviews(records), lookup, today)


# ------------------------------------------------------------------ assessment


@dataclass(frozen=True)
class Assessment:
    """Where one prospect stands; see the module docstring for the rules."""

    records: ProspectRecords
    stage: Stage | None
    """The pipeline stage the prospect is at (None at the review stage or an unknown one)."""
    current: ScoredInterview | None
    basis: ScoredInterview | None
    gate: GateResult | None
    gate_set: QuestionSet | None
    """The set the gate was judged on (the current interview's, else the active one)."""
    gate_breakdown: ScoreBreakdown | None
    review: ScoredInterview | None
    """The latest relationship review that could be scored."""
    cost: rules.CostCheck | None
    """Support consumed against revenue, from the latest review."""
    committed_at: datetime | None
    reason: str
    """Why declined or on hold (the latest such entry of the history)."""
    review_due: date | None
    next_step: str
    scored: tuple[ScoredInterview, ...] = ()
    """Every interview, oldest first, each scored against its own snapshot."""
    red_flags: tuple[RedFlag, ...] = ()
    """Every red flag raised at any stage: open, cleared or overridden."""
    reviews: tuple[ScoredInterview, ...] = ()
    """Every relationship review that could be scored, oldest first."""
    review_costs: tuple[rules.CostCheck, ...] = ()
    """The support-cost check of each review, in the same order."""
    cost_since: datetime | None = None
    """Since when (the first of the latest reviews in a row that flag it) the partner
    consumes more than it earns; None when the latest review does not flag it."""

    @property
    def open_red_flags(self) -> tuple[RedFlag, ...]:
        return tuple(f for f in self.red_flags if f.open)

    @classmethod
    def unassessed(cls, records: ProspectRecords, next_step: str = "") -> Assessment:
        """Nothing could be assessed (a broken question set, say): the facts alone."""
        return cls(
            records, None, None, None, None, None, None, None, None, None, "", None, next_step
        )

    # -- what the workflow's callers read ------------------------------------------
    @property
    def prospect(self) -> Any:
        return self.records.prospect

    @property
    def interview(self) -> Interview | None:
        """The current stage's interview (None before it starts)."""
        return self.current.interview if self.current is not None else None

    @property
    def question_set(self) -> QuestionSet | None:
        if self.current is not None and self.current.question_set is not None:
            return self.current.question_set
        return self.gate_set

    @property
    def breakdown(self) -> ScoreBreakdown | None:
        """The current stage's scores (None before its interview starts)."""
        return self.current.breakdown if self.current is not None else None

    @property
    def sources(self) -> dict[str, str]:
        return self.current.sources if self.current is not None else {}

    @property
    def outcome(self) -> str | None:
        """The latest review's decision (grow / fix / part ways) as its option label."""
        return review_outcome(self.review) if self.review is not None else None

    def summary(self) -> ProspectSummary:
        """The prospects list's row."""
        return _row(self.records, self.scored)

    def to_dict(self) -> dict[str, Any]:
        qs = self.question_set
        return {
            "prospect": self.records.prospect.model_dump(mode="json"),
            "stage": self.stage.id if self.stage else None,
            "interview": self.interview.id if self.interview else None,
            "question_set": {"id": qs.id, "version": qs.version} if qs else None,
            "breakdown": self.breakdown.to_dict() if self.breakdown else None,
            "gate": self.gate.to_dict() if self.gate else None,
            "next_step": self.next_step,
        }


def _current_and_basis(
    stage_id: str, scored: Iterable[ScoredInterview]
) -> tuple[ScoredInterview | None, ScoredInterview | None]:
    """The latest interview of the stage, and the one the verdict scores."""
    scored = list(scored)
    runs = [s for s in scored if s.interview.stage == stage_id]
    current = runs[-1] if runs else None
    if current is not None and current.has_answers and current.breakdown is not None:
        return current, current
    answered = [s for s in scored if s.has_answers and s.breakdown is not None]
    return current, (answered[-1] if answered else None)


def _reviews(scored: Iterable[ScoredInterview]) -> list[ScoredInterview]:
    """The reviews with something answered: one opened and left empty judges nothing (the
    partner keeps the score, the cost verdict and the due date of the last one held)."""
    return [
        s
        for s in scored
        if s.interview.kind == "review" and s.has_answers and s.breakdown is not None
    ]


def _latest_review(scored: Iterable[ScoredInterview]) -> ScoredInterview | None:
    reviews = _reviews(scored)
    return reviews[-1] if reviews else None


def review_outcome(review: ScoredInterview) -> str | None:
    """The review's decision (grow / fix / part ways), as its option label."""
    qs = review.question_set
    if qs is None or "outcome" not in qs.questions:
        return None
    value = review.values.get("outcome")
    return None if value is None else answer_text(qs.questions["outcome"], value)


def _latest_reason(history: Iterable[HistoryEntry], actions: set[str]) -> str:
    found = [h for h in history if h.action in actions]
    return one_line(found[-1].reason) if found else ""


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def assess(
    records: ProspectRecords,
    *,
    pipeline: Pipeline,
    snapshots: Snapshots,
    active_sets: Mapping[str, QuestionSet],
    now: datetime | None = None,
    tz: tzinfo | None = None,
    today: date | None = None,
) -> Assessment:
    """Where the prospect stands. Pure: the same records, sets and clock, the same answer.

    `active_sets` (set id → today's version) is used only for the gate of a stage whose
    interview has not started; `tz` is the zone dates such as "review due" are in;
    `today` (a watched day, :mod:`qualify.core.days`) replaces `now`'s date in `tz`.
    """
    prospect = records.prospect
    today = _local(now or datetime.now(UTC), tz).date() if today is None else today
    scored = scored_interviews(records, snapshots, today)
    flags = red_flags(scored, records.history, today=today)
    scored = capped(scored, flags)
    current, basis = _current_and_basis(prospect.stage, scored)

    stage = pipeline.stage_map.get(prospect.stage)
    gate = gate_breakdown = gate_set = None
    if stage is not None and prospect.status != ProspectStatus.declined:
        sources: dict[str, str] = {}
        if current is not None and current.breakdown is not None:
            gate_set, gate_breakdown = current.question_set, current.breakdown
            sources = current.sources
        else:
            gate_set = active_sets.get(stage.set_for(prospect.kind.value))
            gate_breakdown = (
                score(
                    gate_set,
                    {},
                    earlier=earlier_values(scored, exclude=gate_set.id),
                    today=today,
                )
                if gate_set is not None
                else None
            )
        if gate_set is not None and gate_breakdown is not None:
            gate = evaluate_gate(
                stage,
                gate_set,
                gate_breakdown,
                sources=sources,
                next_stage=pipeline.next_stage(stage.id),
                red_flags=holding(flags, stage.gate.no_open_red_flags),
            )

    reviews = _reviews(scored)
    costs = tuple(
        rules.support_exceeds_revenue(r.question_set, r.breakdown, r.values)
        if r.question_set is not None and r.breakdown is not None
        else rules.CostCheck(False)
        for r in reviews
    )
    review = reviews[-1] if reviews else None
    cost = costs[-1] if costs else None
    cost_since = flagged_since(reviews, costs)

    last_stage = pipeline.stages[-1].id if pipeline.stages else None
    moved = effective(records.history)
    commits = [h for h in moved if h.action == "advance" and h.to_stage == last_stage]
    committed_at = commits[-1].at if commits else None

    reason = ""
    if prospect.status == ProspectStatus.declined:
        reason = _latest_reason(records.history, {"decline"})
    elif prospect.status == ProspectStatus.on_hold:
        reason = _latest_reason(records.history, {"hold"})

    due = None
    if pipeline.review is not None:
        interval = timedelta(days=pipeline.review.interval_days)
        planned = review_plan_date(review.values) if review is not None else None
        if planned is not None:
            due = planned
        elif review is not None:
            due = _local(review.at + interval, tz).date()
        elif committed_at is not None:
            due = _local(committed_at + interval, tz).date()

    assessment = Assessment(  # its next step is worked out from it, before anyone reads it
        records=records,
        stage=stage,
        current=current,
        basis=basis,
        gate=gate,
        gate_set=gate_set,
        gate_breakdown=gate_breakdown,
        review=review,
        cost=cost,
        committed_at=committed_at,
        reason=reason,
        review_due=due,
        next_step="",
        scored=scored,
        red_flags=flags,
        reviews=tuple(reviews),
        review_costs=costs,
        cost_since=cost_since,
    )
    object.__setattr__(assessment, "next_step", prospect_step(assessment, pipeline, today))
    return assessment


# -------------------------------------------------------------------- list rows


def list_row(
    records: ProspectRecords, snapshots: Snapshots, *, today: date | None = None
) -> ProspectSummary:
    """The prospects list's row, straight from the records (no pipeline needed): what the
    store writes beside a prospect every time its records change."""
    return _row(records, scored_interviews(records, snapshots, today), today)


def _row(
    records: ProspectRecords, scored: Iterable[ScoredInterview], today: date | None = None
) -> ProspectSummary:
    """The verdict's figures, or the latest review's for a committed partner that has one;
    `updated_at` is the last activity (an answer counts, not only a change of facts)."""
    p = records.prospect
    scored = capped(list(scored), red_flags(list(scored), records.history, today=today))
    _, shown = _current_and_basis(p.stage, scored)
    review = _latest_review(scored)
    if p.status == ProspectStatus.committed and review is not None:
        shown = review
    b = shown.breakdown if shown is not None else None
    last = max(
        [p.updated_at]
        + [i.updated_at for i in records.interviews]
        + [h.at for h in records.history],
        key=lambda t: t if t.tzinfo else t.replace(tzinfo=UTC),
    )
    return ProspectSummary(
        id=p.id,
        name=p.name,
        territory=p.territory,
        kind=p.kind,
        stage=p.stage,
        status=p.status,
        score=b.score if b else None,
        band=b.band if b else None,
        knocked_out=b.knocked_out if b else False,
        coverage=b.coverage if b else None,
        updated_at=last,
        provisional=b.provisional if b else False,
        next_meeting=p.next_meeting.day if p.next_meeting is not None else None,
    )
