"""`qualify doctor`: check the workspace file by file, and repair what can be."""

from __future__ import annotations

import sys

import click

from qualify.cli.env import PROBLEMS_EXIT, Env, _, cell, fail, pass_env, say, tr


@click.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Move unreadable files (and evidence files that no longer match their hash) to "
    "quarantine/ (never delete), refile misfiled ones and rebuild the prospects list and "
    "the interview index from the prospect files.",
)
@click.option(
    "--restore-backups",
    is_flag=True,
    help="With --repair (implied): put back the newest backup that reads of an unreadable "
    "prospect file, or of one that is gone.",
)
@pass_env
def doctor(env: Env, repair: bool, restore_backups: bool) -> None:
    """Check every prospect file, both indexes, the question-set snapshots and the evidence
    files against their hashes (and the attachment records against the files), backups and
    the lock, and say what was found.

    One line per finding (problem, repaired or note), then a summary line. Exits 0 when
    the workspace is healthy (or was repaired to health), 5 when problems remain. On a
    team server (--store) only the question-set snapshots and the evidence files are
    checked (the server hashes the files): its transactions keep the rest consistent, and
    --repair is for the embedded workspace.
    """
    from qualify.store.checkup import Checkup, check_store_evidence, check_store_snapshots

    repair = repair or restore_backups
    if env.store_url:
        if repair:
            fail(
                _(
                    "--repair is for the embedded workspace; on a team server `qualify doctor` "
                    "checks the question-set snapshots only"
                ),
                2,
            )
        from qualify.store import redact_url

        checkup = Checkup(redact_url(env.store_url))
        check_store_snapshots(env.store, checkup)
        check_store_evidence(env.store, checkup)
        checkup.add(
            "note",
            _("team server"),
            _(
                "prospects, lists and indexes are kept consistent by its transactions: only "
                "the question-set snapshots and the evidence files were checked"
            ),
        )
    else:
        from qualify.cli.progress import checking
        from qualify.store.workspace.doctor import examine

        with checking() as progress:
            checkup = examine(
                env.data_dir,
                repair=repair,
                restore_backups=restore_backups,
                say=tr,
                progress=progress,
            )
    for finding in checkup.findings:
        say(cell(tr(finding.phrase())))
    say(cell(tr(checkup.summary())))
    if not checkup.healthy:
        sys.exit(PROBLEMS_EXIT)
