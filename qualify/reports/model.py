"""The report model: everything a fit report or the portfolio says, as plain data.

Built from the store's records, each interview scored against the question set
*as it was asked* (its snapshot), never against today's YAML. Renderers
(Markdown, HTML, JSON, CSV) only format this model, so every format says the
same thing, and the judgement calls live in :mod:`qualify.core.rules`.

The builders are pure: give them records, the catalog (for the pipeline) and
the parsed snapshots. :func:`prospect_report` and :func:`portfolio_report` are
the convenience entry points that read a :class:`~qualify.store.base.Store`.
Nothing here imports Textual or TinyDB: the TUI and the CLI both use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.agenda import AgendaItem, build_agenda
from qualify.core.compare import compare, ideal_from_partners
from qualify.core.errors import QualifyError
from qualify.core.gates import GateResult, evaluate_gate, evidence_shares, needs_evidence, next_step
from qualify.core.questionnaire.model import DIRECTION_TITLES, Pipeline, QuestionSet, Stage
from qualify.core.records import HistoryEntry, Interview, Prospect, ProspectStatus
from qualify.core.scoring import ScoreBreakdown, score
from qualify.core.words import (
    ACTION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    answer_text,
    band_class,
    fmt_date,
    fmt_score,
    one_line,
    plural,
    score_class,
)
from qualify.reports.capacity import Capacity
from qualify.store.queries import best_partner_answers

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.store.base import Store

SCHEMA = "qualify.report/1"
"""The JSON report's schema id; bumped only when a field changes meaning or goes away."""


class ReportError(QualifyError):
    """A report cannot be made (no pipeline, for instance); the message says why."""


# =============================================================== the model


@dataclass(frozen=True)
class StageRef:
    id: str
    title: str


@dataclass(frozen=True)
class QuestionSetRef:
    """Which question set an interview used, as it was asked."""

    id: str
    version: int
    title: str
    hash: str
    stage: StageRef
    current_version: int | None = None
    """The version active today, when it differs from the one asked (None otherwise)."""


@dataclass(frozen=True)
class Header:
    id: str
    name: str
    territory: str
    kind: str
    kind_label: str
    stage: StageRef
    status: str
    status_label: str
    owner: str
    interviewers: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    last_contact: datetime | None
    recontact_on: date | None
    tags: tuple[str, ...]
    notes: str
    question_sets: tuple[QuestionSetRef, ...]


@dataclass(frozen=True)
class KnockoutView:
    question_id: str
    question: str
    answer: str
    reason: str
    stage: StageRef


@dataclass(frozen=True)
class Evidence:
    """Shares (0–1) of the score resting on verified, stated and estimated answers."""

    verified: float
    stated: float
    estimated: float


@dataclass(frozen=True)
class Verdict:
    basis: StageRef | None
    """The stage whose interview the verdict scores (None: nothing answered yet)."""
    question_set: QuestionSetRef | None
    score: float | None
    band: str | None
    band_class: str
    coverage: float | None
    answered: int
    visible: int
    knocked_out: bool
    knockouts: tuple[KnockoutView, ...]
    evidence: Evidence | None
    headline: str


@dataclass(frozen=True)
class CriterionView:
    key: str
    met: bool
    text: str
    questions: tuple[str, ...]
    question_texts: tuple[str, ...] = ()
    """The questions' wording, in the same order (gate texts name questions by id)."""

    @property
    def names_questions(self) -> bool:
        """Worth showing the wording: an open criterion, or evidence seen for a question."""
        return not self.met or self.key.startswith("verified:")


@dataclass(frozen=True)
class GateView:
    stage: StageRef
    next_stage: StageRef | None
    title: str
    """"Gate to Going steady", or "Commitment gate" at the last stage."""
    passed: bool
    criteria: tuple[CriterionView, ...]
    summary: str


@dataclass(frozen=True)
class FitView:
    """One direction of fit: how well they fit us, or how well we can serve them."""

    direction: str
    title: str
    score: float | None
    band_class: str
    sections: int


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    direction: str
    direction_title: str
    weight: float
    score: float | None
    band_class: str
    coverage: float | None
    answered: int
    visible: int


@dataclass(frozen=True)
class Finding:
    """A strength or a risk, traceable to the question and the answer behind it."""

    kind: str
    """strength | knockout | unanswered | unverified | low_score | support_cost | onboarding
    | review_due."""
    text: str
    question_id: str | None = None
    question: str | None = None
    answer: str | None = None
    section: str | None = None
    stage: StageRef | None = None
    points: float | None = None
    max: float | None = None
    source: str | None = None
    note: str = ""


@dataclass(frozen=True)
class AnswerView:
    question_id: str
    question: str
    type: str
    state: str
    """answered | unknown | declined | unanswered."""
    value: Any
    answer: str
    points: float | None
    max: float
    weight: float
    contribution: float | None
    source: str | None
    note: str
    answered_at: datetime | None
    by: str
    required: bool
    needs_evidence: bool
    """The set or the gate asks for evidence and the answer is not verified."""
    unverified_in_score: bool
    """The answer adds to the score but rests on a claim or an estimate."""
    knockout: str | None


@dataclass(frozen=True)
class SectionAnswers:
    id: str
    title: str
    direction: str
    score: float | None
    answered: int
    visible: int
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class InterviewView:
    id: str
    stage: StageRef
    kind: str
    status: str
    interviewer: str
    started_at: datetime
    completed_at: datetime | None
    question_set: QuestionSetRef | None
    score: float | None
    band: str | None
    band_class: str
    coverage: float | None
    answered: int
    visible: int
    notes: str
    sections: tuple[SectionAnswers, ...]
    warning: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    label: str
    text: str
    from_stage: StageRef | None
    to_stage: StageRef | None
    overridden: bool
    reason: str
    by: str
    unmet: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewView:
    """The latest relationship review of a committed partner."""

    at: datetime
    stage: StageRef
    score: float | None
    band: str | None
    band_class: str
    outcome: str | None
    support_cost: rules.CostCheck
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class ProspectReport:
    """Everything the fit report of one prospect says."""

    generated_at: datetime
    header: Header
    verdict: Verdict
    gate: GateView | None
    fit: tuple[FitView, ...]
    sections: tuple[SectionView, ...]
    strengths: tuple[Finding, ...]
    risks: tuple[Finding, ...]
    interviews: tuple[InterviewView, ...]
    timeline: tuple[TimelineEntry, ...]
    review: ReviewView | None
    next_step: str
    warnings: tuple[str, ...] = ()
    schema: str = SCHEMA
    agenda: tuple[AgendaItem, ...] = ()
    """What to ask at the next meeting, most useful first (see qualify.core.agenda)."""
    comparison: ComparisonView | None = None
    """The prospect beside the typical answers of your best committed partners."""


@dataclass(frozen=True)
class GapView:
    question_id: str
    question: str
    prospect: str
    ideal: str
    impact: float
    """Points of the overall score between the prospect's answer and the ideal one."""
    knockout: str | None


@dataclass(frozen=True)
class SectionGapView:
    title: str
    prospect: float | None
    ideal: float | None
    delta: float | None


@dataclass(frozen=True)
class ComparisonView:
    """Where the prospect differs from the partners you wish you had more of."""

    label: str
    question_set: str
    partners: int
    prospect_score: float | None
    ideal_score: float | None
    sections: tuple[SectionGapView, ...]
    gaps: tuple[GapView, ...]


@dataclass(frozen=True)
class PortfolioRow:
    rank: int | None
    id: str
    name: str
    territory: str
    kind: str
    kind_label: str
    stage: StageRef
    status: str
    status_label: str
    score: float | None
    band: str | None
    band_class: str
    knocked_out: bool
    coverage: float | None
    gate_passed: bool | None
    next_step: str
    reason: str
    """Why declined or on hold (the latest such entry of the history)."""
    recontact_on: date | None
    due: bool
    """Just friends whose re-contact date has come."""
    support_cost: rules.CostCheck | None
    updated_at: datetime


@dataclass(frozen=True)
class StageGroup:
    stage: StageRef
    rows: tuple[PortfolioRow, ...]


@dataclass(frozen=True)
class FunnelStep:
    stage: StageRef
    reached: int
    """Prospects who got at least this far (whatever happened to them since)."""
    here: int
    """Active or committed at this stage now."""
    on_hold: int
    declined: int


@dataclass(frozen=True)
class DeclineReason:
    reason: str
    count: int
    stages: tuple[str, ...]


@dataclass(frozen=True)
class TerritoryLoad:
    territory: str
    committed: int
    about_to_commit: int
    capacity: int | None
    status: str
    message: str
    support_hours: float | None
    """Technical support hours a month, summed over the committed partners' latest reviews."""
    over_cost: int
    """Committed partners whose latest review shows support beyond the revenue."""


@dataclass(frozen=True)
class CostConcern:
    row: PortfolioRow
    reasons: tuple[str, ...]
    reviewed_at: datetime
    outcome: str | None


@dataclass(frozen=True)
class PortfolioReport:
    """The territory portfolio: ranking, funnel, capacity and partners to fix."""

    generated_at: datetime
    territory: str | None
    total: int
    groups: tuple[StageGroup, ...]
    just_friends: tuple[PortfolioRow, ...]
    parted_ways: tuple[PortfolioRow, ...]
    funnel: tuple[FunnelStep, ...]
    decline_reasons: tuple[DeclineReason, ...]
    territories: tuple[TerritoryLoad, ...]
    cost_concerns: tuple[CostConcern, ...]
    capacity_source: str
    warnings: tuple[str, ...] = ()
    schema: str = SCHEMA

    @property
    def rows(self) -> tuple[PortfolioRow, ...]:
        """Every prospect once: the stages in order, then just friends, then parted ways."""
        ranked = tuple(r for g in self.groups for r in g.rows)
        return ranked + self.just_friends + self.parted_ways


# ============================================================ the inputs


@dataclass(frozen=True)
class ProspectRecords:
    """What the store holds about one prospect."""

    prospect: Prospect
    interviews: tuple[Interview, ...]
    history: tuple[HistoryEntry, ...]


@dataclass
class Snapshots:
    """Question sets as asked, by content hash, with a note when one had to be replaced."""

    sets: dict[str, QuestionSet] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    def get(self, content_hash: str) -> QuestionSet | None:
        return self.sets.get(content_hash)


def load_snapshots(store: Store, catalog: Catalog, interviews: Iterable[Interview]) -> Snapshots:
    """Parse each interview's snapshot once; fall back to today's set only when one is lost."""
    found = Snapshots()
    for interview in interviews:
        digest = interview.questionnaire_hash
        if digest in found.sets or digest in found.warnings:
            continue
        try:
            found.sets[digest] = QuestionSet.model_validate(store.get_snapshot(digest))
            continue
        except QualifyError:
            pass
        except ValueError as exc:  # a snapshot that no longer parses
            found.warnings[digest] = f"snapshot {digest[:12]} unreadable ({one_line(str(exc))})"
        current = catalog.question_sets.get(interview.questionnaire_id)
        if current is not None:
            found.sets[digest] = current
            found.warnings.setdefault(
                digest,
                f"the snapshot of {interview.questionnaire_id} v{interview.questionnaire_version} "
                f"is missing; scored against today's v{current.version}",
            )
        else:
            found.warnings.setdefault(
                digest,
                f"the snapshot of {interview.questionnaire_id} v{interview.questionnaire_version} "
                "is missing and the set no longer exists: its answers are not scored",
            )
    return found


def collect(store: Store, prospect_id: str) -> ProspectRecords:
    """One prospect's records; NotFound (one clear line) for an unknown id."""
    prospect = store.get_prospect(store.resolve_id(prospect_id))
    interviews = sorted(store.interviews(prospect.id), key=lambda i: i.started_at)
    history = sorted(store.history(prospect.id), key=lambda h: h.at)
    return ProspectRecords(prospect, tuple(interviews), tuple(history))


def _pipeline(catalog: Catalog) -> Pipeline:
    if catalog.pipeline is None:
        problems = getattr(catalog, "problems", None) or []
        detail = f": {problems[0]}" if problems else ""
        raise ReportError(f"no valid pipeline.yaml in the active question sets{detail}")
    return catalog.pipeline


# ============================================================ assessment


def answer_values(interview: Interview) -> dict[str, Any]:
    """The answers that score: only those in the `answered` state (as the workflow does)."""
    return interview.scoring_values()


def _sources(interview: Interview) -> dict[str, str]:
    return {q: r.source for q, r in interview.answers.items() if r.state == "answered"}


@dataclass(frozen=True)
class _Scored:
    interview: Interview
    question_set: QuestionSet | None
    breakdown: ScoreBreakdown | None
    values: dict[str, Any]


class _Context:
    """Per-build lookups: stage titles, the clock, the time zone."""

    def __init__(
        self, catalog: Catalog, snapshots: Snapshots, now: datetime | None, tz: tzinfo | None
    ) -> None:
        self.catalog = catalog
        self.pipeline = _pipeline(catalog)
        self.snapshots = snapshots
        self.tz = tz
        self.now = self.local(now or datetime.now(UTC))
        self.today = self.now.date()
        self.stage_index = {s.id: i for i, s in enumerate(self.pipeline.stages)}
        review = self.pipeline.review
        self.titles = {s.id: s.title for s in self.pipeline.stages}
        if review is not None:
            self.titles[review.id] = review.title
        self._scored: dict[str, _Scored] = {}

    def local(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.tz)

    def local_opt(self, value: datetime | None) -> datetime | None:
        return None if value is None else self.local(value)

    def ref(self, stage_id: str | None) -> StageRef | None:
        if stage_id is None:
            return None
        return StageRef(stage_id, self.titles.get(stage_id, stage_id))

    def sref(self, stage_id: str) -> StageRef:
        return StageRef(stage_id, self.titles.get(stage_id, stage_id))

    def scored(self, interview: Interview) -> _Scored:
        key = f"{interview.id}:{interview.updated_at.isoformat()}"
        hit = self._scored.get(key)
        if hit is None:
            qs = self.snapshots.get(interview.questionnaire_hash)
            values = answer_values(interview)
            breakdown = score(qs, values) if qs is not None else None
            hit = _Scored(interview, qs, breakdown, values)
            self._scored[key] = hit
        return hit

    def qs_ref(self, interview: Interview) -> QuestionSetRef | None:
        qs = self.snapshots.get(interview.questionnaire_hash)
        if qs is None:
            return None
        current = self.catalog.question_sets.get(qs.id)
        current_version = current.version if current is not None else None
        return QuestionSetRef(
            id=qs.id,
            version=interview.questionnaire_version,
            title=qs.title,
            hash=interview.questionnaire_hash,
            stage=self.sref(interview.stage),
            current_version=(
                current_version if current_version != interview.questionnaire_version else None
            ),
        )


@dataclass(frozen=True)
class _Assessment:
    """Where one prospect stands: the basis of its verdict, its gate, its latest review."""

    records: ProspectRecords
    current: _Scored | None
    """The latest interview of the prospect's current stage."""
    basis: _Scored | None
    """The interview the verdict scores: the current one if answered, else the latest answered."""
    stage: Stage | None
    gate: GateResult | None
    gate_breakdown: ScoreBreakdown | None
    gate_set: QuestionSet | None
    review: _Scored | None
    cost: rules.CostCheck | None
    committed_at: datetime | None
    next_step: str
    reason: str


def _has_answers(scored: _Scored) -> bool:
    return bool(scored.values)


def _latest_reason(history: Iterable[HistoryEntry], actions: set[str]) -> str:
    found = [h for h in history if h.action in actions]
    return one_line(found[-1].reason) if found else ""


def _assess(records: ProspectRecords, ctx: _Context) -> _Assessment:
    prospect = records.prospect
    pipeline = ctx.pipeline
    scored = [ctx.scored(i) for i in records.interviews]
    stage_runs = [s for s in scored if s.interview.stage == prospect.stage]
    current = stage_runs[-1] if stage_runs else None
    if current is not None and _has_answers(current) and current.breakdown is not None:
        basis: _Scored | None = current
    else:
        answered = [s for s in scored if _has_answers(s) and s.breakdown is not None]
        basis = answered[-1] if answered else None

    stage = pipeline.stage_map.get(prospect.stage)
    gate = gate_breakdown = gate_set = None
    if stage is not None and prospect.status != ProspectStatus.declined:
        nxt = pipeline.next_stage(stage.id)
        if current is not None and current.breakdown is not None and current.question_set:
            gate_set, gate_breakdown = current.question_set, current.breakdown
            sources = _sources(current.interview)
        else:
            gate_set = ctx.catalog.question_sets.get(stage.questionnaire)
            gate_breakdown = score(gate_set, {}) if gate_set is not None else None
            sources = {}
        if gate_set is not None and gate_breakdown is not None:
            gate = evaluate_gate(stage, gate_set, gate_breakdown, sources=sources, next_stage=nxt)

    reviews = [s for s in scored if s.interview.kind == "review" and s.breakdown is not None]
    review = reviews[-1] if reviews else None
    cost = None
    if review is not None and review.question_set is not None and review.breakdown is not None:
        cost = rules.support_exceeds_revenue(review.question_set, review.breakdown, review.values)

    last_stage = pipeline.stages[-1].id
    commits = [h for h in records.history if h.action == "advance" and h.to_stage == last_stage]
    committed_at = commits[-1].at if commits else None

    reason = ""
    if prospect.status == ProspectStatus.declined:
        reason = _latest_reason(records.history, {"decline"})
    elif prospect.status == ProspectStatus.on_hold:
        reason = _latest_reason(records.history, {"hold"})

    assessment = _Assessment(
        records=records,
        current=current,
        basis=basis,
        stage=stage,
        gate=gate,
        gate_breakdown=gate_breakdown,
        gate_set=gate_set,
        review=review,
        cost=cost,
        committed_at=committed_at,
        next_step="",
        reason=reason,
    )
    return replace(assessment, next_step=_next_step(assessment, ctx))


def _review_due(a: _Assessment, ctx: _Context) -> date | None:
    review_stage = ctx.pipeline.review
    if review_stage is None:
        return None
    interval = timedelta(days=review_stage.interval_days)
    if a.review is not None:
        last = a.review.interview.completed_at or a.review.interview.updated_at
        return ctx.local(last + interval).date()
    if a.committed_at is not None:
        return ctx.local(a.committed_at + interval).date()
    return None


def _outcome(review: _Scored) -> str | None:
    """The review's decision (grow / fix / part ways), as its option label."""
    qs = review.question_set
    if qs is None or "outcome" not in qs.questions:
        return None
    value = review.values.get("outcome")
    return None if value is None else answer_text(qs.questions["outcome"], value)


def _next_step(a: _Assessment, ctx: _Context) -> str:
    """The one thing to do next, in the words of the method."""
    p = a.records.prospect
    if p.status == ProspectStatus.declined:
        why = f" ({a.reason})" if a.reason else ""
        return f"Parted ways{why}. Reopen only if the reason no longer holds."
    if p.status == ProspectStatus.on_hold:
        if p.recontact_on is None:
            return "Just friends: agree a date to call again."
        if p.recontact_on <= ctx.today:
            return f"Just friends: due for a call (re-contact date {fmt_date(p.recontact_on)})."
        return f"Just friends: call again on {fmt_date(p.recontact_on)}."
    if p.status == ProspectStatus.committed:
        if a.review is not None:
            outcome = a.review.values.get("outcome")
            if outcome == "part_ways":
                return "Part ways under the exit terms, as the latest review decided."
            if a.cost is not None and a.cost.flagged:
                return (
                    "Counselling: the partner consumes more support than the revenue it creates "
                    f"({'; '.join(a.cost.reasons)}): agree an improvement plan or part ways."
                )
            if outcome == "fix":
                return "Counselling: follow the improvement plan and review again at its deadline."
        if a.stage is not None and a.gate is not None and not a.gate.passed and a.current:
            step = next_step(a.stage, a.gate, a.current.breakdown, a.current.question_set)
            step = step.removeprefix("Keep dating: ")
            return f"Settling in: finish onboarding — {step}."
        due = _review_due(a, ctx)
        if due is not None:
            word = "overdue since" if due < ctx.today else "due on"
            return f"Keep the relationship measured: next review {word} {fmt_date(due)}."
        return "Keep the relationship measured with regular reviews."
    if a.stage is None:
        return f"Stage {p.stage!r} is not in the pipeline: move the prospect to a known stage."
    if a.current is None or not _has_answers(a.current):
        qs = a.gate_set
        if qs is None:
            return f"Book the {a.stage.title} conversation."
        required = sum(1 for q in qs.questions.values() if q.required)
        return (
            f"Book the {a.stage.title} conversation: {plural(len(qs.questions), 'question')} "
            f"to ask, {required} of them required."
        )
    if a.gate is None or a.gate_breakdown is None or a.gate_set is None:
        return "Keep dating."
    nxt = ctx.pipeline.next_stage(a.stage.id)
    return next_step(a.stage, a.gate, a.gate_breakdown, a.gate_set, nxt) + "."


# ======================================================= the prospect report


def _direction_title(direction: str) -> str:
    return DIRECTION_TITLES.get(direction, direction)


def _evidence(scored: _Scored) -> Evidence | None:
    sources = {qid: rec.source for qid, rec in scored.interview.answers.items()}
    shares = evidence_shares(scored.breakdown, sources)
    return Evidence(**shares) if shares is not None else None


def _interview_view(scored: _Scored, ctx: _Context, warning: str) -> InterviewView:
    interview = scored.interview
    qs, b = scored.question_set, scored.breakdown
    sections: list[SectionAnswers] = []
    if qs is not None and b is not None:
        stage = ctx.pipeline.stage_map.get(interview.stage)
        for s in b.sections:
            answers: list[AnswerView] = []
            for q in s.questions:
                rec = interview.answers.get(q.id)
                if not q.visible:
                    continue  # not asked of this prospect (or hidden by a later change)
                question = qs.questions.get(q.id)
                if q.answered:
                    state = "answered"
                elif rec is not None and rec.state != "answered":
                    state = rec.state
                else:
                    state = "unanswered"
                source = rec.source if rec is not None and q.answered else None
                needs = q.answered and source != "verified" and needs_evidence(stage, qs, q.id)
                answers.append(
                    AnswerView(
                        question_id=q.id,
                        question=q.text,
                        type=q.type,
                        state=state,
                        value=q.value if q.answered else None,
                        answer=answer_text(question, q.value) if q.answered else "",
                        points=q.points,
                        max=q.max,
                        weight=q.weight,
                        contribution=q.contribution,
                        source=source,
                        note=(rec.note if rec is not None else "").strip(),
                        answered_at=ctx.local_opt(rec.answered_at) if rec is not None else None,
                        by=rec.by if rec is not None else "",
                        required=q.required,
                        needs_evidence=needs,
                        unverified_in_score=bool(q.contribution) and source != "verified",
                        knockout=q.knockout,
                    )
                )
            if not s.shown and not answers:
                continue
            sections.append(
                SectionAnswers(
                    id=s.id,
                    title=s.title,
                    direction=s.direction,
                    score=s.score,
                    answered=s.answered,
                    visible=s.visible,
                    answers=tuple(answers),
                )
            )
    return InterviewView(
        id=interview.id,
        stage=ctx.sref(interview.stage),
        kind=interview.kind,
        status=interview.status,
        interviewer=interview.interviewer,
        started_at=ctx.local(interview.started_at),
        completed_at=ctx.local_opt(interview.completed_at),
        question_set=ctx.qs_ref(interview),
        score=b.score if b else None,
        band=b.band if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        coverage=b.coverage if b else None,
        answered=b.answered if b else 0,
        visible=b.visible if b else 0,
        notes=interview.notes.strip(),
        sections=tuple(sections),
        warning=warning,
    )


def _findings(a: _Assessment, ctx: _Context) -> tuple[list[Finding], list[Finding]]:
    """Strengths and risks of the verdict's interview, each traced to its question."""
    strengths: list[Finding] = []
    risks: list[Finding] = []
    basis = a.basis
    if basis is not None and basis.breakdown is not None and basis.question_set is not None:
        qs, b, interview = basis.question_set, basis.breakdown, basis.interview
        stage_ref = ctx.sref(interview.stage)
        lines = [(s, q) for s in b.sections for q in s.questions if q.visible]

        def finding(kind: str, text: str, s: Any, q: Any) -> Finding:
            rec = interview.answers.get(q.id)
            return Finding(
                kind=kind,
                text=text,
                question_id=q.id,
                question=q.text,
                answer=answer_text(qs.questions.get(q.id), q.value) if q.answered else None,
                section=s.title,
                stage=stage_ref,
                points=q.points,
                max=q.max or None,
                source=rec.source if rec is not None and q.answered else None,
                note=(rec.note if rec is not None else "").strip(),
            )

        scored = [(s, q) for s, q in lines if q.answered and q.points is not None and q.max]
        good = [(s, q) for s, q in scored if q.points / q.max >= rules.STRENGTH_RATIO]
        good.sort(key=lambda sq: (-(sq[1].contribution or 0), -sq[1].points / sq[1].max))
        for s, q in good[: rules.MAX_STRENGTHS]:
            text = f"earns {q.points:g} of {q.max:g} points"
            strengths.append(finding("strength", text, s, q))

        for hit in b.knockouts:
            for s, q in lines:
                if q.id == hit.question:
                    risks.append(finding("knockout", f"Deal-breaker: {one_line(hit.reason)}", s, q))
                    break
        for s, q in lines:
            if q.required and not q.answered:
                rec = interview.answers.get(q.id)
                state = rec.state if rec is not None else "unanswered"
                why = {
                    "unknown": "the prospect did not know yet",
                    "declined": "the prospect would not say",
                }.get(state, "not answered yet")
                risks.append(finding("unanswered", f"Required question open: {why}", s, q))
        stage = ctx.pipeline.stage_map.get(interview.stage)
        for s, q in lines:
            rec = interview.answers.get(q.id)
            if q.answered and needs_evidence(stage, qs, q.id):
                source = rec.source if rec is not None else "stated"
                if source != "verified":
                    text = f"Needs evidence: the answer is {source}, not verified"
                    risks.append(finding("unverified", text, s, q))
        low = [(s, q) for s, q in scored if q.points / q.max <= rules.RISK_RATIO]
        low.sort(key=lambda sq: (sq[1].points / sq[1].max, -sq[1].weight))
        listed = {r.question_id for r in risks}
        low = [(s, q) for s, q in low if q.id not in listed]
        for s, q in low[: rules.MAX_LOW_SCORES]:
            text = f"earns {q.points:g} of {q.max:g} points"
            risks.append(finding("low_score", text, s, q))

    p = a.records.prospect
    if a.cost is not None and a.cost.flagged and a.review is not None:
        risks.append(
            Finding(
                kind="support_cost",
                text="Consumes more support than the revenue it creates: "
                + "; ".join(a.cost.reasons),
                stage=ctx.sref(a.review.interview.stage),
            )
        )
    if (
        p.status == ProspectStatus.committed
        and a.committed_at is not None
        and a.gate is not None
        and not a.gate.passed
        and a.stage is not None
        and a.stage.id == ctx.pipeline.stages[-1].id
    ):
        days = (ctx.now - ctx.local(a.committed_at)).days
        if days > rules.ONBOARDING_DAYS:
            risks.append(
                Finding(
                    kind="onboarding",
                    text=f"Not activated {days} days after signing (onboarding should take "
                    f"about {rules.ONBOARDING_DAYS}): raise it now",
                    stage=ctx.sref(a.stage.id),
                )
            )
    if p.status == ProspectStatus.committed:
        due = _review_due(a, ctx)
        if due is not None and due < ctx.today:
            risks.append(
                Finding(
                    kind="review_due",
                    text=f"Relationship review overdue since {fmt_date(due)}",
                    stage=ctx.ref(ctx.pipeline.review.id if ctx.pipeline.review else None),
                )
            )
    return strengths, risks


def _timeline(a: _Assessment, ctx: _Context) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for h in a.records.history:
        src, dst = ctx.ref(h.from_stage), ctx.ref(h.to_stage)
        reason = one_line(h.reason)
        unmet: tuple[str, ...] = ()
        if h.gate and isinstance(h.gate.get("unmet"), list):
            unmet = tuple(one_line(str(u)) for u in h.gate["unmet"])
        where = (dst or src).title if (dst or src) else ""
        if h.action == "created":
            text = f"Added at {where}" if where else "Added"
        elif h.action == "advance":
            text = f"{src.title if src else '?'} → {dst.title if dst else '?'}"
            if h.overridden:
                text += f", gate overridden: {reason or 'no reason given'}"
            elif h.gate and h.gate.get("passed") is True:
                text += ", gate met"
        else:
            label = ACTION_LABELS.get(h.action, h.action)
            text = f"{label} at {where}" if where else label
            if reason:
                text += f": {reason}"
            if h.action == "rescore" and isinstance(h.details.get("old"), dict):
                old, new = h.details["old"], h.details.get("new") or {}
                text += (
                    f" — score {fmt_score(old.get('score'))} {old.get('band') or ''}".rstrip()
                    + f" → {fmt_score(new.get('score'))} {new.get('band') or ''}".rstrip()
                )
        if h.action == "created" and reason:
            text += f": {reason}"
        entries.append(
            TimelineEntry(
                at=ctx.local(h.at),
                action=h.action,
                label=ACTION_LABELS.get(h.action, h.action),
                text=text,
                from_stage=src,
                to_stage=dst,
                overridden=h.overridden,
                reason=reason,
                by=h.by,
                unmet=unmet if h.overridden else (),
            )
        )
    for interview in a.records.interviews:
        if interview.kind != "review":
            continue
        s = ctx.scored(interview)
        if s.breakdown is None:
            continue
        outcome = _outcome(s)
        text = f"Relationship review: {s.breakdown.band or 'not scored'}"
        if s.breakdown.score is not None:
            text += f" ({fmt_score(s.breakdown.score)})"
        if outcome:
            text += f", outcome {outcome}"
        entries.append(
            TimelineEntry(
                at=ctx.local(interview.completed_at or interview.updated_at),
                action="review",
                label=ACTION_LABELS["review"],
                text=text,
                from_stage=None,
                to_stage=ctx.sref(interview.stage),
                overridden=False,
                reason="",
                by=interview.interviewer,
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries


def _headline(a: _Assessment, ctx: _Context) -> str:
    basis = a.basis
    if basis is None or basis.breakdown is None:
        return "Not scored yet: no answers recorded."
    b = basis.breakdown
    where = ctx.sref(basis.interview.stage).title
    if b.knocked_out:
        return f"{b.band or 'Not a fit'} at {where}: " + "; ".join(
            one_line(k.reason) for k in b.knockouts
        )
    text = f"{b.band or 'No band'} at {where}: score {fmt_score(b.score)}"
    text += f", {b.answered} of {b.visible} questions answered"
    if basis is not a.current and a.stage is not None:
        text += f" (nothing answered yet at {a.stage.title})"
    return text + "."


def _question_text(qs: QuestionSet | None, question_id: str) -> str:
    question = qs.questions.get(question_id) if qs is not None else None
    return one_line(question.text) if question is not None else question_id


def _gate_view(a: _Assessment, ctx: _Context) -> GateView | None:
    gate = a.gate
    if gate is None or a.stage is None:
        return None
    nxt = ctx.ref(gate.next_stage_id)
    name = f"Gate to {nxt.title}" if nxt else f"{a.stage.title} gate"
    if gate.passed:
        summary = f"{name}: met."
    else:
        missing = len(gate.unmet)
        summary = f"{name}: not met ({plural(missing, 'criterion', 'criteria')} open)."
    return GateView(
        stage=ctx.sref(a.stage.id),
        next_stage=nxt,
        title=name,
        passed=gate.passed,
        criteria=tuple(
            CriterionView(
                c.key,
                c.met,
                one_line(c.text),
                tuple(c.questions),
                tuple(_question_text(a.gate_set, q) for q in c.questions),
            )
            for c in gate.criteria
        ),
        summary=summary,
    )


def _review_view(a: _Assessment, ctx: _Context) -> ReviewView | None:
    r = a.review
    if r is None or r.breakdown is None:
        return None
    due = _review_due(a, ctx)
    return ReviewView(
        at=ctx.local(r.interview.completed_at or r.interview.updated_at),
        stage=ctx.sref(r.interview.stage),
        score=r.breakdown.score,
        band=r.breakdown.band,
        band_class=band_class(r.question_set, r.breakdown.band, r.breakdown.knocked_out),
        outcome=_outcome(r),
        support_cost=a.cost or rules.CostCheck(False),
        due_on=due,
        overdue=due is not None and due < ctx.today,
    )


def build_prospect_report(
    records: ProspectRecords,
    catalog: Catalog,
    snapshots: Snapshots,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    partners: dict[str, list[dict[str, Any]]] | None = None,
) -> ProspectReport:
    """The fit report of one prospect. Pure: same records and clock, same report.

    `tz` is the time zone dates are shown in (default: the machine's local zone).
    `partners`: the answers of your best committed partners per question set, for the
    comparison with the ideal partner (left out when fewer than two answered the set).
    """
    ctx = _Context(catalog, snapshots, now, tz)
    a = _assess(records, ctx)
    p = records.prospect
    basis = a.basis
    b = basis.breakdown if basis is not None else None
    qs = basis.question_set if basis is not None else None

    knockouts: list[KnockoutView] = []
    if basis is not None and b is not None and qs is not None:
        for hit in b.knockouts:
            line = b.question(hit.question)
            knockouts.append(
                KnockoutView(
                    question_id=hit.question,
                    question=line.text if line else hit.question,
                    answer=answer_text(
                        qs.questions.get(hit.question), line.value if line else None
                    ),
                    reason=one_line(hit.reason),
                    stage=ctx.sref(basis.interview.stage),
                )
            )
    verdict = Verdict(
        basis=ctx.sref(basis.interview.stage) if basis is not None else None,
        question_set=ctx.qs_ref(basis.interview) if basis is not None else None,
        score=b.score if b else None,
        band=b.band if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        coverage=b.coverage if b else None,
        answered=b.answered if b else 0,
        visible=b.visible if b else 0,
        knocked_out=b.knocked_out if b else False,
        knockouts=tuple(knockouts),
        evidence=_evidence(basis) if basis is not None else None,
        headline=_headline(a, ctx),
    )
    fit: list[FitView] = []
    sections: list[SectionView] = []
    if b is not None:
        for direction, title in DIRECTION_TITLES.items():
            value = b.directions.get(direction)
            count = sum(1 for s in b.sections if s.direction == direction and s.visible)
            fit.append(FitView(direction, title, value, score_class(value, qs), count))
        for s in b.sections:
            if not s.shown:
                continue
            sections.append(
                SectionView(
                    id=s.id,
                    title=s.title,
                    direction=s.direction,
                    direction_title=_direction_title(s.direction),
                    weight=s.weight,
                    score=s.score,
                    band_class=score_class(s.score, qs),
                    coverage=s.coverage,
                    answered=s.answered,
                    visible=s.visible,
                )
            )
    strengths, risks = _findings(a, ctx)

    interviews = tuple(
        _interview_view(ctx.scored(i), ctx, snapshots.warnings.get(i.questionnaire_hash, ""))
        for i in records.interviews
    )
    used: dict[str, QuestionSetRef] = {}
    for view in interviews:
        if view.question_set is not None:
            used.setdefault(f"{view.stage.id}:{view.question_set.hash}", view.question_set)
    interviewers = tuple(
        dict.fromkeys(
            name
            for i in records.interviews
            for name in (i.interviewer, *(r.by for r in i.answers.values()))
            if name
        )
    )
    contacts = [i.completed_at or i.updated_at for i in records.interviews]
    header = Header(
        id=p.id,
        name=p.name,
        territory=p.territory,
        kind=p.kind.value,
        kind_label=KIND_LABELS.get(p.kind.value, p.kind.value),
        stage=ctx.sref(p.stage),
        status=p.status.value,
        status_label=STATUS_LABELS.get(p.status.value, p.status.value),
        owner=p.owner,
        interviewers=interviewers,
        created_at=ctx.local(p.created_at),
        updated_at=ctx.local(p.updated_at),
        last_contact=ctx.local(max(contacts)) if contacts else None,
        recontact_on=p.recontact_on,
        tags=tuple(p.tags),
        notes=p.notes.strip(),
        question_sets=tuple(used.values()),
    )
    warnings = tuple(
        dict.fromkeys(
            snapshots.warnings[i.questionnaire_hash]
            for i in records.interviews
            if i.questionnaire_hash in snapshots.warnings
        )
    )
    return ProspectReport(
        generated_at=ctx.now,
        header=header,
        verdict=verdict,
        gate=_gate_view(a, ctx),
        fit=tuple(fit),
        sections=tuple(sections),
        strengths=tuple(strengths),
        risks=tuple(risks),
        interviews=interviews,
        timeline=tuple(_timeline(a, ctx)),
        review=_review_view(a, ctx),
        next_step=a.next_step,
        warnings=warnings,
        agenda=_agenda(a),
        comparison=_comparison(a, partners or {}),
    )


MAX_GAPS = 5


def _comparison(a: _Assessment, partners: dict[str, list[dict[str, Any]]]) -> ComparisonView | None:
    basis = a.basis
    if basis is None or basis.question_set is None:
        return None
    qs = basis.question_set
    answers = partners.get(qs.id, [])
    if len(answers) < 2:
        return None
    ideal = ideal_from_partners(qs, answers)
    result = compare(qs, basis.values, ideal)
    gaps = [
        GapView(
            question_id=g.question_id,
            question=one_line(g.text),
            prospect=answer_text(qs.questions.get(g.question_id), g.left),
            ideal=answer_text(qs.questions.get(g.question_id), g.right),
            impact=g.impact,
            knockout=one_line(g.knockout) if g.knockout else None,
        )
        for g in result.answers
        if g.left is not None and g.right is not None
    ]
    return ComparisonView(
        label=f"your {len(answers)} best committed partners",
        question_set=qs.title,
        partners=len(answers),
        prospect_score=result.left.score,
        ideal_score=result.right.score,
        sections=tuple(
            SectionGapView(one_line(s.title), s.left, s.right, s.delta) for s in result.sections
        ),
        gaps=tuple(gaps[:MAX_GAPS]),
    )


def _agenda(a: _Assessment) -> tuple[AgendaItem, ...]:
    """Open items of the current stage's interview; none once the prospect is declined."""
    if a.records.prospect.status == ProspectStatus.declined or a.gate_set is None:
        return ()
    if a.gate_breakdown is None:
        return ()
    answers = a.current.interview.answers if a.current is not None else {}
    return build_agenda(a.gate_set, answers, a.gate_breakdown, a.stage).items


def prospect_report(
    store: Store,
    catalog: Catalog,
    prospect_id: str,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> ProspectReport:
    """Read one prospect (an id or an unambiguous prefix) from a store and build its report."""
    records = collect(store, prospect_id)
    snapshots = load_snapshots(store, catalog, records.interviews)
    partners = best_partner_answers(store, exclude=records.prospect.id)
    return build_prospect_report(records, catalog, snapshots, now=now, tz=tz, partners=partners)


# ========================================================== the portfolio


def _row(a: _Assessment, ctx: _Context, rank: int | None) -> PortfolioRow:
    p = a.records.prospect
    basis = a.basis
    b = basis.breakdown if basis is not None else None
    qs = basis.question_set if basis is not None else None
    # A prospect ranks on its current stage's interview; a committed partner on its review.
    if p.status == ProspectStatus.committed and a.review is not None:
        b, qs = a.review.breakdown, a.review.question_set
    elif basis is not a.current:
        b = None
    due = (
        p.status == ProspectStatus.on_hold
        and p.recontact_on is not None
        and p.recontact_on <= ctx.today
    )
    return PortfolioRow(
        rank=rank,
        id=p.id,
        name=p.name,
        territory=p.territory,
        kind=p.kind.value,
        kind_label=KIND_LABELS.get(p.kind.value, p.kind.value),
        stage=ctx.sref(p.stage),
        status=p.status.value,
        status_label=STATUS_LABELS.get(p.status.value, p.status.value),
        score=b.score if b else None,
        band=b.band if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        knocked_out=b.knocked_out if b else False,
        coverage=b.coverage if b else None,
        gate_passed=a.gate.passed if a.gate is not None else None,
        next_step=a.next_step,
        reason=a.reason,
        recontact_on=p.recontact_on,
        due=due,
        support_cost=a.cost if p.status == ProspectStatus.committed else None,
        updated_at=ctx.local(p.updated_at),
    )


def _rank_key(row: PortfolioRow) -> tuple[Any, ...]:
    """Best first: not knocked out, highest score, then the most complete, then by name."""
    return (
        row.knocked_out,
        row.score is None,
        -(row.score or 0.0),
        -(row.coverage or 0.0),
        row.name.casefold(),
        row.id,
    )


def build_portfolio_report(
    records: Iterable[ProspectRecords],
    catalog: Catalog,
    snapshots: Snapshots,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> PortfolioReport:
    """The territory portfolio (or one territory's). Pure: same records and clock, same report."""
    ctx = _Context(catalog, snapshots, now, tz)
    capacity = capacity or Capacity()
    pipeline = ctx.pipeline
    assessed = [
        _assess(r, ctx) for r in records if territory is None or r.prospect.territory == territory
    ]

    # Ranked per stage (active and committed), then just friends, then parted ways.
    order = [s.id for s in pipeline.stages]
    if pipeline.review is not None:
        order.append(pipeline.review.id)
    by_stage: dict[str, list[PortfolioRow]] = {sid: [] for sid in order}
    friends: list[PortfolioRow] = []
    parted: list[PortfolioRow] = []
    for a in assessed:
        status = a.records.prospect.status
        row = _row(a, ctx, None)
        if status == ProspectStatus.on_hold:
            friends.append(row)
        elif status == ProspectStatus.declined:
            parted.append(row)
        else:
            by_stage.setdefault(row.stage.id, []).append(row)
    groups = []
    for sid, rows in by_stage.items():
        rows.sort(key=_rank_key)
        ranked = tuple(_with_rank(r, n) for n, r in enumerate(rows, 1))
        groups.append(StageGroup(ctx.sref(sid), ranked))
    friends.sort(key=lambda r: (r.recontact_on or date.max, r.name.casefold(), r.id))
    parted.sort(key=lambda r: (r.updated_at, r.name.casefold(), r.id), reverse=True)

    # The funnel: how far prospects got, where they are, where they were let go.
    last = len(pipeline.stages)
    funnel: list[FunnelStep] = []
    reach = [ctx.stage_index.get(a.records.prospect.stage, last) for a in assessed]
    steps = [s.id for s in pipeline.stages]
    if pipeline.review is not None:
        steps.append(pipeline.review.id)  # committed partners past onboarding
    for i, stage_id in enumerate(steps):
        here = [a for a, r in zip(assessed, reach, strict=True) if r == i]
        funnel.append(
            FunnelStep(
                stage=ctx.sref(stage_id),
                reached=sum(1 for r in reach if r >= i),
                here=sum(
                    1
                    for a in here
                    if a.records.prospect.status
                    in (ProspectStatus.active, ProspectStatus.committed)
                ),
                on_hold=sum(1 for a in here if a.records.prospect.status == ProspectStatus.on_hold),
                declined=sum(
                    1 for a in here if a.records.prospect.status == ProspectStatus.declined
                ),
            )
        )
    reasons: dict[str, Counter[str]] = {}
    for row in parted:
        text = row.reason or "no reason recorded"
        reasons.setdefault(text, Counter())[row.stage.title] += 1
    decline_reasons = sorted(
        (
            DeclineReason(text, sum(c.values()), tuple(sorted(c, key=lambda t: (-c[t], t))))
            for text, c in reasons.items()
        ),
        key=lambda d: (-d.count, d.reason.casefold()),
    )

    # Support capacity per territory, and the partners who cost more than they bring.
    late = {s.id for s in pipeline.stages[-1 - rules.LATE_STAGES : -1]}
    names = {a.records.prospect.territory for a in assessed}
    if territory is None:
        names |= set(capacity.territories)
    else:
        names.add(territory)
    loads: list[TerritoryLoad] = []
    concerns: list[CostConcern] = []
    for a in assessed:
        p = a.records.prospect
        if p.status == ProspectStatus.committed and a.cost is not None and a.cost.flagged:
            review = a.review
            assert review is not None
            concerns.append(
                CostConcern(
                    row=_row(a, ctx, None),
                    reasons=a.cost.reasons,
                    reviewed_at=ctx.local(
                        review.interview.completed_at or review.interview.updated_at
                    ),
                    outcome=_outcome(review),
                )
            )
    for name in sorted(names, key=lambda t: (t == "", t.casefold())):
        mine = [a for a in assessed if a.records.prospect.territory == name]
        committed = [a for a in mine if a.records.prospect.status == ProspectStatus.committed]
        soon = sum(
            1
            for a in mine
            if a.records.prospect.status == ProspectStatus.active
            and a.records.prospect.stage in late
        )
        cap = capacity.for_territory(name)
        check = rules.capacity_check(name, len(committed), soon, cap)
        hours = [
            a.review.values.get(rules.SUPPORT_QUESTIONS[0])
            for a in committed
            if a.review is not None
        ]
        numbers = [h for h in hours if isinstance(h, int | float) and not isinstance(h, bool)]
        loads.append(
            TerritoryLoad(
                territory=name,
                committed=len(committed),
                about_to_commit=soon,
                capacity=cap,
                status=check.status,
                message=check.message,
                support_hours=float(sum(numbers)) if numbers else None,
                over_cost=sum(1 for a in committed if a.cost is not None and a.cost.flagged),
            )
        )
    concerns.sort(key=lambda c: (c.row.territory.casefold(), c.row.name.casefold(), c.row.id))
    warnings = tuple(dict.fromkeys(snapshots.warnings.values()))
    return PortfolioReport(
        generated_at=ctx.now,
        territory=territory,
        total=len(assessed),
        groups=tuple(groups),
        just_friends=tuple(friends),
        parted_ways=tuple(parted),
        funnel=tuple(funnel),
        decline_reasons=tuple(decline_reasons),
        territories=tuple(loads),
        cost_concerns=tuple(concerns),
        capacity_source=capacity.source,
        warnings=warnings,
    )


def _with_rank(row: PortfolioRow, rank: int) -> PortfolioRow:
    return replace(row, rank=rank)


def portfolio_report(
    store: Store,
    catalog: Catalog,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> PortfolioReport:
    """Read every prospect from a store and build the portfolio."""
    summaries = store.list_prospects()
    if territory is not None:
        summaries = [s for s in summaries if s.territory == territory]
    records = [collect(store, s.id) for s in summaries]
    snapshots = load_snapshots(store, catalog, (i for r in records for i in r.interviews))
    return build_portfolio_report(
        records, catalog, snapshots, capacity=capacity, territory=territory, now=now, tz=tz
    )
