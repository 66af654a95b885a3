"""What a sample prospect is: its name, its place, and its answers to a question set.

Answers are drawn from the question set itself, biased by a hidden "true fit" per
prospect: good companies mostly give good answers, a few carry a deal-breaker
(:mod:`qualify.workflow.demo` tells each prospect's story with them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from qualify.core.questionnaire import QuestionSet
from qualify.core.questionnaire.dependencies import edges
from qualify.core.questionnaire.model import Question, repeat_key
from qualify.core.records import AnswerRecord, Interview, Prospect
from qualify.core.scoring import visible_questions

_PLACES = (
    "Nordic",
    "Alpine",
    "Baltic",
    "Meridian",
    "Atlas",
    "Harbour",
    "Summit",
    "Rhine",
    "Danube",
    "Iberian",
    "Celtic",
    "Pennine",
    "Lakeside",
    "Highland",
    "Riviera",
    "Carpathian",
    "Delta",
    "Tamar",
    "Vistula",
    "Solent",
    "Fjord",
    "Ardennes",
    "Lombard",
    "Mosel",
    "Thames",
    "Oder",
)
_TRADES = (
    "AV",
    "Pro Audio",
    "Systems",
    "Integration",
    "Technik",
    "Solutions",
    "Vision",
    "Sound & Light",
    "Electronics",
    "Installations",
    "Media",
    "Comms",
    "Automation",
    "Security",
    "Networks",
)
_FORMS = ("GmbH", "Ltd", "S.r.l.", "BV", "AB", "A/S", "SAS", "Oy", "& Sons", "Group", "Sp. z o.o.")
_FAMILY = ("Müller", "Søndergaard", "Novák", "O'Brien", "García", "Lefèvre", "Kowalski", "Rossi")
TERRITORIES = ("North", "South", "East", "West", "Central", "Benelux", "Nordics", "Iberia")
DECLINE_REASONS = (
    "Sells mainly by discounting online: channel conflict with our dealers",
    "Carries a directly competing line and will not give ours shelf space",
    "Failed credit check",
    "No real presence in the territory",
    "Will not commit people to training",
    "Overlaps an existing partner's key accounts",
    "Owner retiring within a year, no succession plan",
)
HOLD_REASONS = (
    "Good company, wrong time: finishing an ERP migration this year",
    "Budget frozen until the next fiscal year",
    "Champion on leave; revisit after the summer",
)
NOTES = (
    "Met the owner at the trade fair; keen on the premium range.",
    "Strong in hospitality; weak on after-sales service.",
    "Showroom visit planned next month.",
    "Asked a lot about margins and exclusivity.",
    "Two certified technicians; installs in-house.",
    "",
    "",
)


def company_name(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"{rng.choice(_FAMILY)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}"
    return f"{rng.choice(_PLACES)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}"


def _pick_weighted(rng: random.Random, options: list[Any], scores: list[float], fit: float) -> Any:
    """Higher fit favours higher-scoring options; a little noise keeps it human."""
    lo, hi = min(scores), max(scores)
    span = (hi - lo) or 1.0
    weights = [0.15 + (1 - abs(((s - lo) / span) - fit)) ** 3 for s in scores]
    return rng.choices(options, weights=weights, k=1)[0]


TYPICAL: dict[str, tuple[float, float]] = {
    "employees": (3, 400),
    "annual_revenue": (400, 60_000),  # k€
    "our_margin": (12, 40),  # %
    "credit_limit": (20, 500),  # k€
    "revenue_12m": (60, 2_500),  # k€
    "training_days_year": (1, 12),
}
"""What real dealers and distributors answer to the bundled sets' unbanded numbers
(the sets allow far more: a question's maximum is a typing guard, not a size), so the
demo's money figures read as a channel manager's would."""


def sample_answer(rng: random.Random, q: Question, fit: float, bad: bool) -> Any:
    """A plausible answer to one question for a prospect of the given fit (0–1)."""
    if q.type in ("choice", "multi"):
        opts = [o for o in q.options or () if bad or not o.knockout]
        if not opts:
            opts = list(q.options or ())
        if q.type == "choice":
            chosen = _pick_weighted(rng, opts, [o.score for o in opts], fit)
            return chosen.value
        picked = [o.value for o in opts if rng.random() < 0.25 + 0.5 * fit * (o.score > 0)]
        return picked or [opts[0].value]
    if q.type == "scale":
        lo, hi = q.scale_min, q.scale_max
        target = fit if not q.reverse else 1 - fit
        value = lo + (hi - lo) * min(1.0, max(0.0, rng.gauss(target, 0.2)))
        return round(value)
    if q.type == "number" and q.id in TYPICAL:
        lo, hi = TYPICAL[q.id]
        lo, hi = max(lo, q.min if q.min is not None else lo), min(hi, q.max or hi)
        share = min(1.0, max(0.0, rng.gauss(fit, 0.25)))
        return round(lo * (hi / lo) ** share)  # sizes spread as companies' do: by ratio
    if q.type == "number" and q.score_bands:
        # A band as likely as its points suit the fit, then a value inside it: a good
        # company answers what scores well, not simply "more". The open band above the
        # last threshold reaches at most three times it (not the question's maximum: a
        # first-year plan of 90 M€ is no plausible dealer's).
        low = q.min if q.min is not None else 0
        spans: list[tuple[float, float]] = []
        for band in q.score_bands:
            high = band.below
            if high is None:
                high = min(max(low * 3, low + 10), q.max if q.max is not None else math.inf)
            spans.append((low, max(low, high - 1)))
            low = band.below if band.below is not None else low
        lo_hi = _pick_weighted(rng, spans, [b.score for b in q.score_bands], fit)
        return round(rng.uniform(*lo_hi))
    if q.type == "number":
        lo = q.min if q.min is not None else 0
        hi = q.max if q.max is not None else 100
        hi = min(hi, lo + max(10, (hi - lo) / 4))  # the lower part of what is allowed
        value = lo + (hi - lo) * min(1.0, max(0.0, rng.gauss(fit, 0.25)))
        return round(value)
    if q.type == "date":
        years = 1 + 40 * min(1.0, max(0.0, rng.gauss(fit, 0.25)))
        return (date(2024, 6, 30) - timedelta(days=round(365.25 * years))).isoformat()
    if q.type == "yes_no":
        s = q.score
        good = s is None or s.yes >= s.no
        if q.knockout and not bad:
            # avoid tripping a question-level knock-out by accident for good prospects
            return good
        return good if rng.random() < 0.3 + 0.65 * fit else not good
    return rng.choice(
        (
            "Growing steadily, strong local reputation.",
            "Wants a second premium line to stand out from online sellers.",
            "Family business, second generation in charge.",
            "Looking for training and demo kit support.",
        )
    )


class _Asking(Mapping[str, Any]):
    """The answers of a sample interview, each given when scoring first asks for it (which
    it does only for a shown question, in order): one walk instead of one per question."""

    def __init__(
        self,
        rng: random.Random,
        qs: QuestionSet,
        fit: float,
        bad: bool,
        when: datetime,
        complete_share: float,
    ) -> None:
        self.rng, self.qs, self.fit, self.bad = rng, qs, fit, bad
        self.when, self.complete_share = when, complete_share
        self.answers: dict[str, Any] = {}
        self.records: dict[str, AnswerRecord] = {}
        self._asked: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        return self.answers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.answers)

    def __len__(self) -> int:
        return len(self.answers)

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._asked:
            return self.answers.get(key, default)
        self._asked.add(key)
        found = self.qs.resolve(key)
        if found is None or not found[0].answerable:
            return default
        q, rng = found[0], self.rng
        if rng.random() > self.complete_share and not q.required:
            return default
        value = sample_answer(rng, q, self.fit, self.bad)
        self.answers[key] = value
        source = "verified" if q.verify and rng.random() < 0.6 else "stated"
        self.records[key] = AnswerRecord(
            question_id=key,
            value=value,
            source=source,  # type: ignore[arg-type]
            answered_at=self.when,
            note=rng.choice(NOTES) if rng.random() < 0.1 else "",
        )
        return value


def _asked_as_worked_out(qs: QuestionSet) -> bool:
    """Whether the questions people answer are worked out in the order they are asked."""
    asked = [qid for qid, q in qs.questions.items() if q.answerable]
    return asked == [qid for qid in qs.plan if qs.questions[qid].answerable]


def sample_interview(
    rng: random.Random,
    prospect: Prospect,
    stage: str,
    qs: QuestionSet,
    digest: str,
    fit: float,
    bad: bool,
    when: datetime,
    complete_share: float,
    kind: str = "stage",
    earlier: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Interview, dict[str, Any]]:
    repeats = {
        s.id: rng.randint(max(s.repeat.min, 1), s.repeat.max)
        for s in qs.sections
        if s.repeat is not None
    }
    asking = _Asking(rng, qs, fit, bad, when, complete_share)
    if _asked_as_worked_out(qs):
        # One walk in order (conditions only look back): each question is answered, or
        # not, the moment the walk finds it shown, so conditions see the answers before
        # it; the same answers as asking one by one below, in one walk instead of one each.
        visible_questions(qs, asking, earlier=earlier, today=when.date(), repeats=repeats)
    else:
        # a formula makes a question be worked out before one asked earlier: ask in turn,
        # working out what is shown again only after an answer that a condition or a
        # formula reads (or a repeat's): no other answer changes it
        read = {edge.target for found in edges(qs).values() for edge in found}
        shown: dict[str, bool] | None = None
        for qid, q in qs.questions.items():
            if not q.answerable:
                continue
            section = qs.section_of[qid]
            keys = (
                [qid]
                if section.repeat is None
                else [repeat_key(section.id, r, qid) for r in range(repeats[section.id])]
            )
            for key in keys:
                if shown is None:
                    shown = visible_questions(
                        qs, asking.answers, earlier=earlier, today=when.date(), repeats=repeats
                    )
                if shown.get(key, False):
                    given = len(asking.answers)
                    asking.get(key)
                    if len(asking.answers) != given and (qid in read or key != qid):
                        shown = None
    answers, records = asking.answers, asking.records
    interview = Interview(
        id=f"{prospect.id}-{stage}"[:40],
        prospect_id=prospect.id,
        stage=stage,
        kind=kind,  # type: ignore[arg-type]
        questionnaire_id=qs.id,
        questionnaire_version=qs.version,
        questionnaire_hash=digest,
        answers=records,
        status="complete",
        started_at=when,
        updated_at=when,
        completed_at=when,
    )
    return interview, answers
