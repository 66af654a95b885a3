"""Commands on question sets: validate, schema, what-if scoring, a workspace copy."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from qualify.cli.env import Env, fail, must_exist, pass_env, read_answers, say


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_env
def validate(env: Env, paths: tuple[Path, ...], strict: bool) -> None:
    """Check question sets and the pipeline; every problem as file:line:col.

    PATHS are files or folders (default: the active question sets).
    """
    from qualify.core.questionnaire import load_catalog, parse_question_set
    from qualify.core.questionnaire.loader import Problem, QuestionSetError, read_yaml_text

    targets = list(paths) or [env.questionnaires[0]]
    problems: list[Problem] = []
    checked: list[Path] = []
    for target in targets:
        if target.is_dir():
            catalog = load_catalog(target)
            checked.extend(catalog.files)
            problems.extend(catalog.problems)
        elif target.is_file():
            checked.append(target)
            try:
                text = read_yaml_text(target)
            except QuestionSetError as exc:
                problems.extend(exc.problems)
                continue
            if target.name in ("pipeline.yaml", "pipeline.yml"):
                problems.extend(_pipeline_problems(target))
                continue
            problems.extend(parse_question_set(text, str(target))[1])
        else:
            fail(f"{target}: no such file or directory")
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for problem in problems:
        say(str(problem))
    bad_files = {p.path for p in errors}
    for path in checked:
        mark = "FAILED" if str(path) in bad_files else "ok"
        say(f"checked {path} ... {mark}")
    summary = f"{len(checked)} file(s) checked: {len(errors)} error(s), {len(warnings)} warning(s)"
    say(summary)
    if errors or (strict and warnings):
        sys.exit(1)


def _pipeline_problems(path: Path) -> list[Any]:
    from qualify.core.questionnaire import load_catalog

    catalog = load_catalog(path.parent)
    return [p for p in catalog.problems if Path(p.path) == path]


@click.command()
@click.option("--pipeline", is_flag=True, help="Print the schema of pipeline.yaml instead.")
def schema(pipeline: bool) -> None:
    """Print the JSON Schema of a question-set file (for editor autocompletion)."""
    import json

    from qualify.core.questionnaire.model import Pipeline, json_schema

    if pipeline:
        data = Pipeline.model_json_schema()
        data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        data["title"] = "qualify pipeline"
    else:
        data = json_schema()
    say(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.option(
    "--questionnaire",
    "questionnaire_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Question-set YAML file, or the id of an active set (e.g. first-date).",
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

    question_set = _question_set(env, questionnaire_path)
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
    unless the workspace has its own): `--questionnaire first-date`."""
    from qualify.core.questionnaire import load_question_set

    text = str(given)
    if not given.exists() and "/" not in text and not text.endswith((".yaml", ".yml")):
        sets = env.catalog.question_sets
        if text in sets:
            return sets[text]
        known = ", ".join(sorted(sets)) or "none"
        fail(f"--questionnaire {text}: no such file, nor an active set (the sets: {known})", 2)
    must_exist(given, "--questionnaire")
    return load_question_set(given)


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
    for path in sorted(source.glob("*.y*ml")):
        dest = target / path.name
        if dest.exists() and not force:
            skipped += 1
            continue
        shutil.copyfile(path, dest)
        copied += 1
    say(str(target))
    note = f", {skipped} kept (use --force to overwrite)" if skipped else ""
    say(f"copied {copied} question set file(s){note}; qualify now uses this folder")
