"""The fit report for the preview screen and the exports, from :mod:`qualify.reports`.

The TUI renders nothing itself: the preview is the Markdown report the CLI writes
(``qualify report``), and an export writes the very same bytes, so a report looks the
same wherever it was made. Pure: no Textual.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qualify.i18n import N_

if TYPE_CHECKING:
    from qualify.tui.workspace import Workspace

EXPORT_FORMATS: dict[str, str] = {
    "md": N_("Markdown"),
    "html": N_("HTML (a web page to mail or print)"),
    "json": N_("JSON (for other tools)"),
}
"""The prospect report formats of :mod:`qualify.reports`, with words for the picker."""


def report_time() -> datetime | None:
    """The "report of" time (None: now); tests fix it so previews are reproducible."""
    return None


def _languages(workspace: Workspace, forced: bool) -> dict[str, str | None]:
    """The report's language as `qualify report` chooses it: the app's when it was
    forced (--lang), else the prospect's own, else the app's. Without it the sets' texts
    stayed in their first language in a German app (qualify's words were German)."""
    return {
        "language": workspace.language if forced else None,
        "fallback_language": workspace.language,
    }


def render_markdown(workspace: Workspace, prospect_id: str, *, forced: bool = False) -> str:
    """The prospect's fit report as Markdown (what the preview shows); `forced`: the
    app's language was given with --lang, and wins over the prospect's own."""
    from qualify import reports

    q = workspace.qualifier
    doc = reports.prospect_document(
        q.store, q.catalog, prospect_id, "md", now=report_time(), **_languages(workspace, forced)
    )
    return doc.data.decode("utf-8")


def reports_dir(workspace: Workspace) -> Path:
    """Where exports go: ``<workspace>/reports``."""
    return workspace.data_dir / "reports"


def export_report(
    workspace: Workspace,
    prospect_id: str,
    fmt: str = "md",
    directory: Path | None = None,
    *,
    forced: bool = False,
) -> Path:
    """Write the report (md, html or json) atomically and return its path; a second export
    on the same day replaces the first. In the preview's language (`forced`: see
    :func:`render_markdown`)."""
    from qualify import reports
    from qualify.reports.output import write_atomic

    q = workspace.qualifier
    doc = reports.prospect_document(
        q.store, q.catalog, prospect_id, fmt, **_languages(workspace, forced)
    )
    directory = directory or reports_dir(workspace)
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / doc.filename, doc.data, force=True)
