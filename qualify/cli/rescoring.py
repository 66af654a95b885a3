"""`qualify rescore`: interviews taken with an older version of a set, scored again.

Each prospect's interviews are read and scored twice (under the version they were
taken with and under the active one): with thousands of prospects that is seconds of
scoring, so the runs of prospects are shared among worker processes
(:mod:`qualify.workers`), each making the lines it would print (and recording what it
found, without --dry-run); this process prints them in the order of the prospects, so
the output is the one a single process makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from qualify.cli.env import Env, _, pass_env, say, tr
from qualify.workflow import insights as workflow_insights

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.core.records import Interview, Prospect
    from qualify.core.rescore import Rescore, SetDiff
    from qualify.store.base import Store
    from qualify.workflow.qualifier import Qualifier


@click.command()
@click.argument("prospect_ids", metavar="[ID]...", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change; record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def rescore(env: Env, prospect_ids: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Re-score interviews taken with an older version of a question set.

    Shows the score under the version each interview was taken with and under the
    current one, with the questions that changed. Without --dry-run the re-score is
    recorded in each prospect's history; the interview itself stays as it was taken.
    A prospect whose file cannot be read is skipped with a warning (status 5).
    """
    from qualify.i18n import fmt_count
    from qualify.workers import in_runs

    q = env.qualifier
    if prospect_ids:
        ids = [q.resolve(pid).id for pid in prospect_ids]
    else:
        ids = [s.id for s in q.store.list_prospects()]
    out = _Out()
    held: str | None = None  # JSON: the latest item, a comma after it if another comes
    found = pending = 0

    def here(run: list[str]) -> Rescored:
        return (*_rescored(q, run, dry_run, as_json), [])

    setup = (q.catalog, q.user, dry_run, as_json)
    # each run's re-scores printed as they come: a portfolio's are never all held at once
    for items, count, written, notes in in_runs(
        q.store, ids, begin=_begin, work=_work, setup=setup, here=here
    ):
        for note in notes:
            q.store.note_unreadable(note)
        found += count
        pending += written
        for item in items:
            if as_json:
                out.line("[" if held is None else held + ",")
                held = item
            else:
                out.line(item)
    if as_json:  # the bytes of orjson.dumps(items, option=OPT_INDENT_2)
        out.line("[]" if held is None else held + "\n]")
    elif not found:
        out.line(
            _(
                "Every interview was taken with the current version of its question set, or "
                "one that scores the same (only the wording changed): nothing to re-score."
            )
        )
    else:
        done = _("would record {n} re-score(s)") if dry_run else _("recorded {n} re-score(s)")
        already = found - pending
        said = _("{n} already in the history").format(n=fmt_count(already))
        out.line(done.format(n=fmt_count(pending)) + ("; " + said if already else ""))
    out.flush()


Rescored = tuple[list[str], int, int, list[str]]
"""A run of prospects re-scored: each candidate as printed (text, or a JSON item), how
many there were, how many re-scores were written (with --dry-run: would be), and the
notes of the prospects that could not be read (a worker's: this process's are noted)."""


def _rescored(
    q: Qualifier, ids: list[str], dry_run: bool, as_json: bool
) -> tuple[list[str], int, int]:
    """The candidates among the prospects `ids`, as printed; how many, how many written."""
    from qualify.core.collector import collector_paused

    items: list[str] = []
    said: dict[int, tuple[SetDiff, list[str]]] = {}  # per diff: its lines, translated
    found = pending = 0
    picked: list[tuple[Prospect, Interview, Rescore]] = []
    with collector_paused():
        for c in workflow_insights.iter_rescore_candidates(q, ids=ids):
            found += 1
            if not c.recorded:
                pending += 1
                if not dry_run:  # (a preview keeps no candidate: two breakdowns each)
                    picked.append((c.prospect, c.interview, c.result))
            items.append(_json_item(c) if as_json else "\n".join(_text_lines(c, said)))
    if dry_run:
        return items, found, pending
    # the run's re-scores written together; one another run wrote meanwhile is left out
    return items, found, workflow_insights.record_rescores(q, picked)


def _begin(store: Store, setup: tuple[Catalog, str, bool, bool]) -> tuple[Any, bool, bool]:
    """A worker's state: a qualifier on its own store, as the command's."""
    from qualify.workflow.qualifier import Qualifier

    catalog, user, dry_run, as_json = setup
    return Qualifier(store, catalog, user=user), dry_run, as_json


def _work(state: tuple[Qualifier, bool, bool], ids: list[str]) -> Rescored:
    q, dry_run, as_json = state
    noted = len(q.store.unreadable())
    items, found, pending = _rescored(q, ids, dry_run, as_json)
    return items, found, pending, q.store.unreadable()[noted:]


class _Out:
    """Lines for standard output, written a batch at a time: a write (and flush) per line
    costs more than a re-score's own lines take to make."""

    BATCH = 1 << 16
    """Characters gathered before a write."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._size = 0

    def line(self, text: str) -> None:
        self._lines.append(text)
        self._size += len(text)
        if self._size >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            say("\n".join(self._lines))
            self._lines, self._size = [], 0


def _json_item(c: workflow_insights.RescoreCandidate) -> str:
    """A candidate as an item of the JSON array `rescore --json` prints (indented one
    level, as ``orjson.dumps(items, option=OPT_INDENT_2)`` writes it)."""
    import orjson

    item = {
        "prospect": c.prospect.id,
        "name": c.prospect.name,
        "interview": c.interview.id,
        "stage": c.interview.stage,
        "already_recorded": c.recorded,
        **c.result.to_dict(),
    }
    text = orjson.dumps(item, option=orjson.OPT_INDENT_2).decode()
    return "  " + text.replace("\n", "\n  ")  # a newline inside a string is written \n


def _text_lines(
    c: workflow_insights.RescoreCandidate, said: dict[int, tuple[SetDiff, list[str]]]
) -> list[str]:
    """A candidate's lines: both scores, what changed (translated once per diff, in
    `said`), the answers that no longer count."""
    from qualify.i18n import band_word, fmt_score, fmt_signed

    prospect, interview, result, _recorder, recorded = c
    old, new, diff = result.old, result.new, result.diff
    delta = fmt_signed(result.delta, 1) if result.delta is not None else _("n/a")
    out = [
        f"{prospect.name} ({prospect.id[:8]}) · {interview.questionnaire_id} "
        f"v{diff.old_version} → v{diff.new_version}: "
        f"{fmt_score(old.score)} {band_word(old.band) or '—'} → {fmt_score(new.score)} "
        f"{band_word(new.band) or '—'} ({delta})"
        + ("  " + _("[already recorded]") if recorded else "")
    ]
    lines = said.get(id(diff))  # the diff is held with its lines: its id stays its own
    if lines is None:
        lines = said[id(diff)] = (diff, [f"    {tr(line)}" for line in diff.lines()])
    out.extend(lines[1])  # what changed, in the language in use
    for qid, why in result.dropped:
        dropped = _("answer to {question} no longer counts: {why}")
        out.append("    " + dropped.format(question=qid, why=tr(why)))
    return out
