"""Repeated sections in the interview (three reference customers, two owners…).

The screen asks one repeat of a repeated section at a time: ``repeat_at`` says which,
per section, and every answer key of the section's questions follows it
(``references[1].ref_company``). A section has as many repeats as the core counts
(:func:`qualify.core.scoring.repeat_counts`: at least its ``min``, every answered one)
plus those added here and not answered yet, at most its ``max``. F10 goes to the next
repeat and, from the last one, adds one while there is room; Next and Back go through
a section's repeats in order before moving on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualify.core.questionnaire.model import repeat_key
from qualify.i18n import _
from qualify.tui.screens.interview.pane import QuestionPane

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Section
    from qualify.tui.screens.interview.screen import InterviewScreen


class RepeatActions:
    """Which repeat of each repeated section is on screen, and the keys that move it."""

    def key_of(self: InterviewScreen, qid: str) -> str:  # type: ignore[misc]
        """Where the answer to `qid` is kept: a repeated section's question under the
        repeat on screen."""
        section = self.repeated_section(qid)
        if section is None:
            return qid
        return repeat_key(section.id, self.repeat_at.get(section.id, 0), qid)

    def repeated_section(self: InterviewScreen, qid: str | None) -> Section | None:  # type: ignore[misc]
        qs = self.question_set
        if qs is None or qid is None or qid not in qs.repeat_of:
            return None
        return qs.section_of[qid]

    def saved_by_key(self: InterviewScreen) -> dict[str, Any]:  # type: ignore[misc]
        """Answer key → value of the answers on disk (answered ones)."""
        interview = self.assessment.interview if self.assessment else None
        return {
            key: rec.value
            for key, rec in (interview.answers.items() if interview else ())
            if rec.state == "answered" and rec.value is not None
        }

    def answers_by_key(self: InterviewScreen) -> dict[str, Any]:  # type: ignore[misc]
        """Answer key → value, the answers on their way included (under the repeat they
        were given in while it is on screen)."""
        by_key = self.saved_by_key()
        for qid, value in self.unsaved.values.items():
            key = self.key_of(qid)
            if value is None or value == []:
                by_key.pop(key, None)
            else:
                by_key[key] = value
        return by_key

    def repeat_count(self: InterviewScreen, section_id: str) -> int:  # type: ignore[misc]
        """How many repeats the section has now (added ones included)."""
        from qualify.core.scoring import repeat_counts

        qs = self.question_set
        if qs is None:
            return 1
        counts = repeat_counts(qs, self.saved_by_key(), self.repeats_added)
        return max(counts.get(section_id, 1), self.repeat_at.get(section_id, 0) + 1, 1)

    def repeat_words(self: InterviewScreen, qid: str) -> str:  # type: ignore[misc]
        """ "repeat 2 of 3 (at least 2, at most 3)" for a repeated section's question."""
        section = self.repeated_section(qid)
        if section is None or section.repeat is None:
            return ""
        r = section.repeat
        bounds = (
            _("at most {max}").format(max=r.max)
            if r.min == 0
            else _("at least {min}, at most {max}").format(min=r.min, max=r.max)
        )
        at, count = self.repeat_at.get(section.id, 0) + 1, self.repeat_count(section.id)
        return _("repeat {at} of {count} ({bounds})").format(at=at, count=count, bounds=bounds)

    def show_repeat(self: InterviewScreen, section_id: str, index: int, qid: str) -> None:  # type: ignore[misc]
        """Put repeat `index` of the section on screen, at question `qid`, once every
        answer given is on disk (the writes on their way are keyed by question, and an
        answer is never shown under another repeat than the one it was given in)."""
        self.save_pending()
        pane = self.query_one(QuestionPane)
        pane.input_on_its_way()  # what is typed meanwhile is for the repeat's question

        def switch() -> None:
            try:
                self.repeat_at[section_id] = index
                for q in self.question_set.questions.values() if self.question_set else ():
                    if self.question_set.repeat_of.get(q.id) == section_id:
                        self.saved_at.pop(q.id, None)  # "saved at": each record's own time
                self._follow_answers()
                self.go(qid)
            finally:
                pane.input_came()

        self.after_saves(switch)

    def action_repeat(self: InterviewScreen, delta: int = 1) -> None:  # type: ignore[misc]
        """The next repeat (from the last one: a new repeat while there is room, else the
        first), or the previous one; the same question, in the other repeat."""
        section = self.repeated_section(self.current)
        if section is None or section.repeat is None or self.current is None:
            return
        at, count = self.repeat_at.get(section.id, 0), self.repeat_count(section.id)
        target = at + delta
        if target >= count:
            if count < section.repeat.max and delta > 0:
                self.repeats_added[section.id] = count + 1
                self.notify(
                    _("{section}: repeat {n} added.").format(section=section.title, n=count + 1),
                    timeout=2,
                    markup=False,
                )
            else:
                target = 0
        elif target < 0:
            target = count - 1
        self.show_repeat(section.id, target, self.current)

    def step_repeat(self: InterviewScreen, delta: int, visible: list[str]) -> bool:  # type: ignore[misc]
        """Next/Back across a repeat's end: into the section's next (or previous) repeat.
        True when it moved."""
        section = self.repeated_section(self.current)
        if section is None or self.current not in visible:
            return False
        mine = [q for q in visible if q in {x.id for x in section.questions}]
        at = self.repeat_at.get(section.id, 0)
        if delta > 0 and self.current == mine[-1] and at + 1 < self.repeat_count(section.id):
            self.show_repeat(section.id, at + 1, mine[0])
            return True
        if delta < 0 and self.current == mine[0] and at > 0:
            self.show_repeat(section.id, at - 1, mine[-1])
            return True
        return False

    def first_unanswered(self: InterviewScreen) -> str | None:  # type: ignore[misc]
        """The first question to ask (every repeat of a repeated section in turn), its
        repeat put on screen; None when every one is answered."""
        qs = self.question_set
        if qs is None:
            return None
        answers = self.answers_by_key()
        for qid in self._visible_order():
            if not qs.questions[qid].answerable:
                continue  # calculated: nobody answers it
            section = self.repeated_section(qid)
            if section is None:
                if qid not in answers:
                    return qid
                continue
            for r in range(self.repeat_count(section.id)):
                if repeat_key(section.id, r, qid) not in answers:
                    self.repeat_at[section.id] = r
                    return qid
        return None

    def shown_now(self: InterviewScreen, visibility: dict[str, bool]) -> dict[str, bool]:  # type: ignore[misc]
        """Question id → shown, from a visibility by answer key: a repeated section's
        questions as in the repeat on screen (shown when that repeat is new)."""
        qs = self.question_set
        if qs is None:
            return dict(visibility)
        return {qid: visibility.get(self.key_of(qid), True) for qid in qs.questions}


__all__ = ["RepeatActions"]
