"""Realistic sample prospects, so a new user sees the product working at once.

Answers are drawn from the active question sets themselves, biased by a hidden
"true fit" per prospect: good companies mostly give good answers, a few carry
a deal-breaker. The same seed always gives the same workspace.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from qualify.core import moves
from qualify.core.gates import evaluate_gate
from qualify.core.questionnaire import Catalog, QuestionSet, content_hash
from qualify.core.questionnaire.catalog import canonical
from qualify.core.questionnaire.dependencies import edges
from qualify.core.questionnaire.model import Question, repeat_key
from qualify.core.records import (
    DEMO_TAG,
    AnswerRecord,
    HistoryEntry,
    Interview,
    PartnerKind,
    Prospect,
    ProspectRecords,
    is_demo,
)
from qualify.core.scoring import score, visible_questions
from qualify.store.base import NotFound, Store
from qualify.workers import in_runs

RUN = 1000
"""Sample prospects told from one random stream, and added to the store together: the
runs the workers share (fewer, larger writes: each updates most of the index shards)."""

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
_DECLINE_REASONS = (
    "Sells mainly by discounting online: channel conflict with our dealers",
    "Carries a directly competing line and will not give ours shelf space",
    "Failed credit check",
    "No real presence in the territory",
    "Will not commit people to training",
    "Overlaps an existing partner's key accounts",
    "Owner retiring within a year, no succession plan",
)
_HOLD_REASONS = (
    "Good company, wrong time: finishing an ERP migration this year",
    "Budget frozen until the next fiscal year",
    "Champion on leave; revisit after the summer",
)
_NOTES = (
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
    if q.type == "number" and q.score_bands:
        # A band as likely as its points suit the fit, then a value inside it: a good
        # company answers what scores well, not simply "more".
        low = q.min if q.min is not None else 0
        spans: list[tuple[float, float]] = []
        for band in q.score_bands:
            high = band.below if band.below is not None else (q.max or max(low * 4, 100))
            spans.append((low, max(low, high - 1)))
            low = band.below if band.below is not None else low
        lo_hi = _pick_weighted(rng, spans, [b.score for b in q.score_bands], fit)
        return round(rng.uniform(*lo_hi))
    if q.type == "number":
        lo = q.min if q.min is not None else 0
        bands = [b.below for b in q.score_bands or () if b.below is not None]
        hi = q.max if q.max is not None else (max(bands) * 1.5 if bands else 100)
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
            note=rng.choice(_NOTES) if rng.random() < 0.1 else "",
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


def generate(
    catalog: Catalog, count: int, *, seed: int = 7, now: datetime | None = None
) -> Iterator[ProspectRecords]:
    """Yield `count` prospects with their interviews and history (the store computes
    their list rows)."""
    story = Story(catalog, now or datetime.now(UTC))
    for start in range(0, count, RUN):
        yield from story.run(seed, start, min(count, start + RUN))


class Story:
    """What every sample prospect's story is told with: the pipeline, the set each
    stage asks each kind of partner, and the time it ends (now)."""

    def __init__(self, catalog: Catalog, now: datetime) -> None:
        pipeline = catalog.pipeline
        if pipeline is None:
            raise ValueError("the active question sets have no valid pipeline")
        self.pipeline, self.now, self.stages = pipeline, now, pipeline.stages
        self.by_kind = {
            (s.id, kind.value): catalog.question_sets[s.set_for(kind.value)]
            for s in self.stages
            for kind in PartnerKind
        }
        self.digests = {qs.id: content_hash(qs) for qs in self.by_kind.values()}
        review = pipeline.review
        self.review_set = catalog.question_sets.get(review.questionnaire) if review else None
        # how far prospects got: most are early, few committed (selective, not saturation)
        self.reach_weights = [35, 25, 15, 10, 15][: len(self.stages)]

    def run(self, seed: int, start: int, stop: int) -> Iterator[ProspectRecords]:
        """Prospects number `start` to `stop` - 1 of a run of :data:`RUN` (`start` is
        where it begins). Each run draws from its own random stream, the first from the
        seed itself: a run made alone, in a worker process, is the same run."""
        if start % RUN:
            raise ValueError(f"a run of sample prospects begins at a multiple of {RUN}")
        rng = random.Random(seed if start == 0 else f"{seed}:{start}")
        for n in range(start, stop):
            yield self._prospect(rng, seed, n)

    def _prospect(self, rng: random.Random, seed: int, n: int) -> ProspectRecords:
        pipeline, now, stages, by_kind = self.pipeline, self.now, self.stages, self.by_kind
        digests, review, review_set = self.digests, pipeline.review, self.review_set
        reach_weights = self.reach_weights
        fit = min(1.0, max(0.0, rng.betavariate(3, 2)))
        bad = rng.random() < 0.06
        reach = rng.choices(range(len(stages)), weights=reach_weights, k=1)[0]
        created = now - timedelta(days=rng.uniform(20, 540))
        pid = f"demo{seed:02d}{n:06d}"
        prospect = Prospect(
            id=pid,
            name=company_name(rng),
            territory=rng.choice(TERRITORIES),
            kind=rng.choice(list(PartnerKind)),
            stage=stages[0].id,
            notes=rng.choice(_NOTES),
            tags=[
                DEMO_TAG,
                *rng.sample(
                    ["hospitality", "education", "retail", "corporate", "houses of worship"],
                    k=rng.randint(0, 2),
                ),
            ],
            created_at=created,
            updated_at=created,
        )
        history = [
            HistoryEntry(
                id=f"{pid}-h0", prospect_id=pid, at=created, action="created", to_stage=stages[0].id
            )
        ]
        interviews: list[Interview] = []
        earlier: dict[str, dict[str, Any]] = {}
        when = created
        breakdown = None
        for i, stage in enumerate(stages[: reach + 1]):
            when = when + timedelta(days=rng.uniform(3, 30))
            last = i == reach
            share = rng.uniform(0.5, 1.0) if last else 0.97
            stage_set = by_kind[stage.id, prospect.kind.value]
            before = {k: v for k, v in earlier.items() if k != stage_set.id}
            interview, values = sample_interview(
                rng,
                prospect,
                stage.id,
                stage_set,
                digests[stage_set.id],
                fit,
                bad,
                when,
                share,
                earlier=before,
            )
            if last:
                interview = interview.model_copy(
                    update={"status": "in_progress", "completed_at": None}
                )
            interviews.append(interview)
            breakdown = score(stage_set, values, earlier=before, today=when.date())
            if values:
                earlier[stage_set.id] = {k: v for k, v in breakdown.values.items() if "[" not in k}
            if last:
                break
            sources = {qid: a.source for qid, a in interview.answers.items()}
            gate = evaluate_gate(
                stage, stage_set, breakdown, sources=sources, next_stage=stages[i + 1]
            )
            if breakdown.knocked_out:
                break
            override = None if gate.passed else "Strategic account; director approved"
            move = moves.advance(
                prospect, gate, pipeline, override=override, at=when, entry_id=f"{pid}-h{i + 1}"
            )
            history.append(move.entry)
            prospect = move.prospect
        if prospect.stage == stages[-1].id:
            if review and review_set is not None and rng.random() < 0.7:
                # committed and then reviewed: the prospect moved on to the review stage
                last_stage = stages[-1]
                last_set = by_kind[last_stage.id, prospect.kind.value]
                sources = {qid: a.source for qid, a in interviews[-1].answers.items()}
                gate = evaluate_gate(last_stage, last_set, breakdown, sources=sources)
                when = when + timedelta(days=rng.uniform(1, 5))
                override = None if gate.passed else "Signed at the trade show; paperwork follows"
                move = moves.advance(
                    prospect, gate, pipeline, override=override, at=when, entry_id=f"{pid}-hr"
                )
                history.append(move.entry)
                interviews[-1] = interviews[-1].model_copy(
                    update={"status": "complete", "completed_at": when}
                )
                when = when + timedelta(days=rng.uniform(60, 120))
                rdig = content_hash(review_set)
                before = {k: v for k, v in earlier.items() if k != review_set.id}
                r_interview, r_values = sample_interview(
                    rng,
                    prospect,
                    review.id,
                    review_set,
                    rdig,
                    fit,
                    False,
                    when,
                    0.95,
                    "review",
                    earlier=before,
                )
                interviews.append(r_interview)
                prospect = move.prospect
                breakdown = score(review_set, r_values, earlier=before, today=when.date())
        elif (breakdown is not None and breakdown.knocked_out) or rng.random() < 0.08:
            when = when + timedelta(days=rng.uniform(1, 10))
            reason = (
                breakdown.knockouts[0].reason
                if breakdown is not None and breakdown.knockouts
                else rng.choice(_DECLINE_REASONS)
            )
            move = moves.change_status(prospect, "decline", reason, at=when, entry_id=f"{pid}-hd")
            history.append(move.entry)
            prospect = move.prospect
        elif rng.random() < 0.05:
            when = when + timedelta(days=rng.uniform(1, 10))
            recontact = (when + timedelta(days=rng.uniform(30, 200))).date()
            move = moves.change_status(
                prospect,
                "hold",
                rng.choice(_HOLD_REASONS),
                at=when,
                recontact_on=recontact,
                entry_id=f"{pid}-hh",
            )
            history.append(move.entry)
            prospect = move.prospect
        if when > now:  # a long journey that started recently: move it all into the past
            back = when - now + timedelta(days=rng.uniform(0.5, 5))
            prospect, interviews, history = _shifted(prospect, interviews, history, back)
            when -= back
        prospect = prospect.model_copy(update={"updated_at": when})
        return ProspectRecords(prospect, tuple(interviews), tuple(history))


def _shifted(
    prospect: Prospect, interviews: list[Interview], history: list[HistoryEntry], back: timedelta
) -> tuple[Prospect, list[Interview], list[HistoryEntry]]:
    """The same story, `back` earlier: sample data never happens in the future."""
    moved_interviews = []
    for interview in interviews:
        answers = {
            qid: a.model_copy(update={"answered_at": a.answered_at - back})
            for qid, a in interview.answers.items()
        }
        moved_interviews.append(
            interview.model_copy(
                update={
                    "answers": answers,
                    "started_at": interview.started_at - back,
                    "updated_at": interview.updated_at - back,
                    "completed_at": interview.completed_at - back
                    if interview.completed_at
                    else None,
                }
            )
        )
    moved_history = [h.model_copy(update={"at": h.at - back}) for h in history]
    recontact = prospect.recontact_on - back if prospect.recontact_on else None
    moved = prospect.model_copy(
        update={"created_at": prospect.created_at - back, "recontact_on": recontact}
    )
    return moved, moved_interviews, moved_history


def fill(
    store: Store,
    catalog: Catalog,
    count: int = 40,
    *,
    seed: int = 7,
    now: datetime | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Add `count` sample prospects (ids `demo…`, tagged `demo`) to the store, never
    replacing a prospect that is there already (an edited sample prospect keeps its
    edits); returns (added, left as they were).

    With many prospects, worker processes (`workers`: how many, default one per core)
    each tell runs of them and add them through their own store, as two commands at
    once would: telling the stories and working out their list rows is nearly all the
    work. The same seed gives the same prospects however many workers there are.
    `progress(done, count)` is told after each run of them."""
    for qs in catalog.question_sets.values():
        store.put_snapshot(content_hash(qs), canonical(qs))
    setup = (Story(catalog, now or datetime.now(UTC)), seed)

    def here(run: list[str]) -> tuple[int, int]:
        return _added((store, *setup), run)

    numbers = [str(n) for n in range(count)]
    added = kept = 0
    for run_added, run_kept in in_runs(
        store,
        numbers,
        begin=_setting,
        work=_added,
        setup=setup,
        here=here,
        workers=workers,
        chunk=RUN,
    ):
        added, kept = added + run_added, kept + run_kept
        if progress is not None:
            progress(added + kept, count)
    return added, kept


Setting = tuple[Store, "Story", int]
"""Where a run is added, its story and the seed."""


def _setting(store: Store, setup: tuple[Story, int]) -> Setting:
    return (store, *setup)


def _added(setting: Setting, run: list[str]) -> tuple[int, int]:
    """A run of sample prospects, by their numbers, told and added to the store (in a
    worker, or here): how many were added, how many were there already."""
    store, story, seed = setting
    start = int(run[0])
    kept = store.add_new_prospects(story.run(seed, start, start + len(run)))
    return len(run) - len(kept), len(kept)


def real_prospects(store: Store) -> int:
    """How many prospects are not demo data (a real workspace, not a sandbox)."""
    return sum(1 for row in store.list_prospects() if not is_demo(row))


def remove(store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """Delete every prospect `qualify demo` made and that is still tagged `demo`; returns
    how many. Nothing else is ever deleted: a sample prospect whose tag was removed is
    kept as the user's own."""
    candidates = [row.id for row in store.list_prospects() if is_demo(row)]
    removed = 0
    for n, pid in enumerate(candidates, start=1):
        try:
            prospect = store.get_prospect(pid)
        except NotFound:
            continue
        if is_demo(prospect) and store.delete_demo_prospect(pid):
            removed += 1
        if progress is not None:
            progress(n, len(candidates))
    return removed
