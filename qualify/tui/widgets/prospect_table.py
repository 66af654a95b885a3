"""The prospects table: a virtual (Line API) table that stays fast with 10,000 rows.

Textual's DataTable measures every cell when rows are added (about a second for
10,000 rows here), so this table renders only the lines on screen from plain
summaries, and sorts and filters in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualify.core.words import kind_word, search_key, status_word, visible
from qualify.i18n import N_, english, fmt_pct
from qualify.i18n import _ as translated
from qualify.tui.format import fmt_date, score_label
from qualify.tui.widgets.bands import band_rank_of
from qualify.tui.widgets.keys_in_order import run_binding_now
from qualify.workflow.search import found_in, row_text, terms

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary


@dataclass(frozen=True)
class Column:
    """One column of the table."""

    key: str
    """Sort key and cell key."""
    title: str
    """Shown in the header."""
    width: int
    """Width in cells (the name column takes what is left, at least this)."""
    shown_from: int = 0
    """Shown only when the table is at least this wide, so 80 columns stay readable."""
    right: bool = False
    """Right-aligned (numbers)."""


COVERAGE_WIDTH = 4
"""100% fits; German writes 100 %, which the cell writes without its space."""


def _fitted(figure: str, width: int) -> str:
    """A figure that would be cut (100 % in four cells) without its spaces: 100%."""
    return figure if len(figure) <= width else "".join(figure.split())


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", 18),
    Column("territory", "Territory", 10, shown_from=114),
    Column("kind", "Kind", 11, shown_from=126),
    Column("stage", "Stage", 16),
    Column("score", "Score", 17),
    Column("ko", "KO", 2),
    Column("coverage", "Cov.", COVERAGE_WIDTH, right=True),
    Column("meeting", "Meeting", 11, shown_from=89),
    Column("updated", "Last active", 13, shown_from=103),
)
"""Every column, in order; `shown_from` hides the least important ones on small screens
(each appears once the name keeps 24 cells and the band its words beside it)."""

NAME_ROOM = 24
"""Width the name column gets before any other column grows."""
GROWTH: tuple[tuple[str, int], ...] = (("score", 25), ("stage", 21))
"""Columns that grow, in turn, up to these widths, when the terminal has room to spare."""


class Row:
    """One prospect as shown. The cell texts are made the first time a row is drawn,
    sorted by a text column or filtered, so opening 10,000 prospects formats only the
    rows on screen."""

    __slots__ = (
        "_band",
        "_cells",
        "_haystack",
        "bands",
        "overdue",
        "ranks",
        "stage_order",
        "stage_title",
        "summary",
    )

    def __init__(
        self,
        summary: ProspectSummary,
        stage_title: str,
        stage_order: int,
        ranks: Mapping[str, str] | None = None,
        bands: Mapping[str, str] | None = None,
    ) -> None:
        self.summary = summary
        self.ranks = ranks
        self.bands = bands
        """Band label as stored → as the app's language says it (where the set translates it)."""
        self.stage_title = stage_title
        self.stage_order = stage_order
        self._cells: dict[str, str] | None = None
        self._haystack: str | None = None
        self._band: str | None = None
        meeting = summary.next_meeting
        self.overdue = meeting is not None and meeting < today() and _live(summary)
        """Its next meeting is past: a follow-up is due."""

    @property
    def cells(self) -> dict[str, str]:
        """Column key → the text shown."""
        if self._cells is None:
            summary = self.summary
            status = getattr(summary.status, "value", summary.status)
            band = (self.bands or {}).get(summary.band or "", summary.band)
            stage = self.stage_title
            if status == "committed":
                stage = f"{stage} ✓"
            elif status != "active":  # first: a narrow column cuts the stage, never this
                stage = f"{translated(status_word(status))} · {stage}"
            self._cells = {
                "name": visible(summary.name, one_line=True),
                "territory": visible(summary.territory, one_line=True) or "—",
                "kind": translated(kind_word(summary.kind)),
                "stage": stage,
                "score": score_label(summary.score, band, summary.knocked_out, summary.provisional),
                "ko": "✗" if summary.knocked_out else "",
                "coverage": _fitted(fmt_pct(summary.coverage), COVERAGE_WIDTH),
                "meeting": _meeting_cell(summary, self.overdue),
                "updated": fmt_date(summary.updated_at),
            }
        return self._cells

    @property
    def haystack(self) -> str:
        """What the filter searches, case and accents folded (see workflow.search); a
        follow-up due also reads "overdue", a meeting agreed "meeting"."""
        if self._haystack is None:
            haystack = row_text(self.summary, self.cells["stage"])
            words = []
            if self.summary.next_meeting is not None:
                words.append(N_("meeting"))
            if self.overdue:
                words.append(N_("overdue"))
            if not english():  # the words on screen too (a band, a kind as shown: Passt kaum)
                shown = self.cells
                words += [shown["kind"], shown["score"], *map(translated, words)]
            self._haystack = " ".join([haystack, *map(search_key, words)])
        return self._haystack

    @property
    def band(self) -> str:
        """CSS-ish band class of the score cell (-strong, -possible, -weak, -out, -none)."""
        if self._band is None:
            s = self.summary
            self._band = "-" + band_rank_of(s.band, s.knocked_out, ranks=self.ranks)
        return self._band


def today() -> date:
    """The local date (what "overdue" is measured against)."""
    return datetime.now().astimezone().date()


def _live(summary: ProspectSummary) -> bool:
    return getattr(summary.status, "value", summary.status) != "declined"


def _meeting_cell(summary: ProspectSummary, overdue: bool) -> str:
    """The next meeting's day; ⚑ before it when it is past (never colour alone)."""
    if summary.next_meeting is None:
        return "—"
    return ("⚑" if overdue else "") + summary.next_meeting.isoformat()


def make_row(
    summary: ProspectSummary,
    stage_titles: dict[str, str],
    order: dict[str, int],
    ranks: Mapping[str, str] | None = None,
    bands: Mapping[str, str] | None = None,
) -> Row:
    return Row(
        summary,
        stage_titles.get(summary.stage, summary.stage),
        order.get(summary.stage, len(order)),
        ranks,
        bands,
    )


def _sort_key(key: str):
    if key == "name":
        return lambda r: r.summary.name.casefold()
    if key == "territory":
        return lambda r: (r.summary.territory or "\uffff").casefold()
    if key == "kind":
        return lambda r: r.cells["kind"]
    if key == "stage":
        return lambda r: (r.stage_order, r.cells["stage"])
    if key == "score":
        return lambda r: (
            r.summary.score is not None,
            not r.summary.knocked_out,
            r.summary.score or 0.0,
        )
    if key == "ko":
        return lambda r: r.summary.knocked_out
    if key == "coverage":
        return lambda r: (r.summary.coverage is not None, r.summary.coverage or 0.0)
    if key == "meeting":  # the soonest first; none last (whichever way it is sorted)
        far = date.max.toordinal()
        return lambda r: r.summary.next_meeting.toordinal() if r.summary.next_meeting else far
    return lambda r: r.summary.updated_at


class ProspectTable(ScrollView, can_focus=True):
    """Prospects, one per line, sortable by any column, filtered as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "edge(0)", "First", show=False, id="table.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="table.last"),
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the highlighted prospect",
            id="prospects.open",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "prospect-table--header",
        "prospect-table--sorted",
        "prospect-table--cursor",
        "prospect-table--strong",
        "prospect-table--possible",
        "prospect-table--weak",
        "prospect-table--out",
        "prospect-table--muted",
        "prospect-table--none",
    }

    DEFAULT_CSS = """
    ProspectTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        & > .prospect-table--header { text-style: bold; color: $text-accent; }
        & > .prospect-table--sorted { text-style: bold underline; color: $text-accent; }
        & > .prospect-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .prospect-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .prospect-table--strong { color: $text-success; }
        & > .prospect-table--possible { color: $text-warning; }
        & > .prospect-table--weak { color: $text-muted; }
        & > .prospect-table--out { color: $text-error; text-style: bold; }
        & > .prospect-table--muted { color: $text-muted; }
        & > .prospect-table--none { color: $text-muted; }
    }
    """

    cursor_row: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row in the (filtered, sorted) view."""

    @dataclass
    class Opened(Message):
        """Enter (or a second click) on a row."""

        prospect_id: str

    @dataclass
    class SortChanged(Message):
        """The user sorted by another column or reversed the order."""

        key: str
        reverse: bool

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._all: list[Row] = []
        self._view: list[Row] = []
        self._filter = ""
        self._terms: list[str] = []
        self._also: set[str] = set()
        """Ids found by their answers and notes, for the current filter."""
        self.sort_key = "updated"
        """Column the rows are sorted by."""
        self.sort_reverse = True
        """Descending order (most recent activity first by default)."""
        self._stage_titles: dict[str, str] = {}
        self._stage_order: dict[str, int] = {}
        self._ranks: Mapping[str, str] | None = None
        self._bands: Mapping[str, str] | None = None

    # ------------------------------------------------------------------ data
    def set_stages(
        self,
        titles: dict[str, str],
        ranks: Mapping[str, str] | None = None,
        bands: Mapping[str, str] | None = None,
    ) -> None:
        """The stages' titles in pipeline order, the band ranks that colour scores, and
        the bands' words in the app's language (stored label → shown)."""
        self._stage_titles = dict(titles)
        self._stage_order = {sid: i for i, sid in enumerate(titles)}
        self._ranks = ranks
        self._bands = bands

    def set_summaries(self, summaries: list[ProspectSummary]) -> None:
        """Replace every row (keeps the highlighted prospect when it is still there)."""
        titles, order = self._stage_titles, self._stage_order
        self._all = [make_row(s, titles, order, self._ranks, self._bands) for s in summaries]
        self._rebuild()

    def upsert(self, summary: ProspectSummary) -> None:
        """Add or replace one prospect's row."""
        row = make_row(summary, self._stage_titles, self._stage_order, self._ranks, self._bands)
        for i, existing in enumerate(self._all):
            if existing.summary.id == summary.id:
                self._all[i] = row
                break
        else:
            self._all.append(row)
        self._rebuild(keep=summary.id)

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return len(self._view)

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        self._filter = text.strip()
        self._terms = terms(text)
        self._also = set()
        self._rebuild()

    def add_matches(self, prospect_ids: set[str]) -> None:
        """Prospects the filter found in their answers and notes (a worker searched them)."""
        self._also = set(prospect_ids)
        self._rebuild()

    @property
    def by_records(self) -> int:
        """How many rows are shown for their answers or notes, not for what the list shows."""
        return sum(1 for r in self._view if r.summary.id in self._also)

    @property
    def unmatched(self) -> list[ProspectSummary]:
        """The rows the filter's words are not all in (their records may hold them)."""
        if not self._terms:
            return []
        return [r.summary for r in self._all if not found_in(r.haystack, self._terms)]

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Sort by a column; asking for the current column again reverses the order."""
        if reverse is None:
            reverse = not self.sort_reverse if key == self.sort_key else key in ("score", "updated")
        if key == "meeting" and key != self.sort_key:
            reverse = False  # the soonest meeting first
        self.sort_key, self.sort_reverse = key, reverse
        self._rebuild()
        self.post_message(self.SortChanged(key, reverse))

    def _rebuild(self, keep: str | None = None) -> None:
        keep = keep or self.highlighted_id
        wanted, also = self._terms, self._also
        rows = (
            [r for r in self._all if r.summary.id in also or found_in(r.haystack, wanted)]
            if wanted
            else self._all
        )
        self._view = sorted(rows, key=_sort_key(self.sort_key), reverse=self.sort_reverse)
        self.virtual_size = Size(self._width, len(self._view) + 1)
        index = 0
        if keep is not None:
            for i, row in enumerate(self._view):
                if row.summary.id == keep:
                    index = i
                    break
        self.cursor_row = index
        self._scroll_to_cursor()
        self.refresh()

    @property
    def highlighted(self) -> ProspectSummary | None:
        if 0 <= self.cursor_row < len(self._view):
            return self._view[self.cursor_row].summary
        return None

    @property
    def highlighted_id(self) -> str | None:
        row = self.highlighted
        return row.id if row is not None else None

    def select_id(self, prospect_id: str) -> bool:
        for i, row in enumerate(self._view):
            if row.summary.id == prospect_id:
                self.cursor_row = i
                return True
        return False

    # ------------------------------------------------------------------ actions
    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._view) - 1)) if self._view else 0

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor_row += delta

    def action_page(self, direction: int) -> None:
        self.cursor_row += direction * max(1, self.size.height - 2)

    def action_edge(self, end: int) -> None:
        self.cursor_row = len(self._view) - 1 if end else 0

    leaving = False
    """Enter opened a prospect: the keys typed after it are for that prospect's screen.
    Those already on their way here are handed back to the app, which holds them until
    the screen shows (Enter then `i` at once: the `i` reached the list and was lost)."""
    _settling = False
    """A key ran a binding of the screen or the app (a dialog, the filter): the keys
    typed after it wait until that has taken effect, then go where the focus is."""

    def action_open(self) -> None:
        row = self.highlighted
        if row is not None:
            self.leaving = True
            self.app.hold_keys()  # type: ignore[attr-defined]
            self.post_message(self.Opened(row.id))

    async def _on_key(self, event: events.Key) -> None:
        """Every key's binding runs as it arrives, in the order typed (run once it had
        bubbled up, Down, Down, Enter typed at once opened the row the cursor left)."""
        if self.leaving or self._settling or self.app.focused is not self:
            event.stop()
            event.prevent_default()
            self.app.hand_back(event)  # type: ignore[attr-defined]
            return
        taken = await run_binding_now(self, event)
        if taken is None:
            await super()._on_key(event)
        elif taken is not self:  # the screen's or the app's: a dialog, the filter
            self._settling = True
            self.app.hold_keys()  # type: ignore[attr-defined]
            self.app.call_later(self._settled)

    async def _settled(self) -> None:
        """What the key before did has taken effect (the app's queue runs in order): the
        keys typed after it go on, to the field or dialog that has the focus now."""
        self._settling = False
        await self.app.release_keys()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ mouse
    def _column_at(self, x: int) -> str | None:
        for col, start, width in self._layout(self._width):
            if start <= x < start + width + 1:
                return col.key
        return None

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            key = self._column_at(offset.x)
            if key:
                self.sort_by(key)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._view):
            if index == self.cursor_row:
                self.action_open()
            else:
                self.cursor_row = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self._width, len(self._view) + 1)

    # ------------------------------------------------------------------ rendering
    def _layout(self, width: int) -> list[tuple[Column, int, int]]:
        cols = [c for c in COLUMNS if width >= c.shown_from]
        widths = {c.key: c.width for c in cols}
        spare = width - sum(widths.values()) - len(cols) - 1  # one space each
        # A name needs room first; then the band and stage get their words back
        # ("Fit with conditions", "Relationship review") before the name takes the rest.
        for key, most in (("name", NAME_ROOM), *GROWTH):
            grow = max(0, min(spare, most - widths[key]))
            widths[key] += grow
            spare -= grow
        widths["name"] += max(0, spare)
        out: list[tuple[Column, int, int]] = []
        x = 1
        for col in cols:
            out.append((col, x, widths[col.key]))
            x += widths[col.key] + 1
        return out

    @property
    def _width(self) -> int:
        """Cells the rows may use: the vertical scrollbar takes its own."""
        return self.scrollable_content_region.width

    def render_line(self, y: int) -> Strip:
        width = self._width
        layout = self._layout(width)
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("prospect-table--header")
            sorted_style = self.get_component_rich_style("prospect-table--sorted")
            segments = [Segment(" ", base + header)]
            for col, _x, w in layout:
                title = translated(col.title)
                if col.key == self.sort_key:
                    title += " ▼" if self.sort_reverse else " ▲"
                text = _fit(title, w, col.right)
                style = base + (sorted_style if col.key == self.sort_key else header)
                segments.append(Segment(text, style))
                segments.append(Segment(" ", base + header))
            return Strip(segments).adjust_cell_length(width, base)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self._view):
            if y == 1 and not self._view and self._all:
                msg = _fit("  " + translated("No prospect matches the filter."), width, False)
                muted = self.get_component_rich_style("prospect-table--muted")
                return Strip([Segment(msg, base + muted)])
            return Strip.blank(width, base)
        row = self._view[index]
        row_style = base
        status = row.summary.status
        if getattr(status, "value", status) in ("declined", "on_hold"):
            row_style = row_style + self.get_component_rich_style("prospect-table--muted")
        cursor = index == self.cursor_row
        cursor_style = self.get_component_rich_style("prospect-table--cursor") if cursor else None
        marker = "▶" if cursor else " "
        segments = [Segment(marker, _with(row_style, cursor_style))]
        narrow = not any(col.key == "meeting" for col, _x, _w in layout)
        for col, _x, w in layout:
            cell = row.cells[col.key]
            if col.key == "name" and narrow and row.overdue:
                cell = "⚑ " + cell  # a follow-up due, where the meeting column is hidden
            text = _fit(cell, w, col.right)
            style = row_style
            if col.key == "score":
                style = style + self.get_component_rich_style(f"prospect-table-{row.band}")
            elif col.key == "ko" and row.summary.knocked_out:
                style = style + self.get_component_rich_style("prospect-table--out")
            segments.append(Segment(text, _with(style, cursor_style)))
            segments.append(Segment(" ", _with(row_style, cursor_style)))
        return Strip(segments).adjust_cell_length(width, _with(row_style, cursor_style))


def _with(style: Style, cursor: Style | None) -> Style:
    return style + cursor if cursor is not None else style


def _fit(text: str, width: int, right: bool) -> str:
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width > 1 else text[:width]
    if right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)
