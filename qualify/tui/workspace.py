"""The TUI's handle on the workspace: the store, the active question sets, the Qualifier.

Opening it is slow-ish (files, YAML), so screens call :meth:`Workspace.open`
from a worker thread. Every change to data goes through ``workspace.qualifier``
(:class:`qualify.workflow.Qualifier`); this module adds only read helpers the
screens share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualify.i18n import _

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda
    from qualify.core.assess import Assessment
    from qualify.core.evidence import Attachment
    from qualify.core.questionnaire import Catalog
    from qualify.core.records import HistoryEntry, Interview, Prospect, ProspectSummary
    from qualify.store.base import Store, Watch
    from qualify.store.workspace.recent import ListRow
    from qualify.workflow.qualifier import Qualifier


@dataclass(frozen=True)
class FirstPage:
    """The prospects the list shows first, and what it needs to show them."""

    summaries: list[ListRow] | list[ProspectSummary]
    """Rows read without their model, for a local workspace (replaced once all are read)."""
    stage_titles: dict[str, str]
    band_ranks: dict[str, str]
    band_words: dict[str, str]
    """Band label as stored → in the app's language (see qualify.i18n.band_words)."""


def list_labels(
    catalog: Catalog, language: str | None
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """What the list needs of the sets, as plain strings: stage id → title, band label →
    rank, band label as stored → in ``language`` (see qualify.i18n.band_words)."""
    from qualify.core.words import band_ranks
    from qualify.i18n import band_words

    def plain(found: dict[str, str]) -> dict[str, str]:  # a Text is a str with more
        return {str(k): str(v) for k, v in found.items()}

    sets = catalog.question_sets.values()
    return plain(_stage_titles(catalog)), plain(band_ranks(sets)), plain(band_words(sets, language))


def _stage_titles(catalog: Catalog) -> dict[str, str]:
    pipeline = catalog.pipeline
    if pipeline is None:
        return {}
    titles = {s.id: s.title for s in pipeline.stages}
    if pipeline.review is not None:
        titles[pipeline.review.id] = pipeline.review.title
    return titles


@dataclass(frozen=True)
class ProspectView:
    """Everything the prospect screen shows, read in one go."""

    prospect: Prospect
    history: list[HistoryEntry]
    interviews: list[Interview]
    assessment: Assessment
    problem: str = ""
    """Why the assessment could not be computed (e.g. a broken question set)."""
    agenda: Agenda | None = None
    """What to ask at the next meeting (``Qualifier.agenda``)."""
    agenda_problem: str = ""
    """Why there is no agenda (one line), when there is none."""
    attachments: list[Attachment] = field(default_factory=list)
    """The prospect's evidence files, oldest first (``Store.attachments``)."""
    attachments_problem: str = ""
    """Why the evidence files could not be listed (one line), when they could not."""


def _nothing_in(folder: Path) -> bool:
    """No such folder, or an empty one: where opening makes a new workspace."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True
    except OSError:
        return False


class Workspace:
    """One open workspace and its active question sets."""

    def __init__(
        self,
        data_dir: Path,
        questionnaires_dir: Path,
        *,
        store_url: str | None = None,
        language: str | None = None,
    ) -> None:
        self.language = language
        """The language the question sets are shown in (None: each set's first)."""
        self.data_dir = Path(data_dir)
        """Where the prospects live (unless `store_url` names a team server)."""
        self.store_url = store_url or None
        """The PostgreSQL team store, when the app was started with --store."""
        self.questionnaires_dir = Path(questionnaires_dir)
        """Where the active question sets (and pipeline.yaml) live."""
        self._qualifier: Qualifier | None = None
        self._problems_shown: set[str] = set()
        self._band_ranks: tuple[Catalog, dict[str, str]] | None = None
        self._opening: dict[str, Any] | None = None
        """The sets and the store opened for the first page, until :meth:`open`."""
        self._first_watch: Watch | None = None
        """The watch :meth:`open` opened before anything was read, until taken."""

    @property
    def location(self) -> str:
        """Where the prospects are, as the user may be shown it (never a password)."""
        if self.store_url:
            from qualify.store import redact_url

            return _("team server {url}").format(url=redact_url(self.store_url))
        return _("workspace {path}").format(path=self.data_dir)

    # ------------------------------------------------------------------ lifecycle
    @property
    def is_open(self) -> bool:
        return self._qualifier is not None

    @property
    def qualifier(self) -> Qualifier:
        if self._qualifier is None:
            raise RuntimeError("the workspace is not open yet")
        return self._qualifier

    @property
    def catalog(self) -> Catalog:
        return self.qualifier.catalog

    def open(self) -> Qualifier:
        """Open the store and load the question sets (call from a worker thread)."""
        if self._qualifier is not None:
            return self._qualifier
        from qualify.core.errors import QualifyError
        from qualify.workflow.qualifier import Qualifier

        catalog, (store, user) = self._first_catalog(), self._first_store()
        try:  # before the list is read: a change made meanwhile is then never missed
            self._first_watch = store.watch()
        except QualifyError:
            self._first_watch = None  # the app's watch tries again, then reloads it all
        self._qualifier = Qualifier(store, catalog, user=user)
        self._qualifier.language = self.language
        self._opening = None
        return self._qualifier

    def take_watch(self) -> tuple[Watch | None, bool]:
        """A watch of the store's changes (None: this store cannot tell), and whether it
        has seen every change since the list was first read. The first call takes the one
        :meth:`open` opened before reading anything; a later one (after a lost watch)
        opens another, which has not: whatever changed meanwhile is unknown. Raises
        QualifyError when the store cannot be watched now."""
        first, self._first_watch = self._first_watch, None
        if first is not None:
            return first, True
        return self.qualifier.store.watch(), False

    def first_page(self, count: int) -> FirstPage | None:
        """The ``count`` most recently active prospects, the stages' titles and the band
        words, before the workspace is open, when the store gives them much faster than
        every prospect; call from a worker thread, then :meth:`open`. A local workspace's
        rows are read without the store and its models (see store.workspace.recent), the
        titles and words from the cache (see :meth:`_first_labels`): nothing on the way to
        the first page imports pydantic once both are at hand. Else the store reads them
        (Store.recent_prospects), and :meth:`open` reuses what was opened here."""
        if self._qualifier is not None:
            return None
        rows: list[ListRow] | list[ProspectSummary] | None = None
        if not self.store_url:
            from qualify.store.workspace.recent import holds_no_prospect, recent_rows

            root = self.data_dir.expanduser()
            rows = recent_rows(root, count)
            if (rows == [] or (rows is None and _nothing_in(root))) and holds_no_prospect(root):
                # nothing to list (a new workspace is made on opening): the welcome at
                # once, while the workspace opens
                return FirstPage([], {}, {}, {})
        if rows is None:
            store, _user = self._first_store()
            rows = store.recent_prospects(count)
        if rows is None or len(rows) < count:  # every prospect: as fast to list them all
            return None
        return FirstPage(rows, *self._first_labels())

    def _first_labels(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """The stages' titles, the band ranks and the band words of the active sets: from
        the cache of what is derived from the sets (plain strings: no model to import),
        else from the sets themselves (loaded for :meth:`open` too)."""
        from qualify import setcache

        def labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
            return list_labels(self._first_catalog(), self.language)

        # the key holds the language and the code that works them out
        return setcache.derived(
            "list-labels",
            self.questionnaires_dir,
            labels,
            depends=((self.language or "").encode(),),
            scope=("core", "i18n", "tui"),
        )

    def _first_catalog(self) -> Catalog:
        if self._opening is None:
            self._opening = {}
        if "catalog" not in self._opening:
            from qualify.setcache import load_catalog

            self._opening["catalog"] = self._localized(load_catalog(self.questionnaires_dir))
        return self._opening["catalog"]

    def _first_store(self) -> tuple[Store, str]:
        if self._opening is None:
            self._opening = {}
        if "store" not in self._opening:
            from qualify.paths import workspace_user
            from qualify.store import open_store

            if self.store_url:  # on a server, who answers is the database login
                self._opening["store"] = (open_store(url=self.store_url), "")
            else:
                self._opening["store"] = (open_store(self.data_dir), workspace_user())
        return self._opening["store"]

    def reload_catalog(self) -> Catalog:
        """Re-read the question sets from disk (picks up edits made in another editor;
        the cache of checked sets is keyed by their content, so an edit is never missed)."""
        from qualify.setcache import load_catalog

        catalog = self._localized(load_catalog(self.questionnaires_dir))
        if self._qualifier is not None:
            self._qualifier.catalog = catalog
        return catalog

    def _localized(self, catalog: Catalog) -> Catalog:
        """The sets' texts in the app's language (answers are kept by value, and the
        sets' snapshots and hashes do not change with it)."""
        from qualify.i18n import localized_catalog

        return localized_catalog(catalog, self.language)

    @property
    def bundled(self) -> bool:
        """The active sets are the ones shipped with qualify: edit a workspace copy instead."""
        from qualify import paths

        try:
            bundled = paths.bundled_questionnaires_dir().resolve()
            return self.questionnaires_dir.resolve() == bundled
        except OSError:
            return False

    def copy_bundled_sets(self) -> Path:
        """Copy the bundled sets into `<workspace>/questionnaires` (keeping files already
        there) and use that folder from now on, as `qualify questionnaires init` does."""
        import shutil

        from qualify import paths

        source = paths.bundled_questionnaires_dir()
        target = self.data_dir / "questionnaires"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob("*.y*ml")):
            dest = target / path.name
            if not dest.exists():
                shutil.copyfile(path, dest)
        self.questionnaires_dir = target
        if self._qualifier is not None:
            self.reload_catalog()
        return target

    def close(self) -> None:
        if self._first_watch is not None:
            self._first_watch.close()
            self._first_watch = None
        if self._qualifier is not None:
            self._qualifier.store.close()
            self._qualifier = None
        elif self._opening and "store" in self._opening:
            self._opening["store"][0].close()
        self._opening = None

    # ------------------------------------------------------------------ reads
    def summaries(self) -> list[ProspectSummary]:
        return self.qualifier.store.list_prospects()

    def new_problems(self) -> list[str]:
        """What the store had to skip (an unreadable prospect file…) and the app has not
        shown yet: each once a session, naming the file and the fix."""
        if self._qualifier is None:
            return []
        fresh = [p for p in self._qualifier.store.unreadable() if p not in self._problems_shown]
        self._problems_shown.update(fresh)
        return fresh

    def stage_titles(self) -> dict[str, str]:
        """Stage id → title (including the review stage), empty when the pipeline is broken."""
        return _stage_titles(self.catalog) if self.is_open else {}

    def prospect_view(self, prospect_id: str) -> ProspectView:
        """The prospect, its history and interviews, its assessment and its agenda."""
        from qualify.core.assess import Assessment
        from qualify.core.errors import QualifyError
        from qualify.core.records import ProspectRecords

        q = self.qualifier
        prospect = q.store.get_prospect(prospect_id)
        history = q.store.history(prospect_id)
        interviews = q.store.interviews(prospect_id)
        problem = ""
        try:
            assessment = q.assess(prospect)
        except QualifyError as exc:
            problem = str(exc)
            assessment = Assessment.unassessed(ProspectRecords(prospect))
        agenda, agenda_problem = None, ""
        try:
            from qualify.workflow.meetings import meeting_agenda

            agenda = meeting_agenda(q, prospect)
        except QualifyError as exc:
            agenda_problem = str(exc)
        except Exception as exc:  # the agenda must never keep the prospect from showing
            agenda_problem = _("the agenda could not be built ({error})").format(
                error=f"{type(exc).__name__}: {exc}"
            )
        attachments: list[Attachment] = []
        attachments_problem = ""
        try:
            attachments = q.store.attachments(prospect_id)
        except QualifyError as exc:
            attachments_problem = str(exc)
        return ProspectView(
            prospect,
            history,
            interviews,
            assessment,
            problem,
            agenda,
            agenda_problem,
            attachments,
            attachments_problem,
        )

    @property
    def band_ranks(self) -> dict[str, str]:
        """Band label → strong / possible / weak by its place in its set's band order, for
        the places that show a band without its set (the list, re-score lines)."""
        from qualify.core.words import band_ranks

        catalog = self.catalog if self.is_open else None
        if catalog is None:
            return {}
        if self._band_ranks is None or self._band_ranks[0] is not catalog:
            self._band_ranks = (catalog, band_ranks(catalog.question_sets.values()))
        return self._band_ranks[1]

    @property
    def band_words(self) -> dict[str, str]:
        """Band label as stored on the list → in the app's language, where a set says it."""
        from qualify.i18n import band_words

        catalog = self.catalog if self.is_open else None
        return band_words(catalog.question_sets.values(), self.language) if catalog else {}
