"""After commitment: what a committed partner's series of relationship reviews calls for.

Every review is kept (oldest first); the step is judged on the series, not one snapshot:

* the latest review decided to part ways → part ways under the exit terms;
* its outcome contradicts its score ("Grow" at *At risk*) and no reason was given → give
  the reason or change the outcome;
* two reviews in a row call for counselling and the first agreed an improvement plan →
  the plan did not work: part ways;
* a knock-out at review (a serious breach) → part ways, or counselling at the very most;
* the lowest band, or a partner consuming more than it earns → counselling: an
  improvement plan with owners and a date (the next review is then on that date);
* otherwise nothing: the relationship is measured at the usual cadence.

Pure; the rules' thresholds live in :mod:`qualify.core.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.words import fmt_date, one_line

if TYPE_CHECKING:
    from qualify.core.assess import ScoredInterview

__all__ = ["after_review", "flagged_since", "review_plan_date", "trouble"]


def review_plan_date(values: Mapping[str, Any]) -> date | None:
    """The date an improvement plan set for the next review (a review answer)."""
    value = values.get(rules.PLAN_DATE_QUESTION)
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def flagged_since(
    reviews: Sequence[ScoredInterview], costs: Sequence[rules.CostCheck]
) -> datetime | None:
    """When the latest run of reviews that flag "consumes more than it earns" began (None
    when the latest review does not flag it)."""
    since = None
    for review, check in zip(reversed(reviews), reversed(costs), strict=True):
        if not check.flagged:
            break
        since = review.at
    return since


def trouble(review: ScoredInterview, cost: rules.CostCheck) -> str:
    """What calls for counselling in one review, in words ("" when nothing does)."""
    found: list[str] = []
    b = review.breakdown
    if b is not None and not b.knocked_out and rules.lowest_band(review.question_set, b):
        score = f" ({b.score:.1f})" if b.score is not None else ""
        found.append(f"the partnership {b.band}{score}")
    if cost.flagged:
        found.append(f"the partner consuming more than it earns ({cost.reasons[0]})")
    return " and ".join(found)


def after_review(
    reviews: Sequence[ScoredInterview],
    costs: Sequence[rules.CostCheck],
    review_due: date | None,
) -> str:
    """The step the reviews call for (see the module); "" when they call for none."""
    if not reviews:
        return ""
    review = reviews[-1]
    when = fmt_date(review.at)
    outcome = review.values.get(rules.OUTCOME_QUESTION)
    b, qs = review.breakdown, review.question_set
    if outcome == rules.PART_WAYS:
        return "Part ways under the exit terms, as the latest review decided."
    contradiction = rules.outcome_contradiction(qs, b, outcome)
    record = review.interview.answers.get(rules.OUTCOME_QUESTION)
    if contradiction and not (record is not None and record.note.strip()):
        return (
            f"Review of {when}: {contradiction}. Give the reason (a note on the outcome) or "
            "change the outcome to fix or part ways."
        )
    troubled = [trouble(r, c) for r, c in zip(reviews, costs, strict=True)]
    if troubled[-1] and len(troubled) > 1 and troubled[-2]:
        before = reviews[-2]
        if before.values.get(rules.OUTCOME_QUESTION) == rules.FIX:
            return (
                f"Part ways: the improvement plan agreed on {fmt_date(before.at)} did not "
                f"work — the review of {when} still finds {troubled[-1]}. End the partnership "
                "under the exit terms, with that reason."
            )
    if b is not None and b.knocked_out:
        reasons = "; ".join(one_line(k.reason) for k in b.knockouts)
        return (
            f"Part ways, or counselling at the very most: the review of {when} found a "
            f"deal-breaker ({reasons}). Part ways under the exit terms unless it is put right "
            "at once, under a written improvement plan."
        )
    if troubled[-1] and outcome != rules.FIX:
        return (
            f"Counselling: the review of {when} finds {troubled[-1]}. Agree an improvement "
            "plan with owners and a date, and review again then — or part ways."
        )
    if outcome == rules.FIX or troubled[-1]:
        due = f" on {fmt_date(review_due)}" if review_due is not None else ""
        plan = review.values.get(rules.IMPROVEMENT_PLAN_QUESTION)
        if not (isinstance(plan, str) and plan.strip()):
            found = f" finds {troubled[-1]}" if troubled[-1] else " decided to fix the partnership"
            return (
                f"Counselling: the review of {when}{found}, but no improvement plan is written "
                f"down. Write it (what changes, who owns it, by when) and review again{due}."
            )
        return f"Counselling: follow the improvement plan and review again{due}."
    return ""
