"""The next meeting's agenda, re-scoring after an edit, comparing prospects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualify.cli.env import Env, _, cell, fail, pass_env, say, tr
from qualify.workflow import insights as workflow_insights

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda
    from qualify.core.rescore import SetDiff


@click.command()
@click.argument("prospect_id", metavar="[ID]", required=False)
@click.option(
    "--due",
    "within",
    metavar="PERIOD",
    help="Instead of one prospect: every meeting due within PERIOD (7d, 2w), overdue "
    "ones first, each with its agenda.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--order",
    type=click.Choice(["conversation", "gate"]),
    default="conversation",
    show_default=True,
    help="conversation: as the set asks them (deal-breakers late); gate: what blocks the "
    "gate first, then possible deal-breakers, then the biggest swing in the score.",
)
@pass_env
def agenda(env: Env, prospect_id: str | None, within: str | None, fmt: str, order: str) -> None:
    """What to ask at the next meeting, in the order of the conversation (or --order gate)."""

    if (prospect_id is None) == (within is None):
        raise click.UsageError(_("give a prospect ID, or --due PERIOD (not both)"))
    q = env.qualifier
    if within is not None:
        _due(env, within, fmt)
        return
    assert prospect_id is not None
    found = q.resolve(prospect_id)
    from qualify.workflow.meetings import meeting_agenda

    if fmt == "json":
        import orjson

        plan = meeting_agenda(q, found, order="gate" if order == "gate" else "conversation")
        data = {"prospect": found.id, "name": found.name, **plan.to_dict()}
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    with env.speaking(q, found.language):
        _agenda(q, found, fmt, "gate" if order == "gate" else "conversation")


def _agenda(q: Any, found: Any, fmt: str, order: Any) -> None:
    """The agenda as Markdown or text, in the language in use."""
    from qualify.core.agenda import agenda_markdown
    from qualify.i18n import _, tr
    from qualify.workflow.meetings import meeting_agenda

    plan = meeting_agenda(q, found, order=order)
    stage = q.stage(found.stage)
    title = f"{found.name} — {stage.title if stage else found.stage}"
    if fmt == "md":
        say(tr(agenda_markdown(plan, title=title)), nl=False)
        return
    meeting = ""
    if found.next_meeting is not None:
        from qualify.workflow.meetings import meeting_text

        meeting = f" ({meeting_text(found.next_meeting)})"
    say(_("Agenda for the next meeting with {title}").format(title=title) + cell(meeting))
    _items(plan)


def _items(plan: Agenda, limit: int | None = None) -> None:
    from qualify.core.agenda import ITEM_KIND_WORDS
    from qualify.i18n import _, tr

    if not plan.items:
        say(f"  {tr(plan.nothing_open)}")
        return
    for n, item in enumerate(plan.items[:limit], start=1):
        flags = [
            w
            for w, on in (
                (_("gate"), item.blocks_gate),
                (_("deal-breaker?"), bool(item.could_knock_out)),
            )
            if on
        ]
        flag = f" [{', '.join(flags)}]" if flags else ""
        say(f"{n:>3}. {cell(item.text)}{flag}")
        why = f" · {tr(item.why)}" if item.why else ""
        say(f"     {cell(item.section)} · {tr(ITEM_KIND_WORDS[item.kind])}{cell(why)}")
    if limit is not None and len(plan.items) > limit:
        say("     " + _("… and {n} more").format(n=len(plan.items) - limit))


DUE_ITEMS = 5
"""Agenda items listed under each meeting of `agenda --due` (the rest are counted)."""


def _due(env: Env, within: str, fmt: str) -> None:
    """The meetings due within a period, each with (the start of) its agenda."""
    from qualify.core.agenda import agenda_markdown
    from qualify.core.words import markdown_text
    from qualify.workflow import meetings

    q = env.qualifier
    days = meetings.parse_within(within)
    found = meetings.coming(q, days)
    if fmt == "json":
        import orjson

        data = [
            {
                "prospect": m.prospect.id,
                "name": m.prospect.name,
                "stage": m.prospect.stage,
                "meeting": m.meeting.model_dump(mode="json"),
                "overdue": m.overdue,
                "agenda": m.agenda.to_dict() if m.agenda is not None else None,
                "problem": m.problem or None,
            }
            for m in found
        ]
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if not found:
        from qualify.i18n import ngettext

        said = ngettext("No meeting due within {n} day.", "No meeting due within {n} days.", days)
        say(said.format(n=days))
        return
    for m in found:
        when = meetings.meeting_text(m.meeting)
        late = _("OVERDUE") + " " if m.overdue else ""
        if fmt == "md":
            head = f"{late}{when}: {m.prospect.name} — {m.stage_title}"
            text = agenda_markdown(m.agenda, title=head) if m.agenda else ""
            say(text or f"# {markdown_text(head)}\n\n{m.problem}\n", nl=False)
            say("")
            continue
        who = f"{cell(m.prospect.name)} — {cell(m.stage_title)}"
        say(f"{late}{cell(when)}  {who}  ({m.prospect.id})")
        if m.agenda is None:
            say("     " + _("no agenda: {problem}").format(problem=cell(tr(m.problem))))
        else:
            _items(m.agenda, DUE_ITEMS)
        say("")


@click.command()
@click.argument("prospect_ids", metavar="[ID]...", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def rescore(env: Env, prospect_ids: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Re-score interviews taken with an older version of a question set.

    Shows the score under the version each interview was taken with and under the
    current one, with the questions that changed. Without --dry-run the re-score is
    recorded in each prospect's history; the interview itself stays as it was taken.
    A prospect whose file cannot be read is skipped with a warning (status 5).
    """
    from qualify.core.collector import collector_paused

    q = env.qualifier
    prospects = [q.resolve(pid) for pid in prospect_ids] if prospect_ids else None
    out = _Out()
    said: dict[int, tuple[SetDiff, list[str]]] = {}  # per diff: its lines, translated
    held: str | None = None  # JSON: the latest item, a comma after it if another comes
    found = pending = 0
    with collector_paused():
        # each re-score printed (and recorded) as it comes: a portfolio's scores are
        # never all held at once
        for c in workflow_insights.iter_rescore_candidates(q, prospects):
            found += 1
            if not c.recorded:
                if dry_run:
                    pending += 1
                else:  # another run at the same moment may have written it first
                    done = workflow_insights.record_rescore(q, c.prospect, c.interview, c.result)
                    pending += done.written
            if as_json:
                out.line("[" if held is None else held + ",")
                held = _json_item(c)
            else:
                _text_item(c, out, said)
    if as_json:  # the bytes of orjson.dumps(items, option=OPT_INDENT_2)
        out.line("[]" if held is None else held + "\n]")
    elif not found:
        out.line(
            _(
                "Every interview was taken with the current version of its question set, or "
                "one that scores the same (only the wording changed): nothing to re-score."
            )
        )
    else:
        done = _("would record {n} re-score(s)") if dry_run else _("recorded {n} re-score(s)")
        already = found - pending
        tail = "; " + _("{n} already in the history").format(n=already) if already else ""
        out.line(done.format(n=pending) + tail)
    out.flush()


class _Out:
    """Lines for standard output, written a batch at a time: a write (and flush) per line
    costs more than a re-score's own lines take to make."""

    BATCH = 1 << 16
    """Characters gathered before a write."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._size = 0

    def line(self, text: str) -> None:
        self._lines.append(text)
        self._size += len(text)
        if self._size >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            say("\n".join(self._lines))
            self._lines, self._size = [], 0


def _json_item(c: workflow_insights.RescoreCandidate) -> str:
    """A candidate as an item of the JSON array `rescore --json` prints (indented one
    level, as ``orjson.dumps(items, option=OPT_INDENT_2)`` writes it)."""
    import orjson

    item = {
        "prospect": c.prospect.id,
        "name": c.prospect.name,
        "interview": c.interview.id,
        "stage": c.interview.stage,
        "already_recorded": c.recorded,
        **c.result.to_dict(),
    }
    text = orjson.dumps(item, option=orjson.OPT_INDENT_2).decode()
    return "  " + text.replace("\n", "\n  ")  # a newline inside a string is written \n


def _text_item(
    c: workflow_insights.RescoreCandidate, out: _Out, said: dict[int, tuple[SetDiff, list[str]]]
) -> None:
    """A candidate's lines: both scores, what changed (translated once per diff, in
    `said`), the answers that no longer count."""
    from qualify.i18n import fmt_score, fmt_signed

    prospect, interview, result, _recorder, recorded = c
    old, new, diff = result.old, result.new, result.diff
    delta = fmt_signed(result.delta, 1) if result.delta is not None else _("n/a")
    out.line(
        f"{prospect.name} ({prospect.id[:8]}) · {interview.questionnaire_id} "
        f"v{diff.old_version} → v{diff.new_version}: "
        f"{fmt_score(old.score)} {old.band or '—'} → {fmt_score(new.score)} "
        f"{new.band or '—'} ({delta})" + ("  " + _("[already recorded]") if recorded else "")
    )
    lines = said.get(id(diff))  # the diff is held with its lines: its id stays its own
    if lines is None:
        lines = said[id(diff)] = (diff, [f"    {tr(line)}" for line in diff.lines()])
    for line in lines[1]:  # what changed, in the language in use
        out.line(line)
    for qid, why in result.dropped:
        dropped = _("answer to {question} no longer counts: {why}")
        out.line("    " + dropped.format(question=qid, why=tr(why)))


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.argument("other_id", metavar="[ID2]", required=False)
@click.option(
    "--ideal",
    "ideal",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    help="Compare with the ideal partner: an answer file, the workspace's ideal.yaml, "
    "or (when neither exists) the committed partners with the best scores.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def compare(
    env: Env, prospect_id: str, other_id: str | None, ideal: str | None, as_json: bool
) -> None:
    """Compare a prospect with another one, or with your ideal partner."""
    if (other_id is None) == (ideal is None):
        raise click.UsageError(_("give a second prospect ID2 or --ideal, not both or neither"))
    q = env.qualifier
    left = q.resolve(prospect_id)
    if as_json:  # English keys and the sets' own texts
        _compare(env, q, left, other_id, ideal, as_json)
        return
    with env.speaking(q, left.language):  # the sets' texts too, as the language has them
        _compare(env, q, left, other_id, ideal, as_json)


def _compare(
    env: Env, q: Any, left: Any, other_id: str | None, ideal: str | None, as_json: bool
) -> None:
    """The comparison, in the language in use."""
    from qualify.core.compare import compare as compare_answers
    from qualify.core.words import answer_text
    from qualify.i18n import fmt_score, fmt_signed

    left_sets = workflow_insights.answers_by_set(q, left)
    right_sets: dict[str, dict] = {}
    if other_id is not None:
        right = q.resolve(other_id)
        right_label = right.name
        right_sets = {
            sid: values for sid, (_qs, values) in workflow_insights.answers_by_set(q, right).items()
        }
    else:
        right_label, right_sets = _ideal_profile(env, ideal or None, left_sets)
        if not as_json:  # "ideal partner" in the language in use (JSON keeps its English)
            right_label = tr(right_label)
    comparisons = []
    for set_id, (qs, values) in left_sets.items():
        if set_id not in right_sets:
            continue
        comparisons.append(
            compare_answers(
                qs, values, right_sets[set_id], left_label=left.name, right_label=right_label
            )
        )
    if not comparisons:
        said = _("nothing to compare: {name} and {other} share no answered question set")
        fail(said.format(name=left.name, other=right_label))
    if as_json:
        import orjson

        say(orjson.dumps([c.to_dict() for c in comparisons], option=orjson.OPT_INDENT_2).decode())
        return
    for c in comparisons:
        qs = left_sets[c.question_set_id][0]
        versus = _("vs")
        say(
            f"{qs.title}: {left.name} {fmt_score(c.left.score)} ({c.left.band or '—'}) {versus} "
            f"{right_label} {fmt_score(c.right.score)} ({c.right.band or '—'})"
        )
        for s in c.sections:
            delta = fmt_signed(s.delta, 0) if s.delta is not None else _("n/a")
            say(f"    {s.title:<32} {fmt_score(s.left):>6} {fmt_score(s.right):>6}  {delta}")
        if c.answers:
            say("  " + _("Differences that matter most:"))
        for a in c.answers[:10]:
            question = qs.questions[a.question_id]
            mark = " " + _("[knock-out]") if a.knockout else ""
            theirs = tr(answer_text(question, a.left)) or "—"
            ours = tr(answer_text(question, a.right)) or "—"
            points = _("({points} points)").format(points=fmt_signed(a.impact, 1))
            say(f"    {a.text}{mark}\n      {theirs}  {versus}  {ours}  {points}")
        say("")


def _ideal_profile(env: Env, path: str | None, left_sets: dict) -> tuple[str, dict[str, dict]]:
    """The ideal partner's answers per question set, and what to call it."""
    source = Path(path) if path else None
    return workflow_insights.ideal_profile(
        env.qualifier, left_sets, source, env.data_dir / "ideal.yaml"
    )
