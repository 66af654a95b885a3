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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from qualify.core.breakdown import OnFirstRead, ScoreBreakdown, frozen
from qualify.core.phrase import Joined, Num, Phrase, in_quotes
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

    def __getstate__(self) -> dict[str, Any]:
        """Its fields, the text made first (a pickle or a copy holds no maker)."""
        self.text  # noqa: B018 (made on first read)
        return {k: v for k, v in self.__dict__.items() if k != _TEXT}

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "met": self.met,
            "text": self.text,
            "questions": list(self.questions),
        }


_TEXT = "_make_text"
"""Where a gate leaves the maker of a criterion's text, in its __dict__ (see
:func:`_criterion`): no field, so the fields, equality and what is shown stay the same."""


Criterion.text = OnFirstRead("text", _TEXT)  # type: ignore[assignment]
"""A portfolio judges thousands of gates and reads the words of the unmet criteria only
(the next step's); a met one's figures in words were much of a gate's work."""


def _criterion(
    key: str, met: bool, text: Callable[[], str], questions: tuple[str, ...] = ()
) -> Criterion:
    """A criterion whose text `text()` makes on first read (as its __init__ makes one,
    without an ``object.__setattr__`` per field)."""
    made = partial(_text_field, text)
    return frozen(Criterion, {"key": key, "met": met, "questions": questions, _TEXT: made})


def _text_field(text: Callable[[], str]) -> dict[str, str]:
    return {"text": text()}


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


def asked_questions(question_set: QuestionSet, ids: list[str], limit: int = 2) -> Phrase:
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
        shown.append(in_quotes(text))
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
        hits = breakdown.knockouts
        criteria.append(
            _criterion(
                "knockouts",
                False,
                lambda: Phrase(
                    "Knocked out: {reasons}",
                    reasons=Joined(
                        Phrase(
                            "{reason} ({asked})",
                            reason=k.reason,
                            asked=asked_questions(question_set, [k.question]),
                        )
                        for k in hits
                    ),
                ),
                tuple(dict.fromkeys(k.question for k in hits)),
            )
        )
    elif breakdown.knocked_out:  # knocked out without a named hit: still not a pass
        criteria.append(_criterion("knockouts", False, lambda: Phrase("Knocked out")))
    else:
        criteria.append(_criterion("knockouts", True, lambda: Phrase("No knock-outs")))

    # Every visible required question answered.
    total, missing = _required_missing(question_set, breakdown)
    if missing:
        said = partial(_unanswered, question_set, tuple(missing))
        criteria.append(_criterion("required", False, said, tuple(missing)))
    elif total:
        criteria.append(_criterion("required", True, partial(_all_answered, total)))
    else:
        said = lambda: Phrase("No required questions to answer")  # noqa: E731
        criteria.append(_criterion("required", True, said))

    # No open red flag holding the gate.
    if red_flags:
        flags = tuple(red_flags)
        # an override of a gate that needs no open red flags accepts them for good; one
        # of another gate only lets the dating go on (they still hold the next gates)
        key = "red_flags" if gate.no_open_red_flags else "red_flags:held"
        said = partial(_flags_open, flags)
        criteria.append(_criterion(key, False, said, tuple(f.id for f in flags)))
    elif gate.no_open_red_flags:
        criteria.append(_criterion("red_flags", True, lambda: Phrase("No open red flags")))

    # Minimum score.
    if gate.min_score is not None:
        if breakdown.score is None:
            said = partial(_no_score, gate.min_score)
            criteria.append(_criterion("min_score", False, said))
        else:
            ok = _meets(breakdown.score, gate.min_score)
            said = partial(_score_against, breakdown.score, gate.min_score, ok)
            criteria.append(_criterion("min_score", ok, said))

    criteria.extend(_fit_criteria(stage, question_set, breakdown))

    # Enough answered for a verdict.
    need_verdict = question_set.verdict_coverage
    if breakdown.provisional and need_verdict is not None:
        said = partial(_too_little, breakdown.weight_answered or 0.0, need_verdict)
        criteria.append(_criterion("verdict_coverage", False, said))

    # Minimum coverage.
    if gate.min_coverage is not None:
        coverage = breakdown.coverage
        if coverage is None:
            ok = gate.min_coverage <= 0
            said = partial(_nothing_to_answer, gate.min_coverage)
            criteria.append(_criterion("min_coverage", ok, said))
        else:
            ok = _meets(coverage, gate.min_coverage)
            said = partial(_coverage_against, coverage, gate.min_coverage, ok)
            criteria.append(_criterion("min_coverage", ok, said))

    # Evidence seen.
    for qid in _to_verify(stage, question_set, breakdown):
        answered = _answered(breakdown, qid)
        source = sources.get(qid)
        verified = answered and source in EVIDENCE_SOURCES
        said = partial(_evidence, question_set, qid, answered, source)
        criteria.append(_criterion(f"verified:{qid}", verified, said, (qid,)))

    return GateResult(
        stage_id=stage.id,
        next_stage_id=next_stage.id if next_stage is not None else None,
        passed=all(c.met for c in criteria),
        criteria=tuple(criteria),
        score=breakdown.score,
        coverage=breakdown.coverage,
    )


# ----------------------------------------------------------- criteria in words
# (each made on the first read of its criterion's text: see _TextOnFirstRead)


def _unanswered(question_set: QuestionSet, missing: tuple[str, ...]) -> Phrase:
    asked = asked_questions(question_set, list(missing), 3)
    if len(missing) == 1:
        return Phrase("1 required question unanswered: {asked}", asked=asked)
    return Phrase("{n} required questions unanswered: {asked}", n=len(missing), asked=asked)


def _all_answered(total: int) -> Phrase:
    if total > 1:
        return Phrase("All {n} required questions answered", n=total)
    return Phrase("1 required question answered")


def _flags_open(flags: tuple[RedFlag, ...]) -> Phrase:
    listed = Joined(f"{f.reason} ({f.set_id}: {f.key})" for f in flags)
    return Phrase("{count} open: {listed}", count=red_flags_counted(len(flags)), listed=listed)


def _no_score(min_score: float) -> Phrase:
    return Phrase("no score yet (needs {need})", need=_need(min_score))


def _score_against(score: float, min_score: float, ok: bool) -> Phrase:
    shown = _shown_truthfully(score, min_score)
    if ok:
        return Phrase("score {value} ≥ {need}", value=shown, need=_need(min_score))
    return Phrase("score {value} below {need}", value=shown, need=_need(min_score, below=shown))


def _too_little(weight_answered: float, need_verdict: float) -> Phrase:
    shown = _shown_truthfully(weight_answered, need_verdict, 100)
    return Phrase(
        "too little answered for a verdict: {share} of the scored weight (needs {need}%)",
        share=Phrase("{value}%", value=shown),
        need=_need(need_verdict * 100, 1),
    )


def _nothing_to_answer(min_coverage: float) -> Phrase:
    return Phrase("nothing to answer (needs {need}%)", need=_need(min_coverage * 100, 1))


def _coverage_against(coverage: float, min_coverage: float, ok: bool) -> Phrase:
    shown = _shown_truthfully(coverage, min_coverage, 100)
    if ok:
        need = _need(min_coverage * 100, 1)
        return Phrase("coverage {value}% ≥ {need}%", value=shown, need=need)
    need = _need(min_coverage * 100, 1, below=shown)
    return Phrase("coverage {value}% below {need}%", value=shown, need=need)


def _evidence(question_set: QuestionSet, qid: str, answered: bool, source: str | None) -> Phrase:
    asked = asked_questions(question_set, [qid])
    if answered and source in EVIDENCE_SOURCES:
        return Phrase("{asked} verified", asked=asked)
    if answered:
        said = source or "stated"
        said = SOURCE_WORDS.get(said, said.replace("_", " "))
        return Phrase("{asked} not verified yet ({source})", asked=asked, source=said)
    return Phrase("{asked} unanswered; it needs a verified answer", asked=asked)


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
            said = partial(_not_asked, title)
            out.append(_criterion(f"min_section:{section_id}", True, said))
            continue
        value = section.score if section is not None else None
        out.append(_minimum(f"min_section:{section_id}", title, value, need))
    if not gate.require:
        return out
    env = {**flat(breakdown.earlier), **breakdown.values}
    for n, condition in enumerate(gate.require):
        ok = evaluate(condition.when, env, today=breakdown.today)
        read = [name.key for name in names(parse_condition(condition.when))]
        unknown = [k for k in dict.fromkeys(read) if env.get(k) is None]
        said = partial(_required_so, question_set, condition.text, bool(ok), tuple(unknown))
        out.append(_criterion(f"require:{n}", bool(ok), said, tuple(unknown)))
    return out


def _not_asked(title: str) -> Phrase:
    return Phrase("{section}: not asked of this prospect", section=title)


def _required_so(question_set: QuestionSet, text: str, ok: bool, unknown: tuple[str, ...]) -> str:
    if ok:
        return text
    if unknown:
        return Phrase(
            "not known yet ({asked} unanswered): {condition}",
            asked=asked_questions(question_set, list(unknown)),
            condition=text,
        )
    return Phrase("not so: {condition}", condition=text)


def _minimum(key: str, words: str, value: float | None, need: float) -> Criterion:
    if value is None:
        return _criterion(key, False, partial(_no_minimum, words, need))
    ok = _meets(value, need)
    return _criterion(key, ok, partial(_against_minimum, words, value, need, ok))


def _no_minimum(words: str, need: float) -> Phrase:
    return Phrase("{what}: no score yet (needs {need})", what=words, need=_need(need))


def _against_minimum(words: str, value: float, need: float, ok: bool) -> Phrase:
    shown = _shown_truthfully(value, need)
    if ok:
        return Phrase("{what} {value} ≥ {need}", what=words, value=shown, need=_need(need))
    return Phrase(
        "{what} {value} below {need}", what=words, value=shown, need=_need(need, below=shown)
    )


def red_flags_counted(n: int) -> Phrase:
    """`1 red flag`, `2 red flags`: in a gate's criterion and on the app's short line."""
    return Phrase("1 red flag") if n == 1 else Phrase("{n} red flags", n=n)
