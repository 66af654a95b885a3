"""Where things live, sample data, and moving a workspace in and out of files."""

from __future__ import annotations

import os
from pathlib import Path

import click

from qualify.cli.env import N_, Env, _, fail, pass_env, say, tr, warn


@click.command()
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
        store_row = _("embedded workspace in {folder}").format(folder=env.data_dir)
    sources = {"workspace": N_("workspace"), "bundled": N_("bundled")}
    rows = [
        (_("store"), store_row),
        (_("workspace"), str(env.data_dir)),
        (_("question sets"), f"{qdir}  ({_(sources[source]) if source in sources else source})"),
        (_("bundled question sets"), str(qpaths.bundled_questionnaires_dir())),
        (_("config file"), str(qpaths.config_file())),
        (_("cache"), str(qpaths.cache_dir() or _("off") + "  ($QUALIFY_CACHE_DIR)")),
    ]
    width = max(len(key) for key, _value in rows)
    for key, value in rows:
        say(f"{key:<{width}}  {value}")


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: everything, importable; csv: one row per answer, for spreadsheets.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, allow_dash=True),
    help="File to write (- for standard output).",
)
@click.option(
    "--prospect", "prospect_ids", multiple=True, metavar="ID", help="Only this one (repeatable)."
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_env
def export_(env: Env, fmt: str, output: Path, prospect_ids: tuple[str, ...], force: bool) -> None:
    """Write the workspace (or some prospects) to a file, atomically.

    A prospect whose file cannot be read is left out with a warning naming the file and
    the fix, the others are exported, and the status is 5 (done, with problems).
    """
    from qualify.i18n import fmt_count
    from qualify.store.transfer import export_workspace

    ids = list(prospect_ids) or None
    if str(output) == "-":
        count = _export_to_stdout(env, fmt, ids)
        say(
            _("exported {n} prospect(s) to standard output ({format})").format(
                n=fmt_count(count), format=fmt
            ),
            err=True,
        )
        return
    if output.is_dir():
        example = output / ("export." + fmt)
        fail(
            f"-o {output}: " + _("is a folder; give a file name, e.g. {file}").format(file=example),
            2,
        )
    if output.exists() and not force:
        fail(_("{file} already exists; use --force to overwrite it").format(file=output))
    from qualify.cli.progress import exporting

    with exporting() as progress:
        count = export_workspace(env.store, output, fmt, ids, progress)  # type: ignore[arg-type]
    said = _("exported {n} prospect(s) to {file} ({format})")
    say(said.format(n=fmt_count(count), file=output, format=fmt))


def _export_to_stdout(env: Env, fmt: str, ids: list[str] | None) -> int:
    """The export written to a temp file first (so a failure prints nothing), then copied."""
    import shutil
    import sys
    import tempfile

    from qualify.cli.progress import exporting
    from qualify.store.transfer import export_workspace

    with tempfile.TemporaryDirectory(prefix="qualify-export-") as tmp:
        path = Path(tmp) / f"export.{fmt}"
        with exporting() as progress:
            count = export_workspace(env.store, path, fmt, ids, progress)  # type: ignore[arg-type]
        with open(path, "rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return count


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True, dir_okay=False))
@pass_env
def import_(env: Env, file: Path) -> None:
    """Merge a JSON export (FILE, or - for standard input) into the workspace by id.

    Nothing in the file is trusted: every answer is checked against the question set it
    was asked with, every snapshot against its hash, every stage and status against the
    history and this workspace's gates. A file that fails any check changes nothing and
    the message says which prospect, what and why (status 1). Conflicting answers are
    listed.
    """
    import sys

    from qualify.cli.progress import importing
    from qualify.store.transfer import MAX_IMPORT_BYTES, Rules, import_bytes, read_export

    if str(file) == "-":
        if sys.stdin.isatty():  # it would wait for an export typed in
            message = _(
                "standard input is a terminal: pipe an export into it, e.g. `cat "
                "export.json | qualify import -`"
            )
            fail(message, 2)
        name, raw = "<stdin>", sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
    else:
        if file.is_dir():
            fail(f"{file}: " + _("is a folder, not an export"), 2)
        if not file.exists():
            fail(f"{file}: " + _("no such file"), 2)
        name, raw = str(file), read_export(file)
    catalog = env.catalog
    rules = Rules(catalog.pipeline, catalog.question_sets)
    with importing() as line:
        report = import_bytes(env.store, raw, name, rules=rules, progress=line.step)
    say(_("imported {file}: {summary}").format(file=name, summary=tr(report.summary())))
    for conflict in report.conflicts:
        say("  " + _("conflict: {what}").format(what=tr(conflict.describe())))
    for warning in report.warnings:
        warn(warning)


@click.command()
@click.option(
    "--prospects", "count", default=40, show_default=True, type=click.IntRange(1, 1_000_000)
)
@click.option("--seed", default=7, show_default=True, help="Same seed, same sample data.")
@click.option(
    "--remove",
    is_flag=True,
    help="Delete the sample prospects (those still tagged `demo`); nothing else is touched.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add sample data even though the workspace holds prospects of your own.",
)
@pass_env
def demo(env: Env, count: int, seed: int, remove: bool, force: bool) -> None:
    """Realistic sample prospects at every stage, to try qualify: tagged `demo` (ids
    `demo…`), never replacing a prospect already there, and removed again with --remove.

    Best in a scratch workspace: `qualify --data-dir demo-workspace demo`.
    """
    import time

    from qualify.core.collector import collector_paused
    from qualify.i18n import fmt_count
    from qualify.workflow import demo as demo_data

    where = env.store.location or str(env.data_dir)
    if remove:
        from qualify.cli.progress import removing_samples

        with removing_samples() as progress:
            removed = demo_data.remove(env.store, progress)
        said = _("removed {n} sample prospect(s) from {where}")
        say(said.format(n=fmt_count(removed), where=where))
        return
    catalog = env.catalog
    if catalog.pipeline is None:
        fail(_("the active question sets have no valid pipeline; run `qualify validate`"))
    own = demo_data.real_prospects(env.store)
    if own and not force:
        fail(
            _(
                "{where} holds {n} prospect(s) of your own: sample data would mix with them "
                "in lists and the portfolio. Use a scratch workspace (`qualify --data-dir "
                "demo-workspace demo`), or add --force (`qualify demo --remove` takes the "
                "samples out again)"
            ).format(where=where, n=own)
        )
    from qualify.cli.progress import adding_samples

    started = time.perf_counter()
    with collector_paused(), adding_samples() as progress:
        added, kept = demo_data.fill(env.store, catalog, count, seed=seed, progress=progress)
    took = time.perf_counter() - started
    if own:
        say(
            _(
                "warning: {where} holds {n} prospect(s) of your own; the samples are tagged "
                "`demo` (`qualify demo --remove` deletes them)"
            ).format(where=where, n=own),
            err=True,
        )
    from qualify.i18n import fmt_fixed

    said = _("added {n} sample prospects (tagged demo) to {where} in {seconds} s").format(
        n=fmt_count(added), where=where, seconds=fmt_fixed(took, 1)
    )
    if kept:
        said += "; " + _("{n} were there already and were left as they are").format(n=kept)
    say(said)
