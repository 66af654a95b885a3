"""What the TUI needs from the workflow beyond :class:`qualify.workflow.Qualifier`.

Kept in a subclass inside the TUI so the shared workflow stays as it is; the
lead may move these into the Qualifier itself.
"""

from __future__ import annotations

from qualify.records import HistoryEntry, PartnerKind, Prospect
from qualify.workflow import Qualifier, WorkflowError


class TuiQualifier(Qualifier):
    """The Qualifier, plus editing a prospect's facts from the form."""

    def edit_prospect(
        self,
        prospect: Prospect,
        *,
        name: str,
        territory: str = "",
        kind: str | PartnerKind = PartnerKind.other,
        notes: str | None = None,
    ) -> Prospect:
        """Change name, territory, kind and notes; keeps the score in the list; logs an edit."""
        name = name.strip()
        if not name:
            raise WorkflowError("a prospect needs a name")
        try:
            kind = PartnerKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in PartnerKind)
            raise WorkflowError(f"unknown kind {kind!r} (choose from {choices})") from None
        update: dict[str, object] = {"name": name, "territory": territory.strip(), "kind": kind}
        if notes is not None:
            update["notes"] = notes
        changed = {
            key: value
            for key, value in update.items()
            if getattr(prospect, key) != value and key != "notes"
        }
        edited = prospect.model_copy(update=update)
        saved = self.store.update_prospect(edited)
        try:
            breakdown = self.assess(saved).breakdown
        except Exception:  # a broken question set must not stop an edit of the facts
            breakdown = None
        self.store.set_summary(self.summary_of(saved, breakdown))
        if changed:
            self.store.append_history(
                HistoryEntry(
                    prospect_id=prospect.id,
                    action="edit",
                    from_stage=prospect.stage,
                    to_stage=prospect.stage,
                    by=self.user,
                    details={k: str(getattr(v, "value", v)) for k, v in changed.items()},
                )
            )
        return saved
