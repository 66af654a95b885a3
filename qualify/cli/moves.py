"""Stage moves: advance, decline, hold, reopen."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from qualify.cli.env import Env, _, pass_env, say, tr

if TYPE_CHECKING:
    from qualify.core.gates import Criterion
    from qualify.core.questionnaire import QuestionSet


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--override", metavar="REASON", help="Move even though the gate is not met.")
@click.option(
    "--from",
    "from_stage",
    metavar="STAGE",
    help="Only if the prospect is still at this stage (what you saw); nothing changes otherwise.",
)
@pass_env
def advance(env: Env, prospect_id: str, override: str | None, from_stage: str | None) -> None:
    """Move to the next stage if the gate passes; else list what is missing.

    Of two at once, one moves (the other exits with status 4). An override is refused
    when the prospect was moved in the last two minutes (by anyone), unless --from names
    the stage it is at now."""
    from qualify.workflow.qualifier import GateBlocked

    q = env.qualifier
    found = env.resolve(prospect_id)
    try:
        entry = q.advance(found, override=override, from_stage=from_stage)
    except GateBlocked as blocked:
        with env.speaking(q, found.language):  # nothing was recorded: the sets may speak
            _blocked(q, found, blocked)
        sys.exit(blocked.exit_code)
    with env.about(found.language):
        note = (
            " " + _("(override: {reason})").format(reason=entry.reason) if entry.overridden else ""
        )
        src, dst = _stage(q, entry.from_stage or ""), _stage(q, entry.to_stage or "")
        say(f"{found.name}: {src} → {dst}{note}")


def _stage(q: Any, stage_id: str) -> str:
    """A stage as a sentence names it: its title in the language in use; English keeps
    the id it has always printed (scripts read it)."""
    from qualify.i18n import english, stage_title

    return stage_id if english() else stage_title(q.catalog.pipeline, stage_id)


def _blocked(q: Any, found: Any, blocked: Any) -> None:
    """Why the gate holds the prospect back, in the language in use (on stderr)."""
    stage = q.pipeline.stage_map.get(blocked.result.stage_id)
    title = stage.title if stage else blocked.result.stage_id
    say(
        _("{name} cannot move on yet: the {stage} gate is not met.").format(
            name=found.name, stage=title
        ),
        err=True,
    )
    assessment = q.assess(found)  # the gate again, in the words of the language in use
    gate, question_set = blocked.result, blocked.question_set
    if assessment.gate is not None and assessment.gate.stage_id == gate.stage_id:
        gate, question_set = assessment.gate, assessment.gate_set
    echo_criteria([c for c in gate.criteria if not c.met], question_set, err=True)
    say(_("Next step: {step}").format(step=tr(assessment.next_step)), err=True)
    say(_('To move on anyway, use --override "REASON".'), err=True)


def echo_criteria(
    criteria: Iterable[Criterion], question_set: QuestionSet | None, *, err: bool = False
) -> None:
    """Each gate criterion, and under an open one the wording of the questions it names:
    the id is what `qualify answer` takes, the wording is what to ask."""
    from qualify.i18n import _, tr

    questions = question_set.questions if question_set is not None else {}
    for c in criteria:
        say(f"  {'✓' if c.met else '✗'} {tr(c.text)}", err=err)
        if c.met:
            continue
        named = [questions[qid] for qid in c.questions if qid in questions]
        for question in named[:GATE_QUESTIONS_SHOWN]:
            say(f"      {question.id}: {question.text}", err=err)
        if len(named) > GATE_QUESTIONS_SHOWN:
            more = len(named) - GATE_QUESTIONS_SHOWN
            say("      " + _("… and {n} more").format(n=more), err=err)


GATE_QUESTIONS_SHOWN = 5
"""Question wordings listed under one open gate criterion; the rest are counted."""


@click.command()
@click.argument("prospect_id", metavar="ID")
@pass_env
def review(env: Env, prospect_id: str) -> None:
    """Start the next relationship review of a committed partner (the current one is kept)."""
    q = env.qualifier
    found = env.resolve(prospect_id)
    before = q.stage_interview(found)
    started = q.start_review(found)
    reviews = [i for i in env.store.interviews(found.id) if i.kind == "review"]
    with env.about(found.language):
        if before is not None and started.id == before.id:
            said = _("{name}: review {n} is open already; answer it with `qualify answer`")
        else:
            said = _("{name}: review {n} started; answer it with `qualify answer`")
        say(said.format(name=found.name, n=len(reviews)))


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why you are parting ways (kept in the history).")
@pass_env
def decline(env: Env, prospect_id: str, reason: str) -> None:
    """Part ways with a prospect, with a reason."""
    q = env.qualifier
    found = env.resolve(prospect_id)
    q.decline(found, reason)
    with env.about(found.language):
        say(_("{name}: declined ({reason})").format(name=found.name, reason=reason.strip()))


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why now is not the time.")
@click.option(
    "--recontact",
    callback=lambda _ctx, _param, text: _recontact(text),
    help="When to call again (YYYY-MM-DD): today or later.",
)
@pass_env
def hold(env: Env, prospect_id: str, reason: str, recontact: Any) -> None:
    """Just friends: put a good prospect on hold with a date to re-contact."""
    q = env.qualifier
    found = env.resolve(prospect_id)
    q.hold(found, reason, recontact)
    from qualify.i18n import fmt_date

    with env.about(found.language):
        if recontact:
            said = _("{name}: on hold, re-contact on {day}").format(
                name=found.name, day=fmt_date(recontact)
            )
        else:
            said = _("{name}: on hold").format(name=found.name)
        say(said)


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why you are reopening (kept in the history).")
@pass_env
def reopen(env: Env, prospect_id: str, reason: str) -> None:
    """Reopen a declined or on-hold prospect at the stage where it stopped."""
    q = env.qualifier
    found = env.resolve(prospect_id)
    q.reopen(found, reason)
    with env.about(found.language):
        said = _("{name}: active again at {stage}")
        say(said.format(name=found.name, stage=_stage(q, found.stage)))


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why you undo it (kept in the history).")
@click.option("--dry-run", is_flag=True, help="Say what would be undone; change nothing.")
@pass_env
def undo(env: Env, prospect_id: str, reason: str, dry_run: bool) -> None:
    """Undo the latest stage move, decline, hold, reopen or answer of a prospect.

    Nothing is erased: the undo is a new line of the history (what was undone, by whom,
    why), and the prospect or the answer is put back as it was. Run it again to undo
    the move or answer before that one (an answer goes back one step: to the one it
    replaced).
    """
    from qualify.core.words import STATUS_LABELS
    from qualify.i18n import english
    from qualify.workflow import corrections

    q = env.qualifier
    found = env.resolve(prospect_id)
    # the undo names stages and questions as the prospect's language has them (it
    # records no set text, so speaking the language changes nothing it saves)
    with env.speaking(q, found.language):
        if dry_run:
            item = corrections.undoable(q, found)
            if item is None:
                say(_("{name}: nothing to undo").format(name=found.name))
            else:
                say(_("{name}: would undo {what}").format(name=found.name, what=tr(item[1])))
            return
        done = corrections.undo(q, found, reason)
        now = q.store.get_prospect(found.id)
        status = now.status.value
        if not english():  # the method's word (English keeps the value it always showed)
            status = _(STATUS_LABELS.get(status, status))
        say(
            _("{name}: undid {what}; now at {stage}, {status}").format(
                name=found.name, what=tr(done.what), stage=_stage(q, now.stage), status=status
            )
        )


def _recontact(text: str | None) -> Any:
    """The day to call again, or click's usage error naming the option and what is wrong
    with the day (a 30th of February was "does not match the format '%Y-%m-%d'")."""
    if text is None:
        return None
    from qualify.core.errors import QualifyError
    from qualify.core.moves import read_recontact
    from qualify.i18n import error_text
    from qualify.workflow.checks import today

    try:
        return read_recontact(text, today())
    except QualifyError as exc:
        raise click.BadParameter(error_text(exc)) from None
