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
from qualify.core.phrase import Num, Phrase, and_list
from qualify.core.words import one_line

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
        if b.score is not None:
            score = Num(b.score, 1, fixed=True)
            found.append(Phrase("the partnership {band} ({score})", band=b.band, score=score))
        else:
            found.append(Phrase("the partnership {band}", band=b.band))
    if cost.flagged:
        found.append(
            Phrase("the partner consuming more than it earns ({reason})", reason=cost.reasons[0])
        )
    return and_list(found)


def after_review(
    reviews: Sequence[ScoredInterview],
    costs: Sequence[rules.CostCheck],
    review_due: date | None,
) -> str:
    """The step the reviews call for (see the module); "" when they call for none."""
    if not reviews:
        return ""
    review = reviews[-1]
    when = review.at
    outcome = review.values.get(rules.OUTCOME_QUESTION)
    b, qs = review.breakdown, review.question_set
    if outcome == rules.PART_WAYS:
        return Phrase("Part ways under the exit terms, as the latest review decided.")
    contradiction = rules.outcome_contradiction(qs, b, outcome)
    record = review.interview.answers.get(rules.OUTCOME_QUESTION)
    if contradiction and not (record is not None and record.note.strip()):
        return Phrase(
            "Review of {date}: {contradiction}. Give the reason (a note on the outcome) or "
            "change the outcome to fix or part ways.",
            date=when,
            contradiction=contradiction,
        )
    troubled = [trouble(r, c) for r, c in zip(reviews, costs, strict=True)]
    if troubled[-1] and len(troubled) > 1 and troubled[-2]:
        before = reviews[-2]
        if before.values.get(rules.OUTCOME_QUESTION) == rules.FIX:
            return Phrase(
                "Part ways: the improvement plan agreed on {agreed} did not work — the review "
                "of {date} still finds {trouble}. End the partnership under the exit terms, "
                "with that reason.",
                agreed=before.at,
                date=when,
                trouble=troubled[-1],
            )
    if b is not None and b.knocked_out:
        reasons = "; ".join(one_line(k.reason) for k in b.knockouts)
        return Phrase(
            "Part ways, or counselling at the very most: the review of {date} found a "
            "deal-breaker ({reasons}). Part ways under the exit terms unless it is put right "
            "at once, under a written improvement plan.",
            date=when,
            reasons=reasons,
        )
    if troubled[-1] and outcome != rules.FIX:
        return Phrase(
            "Counselling: the review of {date} finds {trouble}. Agree an improvement plan with "
            "owners and a date, and review again then — or part ways.",
            date=when,
            trouble=troubled[-1],
        )
    if outcome == rules.FIX or troubled[-1]:
        plan = review.values.get(rules.IMPROVEMENT_PLAN_QUESTION)
        if not (isinstance(plan, str) and plan.strip()):
            finds = (
                Phrase("finds {trouble}", trouble=troubled[-1])
                if troubled[-1]
                else Phrase("decided to fix the partnership")
            )
            if review_due is not None:
                return Phrase(
                    "Counselling: the review of {date} {finds}, but no improvement plan is "
                    "written down. Write it (what changes, who owns it, by when) and review "
                    "again on {due}.",
                    date=when,
                    finds=finds,
                    due=review_due,
                )
            return Phrase(
                "Counselling: the review of {date} {finds}, but no improvement plan is written "
                "down. Write it (what changes, who owns it, by when) and review again.",
                date=when,
                finds=finds,
            )
        if review_due is not None:
            return Phrase(
                "Counselling: follow the improvement plan and review again on {due}.",
                due=review_due,
            )
        return Phrase("Counselling: follow the improvement plan and review again.")
    return ""
