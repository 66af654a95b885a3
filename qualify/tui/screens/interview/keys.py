"""The interview's keys. Every binding has an id (``interview.next``…) so users can remap
it from their config; F-keys (priority) work on every question type, the letters only
where no input takes them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding(
        "escape",
        "leave",
        "Leave",
        tooltip="Back to the prospect; every answer is already saved",
        id="interview.leave",
    ),
    # PgDn / PgUp are on the buttons under the question (the footer stays readable at 80).
    Binding(
        "pagedown",
        "next",
        "Next",
        show=False,
        tooltip="Next question (or skip it)",
        id="interview.next",
    ),
    Binding("pageup", "back", "Back", show=False, tooltip="Previous question", id="interview.back"),
    # Letters where no input takes them; F-keys (priority) work on every question type.
    Binding(
        "f2",
        "note",
        "Note",
        tooltip="Attach a note to this question",
        priority=True,
        id="interview.note",
    ),
    Binding("n", "note", "Note", show=False, id="interview.note_letter"),
    Binding(
        "f6",
        "source",
        "Source",
        tooltip="How sure: stated → verified (evidence seen) → estimated → observed → our records",
        priority=True,
        id="interview.source",
    ),
    Binding("v", "source", "Source", show=False, id="interview.source_letter"),
    Binding(
        "f7",
        "state('unknown')",
        "Unknown",
        show=False,
        tooltip="Unknown: ask next time (the interview resumes here)",
        priority=True,
        id="interview.unknown",
    ),
    Binding("u", "state('unknown')", "Unknown", show=False, id="interview.unknown_letter"),
    Binding(
        "f8",
        "state('declined')",
        "Won't say",
        show=False,
        tooltip="The prospect declined to answer",
        priority=True,
        id="interview.declined",
    ),
    Binding("w", "state('declined')", "Won't say", show=False, id="interview.declined_letter"),
    Binding(
        "f10",
        "repeat(1)",
        "Repeat ▶",
        tooltip="The next repeat of this section (from the last one, a new repeat while "
        "there is room)",
        priority=True,
        id="interview.repeat",
    ),
    Binding(
        "shift+f10",
        "repeat(-1)",
        "Repeat ◀",
        show=False,
        tooltip="The previous repeat of this section",
        priority=True,
        id="interview.repeat_back",
    ),
    Binding("]", "repeat(1)", "Repeat ▶", show=False, id="interview.repeat_letter"),
    Binding("[", "repeat(-1)", "Repeat ◀", show=False, id="interview.repeat_back_letter"),
    Binding(
        "f9",
        "evidence",
        "Files",
        tooltip="Evidence files: attach one to this question (a path), or open one",
        priority=True,
        id="interview.evidence",
    ),
    Binding("e", "evidence", "Files", show=False, id="interview.evidence_letter"),
    Binding(
        "x,delete",
        "clear",
        "Clear",
        show=False,
        tooltip="Withdraw the answer to this question",
        id="interview.clear",
    ),
    Binding(
        "f3",
        "sections",
        "Sections",
        tooltip="Jump to a section (the list shows what is answered)",
        priority=True,
        id="interview.sections",
    ),
    Binding("g", "sections", "Sections", show=False, id="interview.sections_letter"),
    Binding(
        "f4",
        "summary",
        "Summary",
        tooltip="The summary and the gate",
        priority=True,
        id="interview.summary",
    ),
    Binding("f", "summary", "Summary", show=False, id="interview.summary_letter"),
    Binding(
        "a",
        "advance",
        "Advance",
        tooltip="Move to the next stage (override with a reason if the gate is not met)",
        id="interview.advance",
    ),
    Binding(
        "k",
        "keep_dating",
        "Keep dating",
        tooltip="Stay at this stage and meet again",
        id="interview.keep_dating",
    ),
    Binding("d", "decline", "Decline", tooltip="Part ways, with a reason", id="interview.decline"),
    Binding(
        "m",
        "meeting",
        "Next meeting",
        tooltip="Agree the next meeting: a date, a time, a note (the agenda and calendar)",
        id="interview.meeting",
    ),
    Binding(
        "ctrl+z",
        "undo",
        "Undo",
        show=False,
        tooltip="Undo this interview's latest answer, with a reason (kept in the history)",
        id="interview.undo",
    ),
]
"""The interview screen's bindings."""
