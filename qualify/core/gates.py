"""Stage gates: may a prospect move on to the next stage, and if not, what is missing.

Pure functions over a :class:`~qualify.core.questionnaire.model.Stage`, its question set
and a :class:`~qualify.core.scoring.ScoreBreakdown`. Every criterion is reported in
plain words ("score 42 below 50"), met or not, so the CLI, the TUI and the
history of a move all say the same thing. Always checked, whatever the gate says:
no knock-outs, and every visible required question answered. Then the gate's
``min_score``, ``min_coverage`` and ``verified`` questions, plus every answered
question marked ``verify: true``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.questionnaire.model import QuestionSet, Stage

__all__ = ["Criterion", "GateResult", "evaluate_gate", "next_step"]

VERIFIED = "verified"
"""The answer source that counts as evidence seen."""

TOLERANCE = 1e-9
"""Float noise allowed when comparing with a threshold: 49.99999999999999 meets 50."""


@dataclass(frozen=True)
class Criterion:
    """One condition of a gate, met or not, in words the area manager reads."""

    key: str
    """Stable id: knockouts, required, min_score, min_coverage or verified:<question id>."""
    met: bool
    text: str
    questions: tuple[str, ...] = ()
    """The questions involved (unanswered required ones, the one to verify, …)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "met": self.met,
            "text": self.text,
            "questions": list(self.questions),
        }


@dataclass(frozen=True)
class GateResult:
    """The gate of one stage: passed when every criterion is met."""

    stage_id: str
    next_stage_id: str | None
    passed: bool
    criteria: tuple[Criterion, ...]
    score: float | None = None
    coverage: float | None = None

    @property
    def unmet(self) -> list[str]:
        """What is still missing, one sentence per criterion."""
        return [c.text for c in self.criteria if not c.met]

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; stored with every move so the history says why it was allowed."""
        return {
            "stage": self.stage_id,
            "next_stage": self.next_stage_id,
            "passed": self.passed,
            "score": self.score,
            "coverage": self.coverage,
            "criteria": [c.to_dict() for c in self.criteria],
            "unmet": self.unmet,
        }


# ----------------------------------------------------------------------- wording


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _num(value: float, decimals: int = 0) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _meets(value: float, threshold: float) -> bool:
    return value >= threshold - TOLERANCE


def _shown_truthfully(value: float, threshold: float, scale: float = 1.0) -> str:
    """`value` × scale, rounded as little as needed to keep the comparison true.

    A score of 49.96 against 50 must not read "score 50 below 50".
    """
    passes = _meets(value, threshold)
    for decimals in range(4):
        shown = round(value * scale, decimals)
        if _meets(shown, threshold * scale) == passes:
            return _num(shown, decimals)
    return repr(value * scale)


def _asked(question_set: QuestionSet, ids: list[str], limit: int = 2) -> str:
    """Questions as they are asked, quoted: a next step a director can read without the
    question set at hand (`“Is the plan signed?”; “Who is the champion?” and 2 more`)."""
    shown = []
    for qid in ids[:limit]:
        found = question_set.resolve(qid)
        question = found[0] if found is not None else question_set.questions.get(qid)
        text = " ".join(question.text.split()) if question is not None else qid
        if found is not None and found[1] is not None:
            text = f"{text} (#{found[1] + 1})"
        shown.append(f"“{text[:69] + '…' if len(text) > 70 else text}”")
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return "; ".join(shown) + more


# ------------------------------------------------------------------------- gates


def _required_missing(
    question_set: QuestionSet, breakdown: ScoreBreakdown
) -> tuple[int, list[str]]:
    """(visible required questions, those of them unanswered)."""
    total = 0
    missing: list[str] = []
    for section in breakdown.sections:
        for q in section.questions:
            question = question_set.questions.get(q.id)
            required = q.required or (question is not None and question.required)
            if question is None or not required or not q.visible:
                continue
            total += 1
            if not q.answered:
                missing.append(q.answer_key)
    return total, missing


SOURCES: tuple[str, ...] = (VERIFIED, "stated", "estimated")
"""Where an answer came from, in the order reports and the app show the shares."""


def needs_evidence(stage: Stage | None, question_set: QuestionSet, question_id: str) -> bool:
    """The set (`verify: true`) or the stage's gate (`verified: [...]`) asks for evidence."""
    question = question_set.questions.get(question_id)
    in_gate = stage is not None and question_id in stage.gate.verified
    return bool((question is not None and question.verify) or in_gate)


def evidence_shares(
    breakdown: ScoreBreakdown | None, sources: Mapping[str, str]
) -> dict[str, float] | None:
    """Share (0–1) of the score resting on verified, stated and estimated answers, so a
    reader sees how much of a strong score is only the prospect's word.

    `sources` maps question id → source (missing: stated); None while nothing scores.
    """
    if breakdown is None or not breakdown.score:
        return None
    totals = dict.fromkeys(SOURCES, 0.0)
    for section in breakdown.sections:
        for q in section.questions:
            if q.contribution:
                source = sources.get(q.answer_key, "stated")
                totals[source if source in totals else "stated"] += q.contribution
    whole = sum(totals.values())
    if whole <= 0:
        return None
    return {k: v / whole for k, v in totals.items()}


def _to_verify(stage: Stage, question_set: QuestionSet, breakdown: ScoreBreakdown) -> list[str]:
    """Questions whose answers need evidence: the gate's list, then `verify: true` ones.

    A gate question that is hidden (not asked of this prospect) or that the
    interview's question set does not have is left out: it cannot be answered.
    An answered `verify: true` question counts; an unanswered one does not
    (required-ness and coverage take care of unanswered questions).
    """
    ids: list[str] = []
    for qid in stage.gate.verified:
        line = breakdown.question(qid)
        if line is not None and line.visible and qid not in ids:
            ids.append(qid)
    for section in breakdown.sections:
        for q in section.questions:
            question = question_set.questions.get(q.id)
            key = q.answer_key
            if question is not None and question.verify and q.answered and key not in ids:
                ids.append(key)
    return ids


def evaluate_gate(
    stage: Stage,
    question_set: QuestionSet,
    breakdown: ScoreBreakdown,
    *,
    sources: Mapping[str, str] | None = None,
    next_stage: Stage | None = None,
) -> GateResult:
    """Every criterion of the stage's gate, met or not, and whether it passes.

    `sources` maps question id → "stated" | "verified" | "estimated"; without it
    no answer counts as verified.
    """
    sources = sources or {}
    gate = stage.gate
    criteria: list[Criterion] = []

    # No knock-outs.
    if breakdown.knockouts:
        text = "Knocked out: " + "; ".join(
            f"{k.reason} ({_asked(question_set, [k.question])})" for k in breakdown.knockouts
        )
        criteria.append(
            Criterion(
                "knockouts",
                False,
                text,
                tuple(dict.fromkeys(k.question for k in breakdown.knockouts)),
            )
        )
    elif breakdown.knocked_out:  # knocked out without a named hit: still not a pass
        criteria.append(Criterion("knockouts", False, "Knocked out"))
    else:
        criteria.append(Criterion("knockouts", True, "No knock-outs"))

    # Every visible required question answered.
    total, missing = _required_missing(question_set, breakdown)
    if missing:
        asked = _asked(question_set, missing, 3)
        text = f"{_plural(len(missing), 'required question')} unanswered: {asked}"
        criteria.append(Criterion("required", False, text, tuple(missing)))
    elif total:
        text = (
            f"All {total} required questions answered"
            if total > 1
            else "1 required question answered"
        )
        criteria.append(Criterion("required", True, text))
    else:
        criteria.append(Criterion("required", True, "No required questions to answer"))

    # Minimum score.
    if gate.min_score is not None:
        need = _num(gate.min_score, 2)
        if breakdown.score is None:
            criteria.append(Criterion("min_score", False, f"no score yet (needs {need})"))
        else:
            ok = _meets(breakdown.score, gate.min_score)
            shown = _shown_truthfully(breakdown.score, gate.min_score)
            text = f"score {shown} ≥ {need}" if ok else f"score {shown} below {need}"
            criteria.append(Criterion("min_score", ok, text))

    # Minimum coverage.
    if gate.min_coverage is not None:
        need = _num(gate.min_coverage * 100, 1) + "%"
        coverage = breakdown.coverage
        if coverage is None:
            ok = gate.min_coverage <= 0
            text = f"nothing to answer (needs {need})"
            criteria.append(Criterion("min_coverage", ok, text))
        else:
            ok = _meets(coverage, gate.min_coverage)
            shown = _shown_truthfully(coverage, gate.min_coverage, 100) + "%"
            text = f"coverage {shown} ≥ {need}" if ok else f"coverage {shown} below {need}"
            criteria.append(Criterion("min_coverage", ok, text))

    # Evidence seen.
    for qid in _to_verify(stage, question_set, breakdown):
        line = breakdown.question(qid)
        answered = line is not None and line.answered
        source = sources.get(qid)
        asked = _asked(question_set, [qid])
        if answered and source == VERIFIED:
            criteria.append(Criterion(f"verified:{qid}", True, f"{asked} verified", (qid,)))
        elif answered:
            text = f"{asked} not verified yet ({source or 'stated'})"
            criteria.append(Criterion(f"verified:{qid}", False, text, (qid,)))
        else:
            text = f"{asked} unanswered; it needs a verified answer"
            criteria.append(Criterion(f"verified:{qid}", False, text, (qid,)))

    return GateResult(
        stage_id=stage.id,
        next_stage_id=next_stage.id if next_stage is not None else None,
        passed=all(c.met for c in criteria),
        criteria=tuple(criteria),
        score=breakdown.score,
        coverage=breakdown.coverage,
    )


# --------------------------------------------------------------------- next step


def next_step(
    stage: Stage,
    gate: GateResult,
    breakdown: ScoreBreakdown,
    question_set: QuestionSet,
    next_stage: Stage | None = None,
) -> str:
    """The recommended next step in plain words, derived from the gate.

    Knocked out → part ways with the reason; gate met → move on; otherwise what
    to do first: answer the required questions, cover the section with the most
    unanswered questions, verify what needs evidence, strengthen the weakest
    section.
    """
    if breakdown.knocked_out:
        if breakdown.knockouts:
            first = breakdown.knockouts[0]
            asked = _asked(question_set, [first.question])
            return (
                f"Not a fit: confirm the deal-breaker ({first.reason}, at {asked}), "
                "then part ways with that reason"
            )
        return "Not a fit: confirm the deal-breaker, then part ways with the reason"

    if gate.passed:
        if next_stage is not None:
            return f"Ready for {next_stage.title}: propose the next meeting"
        if gate.next_stage_id:
            return f"Ready for {gate.next_stage_id}: propose the next meeting"
        return f"{stage.title} gate met: keep the relationship measured with regular reviews"

    unmet = {c.key: c for c in gate.criteria if not c.met}
    steps: list[str] = []

    required = unmet.get("required")
    if required is not None:
        ids = list(required.questions)
        if len(ids) == 1:
            steps.append(f"answer the required question {_asked(question_set, ids)}")
        else:
            steps.append(f"answer {len(ids)} required questions: {_asked(question_set, ids)}")

    open_sections = sorted(
        (s for s in breakdown.sections if s.visible > s.answered),
        key=lambda s: -(s.visible - s.answered),
    )
    if ("min_coverage" in unmet or "min_score" in unmet) and open_sections:
        top = open_sections[0]
        n = top.visible - top.answered
        steps.append(f"cover {top.title} — {_plural(n, 'question')} unanswered")
    elif "min_score" in unmet:
        scored = [s for s in breakdown.sections if s.score is not None and s.weight > 0]
        if scored:
            weakest = min(scored, key=lambda s: s.score or 0.0)
            text = unmet["min_score"].text
            steps.append(f"strengthen {weakest.title} ({text})")
        else:
            steps.append(unmet["min_score"].text)

    to_verify = [
        c.questions[0] for c in gate.criteria if not c.met and c.key.startswith("verified:")
    ]
    if len(to_verify) == 1:
        steps.append(f"verify {_asked(question_set, to_verify)}")
    elif to_verify:
        steps.append(f"verify {len(to_verify)} facts: {_asked(question_set, to_verify)}")

    if not steps:  # a criterion this function does not know: say it as the gate does
        steps = gate.unmet
    if not steps:
        return f"Keep dating: the {stage.title} gate is not met yet"
    return "Keep dating: " + "; ".join(steps)
