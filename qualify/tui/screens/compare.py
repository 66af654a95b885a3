"""Compare a prospect with the ideal partner (by default) or with another prospect: the
scores and the sections of both directions of fit side by side, then the answers that
differ, the ones that matter most first.

The figures are :func:`qualify.core.compare.compare` on the answers
``workflow.insights.answers_by_set`` returns, against ``workflow.insights.ideal_profile`` (the
workspace's ``ideal.yaml``, else the best committed partners) — what
``qualify compare`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from qualify.core.questionnaire.model import DIRECTION_TITLES
from qualify.core.words import answer_text, one_line
from qualify.i18n import _, band_word, fmt_fixed, fmt_score, tr
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.widgets.bands import band_style
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.text import Reflowed, ReflowScroll, hang

if TYPE_CHECKING:
    from qualify.core.compare import Comparison
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.tui.insights import ComparisonView

NUMBER_WIDTH = 11
"""Width of each number column of the sections table (a short name fits the header)."""


def short(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: max(1, width - 1)].rstrip() + "…"


def fmt_gap(value: float | None) -> str:
    """A signed difference with a real minus sign; `n/a` when one side has no score."""
    if value is None:
        return _("n/a")
    if round(value, 1) == 0:
        return "±" + fmt_fixed(0, 1)
    return ("+" if value > 0 else "−") + fmt_fixed(abs(value), 1)


def gap_style(value: float | None) -> str:
    """Behind (negative) reads as a warning, ahead as success; the sign says it too."""
    if value is None or round(value, 1) == 0:
        return "$text-muted"
    return "$text-success" if value > 0 else "$text-warning"


def score_rows(c: Comparison, width: int, question_set: QuestionSet | None = None) -> Content:
    """Both overall scores with their bands, and the gap."""
    name_w = max(12, min(32, width - 30))
    rows = []
    for label, b in ((c.left_label, c.left), (c.right_label, c.right)):
        style = band_style(b.band, b.knocked_out, question_set=question_set)
        verdict = f"✗ {band_word(b.band) or _('Not a fit')}" if b.knocked_out else (b.band or "")
        rows.append(
            Content.assemble(
                (f"{short(label, name_w):<{name_w}} ", "bold"),
                (f"{fmt_score(b.score):>6}", style),
                (f"  {verdict}", style),
            )
        )
    gap = None if c.left.score is None or c.right.score is None else c.left.score - c.right.score
    rows.append(
        Content.assemble(
            (_("Gap").ljust(name_w) + " ", "$text-muted"),
            (f"{fmt_gap(gap):>6}", gap_style(gap)),
            (f"  ({short(c.left_label, 14)} − {short(c.right_label, 14)})", "$text-muted"),
        )
    )
    return Content("\n").join(rows)


def section_rows(c: Comparison, width: int) -> Content:
    """Sections grouped by direction of fit, biggest gap first, three number columns."""
    title_w = max(12, width - 3 * NUMBER_WIDTH)
    lines = [
        Content.assemble(
            (_("Section").ljust(title_w), "bold"),
            (f"{short(c.left_label, NUMBER_WIDTH - 1):>{NUMBER_WIDTH}}", "bold"),
            (f"{short(c.right_label, NUMBER_WIDTH - 1):>{NUMBER_WIDTH}}", "bold"),
            (_("gap").rjust(NUMBER_WIDTH), "bold"),
        )
    ]
    for direction, title in DIRECTION_TITLES.items():
        sections = [s for s in c.sections if s.direction == direction]
        if not sections:
            continue
        left, right = c.left.directions.get(direction), c.right.directions.get(direction)
        gap = None if left is None or right is None else left - right
        lines.append(
            Content.assemble(
                (f"{short(_(title), title_w - 1):<{title_w}}", "bold $text-accent"),
                (f"{fmt_score(left):>{NUMBER_WIDTH}}", "bold"),
                (f"{fmt_score(right):>{NUMBER_WIDTH}}", "bold"),
                (f"{fmt_gap(gap):>{NUMBER_WIDTH}}", f"bold {gap_style(gap)}"),
            )
        )
        for s in sections:
            lines.append(
                Content.assemble(
                    (f"  {short(s.title, title_w - 3):<{title_w - 2}}", ""),
                    (f"{fmt_score(s.left):>{NUMBER_WIDTH}}", ""),
                    (f"{fmt_score(s.right):>{NUMBER_WIDTH}}", ""),
                    (f"{fmt_gap(s.delta):>{NUMBER_WIDTH}}", gap_style(s.delta)),
                )
            )
    return Content("\n").join(lines)


def _points(points: float | None, most: float) -> str:
    if points is None or not most:
        return ""
    return (
        "  ("
        + _("{points}\u00a0of\u00a0{most}").format(points=f"{points:g}", most=f"{most:g}")
        + ")"
    )


def answer_rows(c: Comparison, qs: QuestionSet | None, width: int) -> Content:
    """Every answer that differs: knock-outs first, then by points of the overall score."""
    if not c.answers:
        return Content.styled(_("Every answer is the same."), "$text-muted")
    label_w = max(8, min(18, max(len(c.left_label), len(c.right_label))))
    blocks: list[Content] = []
    for n, gap in enumerate(c.answers, start=1):
        found = qs.resolve(gap.question_id) if qs is not None else None  # a repeat's too
        question = found[0] if found is not None else None
        facts: list[tuple[str, str]] = [("    ", ""), (gap.section, "$text-muted")]
        if gap.impact:
            facts += [
                (" · ", "$text-muted"),
                (_("{gap} points").format(gap=fmt_gap(gap.impact)), gap_style(gap.impact)),
                (_(" for {name}").format(name=short(c.left_label, 18)), "$text-muted"),
            ]
        if gap.knockout:
            facts += [(" · ", "$text-muted"), ("✗ " + _("knock-out: "), "bold $text-error")]
            facts.append((one_line(gap.knockout), "$text-error"))
        rows = [
            *hang([(f"{n:>2}. ", "bold $text-accent"), (one_line(gap.text), "bold")], width, 4),
            *hang(facts, width, 4),
        ]
        indent = 4 + label_w + 2
        for label, value, points in (
            (c.left_label, gap.left, gap.left_points),
            (c.right_label, gap.right, gap.right_points),
        ):
            answer = "— " + _("not answered") if value is None else tr(answer_text(question, value))
            rows += hang(
                [
                    (f"    {short(label, label_w):<{label_w}}  ", "$text-muted"),
                    (one_line(answer), ""),
                    (_points(points, gap.max), "$text-muted"),
                ],
                width,
                indent,
            )
        blocks.append(Content("\n").join(rows))
    return Content("\n\n").join(blocks)


class CompareScreen(QualifyScreen):
    """One prospect beside the ideal partner or another prospect."""

    CSS_PATH = "compare.tcss"
    AUTO_FOCUS = "#cmp-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the prospect", id="compare.back"),
        Binding(
            "o",
            "other",
            "Other prospect",
            tooltip="Compare with another prospect, found by name",
            id="compare.other",
        ),
        Binding(
            "i",
            "ideal",
            "Ideal partner",
            tooltip="Compare with the ideal partner (ideal.yaml, else the best partners)",
            id="compare.ideal",
        ),
        Binding(
            "s",
            "next_set",
            "Next set",
            tooltip="Show the next question set both have answered",
            id="compare.next_set",
        ),
        Binding("j", "scroll(1)", "Down", show=False, id="compare.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="compare.up"),
    ]

    @dataclass
    class Loaded(Message):
        view: ComparisonView

    @dataclass
    class Failed(Message):
        error: str

    def __init__(self, prospect_id: str, other_id: str | None = None) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect on the left."""
        self.other_id = other_id
        """The prospect on the right; None: the ideal partner."""
        self.view: ComparisonView | None = None
        """The comparison as last loaded."""
        self.index = 0
        """Which question set's comparison is shown."""
        self.problem = ""
        """Why nothing is shown (one line)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="cmp-top"):
            yield Static(_("Comparing…"), id="cmp-title")
            yield Static("", id="cmp-source")
        with ReflowScroll(id="cmp-scroll"):
            yield Static("", id="cmp-set", classes="heading")
            yield Static("", id="cmp-score")
            yield Static(_("Sections"), id="cmp-sections-heading", classes="heading")
            yield Static("", id="cmp-sections")
            yield Static(
                _("Answers that differ · biggest first"),
                id="cmp-answers-heading",
                classes="heading",
            )
            yield Static("", id="cmp-answers")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Compare")
        self.load()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def load(self) -> None:
        from qualify.core.errors import QualifyError
        from qualify.tui.insights import build_comparison

        try:
            view = build_comparison(self.workspace, self.prospect_id, self.other_id)
        except QualifyError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        except OSError as exc:  # an unreadable ideal.yaml, say
            where = f" ({exc.filename})" if exc.filename else ""
            self.post_message(self.Failed(f"{exc.strerror or exc}{where}"))
            return
        self.post_message(self.Loaded(view))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.view = None
        self.problem = event.error
        self.notify(event.error, title=_("Nothing to compare"), severity="error", markup=False)
        self._draw()

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.view = event.view
        self.problem = event.view.problem
        self.index = 0
        if self.problem:
            self.notify(self.problem, title=_("Compare"), severity="warning", markup=False)
        self._draw()

    @on(Reflowed)
    def _reflowed(self) -> None:
        if self.view is not None:
            self._draw()

    @property
    def comparison(self) -> Comparison | None:
        if self.view is None or not self.view.comparisons:
            return None
        return self.view.comparisons[self.index % len(self.view.comparisons)]

    def _draw(self) -> None:
        view = self.view
        title = self.query_one("#cmp-title", Static)
        source = self.query_one("#cmp-source", Static)
        sections = ("#cmp-set", "#cmp-score", "#cmp-sections-heading", "#cmp-sections")
        answers = ("#cmp-answers-heading", "#cmp-answers")
        c = self.comparison
        for selector in (*sections, *answers):
            self.query_one(selector).display = c is not None
        if view is None or c is None:
            title.update(Content.styled(_("Nothing to compare"), "bold"))
            hint = _("o compares with another prospect") + (
                " · " + _("i with the ideal partner") if self.other_id else ""
            )
            source.update(
                Content.assemble(
                    (self.problem or _("Nothing to compare."), "$text-error"),
                    (f"\n{hint}", "$text-muted"),
                )
            )
            self.refresh_bindings()
            return
        self.sub_title = _("{left} vs {right}").format(left=view.left_name, right=view.right_label)
        title.update(
            Content.assemble(
                (view.left_name, "bold"),
                ("  " + _("vs") + "  ", "$text-muted"),
                (view.right_label, "bold"),
            )
        )
        other = _("i the ideal partner") if self.other_id else _("o another prospect")
        source.update(
            Content.assemble(
                (_("Right: "), "$text-muted"),
                (view.source, ""),
                (f"  ·  {other}", "$text-muted"),
            )
        )
        qs = view.question_sets.get(c.question_set_id)
        count = len(view.comparisons)
        where = (
            "  ("
            + _("{n} of {count} · s next set").format(n=self.index % count + 1, count=count)
            + ")"
            if count > 1
            else ""
        )
        self.query_one("#cmp-set", Static).update(
            Content.assemble((qs.title if qs else c.question_set_id, "bold"), (where, ""))
        )
        width = max(40, self.query_one("#cmp-scroll").size.width - 3)
        self.query_one("#cmp-score", Static).update(score_rows(c, width, qs))
        self.query_one("#cmp-sections", Static).update(section_rows(c, width))
        self.query_one("#cmp-answers-heading", Static).update(
            _("Answers that differ ({n}) · biggest first").format(n=len(c.answers))
        )
        self.query_one("#cmp-answers", Static).update(answer_rows(c, qs, width))
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ideal":
            return self.other_id is not None
        if action == "next_set":
            return self.view is not None and len(self.view.comparisons) > 1
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_set(self) -> None:
        if self.view is not None and self.view.comparisons:
            self.index = (self.index + 1) % len(self.view.comparisons)
            self._draw()
            self.query_one("#cmp-scroll", VerticalScroll).scroll_home(animate=False)

    def action_ideal(self) -> None:
        self.other_id = None
        self.load()

    def action_other(self) -> None:
        from qualify.tui.modals.prospect_picker import ProspectPicker

        summaries = self.prospect_summaries()
        if not summaries and self.workspace.is_open:
            summaries = self.workspace.summaries()
        name = next((s.name for s in summaries if s.id == self.prospect_id), _("this prospect"))

        def picked(other_id: str | None) -> None:
            if other_id:
                self.other_id = other_id
                self.load()

        self.app.push_screen(
            ProspectPicker(
                _("Compare {name} with…").format(name=name), summaries, exclude=self.prospect_id
            ),
            picked,
        )

    def action_scroll(self, lines: int) -> None:
        self.query_one("#cmp-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
