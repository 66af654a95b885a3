"""The operations of qualifying a prospect, shared by the CLI and the TUI (neither
re-implements any): the shell around the pure core that loads the interview's set
snapshot, validates answers, scores, evaluates gates and records through a Store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from qualify.core import moves
from qualify.core.assess import Assessment, Snapshots, assess, earlier_values
from qualify.core.gates import GateResult
from qualify.core.phrase import Joined, Phrase, said
from qualify.core.questionnaire import (
    AnswerError,
    AnswerInput,
    Catalog,
    QuestionSet,
    content_hash,
    validate_answer,
)
from qualify.core.questionnaire.catalog import canonical
from qualify.core.questionnaire.model import Pipeline, Stage
from qualify.core.questionnaire.texts import localize
from qualify.core.records import (
    AnswerRecord,
    HistoryAction,
    HistoryEntry,
    Interview,
    PartnerKind,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    utcnow,
)
from qualify.core.safe_text import readable
from qualify.core.undo import correction_entry, replaced
from qualify.store.base import StageConflict, Store
from qualify.store.reading import read_snapshots
from qualify.workflow.checks import (
    WorkflowError,
    answer_values,
    broken_constraints,
    check_recent_move,
    checked_facts,
    today,
    unknown_key,
)

RECENT_MOVE = 120
"""Seconds during which someone else's move makes an override ask for --from (advance)."""


class GateBlocked(WorkflowError):
    """The gate for the next stage is not met; the message lists every unmet criterion."""

    exit_code = 3

    def __init__(
        self,
        result: GateResult,
        question_set: QuestionSet | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self.result = result
        self.question_set = question_set
        """The set the gate was judged on, so the unmet criteria can quote its questions."""
        self.sources = dict(sources or {})
        """Question id → source of its answer (stated, verified, estimated)."""
        lines = "; ".join(result.unmet)
        super().__init__(f"gate not met for {result.stage_id}: {lines}")


class Qualifier:
    """Qualification operations on one store with one set of active question sets."""

    def __init__(self, store: Store, catalog: Catalog, *, user: str = "") -> None:
        self.store = store
        self.catalog = catalog
        self.user = user or store.login
        """Recorded as `by` on answers and moves; on a server, the database login."""
        self._snapshots = Snapshots()
        """Parsed snapshots by content hash (immutable, so cached for the session)."""
        self.language: str | None = None  # of the sets' texts: see speak()
        self._hashes: tuple[Catalog, dict[str, str]] | None = None

    def speak(self, language: str | None) -> None:
        """The sets' texts in `language` from now on (answers are kept by value anyway)."""
        from qualify.i18n import localized_catalog

        if language and language != self.language:
            self.language, self._snapshots = language, Snapshots()
            self.catalog = localized_catalog(self.catalog, language)

    # ------------------------------------------------------------------ lookups
    @property
    def pipeline(self) -> Pipeline:
        if self.catalog.pipeline is None:
            detail = ""
            problem = self.catalog.pipeline_error()
            if problem is not None:
                detail = Joined((": ", problem.said()), "")
            raise WorkflowError(
                Phrase("no valid pipeline.yaml in the active question sets{detail}", detail=detail)
            )
        return self.catalog.pipeline

    def active_hashes(self) -> dict[str, str]:
        """Set id → content hash of its active version; computed once per catalog, since
        hashing every set per prospect would dominate a portfolio-wide re-score."""
        if self._hashes is None or self._hashes[0] is not self.catalog:
            sets = self.catalog.question_sets
            self._hashes = (self.catalog, {sid: content_hash(qs) for sid, qs in sets.items()})
        return self._hashes[1]

    def stage(self, stage_id: str) -> Stage | None:
        return self.pipeline.stage_map.get(stage_id)

    def active_question_set(self, set_id: str) -> QuestionSet:
        """The current version of a set; refuses a set that has errors."""
        qs = self.catalog.question_sets.get(set_id)
        if qs is None:
            broken = [p for p in self.catalog.problems if p.severity == "error"]
            hint = Phrase(" (first problem: {problem})", problem=broken[0].said()) if broken else ""
            raise WorkflowError(
                Phrase(
                    "question set {id} is missing or has errors; run `qualify validate`{hint}",
                    id=repr(set_id),
                    hint=hint,
                )
            )
        return qs

    def snapshot(self, interview: Interview) -> QuestionSet:
        """The set exactly as the interview was taken with, whatever the YAML says today."""
        digest = interview.questionnaire_hash
        qs = self._snapshots.sets.get(digest) if digest not in self._snapshots.warnings else None
        if qs is None:
            from qualify.setcache import question_set

            parsed = question_set(self.store.get_snapshot(digest))
            qs = localize(parsed, self.language, parsed.language)
            self._snapshots.sets[digest] = qs
        return qs

    def resolve(self, id_or_prefix: str) -> Prospect:
        return self.read(id_or_prefix).prospect

    def read(self, id_or_prefix: str) -> ProspectRecords:
        """A prospect's records (an id or an unambiguous prefix), in one read: hand them to
        the methods below (``records=``) and they read nothing again."""
        return self.store.read_prospect(self.store.resolve_id(id_or_prefix))

    def _interviews(self, prospect: Prospect, records: ProspectRecords | None) -> list[Interview]:
        if records is not None and records.prospect.id == prospect.id:
            return list(records.interviews)
        return self.store.interviews(prospect.id)

    def stage_interview(
        self, prospect: Prospect, records: ProspectRecords | None = None
    ) -> Interview | None:
        """The latest interview of the prospect's current stage, if any (from ``records``
        when given: the prospect's records as just read)."""
        found = [
            i
            for i in self._interviews(prospect, records)
            if i.stage == prospect.stage and not i.merged_into
        ]
        return found[-1] if found else None

    # ------------------------------------------------------------------ prospects
    def add_prospect(
        self,
        name: str,
        *,
        territory: str = "",
        kind: str | PartnerKind = PartnerKind.other,
        tags: Iterable[str] = (),
        notes: str = "",
        language: str = "",
    ) -> Prospect:
        name, kind = checked_facts(name, kind)
        first = self.pipeline.stages[0]
        prospect = Prospect(
            name=name,
            territory=territory.strip(),
            kind=kind,
            tags=list(tags),
            notes=notes,
            stage=first.id,
            owner=self.user,
            language=language,
        )
        self.store.add_prospect(prospect, by=self.user)
        return prospect

    def edit_prospect(
        self,
        prospect: Prospect,
        *,
        name: str | None = None,
        territory: str | None = None,
        kind: str | PartnerKind | None = None,
        notes: str | None = None,
        tags: Iterable[str] | None = None,
        language: str | None = None,
    ) -> Prospect:
        """Change a prospect's facts (None keeps one); the change is logged as an edit.

        Applied to the stored prospect and saved compare-and-set, so an edit never undoes
        a stage move someone made meanwhile.
        """
        current = self.store.get_prospect(prospect.id)
        new_name, new_kind = checked_facts(
            current.name if name is None else name, current.kind if kind is None else kind
        )
        update: dict[str, Any] = {"name": new_name, "kind": new_kind}
        if territory is not None:
            update["territory"] = territory.strip()
        if notes is not None:
            update["notes"] = notes
        if tags is not None:
            update["tags"] = [t.strip() for t in tags if t.strip()]
        if language is not None:
            update["language"] = language
        changed = {k: v for k, v in update.items() if getattr(current, k) != v}
        if not changed:
            return current
        edited = current.model_copy(update={**update, "updated_at": utcnow()})
        shown = {k: v for k, v in changed.items() if k != "notes"}
        details = {k: str(getattr(v, "value", v)) for k, v in shown.items()}
        if "notes" in changed:
            details["notes"] = "changed"
        return self.store.move_prospect(
            edited,
            HistoryEntry(
                prospect_id=current.id,
                action="edit",
                from_stage=current.stage,
                to_stage=current.stage,
                by=self.user,
                details=details,
            ),
            expected_stage=current.stage,
            expected_status=current.status,
        )

    # ------------------------------------------------------------------ interviews
    def _stage_set(self, prospect: Prospect) -> tuple[str, Literal["stage", "review"]]:
        """The set asked at the prospect's stage, and whether that is a review."""
        if prospect.status == ProspectStatus.declined:
            raise WorkflowError(
                Phrase("{name} was declined; `qualify reopen` first", name=prospect.name)
            )
        stage = self.stage(prospect.stage)
        if stage is not None:
            return stage.set_for(prospect.kind.value), "stage"
        review = self.pipeline.review
        if review is None or review.id != prospect.stage:
            raise WorkflowError(
                Phrase("stage {stage} is not in the pipeline", stage=repr(prospect.stage))
            )
        return review.questionnaire, "review"

    def question_set_for(
        self, prospect: Prospect, records: ProspectRecords | None = None
    ) -> QuestionSet:
        """The set the current stage is asked with (its interview's snapshot, or the active
        set before the interview starts); reading it writes nothing."""
        set_id, _ = self._stage_set(prospect)
        existing = self.stage_interview(prospect, records)
        if existing is not None:
            return self.snapshot(existing)
        return self.active_question_set(set_id)

    def open_interview(
        self, prospect: Prospect, records: ProspectRecords | None = None
    ) -> Interview:
        """The current stage's interview, started (with a snapshot of the set) if needed.

        Started with the store's get-or-create, so two people starting the stage at once
        share one interview; StageConflict if the prospect moved on meanwhile."""
        set_id, kind = self._stage_set(prospect)
        existing = self.stage_interview(prospect, records)
        if existing is not None:
            return existing
        qs = self.active_question_set(set_id)
        digest = self.active_hashes().get(qs.id) or content_hash(qs)
        self.store.put_snapshot(digest, canonical(qs))
        interview = Interview(
            prospect_id=prospect.id,
            stage=prospect.stage,
            kind=kind,
            questionnaire_id=qs.id,
            questionnaire_version=qs.version,
            questionnaire_hash=digest,
            interviewer=self.user,
        )
        return self.store.start_interview(interview)

    def past_interview(
        self, prospect: Prospect, stage_id: str, records: ProspectRecords | None = None
    ) -> Interview:
        """The latest interview of a stage (one the prospect may have left), to correct."""
        known = self.pipeline.stage_ids
        if stage_id not in known:
            raise WorkflowError(
                Phrase(
                    "no stage {stage} (the stages: {stages})",
                    stage=repr(stage_id),
                    stages=", ".join(known),
                )
            )
        found = [i for i in self._interviews(prospect, records) if i.stage == stage_id]
        if not found:
            raise WorkflowError(
                Phrase(
                    "{name} has no {stage} interview to correct",
                    name=prospect.name,
                    stage=stage_id,
                )
            )
        return found[-1]

    def record(
        self,
        prospect: Prospect,
        inputs: Iterable[AnswerInput] | Mapping[str, Any],
        *,
        stage: str | None = None,
        records: ProspectRecords | None = None,
    ) -> Assessment:
        """Validate every answer first; store all of them or none (and start no interview
        for answers that are refused). With `stage`, a stage the prospect has left: the
        answers correct that stage's interview and the history says so.

        ``records`` are the prospect's records as just read (:meth:`read`), if at hand:
        the prospect file is then read once, by the check, and written once."""
        stored_records = records
        if stored_records is None or stored_records.prospect.id != prospect.id:
            stored_records = self.store.read_prospect(prospect.id)
        if stage is not None and stage != prospect.stage:
            past: Interview | None = self.past_interview(prospect, stage, stored_records)
            qs = self.snapshot(past)
        else:
            past = None
            qs = self.question_set_for(prospect, stored_records)
        if isinstance(inputs, Mapping):
            inputs = [AnswerInput(question_id=k, value=v) for k, v in inputs.items()]
        inputs = list(inputs)
        answers: list[AnswerRecord] = []
        errors: list[str] = []
        for item in inputs:
            found = qs.resolve(item.question_id)
            if found is None:
                errors.append(unknown_key(qs, item.question_id))
                continue
            if not found[0].answerable:
                calculated = Phrase("is calculated from its formula; answer its inputs")
                errors.append(Joined((item.question_id, calculated), ": "))
                continue
            value = item.value
            if item.state == "answered":
                try:
                    value = validate_answer(found[0], item.value)
                except AnswerError as exc:
                    errors.append(Joined((item.question_id, said(exc)), ": "))
                    continue
            else:
                value = None
            answers.append(
                AnswerRecord(
                    question_id=item.question_id,
                    value=value,
                    state=item.state,
                    source=item.source or found[0].source or "stated",
                    note=item.note,
                    by=self.user,
                )
            )
        existing = past if past is not None else self.stage_interview(prospect, stored_records)
        earlier, day = self._earlier(prospect, qs, existing, stored_records), today()
        if not errors:
            errors = broken_constraints(qs, existing, answers, earlier, day)
        if not errors:
            from qualify.workflow.reviews import unexplained_outcome

            errors = unexplained_outcome(qs, existing, answers, earlier, day)
        if errors:
            raise WorkflowError(Phrase("nothing recorded: {errors}", errors=Joined(errors)))
        stored = existing.answers if existing is not None else {}
        answers = [
            r.model_copy(update={"previous": replaced(stored.get(r.question_id))}) for r in answers
        ]
        interview = past or self.open_interview(prospect, stored_records)
        # The store recomputes the list row inside its write; `saved` holds every stored
        # answer (a colleague's too). Refused if the prospect left the stage meanwhile.
        saved = self.store.record_answers(interview.id, answers, expected_stage=prospect.stage)
        if past is not None:
            self.store.append_history(correction_entry(prospect, past, stored, answers, self.user))
        return self.assess(prospect, saved)

    def _earlier(
        self,
        prospect: Prospect,
        qs: QuestionSet,
        interview: Interview | None,
        records: ProspectRecords | None = None,
    ) -> dict[str, dict[str, Any]]:
        """The earlier stages' values the set reads (`first-date.x`), for `interview` (or
        the one about to start); empty when the set reads none."""
        if not qs.other_sets:
            return {}
        scored = self.assess(prospect, stored=records).scored
        before = interview.id if interview is not None else None
        return earlier_values(scored, before, exclude=qs.id)

    def answer_context(
        self, prospect: Prospect, qs: QuestionSet, records: ProspectRecords | None = None
    ) -> dict[str, Any]:
        """What the constraints of new answers read besides them: the answers of the
        current stage's interview, and earlier stages' values as `set-id.question`."""
        interview = self.stage_interview(prospect, records)
        values = answer_values(interview) if interview is not None else {}
        earlier = self._earlier(prospect, qs, interview, records)
        flat = {f"{sid}.{qid}": v for sid, vals in earlier.items() for qid, v in vals.items()}
        return {**flat, **values}

    # ------------------------------------------------------------------ reviews
    def start_review(self, prospect: Prospect) -> Interview:
        """Start the next relationship review of a committed partner (see
        :mod:`qualify.workflow.reviews`)."""
        from qualify.workflow.reviews import start_review

        return start_review(self, prospect)

    def _target(self, prospect: Prospect, stage: str | None) -> tuple[Interview, bool]:
        """The interview an answer goes to, and whether it corrects a stage left."""
        if stage is not None and stage != prospect.stage:
            return self.past_interview(prospect, stage), True
        return self.open_interview(prospect), False

    def clear_answer(
        self, prospect: Prospect, question_id: str, *, stage: str | None = None
    ) -> Assessment:
        """Withdraw an answer (recorded as an empty answer, so the change is on disk); its
        note stays with the question, as an undo keeps it."""
        interview, past = self._target(prospect, stage)
        current = interview.answers.get(question_id)
        record = AnswerRecord(
            question_id=question_id,
            value=None,
            state="answered",
            note=current.note if current is not None else "",
            by=self.user,
            previous=replaced(current),
        )
        saved = self.store.record_answers(interview.id, [record], expected_stage=prospect.stage)
        if past:
            mark = correction_entry(prospect, interview, interview.answers, [record], self.user)
            self.store.append_history(mark)
        return self.assess(prospect, saved)

    def set_note(
        self, prospect: Prospect, question_id: str, note: str, *, stage: str | None = None
    ) -> Assessment:
        """A note on a question, kept with its answer (or alone, before it is answered)."""
        interview, _ = self._target(prospect, stage)
        current = interview.answers.get(question_id)
        record = (
            current.model_copy(update={"note": note})
            if current is not None
            else AnswerRecord(question_id=question_id, value=None, note=note, by=self.user)
        )
        saved = self.store.record_answers(interview.id, [record], expected_stage=prospect.stage)
        return self.assess(prospect, saved)

    # ------------------------------------------------------------------ assessment
    def records(
        self,
        prospect: Prospect,
        interview: Interview | None = None,
        stored: ProspectRecords | None = None,
    ) -> ProspectRecords:
        """The prospect's records as stored, in one read (with `interview` as given, if it
        is newer than the stored copy); ``stored`` when they were just read."""
        if stored is None or stored.prospect.id != prospect.id:
            stored = self.store.read_prospect(prospect.id)
        interviews = sorted(stored.interviews, key=lambda i: i.started_at)
        if interview is not None:
            interviews = [interview if i.id == interview.id else i for i in interviews]
        history = sorted(stored.history, key=lambda h: h.at)
        return ProspectRecords(prospect, tuple(interviews), tuple(history))

    def assess(
        self,
        prospect: Prospect,
        interview: Interview | None = None,
        *,
        stored: ProspectRecords | None = None,
    ) -> Assessment:
        """Where the prospect stands (see :mod:`qualify.core.assess`); ``stored`` are its
        records when they were just read."""
        records = self.records(prospect, interview, stored)
        snapshots = self.snapshots_of(records)
        sets = self.catalog.question_sets
        return assess(records, pipeline=self.pipeline, snapshots=snapshots, active_sets=sets)

    def snapshots_of(self, records: ProspectRecords) -> Snapshots:
        """The sets the interviews were asked with, each parsed once per process."""
        sets, into = self.catalog.question_sets, self._snapshots
        return read_snapshots(
            self.store, records.interviews, sets, into=into, language=self.language
        )

    # ------------------------------------------------------------------ moves
    def advance(
        self,
        prospect: Prospect,
        *,
        override: str | None = None,
        from_stage: str | None = None,
    ) -> HistoryEntry:
        """Move to the next stage if the gate passes, or with an override reason.

        A compare-and-set either way: of two at once, one moves. ``from_stage`` is the
        stage the user saw (StageConflict if the prospect is elsewhere). An override
        without it is refused when the prospect was moved to its stage in the last
        RECENT_MOVE seconds (by anyone: the same login may run in two places): that
        move, not the gate the user meant to override, is most likely what the user has
        not seen yet."""
        if from_stage is not None and prospect.stage != from_stage:
            raise StageConflict(
                Phrase(
                    "{name} is at {stage}, not at {wanted}: nothing was changed",
                    name=prospect.name,
                    stage=prospect.stage,
                    wanted=from_stage,
                )
            )
        stage = moves.check_can_advance(prospect, self.pipeline)
        assessment = self.assess(prospect)
        if override is not None and from_stage is None:
            check_recent_move(assessment.records, RECENT_MOVE)
        gate, qs = assessment.gate, assessment.gate_set
        if gate is None or qs is None:  # the stage's set is missing or broken
            self.active_question_set(stage.set_for(prospect.kind.value))  # raises, naming it
            raise WorkflowError(Phrase("no gate can be evaluated for {stage}", stage=stage.title))
        if override is not None and not readable(override):
            raise WorkflowError(Phrase("an override needs a reason"))
        if not gate.passed and override is None:
            raise GateBlocked(gate, qs, assessment.sources)
        move = moves.advance(prospect, gate, self.pipeline, override=override, by=self.user)
        # Compare-and-set: of two advances at once, the second raises StageConflict.
        self.store.move_prospect(
            move.prospect,
            move.entry,
            expected_stage=prospect.stage,
            expected_status=prospect.status,
        )
        if assessment.interview is not None and assessment.interview.status != "complete":
            self.store.update_interview(
                assessment.interview.model_copy(
                    update={"status": "complete", "completed_at": utcnow()}
                )
            )
        return move.entry

    def decline(self, prospect: Prospect, reason: str) -> HistoryEntry:
        """Part ways, always with a reason."""
        return self._set_status(prospect, "decline", reason)

    def hold(self, prospect: Prospect, reason: str, recontact_on: date | None) -> HistoryEntry:
        """Just friends: a good company at the wrong time, with a date to call again."""
        return self._set_status(prospect, "hold", reason, recontact_on)

    def reopen(self, prospect: Prospect, reason: str = "") -> HistoryEntry:
        return self._set_status(prospect, "reopen", reason)

    def _set_status(
        self,
        prospect: Prospect,
        action: HistoryAction,
        reason: str,
        recontact_on: date | None = None,
    ) -> HistoryEntry:
        move = moves.change_status(
            prospect, action, reason, by=self.user, recontact_on=recontact_on, today=today()
        )
        self.store.move_prospect(
            move.prospect,
            move.entry,
            expected_stage=prospect.stage,
            expected_status=prospect.status,
        )
        return move.entry
