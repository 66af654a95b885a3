"""Adding, editing, listing and showing prospects."""

from __future__ import annotations

import click

from qualify.cli.env import Env, cell, pass_env, say
from qualify.cli.moves import echo_criteria


def kind_choice() -> click.Choice:
    return click.Choice(["dealer", "distributor", "reseller", "integrator", "other"])


@click.group()
def prospect() -> None:
    """Add, list and show prospects."""


@prospect.command("add")
@click.argument("name")
@click.option("--territory", default="", help="Sales territory, e.g. 'North-West'.")
@click.option("--kind", type=kind_choice(), default="other", show_default=True)
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--notes", default="", help="Free notes.")
@pass_env
def prospect_add(
    env: Env, name: str, territory: str, kind: str, tags: tuple[str, ...], notes: str
) -> None:
    """Add a prospect at the first stage; prints its id alone."""
    added = env.qualifier.add_prospect(name, territory=territory, kind=kind, tags=tags, notes=notes)
    say(added.id)


@prospect.command("edit")
@click.argument("prospect_id", metavar="ID")
@click.option("--name", default=None, help="New company name.")
@click.option("--territory", default=None, help="New territory.")
@click.option("--kind", type=kind_choice(), default=None)
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeatable).")
@click.option("--notes", default=None, help="Replace the free notes.")
@pass_env
def prospect_edit(
    env: Env,
    prospect_id: str,
    name: str | None,
    territory: str | None,
    kind: str | None,
    tags: tuple[str, ...],
    notes: str | None,
) -> None:
    """Change a prospect's facts; the change is kept in its history."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    saved = q.edit_prospect(
        found, name=name, territory=territory, kind=kind, notes=notes, tags=tags or None
    )
    if saved == found:
        say(f"{found.name}: nothing to change", err=True)
    else:
        say(f"{saved.name}: saved", err=True)


@prospect.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--territory", default=None, help="Only this territory.")
@click.option("--stage", default=None, help="Only this stage id.")
@click.option(
    "--status", default=None, help="Only this status (active, committed, declined, on_hold)."
)
@pass_env
def prospect_list(
    env: Env, as_json: bool, territory: str | None, stage: str | None, status: str | None
) -> None:
    """List prospects, most recently active first.

    A prospect whose file cannot be read (or is gone) is left out with a warning naming
    the file and the fix (`qualify doctor --repair`); the status is then 5.
    """
    rows = env.store.list_prospects()
    doubtful = env.store.doubtful_rows()
    if doubtful:
        writers = ", ".join(sorted(set(doubtful.values())))
        say(
            f"qualify: note: {len(doubtful)} list row(s) disagreed with their records "
            f"(written by {writers}); shown as the records say (`qualify db verify` "
            "rewrites them)",
            err=True,
        )
    if territory is not None:
        rows = [r for r in rows if r.territory == territory]
    if stage is not None:
        rows = [r for r in rows if r.stage == stage]
    if status is not None:
        rows = [r for r in rows if r.status.value == status]
    if as_json:
        import orjson

        data = [r.model_dump(mode="json") for r in rows]
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if not rows:
        say(
            "No prospects yet. Add one with `qualify prospect add NAME` or try `qualify demo`.",
            err=True,
        )
        return
    from qualify.core.words import fmt_pct, fmt_score

    header = ("ID", "NAME", "TERRITORY", "KIND", "STAGE", "STATUS", "SCORE", "BAND", "COVERAGE")
    table = [header]
    for r in rows:
        band = ("✗ " if r.knocked_out else "") + (
            r.band or ("provisional" if r.provisional else "")
        )
        table.append(
            tuple(
                cell(c)
                for c in (
                    r.id,
                    r.name,
                    r.territory,
                    r.kind.value,
                    r.stage,
                    r.status.value,
                    fmt_score(r.score),
                    band,
                    fmt_pct(r.coverage),
                )
            )
        )
    widths = [min(max(len(str(row[i])) for row in table), 32) for i in range(len(header))]
    for row in table:
        say("  ".join(str(c)[:32].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


@prospect.command("show")
@click.argument("prospect_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def prospect_show(env: Env, prospect_id: str, as_json: bool) -> None:
    """Stage, status, latest score breakdown, gate result and history of a prospect."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    assessment = q.assess(found)
    history = assessment.records.history
    if as_json:
        import orjson

        data = assessment.to_dict()
        data["history"] = [h.model_dump(mode="json") for h in history]
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    from qualify.reports.terminal import breakdown_table

    stage_title = assessment.stage.title if assessment.stage else found.stage
    say(f"{cell(found.name)}  ({found.id})")
    facts = [found.kind.value, found.territory or "no territory", stage_title, found.status.value]
    say("  " + " · ".join(cell(f) for f in facts))
    say("")
    if assessment.breakdown and assessment.question_set:
        say(breakdown_table(assessment.question_set, assessment.breakdown))
    else:
        say("No answers yet at this stage.")
    if assessment.gate:
        say("")
        verdict = "met" if assessment.gate.passed else "not met"
        say(f"Gate to move on: {verdict}")
        echo_criteria(assessment.gate.criteria, assessment.gate_set)
    if assessment.next_step:
        say(f"Next step: {assessment.next_step}")
        if found.status.value in ("active", "committed"):
            open_items = len(q.agenda(found).items)
            if open_items:
                say(f"  ({open_items} open item(s): `qualify agenda {found.id}`)")
    say("")
    say("History")
    for h in history:
        move = f"{h.from_stage} → {h.to_stage}" if h.action == "advance" else (h.to_stage or "")
        extra = (
            f" (override: {h.reason})" if h.overridden else (f": {h.reason}" if h.reason else "")
        )
        say(f"  {h.at:%Y-%m-%d %H:%M}  {h.action:<8} {move}{extra}")
