"""A prospect's kind of partner and its status: plain enums, apart from the record
models, so that what only lists prospects (`qualify prospect list`, the app's first
page) can read and check them without importing pydantic."""

from __future__ import annotations

from enum import StrEnum


class PartnerKind(StrEnum):
    dealer = "dealer"
    distributor = "distributor"
    reseller = "reseller"
    integrator = "integrator"
    other = "other"


class ProspectStatus(StrEnum):
    active = "active"
    """Being qualified (dating)."""
    committed = "committed"
    """Signed: a partner, reviewed regularly."""
    declined = "declined"
    """Parted ways, always with a reason."""
    on_hold = "on_hold"
    """Just friends: a good company at the wrong time, with a date to re-contact."""


__all__ = ["PartnerKind", "ProspectStatus"]
