"""Words and numbers as qualify shows them, so the CLI, the app and every report agree.

Pure functions with no markup: each renderer escapes what these return for its own
format. A score always travels with its band's words, so no meaning rests on colour.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.safe_text import visible

if TYPE_CHECKING:  # named in signatures only: formatting a list row loads no set models
    from qualify.core.questionnaire.model import Question, QuestionSet

KNOCKED_OUT_BAND = "Not a fit"
"""The band of a knocked-out interview: qualify's word, not a set's (said in the
reader's language by :func:`qualify.i18n.band_word`)."""

STATUS_LABELS: dict[str, str] = {
    "active": "Dating",
    "committed": "Committed",
    "declined": "Parted ways",
    "on_hold": "Just friends",
}
"""Prospect statuses in the words of the method."""

KIND_LABELS: dict[str, str] = {
    "dealer": "Dealer",
    "distributor": "Distributor",
    "reseller": "Reseller",
    "integrator": "Integrator",
    "other": "Other",
}

SOURCE_LABELS: dict[str, str] = {
    "stated": "stated",
    "verified": "verified",
    "estimated": "estimated",
    "observed": "observed",
    "our_records": "our records",
}
"""Where an answer came from: the prospect said so, we saw evidence, we estimated, the
interviewer judged it, or our own systems show it."""

SOURCE_WORDS: dict[str, str] = {
    "stated": "stated by the prospect",
    "verified": "verified (evidence seen)",
    "estimated": "estimated by the interviewer",
    "observed": "observed by the interviewer",
    "our_records": "from our own records",
}
"""Sources in full, for sentences ("evidence behind the score: 40% stated by the prospect")."""

TYPE_WORDS: dict[str, str] = {
    "choice": "one answer",
    "multi": "any number of answers",
    "scale": "scale",
    "number": "number",
    "yes_no": "yes / no",
    "text": "free text",
    "date": "date",
    "calculated": "calculated",
}
"""Question types as the interviewer reads them."""

STATE_LABELS: dict[str, str] = {
    "answered": "answered",
    "unknown": "not known yet",
    "declined": "would not say",
    "unanswered": "not answered",
}

DIRECTION_SHORT: dict[str, str] = {
    "they_fit_us": "they fit us",
    "we_fit_them": "we fit them",
}

ACTION_LABELS: dict[str, str] = {
    "created": "Added",
    "advance": "Moved on",
    "decline": "Parted ways",
    "reopen": "Reopened",
    "hold": "Just friends",
    "review": "Reviewed",
    "rescore": "Rescored",
    "edit": "Facts edited",
    "undo": "Undone",
    "correct": "Corrected",
}

CAPACITY_ALERTS: dict[str, str] = {
    "over": Phrase("already exceeded"),
    "full": Phrase("reached"),
    "stretched": Phrase("would be exceeded by the prospects about to commit"),
}
"""How the portfolio sums up territories by capacity status (see rules.capacity_check)."""

CAPACITY_STATUS: dict[str, str] = {
    "unset": Phrase("unset"),
    "ok": Phrase("ok"),
    "stretched": Phrase("stretched"),
    "full": Phrase("full"),
    "over": Phrase("over"),
}
"""A territory's capacity status as the portfolio's table says it (rules.capacity_check)."""

BAND_CLASSES = ("strong", "possible", "weak", "out", "none")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What a spreadsheet evaluates at the start of a cell (full-width forms included)."""


_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


def csv_text(cell: str) -> str:
    """A cell a spreadsheet shows as text and never evaluates (CSV injection): one that
    starts like a formula gets a leading quote; a plain number such as -3 stays a number.
    Control characters are shown as text, as everywhere (line breaks stay)."""
    cell = visible(cell)
    if not cell.lstrip().startswith(_FORMULA_START) and not cell.startswith("\t"):
        return cell  # (most cells: checked first, a million of them in a big export)
    if _PLAIN_NUMBER.fullmatch(cell):
        return cell
    return "'" + cell  # (\r: shown as text)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~#$!])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def markdown_text(text: object) -> str:
    """User text as literal Markdown: one line, every markup character escaped, control
    characters made visible.

    Backslash escapes for ASCII punctuation are part of CommonMark, so ``\\*`` shows a
    star everywhere; ``&`` is escaped only where it would start an entity, so "Müller &
    Søn" stays readable in the raw file. `<script>`, `![x](http://…)` and `[x](javascript:…)`
    come out as the characters typed, never as markup.
    """
    flat = visible(one_line(str(text)))
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    flat = _MD_ENTITY.sub(r"\\&", flat)
    return _MD_LINE_START.sub(_escape_line_start, flat)


def _escape_line_start(m: re.Match[str]) -> str:
    """`- x`, `+ x`, `= x` and `1. x` would start a list or a heading underline."""
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


_FOLD_EXTRA = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i"}
)
"""Letters Unicode does not decompose, as people type them without their keyboard."""


def search_key(text: object) -> str:
    """Text as a search compares it: case folded, accents and marks dropped (NFKD),
    so "akesson" finds "Åkesson" and "sondergaard" finds "Søndergaard"."""
    folded = unicodedata.normalize("NFKD", str(text).casefold().translate(_FOLD_EXTRA))
    return "".join(c for c in folded if not unicodedata.combining(c))


def one_line(text: str | None, limit: int = 0) -> str:
    """Collapse whitespace, so a note typed over several lines reads as one; cut to
    `limit` characters with an ellipsis when given."""
    flat = " ".join((text or "").split())
    if limit and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def fmt_score(score: float | None) -> str:
    """A score with one decimal; an em dash when there is none yet."""
    return "—" if score is None else f"{score:.1f}"


def score_label(
    score: float | None, band: str | None, knocked_out: bool = False, provisional: bool = False
) -> str:
    """`72.5 Possible fit`, `✗ Not a fit`, `62 provisional` or `— not scored`: never a bare
    colour."""
    if knocked_out:
        return f"✗ {band or 'Not a fit'}"
    if score is None:
        return "— not scored"
    if provisional:
        return f"{score:.0f} provisional"
    return f"{fmt_score(score)} {band or ''}".rstrip()


def provisional_text(score: float | None, answered: int, visible: int) -> Phrase:
    """A score too thin for a verdict: `62 · provisional · 3 of 15 answered`, in the
    reader's language once said (``tr``)."""
    return Phrase(
        "{score} · provisional · {answered} of {visible} answered",
        score="—" if score is None else Num(round(score)),
        answered=answered,
        visible=visible,
    )


def bar(score: float | None, width: int = 20) -> str:
    """A bar that reads without colour: filled and empty cells (dots when unscored)."""
    if width <= 0:
        return ""
    if score is None:
        return "·" * width
    filled = round(max(0.0, min(100.0, score)) / 100 * width)
    return "█" * filled + "░" * (width - filled)


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def fmt_num(value: float | None) -> str:
    """A weight or points figure without needless decimals: 3, 2.5."""
    if value is None:
        return "—"
    return f"{value:g}"


def fmt_date(value: datetime | date | None) -> str:
    """YYYY-MM-DD: stable, sortable and unambiguous in every country."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


def fmt_datetime(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


def band_class(question_set: QuestionSet | None, band: str | None, knocked_out: bool) -> str:
    """strong / possible / weak for the top, middle and lowest band of the set; out; none.

    Decided by the band's place in its set's band order (never by its words), so the
    same band gets the same colour in the app and every report. Renderers colour by
    it, but always print the band's words beside it.
    """
    if question_set is None:
        return band_rank((), band, knocked_out)
    labels = [b.label for b in question_set.effective_bands]
    return band_rank(labels, _in_labels(labels, band), knocked_out)


def _in_labels(labels: Sequence[str], band: str | None) -> str | None:
    """The label `band` is, in whichever of the set's languages it was written (a band
    stored by an English session, shown by a German one)."""
    if band is None or band in labels:
        return band
    for label in labels:
        if band in getattr(label, "translations", {}).values():
            return label
    return band


def band_rank(labels: Sequence[str], band: str | None, knocked_out: bool = False) -> str:
    """band_class from the set's band labels, best first (when only they are at hand)."""
    if knocked_out:
        return "out"
    if band is None:
        return "none"
    if band not in labels:
        return "possible"
    if band == labels[0] and len(labels) > 1:
        return "strong"
    if band == labels[-1]:
        return "weak"
    return "possible"


def band_ranks(question_sets: Iterable[QuestionSet]) -> dict[str, str]:
    """Band label → strong / possible / weak by its place in its set's band order, for
    places that show a band without its set at hand (the prospects list, the history).
    The first set that has a label decides it."""
    ranks: dict[str, str] = {}
    for qs in question_sets:
        labels = [b.label for b in qs.effective_bands]
        for label in labels:
            rank = band_rank(labels, label)
            for words in (label, *getattr(label, "translations", {}).values()):
                ranks.setdefault(words, rank)  # every language's words for the band
    return ranks


def score_class(score: float | None, question_set: QuestionSet | None) -> str:
    """band_class for a bare figure (a section or a direction of fit)."""
    if score is None:
        return "none"
    band = question_set.band_for(score) if question_set is not None else None
    return band_class(question_set, band, False)


def answer_text(question: Question | None, value: Any) -> str:
    """An answer as the interviewer reads it: option labels, yes/no, units, scale words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return Phrase("yes") if value else Phrase("no")
    options = question.option_map if question is not None else {}
    if isinstance(value, list | tuple):
        if not value:
            return Phrase("none of these")
        # a value of another shape (a hand-edited file: a list in the list) as it is
        return ", ".join(
            options[v].display if isinstance(v, str) and v in options else str(v) for v in value
        )
    if isinstance(value, str) and value in options:
        return options[value].display
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if question is None:
        return text
    figure = isinstance(value, int | float) and question.type in ("number", "calculated")
    day = _iso_date(text) if question.type == "date" else None
    if figure or day is not None:
        # a figure or a date as the language writes it (the shell says it: i18n.tr)
        shown = question.unit_for(value) if figure else None
        unit = f" {shown}" if shown else ""
        return Joined([value if figure else day, unit], "")
    if question.type in ("number", "calculated") and question.unit:
        text = f"{text} {question.unit_for(value)}"
    elif question.type == "scale":
        scale = Num(question.scale_max, None)
        label = None
        if question.labels and isinstance(value, int | float):
            label = question.labels.get(int(value))
        if label:
            return Phrase("{value} of {max} ({label})", value=value, max=scale, label=label)
        return Phrase("{value} of {max}", value=value, max=scale)
    return text


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def meeting_words(meeting: Any) -> str:
    """A next meeting (``NextMeeting``) in a line: `2026-12-01 14:30 · bring the price list`."""
    when = meeting.day.isoformat() + (f" {meeting.start:%H:%M}" if meeting.start else "")
    note = one_line(meeting.note)
    return when + (f" · {note}" if note else "")


def status_word(status: Any) -> str:
    """A status (enum or its value) in the words of the method."""
    key = str(getattr(status, "value", status))
    return STATUS_LABELS.get(key, key)


def status_phrase(status: Any) -> Phrase | str:
    """A status in the words of the method inside a sentence of the core: a phrase, so
    the shell says it in the reader's language (an unknown one as it is)."""
    key = str(getattr(status, "value", status))
    phrases = {
        "active": Phrase("Dating"),
        "committed": Phrase("Committed"),
        "declined": Phrase("Parted ways"),
        "on_hold": Phrase("Just friends"),
    }
    return phrases.get(key, key)


def kind_word(kind: Any) -> str:
    key = str(getattr(kind, "value", kind))
    return KIND_LABELS.get(key, key)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def fmt_size(size: int) -> str:
    """A file's size as people read it: 812 bytes, 14.2 KB, 3.1 MB (1 KB = 1,024 bytes)."""
    return str(size_phrase(size))


def size_phrase(size: int) -> Phrase:
    """:func:`fmt_size` as a phrase, so the shell writes it the language's way (14,2 KB)."""
    if size < 1024:
        return Phrase("1 byte") if size == 1 else Phrase("{n} bytes", n=Num(size))
    value = size / 1024
    if round(value, 1) < 1024:  # 1,048,575 bytes is 1.0 MB, not 1024.0 KB
        return Phrase("{n} KB", n=Num(value, 1, fixed=True))
    value /= 1024
    if round(value, 1) < 1024:
        return Phrase("{n} MB", n=Num(value, 1, fixed=True))
    return Phrase("{n} GB", n=Num(value / 1024, 1, fixed=True))
