"""The prospect screen's evidence files: their own tab (newest first, superseded ones
marked), Enter or ``o`` opens the highlighted one with the system viewer (in a worker: the
app never waits for the viewer), ``+`` attaches a new one to a question of the current
stage (the interview's attach dialog, after picking the question)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static, TabbedContent

from qualify.core.words import visible
from qualify.i18n import _, counted, error_text
from qualify.tui.widgets.evidence_list import EvidenceList

if TYPE_CHECKING:
    from qualify.core.evidence import Attachment
    from qualify.tui.screens.prospect import ProspectScreen
    from qualify.tui.workspace import ProspectView

EVIDENCE = "evidence"
"""Id of the evidence files tab."""


class EvidenceActions:
    """The evidence tab, shown and acted on."""

    def _show_evidence(self: ProspectScreen, view: ProspectView) -> None:  # type: ignore[misc]
        """The evidence tab, its label and the line above the list."""
        from qualify.workflow.evidence import listed

        items = listed(view.attachments)
        current = sum(1 for i in items if i.superseded_by is None)
        tabs = self.query_one(TabbedContent)
        label = _("Files")
        tabs.get_tab(EVIDENCE).label = Content(f"{label} ({len(items)})" if items else label)
        head: list[tuple[str, str]] = [(_("Evidence files"), "bold")]
        if view.attachments_problem:
            head.append((f" · {view.attachments_problem}", "$text-error"))
        elif items:
            files = counted("{n} file", "{n} files", len(items))
            head.append(
                (" · " + _("{files}, {current} current").format(files=files, current=current), "")
            )
            head.append(
                (
                    "\n"
                    + _(
                        "Enter (or o) opens the highlighted file with the system viewer · "
                        "+ attaches a new one"
                    ),
                    "$text-muted",
                )
            )
        else:
            head.append(
                (
                    "\n"
                    + _(
                        "No file attached yet: + attaches one to a question (a credit report, "
                        "a reference letter, a photo of the showroom)."
                    ),
                    "$text-muted",
                )
            )
        self.query_one("#evidence-head", Static).update(Content.assemble(*head))
        self.query_one(EvidenceList).show(items, self._question_of)

    def _question_of(self: ProspectScreen, attachment: Attachment) -> str:  # type: ignore[misc]
        """The question a file documents, as the set of its stage words it."""
        view = self.view
        qs = view.assessment.question_set if view is not None else None
        text = attachment.question_id
        if qs is not None and attachment.stage == view.prospect.stage:  # type: ignore[union-attr]
            found = qs.resolve(attachment.question_id)
            if found is not None:
                question, repeat = found
                text = question.text + (
                    " " + _("(repeat {n})").format(n=repeat + 1) if repeat is not None else ""
                )
        stage = self.workspace.stage_titles().get(attachment.stage, attachment.stage)
        return f"{text} ({stage})"

    def action_evidence(self: ProspectScreen) -> None:  # type: ignore[misc]
        """Show the evidence tab (and focus its list); again: back to the overview."""
        from qualify.tui.screens.prospect_agenda import OVERVIEW

        tabs = self.query_one(TabbedContent)
        if tabs.active == EVIDENCE:
            tabs.active = OVERVIEW
            self.query_one("#main").focus()
        else:
            tabs.active = EVIDENCE
            self.query_one(EvidenceList).focus()
        self.refresh_bindings()

    def on_evidence_list_chosen(self: ProspectScreen, event: EvidenceList.Chosen) -> None:  # type: ignore[misc]
        event.stop()
        self.open_file(event.attachment)

    def action_open_file(self: ProspectScreen) -> None:  # type: ignore[misc]
        found = self.query_one(EvidenceList).current
        if found is not None:
            self.open_file(found)

    @work(thread=True, group="evidence-open", exit_on_error=False)
    def open_file(self: ProspectScreen, attachment: Attachment) -> None:  # type: ignore[misc]
        """A checked copy to the system viewer, as the interview's dialog does it."""
        from qualify.paths import evidence_view_dir
        from qualify.tui.modals.evidence import open_in_viewer

        problem = open_in_viewer(self.qualifier, attachment, evidence_view_dir())
        if problem is None:
            self.app.call_from_thread(
                self.notify,
                _("Opened {name}").format(name=visible(attachment.name, one_line=True)),
                markup=False,
            )
        else:
            self.app.call_from_thread(
                self.notify, problem, title=_("Evidence files"), severity="error", markup=False
            )

    def action_attach(self: ProspectScreen) -> None:  # type: ignore[misc]
        """Pick a question of the current stage, then the interview's attach dialog."""
        from qualify.core.words import one_line
        from qualify.paths import evidence_view_dir
        from qualify.tui.modals.evidence import EvidenceDialog, EvidenceTarget
        from qualify.tui.modals.question_picker import QuestionPicker, question_choices
        from qualify.workflow.evidence import EvidenceFileError, evidence_limit

        view = self.view
        qs = view.assessment.question_set if view is not None else None
        if view is None or qs is None:
            why = (view.problem if view is not None else "") or _("this stage has no question set")
            self.notify(why, title=_("Evidence files"), severity="warning", markup=False)
            return
        try:
            limit = evidence_limit(self.workspace.data_dir)
        except EvidenceFileError as exc:
            self.notify(error_text(exc), title=_("Evidence files"), severity="error", markup=False)
            return
        interview = view.assessment.interview
        answers = {k: r.value for k, r in interview.answers.items()} if interview else {}
        highlighted = self.query_one(EvidenceList).current
        chosen = highlighted.question_id if highlighted is not None else ""
        stage = self.workspace.stage_titles().get(view.prospect.stage, view.prospect.stage)

        def picked(key: str | None) -> None:
            if key is None:
                return
            found = qs.resolve(key)
            text = one_line(found[0].text, 160) if found is not None else key
            target = EvidenceTarget(view.prospect, key, text)
            self.app.push_screen(EvidenceDialog(self.qualifier, target, limit, evidence_view_dir()))

        self.app.push_screen(QuestionPicker(question_choices(qs, answers), stage, chosen), picked)


__all__ = ["EVIDENCE", "EvidenceActions"]
