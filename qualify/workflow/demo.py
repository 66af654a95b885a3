"""Realistic sample prospects, so a new user sees the product working at once.

Answers are drawn from the active question sets themselves, biased by a hidden
"true fit" per prospect: good companies mostly give good answers, a few carry
a deal-breaker (:mod:`qualify.workflow.samples`). Each prospect's story moves it on as a
user would: past a gate its answers meet, or with an override and a reason. The same
seed always gives the same workspace.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from qualify.core import moves
from qualify.core.assess import ScoredInterview
from qualify.core.gates import evaluate_gate
from qualify.core.questionnaire import Catalog, content_hash
from qualify.core.questionnaire.catalog import canonical
from qualify.core.questionnaire.model import Stage
from qualify.core.records import (
    DEMO_TAG,
    HistoryEntry,
    Interview,
    PartnerKind,
    Prospect,
    ProspectRecords,
    is_demo,
    is_demo_id,
)
from qualify.core.redflags import RedFlag, holding, red_flags
from qualify.core.scoring import score
from qualify.store.base import Store
from qualify.store.runs import batched
from qualify.workers import in_runs
from qualify.workflow import samples

RUN = 1000
"""Sample prospects told from one random stream, and added to the store together: the
runs the workers share (fewer, larger writes: each updates most of the index shards)."""


def _holding(
    scored: list[ScoredInterview], history: list[HistoryEntry], stage: Stage, when: datetime
) -> list[RedFlag]:
    """The open red flags that hold `stage`'s gate on the day of the move, as the app
    judges them: a sample prospect moves past such a gate only with an override, as a
    user's would (and an import of the sample data checks every move so)."""
    flags = red_flags(scored, history, today=when.date())
    return holding(flags, stage.gate.no_open_red_flags)


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
            name=samples.company_name(rng),
            territory=rng.choice(samples.TERRITORIES),
            kind=rng.choice(list(PartnerKind)),
            stage=stages[0].id,
            notes=rng.choice(samples.NOTES),
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
        scored: list[ScoredInterview] = []  # what the gates' red flags are read from
        earlier: dict[str, dict[str, Any]] = {}
        when = created
        breakdown = None
        for i, stage in enumerate(stages[: reach + 1]):
            when = when + timedelta(days=rng.uniform(3, 30))
            last = i == reach
            share = rng.uniform(0.5, 1.0) if last else 0.97
            stage_set = by_kind[stage.id, prospect.kind.value]
            before = {k: v for k, v in earlier.items() if k != stage_set.id}
            interview, values = samples.sample_interview(
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
            scored.append(ScoredInterview(interview, stage_set, breakdown, values))
            if values:
                earlier[stage_set.id] = {k: v for k, v in breakdown.values.items() if "[" not in k}
            if last:
                break
            sources = {qid: a.source for qid, a in interview.answers.items()}
            gate = evaluate_gate(
                stage,
                stage_set,
                breakdown,
                sources=sources,
                next_stage=stages[i + 1],
                red_flags=_holding(scored, history, stage, when),
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
                held = _holding(scored, history, last_stage, when)
                gate = evaluate_gate(
                    last_stage, last_set, breakdown, sources=sources, red_flags=held
                )
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
                r_interview, r_values = samples.sample_interview(
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
                else rng.choice(samples.DECLINE_REASONS)
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
                rng.choice(samples.HOLD_REASONS),
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
    # by id, from the index (no list rows built, and a sample whose file a killed removal
    # deleted before its row is among them: the store forgets its row)
    candidates = [pid for pid in store.prospect_ids() if is_demo_id(pid)]
    removed = done = 0
    for run in batched(candidates, REMOVE_RUN):
        removed += len(store.delete_demo_prospects(run))
        done += len(run)
        if progress is not None:
            progress(done, len(candidates))
    return removed


REMOVE_RUN = 500
"""Sample prospects removed together (one write of each index shard in the workspace);
the progress line moves after each run."""
