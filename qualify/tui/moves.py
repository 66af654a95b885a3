"""The moves that change a prospect's stage or status, shared by the prospect screen and
the end of an interview: advance (with an override and its reason when the gate is not
met), decline with a reason, just friends (hold) with a date, reopen; and editing the
prospect's facts, from the prospects list or the prospect screen.

Each takes the screen it was asked from, asks what it needs in the shared dialogs, calls
the Qualifier, reports the outcome as a notification, sends the change signal
(:meth:`QualifyScreen.prospects_changed`) and calls `done()` when something changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content

from qualify.core.errors import QualifyError
from qualify.core.words import one_line, visible
from qualify.i18n import N_, _, catalog_languages, error_text, tr
from qualify.tui.widgets.text import Hanging, Line

if TYPE_CHECKING:
    from qualify.core.records import HistoryEntry
    from qualify.tui.modals.reason import ReasonResult
    from qualify.tui.screens.base import QualifyScreen
    from qualify.tui.widgets.red_flags import OpenFlags

DECLINE_REASONS: tuple[str, ...] = (
    N_("Sells mainly by discounting online: channel conflict"),
    N_("Carries a directly competing line and will not give ours shelf space"),
    N_("No real presence in the territory"),
    N_("Failed credit check"),
    N_("Will not commit people to training"),
    N_("Overlaps an existing partner's key accounts"),
)
"""Common reasons offered by the decline prompt (any other can be typed)."""

REOPEN_REASONS: tuple[str, ...] = (
    N_("The reason for parting ways no longer holds"),
    N_("Time to call again, as agreed"),
)

UNDO_REASONS: tuple[str, ...] = (
    N_("Pressed by mistake"),
    N_("Wrong prospect"),
    N_("The answer was wrong"),
)

HOLD_REASONS: tuple[str, ...] = (
    N_("Good company, wrong time: busy with another project this year"),
    N_("Budget frozen until the next fiscal year"),
)


DIALOG_WIDTH = 62
"""The characters a line of the confirm dialog's body holds (72 wide, less its border,
padding and a scroll bar): a red flag's reason is cut to one line of it, so the dialog
and its buttons stay on an 80×24 screen."""


def _marked(mark: str, text: str) -> Line:
    """A criterion's line: its mark, and its words on one line (wrapped under them)."""
    return Content(mark), Content(one_line(text))


def _plain(lines: list[str]) -> list[Line]:
    return [(Content(""), Content(line)) for line in lines]


def _body(template: str, slot: str, lines: list[Line], **words: str) -> Hanging:
    """A dialog's body: the translated `template`, its placeholder `slot` (on a line of
    its own) given as `lines` (criteria whose wrap goes on under their words), the other
    placeholders filled in with `words`."""
    before, _found, after = template.partition("{" + slot + "}")
    head = before.format(**words).removesuffix("\n").split("\n")
    tail = after.format(**words).removeprefix("\n").split("\n")
    return Hanging([*_plain(head), *lines, *_plain(tail)])


def _error(screen: QualifyScreen, title: str, exc: Exception) -> None:
    screen.notify(error_text(exc), title=title, severity="error", markup=False, timeout=8)


def advance(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """Ask first, showing the gate: when it is met, a confirmation whose focused button is
    Cancel (no run of Enter moves a prospect); when it is not, what is missing and the
    way to an override with a reason. Either way with the open red flags, if any."""
    from qualify.tui.modals.confirm import ConfirmDialog
    from qualify.tui.widgets.gate_checklist import criterion_text
    from qualify.tui.widgets.red_flags import open_flags
    from qualify.workflow.qualifier import GateBlocked

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        assessment = q.assess(prospect)
    except QualifyError as exc:
        _error(screen, _("Cannot advance"), exc)
        return
    gate = assessment.gate
    titles = screen.workspace.stage_titles()
    if gate is None:
        _error(
            screen, _("Cannot advance"), QualifyError(tr(assessment.next_step) or _("no gate here"))
        )
        return
    if not gate.passed:
        blocked = GateBlocked(gate, assessment.gate_set, assessment.sources)
        _offer_override(screen, prospect_id, blocked, done, open_flags(assessment, titles))
        return
    target = titles.get(gate.next_stage_id or "", _("the next stage"))
    met = [
        _marked("  ✓ ", criterion_text(c, assessment.gate_set, assessment.sources).plain)
        for c in gate.criteria
    ]
    flags = open_flags(assessment, titles)
    if flags is not None:  # met, but not clean: red flags travel to the next gates
        met += _plain(["", *flags.lines(DIALOG_WIDTH)])

    def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        try:
            entry = q.advance(q.store.get_prospect(prospect_id))
        except QualifyError as exc:
            _error(screen, _("Cannot advance"), exc)
            return
        _advanced(screen, entry, done)

    screen.app.push_screen(
        ConfirmDialog(
            _("Move {name} on to {stage}?").format(name=visible(prospect.name), stage=target),
            _body(
                _(
                    "The gate to {stage} is met:\n{met}\n\nThe move is kept in the history "
                    "(ctrl+z undoes it, with a reason)."
                ),
                "met",
                met,
                stage=target,
            ),
            yes=_("Advance"),
            no=_("Cancel"),
        ),
        confirmed,
    )


def review(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """Start the next relationship review of a committed partner (the current one is kept)."""
    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        before = q.stage_interview(prospect)
        started = q.start_review(prospect)
    except QualifyError as exc:
        _error(screen, _("Cannot start a review"), exc)
        return
    if before is not None and started.id == before.id:
        screen.notify(_("The current review is still empty: answer it (i)."), title=_("Review"))
    else:
        screen.notify(_("Next review started: answer it (i)."), title=_("Review"), markup=False)
        screen.prospects_changed(prospect_id)
    done()


def _advanced(screen: QualifyScreen, entry: HistoryEntry, done: Callable[[], None]) -> None:
    titles = screen.workspace.stage_titles()
    to = titles.get(entry.to_stage or "", entry.to_stage)
    said = (
        _("Moved on to {stage} (gate overridden).")
        if entry.overridden
        else _("Moved on to {stage}.")
    )
    screen.notify(said.format(stage=to), title=_("Advanced"), markup=False)
    screen.prospects_changed(entry.prospect_id)
    done()


def _offer_override(
    screen: QualifyScreen,
    prospect_id: str,
    blocked,
    done: Callable[[], None],
    flags: OpenFlags | None = None,
) -> None:
    from qualify.tui.modals.confirm import ConfirmDialog
    from qualify.tui.modals.reason import ReasonPrompt
    from qualify.tui.widgets.gate_checklist import criterion_text

    # The same words as the prospect screen's checklist: a fact to verify by its question.
    unmet = [
        _marked("  ✗ ", criterion_text(c, blocked.question_set, blocked.sources).plain)
        for c in blocked.result.criteria
        if not c.met
    ]
    if flags is not None and not all(flags.holds):
        # a flag that holds this gate is on the gate's own line above: not listed twice
        heading, *lines = flags.lines(DIALOG_WIDTH)
        others = [line for line, holds in zip(lines, flags.holds, strict=True) if not holds]
        unmet += _plain(["", heading, *others])
    titles = screen.workspace.stage_titles()
    target = titles.get(blocked.result.next_stage_id or "", _("the next stage"))

    def reason_given(result: ReasonResult | None) -> None:
        if result is None:
            return
        q = screen.qualifier
        try:
            # the gate the user saw unmet: refused if the prospect moved meanwhile
            stage = blocked.result.stage_id
            prospect = q.store.get_prospect(prospect_id)
            entry = q.advance(prospect, override=result.reason, from_stage=stage)
        except QualifyError as exc:
            _error(screen, _("Cannot advance"), exc)
            return
        _advanced(screen, entry, done)

    def confirmed(override: bool | None) -> None:
        if override:
            screen.app.push_screen(
                ReasonPrompt(
                    _("Override the gate to {stage}").format(stage=target),
                    _("Why move on without meeting the gate? The reason is kept in the history."),
                    action=_("Override and advance"),
                    suggestions=(_("Strategic account; director approved"),),
                ),
                reason_given,
            )

    screen.app.push_screen(
        ConfirmDialog(
            _("The gate to {stage} is not met").format(stage=target),
            _body(
                _("Still missing:\n{unmet}\n\nKeep dating, or override the gate with a reason."),
                "unmet",
                unmet,
            ),
            yes=_("Override…"),
            no=_("Keep dating"),
        ),
        confirmed,
    )


def decline(
    screen: QualifyScreen,
    prospect_id: str,
    done: Callable[[], None],
    *,
    knockout_reason: str | None = None,
) -> None:
    """Part ways, asking for the reason (a knock-out's reason is offered first)."""
    from qualify.tui.modals.reason import ReasonPrompt

    q = screen.qualifier
    try:
        name = q.store.get_prospect(prospect_id).name
    except QualifyError as exc:
        _error(screen, _("Not declined"), exc)
        return
    suggestions = tuple(_(r) for r in DECLINE_REASONS)
    if knockout_reason:
        suggestions = (one_line(knockout_reason), *suggestions)

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.decline(q.store.get_prospect(prospect_id), result.reason)
        except QualifyError as exc:
            _error(screen, _("Not declined"), exc)
            return
        said = _("Parted ways with {name}.").format(name=name)
        screen.notify(said, title=_("Declined"), markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            _("Part ways with {name}").format(name=name),
            _("The reason is kept in the history; the prospect can be reopened later."),
            action=_("Decline"),
            suggestions=suggestions,
            danger=True,
        ),
        given,
    )


def hold(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """Just friends: keep in touch, with a reason and a date to call again."""
    from qualify.tui.modals.reason import ReasonPrompt

    q = screen.qualifier
    name = q.store.get_prospect(prospect_id).name

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.hold(q.store.get_prospect(prospect_id), result.reason, result.recontact_on)
        except QualifyError as exc:
            _error(screen, _("Not changed"), exc)
            return
        screen.notify(_("{name}: just friends for now.").format(name=name), markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            _("Just friends: {name}").format(name=name),
            _("A good company at the wrong time. Keep in touch and call again later."),
            action=_("Keep in touch"),
            suggestions=tuple(_(r) for r in HOLD_REASONS),
            ask_date=True,
        ),
        given,
    )


def reopen(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """Start dating again, asking why (the reason is kept in the history)."""
    from qualify.tui.modals.reason import ReasonPrompt

    q = screen.qualifier
    try:
        name = q.store.get_prospect(prospect_id).name
    except QualifyError as exc:
        _error(screen, _("Not reopened"), exc)
        return

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.reopen(q.store.get_prospect(prospect_id), result.reason)
        except QualifyError as exc:
            _error(screen, _("Not reopened"), exc)
            return
        screen.notify(_("{name} reopened.").format(name=name), markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            _("Reopen {name}").format(name=visible(name)),
            _("Start dating again at the stage where it stopped. Why now?"),
            action=_("Reopen"),
            suggestions=tuple(_(r) for r in REOPEN_REASONS),
        ),
        given,
    )


def undo(
    screen: QualifyScreen,
    prospect_id: str,
    done: Callable[[], None],
    interview_id: str | None = None,
) -> None:
    """ctrl+z: name the latest move or answer, ask why, and undo it as a new line of the
    history (nothing is erased). With `interview_id` (ctrl+z in an interview): only that
    interview's latest answer, never a move."""
    from qualify.tui.modals.reason import ReasonPrompt
    from qualify.workflow import corrections

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        found = corrections.undoable(q, prospect, interview_id)
    except QualifyError as exc:
        _error(screen, _("Nothing undone"), exc)
        return
    if found is None and interview_id is not None:
        screen.notify(_("No answer of this interview to undo."))
        return
    if found is None:
        screen.notify(_("Nothing to undo for {name}.").format(name=prospect.name), markup=False)
        return

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            now = q.store.get_prospect(prospect_id)
            undone = corrections.undo(q, now, result.reason, interview_id)
        except QualifyError as exc:
            _error(screen, _("Nothing undone"), exc)
            return
        said = _("Undone: {what}.").format(what=tr(undone.what))
        screen.notify(said, title=_("Undo"), markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            _("Undo {what}?").format(what=visible(tr(found[1]))),
            _(
                "{name}: the undo is added to the history with your reason; nothing is erased."
            ).format(name=visible(prospect.name)),
            action=_("Undo"),
            suggestions=tuple(_(r) for r in UNDO_REASONS),
        ),
        given,
    )


def edit(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """The prospect form filled with the stored facts; saved compare-and-set on Save."""
    from qualify.tui.modals.prospect_form import ProspectForm, ProspectFormResult

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
    except QualifyError as exc:
        _error(screen, _("Cannot edit"), exc)
        return
    territories = tuple(sorted({s.territory for s in screen.prospect_summaries() if s.territory}))

    def edited(result: ProspectFormResult | None) -> None:
        if result is None:
            return
        try:
            q.edit_prospect(
                prospect,
                name=result.name,
                territory=result.territory,
                kind=result.kind,
                notes=result.notes,
                language=result.language,
            )
        except QualifyError as exc:
            _error(screen, _("Not saved"), exc)
            return
        screen.notify(_("{name} saved.").format(name=result.name), markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ProspectForm(
            title=_("Edit {name}").format(name=prospect.name),
            name=prospect.name,
            territory=prospect.territory,
            kind=prospect.kind.value,
            notes=prospect.notes,
            territories=territories,
            action=_("Save"),
            language=prospect.language,
            languages=catalog_languages(q.catalog),
        ),
        edited,
    )
