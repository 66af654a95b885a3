"""Re-score preview: every interview taken with an older version of a question set,
scored under the version it was taken with and under the current one, side by side,
with what changed in the set. Nothing is recorded until you confirm; then each
re-score becomes a ``rescore`` entry in the prospect's history (the interview and its
original score stay as they were), as ``qualify rescore`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from qualify.i18n import _, band_word, counted, fmt_fixed, fmt_score, tr
from qualify.tui.format import fmt_date
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.widgets.bands import band_style
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.text import Reflowed, ReflowOptionList, ReflowScroll, hang

if TYPE_CHECKING:
    from qualify.core.breakdown import ScoreBreakdown
    from qualify.tui.insights import RescoreRow


LISTED = 500
"""At most this many interviews are listed (the biggest changes); the rest are counted,
ticked and recorded the same way."""
RECORD_RUN = 200
"""Re-scores recorded together (one write of their prospects); the progress moves
after each run."""


def fmt_delta(value: float | None) -> str:
    if value is None:
        return _("n/a")
    if round(value, 1) == 0:
        return "±" + fmt_fixed(0, 1)
    return ("+" if value > 0 else "−") + fmt_fixed(abs(value), 1)


def verdict(b: ScoreBreakdown, ranks: Mapping[str, str] | None = None) -> tuple[str, str]:
    """`72.5 Possible fit` (or `✗ Not a fit`) and its style: never colour alone."""
    style = band_style(b.band, b.knocked_out, ranks=ranks)
    if b.knocked_out:
        return f"✗ {band_word(b.band) or _('Not a fit')}", style
    return f"{fmt_score(b.score)} {b.band or ''}".rstrip(), style


def row_mark(row: RescoreRow, ticked: bool) -> Content:
    """✓ recorded, ☑ ticked, ☐ left out: a glyph, not colour alone."""
    if row.recorded:
        return Content.styled("✓ ", "$text-success")
    if ticked:
        return Content.styled("☑ ", "bold $text-accent")
    return Content.styled("☐ ", "$text-muted")


def row_body(row: RescoreRow, width: int = 0, ranks: Mapping[str, str] | None = None) -> Content:
    """The prompt without its mark (two spaces hold its place): whose interview with
    which versions, then old → new score and band. The slow part of a prompt, so the
    screen keeps it while marks change."""
    r = row.result
    width = width if width > 20 else 10_000
    head = hang(
        [
            ("  ", ""),
            (row.prospect.name, "bold"),
            (f" · {row.set_title} v{r.diff.old_version} → v{r.diff.new_version}", "$text-muted"),
        ],
        width,
        4,
    )
    old, old_style = verdict(r.old, ranks)
    new, new_style = verdict(r.new, ranks)
    facts: list[tuple[str, str]] = [
        ("    ", ""),
        (old, old_style),
        (" → ", "bold"),
        (new, new_style),
        (f"  ({fmt_delta(r.delta)})", "$text-muted"),
    ]
    if r.band_changed:
        facts.append((" · " + _("band changes"), "bold $text-warning"))
    if r.dropped:
        dropped = counted("{n} answer dropped", "{n} answers dropped", len(r.dropped))
        facts.append((" · " + dropped, "$text-warning"))
    if row.recorded:
        facts.append((" · " + _("already recorded"), "$text-success"))
    return Content("\n").join([*head, *hang(facts, width, 4)])


def row_prompt(
    row: RescoreRow,
    ticked: bool,
    width: int = 0,
    body: Content | None = None,
    ranks: Mapping[str, str] | None = None,
) -> Content:
    """Two lines: the mark, whose interview with which versions; old → new score and band."""
    body = body if body is not None else row_body(row, width, ranks)
    return row_mark(row, ticked) + body[2:]


def row_detail(
    row: RescoreRow, stage_title: str, width: int = 0, ranks: Mapping[str, str] | None = None
) -> Content:
    """Before and after, the sections that moved, what changed, the answers dropped."""
    r = row.result
    width = width if width > 20 else 10_000

    def bullet(text: str, style: str = "") -> list[Content]:
        return hang([("  • ", ""), (text, style)], width, 4)

    old, old_style = verdict(r.old, ranks)
    new, new_style = verdict(r.new, ranks)
    before, after, change = _("Before"), _("After"), _("Change")
    column = max(8, *(len(word) + 2 for word in (before, after, change)))
    lines: list[Content] = [
        Content.assemble((row.prospect.name, "bold"), (f" · {stage_title}", "$text-accent")),
        Content.styled(
            _("Interview started {date} · {set}").format(
                date=fmt_date(row.interview.started_at), set=row.set_title
            ),
            "$text-muted",
        ),
        Content(""),
        Content.assemble(
            (before.ljust(column), "bold"),
            (old, old_style),
            (
                "  (" + _("v{version}, as taken").format(version=r.diff.old_version) + ")",
                "$text-muted",
            ),
        ),
        Content.assemble(
            (after.ljust(column), "bold"),
            (new, new_style),
            (
                "  (" + _("v{version}, current").format(version=r.diff.new_version) + ")",
                "$text-muted",
            ),
        ),
        Content.assemble(
            (change.ljust(column), "bold"),
            (fmt_delta(r.delta), ""),
            (" · " + (_("band changes") if r.band_changed else _("same band")), "$text-muted"),
        ),
    ]
    moved = []
    new_sections = {s.id: s for s in r.new.sections}
    for s in r.old.sections:
        after = new_sections.get(s.id)
        before_score = s.score
        after_score = after.score if after is not None else None
        if after is None or before_score != after_score:
            moved.append(
                Content.assemble(
                    (f"  {s.title}: ", ""),
                    (f"{fmt_score(before_score)} → {fmt_score(after_score)}", "bold"),
                )
            )
    if moved:
        lines += [Content(""), Content.styled(_("Sections that moved"), "bold"), *moved]
    changes = r.diff.lines()
    lines += [Content(""), Content.styled(_("What changed in the set"), "bold")]
    if changes:
        for line in changes:
            lines += bullet(tr(line))
    else:
        lines.append(Content.styled("  " + _("nothing that changes a score"), "$text-muted"))
    if r.dropped:
        lines += [
            Content(""),
            Content.styled(_("Answers that no longer count"), "bold $text-warning"),
        ]
        for qid, why in r.dropped:
            lines += bullet(f"{qid}: {tr(why)}")
    if row.recorded:
        lines += [
            Content(""),
            Content.styled(
                "✓ " + _("Already recorded in the history under this version."), "$text-success"
            ),
        ]
    return Content("\n").join(lines)


class RescoreScreen(QualifyScreen):
    """The re-score preview, and recording it on confirmation."""

    CSS_PATH = "rescore.tcss"
    AUTO_FOCUS = "#rs-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back; nothing is recorded", id="rescore.back"),
        Binding(
            "space",
            "toggle",
            "Tick",
            tooltip="Include or leave out the highlighted interview",
            id="rescore.toggle",
        ),
        Binding(
            "a", "toggle_all", "All/none", tooltip="Tick every interview, or none", id="rescore.all"
        ),
        Binding(
            "r",
            "record",
            "Record…",
            tooltip="Record the ticked re-scores in the prospects' history (asks first)",
            id="rescore.record",
        ),
        Binding("j", "cursor(1)", "Down", show=False, id="rescore.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="rescore.up"),
    ]

    @dataclass
    class Progress(Message):
        """Scanning (or recording): `done` of `total`."""

        done: int
        total: int
        what: str = "Checking"

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, RescoreScreen.Progress)

    @dataclass
    class Scanned(Message):
        rows: list[RescoreRow]
        error: str = ""
        """Why the scan stopped (one line), if it failed."""

    @dataclass
    class Recorded(Message):
        keys: list[str]
        error: str = ""

    def __init__(self, set_ids: Iterable[str] | None = None) -> None:
        super().__init__()
        self.set_ids = tuple(set_ids) if set_ids is not None else None
        """Only interviews of these sets (None: every set)."""
        self.rows: list[RescoreRow] | None = None
        """The interviews found (None while scanning)."""
        self.ticked: set[str] = set()
        """Keys of the rows to record."""
        self.busy = False
        """Scanning or recording."""
        self.error = ""
        """Why the scan failed (one line)."""
        self._bodies: dict[str, Content] = {}
        self._body_width = -1

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(_("Looking for interviews taken with an older version…"), id="rs-banner")
        with Vertical(id="rs-progress"):
            yield ProgressBar(id="rs-bar", show_eta=False)
        with Horizontal(id="rs-body"):
            yield ReflowOptionList(id="rs-list")
            with ReflowScroll(id="rs-detail-scroll"):
                yield Static("", id="rs-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Re-score preview")
        self.scan()

    # ------------------------------------------------------------------ scanning
    @work(thread=True, exclusive=True, exit_on_error=False, group="rescore")
    def scan(self) -> None:
        from qualify.core.errors import QualifyError
        from qualify.tui.insights import scan_rescores

        self.busy = True
        worker = get_current_worker()
        try:
            rows = scan_rescores(
                self.qualifier,
                set_ids=self.set_ids,
                progress=lambda done, total: self.post_message(self.Progress(done, total)),
                cancelled=lambda: worker.is_cancelled,
            )
        except (QualifyError, OSError) as exc:
            self.post_message(self.Scanned([], str(exc)))
            return
        finally:
            self.busy = False
        self.post_message(self.Scanned(rows))

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        self.query_one("#rs-progress").display = True
        self.query_one("#rs-bar", ProgressBar).update(total=event.total, progress=event.done)
        if event.what != "Checking":
            return
        self.query_one("#rs-banner", Static).update(
            _("Checking the interviews of {total} prospects… ({done} done)").format(
                total=event.total, done=event.done
            )
        )

    @on(Scanned)
    def _scanned(self, event: Scanned) -> None:
        self.rows = event.rows
        self.error = event.error
        self.ticked = {row.key for row in event.rows if not row.recorded}
        self.query_one("#rs-progress").display = False
        self._show()
        if event.error:
            self.query_one("#rs-banner", Static).update(
                Content.assemble(
                    ("✗ " + _("Could not check the interviews: "), "bold $text-error"), event.error
                )
            )
            self.notify(event.error, title=_("Re-score"), severity="error", markup=False)
        self.refresh_bindings()

    def _show(self) -> None:
        rows = self.rows or []
        options = self.query_one("#rs-list", OptionList)
        highlighted = options.highlighted
        self._banner()
        if not rows:
            message = (
                Content.styled(f"✗ {self.error}", "$text-error")
                if self.error
                else Content.styled(
                    _(
                        "Every interview was taken with the current version of its "
                        "question set, or one that scores the same (only the wording "
                        "changed): nothing to re-score."
                    ),
                    "$text-success",
                )
            )
            options.set_options([Option(message, disabled=True)])
            self.query_one("#rs-detail", Static).update("")
            return
        listed = rows[:LISTED]
        prompts = [Option(self._prompt(row), id=row.key) for row in listed]
        if len(rows) > len(listed):
            more = len(rows) - len(listed)
            prompts.append(
                Option(
                    Content.styled(
                        _(
                            "… and {more} more with smaller changes (a ticks or unticks them too)"
                        ).format(more=more),
                        "$text-muted",
                    ),
                    disabled=True,
                )
            )
        options.set_options(prompts)
        options.highlighted = min(highlighted or 0, len(listed) - 1)
        self._detail()

    def _banner(self) -> None:
        rows = self.rows or []
        banner = self.query_one("#rs-banner", Static)
        if not rows:
            banner.update(Content.styled(_("Nothing to re-score."), "bold"))
            return
        pending = [r for r in rows if not r.recorded]
        moved = sum(1 for r in pending if r.result.band_changed)
        sets: dict[str, list[RescoreRow]] = {}
        for row in rows:
            sets.setdefault(row.set_title, []).append(row)
        versions = " · ".join(
            f"{title} v{min(r.result.diff.old_version for r in group)}"
            f" → v{group[0].result.diff.new_version} ({len(group)})"
            for title, group in sets.items()
        )
        parts: list[tuple[str, str]] = [
            (counted("{n} interview", "{n} interviews", len(rows)), "bold"),
            (" " + _("taken with an older version"), ""),
        ]
        if moved:
            parts.append((" · " + _("{n} change band").format(n=moved), "bold $text-warning"))
        parts += [
            ("\n", ""),
            (versions, "$text-muted"),
            ("\n", ""),
            (
                _("{n} ticked · nothing is recorded until you press r and confirm").format(
                    n=len(self.ticked)
                ),
                "$text-accent",
            ),
        ]
        banner.update(Content.assemble(*parts))

    @property
    def highlighted_row(self) -> RescoreRow | None:
        index = self.query_one("#rs-list", OptionList).highlighted
        rows = self.rows or []
        if index is None or not 0 <= index < min(len(rows), LISTED):
            return None
        return rows[index]

    def _detail(self) -> None:
        row = self.highlighted_row
        detail = self.query_one("#rs-detail", Static)
        if row is None:
            detail.update("")
            return
        titles = self.workspace.stage_titles()
        stage = titles.get(row.interview.stage, row.interview.stage)
        detail.update(row_detail(row, stage, detail.size.width, self.workspace.band_ranks))

    @on(OptionList.OptionHighlighted, "#rs-list")
    def _highlighted(self) -> None:
        self._detail()

    @on(OptionList.OptionSelected, "#rs-list")
    def _selected(self) -> None:
        self.action_toggle()

    @on(Reflowed)
    def _reflowed(self, event: Reflowed) -> None:
        if not self.rows:
            return
        if event.widget.id == "rs-list":
            self._show()
        else:
            self._detail()

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle", "toggle_all", "record"):
            if self.busy or not self.rows:
                return None if action == "record" else False
            if action == "record":
                return True if self.ticked else None
        return True

    def action_back(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "rescore")
        self.app.pop_screen()

    def action_cursor(self, delta: int) -> None:
        options = self.query_one("#rs-list", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def _prompt(self, row: RescoreRow) -> Content:
        """The row's prompt; its body is kept (per width) while only its mark changes."""
        options = self.query_one("#rs-list", OptionList)
        width = options.scrollable_content_region.width - 1 if options.size.width else 0
        if width != self._body_width:
            self._bodies.clear()
            self._body_width = width
        body = self._bodies.get(row.key)
        if body is None:
            body = self._bodies[row.key] = row_body(row, width, self.workspace.band_ranks)
        return row_prompt(row, row.key in self.ticked, width, body)

    def _redraw_row(self, row: RescoreRow) -> None:
        self.query_one("#rs-list", OptionList).replace_option_prompt(row.key, self._prompt(row))

    def action_toggle(self) -> None:
        row = self.highlighted_row
        if row is None or self.busy:
            return
        if row.recorded:
            self.notify(_("Already recorded under this version."), timeout=3)
            return
        self.ticked.symmetric_difference_update({row.key})
        self._redraw_row(row)
        self._banner()
        self.refresh_bindings()

    def action_toggle_all(self) -> None:
        if not self.rows or self.busy:
            return
        pending = {row.key for row in self.rows if not row.recorded}
        self.ticked = set() if self.ticked >= pending else pending
        self._show()
        self.refresh_bindings()

    def action_record(self) -> None:
        from qualify.tui.modals.confirm import ConfirmDialog

        if not self.rows or not self.ticked or self.busy:
            return
        chosen = [row for row in self.rows if row.key in self.ticked and not row.recorded]
        n = len(chosen)
        prospects = len({row.prospect.id for row in chosen})
        self.app.push_screen(
            ConfirmDialog(
                counted("Record {n} re-score?", "Record {n} re-scores?", n),
                counted(
                    "Each is added to its prospect's history ({n} prospect) with the score "
                    "before and after. The interviews and their original scores stay as they "
                    "were taken.",
                    "Each is added to its prospect's history ({n} prospects) with the score "
                    "before and after. The interviews and their original scores stay as they "
                    "were taken.",
                    prospects,
                ),
                yes=_("Record"),
                no=_("Cancel"),
            ),
            lambda yes: self.record(chosen) if yes else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="rescore")
    def record(self, rows: list[RescoreRow]) -> None:
        """Record the chosen re-scores; refuses if a set changed since the preview."""
        from qualify.tui.insights import current_hashes

        q = self.qualifier
        self.busy = True
        done: list[str] = []
        try:
            hashes = current_hashes(q, {row.interview.questionnaire_id for row in rows})
            stale = [r for r in rows if hashes.get(r.interview.questionnaire_id) != r.new_hash]
            if stale:
                self.post_message(
                    self.Recorded(
                        [],
                        _(
                            "The question sets changed since this preview: nothing recorded. "
                            "Look again (Esc, then re-open the preview)."
                        ),
                    )
                )
                return
            from qualify.workflow import insights as workflow_insights

            for start in range(0, len(rows), RECORD_RUN):  # each run written together
                run = rows[start : start + RECORD_RUN]
                picked = [(row.prospect, row.interview, row.result) for row in run]
                workflow_insights.record_rescores(q, picked)
                done.extend(row.key for row in run)
                self.post_message(self.Progress(len(done), len(rows), "Recording"))
        except Exception as exc:  # reported with what was recorded so far
            self.post_message(self.Recorded(done, f"{type(exc).__name__}: {exc}"))
            return
        finally:
            self.busy = False
        self.post_message(self.Recorded(done))

    @on(Recorded)
    def _recorded(self, event: Recorded) -> None:
        from dataclasses import replace

        self.query_one("#rs-progress").display = False
        keys = set(event.keys)
        if self.rows is not None:
            self.rows = [replace(r, recorded=True) if r.key in keys else r for r in self.rows]
        for key in keys:
            self._bodies.pop(key, None)
        self.ticked -= keys
        if keys:
            self.prospects_changed()
        n = len(keys)
        if event.error:
            self.notify(
                _("{error} ({n} recorded before the problem.)").format(error=event.error, n=n)
                if n
                else event.error,
                title=_("Re-score"),
                severity="error",
                markup=False,
                timeout=10,
            )
        else:
            self.notify(
                counted(
                    "Recorded {n} re-score in the prospects' history.",
                    "Recorded {n} re-scores in the prospects' history.",
                    n,
                ),
                title=_("Re-score"),
            )
        self._show()
        self.refresh_bindings()
