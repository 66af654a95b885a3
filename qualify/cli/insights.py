"""The next meeting's agenda, re-scoring after an edit, comparing prospects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualify.cli.env import Env, _, cell, fail, pass_env, say, tr
from qualify.workflow import insights as workflow_insights

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda


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
    found = env.resolve(prospect_id)
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
    left = env.resolve(prospect_id)
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
    from qualify.i18n import band_word, fmt_score, fmt_signed

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
        bands = [band_word(side.band) or "—" for side in (c.left, c.right)]
        say(
            f"{qs.title}: {left.name} {fmt_score(c.left.score)} ({bands[0]}) {versus} "
            f"{right_label} {fmt_score(c.right.score)} ({bands[1]})"
        )
        for s in c.sections:
            delta = fmt_signed(s.delta, 0) if s.delta is not None else _("n/a")
            say(f"    {s.title:<32} {fmt_score(s.left):>6} {fmt_score(s.right):>6}  {delta}")
        if c.answers:
            say("  " + _("Differences that matter most:"))
        for a in c.answers[:10]:
            found = qs.resolve(a.question_id)  # `references[1].ref_outcome` too
            question = found[0] if found is not None else None
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
