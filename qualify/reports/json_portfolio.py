"""The portfolio as JSON (`qualify report --portfolio --format json`): a documented,
versioned contract like the fit report's.

Written field by field from :class:`~qualify.reports.views.PortfolioReport`; the
contract is ``qualify/reports/schema/portfolio.schema.json`` (JSON Schema 2020-12) and
``docs/report-schema.md``. Every document carries ``"schema": "qualify.portfolio/1"``;
within version 1 fields are only ever added.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from qualify.reports.json_report import _INVISIBLE, _d, _dt, _stage
from qualify.reports.views import PortfolioReport, PortfolioRow

SCHEMA = "qualify.portfolio/1"
SCHEMA_FILE = "portfolio.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every portfolio document validates against."""
    text = resources.files("qualify.reports").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def _row(r: PortfolioRow) -> dict[str, Any]:
    cost = r.support_cost
    return {
        "rank": r.rank,
        "id": r.id,
        "name": r.name,
        "territory": r.territory,
        "kind": r.kind,
        "kind_label": r.kind_label,
        "stage": _stage(r.stage),
        "status": r.status,
        "status_label": r.status_label,
        "score": r.score,
        "band": r.band,
        "band_class": r.band_class,
        "knocked_out": r.knocked_out,
        "coverage": r.coverage,
        "gate_passed": r.gate_passed,
        "next_step": r.next_step,
        "reason": r.reason,
        "recontact_on": _d(r.recontact_on),
        "due": r.due,
        "support_cost": (
            None
            if cost is None
            else {"flagged": cost.flagged, "measured": cost.measured, "reasons": list(cost.reasons)}
        ),
        "updated_at": _dt(r.updated_at),
        "evidence": {
            "files": r.evidence_files,
            "latest": _dt(r.evidence_latest) if r.evidence_latest is not None else None,
        },
    }


def portfolio_to_dict(report: PortfolioReport) -> dict[str, Any]:
    """The portfolio as plain data, keys in the documented order."""
    return {
        "schema": SCHEMA,
        "kind": "portfolio",
        "generated_at": _dt(report.generated_at),
        "territory": report.territory,
        "total": report.total,
        "stages": [
            {"stage": _stage(g.stage), "prospects": [_row(r) for r in g.rows]}
            for g in report.groups
        ],
        "just_friends": [_row(r) for r in report.just_friends],
        "parted_ways": [_row(r) for r in report.parted_ways],
        "funnel": [
            {
                "stage": _stage(f.stage),
                "reached": f.reached,
                "here": f.here,
                "on_hold": f.on_hold,
                "declined": f.declined,
            }
            for f in report.funnel
        ],
        "decline_reasons": [
            {"reason": d.reason, "count": d.count, "stages": list(d.stages)}
            for d in report.decline_reasons
        ],
        "territories": [
            {
                "territory": t.territory,
                "committed": t.committed,
                "about_to_commit": t.about_to_commit,
                "capacity": t.capacity,
                "status": t.status,
                "message": t.message,
                "support_hours": t.support_hours,
                "over_cost": t.over_cost,
            }
            for t in report.territories
        ],
        "cost_concerns": [
            {
                "id": c.row.id,
                "name": c.row.name,
                "territory": c.row.territory,
                "reviewed_at": _dt(c.reviewed_at),
                "outcome": c.outcome,
                "reasons": list(c.reasons),
            }
            for c in report.cost_concerns
        ],
        "capacity_source": report.capacity_source,
        "warnings": list(report.warnings),
    }


def render_portfolio(report: PortfolioReport) -> str:
    """Pretty-printed UTF-8 JSON with a trailing newline (terminal controls escaped)."""
    text = json.dumps(portfolio_to_dict(report), indent=2, ensure_ascii=False) + "\n"
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


__all__ = ["SCHEMA", "portfolio_to_dict", "render_portfolio", "schema"]
