"""The judgement calls qualify makes, in one place, so they can be read and argued with.

Scores, bands, knock-outs and gates come from the question sets and
:mod:`qualify.core.scoring` / :mod:`qualify.core.gates`. What is decided here is what a
report *says* about them: which answers count as strengths or risks, when a
committed partner costs more support than the revenue it brings, and when a
territory's support capacity is stretched. ``docs/reports.md`` explains each
rule in words; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire.expressions import is_number
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoring import line_points

# ------------------------------------------------------------- strengths, risks

STRENGTH_RATIO = 0.75
"""An answer is a strength when it earns at least this share of its question's points."""

RISK_RATIO = 0.4
"""An answer is a risk when it earns at most this share of its question's points."""

MAX_STRENGTHS = 5
MAX_LOW_SCORES = 5
"""Reports list this many strengths and low-scoring answers at most (best / worst first)."""

# --------------------------------------------------------------- after-care

ONBOARDING_DAYS = 90
"""Settling in: a committed partner should be onboarded (its commitment gate met)
within this many days of signing; after that the report raises it as a risk."""

LATE_STAGES = 2
"""Prospects active in this many stages just before the last one (commitment) are
"about to commit": they count against a territory's support capacity in warnings."""

# ------------------------------------------------------- support cost vs revenue

REVENUE_QUESTION = "revenue_vs_plan"
"""Review question: revenue achieved, as a share of plan."""

SUPPORT_QUESTIONS = ("support_hours_month", "field_visits_quarter")
"""Review questions that measure the support a partner consumes."""

JUDGEMENT_QUESTION = "support_vs_revenue"
"""Review question where the reviewer says outright whether support is in proportion."""

JUDGEMENT_OVER = frozenset({"high_lagging"})
"""Answers to JUDGEMENT_QUESTION that mean "costs more than it brings"."""

REVENUE_LAGGING_RATIO = 0.5
"""Revenue lags when its answer earns less than half the question's points
(below 80 % of plan with the bundled bands)."""

SUPPORT_HEAVY_RATIO = 0.2
"""Support is heavy when a support answer earns at most a fifth of its points
(20+ hours a month, or 5+ field visits a quarter, with the bundled bands)."""


COST_QUESTION = "cost_to_serve"
"""Calculated question: the partner's yearly cost to serve, in money."""

EARNINGS_QUESTION = "margin_earned"
"""Calculated question: the gross margin the partner earns us in a year, in money."""

RATIO_QUESTION = "earnings_ratio"
"""Calculated question: margin earned per unit of cost to serve; below 1 it costs more
than it earns."""


@dataclass(frozen=True)
class CostCheck:
    """Whether a partner's latest review shows more support consumed than revenue created."""

    flagged: bool
    reasons: tuple[str, ...] = ()
    measured: bool = False
    """False when the review set has none of the questions the rule reads."""
    cost: str | None = None
    """The yearly cost to serve as shown (e.g. "24.6 k€"), when the set computes it."""
    earnings: str | None = None
    """The yearly margin earned as shown, when the set computes it."""


@dataclass(frozen=True)
class Money:
    """Cost to serve against what the partner earns us, as one interview computed them."""

    cost: str
    earnings: str
    ratio: float | None
    exceeds: bool
    """The partner costs more to serve than the margin it earns us."""

    @property
    def text(self) -> str:
        return (
            Phrase(
                "cost to serve {cost} a year against {earnings} of margin: costs more than it "
                "earns",
                cost=self.cost,
                earnings=self.earnings,
            )
            if self.exceeds
            else Phrase(
                "cost to serve {cost} a year against {earnings} of margin: earns more than it "
                "costs",
                cost=self.cost,
                earnings=self.earnings,
            )
        )


def money(question_set: QuestionSet, values: Mapping[str, Any]) -> Money | None:
    """Cost to serve against margin earned, when the set computes both (COST_QUESTION,
    EARNINGS_QUESTION) and both are known."""
    cost, earned = values.get(COST_QUESTION), values.get(EARNINGS_QUESTION)
    if not is_number(cost) or not is_number(earned):
        return None
    ratio = values.get(RATIO_QUESTION)
    ratio = float(ratio) if is_number(ratio) else (earned / cost if cost else None)
    return Money(
        _measure(question_set, COST_QUESTION, round(cost, 1)),
        _measure(question_set, EARNINGS_QUESTION, round(earned, 1)),
        ratio,
        earned < cost,
    )


def _ratio(question_set: QuestionSet, shown: Mapping[str, Any], question_id: str) -> float | None:
    """The share of its most points the question's line earns (`shown`: the breakdown's
    values); None when it is unanswered or earns none."""
    found = line_points(question_set, shown, question_id)
    return None if found is None else found[0] / found[1]


def _measure(question_set: QuestionSet, question_id: str, value: Any) -> str:
    question = question_set.questions.get(question_id)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    said = question.unit_for(value) if question is not None else None
    unit = f" {said}" if said else ""
    # 44,884 k€, not 44884 k€ (German: 44.884 k€)
    shown = Num(value, None, grouped=True) if isinstance(value, int | float) else value
    return Joined([shown, unit], "")


def support_exceeds_revenue(
    question_set: QuestionSet, breakdown: ScoreBreakdown, answers: Mapping[str, Any]
) -> CostCheck:
    """The rule for "consumes more support than the revenue it creates".

    A review flags the partner when either

    1. the reviewer judged it so (JUDGEMENT_QUESTION answered with one of
       JUDGEMENT_OVER), or
    2. the measures show it: revenue lags (REVENUE_LAGGING_RATIO) while at least
       one support measure is heavy (SUPPORT_HEAVY_RATIO).

    Ratios are read from the points the review set gives each answer, so an area
    manager who edits the bands in ``relationship-review.yaml`` moves the rule too.
    """
    reasons: list[str] = []
    measured = False
    judgement = answers.get(JUDGEMENT_QUESTION)
    if JUDGEMENT_QUESTION in question_set.questions:
        measured = measured or judgement is not None
        if judgement in JUDGEMENT_OVER:
            question = question_set.questions[JUDGEMENT_QUESTION]
            option = question.option_map.get(judgement)
            label = option.display if option is not None else str(judgement)
            reasons.append(Phrase("reviewer's judgement: {label}", label=label))
    shown = breakdown.values  # (a copy: read once)
    revenue = _ratio(question_set, shown, REVENUE_QUESTION)
    heavy: list[str] = []
    for qid in SUPPORT_QUESTIONS:
        ratio = _ratio(question_set, shown, qid)
        if ratio is not None:
            measured = True
            if ratio <= SUPPORT_HEAVY_RATIO:
                heavy.append(_measure(question_set, qid, answers.get(qid)))
    if revenue is not None:
        measured = True
        if revenue < REVENUE_LAGGING_RATIO and heavy:
            revenue_text = _measure(question_set, REVENUE_QUESTION, answers.get(REVENUE_QUESTION))
            reasons.append(
                Phrase(
                    "{support} of support against {revenue}",
                    support=Joined(heavy, " and "),
                    revenue=revenue_text,
                )
            )
    found = money(question_set, shown)
    if found is not None:
        measured = True
        if found.exceeds:
            reasons.insert(
                0,
                Phrase(
                    "costs {cost} a year to serve against {earnings} of margin",
                    cost=found.cost,
                    earnings=found.earnings,
                ),
            )
    return CostCheck(
        flagged=bool(reasons),
        reasons=tuple(reasons),
        measured=measured,
        cost=found.cost if found else None,
        earnings=found.earnings if found else None,
    )


# ------------------------------------------------------------- after a review

OUTCOME_QUESTION = "outcome"
"""Review question: grow, fix or part ways."""

GROW, FIX, PART_WAYS = "grow", "fix", "part_ways"

IMPROVEMENT_PLAN_QUESTION = "improvement_plan"
"""Review question: the improvement plan agreed (what changes, who owns it, by when)."""
PLAN_DATE_QUESTION = "plan_review_on"
"""Review question: the date the improvement plan is reviewed again (the next review)."""


def lowest_band(question_set: QuestionSet | None, breakdown: ScoreBreakdown | None) -> bool:
    """Knocked out, or in the lowest band of its set (e.g. *At risk*)."""
    if breakdown is None:
        return False
    if breakdown.knocked_out:
        return True
    if question_set is None or breakdown.band is None:
        return False
    bands = question_set.effective_bands
    return len(bands) > 1 and breakdown.band == bands[-1].label


def outcome_contradiction(
    question_set: QuestionSet | None, breakdown: ScoreBreakdown | None, outcome: Any
) -> str | None:
    """Why an outcome contradicts the review's score, in words; None when it does not.

    "Grow" (invest more) beside a knock-out or the lowest band (*At risk*) needs a
    reason, like an override of a gate: the score informs the decision, and a decision
    against it says why.
    """
    if outcome != GROW or not lowest_band(question_set, breakdown):
        return None
    assert breakdown is not None
    label = outcome
    if question_set is not None and OUTCOME_QUESTION in question_set.questions:
        option = question_set.questions[OUTCOME_QUESTION].option_map.get(outcome)
        label = option.display if option is not None else outcome
    where = breakdown.band or Phrase("the lowest band")
    if breakdown.score is None:
        return Phrase(
            "the outcome {label} contradicts the score: {band}", label=repr(label), band=where
        )
    return Phrase(
        "the outcome {label} contradicts the score: {band} ({score})",
        label=repr(label),
        band=where,
        score=Num(breakdown.score, 1, fixed=True),
    )


# ----------------------------------------------------------- support capacity

CapacityStatus = Literal["unset", "ok", "stretched", "full", "over"]


@dataclass(frozen=True)
class CapacityCheck:
    status: CapacityStatus
    message: str


def capacity_check(
    territory: str, committed: int, about_to_commit: int, capacity: int | None
) -> CapacityCheck:
    """Committed partners against the support capacity the area manager set.

    * over: more committed partners than the capacity — support is already thin;
    * full: exactly at capacity — recruit only to replace a partner;
    * stretched: committing the prospects in the late stages would exceed it;
    * ok: room for everyone in the pipeline; unset: no capacity given.
    """
    name = territory or Phrase("(no territory)")
    if capacity is None:
        return CapacityCheck(
            "unset",
            Phrase(
                "{name}: no support capacity set, so over-recruiting cannot be checked", name=name
            ),
        )
    if committed > capacity:
        return CapacityCheck(
            "over",
            Phrase(
                "{name}: {committed} committed partners for a support capacity of {capacity}: "
                "support is already spread too thin; fix or part with a partner before recruiting",
                name=name,
                committed=committed,
                capacity=capacity,
            ),
        )
    if committed == capacity:
        if about_to_commit:
            return CapacityCheck(
                "full",
                Phrase(
                    "{name}: at its support capacity of {capacity}: recruit only to replace a "
                    "partner; {more} more in the late stages would spread support too thin",
                    name=name,
                    capacity=capacity,
                    more=about_to_commit,
                ),
            )
        return CapacityCheck(
            "full",
            Phrase(
                "{name}: at its support capacity of {capacity}: recruit only to replace a partner",
                name=name,
                capacity=capacity,
            ),
        )
    if committed + about_to_commit > capacity:
        return CapacityCheck(
            "stretched",
            Phrase(
                "{name}: committing all {late} prospects in the late stages would exceed the "
                "support capacity of {capacity} by {over}: choose the best and let the others wait",
                name=name,
                late=about_to_commit,
                capacity=capacity,
                over=committed + about_to_commit - capacity,
            ),
        )
    return CapacityCheck(
        "ok", Phrase("{name}: room for {n} more partners", name=name, n=capacity - committed)
    )
