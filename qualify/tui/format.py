"""Words and numbers as the TUI shows them: one place, so every screen agrees.

Pure functions (no Textual): a score always travels with its band label, so no
meaning is carried by colour alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

STATUS_WORDS: dict[str, str] = {
    "active": "Dating",
    "committed": "Committed",
    "declined": "Parted ways",
    "on_hold": "Just friends",
}
"""Prospect statuses in the words of the method (see the domain note)."""

KIND_WORDS: dict[str, str] = {
    "dealer": "Dealer",
    "distributor": "Distributor",
    "reseller": "Reseller",
    "integrator": "Integrator",
    "other": "Other",
}

TYPE_WORDS: dict[str, str] = {
    "choice": "one answer",
    "multi": "any number of answers",
    "scale": "scale",
    "number": "number",
    "yes_no": "yes / no",
    "text": "free text",
}


def fmt_score(score: float | None) -> str:
    """A score as a number with one decimal; an em dash when there is none yet."""
    return "—" if score is None else f"{score:.1f}"


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def score_label(score: float | None, band: str | None, knocked_out: bool = False) -> str:
    """`72.5 Possible fit`, `✗ Not a fit`, or `— not scored`: never a bare colour."""
    if knocked_out:
        return f"✗ {band or 'Not a fit'}"
    if score is None:
        return "— not scored"
    return f"{fmt_score(score)} {band or ''}".rstrip()


def band_class(band: str | None, knocked_out: bool = False, score: float | None = None) -> str:
    """A CSS class for a band, so themes colour it: -strong, -possible, -weak, -out, -none."""
    if knocked_out:
        return "-out"
    if score is None and band is None:
        return "-none"
    text = (band or "").lower()
    if "strong" in text or "ready" in text or "proceed" in text:
        return "-strong"
    if "possible" in text or "condition" in text or "promising" in text:
        return "-possible"
    if score is not None:
        if score >= 75:
            return "-strong"
        if score >= 50:
            return "-possible"
    return "-weak"


def bar(score: float | None, width: int = 20) -> str:
    """A bar that reads without colour: filled and empty cells."""
    if width <= 0:
        return ""
    if score is None:
        return "·" * width
    filled = round(max(0.0, min(100.0, score)) / 100 * width)
    return "█" * filled + "░" * (width - filled)


def fmt_date(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD in local time (stable, sortable, unambiguous)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d")
    return value.isoformat()


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%H:%M:%S")


def status_word(status: Any) -> str:
    key = getattr(status, "value", status)
    return STATUS_WORDS.get(str(key), str(key))


def kind_word(kind: Any) -> str:
    key = getattr(kind, "value", kind)
    return KIND_WORDS.get(str(key), str(key))


def fmt_answer(value: Any, question: Any = None) -> str:
    """An answer as the interviewer reads it: option labels, yes/no, the unit."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    options = getattr(question, "option_map", None) or {}
    if isinstance(value, list):
        return ", ".join(options[v].display if v in options else str(v) for v in value) or "—"
    if isinstance(value, str) and value in options:
        return options[value].display
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    unit = getattr(question, "unit", None)
    if unit and getattr(question, "type", "") == "number":
        text = f"{text} {unit}"
    labels = getattr(question, "labels", None)
    if labels and getattr(question, "type", "") == "scale":
        try:
            label = labels.get(int(value))
        except (TypeError, ValueError):
            label = None
        if label:
            text = f"{text} ({label})"
    return text


def one_line(text: str | None, limit: int = 0) -> str:
    """Collapse whitespace (YAML folded text) and cut to `limit` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    if limit and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat
