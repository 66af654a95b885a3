"""The prospect screen's keys. Every binding has an id (``prospect.interview``…) so users
can remap it from their config."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("escape", "back", "Back", tooltip="Back to the prospects", id="prospect.back"),
    Binding(
        "i",
        "interview",
        "Interview",
        tooltip="Start or resume this stage's interview",
        id="prospect.interview",
    ),
    Binding(
        "a",
        "advance",
        "Advance",
        tooltip="Move to the next stage (when the gate is not met: override with a reason)",
        id="prospect.advance",
    ),
    Binding("d", "decline", "Decline", tooltip="Part ways, with a reason", id="prospect.decline"),
    Binding(
        "h",
        "hold",
        "Just friends",
        show=False,
        tooltip="Good company, wrong time: keep in touch, with a date to call again",
        id="prospect.hold",
    ),
    Binding("r", "reopen", "Reopen", tooltip="Start dating again", id="prospect.reopen"),
    Binding(
        "v",
        "review",
        "Next review",
        tooltip="Start the next relationship review of a committed partner (the last is kept)",
        id="prospect.review",
    ),
    Binding("p", "report", "Report", tooltip="Preview the fit report", id="prospect.report"),
    Binding(
        "x",
        "app.export_report",
        "Export",
        show=False,
        tooltip="Write the fit report to a file",
        id="prospect.export",
    ),
    Binding("e", "edit", "Edit", show=False, tooltip="Edit the facts", id="prospect.edit"),
    Binding(
        "g",
        "agenda",
        "Agenda",
        tooltip="The next meeting's agenda (again: back to the overview)",
        id="prospect.agenda",
    ),
    Binding(
        "f",
        "evidence",
        "Files",
        tooltip="The evidence files (again: back to the overview)",
        id="prospect.evidence",
    ),
    Binding(
        "o",
        "open_file",
        "Open",
        tooltip="Open the highlighted evidence file with the system viewer",
        id="prospect.open_file",
    ),
    Binding(
        "plus",
        "attach",
        "Attach",
        tooltip="Attach a file (a credit report, a reference letter…) to a question",
        id="prospect.attach",
    ),
    Binding(
        "m",
        "export_agenda",
        "Agenda → Markdown",
        show=False,
        tooltip="Write the agenda as Markdown into the reports folder and copy it",
        id="prospect.agenda_export",
    ),
    Binding(
        "c",
        "compare",
        "Compare",
        tooltip="Compare with the ideal partner, or with another prospect",
        id="prospect.compare",
    ),
    Binding(
        "n",
        "meeting",
        "Next meeting",
        tooltip="Agree the next meeting: a date, a time, a note",
        id="prospect.meeting",
    ),
    Binding(
        "t",
        "correct",
        "Correct a stage",
        show=False,
        tooltip="Open an earlier stage's interview from the timeline, to correct it",
        id="prospect.correct",
    ),
    Binding(
        "ctrl+z",
        "undo",
        "Undo",
        show=False,
        tooltip="Undo the latest move or answer, with a reason (kept in the history)",
        id="prospect.undo",
    ),
]
