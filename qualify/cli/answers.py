"""Recording answers from the command line or an answer file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from qualify.cli.env import Env, _, fail, pass_env, read_answers, say, tr
from qualify.core.errors import QualifyError

_NEGATIVE = re.compile(r"-[.,]?[0-9][0-9.,_eE+-]*")
"""What click would take for an option and is a negative number (-5, -2.5, -2,5, -.5)."""


def values_after_options(
    command: click.Command, ctx: click.Context, args: Sequence[str]
) -> list[str]:
    """`qualify answer ID growth -5`: click reads `-5` as an option it does not know. When
    a negative number is given and no `--`, the arguments are handed to click as the
    options with their values, then `--`, then the rest in the order given, so `-5` is
    read as the VALUE it is. An option click does not know is named as click names it: a
    mistyped option never becomes a value that is recorded."""
    if "--" in args or not any(_NEGATIVE.fullmatch(arg) for arg in args):
        return list(args)
    takes_value = {
        name: not (param.is_flag or param.count)
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }
    options: list[str] = []
    rest: list[str] = []
    given = iter(args)
    for arg in given:
        if arg == "-" or not arg.startswith("-") or _NEGATIVE.fullmatch(arg):
            rest.append(arg)
            continue
        name, joined, _value = arg.partition("=")
        if name not in takes_value:
            from difflib import get_close_matches

            close = get_close_matches(name, takes_value)
            raise click.NoSuchOption(name, possibilities=close, ctx=ctx)
        options.append(arg)
        value = next(given, None) if takes_value[name] and not joined else None
        if value is not None:
            options.append(value)  # its value, whatever it looks like (--note -5)
    return [*options, "--", *rest]


class _AnswerCommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, values_after_options(self, ctx, args))


@click.command(cls=_AnswerCommand)
@click.argument("prospect_id", metavar="ID")
@click.argument("question", required=False)
@click.argument("value", required=False)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path),
    help="YAML answer file (same format as `qualify score --answers`); - reads stdin.",
)
@click.option(
    "--note",
    default=None,
    help="Interviewer's note for a single answer (default: the question keeps the note it "
    'has; --note "" removes it).',
)
@click.option(
    "--source",
    type=click.Choice(["stated", "verified", "estimated", "observed", "our_records"]),
    default=None,
    help="Where a single answer came from: stated by the prospect, verified (evidence "
    "seen), estimated, observed (your judgement), our_records (our own systems); "
    "default: the question's own (stated unless the set says otherwise).",
)
@click.option(
    "--stage",
    metavar="STAGE",
    help="Correct the answers of an earlier stage (e.g. first-date); the history marks "
    "the correction.",
)
@pass_env
def answer(
    env: Env,
    prospect_id: str,
    question: str | None,
    value: str | None,
    from_file: Path | None,
    note: str | None,
    source: str | None,
    stage: str | None,
) -> None:
    """Record answers for the prospect's current stage (or an earlier one, with --stage):
    all of them, or none.

    Either `qualify answer ID --from answers.yaml` or `qualify answer ID QUESTION VALUE`;
    a question with any number of answers takes them as `a,b` or `[a, b]` (`[]`: none).
    """
    from qualify.core.questionnaire import AnswerInput, parse_cli_value

    q = env.qualifier
    records = env.read(prospect_id)  # the one read of the prospect: every check uses it
    found = records.prospect
    if stage is not None and stage != found.stage:
        question_set = q.snapshot(q.past_interview(found, stage, records))
    else:
        question_set = q.question_set_for(found, records)
    if from_file is not None:
        if question is not None:
            raise click.UsageError(_("give either --from FILE or QUESTION VALUE, not both"))
        context = q.answer_context(found, question_set, records)
        # the file's problems are said in the prospect's language (Env.read, as any error)
        inputs = list(read_answers(from_file, "--from", question_set, context).values())
    else:
        if question is None or value is None:
            raise click.UsageError(_("give --from FILE, or QUESTION and VALUE"))
        # what is wrong with the answer is said in the prospect's language, as errors are
        with env.about(found.language):
            resolved = question_set.resolve(question)
            if resolved is None:
                from qualify.core.suggest import closest
                from qualify.workflow.qualifier import unknown_key

                if question in question_set.repeat_of:
                    fail(f"QUESTION: {tr(unknown_key(question_set, question))}", 2)
                close = closest(question, question_set.questions)
                hint = (
                    " " + _("(did you mean {name}?)").format(name=repr(close[0])) if close else ""
                )
                said = _("{question} is not a question of {set}").format(
                    question=repr(question), set=question_set.id
                )
                fail(f"QUESTION: {said}{hint}", 2)
            target = resolved[0]
            try:
                parsed = parse_cli_value(target, value)
            except QualifyError as exc:
                from qualify.i18n import error_text

                # a value that does not fit: 1 (README); a question never answered: usage
                fail(
                    f"VALUE: {question}: {error_text(exc)}", 2 if target.type == "calculated" else 1
                )
        if note is None:  # a new answer without --note keeps the note the question has
            asked = (
                q.past_interview(found, stage, records)
                if stage is not None and stage != found.stage
                else q.stage_interview(found, records)
            )
            kept = asked.answers.get(question) if asked is not None else None
            note = kept.note if kept is not None else ""
        inputs = [AnswerInput(question_id=question, value=parsed, source=source, note=note)]  # type: ignore[arg-type]
    assessment = q.record(found, inputs, stage=stage, records=records)
    with env.speaking(q, found.language) as language:
        if language:  # the band and the sets' words as the language has them
            assessment = q.assess(found)
        _recorded(found, len(inputs), stage, assessment)


def _recorded(found: Any, n: int, stage: str | None, assessment: Any) -> None:
    """What was recorded, and the score it gives, in the language in use."""
    from qualify.i18n import _, band_word, fmt_num, fmt_pct, fmt_score

    b = assessment.breakdown
    where = ""
    if stage is not None and stage != found.stage:
        scored = [s for s in assessment.scored if s.interview.stage == stage]
        b = scored[-1].breakdown if scored else None
        where = " " + _("(correcting {stage}; the history marks it)").format(stage=stage)
    said = _("recorded {n} answer(s) for {name}").format(n=n, name=found.name)
    if b is None:
        say(f"{said}{where}")
        return
    ko = " · " + _("KNOCKED OUT") if b.knocked_out else ""
    if b.provisional:
        shown = "—" if b.score is None else fmt_num(round(b.score))
        verdict = _("{score} · provisional · {answered} of {visible} answered").format(
            score=shown, answered=b.answered, visible=b.visible
        )
    else:
        band = band_word(b.band) or _("no band yet")
        verdict = f"{fmt_score(b.score)} · {band}"
    coverage = _("coverage {coverage}").format(coverage=fmt_pct(b.coverage))
    say(f"{said}{where}: " + _("score {verdict}").format(verdict=verdict) + f" · {coverage}{ko}")
