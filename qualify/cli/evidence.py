"""`qualify attach`: evidence files for a prospect's answers."""

from __future__ import annotations

from pathlib import Path

import click

from qualify.cli.env import Env, _, cell, pass_env, say


@click.command()
@click.argument("prospect_id", metavar="ID")
@click.argument("question")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--note", default="", help="What the file shows (kept with it).")
@click.option(
    "--stage",
    metavar="STAGE",
    help="Attach to a question of an earlier stage's interview (default: the current stage).",
)
@pass_env
def attach(
    env: Env, prospect_id: str, question: str, file: Path, note: str, stage: str | None
) -> None:
    """Attach FILE (a credit report, a reference letter, a photo of the showroom) to the
    answer to QUESTION of the prospect's current stage.

    The file is kept by its content (SHA-256) in the workspace, or on the team server;
    a newer file for the same question supersedes the older one, which stays listed.
    Files over 20 MB are refused (`attachments: max_mb` in the workspace's config.yaml).
    """
    from qualify.core.phrase import Joined, Phrase, said
    from qualify.i18n import error_text
    from qualify.workflow.evidence import (
        EvidenceFileError,
        UnknownQuestion,
        attach,
        evidence_limit,
    )

    q = env.qualifier
    found = env.resolve(prospect_id)
    limit = evidence_limit(env.data_dir)
    try:
        stored = attach(q, found, question, file, note=note, limit=limit, stage=stage)
    except UnknownQuestion as exc:
        raise UnknownQuestion(Joined(("QUESTION", said(exc)), " ")) from None
    except EvidenceFileError as exc:
        shown = said(exc) if isinstance(said(exc), Phrase) else error_text(exc)
        raise EvidenceFileError(Joined(("FILE", shown), " ")) from None
    from qualify.i18n import fmt_size

    with env.about(found.language):
        said = _("{name}: attached {file} ({size}, sha256 {hash}…) to {question}").format(
            name=cell(found.name),
            file=cell(stored.name),
            size=fmt_size(stored.size),
            hash=stored.sha256[:12],
            question=cell(stored.question_id),
        )
        say(said)
