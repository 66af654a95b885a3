"""The moves that change a prospect's stage or status, shared by the prospect screen and
the end of an interview: advance (with an override and its reason when the gate is not
met), decline with a reason, just friends (hold) with a date, reopen; and editing the
prospect's facts, from the prospects list or the prospect screen.

Each asks what it needs in the shared dialogs, calls the Qualifier, reports the outcome
as a notification and calls `done()` when something changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qualify.core.errors import QualifyError
from qualify.tui.format import one_line

if TYPE_CHECKING:
    from qualify.tui.app import QualifyApp
    from qualify.tui.modals.reason import ReasonResult

DECLINE_REASONS: tuple[str, ...] = (
    "Sells mainly by discounting online: channel conflict",
    "Carries a directly competing line and will not give ours shelf space",
    "No real presence in the territory",
    "Failed credit check",
    "Will not commit people to training",
    "Overlaps an existing partner's key accounts",
)
"""Common reasons offered by the decline prompt (any other can be typed)."""

HOLD_REASONS: tuple[str, ...] = (
    "Good company, wrong time: busy with another project this year",
    "Budget frozen until the next fiscal year",
)


def _error(app: QualifyApp, title: str, exc: Exception) -> None:
    app.notify(str(exc), title=title, severity="error", markup=False, timeout=8)


def advance(app: QualifyApp, prospect_id: str, done: Callable[[], None]) -> None:
    """Advance when the gate passes; otherwise show what is missing and offer an override."""
    from qualify.workflow.qualifier import GateBlocked

    q = app.workspace.qualifier
    try:
        entry = q.advance(q.store.get_prospect(prospect_id))
    except GateBlocked as blocked:
        _offer_override(app, prospect_id, blocked, done)
        return
    except QualifyError as exc:
        _error(app, "Cannot advance", exc)
        return
    _advanced(app, entry, done)


def _advanced(app: QualifyApp, entry, done: Callable[[], None]) -> None:
    titles = app.workspace.stage_titles()
    to = titles.get(entry.to_stage or "", entry.to_stage)
    how = " (gate overridden)" if entry.overridden else ""
    app.notify(f"Moved on to {to}{how}.", title="Advanced", markup=False)
    app.mark_changed()
    done()


def _offer_override(app: QualifyApp, prospect_id: str, blocked, done: Callable[[], None]) -> None:
    from qualify.tui.modals.confirm import ConfirmDialog
    from qualify.tui.modals.reason import ReasonPrompt
    from qualify.tui.widgets.gate_checklist import criterion_text

    # The same words as the prospect screen's checklist: a fact to verify by its question.
    unmet = "\n".join(
        f"  ✗ {one_line(criterion_text(c, blocked.question_set, blocked.sources).plain)}"
        for c in blocked.result.criteria
        if not c.met
    )
    titles = app.workspace.stage_titles()
    target = titles.get(blocked.result.next_stage_id or "", "the next stage")

    def reason_given(result: ReasonResult | None) -> None:
        if result is None:
            return
        q = app.workspace.qualifier
        try:
            entry = q.advance(q.store.get_prospect(prospect_id), override=result.reason)
        except QualifyError as exc:
            _error(app, "Cannot advance", exc)
            return
        _advanced(app, entry, done)

    def confirmed(override: bool | None) -> None:
        if override:
            app.push_screen(
                ReasonPrompt(
                    f"Override the gate to {target}",
                    "Why move on without meeting the gate? The reason is kept in the history.",
                    action="Override and advance",
                    suggestions=("Strategic account; director approved",),
                ),
                reason_given,
            )

    app.push_screen(
        ConfirmDialog(
            f"The gate to {target} is not met",
            f"Still missing:\n{unmet}\n\nKeep dating, or override the gate with a reason.",
            yes="Override…",
            no="Keep dating",
        ),
        confirmed,
    )


def decline(
    app: QualifyApp,
    prospect_id: str,
    done: Callable[[], None],
    *,
    knockout_reason: str | None = None,
) -> None:
    """Part ways, asking for the reason (a knock-out's reason is offered first)."""
    from qualify.tui.modals.reason import ReasonPrompt

    q = app.workspace.qualifier
    try:
        name = q.store.get_prospect(prospect_id).name
    except QualifyError as exc:
        _error(app, "Not declined", exc)
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
            _error(app, "Not declined", exc)
            return
        app.notify(f"Parted ways with {name}.", title="Declined", markup=False)
        app.mark_changed()
        done()

    app.push_screen(
        ReasonPrompt(
            f"Part ways with {name}",
            "The reason is kept in the history; the prospect can be reopened later.",
            action="Decline",
            suggestions=suggestions,
            danger=True,
        ),
        given,
    )


def hold(app: QualifyApp, prospect_id: str, done: Callable[[], None]) -> None:
    """Just friends: keep in touch, with a reason and a date to call again."""
    from qualify.tui.modals.reason import ReasonPrompt

    q = app.workspace.qualifier
    name = q.store.get_prospect(prospect_id).name

    def given(result: ReasonResult | None) -> None:
        if result is None:
            return
        try:
            q.hold(q.store.get_prospect(prospect_id), result.reason, result.recontact_on)
        except QualifyError as exc:
            _error(app, "Not changed", exc)
            return
        app.notify(f"{name}: just friends for now.", markup=False)
        app.mark_changed()
        done()

    app.push_screen(
        ReasonPrompt(
            f"Just friends: {name}",
            "A good company at the wrong time. Keep in touch and call again later.",
            action="Keep in touch",
            suggestions=HOLD_REASONS,
            ask_date=True,
        ),
        given,
    )


def reopen(app: QualifyApp, prospect_id: str, done: Callable[[], None]) -> None:
    q = app.workspace.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
        q.reopen(prospect, "Reopened from the app")
    except QualifyError as exc:
        _error(app, "Not reopened", exc)
        return
    app.notify(f"{prospect.name} reopened.", markup=False)
    app.mark_changed()
    done()


def edit(app: QualifyApp, prospect_id: str, done: Callable[[], None]) -> None:
    """The prospect form filled with the stored facts; saved compare-and-set on Save."""
    from qualify.tui.modals.prospect_form import ProspectForm, ProspectFormResult

    q = app.workspace.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
    except QualifyError as exc:
        _error(app, "Cannot edit", exc)
        return
    territories = tuple(sorted({s.territory for s in app.prospect_summaries() if s.territory}))

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
            _error(app, "Not saved", exc)
            return
        app.notify(f"{result.name} saved.", markup=False)
        app.mark_changed()
        done()

    app.push_screen(
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
