"""What every report builder needs at hand: the pipeline's stage titles, the clock and
the time zone, and the one assessment of the core applied with them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from qualify.core import rules
from qualify.core.assess import Assessment, Snapshots, assess
from qualify.core.errors import QualifyError
from qualify.core.questionnaire.model import Pipeline, QuestionSet
from qualify.core.records import Interview, ProspectRecords
from qualify.reports.views import QuestionSetRef, StageRef

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog


class ReportError(QualifyError):
    """A report cannot be made (no pipeline, for instance); the message says why."""


def report_pipeline(catalog: Catalog) -> Pipeline:
    """The pipeline a report is read against; one clear line when there is none."""
    if catalog.pipeline is None:
        problem = catalog.pipeline_error()
        detail = f": {problem}" if problem is not None else ""
        raise ReportError(f"no valid pipeline.yaml in the active question sets{detail}")
    return catalog.pipeline


class ReportContext:
    """Per-build lookups: stage titles, the clock, the time zone."""

    def __init__(
        self, catalog: Catalog, snapshots: Snapshots, now: datetime | None, tz: tzinfo | None
    ) -> None:
        self.catalog = catalog
        self.pipeline = report_pipeline(catalog)
        self.snapshots = snapshots
        self.tz = tz
        self._zones: dict[tuple[timedelta | None, str | None], tzinfo | None] = {}
        self.now = self.local(now or datetime.now(UTC))
        self.today = self.now.date()
        self.stage_index = {s.id: i for i, s in enumerate(self.pipeline.stages)}
        # the stages just before commitment: a prospect there may soon need support
        self.late_stages = frozenset(
            s.id for s in self.pipeline.stages[-1 - rules.LATE_STAGES : -1]
        )
        review = self.pipeline.review
        self.titles = {s.id: s.title for s in self.pipeline.stages}
        if review is not None:
            self.titles[review.id] = review.title

    def assess(
        self,
        records: ProspectRecords,
        today: date | None = None,
        active_sets: Mapping[str, QuestionSet] | None = None,
    ) -> Assessment:
        """The core's assessment, on this report's clock and time zone (on `today`, a
        watched day, when given: see :mod:`qualify.core.days`; with `active_sets` for
        the catalog's, to see which it reads)."""
        return assess(
            records,
            pipeline=self.pipeline,
            snapshots=self.snapshots,
            active_sets=self.catalog.question_sets if active_sets is None else active_sets,
            now=self.now,
            tz=self.tz,
            today=today,
        )

    def local(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(self.tz)
        if self.tz is None:
            # the system's zone: a zone of its own each time, the same one here (a
            # portfolio sends and keeps thousands of rows, each pickled with its zone)
            zone = value.tzinfo
            key = (value.utcoffset(), value.tzname())
            kept = self._zones.setdefault(key, zone)
            if kept is not zone:
                value = value.replace(tzinfo=kept)
        return value

    def local_opt(self, value: datetime | None) -> datetime | None:
        return None if value is None else self.local(value)

    def stage(self, stage_id: str) -> StageRef:
        """A stage as reports name it: its id and its title."""
        return StageRef(stage_id, self.titles.get(stage_id, stage_id))

    def stage_or_none(self, stage_id: str | None) -> StageRef | None:
        return None if stage_id is None else self.stage(stage_id)

    def question_set_ref(self, interview: Interview) -> QuestionSetRef | None:
        qs = self.snapshots.get(interview.questionnaire_hash)
        if qs is None:
            return None
        current = self.catalog.question_sets.get(qs.id)
        current_version = current.version if current is not None else None
        return QuestionSetRef(
            id=qs.id,
            version=interview.questionnaire_version,
            title=qs.title,
            hash=interview.questionnaire_hash,
            stage=self.stage(interview.stage),
            current_version=(
                current_version if current_version != interview.questionnaire_version else None
            ),
        )
