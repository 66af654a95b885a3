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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.expressions import names, parse_condition
from qualify.core.questionnaire.model import (
    ANSWER_SOURCES,
    EVIDENCE_SOURCES,
    QuestionSet,
    Stage,
)
from qualify.core.working import flat

if TYPE_CHECKING:
    from qualify.core.redflags import RedFlag

__all__ = ["Criterion", "GateResult", "evaluate_gate", "red_flags_counted"]

VERIFIED = "verified"
"""The answer source that says evidence was seen (our own records count as evidence too)."""

DIRECTION_WORDS: dict[str, str] = {
    "they_fit_us": Phrase("how well they fit us"),
    "we_fit_them": Phrase("how well we can serve them"),
}

SOURCE_WORDS: dict[str, str] = {
    "stated": Phrase("stated"),
    "estimated": Phrase("estimated"),
    "observed": Phrase("observed"),
    "verified": Phrase("verified"),
    "our_records": Phrase("our records"),
}
"""An answer's source inside a criterion ("not verified yet (stated)")."""

TOLERANCE = 1e-9
"""Float noise allowed when comparing with a threshold: 49.99999999999999 meets 50."""


@dataclass(frozen=True)
class Criterion:
    """One condition of a gate, met or not, in words the area manager reads."""

    key: str
    """Stable id: knockouts, required, red_flags (red_flags:held at a gate that does not
    ask for no open red flags), min_score, min_direction:<direction>,
    min_section:<section id>, require:<n>, verdict_coverage, min_coverage or
    verified:<question id>."""
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


def _meets(value: float, threshold: float) -> bool:
    return value >= threshold - TOLERANCE


def _shown_truthfully(value: float, threshold: float, scale: float = 1.0) -> Num:
    """`value` × scale, rounded as little as needed to keep the comparison true.

    A score of 49.96 against 50 must not read "score 50 below 50".
    """
    passes = _meets(value, threshold)
    for decimals in range(4):
        shown = round(value * scale, decimals)
        if _meets(shown, threshold * scale) == passes:
            return Num(shown, decimals)
    return Num(value * scale, None)


def _need(value: float, decimals: int = 2, below: Num | None = None) -> Num:
    """A threshold in words; when it blocks the value shown as `below`, with as many
    decimals as keep them apart: a minimum of 60.004 must not read "60 below 60"."""
    places = decimals
    while below is not None and places < 6 and round(value, places) <= below.value:
        places += 1
    return Num(value, places)


def _asked(question_set: QuestionSet, ids: list[str], limit: int = 2) -> Phrase:
    """Questions as they are asked, quoted: a next step a director can read without the
    question set at hand (`“Is the plan signed?”; “Who is the champion?” and 2 more`)."""
    shown = []
    for qid in ids[:limit]:
        found = question_set.resolve(qid)
        question = found[0] if found is not None else question_set.questions.get(qid)
        if question is None:  # another stage's question (`first-date.lines`): its id
            shown.append(qid)
            continue
        text = " ".join(question.text.split())
        if found is not None and found[1] is not None:
            text = f"{text} (#{found[1] + 1})"
        shown.append(f"“{text[:69] + '…' if len(text) > 70 else text}”")
    if len(ids) > limit:
        return Phrase("{asked} and {n} more", asked=Joined(shown), n=len(ids) - limit)
    return Joined(shown)


# ------------------------------------------------------------------------- gates


def _required_missing(
    question_set: QuestionSet, breakdown: ScoreBreakdown
) -> tuple[int, list[str]]:
    """(visible required questions, those of them unanswered)."""
    facts = breakdown.asked
    if facts is not None:
        return facts.required, list(facts.missing)
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


def _answered(breakdown: ScoreBreakdown, key: str) -> bool:
    """Whether the question (an answer key, or a repeated question's id: its first
    repeat) is shown and answered."""
    facts = breakdown.asked
    if facts is not None and key in facts.visible:
        return key in facts.answered
    line = breakdown.question(key)
    return line is not None and line.answered


SOURCES: tuple[str, ...] = (VERIFIED, "our_records", "observed", "stated", "estimated")
"""Where an answer came from, in the order reports and the app show the shares."""
assert set(SOURCES) == set(ANSWER_SOURCES)


def needs_evidence(stage: Stage | None, question_set: QuestionSet, question_id: str) -> bool:
    """The set (`verify: true`) or the stage's gate (`verified: [...]`) asks for evidence."""
    question = question_set.questions.get(question_id)
    in_gate = stage is not None and question_id in stage.gate.verified
    return bool((question is not None and question.verify) or in_gate)


def evidence_shares(
    breakdown: ScoreBreakdown | None, sources: Mapping[str, str]
) -> dict[str, float] | None:
    """Share (0–1) of the score resting on answers of each source (verified, our records,
    observed, stated, estimated), so a reader sees how much of a strong score is only
    the prospect's word.

    `sources` maps question id → source (missing: stated); None while nothing scores.
    """
    if breakdown is None or not breakdown.score:
        return None
    totals = dict.fromkeys(SOURCES, 0.0)
    for section in breakdown.sections:
        for q in section.questions:
            if q.contribution:
                source = sources.get(q.answer_key)  # none, or one we do not know: stated
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
    facts = breakdown.asked
    for qid in stage.gate.verified:
        shown = facts.visible.get(qid) if facts is not None else None
        if shown is None:  # a repeated question's id (its first repeat), or none at all
            line = breakdown.question(qid)
            shown = line is not None and line.visible
        if shown and qid not in ids:
            ids.append(qid)
    if facts is not None:
        ids.extend(key for key in facts.to_verify if key not in ids)
        return ids
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
    red_flags: Sequence[RedFlag] = (),
) -> GateResult:
    """Every criterion of the stage's gate, met or not, and whether it passes.

    `sources` maps question id → its answer's source; without it no answer counts as
    verified. `red_flags` are the open red flags that hold this gate (the assessment
    picks them: see qualify.core.redflags).
    """
    sources = sources or {}
    gate = stage.gate
    criteria: list[Criterion] = []

    # No knock-outs.
    if breakdown.knockouts:
        text = Phrase(
            "Knocked out: {reasons}",
            reasons=Joined(
                Phrase(
                    "{reason} ({asked})", reason=k.reason, asked=_asked(question_set, [k.question])
                )
                for k in breakdown.knockouts
            ),
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
        criteria.append(Criterion("knockouts", False, Phrase("Knocked out")))
    else:
        criteria.append(Criterion("knockouts", True, Phrase("No knock-outs")))

    # Every visible required question answered.
    total, missing = _required_missing(question_set, breakdown)
    if missing:
        asked = _asked(question_set, missing, 3)
        text = (
            Phrase("1 required question unanswered: {asked}", asked=asked)
            if len(missing) == 1
            else Phrase("{n} required questions unanswered: {asked}", n=len(missing), asked=asked)
        )
        criteria.append(Criterion("required", False, text, tuple(missing)))
    elif total:
        text = (
            Phrase("All {n} required questions answered", n=total)
            if total > 1
            else Phrase("1 required question answered")
        )
        criteria.append(Criterion("required", True, text))
    else:
        criteria.append(Criterion("required", True, Phrase("No required questions to answer")))

    # No open red flag holding the gate.
    if red_flags:
        listed = Joined(f"{f.reason} ({f.set_id}: {f.key})" for f in red_flags)
        count = red_flags_counted(len(red_flags))
        text = Phrase("{count} open: {listed}", count=count, listed=listed)
        # an override of a gate that needs no open red flags accepts them for good; one
        # of another gate only lets the dating go on (they still hold the next gates)
        key = "red_flags" if gate.no_open_red_flags else "red_flags:held"
        criteria.append(Criterion(key, False, text, tuple(f.id for f in red_flags)))
    elif gate.no_open_red_flags:
        criteria.append(Criterion("red_flags", True, Phrase("No open red flags")))

    # Minimum score.
    if gate.min_score is not None:
        need = _need(gate.min_score)
        if breakdown.score is None:
            text = Phrase("no score yet (needs {need})", need=need)
            criteria.append(Criterion("min_score", False, text))
        else:
            ok = _meets(breakdown.score, gate.min_score)
            shown = _shown_truthfully(breakdown.score, gate.min_score)
            text = (
                Phrase("score {value} ≥ {need}", value=shown, need=need)
                if ok
                else Phrase(
                    "score {value} below {need}",
                    value=shown,
                    need=_need(gate.min_score, below=shown),
                )
            )
            criteria.append(Criterion("min_score", ok, text))

    criteria.extend(_fit_criteria(stage, question_set, breakdown))

    # Enough answered for a verdict.
    need_verdict = question_set.verdict_coverage
    if breakdown.provisional and need_verdict is not None:
        shown = _shown_truthfully(breakdown.weight_answered or 0.0, need_verdict, 100)
        text = Phrase(
            "too little answered for a verdict: {share} of the scored weight (needs {need}%)",
            share=Phrase("{value}%", value=shown),
            need=_need(need_verdict * 100, 1),
        )
        criteria.append(Criterion("verdict_coverage", False, text))

    # Minimum coverage.
    if gate.min_coverage is not None:
        need = _need(gate.min_coverage * 100, 1)
        coverage = breakdown.coverage
        if coverage is None:
            ok = gate.min_coverage <= 0
            text = Phrase("nothing to answer (needs {need}%)", need=need)
            criteria.append(Criterion("min_coverage", ok, text))
        else:
            ok = _meets(coverage, gate.min_coverage)
            shown = _shown_truthfully(coverage, gate.min_coverage, 100)
            text = (
                Phrase("coverage {value}% ≥ {need}%", value=shown, need=need)
                if ok
                else Phrase(
                    "coverage {value}% below {need}%",
                    value=shown,
                    need=_need(gate.min_coverage * 100, 1, below=shown),
                )
            )
            criteria.append(Criterion("min_coverage", ok, text))

    # Evidence seen.
    for qid in _to_verify(stage, question_set, breakdown):
        answered = _answered(breakdown, qid)
        source = sources.get(qid)
        asked = _asked(question_set, [qid])
        if answered and source in EVIDENCE_SOURCES:
            text = Phrase("{asked} verified", asked=asked)
            criteria.append(Criterion(f"verified:{qid}", True, text, (qid,)))
        elif answered:
            said = source or "stated"
            said = SOURCE_WORDS.get(said, said.replace("_", " "))
            text = Phrase("{asked} not verified yet ({source})", asked=asked, source=said)
            criteria.append(Criterion(f"verified:{qid}", False, text, (qid,)))
        else:
            text = Phrase("{asked} unanswered; it needs a verified answer", asked=asked)
            criteria.append(Criterion(f"verified:{qid}", False, text, (qid,)))

    return GateResult(
        stage_id=stage.id,
        next_stage_id=next_stage.id if next_stage is not None else None,
        passed=all(c.met for c in criteria),
        criteria=tuple(criteria),
        score=breakdown.score,
        coverage=breakdown.coverage,
    )


def _fit_criteria(
    stage: Stage, question_set: QuestionSet, breakdown: ScoreBreakdown
) -> list[Criterion]:
    """Minimum scores per direction of fit and per section, and the gate's conditions."""
    gate = stage.gate
    out: list[Criterion] = []
    for direction, need in gate.min_direction.items():
        words = DIRECTION_WORDS.get(direction, direction)  # the loader allows no other
        out.append(
            _minimum(f"min_direction:{direction}", words, breakdown.directions.get(direction), need)
        )
    for section_id, need in gate.min_section.items():
        section = breakdown.section(section_id)
        title = section.title if section is not None else section_id
        if section is not None and not section.shown:
            text = Phrase("{section}: not asked of this prospect", section=title)
            out.append(Criterion(f"min_section:{section_id}", True, text))
            continue
        value = section.score if section is not None else None
        out.append(_minimum(f"min_section:{section_id}", title, value, need))
    env = {**flat(breakdown.earlier), **breakdown.values}
    for n, condition in enumerate(gate.require):
        ok = evaluate(condition.when, env, today=breakdown.today)
        read = [name.key for name in names(parse_condition(condition.when))]
        unknown = [k for k in dict.fromkeys(read) if env.get(k) is None]
        if ok:
            text = condition.text
        elif unknown:
            text = Phrase(
                "not known yet ({asked} unanswered): {condition}",
                asked=_asked(question_set, unknown),
                condition=condition.text,
            )
        else:
            text = Phrase("not so: {condition}", condition=condition.text)
        out.append(Criterion(f"require:{n}", bool(ok), text, tuple(unknown)))
    return out


def _minimum(key: str, words: str, value: float | None, need: float) -> Criterion:
    wanted = _need(need)
    if value is None:
        text = Phrase("{what}: no score yet (needs {need})", what=words, need=wanted)
        return Criterion(key, False, text)
    ok = _meets(value, need)
    shown = _shown_truthfully(value, need)
    text = (
        Phrase("{what} {value} ≥ {need}", what=words, value=shown, need=wanted)
        if ok
        else Phrase(
            "{what} {value} below {need}", what=words, value=shown, need=_need(need, below=shown)
        )
    )
    return Criterion(key, ok, text)


def red_flags_counted(n: int) -> Phrase:
    """`1 red flag`, `2 red flags`: in a gate's criterion and on the app's short line."""
    return Phrase("1 red flag") if n == 1 else Phrase("{n} red flags", n=n)
