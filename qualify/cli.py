"""The `qualify` command line: thin wrappers over the core, the store and the reports.

Heavy modules (Textual, the store, the reports) are imported inside the
commands that need them, so `qualify validate` and `qualify score` start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from qualify import __version__
from qualify.core.errors import QualifyError

if TYPE_CHECKING:
    from qualify.core.gates import Criterion
    from qualify.core.questionnaire import Catalog, QuestionSet
    from qualify.store.base import Store
    from qualify.workflow.qualifier import Qualifier


class Env:
    """What the global options resolve to, computed only when a command asks."""

    def __init__(
        self, data_dir: str | None, questionnaires: str | None, store_url: str | None = None
    ) -> None:
        self._data_dir_option = data_dir
        self._questionnaires_option = questionnaires
        self.store_url = store_url or None
        """A postgresql:// URL (--store or $QUALIFY_STORE), or None for the workspace."""
        self._store: Store | None = None

    @cached_property
    def data_dir(self) -> Path:
        from qualify import paths

        return paths.data_dir(self._data_dir_option)

    @cached_property
    def questionnaires(self) -> tuple[Path, str]:
        from qualify import paths

        return paths.questionnaires_dir(self._questionnaires_option, self.data_dir)

    @cached_property
    def catalog(self) -> Catalog:
        from qualify.core.questionnaire import load_catalog

        folder, source = self.questionnaires
        if not folder.is_dir():
            where = {"workspace": "the workspace's questionnaires/", "bundled": "bundled"}
            fail(f"{where.get(source, source)} {folder}: question-set folder not found", 2)
        return load_catalog(folder)

    @property
    def store(self) -> Store:
        if self._store is None:
            from qualify.store import open_store

            if self.store_url:
                self._store = open_store(url=self.store_url)
            else:
                self._store = open_store(self.data_dir)
        return self._store

    @cached_property
    def qualifier(self) -> Qualifier:
        from qualify.paths import workspace_user
        from qualify.workflow.qualifier import Qualifier

        # On a server, who answers is the database login (Qualifier takes it from the store).
        user = "" if self.store_url else workspace_user()
        return Qualifier(self.store, self.catalog, user=user)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit: never a traceback."""
    click.echo(f"qualify: error: {message}", err=True)
    sys.exit(code)


class QualifyGroup(click.Group):
    """Turns every user-facing error into one line; anything else is reported as a bug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualifyError as exc:
            fail(str(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("qualify: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`qualify prospect list | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            fail(f"{exc.strerror or exc}{where}")
        except Exception as exc:
            if os.environ.get("QUALIFY_DEBUG"):
                raise
            fail(
                f"internal error: {type(exc).__name__}: {exc} "
                "(please report it; QUALIFY_DEBUG=1 shows the traceback)",
                70,
            )


pass_env = click.make_pass_decorator(Env)


def _read_answers(path: Path, option: str, question_set: QuestionSet) -> dict[str, Any]:
    """An answer file, or standard input for `-` (errors then name `<stdin>:line`)."""
    from qualify.core.questionnaire import load_answers, load_answers_text

    if str(path) == "-":
        return load_answers_text(sys.stdin.read(), "<stdin>", question_set)
    _must_exist(path, option)
    return load_answers(path, question_set)


def _must_exist(path: Path, option: str) -> None:
    """A missing input file is a usage mistake: name the option that pointed at it."""
    if not path.is_file():
        fail(f"{option} {path}: {'is a folder' if path.is_dir() else 'no such file'}", 2)


@click.group(cls=QualifyGroup, invoke_without_command=True)
@click.option(
    "--data-dir",
    metavar="DIR",
    help="Workspace directory (default: $QUALIFY_DATA_DIR, else your user data dir).",
)
@click.option(
    "--questionnaires",
    metavar="DIR",
    help="Question sets to use (default: $QUALIFY_QUESTIONNAIRES, else the workspace's "
    "questionnaires/, else the bundled ones).",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    envvar="QUALIFY_STORE",
    help="Shared team store, e.g. postgresql://anna@db.example.com/qualify "
    "(default: $QUALIFY_STORE, else the embedded workspace). See docs/team.md.",
)
@click.version_option(__version__, prog_name="qualify")
@click.pass_context
def main(
    ctx: click.Context, data_dir: str | None, questionnaires: str | None, store_url: str | None
) -> None:
    """Qualify channel-partner prospects: date first, commit when the fit is proven.

    Without a command, opens the interview app on the active workspace.
    """
    env = Env(data_dir, questionnaires, store_url)
    ctx.obj = env
    ctx.call_on_close(env.close)
    if ctx.invoked_subcommand is None:
        from qualify.tui import run_app

        run_app(env.data_dir, env.questionnaires[0], store_url=env.store_url)


# ----------------------------------------------------------------------- engine


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_env
def validate(env: Env, paths: tuple[Path, ...], strict: bool) -> None:
    """Check question sets and the pipeline; every problem as file:line:col.

    PATHS are files or folders (default: the active question sets).
    """
    from qualify.core.questionnaire import load_catalog, parse_question_set
    from qualify.core.questionnaire.loader import Problem

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
                text = target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(str(target), 1, 1, f"cannot read: {exc}"))
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
        click.echo(str(problem))
    bad_files = {p.path for p in errors}
    for path in checked:
        mark = "FAILED" if str(path) in bad_files else "ok"
        click.echo(f"checked {path} ... {mark}", err=True)
    summary = f"{len(checked)} file(s) checked: {len(errors)} error(s), {len(warnings)} warning(s)"
    click.echo(summary, err=True)
    if errors or (strict and warnings):
        sys.exit(1)


def _pipeline_problems(path: Path) -> list[Any]:
    from qualify.core.questionnaire import load_catalog

    catalog = load_catalog(path.parent)
    return [p for p in catalog.problems if Path(p.path) == path]


@main.command()
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
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--questionnaire",
    "questionnaire_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Question-set YAML file.",
)
@click.option(
    "--answers",
    "answers_path",
    required=True,
    type=click.Path(path_type=Path),
    help="YAML mapping of question id to answer; - reads stdin.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full breakdown as JSON.")
def score(questionnaire_path: Path, answers_path: Path, as_json: bool) -> None:
    """What-if scoring of an answer file, without touching any workspace."""
    from qualify.core.questionnaire import load_question_set
    from qualify.core.scoring import score as score_answers

    _must_exist(questionnaire_path, "--questionnaire")
    if str(answers_path) != "-":
        _must_exist(answers_path, "--answers")
    question_set = load_question_set(questionnaire_path)
    inputs = _read_answers(answers_path, "--answers", question_set)
    values = {qid: a.value for qid, a in inputs.items() if a.state == "answered"}
    breakdown = score_answers(question_set, values)
    if as_json:
        import json

        click.echo(json.dumps(breakdown.to_dict(), indent=2, ensure_ascii=False))
        return
    from qualify.reports.terminal import breakdown_table

    click.echo(breakdown_table(question_set, breakdown))


# -------------------------------------------------------------------- workspace


@main.command()
@pass_env
def paths(env: Env) -> None:
    """Print where qualify keeps its data and which question sets it uses."""
    from qualify import paths as qpaths

    qdir, source = env.questionnaires
    from qualify.store import redact_url

    if env.store_url:
        chosen = os.environ.get("QUALIFY_STORE") == env.store_url
        origin = "$QUALIFY_STORE" if chosen else "--store"
        store_row = f"{redact_url(env.store_url)}  (PostgreSQL, {origin})"
    else:
        store_row = f"embedded workspace in {env.data_dir}"
    rows = [
        ("store", store_row),
        ("workspace", str(env.data_dir)),
        ("question sets", f"{qdir}  ({source})"),
        ("bundled question sets", str(qpaths.bundled_questionnaires_dir())),
        ("config file", str(qpaths.config_file())),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")


# -------------------------------------------------------------------- prospects


def _kind_choice() -> click.Choice:
    return click.Choice(["dealer", "distributor", "reseller", "integrator", "other"])


@main.group()
def prospect() -> None:
    """Add, list and show prospects."""


@prospect.command("add")
@click.argument("name")
@click.option("--territory", default="", help="Sales territory, e.g. 'North-West'.")
@click.option("--kind", type=_kind_choice(), default="other", show_default=True)
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--notes", default="", help="Free notes.")
@pass_env
def prospect_add(
    env: Env, name: str, territory: str, kind: str, tags: tuple[str, ...], notes: str
) -> None:
    """Add a prospect at the first stage; prints its id alone."""
    added = env.qualifier.add_prospect(name, territory=territory, kind=kind, tags=tags, notes=notes)
    click.echo(added.id)


@prospect.command("edit")
@click.argument("prospect_id", metavar="ID")
@click.option("--name", default=None, help="New company name.")
@click.option("--territory", default=None, help="New territory.")
@click.option("--kind", type=_kind_choice(), default=None)
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
        click.echo(f"{found.name}: nothing to change", err=True)
    else:
        click.echo(f"{saved.name}: saved", err=True)


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
    """List prospects, most recently active first."""
    rows = env.store.list_prospects()
    if territory is not None:
        rows = [r for r in rows if r.territory == territory]
    if stage is not None:
        rows = [r for r in rows if r.stage == stage]
    if status is not None:
        rows = [r for r in rows if r.status.value == status]
    if as_json:
        import orjson

        data = [r.model_dump(mode="json") for r in rows]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if not rows:
        click.echo(
            "No prospects yet. Add one with `qualify prospect add NAME` or try `qualify demo`.",
            err=True,
        )
        return
    from qualify.reports.terminal import fmt_pct, fmt_score

    header = ("ID", "NAME", "TERRITORY", "KIND", "STAGE", "STATUS", "SCORE", "BAND", "COVERAGE")
    table = [header]
    for r in rows:
        band = ("✗ " if r.knocked_out else "") + (r.band or "")
        table.append(
            (
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
    widths = [min(max(len(str(row[i])) for row in table), 32) for i in range(len(header))]
    for row in table:
        click.echo(
            "  ".join(str(c)[:32].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )


@prospect.command("show")
@click.argument("prospect_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def prospect_show(env: Env, prospect_id: str, as_json: bool) -> None:
    """Stage, status, latest score breakdown, gate result and history of a prospect."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    assessment = q.assess(found)
    history = env.store.history(found.id)
    if as_json:
        import orjson

        data = assessment.to_dict()
        data["history"] = [h.model_dump(mode="json") for h in history]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    from qualify.reports.terminal import breakdown_table

    stage_title = assessment.stage.title if assessment.stage else found.stage
    click.echo(f"{found.name}  ({found.id})")
    facts = [found.kind.value, found.territory or "no territory", stage_title, found.status.value]
    click.echo("  " + " · ".join(facts))
    click.echo("")
    if assessment.breakdown and assessment.question_set:
        click.echo(breakdown_table(assessment.question_set, assessment.breakdown))
    else:
        click.echo("No answers yet at this stage.")
    if assessment.gate:
        click.echo("")
        verdict = "met" if assessment.gate.passed else "not met"
        click.echo(f"Gate to move on: {verdict}")
        _echo_criteria(assessment.gate.criteria, assessment.question_set)
        if assessment.stage and assessment.breakdown and assessment.question_set:
            from qualify.core.gates import next_step

            step = next_step(
                assessment.stage,
                assessment.gate,
                assessment.breakdown,
                assessment.question_set,
                q.pipeline.next_stage(assessment.stage.id),
            )
            click.echo(f"Next step: {step}")
            open_items = len(q.agenda(found).items)
            if open_items:
                click.echo(f"  ({open_items} open item(s): `qualify agenda {found.id}`)")
    click.echo("")
    click.echo("History")
    for h in history:
        move = f"{h.from_stage} → {h.to_stage}" if h.action == "advance" else (h.to_stage or "")
        extra = (
            f" (override: {h.reason})" if h.overridden else (f": {h.reason}" if h.reason else "")
        )
        click.echo(f"  {h.at:%Y-%m-%d %H:%M}  {h.action:<8} {move}{extra}")


# --------------------------------------------------------------------- transfer


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: everything, importable; csv: one row per answer, for spreadsheets.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="File to write."
)
@click.option(
    "--prospect", "prospect_ids", multiple=True, metavar="ID", help="Only this one (repeatable)."
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_env
def export_(env: Env, fmt: str, output: Path, prospect_ids: tuple[str, ...], force: bool) -> None:
    """Write the workspace (or some prospects) to a file, atomically."""
    from qualify.store.transfer import export_workspace

    if output.exists() and not force:
        fail(f"{output} already exists; use --force to overwrite it")
    count = export_workspace(env.store, output, fmt, list(prospect_ids) or None)  # type: ignore[arg-type]
    click.echo(f"exported {count} prospect(s) to {output} ({fmt})", err=True)


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@pass_env
def import_(env: Env, file: Path) -> None:
    """Merge a JSON export into the workspace by id; conflicting answers are listed."""
    from qualify.store.transfer import import_workspace

    report = import_workspace(env.store, file)
    click.echo(f"imported {file}: {report.summary()}")
    for conflict in report.conflicts:
        click.echo(f"  conflict: {conflict.describe()}")


# ---------------------------------------------------------------------- answers


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.argument("question", required=False)
@click.argument("value", required=False)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path),
    help="YAML answer file (same format as `qualify score --answers`); - reads stdin.",
)
@click.option("--note", default="", help="Interviewer's note for a single answer.")
@click.option(
    "--source",
    type=click.Choice(["stated", "verified", "estimated"]),
    default="stated",
    show_default=True,
    help="Where a single answer came from.",
)
@pass_env
def answer(
    env: Env,
    prospect_id: str,
    question: str | None,
    value: str | None,
    from_file: Path | None,
    note: str,
    source: str,
) -> None:
    """Record answers for the prospect's current stage: all of them, or none.

    Either `qualify answer ID --from answers.yaml` or `qualify answer ID QUESTION VALUE`.
    """
    from qualify.core.questionnaire import AnswerInput, parse_cli_value

    q = env.qualifier
    found = q.resolve(prospect_id)
    interview = q.open_interview(found)
    question_set = q.snapshot(interview)
    if from_file is not None:
        if question is not None:
            raise click.UsageError("give either --from FILE or QUESTION VALUE, not both")
        inputs = list(_read_answers(from_file, "--from", question_set).values())
    else:
        if question is None or value is None:
            raise click.UsageError("give --from FILE, or QUESTION and VALUE")
        target = question_set.questions.get(question)
        if target is None:
            import difflib

            close = difflib.get_close_matches(question, list(question_set.questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            fail(f"QUESTION: {question!r} is not a question of {question_set.id}{hint}", 2)
        try:
            parsed = parse_cli_value(target, value)
        except QualifyError as exc:
            fail(f"VALUE: {question}: {exc}", 2)
        inputs = [AnswerInput(question_id=question, value=parsed, source=source, note=note)]
    assessment = q.record(found, inputs)
    b = assessment.breakdown
    from qualify.reports.terminal import fmt_pct, fmt_score

    if b is not None:
        ko = " · KNOCKED OUT" if b.knocked_out else ""
        click.echo(
            f"recorded {len(inputs)} answer(s) for {found.name}: score {fmt_score(b.score)}"
            f" · {b.band or 'no band yet'} · coverage {fmt_pct(b.coverage)}{ko}",
            err=True,
        )


# ------------------------------------------------------------------------ moves


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--override", metavar="REASON", help="Move even though the gate is not met.")
@pass_env
def advance(env: Env, prospect_id: str, override: str | None) -> None:
    """Move to the next stage if the gate passes; else list what is missing."""
    from qualify.workflow.qualifier import GateBlocked

    q = env.qualifier
    found = q.resolve(prospect_id)
    try:
        entry = q.advance(found, override=override)
    except GateBlocked as blocked:
        stage = q.pipeline.stage_map.get(blocked.result.stage_id)
        title = stage.title if stage else blocked.result.stage_id
        click.echo(f"{found.name} cannot move on yet: the {title} gate is not met.", err=True)
        unmet = [c for c in blocked.result.criteria if not c.met]
        _echo_criteria(unmet, blocked.question_set, err=True)
        click.echo('Answer the missing questions, or use --override "REASON".', err=True)
        sys.exit(blocked.exit_code)
    note = f" (override: {entry.reason})" if entry.overridden else ""
    click.echo(f"{found.name}: {entry.from_stage} → {entry.to_stage}{note}")


def _echo_criteria(
    criteria: Iterable[Criterion], question_set: QuestionSet | None, *, err: bool = False
) -> None:
    """Each gate criterion, and under an open one the wording of the questions it names:
    the id is what `qualify answer` takes, the wording is what to ask."""
    questions = question_set.questions if question_set is not None else {}
    for c in criteria:
        click.echo(f"  {'✓' if c.met else '✗'} {c.text}", err=err)
        if c.met:
            continue
        named = [questions[qid] for qid in c.questions if qid in questions]
        for question in named[:GATE_QUESTIONS_SHOWN]:
            click.echo(f"      {question.id}: {question.text}", err=err)
        if len(named) > GATE_QUESTIONS_SHOWN:
            click.echo(f"      … and {len(named) - GATE_QUESTIONS_SHOWN} more", err=err)


GATE_QUESTIONS_SHOWN = 5
"""Question wordings listed under one open gate criterion; the rest are counted."""


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why you are parting ways (kept in the history).")
@pass_env
def decline(env: Env, prospect_id: str, reason: str) -> None:
    """Part ways with a prospect, with a reason."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    q.decline(found, reason)
    click.echo(f"{found.name}: declined ({reason.strip()})")


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", required=True, help="Why now is not the time.")
@click.option(
    "--recontact",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="When to call again (YYYY-MM-DD).",
)
@pass_env
def hold(env: Env, prospect_id: str, reason: str, recontact: Any) -> None:
    """Just friends: put a good prospect on hold with a date to re-contact."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    q.hold(found, reason, recontact.date() if recontact else None)
    when = f", re-contact on {recontact:%Y-%m-%d}" if recontact else ""
    click.echo(f"{found.name}: on hold{when}")


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.option("--reason", default="", help="Why you are reopening.")
@pass_env
def reopen(env: Env, prospect_id: str, reason: str) -> None:
    """Reopen a declined or on-hold prospect at the stage where it stopped."""
    q = env.qualifier
    found = q.resolve(prospect_id)
    q.reopen(found, reason)
    click.echo(f"{found.name}: active again at {found.stage}")


# ------------------------------------------------------------------------- demo


@main.command()
@click.option(
    "--prospects", "count", default=40, show_default=True, type=click.IntRange(1, 1_000_000)
)
@click.option("--seed", default=7, show_default=True, help="Same seed, same sample data.")
@pass_env
def demo(env: Env, count: int, seed: int) -> None:
    """Fill the workspace with realistic sample prospects at every stage."""
    import time

    from qualify.workflow.demo import fill

    catalog = env.catalog
    if catalog.pipeline is None:
        fail("the active question sets have no valid pipeline; run `qualify validate`")
    started = time.perf_counter()
    added = fill(env.store, catalog, count, seed=seed)
    took = time.perf_counter() - started
    click.echo(f"added {added} sample prospects to {env.data_dir} in {took:.1f} s", err=True)


# --------------------------------------------------------------- question sets


@main.group()
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
    click.echo(str(target))
    note = f", {skipped} kept (use --force to overwrite)" if skipped else ""
    click.echo(
        f"copied {copied} question set file(s){note}; qualify now uses this folder", err=True
    )


# ----------------------------------------------------------------------- insights


@main.command()
@click.argument("prospect_id", metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
)
@pass_env
def agenda(env: Env, prospect_id: str, fmt: str) -> None:
    """What to ask at the next meeting, most useful first."""
    from qualify.core.agenda import KIND_WORDS, agenda_markdown

    q = env.qualifier
    found = q.resolve(prospect_id)
    plan = q.agenda(found)
    if fmt == "json":
        import orjson

        data = {"prospect": found.id, "name": found.name, **plan.to_dict()}
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    stage = q.stage(found.stage)
    title = f"{found.name} — {stage.title if stage else found.stage}"
    if fmt == "md":
        click.echo(agenda_markdown(plan, title=title), nl=False)
        return
    click.echo(f"Agenda for the next meeting with {title}")
    if not plan.items:
        click.echo("  Nothing open: every visible question is answered and verified.")
        return
    for n, item in enumerate(plan.items, start=1):
        flags = [
            w
            for w, on in (("gate", item.blocks_gate), ("deal-breaker?", bool(item.could_knock_out)))
            if on
        ]
        flag = f" [{', '.join(flags)}]" if flags else ""
        click.echo(f"{n:>3}. {item.text}{flag}")
        why = f" · {item.why}" if item.why else ""
        click.echo(f"     {item.section} · {KIND_WORDS[item.kind]}{why}")


@main.command()
@click.argument("prospect_ids", metavar="[ID]...", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def rescore(env: Env, prospect_ids: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Re-score interviews taken with an older version of a question set.

    Shows the score under the version each interview was taken with and under the
    current one, with the questions that changed. Without --dry-run the re-score is
    recorded in each prospect's history; the interview itself stays as it was taken.
    """
    from qualify.reports.terminal import fmt_score

    q = env.qualifier
    prospects = [q.resolve(pid) for pid in prospect_ids] if prospect_ids else None
    found = q.rescore_candidates(prospects)
    pending = [c for c in found if not c.recorded]
    if not dry_run:
        for c in pending:
            q.record_rescore(c.prospect, c.interview, c.result)
    if as_json:
        import orjson

        data = [
            {
                "prospect": c.prospect.id,
                "name": c.prospect.name,
                "interview": c.interview.id,
                "stage": c.interview.stage,
                "already_recorded": c.recorded,
                **c.result.to_dict(),
            }
            for c in found
        ]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if not found:
        click.echo("Every interview was taken with the current version of its question set.")
        return
    for prospect, interview, result, _, recorded in found:
        old, new = result.old, result.new
        delta = f"{result.delta:+.1f}" if result.delta is not None else "n/a"
        click.echo(
            f"{prospect.name} ({prospect.id[:8]}) · {interview.questionnaire_id} "
            f"v{result.diff.old_version} → v{result.diff.new_version}: "
            f"{fmt_score(old.score)} {old.band or '—'} → {fmt_score(new.score)} "
            f"{new.band or '—'} ({delta})" + ("  [already recorded]" if recorded else "")
        )
        for line in result.diff.lines():
            click.echo(f"    {line}")
        for qid, why in result.dropped:
            click.echo(f"    answer to {qid} no longer counts: {why}")
    verb = "would record" if dry_run else "recorded"
    already = len(found) - len(pending)
    tail = f"; {already} already in the history" if already else ""
    click.echo(f"{verb} {len(pending)} re-score(s){tail}", err=True)


@main.command()
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
    from qualify.core.compare import compare as compare_answers
    from qualify.reports.terminal import fmt_score, fmt_value

    if (other_id is None) == (ideal is None):
        raise click.UsageError("give a second prospect ID2 or --ideal, not both or neither")
    q = env.qualifier
    left = q.resolve(prospect_id)
    left_sets = q.answers_by_set(left)
    right_sets: dict[str, dict] = {}
    if other_id is not None:
        right = q.resolve(other_id)
        right_label = right.name
        right_sets = {sid: values for sid, (_, values) in q.answers_by_set(right).items()}
    else:
        right_label, right_sets = _ideal_profile(env, ideal or None, left_sets)
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
        fail(f"nothing to compare: {left.name} and {right_label} share no answered question set")
    if as_json:
        import orjson

        click.echo(
            orjson.dumps([c.to_dict() for c in comparisons], option=orjson.OPT_INDENT_2).decode()
        )
        return
    for c in comparisons:
        qs = left_sets[c.question_set_id][0]
        click.echo(
            f"{qs.title}: {left.name} {fmt_score(c.left.score)} ({c.left.band or '—'}) vs "
            f"{right_label} {fmt_score(c.right.score)} ({c.right.band or '—'})"
        )
        for s in c.sections:
            delta = f"{s.delta:+.0f}" if s.delta is not None else "n/a"
            click.echo(f"    {s.title:<32} {fmt_score(s.left):>6} {fmt_score(s.right):>6}  {delta}")
        if c.answers:
            click.echo("  Differences that matter most:")
        for a in c.answers[:10]:
            question = qs.questions[a.question_id]
            mark = " [knock-out]" if a.knockout else ""
            click.echo(
                f"    {a.text}{mark}\n      {fmt_value(a.left, question) or '—'}  vs  "
                f"{fmt_value(a.right, question) or '—'}  ({a.impact:+.1f} points)"
            )
        click.echo("")


def _ideal_profile(env: Env, path: str | None, left_sets: dict) -> tuple[str, dict[str, dict]]:
    """The ideal partner's answers per question set, and what to call it."""
    source = Path(path) if path else None
    return env.qualifier.ideal_profile(left_sets, source, env.data_dir / "ideal.yaml")


# ------------------------------------------------------------------------ reports


@main.command()
@click.argument("prospect_id", metavar="[ID]", required=False)
@click.option("--portfolio", is_flag=True, help="The territory portfolio instead of one prospect.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "csv"]),
    default="md",
    show_default=True,
    help="md, html or json for a prospect; md, html or csv for the portfolio.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write to FILE, or into an existing DIR under a safe name (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--territory", metavar="T", help="Portfolio of territory T only.")
@click.option(
    "--capacity",
    "capacity_options",
    multiple=True,
    metavar="T=N",
    help="Portfolio: territory T can support N committed partners (repeatable; N alone sets "
    "the default). Overrides capacity.yaml in the workspace.",
)
@pass_env
def report(
    env: Env,
    prospect_id: str | None,
    portfolio: bool,
    fmt: str,
    output: str | None,
    force: bool,
    territory: str | None,
    capacity_options: tuple[str, ...],
) -> None:
    """A prospect's fit report (md, html, json), or the portfolio with --portfolio.

    Prints to standard output unless -o is given; never replaces a file without --force.
    """
    from qualify import reports
    from qualify.reports.output import write_atomic

    if portfolio == (prospect_id is not None):
        raise click.UsageError("give a prospect ID, or --portfolio (not both)")
    if not portfolio and (territory is not None or capacity_options):
        raise click.UsageError("--territory and --capacity go with --portfolio")
    if portfolio:
        if fmt not in reports.PORTFOLIO_FORMATS:
            raise click.UsageError(f"--format {fmt}: the portfolio is md, html or csv")
        from qualify.reports.capacity import CAPACITY_FILE, load_capacity, parse_capacity_options

        capacity = load_capacity(env.data_dir / CAPACITY_FILE).merged(
            parse_capacity_options(capacity_options)
        )
        doc = reports.portfolio_document(
            env.store, env.catalog, fmt, capacity=capacity, territory=territory
        )
    else:
        if fmt not in reports.PROSPECT_FORMATS:
            raise click.UsageError(f"--format {fmt}: a prospect report is md, html or json")
        doc = reports.prospect_document(env.store, env.catalog, prospect_id or "", fmt)
    if output is None or output == "-":
        click.echo(doc.data, nl=False)  # bytes go to the binary stream as they are
        return
    target = Path(output)
    if output.endswith(("/", os.sep)) and not target.exists():
        target.mkdir(parents=True)  # a trailing slash says "a folder": make it
    if target.is_dir():
        target = target / doc.filename
    write_atomic(target, doc.data, force=force)
    click.echo(f"wrote {target}", err=True)


# ------------------------------------------------------------------------ team


def _server_url(env: Env, url: str | None = None) -> str:
    """The server a `db` or `sync` command works on: URL, else --store / $QUALIFY_STORE."""
    from qualify.store import check_store_url

    chosen = url or env.store_url
    if not chosen:
        fail(
            "no server given: pass a postgresql:// URL, --store URL or set $QUALIFY_STORE "
            "(docs/team.md)",
            2,
        )
    return check_store_url(chosen)


@main.group()
def db() -> None:
    """The team server: schema upgrades, status, who sees which territories."""


@db.command("upgrade")
@click.option("--to", "target", type=int, default=None, help="Stop at this schema version.")
@pass_env
def db_upgrade(env: Env, target: int | None) -> None:
    """Create or migrate the schema (run as the database owner); safe to run again."""
    from qualify.store import redact_url
    from qualify.store.postgres import connect, migrate

    url = _server_url(env)
    with connect(url) as conn:
        done = migrate.upgrade(conn, target=target)
        now = migrate.current_version(conn)
    for migration in done:
        click.echo(f"applied {migration.version:04d}_{migration.name}")
    state = "upgraded to" if done else "already at"
    click.echo(f"{redact_url(url)}: {state} schema version {now}", err=True)


@db.command("status")
@pass_env
def db_status(env: Env) -> None:
    """The schema version, the migrations applied, and whether an upgrade is due."""
    from qualify.store import redact_url
    from qualify.store.postgres import connect, migrate

    url = _server_url(env)
    with connect(url) as conn:
        state = migrate.status(conn)
        login = conn.execute("SELECT current_user").fetchone()[0]
    click.echo(f"store   {redact_url(url)}  (login {login})")
    for version, name, at, by in state.applied:
        click.echo(f"  {version:04d}_{name:<28} applied {at:%Y-%m-%d %H:%M} UTC by {by}")
    click.echo(state.describe())


@db.command("grant")
@click.argument("user")
@click.option("--territory", "territories", multiple=True, metavar="T", help="Repeatable.")
@click.option("--director", is_flag=True, help="Sees every territory.")
@click.option("--read-only", is_flag=True, help="With --director: sees all, changes none.")
@click.option("--password", is_flag=True, help="Ask for a password for this login and set it.")
@pass_env
def db_grant(
    env: Env,
    user: str,
    territories: tuple[str, ...],
    director: bool,
    read_only: bool,
    password: bool,
) -> None:
    """Give USER territories (or the director role), creating the login if needed."""
    from qualify.store.postgres import connect, migrate, team

    secret = None
    if password:
        secret = click.prompt(f"password for {user}", hide_input=True, confirmation_prompt=True)
    with connect(_server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        done = team.grant(
            conn, user, list(territories), director=director, read_only=read_only, password=secret
        )
    click.echo(f"{user}: " + (", ".join(done) if done else "nothing to change"))


@db.command("revoke")
@click.argument("user")
@click.option("--territory", "territories", multiple=True, metavar="T", help="Repeatable.")
@click.option("--director", is_flag=True, help="Take the director role away.")
@click.option("all_", "--all", is_flag=True, help="Every territory and the team role.")
@pass_env
def db_revoke(
    env: Env, user: str, territories: tuple[str, ...], director: bool, all_: bool
) -> None:
    """Take territories or the director role away from USER (the login itself stays)."""
    from qualify.store.postgres import connect, migrate, team

    with connect(_server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        done = team.revoke(conn, user, list(territories), director=director, everything=all_)
    click.echo(f"{user}: removed " + ", ".join(done) if done else f"{user}: nothing to remove")


@db.command("people")
@pass_env
def db_people(env: Env) -> None:
    """Who sees which territories."""
    from qualify.store.postgres import connect, migrate, team

    with connect(_server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        found = team.people(conn)
    if not found:
        click.echo("nobody yet: `qualify db grant USER --territory T`", err=True)
    for person in found:
        click.echo(person.describe())


@main.command()
@click.argument("url", required=False, metavar="[URL]")
@pass_env
def sync(env: Env, url: str | None) -> None:
    """Merge this laptop's workspace with the team server, both ways.

    Sends your prospects to the server and brings back those of your territories.
    An answer changed on both sides since the last sync is listed as a conflict;
    both answers are kept.
    """
    from qualify.paths import workspace_user
    from qualify.store import open_store
    from qualify.store.postgres import PostgresStore
    from qualify.store.sync import sync as run_sync
    from qualify.store.workspace import Workspace

    server_url = _server_url(env, url)
    local = open_store(env.data_dir)
    assert isinstance(local, Workspace)
    with PostgresStore(server_url) as server:
        report = run_sync(local, server, source=f"{workspace_user() or 'laptop'}'s laptop")
        where = server.display_url
    click.echo(f"synced {env.data_dir} with {where}: {report.summary()}")
    for conflict in report.conflicts:
        click.echo(f"  conflict: {conflict.describe()}")
    for pid, name, why in report.refused:
        click.echo(f"  kept here only: {name} ({pid}): {why}")


if __name__ == "__main__":  # pragma: no cover
    main()
