"""The recommended next step at a stage, in the words of the method, derived from its gate.

* Knocked out: part ways, with the deal-breaker.
* Gate met: propose the next meeting.
* Something is really missing (required answers, coverage, too little for a verdict,
  evidence, an open red flag): keep dating, and say what to get first.
* Nothing is missing, and the prospect is still below the gate: the conversation has
  happened, so the step says so —
  - **part ways** when they do not fit us (their direction of fit, or one of its sections,
    is below the gate), with the reasons and what would have to change to reopen;
  - **hold** when a condition of the gate fails (the plan costs more to serve than it
    earns us, say): rework it, or stay just friends until it holds;
  - **just friends** when they fit us but we cannot serve them well enough yet (or only
    the overall score is short), with the reasons and when to reopen.

Sections say how to word their improvement (`improve:` in the set, e.g. "reduce the
support we would carry"), so a step never reads "strengthen Support load on us".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.aftercare import after_review
from qualify.core.breakdown import ScoreBreakdown, SectionScore
from qualify.core.gates import Criterion, GateResult, asked_questions
from qualify.core.phrase import Joined, Num, Phrase, and_list
from qualify.core.questionnaire.expressions import names, parse_condition
from qualify.core.questionnaire.model import Pipeline, QuestionSet, Section, Stage
from qualify.core.records import ProspectStatus

if TYPE_CHECKING:
    from qualify.core.assess import Assessment

__all__ = ["next_step", "prospect_step"]


def _params(c: Criterion | None) -> dict[str, Any]:
    """The figures and words of a criterion's sentence (none for an old plain text)."""
    return dict(getattr(c.text, "params", {})) if c is not None else {}


def _msgid(c: Criterion) -> str:
    return getattr(c.text, "msgid", "")


def _section_of(question_set: QuestionSet, section_id: str) -> Section | None:
    return next((s for s in question_set.sections if s.id == section_id), None)


def _weakest(breakdown: ScoreBreakdown, direction: str | None = None) -> SectionScore | None:
    """The section that costs the score most (weight × points lost), of one direction."""
    scored = [
        s
        for s in breakdown.sections
        if s.score is not None and s.weight > 0 and (direction is None or s.direction == direction)
    ]
    return max(
        scored, key=lambda s: (s.weight * (100 - (s.score or 0.0)), -(s.score or 0.0)), default=None
    )


def _improve(question_set: QuestionSet, section: SectionScore | None) -> str | None:
    if section is None:
        return None
    found = _section_of(question_set, section.id)
    if found is not None:
        return found.improvement
    return Phrase("strengthen {section}", section=section.title)


def _missing_steps(
    gate: GateResult, breakdown: ScoreBreakdown, question_set: QuestionSet
) -> list[str]:
    """What more answers or evidence would provide, first things first."""
    unmet = {c.key: c for c in gate.criteria if not c.met}
    steps: list[str] = []
    required = unmet.get("required")
    if required is not None:
        ids = list(required.questions)
        asked = asked_questions(question_set, ids)
        if len(ids) == 1:
            steps.append(Phrase("answer the required question {asked}", asked=asked))
        else:
            steps.append(Phrase("answer {n} required questions: {asked}", n=len(ids), asked=asked))
    unknown = [q for c in unmet.values() if c.key.startswith("require:") for q in c.questions]
    unknown = [q for q in dict.fromkeys(unknown) if question_set.resolve(q) is not None]
    if unknown and required is None:
        steps.append(Phrase("answer {asked}", asked=asked_questions(question_set, unknown)))
    open_sections = sorted(
        (s for s in breakdown.sections if s.visible > s.answered),
        key=lambda s: -(s.visible - s.answered),
    )
    if ("min_coverage" in unmet or "verdict_coverage" in unmet) and open_sections:
        top = open_sections[0]
        steps.append(
            Phrase("cover {section} — 1 question unanswered", section=top.title)
            if top.unanswered == 1
            else Phrase(
                "cover {section} — {n} questions unanswered", section=top.title, n=top.unanswered
            )
        )
    to_verify = [
        c.questions[0] for c in gate.criteria if not c.met and c.key.startswith("verified:")
    ]
    if len(to_verify) == 1:
        steps.append(Phrase("verify {asked}", asked=asked_questions(question_set, to_verify)))
    elif to_verify:
        asked = asked_questions(question_set, to_verify)
        steps.append(Phrase("verify {n} facts: {asked}", n=len(to_verify), asked=asked))
    flags = unmet.get("red_flags") or unmet.get("red_flags:held")
    if flags is not None:
        found = _params(flags)
        if "count" in found:
            steps.append(Phrase("settle with evidence the {count} still open: {listed}", **found))
        else:
            steps.append(
                "settle with evidence the " + flags.text.replace(" open: ", " still open: ")
            )
    return steps


_ORDER = {"min_section": 0, "min_direction": 1, "min_score": 2}


def _needs(c: Criterion) -> str:
    """A shortfall as "what 27 (needs 40)" (the criterion as it is when not a minimum)."""
    found = _params(c)
    if _msgid(c) == "{what} {value} below {need}":
        return Phrase("{what} {value} (needs {need})", **found)
    if _msgid(c) == "score {value} below {need}":
        return Phrase("score {value} (needs {need})", **found)
    return c.text


def _short(
    c: Criterion, question_set: QuestionSet, breakdown: ScoreBreakdown
) -> tuple[str, str | None, str | None]:
    """(the shortfall in words, the direction it belongs to, what would raise it)."""
    kind, _, name = c.key.partition(":")
    text = _needs(c)
    if kind == "min_direction":
        return text, name, _improve(question_set, _weakest(breakdown, name))
    if kind == "min_section":
        section = breakdown.section(name)
        direction = section.direction if section is not None else None
        return text, direction, _improve(question_set, section)
    if kind == "min_score":
        they = breakdown.directions.get("they_fit_us")
        we = breakdown.directions.get("we_fit_them")
        direction = "they_fit_us" if we is None or (they is not None and they <= we) else None
        return text, direction, _improve(question_set, _weakest(breakdown))
    return text, None, None


def _join(items: list[str]) -> Any:
    return and_list(list(dict.fromkeys(i for i in items if i))[:2])


def _overall(c: Criterion) -> str:
    """The overall score against the gate: "score 23; the gate needs 50"."""
    if _msgid(c) == "score {value} below {need}":
        return Phrase("score {value}; the gate needs {need}", **_params(c))
    return c.text


def _sentences(*parts: str | None) -> str:
    return Joined([p for p in parts if p], " ")


def _verdict(
    stage: Stage, gate: GateResult, breakdown: ScoreBreakdown, question_set: QuestionSet
) -> str:
    """Fully answered and still below the gate: part ways, hold, or just friends."""
    unmet = sorted(
        (c for c in gate.criteria if not c.met),
        key=lambda c: _ORDER.get(c.key.partition(":")[0], 3),
    )
    held = [c for c in unmet if c.key.startswith("require:")]
    judged = [c for c in unmet if not c.key.startswith("require:")]
    shorts = [_short(c, question_set, breakdown) for c in judged]
    overall = next((_overall(c) for c in unmet if c.key == "min_score"), None)
    detail = [
        text
        for c, (text, _, _) in zip(judged, shorts, strict=True)
        if not str(c.text).startswith("score ")
    ]
    reasons = Joined(detail) if detail else None
    theirs = [fix for _, direction, fix in shorts if direction == "they_fit_us" and fix]
    fixes = [fix for _, _, fix in shorts if fix]
    if any(direction == "they_fit_us" for _, direction, _ in shorts):
        why = reasons or Phrase("they do not fit us")
        first = (
            Phrase("Part ways ({overall}): {reasons}.", overall=overall, reasons=why)
            if overall
            else Phrase("Part ways: {reasons}.", reasons=why)
        )
        reopen = theirs or fixes
        again = Phrase("Reopen only if you can {fixes}.", fixes=_join(reopen)) if reopen else None
        return _sentences(first, again)
    if held:
        return _hold(stage, held, shorts, breakdown, question_set)
    why = reasons or Phrase("not enough for us yet")
    first = (
        Phrase("Just friends ({overall}): {reasons}.", overall=overall, reasons=why)
        if overall
        else Phrase("Just friends: {reasons}.", reasons=why)
    )
    again = (
        Phrase("Agree a date to call again, and reopen when you can {fixes}.", fixes=_join(fixes))
        if fixes
        else Phrase("Agree a date to call again.")
    )
    return _sentences(first, again)


def _hold(
    stage: Stage,
    held: list[Criterion],
    shorts: list[tuple[str, str | None, str | None]],
    breakdown: ScoreBreakdown,
    question_set: QuestionSet,
) -> str:
    """A condition of the gate fails (the plan costs more to serve than it earns us):
    hold, with the figures, and rework the plan or stay just friends."""
    found = rules.money(question_set, breakdown.values)
    if found is not None and found.exceeds:
        what = (
            Phrase(
                "it would cost {cost} a year to serve against {earnings} of margin its plan "
                "earns us, {ratio} of margin per euro of cost",
                cost=found.cost,
                earnings=found.earnings,
                ratio=Num(found.ratio, 2, fixed=True),
            )
            if found.ratio is not None
            else Phrase(
                "it would cost {cost} a year to serve against {earnings} of margin its plan "
                "earns us",
                cost=found.cost,
                earnings=found.earnings,
            )
        )
    else:
        what = Phrase(
            "not yet {conditions}",
            conditions=Joined(_params(c).get("condition", c.text) for c in held),
        )
    read = set()
    for c in held:
        n = int(c.key.partition(":")[2])
        if n < len(stage.gate.require):
            read |= {name.key for name in names(parse_condition(stage.gate.require[n].when))}
    others = [
        s
        for s in breakdown.sections
        if s.direction == "we_fit_them" and not any(q.id in read for q in s.questions)
    ]
    weakest = min(
        (s for s in others if s.score is not None and s.weight > 0),
        key=lambda s: s.score or 0.0,
        default=None,
    )
    fix = _improve(question_set, weakest)
    extra = [t for t, _, _ in shorts if not t.startswith("score ")]
    first = (
        Phrase(
            "Hold at {stage}: {what} ({also}).", stage=stage.title, what=what, also=Joined(extra)
        )
        if extra
        else Phrase("Hold at {stage}: {what}.", stage=stage.title, what=what)
    )
    then = (
        Phrase(
            "Rework the plan so it pays: {fix}, or grow the revenue it commits to — or stay "
            "just friends until it does.",
            fix=fix,
        )
        if fix
        else Phrase("Rework the plan so it pays — or stay just friends until it does.")
    )
    return _sentences(first, then)


def next_step(
    stage: Stage,
    gate: GateResult,
    breakdown: ScoreBreakdown,
    question_set: QuestionSet,
    next_stage: Stage | None = None,
) -> str:
    """The recommended next step in plain words, derived from the gate (see the module)."""
    if breakdown.knocked_out:
        if breakdown.knockouts:
            first = breakdown.knockouts[0]
            asked = asked_questions(question_set, [first.question])
            return Phrase(
                "Not a fit: confirm the deal-breaker ({reason}, at {asked}), then part ways "
                "with that reason",
                reason=first.reason,
                asked=asked,
            )
        return Phrase("Not a fit: confirm the deal-breaker, then part ways with the reason")

    if gate.passed:
        if next_stage is not None:
            return Phrase("Ready for {stage}: propose the next meeting", stage=next_stage.title)
        if gate.next_stage_id:
            return Phrase("Ready for {stage}: propose the next meeting", stage=gate.next_stage_id)
        return Phrase(
            "{stage} gate met: keep the relationship measured with regular reviews",
            stage=stage.title,
        )

    steps = _missing_steps(gate, breakdown, question_set)
    open_keys = {c.key.partition(":")[0] for c in gate.criteria if not c.met}
    if steps and open_keys == {"red_flags"}:
        held = next(c for c in gate.criteria if not c.met)
        found = _params(held)
        if "count" not in found:
            count, _, listed = held.text.partition(" open: ")
            found = {"count": count, "listed": listed}
        return Phrase(
            "Held at {stage} by {count}: settle each with evidence — {listed}.",
            stage=stage.title,
            **found,
        )
    if steps:
        return Phrase("Keep dating: {steps}", steps=Joined(steps))
    judged = ("min_score", "min_direction", "min_section", "require")
    if any(c.key.split(":")[0] in judged for c in gate.criteria if not c.met):
        return _verdict(stage, gate, breakdown, question_set)
    if gate.unmet:  # a criterion this function does not know: say it as the gate does
        return Phrase("Keep dating: {steps}", steps=Joined(gate.unmet))
    return Phrase("Keep dating: the {stage} gate is not met yet", stage=stage.title)


def prospect_step(a: Assessment, pipeline: Pipeline, today: date) -> str:
    """The one thing to do next for a prospect, in the words of the method: the
    assessment's `next_step` (its gate's step, or what its status asks)."""
    p = a.records.prospect
    if p.status == ProspectStatus.declined:
        if a.reason:
            return Phrase(
                "Parted ways ({reason}). Reopen only if the reason no longer holds.",
                reason=a.reason,
            )
        return Phrase("Parted ways. Reopen only if the reason no longer holds.")
    if p.status == ProspectStatus.on_hold:
        if p.recontact_on is None:
            return Phrase("Just friends: agree a date to call again.")
        if p.recontact_on <= today:
            return Phrase(
                "Just friends: due for a call (re-contact date {date}).", date=p.recontact_on
            )
        return Phrase("Just friends: call again on {date}.", date=p.recontact_on)
    if p.status == ProspectStatus.committed:
        if a.review is not None:
            after = after_review(a.reviews, a.review_costs, a.review_due)
            if after:
                return after
        if (
            a.stage is not None
            and a.gate is not None
            and not a.gate.passed
            and a.current is not None
            and a.current.breakdown is not None
            and a.current.question_set is not None
        ):
            step = next_step(a.stage, a.gate, a.current.breakdown, a.current.question_set)
            if getattr(step, "msgid", "") == "Keep dating: {steps}":
                step = step.params["steps"]  # type: ignore[attr-defined]
            if step.endswith("."):
                return Phrase("Settling in: finish onboarding — {step}", step=step)
            return Phrase("Settling in: finish onboarding — {step}.", step=step)
        if a.stage is not None and a.gate is not None and not a.gate.passed and a.current is None:
            # committed (an advance overridden, say) before the onboarding conversation:
            # the reviews start only once it is done (`advance` to them)
            return Phrase(
                "Settling in: finish onboarding — {step}", step=_book(a.stage, a.gate_set)
            )
        if a.stage is not None and a.gate is not None and a.gate.passed:
            if a.review_due:
                return Phrase(
                    "Onboarding complete: move on to the relationship reviews (advance); the "
                    "first review is due on {date}.",
                    date=a.review_due,
                )
            return Phrase("Onboarding complete: move on to the relationship reviews (advance).")
        if a.review_due is not None:
            if a.review_due < today:
                return Phrase(
                    "Keep the relationship measured: next review overdue since {date}.",
                    date=a.review_due,
                )
            return Phrase(
                "Keep the relationship measured: next review due on {date}.", date=a.review_due
            )
        return Phrase("Keep the relationship measured with regular reviews.")
    if a.stage is None:
        return Phrase(
            "Stage {stage} is not in the pipeline: move the prospect to a known stage.",
            stage=repr(p.stage),
        )
    if a.current is None or not a.current.has_answers:
        return _book(a.stage, a.gate_set)
    if a.gate is None or a.gate_breakdown is None or a.gate_set is None:
        return Phrase("Keep dating.")
    nxt = pipeline.next_stage(a.stage.id)
    step = next_step(a.stage, a.gate, a.gate_breakdown, a.gate_set, nxt)
    return step if step.endswith(".") else Joined([step, "."], "")


def _book(stage: Stage, qs: QuestionSet | None) -> str:
    """Book the stage's conversation, saying how much it asks."""
    if qs is None:
        return Phrase("Book the {stage} conversation.", stage=stage.title)
    required = sum(1 for q in qs.questions.values() if q.required)
    n = len(qs.questions)
    return (
        Phrase(
            "Book the {stage} conversation: 1 question to ask, {required} of them required.",
            stage=stage.title,
            required=required,
        )
        if n == 1
        else Phrase(
            "Book the {stage} conversation: {n} questions to ask, {required} of them required.",
            stage=stage.title,
            n=n,
            required=required,
        )
    )
