"""What the TUI adds around the insight features of the core: provenance shares, the
agenda export, the re-score scan and the comparisons, ready for the screens.

Pure (no Textual), like :mod:`qualify.tui.report`: the screens call these from worker
threads and only draw the result. Every figure comes from the core
(:mod:`qualify.core.agenda`, :mod:`qualify.core.rescore`, :mod:`qualify.core.compare`) through
:class:`qualify.workflow.Qualifier`, so the app and the CLI always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualify.i18n import _, ngettext, tr

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda
    from qualify.core.compare import Comparison
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.core.records import Interview, Prospect
    from qualify.core.rescore import Rescore
    from qualify.tui.workspace import Workspace
    from qualify.workflow.insights import ScoringChanges
    from qualify.workflow.qualifier import Qualifier

Progress = Callable[[int, int], None]
"""Called with (done, total) while a scan runs."""


# ----------------------------------------------------------------------- re-score
def rescore_offer(total: int, names: str) -> tuple[str, str]:
    """The question and the text of the app's offer to preview the re-score of `total`
    interviews taken with an older version of the sets `names`."""
    question = ngettext(
        "Preview the re-score of {n} interview?", "Preview the re-score of {n} interviews?", total
    )
    text = ngettext(
        "{n} interview was taken with an older version of {names}. See their scores under the "
        "current version, side by side with the old ones. Nothing is recorded until you "
        "confirm it there (later: ctrl+p, Re-score interviews).",
        "{n} interviews were taken with an older version of {names}. See their scores under "
        "the current version, side by side with the old ones. Nothing is recorded until you "
        "confirm it there (later: ctrl+p, Re-score interviews).",
        total,
    )
    return question.format(n=total), text.format(n=total, names=names)


# ----------------------------------------------------------------------- agenda
def agenda_title(name: str, stage_title: str) -> str:
    """The agenda's title, as `qualify agenda --format md` writes it."""
    return f"{name} — {stage_title}"


def export_agenda(
    workspace: Workspace,
    prospect: Prospect,
    agenda: Agenda,
    *,
    now: datetime | None = None,
    directory: Path | None = None,
) -> tuple[Path, str]:
    """Write the agenda as Markdown into ``<workspace>/reports`` (atomically; a second
    export on the same day replaces the first). Returns the path and the Markdown."""
    from qualify.core.agenda import agenda_markdown
    from qualify.i18n import tr
    from qualify.reports.output import safe_filename, write_atomic
    from qualify.tui.report import report_time, reports_dir

    titles = workspace.stage_titles()
    title = agenda_title(prospect.name, titles.get(prospect.stage, prospect.stage))
    markdown = tr(agenda_markdown(agenda, title=title))
    when = now or report_time() or datetime.now().astimezone()
    name = (
        f"{safe_filename(prospect.name)}-{safe_filename(prospect.id, fallback='id')}"
        f"-agenda-{when.strftime('%Y-%m-%d')}.md"
    )
    directory = directory or reports_dir(workspace)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / name, markdown.encode("utf-8"), force=True), markdown


# ----------------------------------------------------------------------- re-score
@dataclass(frozen=True)
class RescoreRow:
    """One interview taken with another version of its set than the active one."""

    prospect: Prospect
    interview: Interview
    result: Rescore
    set_title: str
    new_hash: str
    """Content hash of the version it was re-scored under (to notice later edits)."""
    recorded: bool = False
    """A re-score under this very version is already in the prospect's history."""

    @property
    def key(self) -> str:
        return self.interview.id

    @property
    def sort_key(self) -> tuple[bool, bool, float, str]:
        """Band changes first, then the biggest moves, then by name."""
        delta = self.result.delta
        return (
            self.recorded,
            not self.result.band_changed,
            -abs(delta) if delta is not None else 0.0,
            self.prospect.name.lower(),
        )


def current_hashes(qualifier: Qualifier, set_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Set id → content hash of the active version (only `set_ids` when given)."""
    hashes = qualifier.active_hashes()
    if set_ids is None:
        return dict(hashes)
    return {sid: hashes[sid] for sid in set_ids if sid in hashes}


def _stale(
    interviews: Iterable[Interview], hashes: Mapping[str, str], changes: ScoringChanges
) -> list[Interview]:
    """The interviews taken with another version than the active one that scores
    differently (a wording-only edit re-scores nothing)."""
    out = []
    for interview in interviews:
        current = hashes.get(interview.questionnaire_id)
        stale = current is not None and current != interview.questionnaire_hash
        if stale and changes.changed(interview):
            out.append(interview)
    return out


def count_stale(
    qualifier: Qualifier,
    set_ids: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> dict[str, int]:
    """Set id → how many interviews were taken with an older version and are not
    re-scored under the active one yet. Reads every prospect's interviews (no scoring)."""
    from qualify.store.reading import readable_records
    from qualify.workflow.insights import ScoringChanges, already_rescored

    hashes = current_hashes(qualifier, set_ids)
    changes = ScoringChanges(qualifier)
    counts: dict[str, int] = {}
    if not hashes:
        return counts
    store = qualifier.store
    summaries = store.list_prospects()
    # One read per prospect; an unreadable one is skipped and noted on the store.
    for n, records in enumerate(readable_records(store, [s.id for s in summaries]), start=1):
        if cancelled():
            break
        stale = _stale(records.interviews, hashes, changes)
        if stale:
            history = records.history
            for interview in stale:
                sid = interview.questionnaire_id
                if not already_rescored(history, interview.id, hashes[sid]):
                    counts[sid] = counts.get(sid, 0) + 1
        if progress is not None and (n % 200 == 0 or n == len(summaries)):
            progress(n, len(summaries))
    return counts


RESCORE_CHUNK = 200
"""Prospects re-scored per call of ``qualify.workflow.insights.rescore_candidates`` (progress and
cancelling are checked between calls)."""


def scan_rescores(
    qualifier: Qualifier,
    prospect_ids: Iterable[str] | None = None,
    *,
    set_ids: Iterable[str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[RescoreRow]:
    """Every interview taken with an older version (of `set_ids`, or of any set),
    re-scored under the active one (:func:`qualify.workflow.insights.rescore_candidates`),
    biggest changes first. Nothing is recorded.

    First every prospect's interviews are read (cheap), then only the prospects with a
    stale interview are re-scored, in chunks; `progress` sees both phases as one count.
    """
    from qualify.store.reading import readable_records
    from qualify.workflow import insights as workflow_insights

    store = qualifier.store
    ids = list(prospect_ids) if prospect_ids is not None else [s.id for s in store.list_prospects()]
    hashes = current_hashes(qualifier, set_ids)
    changes = workflow_insights.ScoringChanges(qualifier)
    sets = qualifier.catalog.question_sets
    stale_ids: list[str] = []
    for n, records in enumerate(readable_records(store, ids), start=1):
        if cancelled():
            return []
        if _stale(records.interviews, hashes, changes):
            stale_ids.append(records.prospect.id)
        if progress is not None and n % 200 == 0:
            progress(n, len(ids) + len(stale_ids))
    total = len(ids) + len(stale_ids)
    rows: list[RescoreRow] = []
    for start in range(0, len(stale_ids), RESCORE_CHUNK):
        if cancelled():
            return []
        chunk = [store.get_prospect(pid) for pid in stale_ids[start : start + RESCORE_CHUNK]]
        for p, interview, result, active_hash, recorded in workflow_insights.rescore_candidates(
            qualifier, chunk, set_ids=hashes
        ):
            qs = sets.get(interview.questionnaire_id)
            title = qs.title if qs is not None else interview.questionnaire_id
            rows.append(RescoreRow(p, interview, result, title, active_hash, recorded))
        if progress is not None:
            progress(len(ids) + min(start + RESCORE_CHUNK, len(stale_ids)), total)
    if progress is not None:
        progress(total, total)
    rows.sort(key=lambda r: r.sort_key)
    return rows


# ----------------------------------------------------------------------- compare
@dataclass(frozen=True)
class ComparisonView:
    """A prospect compared with another one or with the ideal partner, set by set."""

    left_name: str
    right_label: str
    comparisons: tuple[Comparison, ...]
    question_sets: dict[str, QuestionSet]
    """Set id → the left prospect's snapshot (for option labels and units)."""
    source: str = ""
    """Where the right side comes from: ideal.yaml, the best partners, a prospect."""
    problem: str = ""
    """Why there is nothing to compare (one line), when there is nothing."""


def ideal_file(workspace: Workspace) -> Path:
    """The workspace's ideal partner profile, as `qualify compare --ideal` reads it."""
    return workspace.data_dir / "ideal.yaml"


def build_comparison(
    workspace: Workspace, prospect_id: str, other_id: str | None = None
) -> ComparisonView:
    """Compare with `other_id`, or with the ideal profile when it is None.

    Raises WorkflowError (one line) when there is no ideal profile or the file is wrong.
    """
    from qualify.core.compare import compare
    from qualify.workflow import insights as workflow_insights

    q = workspace.qualifier
    left = q.store.get_prospect(prospect_id)
    left_sets = workflow_insights.answers_by_set(q, left)
    if other_id is not None:
        right = q.store.get_prospect(other_id)
        label, source = right.name, _("prospect · {id}").format(id=right.id)
        right_sets = {
            sid: values for sid, (_, values) in workflow_insights.answers_by_set(q, right).items()
        }
    else:
        path = ideal_file(workspace)
        label, right_sets = workflow_insights.ideal_profile(q, left_sets, None, path)
        label = tr(label)  # "ideal partner" or "best partners", in the language in use
        source = path.name if path.exists() else _("typical answers of the best committed partners")
    order = _set_order(workspace, left.stage, left_sets)
    comparisons = tuple(
        compare(
            left_sets[sid][0],
            left_sets[sid][1],
            right_sets[sid],
            left_label=left.name,
            right_label=label,
        )
        for sid in order
        if sid in right_sets
    )
    problem = ""
    if not comparisons:
        problem = _(
            "Nothing to compare: {name} and {other} share no answered question set."
        ).format(name=left.name, other=label)
    return ComparisonView(
        left.name,
        label,
        comparisons,
        {sid: qs for sid, (qs, _) in left_sets.items()},
        source,
        problem,
    )


def _set_order(
    workspace: Workspace, stage_id: str, left_sets: Mapping[str, tuple[QuestionSet, Any]]
) -> list[str]:
    """The current stage's set first, then the others in the order they were asked."""
    ids = list(left_sets)
    pipeline = workspace.catalog.pipeline if workspace.is_open else None
    current = None
    if pipeline is not None:
        stage = pipeline.stage_map.get(stage_id)
        if stage is not None:
            current = next((sid for sid in stage.set_ids if sid in ids), stage.set_for())
        elif pipeline.review is not None and pipeline.review.id == stage_id:
            current = pipeline.review.questionnaire
    if current in ids:
        ids.remove(current)
        ids.insert(0, current)
    return ids
