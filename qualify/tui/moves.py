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

from qualify.core.errors import QualifyError
from qualify.core.words import one_line, visible

if TYPE_CHECKING:
    from qualify.core.records import HistoryEntry
    from qualify.tui.modals.reason import ReasonResult
    from qualify.tui.screens.base import QualifyScreen

DECLINE_REASONS: tuple[str, ...] = (
    "Sells mainly by discounting online: channel conflict",
    "Carries a directly competing line and will not give ours shelf space",
    "No real presence in the territory",
    "Failed credit check",
    "Will not commit people to training",
    "Overlaps an existing partner's key accounts",
)
"""Common reasons offered by the decline prompt (any other can be typed)."""

REOPEN_REASONS: tuple[str, ...] = (
    "The reason for parting ways no longer holds",
    "Time to call again, as agreed",
)

UNDO_REASONS: tuple[str, ...] = (
    "Pressed by mistake",
    "Wrong prospect",
    "The answer was wrong",
)

HOLD_REASONS: tuple[str, ...] = (
    "Good company, wrong time: busy with another project this year",
    "Budget frozen until the next fiscal year",
)


def _error(screen: QualifyScreen, title: str, exc: Exception) -> None:
    screen.notify(str(exc), title=title, severity="error", markup=False, timeout=8)


def advance(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """Ask first, showing the gate: when it is met, a confirmation whose focused button is
    Cancel (no run of Enter moves a prospect); when it is not, what is missing and the
    way to an override with a reason."""
    from qualify.tui.modals.confirm import ConfirmDialog
    from qualify.tui.widgets.gate_checklist import criterion_text
    from qualify.workflow.qualifier import GateBlocked

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        assessment = q.assess(prospect)
    except QualifyError as exc:
        _error(screen, "Cannot advance", exc)
        return
    gate = assessment.gate
    if gate is None:
        _error(screen, "Cannot advance", QualifyError(assessment.next_step or "no gate here"))
        return
    if not gate.passed:
        blocked = GateBlocked(gate, assessment.gate_set, assessment.sources)
        _offer_override(screen, prospect_id, blocked, done)
        return
    titles = screen.workspace.stage_titles()
    target = titles.get(gate.next_stage_id or "", "the next stage")
    met = "\n".join(
        f"  ✓ {one_line(criterion_text(c, assessment.gate_set, assessment.sources).plain)}"
        for c in gate.criteria
    )

    def confirmed(yes: bool | None) -> None:
        if not yes:
            return
        try:
            entry = q.advance(q.store.get_prospect(prospect_id))
        except QualifyError as exc:
            _error(screen, "Cannot advance", exc)
            return
        _advanced(screen, entry, done)

    screen.app.push_screen(
        ConfirmDialog(
            f"Move {visible(prospect.name)} on to {target}?",
            f"The gate to {target} is met:\n{met}\n\nThe move is kept in the history "
            "(ctrl+z undoes it, with a reason).",
            yes="Advance",
            no="Cancel",
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
        _error(screen, "Cannot start a review", exc)
        return
    if before is not None and started.id == before.id:
        screen.notify("The current review is still empty: answer it (i).", title="Review")
    else:
        screen.notify("Next review started: answer it (i).", title="Review", markup=False)
        screen.prospects_changed(prospect_id)
    done()


def _advanced(screen: QualifyScreen, entry: HistoryEntry, done: Callable[[], None]) -> None:
    titles = screen.workspace.stage_titles()
    to = titles.get(entry.to_stage or "", entry.to_stage)
    how = " (gate overridden)" if entry.overridden else ""
    screen.notify(f"Moved on to {to}{how}.", title="Advanced", markup=False)
    screen.prospects_changed(entry.prospect_id)
    done()


def _offer_override(
    screen: QualifyScreen, prospect_id: str, blocked, done: Callable[[], None]
) -> None:
    from qualify.tui.modals.confirm import ConfirmDialog
    from qualify.tui.modals.reason import ReasonPrompt
    from qualify.tui.widgets.gate_checklist import criterion_text

    # The same words as the prospect screen's checklist: a fact to verify by its question.
    unmet = "\n".join(
        f"  ✗ {one_line(criterion_text(c, blocked.question_set, blocked.sources).plain)}"
        for c in blocked.result.criteria
        if not c.met
    )
    titles = screen.workspace.stage_titles()
    target = titles.get(blocked.result.next_stage_id or "", "the next stage")

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
            _error(screen, "Cannot advance", exc)
            return
        _advanced(screen, entry, done)

    def confirmed(override: bool | None) -> None:
        if override:
            screen.app.push_screen(
                ReasonPrompt(
                    f"Override the gate to {target}",
                    "Why move on without meeting the gate? The reason is kept in the history.",
                    action="Override and advance",
                    suggestions=("Strategic account; director approved",),
                ),
                reason_given,
            )

    screen.app.push_screen(
        ConfirmDialog(
            f"The gate to {target} is not met",
            f"Still missing:\n{unmet}\n\nKeep dating, or override the gate with a reason.",
            yes="Override…",
            no="Keep dating",
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
        _error(screen, "Not declined", exc)
        return
    suggestions = DECLINE_REASONS
    if knockout_reason:
        suggestions = (one_line(knockout_reason), *suggestions)

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.decline(q.store.get_prospect(prospect_id), result.reason)
        except QualifyError as exc:
            _error(screen, "Not declined", exc)
            return
        screen.notify(f"Parted ways with {name}.", title="Declined", markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            f"Part ways with {name}",
            "The reason is kept in the history; the prospect can be reopened later.",
            action="Decline",
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
            _error(screen, "Not changed", exc)
            return
        screen.notify(f"{name}: just friends for now.", markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            f"Just friends: {name}",
            "A good company at the wrong time. Keep in touch and call again later.",
            action="Keep in touch",
            suggestions=HOLD_REASONS,
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
        _error(screen, "Not reopened", exc)
        return

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.reopen(q.store.get_prospect(prospect_id), result.reason)
        except QualifyError as exc:
            _error(screen, "Not reopened", exc)
            return
        screen.notify(f"{name} reopened.", markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            f"Reopen {visible(name)}",
            "Start dating again at the stage where it stopped. Why now?",
            action="Reopen",
            suggestions=REOPEN_REASONS,
        ),
        given,
    )


def undo(screen: QualifyScreen, prospect_id: str, done: Callable[[], None]) -> None:
    """ctrl+z: name the latest move or answer, ask why, and undo it as a new line of the
    history (nothing is erased)."""
    from qualify.tui.modals.reason import ReasonPrompt
    from qualify.workflow import corrections

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        found = corrections.undoable(q, prospect)
    except QualifyError as exc:
        _error(screen, "Nothing undone", exc)
        return
    if found is None:
        screen.notify(f"Nothing to undo for {prospect.name}.", markup=False)
        return

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            undone = corrections.undo(q, q.store.get_prospect(prospect_id), result.reason)
        except QualifyError as exc:
            _error(screen, "Nothing undone", exc)
            return
        screen.notify(f"Undone: {undone.what}.", title="Undo", markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ReasonPrompt(
            f"Undo {visible(found[1])}?",
            f"{visible(prospect.name)}: the undo is added to the history with your reason; "
            "nothing is erased.",
            action="Undo",
            suggestions=UNDO_REASONS,
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
        _error(screen, "Cannot edit", exc)
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
            )
        except QualifyError as exc:
            _error(screen, "Not saved", exc)
            return
        screen.notify(f"{result.name} saved.", markup=False)
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(
        ProspectForm(
            title=f"Edit {prospect.name}",
            name=prospect.name,
            territory=prospect.territory,
            kind=prospect.kind.value,
            notes=prospect.notes,
            territories=territories,
            action="Save",
        ),
        edited,
    )
