"""Fit reports and the portfolio, to standard output or a file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualify.cli.env import Env, _, pass_env, say

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary


@click.command()
@click.argument("prospect_id", metavar="[ID]", required=False)
@click.option("--portfolio", is_flag=True, help="The territory portfolio instead of one prospect.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "csv"]),
    default="md",
    show_default=True,
    help="md, html or json for a prospect; md, html, json or csv for the portfolio.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write to FILE, or into an existing DIR under a safe name (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--private",
    is_flag=True,
    help="Make the file readable by you alone (0600); otherwise it follows your umask.",
)
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
    private: bool,
    territory: str | None,
    capacity_options: tuple[str, ...],
) -> None:
    """A prospect's fit report (md, html, json), or the portfolio with --portfolio.

    Prints to standard output unless -o is given; never replaces a file without --force.
    The portfolio leaves out a prospect whose file cannot be read, with a warning naming
    the file and the fix, and the status is then 5 (done, with problems).
    """
    from qualify import reports
    from qualify.reports.output import refuse_existing, write_atomic

    if output not in (None, "-"):
        refuse_existing(Path(output), force=force)
    if portfolio == (prospect_id is not None):
        raise click.UsageError(_("give a prospect ID, or --portfolio (not both)"))
    if not portfolio and (territory is not None or capacity_options):
        raise click.UsageError(_("--territory and --capacity go with --portfolio"))
    if portfolio:
        if fmt not in reports.PORTFOLIO_FORMATS:
            raise click.UsageError(
                f"--format {fmt}: " + _("the portfolio is md, html, json or csv")
            )
        from qualify.reports.capacity import CAPACITY_FILE, load_capacity, parse_capacity_options

        given = parse_capacity_options(capacity_options)
        capacity = load_capacity(env.data_dir / CAPACITY_FILE).merged(given)
        summaries = None  # the list a territory is checked against: the portfolio's own
        if territory is not None or given.territories:
            summaries = env.store.list_prospects()
            _check_territories(summaries, territory, given.territories)
        from qualify.cli.progress import assessing
        from qualify.core.collector import collector_paused

        with collector_paused(), assessing() as progress:
            doc = reports.portfolio_document(
                env.store,
                env.catalog,
                fmt,
                capacity=capacity,
                territory=territory,
                language=env.language_for(),
                progress=progress,
                summaries=summaries,
            )
    else:
        if fmt not in reports.PROSPECT_FORMATS:
            raise click.UsageError(f"--format {fmt}: " + _("a prospect report is md, html or json"))
        doc = reports.prospect_document(
            env.store,
            env.catalog,
            prospect_id or "",
            fmt,
            language=env.lang_option,
            fallback_language=env.user_language,
        )
    if output is None or output == "-":
        click.echo(doc.data, nl=False)  # bytes go to the binary stream as they are
        return
    target = Path(output)
    if output.endswith(("/", os.sep)) and not target.exists():
        target.mkdir(parents=True)  # a trailing slash says "a folder": make it
    if target.is_dir():
        target = target / doc.filename
    write_atomic(target, doc.data, force=force, private=private)
    say(_("wrote {file}").format(file=target))


def _check_territories(
    summaries: Iterable[ProspectSummary], territory: str | None, capacities: Iterable[str]
) -> None:
    """A portfolio of a territory no prospect is in is an empty report (a typo: north for
    North): a usage error. A capacity for one may be planned ahead: a warning."""
    from qualify.cli.env import warn
    from qualify.cli.filters import check_territory, unknown_territory
    from qualify.core.phrase import Joined

    known = {s.territory for s in summaries}
    check_territory(territory, known, "--territory")
    for name in capacities:
        problem = unknown_territory(name, known)
        if problem is not None:
            warn(Joined(("--capacity", problem), ": "))
