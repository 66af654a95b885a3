"""The view models of the reports: everything a fit report or the portfolio says, as
plain data.

Built by :mod:`qualify.reports.prospect` and :mod:`qualify.reports.portfolio` from the
core's :class:`~qualify.core.assess.Assessment`; the renderers (Markdown, HTML, JSON,
CSV) only format these, so every format says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qualify.core.agenda import AgendaItem
from qualify.core.records import NextMeeting
from qualify.core.rules import CostCheck

SCHEMA = "qualify.report/1"
"""The JSON report's schema id; bumped only when a field changes meaning or goes away."""


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
    next_meeting: NextMeeting | None = None


@dataclass(frozen=True)
class KnockoutView:
    question_id: str
    question: str
    answer: str
    reason: str
    stage: StageRef


@dataclass(frozen=True)
class Evidence:
    """Shares (0–1) of the score resting on answers of each source."""

    verified: float
    stated: float
    estimated: float
    observed: float = 0.0
    """The interviewer's judgement."""
    our_records: float = 0.0
    """Figures from our own systems (orders, support tickets)."""


@dataclass(frozen=True)
class RedFlagView:
    """A red flag raised at some stage, and whether it is still open."""

    id: str
    stage: StageRef
    question_id: str
    question: str
    answer: str
    reason: str
    status: str
    """open | cleared | overridden."""
    holds: str
    """Which gates it holds while open, in words."""
    cleared_by: tuple[str, ...] = ()
    waiting_for: tuple[str, ...] = ()
    override: str = ""


@dataclass(frozen=True)
class MoneyView:
    """Cost to serve against the margin the partner earns us, in money."""

    stage: StageRef
    cost: str
    earnings: str
    ratio: float | None
    exceeds: bool
    text: str


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
    provisional: bool = False
    """Too little answered for a verdict: the score stands, the band is withheld."""
    weight_answered: float | None = None
    """Share (0–1) of the visible scored weight answered."""


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
        """Worth showing the wording: an open criterion, or evidence seen for a question,
        whose text does not quote the questions already."""
        quoted = "“" in self.text or "„" in self.text  # (in_quotes, in any language)
        return (not self.met or self.key.startswith("verified:")) and not quoted


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
    undone: bool = False
    """A later `undo` entry took this one back (it stays in the history)."""


@dataclass(frozen=True)
class ReviewEntry:
    """One relationship review of the series."""

    number: int
    at: datetime
    stage: StageRef
    score: float | None
    band: str | None
    band_class: str
    knocked_out: bool
    outcome: str | None
    outcome_reason: str
    """The note given with an outcome (required when it contradicts the score)."""
    plan: str
    """The improvement plan, when the outcome was fix."""
    plan_due: date | None
    support_cost: CostCheck
    status: str
    """in_progress | complete."""


@dataclass(frozen=True)
class ReviewView:
    """The latest relationship review of a committed partner."""

    at: datetime
    stage: StageRef
    score: float | None
    band: str | None
    band_class: str
    outcome: str | None
    support_cost: CostCheck
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class AttachmentView:
    """An evidence file as a report lists it."""

    stage: StageRef
    question_id: str
    question: str
    """The question's text (its id when the set is not at hand)."""
    name: str
    size: int
    size_text: str
    sha256: str
    by: str
    at: datetime
    note: str
    superseded_by: str | None = None
    """The name of the newer file of the same question that supersedes it; None: current."""


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
    red_flags: tuple[RedFlagView, ...] = ()
    """Every red flag raised at any stage, open ones first."""
    reviews: tuple[ReviewEntry, ...] = ()
    """Every relationship review, oldest first."""
    money: MoneyView | None = None
    """Cost to serve against earnings, from the latest interview that computes both."""
    review_bands: tuple[tuple[float, str], ...] = ()
    """The review set's bands as (lowest score, label), for the trend chart."""
    attachments: tuple[AttachmentView, ...] = ()
    """Evidence files, oldest first (superseded ones too, marked)."""


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
    support_cost: CostCheck | None
    updated_at: datetime
    provisional: bool = False
    """Too little answered for a verdict: ranked apart, after those with one."""
    trend: tuple[float | None, ...] = ()
    """A committed partner's review scores, oldest first."""
    evidence_files: int = 0
    """Evidence files in force (`qualify attach`; a superseded one is not counted)."""
    evidence_latest: datetime | None = None
    """When the newest evidence file was attached (local time); None without any."""


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
    since: datetime | None = None
    """The first of the latest reviews in a row that flag it."""


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
