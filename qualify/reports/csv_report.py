"""The portfolio as CSV, for spreadsheets: one row per prospect, safe to open in Excel.

* UTF-8 with a byte-order mark, so Excel shows "Müller & Søn" and not mojibake.
* Every text cell that a spreadsheet could read as a formula (it starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any spaces, or
  with their full-width forms) is prefixed with an apostrophe: it shows as
  text and never runs (OWASP's advice against CSV injection).
* Numbers are written by us, never negative, and left as numbers.
"""

from __future__ import annotations

import csv
import io

from qualify.core.words import csv_text, fmt_date
from qualify.reports.views import PortfolioReport, PortfolioRow

BOM = "\ufeff"

COLUMNS = (
    "rank",
    "stage",
    "stage_title",
    "status",
    "name",
    "territory",
    "kind",
    "score",
    "band",
    "knocked_out",
    "coverage",
    "gate",
    "next_step",
    "reason",
    "recontact_on",
    "support_cost_flag",
    "updated",
    "id",
    "evidence_files",
    "evidence_latest",
)


def _row(r: PortfolioRow) -> list[str]:
    cost = ""
    if r.support_cost is not None:
        cost = "yes" if r.support_cost.flagged else "no"
    return [
        "" if r.rank is None else str(r.rank),
        r.stage.id,
        r.stage.title,
        r.status_label,
        r.name,
        r.territory,
        r.kind_label,
        "" if r.score is None else f"{r.score:.1f}",
        r.band or "",
        "yes" if r.knocked_out else "no",
        "" if r.coverage is None else f"{r.coverage * 100:.0f}",
        {True: "met", False: "not met", None: ""}[r.gate_passed],
        r.next_step,
        r.reason,
        fmt_date(r.recontact_on) if r.recontact_on else "",
        cost,
        fmt_date(r.updated_at),
        r.id,
        str(r.evidence_files),
        fmt_date(r.evidence_latest) if r.evidence_latest else "",
    ]


def render_portfolio(report: PortfolioReport) -> str:
    """The CSV text, BOM first; rows in the report's order (stages, just friends, parted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in report.rows:
        cells = _row(row)
        # numbers we format ourselves stay numbers; every other cell is neutralised
        writer.writerow(cell if n in _NUMERIC else csv_text(cell) for n, cell in enumerate(cells))
    return BOM + buffer.getvalue()


_NUMERIC = {COLUMNS.index(name) for name in ("rank", "score", "coverage", "evidence_files")}
