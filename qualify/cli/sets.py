"""Commands on question sets: validate, schema, what-if scoring, a workspace copy."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from qualify.cli.env import Env, _, fail, must_exist, pass_env, read_answers, say


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_env
def validate(env: Env, paths: tuple[Path, ...], strict: bool) -> None:
    """Check question sets and the pipeline; every problem as file:line:col.

    PATHS are files, folders, pipes or - for standard input (default: the active
    question sets).
    """
    from qualify.core.questionnaire.yamlsource import Problem, QuestionSetError
    from qualify.i18n import problem_text, use_language
    from qualify.setcache import load_catalog, parse_question_set

    targets = list(paths) or [env.questionnaires[0]]
    problems: list[Problem] = []
    checked: list[str] = []
    for target in targets:
        if target.is_dir():
            catalog = load_catalog(target)
            checked.extend(str(f) for f in catalog.files)
            problems.extend(catalog.problems)
        elif str(target) == "-" or target.exists():  # a file, a pipe, or standard input
            try:
                text, name = set_text(target)
            except QuestionSetError as exc:
                checked.append(exc.problems[0].path if exc.problems else str(target))
                problems.extend(exc.problems)
                continue
            checked.append(name)
            if target.name in ("pipeline.yaml", "pipeline.yml"):
                problems.extend(_pipeline_problems(target))
                continue
            problems.extend(parse_question_set(text, name)[1])
        else:
            fail(_("{path}: no such file or directory").format(path=target))
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    with use_language(env.language_for()):
        for problem in problems:
            say(problem_text(problem))
        bad_files = {p.path for p in errors}
        for name in checked:
            mark = _("FAILED") if name in bad_files else _("ok")
            say(_("checked {name} ... {mark}").format(name=name, mark=mark))
        say(
            _("{files} file(s) checked: {errors} error(s), {warnings} warning(s)").format(
                files=len(checked), errors=len(errors), warnings=len(warnings)
            )
        )
    if errors or (strict and warnings):
        sys.exit(1)


def set_text(path: Path) -> tuple[str, str]:
    """A question set's text and the name its messages give it: a file, a pipe, or
    standard input for `-` (`<stdin>:line:col`); at most the question-set size limit."""
    from qualify.core.questionnaire.textfile import read_yaml_text, yaml_text
    from qualify.core.questionnaire.yamlsource import LIMITS

    if str(path) != "-":
        return read_yaml_text(path), str(path)
    return yaml_text(sys.stdin.buffer.read(LIMITS.max_bytes + 1), "<stdin>"), "<stdin>"


def _pipeline_problems(path: Path) -> list[Any]:
    from qualify.setcache import load_catalog

    catalog = load_catalog(path.parent)
    return [p for p in catalog.problems if Path(p.path) == path]


@click.command()
@click.option("--pipeline", is_flag=True, help="Print the schema of pipeline.yaml instead.")
def schema(pipeline: bool) -> None:
    """Print the JSON Schema of a question-set file (for editor autocompletion)."""
    import json

    from qualify.core.questionnaire.schema import json_schema, pipeline_json_schema

    data = pipeline_json_schema() if pipeline else json_schema()
    say(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.option(
    "--questionnaire",
    "questionnaire_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Question-set YAML file, the id of an active set (e.g. first-date), or - for stdin.",
)
@click.option(
    "--answers",
    "answers_path",
    required=True,
    type=click.Path(path_type=Path),
    help="YAML mapping of question id to answer; - reads stdin.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full breakdown as JSON.")
@pass_env
def score(env: Env, questionnaire_path: Path, answers_path: Path, as_json: bool) -> None:
    """What-if scoring of an answer file, without touching any workspace."""
    from qualify.core.scoring import score as score_answers

    if str(questionnaire_path) == "-" and str(answers_path) == "-":
        said = _("only one of them can read standard input")
        fail(f"--questionnaire - and --answers -: {said}", 2)
    from qualify.core.questionnaire.texts import localize

    question_set = _question_set(env, questionnaire_path)
    # the set's own texts (titles, bands, constraint messages) in the language in use
    question_set = localize(question_set, env.language_for(), question_set.language)
    if str(answers_path) != "-":
        must_exist(answers_path, "--answers")
    inputs = read_answers(answers_path, "--answers", question_set)
    values = {qid: a.value for qid, a in inputs.items() if a.state == "answered"}
    breakdown = score_answers(question_set, values, today=datetime.now().astimezone().date())
    if as_json:
        import json

        say(json.dumps(breakdown.to_dict(), indent=2, ensure_ascii=False))
        return
    from qualify.reports.terminal import breakdown_table

    say(breakdown_table(question_set, breakdown))


def _question_set(env: Env, given: Path) -> Any:
    """A question-set file, or a set of the active ones by its id (the bundled ones
    unless the workspace has its own): `--questionnaire first-date`; `-` reads stdin."""
    from qualify.core.questionnaire.yamlsource import QuestionSetError
    from qualify.setcache import parse_question_set

    text = str(given)
    if (
        text != "-"
        and not given.exists()
        and "/" not in text
        and not text.endswith((".yaml", ".yml"))
    ):
        sets = env.catalog.question_sets
        if text in sets:
            return sets[text]
        known = ", ".join(sorted(sets)) or _("none")
        said = _("no such file, nor an active set (the sets: {sets})").format(sets=known)
        fail(f"--questionnaire {text}: {said}", 2)
    if text != "-":
        must_exist(given, "--questionnaire")
    qs, problems = parse_question_set(*set_text(given))
    if qs is None:  # as load_question_set_text says it
        raise QuestionSetError([p for p in problems if p.severity == "error"])
    return qs


@click.group()
def questionnaires() -> None:
    """Manage the workspace's own copy of the question sets."""


@questionnaires.command("init")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@pass_env
def questionnaires_init(env: Env, force: bool) -> None:
    """Copy the bundled question sets into the workspace, ready to edit."""
    import shutil

    from qualify import paths as qpaths

    source = qpaths.bundled_questionnaires_dir()
    target = env.data_dir / "questionnaires"
    target.mkdir(parents=True, exist_ok=True)
    copied = skipped = 0
    # the sets, the pipeline, and the JSON Schemas their `$schema=` lines point at
    for path in sorted([*source.glob("*.y*ml"), *source.glob("*.schema.json")]):
        dest = target / path.name
        if dest.exists() and not force:
            skipped += 1
            continue
        shutil.copyfile(path, dest)
        copied += 1
    say(str(target))
    if skipped:
        said = _(
            "copied {n} question set file(s), {kept} kept (use --force to overwrite); "
            "qualify now uses this folder"
        )
    else:
        said = _("copied {n} question set file(s); qualify now uses this folder")
    say(said.format(n=copied, kept=skipped))


@click.command()
@click.argument("form", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Question set to write."
)
@click.option("--lang", "language", metavar="LANG", help="Which label language to keep.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def convert(form: Path, output: Path, language: str | None, force: bool) -> None:
    """Convert an XLSForm (ODK, KoboToolbox, SurveyCTO) into a question set.

    What the set cannot express is listed on stderr with its sheet, row and reason, and
    in a comment at the top of the output. The output passes `qualify validate`.
    """
    from qualify.atomic import write_text
    from qualify.convert.xlsform import convert_xlsform

    must_exist(form, "FORM")
    result = convert_xlsform(form, language=language)
    try:
        write_text(output, result.yaml_text, replace=force)
    except FileExistsError:
        fail(_("{file} already exists; use --force to replace it").format(file=output))
    for lost in result.lost:
        say(_("not converted: {what}").format(what=lost), err=True)
    say(str(output))
    said = _("converted {form} into question set {set}").format(
        form=form.name, set=repr(result.set_id)
    )
    if result.lost:
        said += "; " + _("{n} thing(s) not converted (listed above)").format(n=len(result.lost))
    say(said, err=True)
