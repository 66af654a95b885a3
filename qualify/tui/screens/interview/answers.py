"""The writes of one interview: an answer, its withdrawal, a state (unknown, declined), a
source, a note. Each is a :class:`~qualify.tui.saves.SaveJob` for the prospect's queue;
it runs later, in the queue's worker thread, in the order given.

A write builds on the answer as the write before it left it (``latest``), not as the
screen last showed it, so a note and an answer given in quick succession keep each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qualify.core.errors import QualifyError
from qualify.i18n import N_, _
from qualify.tui.messages import AnswerNotSaved, AnswerRecorded
from qualify.tui.saves import SaveJob
from qualify.tui.screens.interview.pane import SOURCE_WORDS, SOURCES, STATE_WORDS

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from qualify.core.assess import Assessment
    from qualify.core.records import AnswerRecord, Prospect
    from qualify.workflow.qualifier import Qualifier


def not_saved(question_id: str) -> Callable[[BaseException], AnswerNotSaved]:
    """The message for a write that raised: one line, never a traceback."""

    def message(exc: BaseException) -> AnswerNotSaved:
        if isinstance(exc, QualifyError):
            text = str(exc)
        elif isinstance(exc, OSError):
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            text = f"{exc.strerror or exc}{where}"
        else:
            text = _("unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}")
        return AnswerNotSaved(question_id, text)

    return message


APP_WORDS: tuple[tuple[str, str], ...] = (
    (N_("run `qualify validate`"), N_("press s on the prospects list to see what is wrong")),
    (N_("`qualify reopen` first"), N_("reopen it first (r on the prospect)")),
    (N_("`qualify prospect list` shows the ids"), N_("the prospects list shows them")),
)
"""What a refusal says about the command line, and what to do in the app instead: each
as the language in use words it (a German refusal says `qualify reopen` its own way)."""

MARKED = (N_("Unknown: ask next time"), N_("Declined to answer"))
"""pane.STATE_WORDS, marked for the catalog (the notices below translate them)."""


def app_words(message: str) -> str:
    """A workflow's refusal, said in the language in use, in the app's terms (keys, not
    commands)."""
    for cli, app in APP_WORDS:
        message = message.replace(_(cli), _(app))
    return message


class AnswerWriter:
    """Builds the writes of one prospect's interview; the replies go to `reply_to`."""

    def __init__(
        self,
        qualifier: Qualifier,
        prospect: Prospect,
        latest: Assessment,
        reply_to: MessagePump,
        key_of: Callable[[str], str] = str,
        stage: str | None = None,
    ) -> None:
        self.qualifier = qualifier
        self.stage = stage
        """An earlier stage whose interview is corrected (None: the current one)."""
        self.key_of = key_of
        """Question id → where its answer is kept (a repeated section's first repeat)."""
        self.prospect = prospect
        self.latest = latest
        """The assessment the last write returned (read and replaced only by the writes,
        which run one at a time)."""
        self.reply_to = reply_to

    def _previous(self, key: str) -> AnswerRecord | None:
        interview = self.latest.interview
        return interview.answers.get(key) if interview is not None else None

    def _job(self, question_id: str, write: Callable[[], AnswerRecorded]) -> SaveJob:
        return SaveJob(write=write, failed=not_saved(question_id), reply_to=self.reply_to)

    def _done(self, question_id: str, assessment: Assessment, **kw: Any) -> AnswerRecorded:
        interview = self.latest.interview
        if self.stage is not None and interview is not None:
            assessment = focused(assessment, interview.id)
        self.latest = assessment
        return AnswerRecorded(question_id, assessment, **kw)

    # ------------------------------------------------------------------ writes
    def answer(self, question_id: str, value: Any) -> SaveJob:
        """Record an answer, keeping the source and note it had; an empty one withdraws it.
        The answer key is taken now (the repeat on screen), not when the write runs."""
        key = self.key_of(question_id)

        def write() -> AnswerRecorded:
            return self._write(question_id, key, value)

        return self._job(question_id, write)

    def withdraw(self, question_id: str) -> SaveJob:
        """Withdraw the answer (x): the question is open again."""
        key = self.key_of(question_id)

        def write() -> AnswerRecorded:
            return self._write(question_id, key, None)

        return self._job(question_id, write)

    def mark(self, question_id: str, state: str) -> SaveJob:
        """Unknown (ask next time) or declined, without a value; the same mark again
        undoes it: back to the answer it replaced (its note as it is now), or to
        unanswered when there was none."""
        key = self.key_of(question_id)

        def write() -> AnswerRecorded:
            previous = self._previous(key)
            if previous is not None and previous.state == state:
                before = previous.previous or {}
                was = before.get("state", "answered")
                if was != state and (was != "answered" or before.get("value") is not None):
                    value, source = before.get("value"), before.get("source")
                    notice = _("Back to the answer before.")
                    back = self._write(question_id, key, value, state=was, source=source)
                    back.notice, back.restored = notice, True
                    return back
                return self._write(question_id, key, None, notice=_("Back to unanswered."))
            notice = _(STATE_WORDS[state]) + "."
            return self._write(question_id, key, None, state=state, notice=notice)

        return self._job(question_id, write)

    def next_source(self, question_id: str) -> SaveJob:
        """How sure the answer is, one step on: stated → verified → estimated → observed →
        our records → stated."""
        key = self.key_of(question_id)

        def write() -> AnswerRecorded:
            previous = self._previous(key)
            if previous is None or previous.value is None:  # nothing to qualify (yet)
                return AnswerRecorded(question_id, self.latest)
            source = previous.source
            at = SOURCES.index(source) if source in SOURCES else -1
            nxt = SOURCES[(at + 1) % len(SOURCES)] if at >= 0 else "stated"
            return self._write(
                question_id,
                key,
                previous.value,
                source=nxt,
                notice=_("Source:") + " " + _(SOURCE_WORDS[nxt]),
            )

        return self._job(question_id, write)

    def note(self, question_id: str, note: str) -> SaveJob:
        """A note on the question, kept with its answer (or alone, before it is answered)."""
        key = self.key_of(question_id)

        def write() -> AnswerRecorded:
            assessment = self.qualifier.set_note(self.prospect, key, note, stage=self.stage)
            return self._done(
                question_id,
                assessment,
                notice=_("Note saved.") if note else _("Note removed."),
            )

        return self._job(question_id, write)

    def _write(
        self,
        question_id: str,
        key: str,
        value: Any,
        *,
        state: str = "answered",
        source: str | None = None,
        notice: str = "",
    ) -> AnswerRecorded:
        """One ``Qualifier.record`` (or ``clear_answer``); in the writer's thread."""
        from qualify.core.questionnaire import AnswerInput

        q, previous = self.qualifier, self._previous(key)
        if state == "answered" and (value is None or value == []):
            if previous is None or (previous.value is None and previous.state == "answered"):
                return AnswerRecorded(question_id, self.latest, notice)  # nothing to do
            assessment = q.clear_answer(self.prospect, key, stage=self.stage)
        else:
            # The source of an answer given before (the user's or the question's) goes on
            # with its value; a placeholder (withdrawn, a note alone, unknown, declined)
            # has none: the new answer takes the question's own (None).
            had = previous is not None and previous.value is not None
            answer = AnswerInput(
                question_id=key,
                value=value if state == "answered" else None,
                state=state,  # type: ignore[arg-type]
                source=source or (previous.source if had else None),  # type: ignore[arg-type]
                note=previous.note if previous else "",
            )
            assessment = q.record(self.prospect, [answer], stage=self.stage)
        return self._done(question_id, assessment, notice=notice)


def focused(assessment: Assessment, interview_id: str) -> Assessment:
    """The assessment as the screen reads it while it corrects an earlier stage: that
    stage's interview in the place of the current one, and no gate (a correction moves
    nobody)."""
    from dataclasses import replace

    for scored in assessment.scored:
        if scored.interview.id == interview_id:
            return replace(assessment, current=scored, basis=scored, gate=None)
    return assessment


_KEEP = object()


class Unsaved:
    """What the screen has given and not yet seen on disk: how many writes per question
    are in flight, the values they carry (so the next question's visibility follows the
    answer at once), why the last one failed, and what waits for all of them."""

    def __init__(self) -> None:
        self.writing: Counter[str] = Counter()
        """Question id → writes put and not answered yet."""
        self.values: dict[str, Any] = {}
        """Question id → the value being written (None: no value, e.g. marked unknown)."""
        self.errors: dict[str, str] = {}
        """Question id → why its last write failed (the previous answer stands)."""
        self.given = 0
        """How many writes were ever put (a read that started before one may miss it)."""
        self._waiting: list[Callable[[], object]] = []

    @property
    def empty(self) -> bool:
        return not self.writing

    def saving(self, question_id: str | None) -> bool:
        return bool(question_id and self.writing[question_id])

    def put(self, question_id: str, value: Any = _KEEP) -> None:
        """A write is on its way; `value` is what it leaves as the answer (if it changes)."""
        self.writing[question_id] += 1
        self.given += 1
        if value is not _KEEP:
            self.values[question_id] = value

    def done(self, question_id: str, error: str | None = None) -> list[Callable[[], object]]:
        """A write came back; returns what waited for every write, once none is left."""
        self.writing[question_id] -= 1
        if self.writing[question_id] <= 0:
            del self.writing[question_id]
            self.values.pop(question_id, None)
        if error is None:
            self.errors.pop(question_id, None)
        else:
            self.errors[question_id] = error
        if self.writing or not self._waiting:
            return []
        waiting, self._waiting = self._waiting, []
        return waiting

    def after(self, then: Callable[[], object]) -> bool:
        """Keep `then` for when every write is back; False (keep nothing) if none is out."""
        if self.empty:
            return False
        self._waiting.append(then)
        return True

    def overlay(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The saved answers with the ones on their way laid over them."""
        if not self.values:
            return answers
        merged = dict(answers)
        for question_id, value in self.values.items():
            if value is None or value == []:
                merged.pop(question_id, None)
            else:
                merged[question_id] = value
        return merged
