"""Next meetings: agree one (`qualify meet`) and write them all as a calendar."""

from __future__ import annotations

from pathlib import Path

import click

from qualify.cli.env import Env, _, cell, pass_env, say


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.argument("day", metavar="DATE", required=False)
@click.option("--time", "start", metavar="HH:MM", help="When it starts (24-hour clock).")
@click.option("--note", default="", help="What it is about, where, who comes.")
@click.option("--clear", is_flag=True, help="No meeting agreed any more.")
@pass_env
def meet(
    env: Env, prospect_id: str, day: str | None, start: str | None, note: str, clear: bool
) -> None:
    """Agree the next meeting with a prospect: DATE is YYYY-MM-DD (or today, tomorrow,
    +3d, +2w).

    `qualify agenda --due 7d` lists the coming meetings with what to ask;
    `qualify calendar -o meetings.ics` puts them in your calendar.
    """
    from qualify.workflow import meetings

    if clear == (day is not None):
        raise click.UsageError(_("give a DATE, or --clear (not both)"))
    if clear and (start or note):
        raise click.UsageError(_("--time and --note go with a DATE, not with --clear"))
    q = env.qualifier
    found = env.resolve(prospect_id)
    when = meetings.parse_day(day) if day is not None else None
    at = meetings.parse_time(start) if start else None
    saved = meetings.set_meeting(q, found, when, at, note)
    with env.about(found.language):
        if saved.next_meeting is None:
            say(_("{name}: no next meeting").format(name=cell(found.name)))
        else:
            when = cell(meetings.meeting_text(saved.next_meeting))
            say(_("{name}: next meeting {when}").format(name=cell(found.name), when=when))


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the calendar to FILE (default: standard output).",
)
@click.option("--due", "within", metavar="PERIOD", help="Only meetings within PERIOD (e.g. 30d).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--private", is_flag=True, help="Readable by you alone (mode 0600).")
@pass_env
def calendar(env: Env, output: Path | None, within: str | None, force: bool, private: bool) -> None:
    """Every next meeting as an iCalendar file (RFC 5545) for Thunderbird, Outlook or
    Google Calendar, each with its note and its agenda."""
    from qualify.i18n import ngettext
    from qualify.reports.output import write_atomic
    from qualify.workflow import meetings

    q = env.qualifier
    days = meetings.parse_within(within) if within else None
    found = meetings.coming(q, days)
    data = meetings.calendar_file(q, found)
    if output is None or str(output) == "-":
        click.echo(data, nl=False)
        return
    write_atomic(output, data, force=force, private=private)
    say(
        ngettext("wrote {file} ({n} meeting)", "wrote {file} ({n} meetings)", len(found)).format(
            file=output, n=len(found)
        )
    )
