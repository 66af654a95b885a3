"""Golden files: every format of the fixed workspace, byte for byte.

When a change to a report is intended, regenerate and review the diff:

    QUALIFY_UPDATE_GOLDEN=1 pytest tests/reports/test_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from report_fixture import build, build_portfolio

from qualify.reports import csv_report, html, json_report, markdown
from qualify.reports.views import PortfolioReport, ProspectReport

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("QUALIFY_UPDATE_GOLDEN") == "1"

PROSPECT_RENDERERS: dict[str, Callable[[ProspectReport], str]] = {
    "md": markdown.render_prospect,
    "html": html.render_prospect,
    "json": json_report.render_prospect,
}
PORTFOLIO_RENDERERS: dict[str, Callable[[PortfolioReport], str]] = {
    "md": markdown.render_portfolio,
    "html": html.render_portfolio,
    "csv": csv_report.render_portfolio,
}


def check(name: str, text: str, store_kind: str) -> None:
    path = GOLDEN / name
    data = text.encode("utf-8")
    if UPDATE and store_kind == "memory":
        path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: run with QUALIFY_UPDATE_GOLDEN=1 to create it")
    expected = path.read_bytes()
    assert data == expected, (
        f"{name} differs from its golden file; if the change is intended, regenerate with "
        "QUALIFY_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("fmt", sorted(PROSPECT_RENDERERS))
@pytest.mark.parametrize("key", ["muller", "hostile", "knocked", "costly"])
def test_prospect_report_matches_golden(store, catalog, request, key: str, fmt: str) -> None:
    report = build(store, catalog, key)
    kind = request.node.callspec.params["store"]
    check(f"prospect-{key}.{fmt}", PROSPECT_RENDERERS[fmt](report), kind)


@pytest.mark.parametrize("fmt", sorted(PORTFOLIO_RENDERERS))
def test_portfolio_matches_golden(store, catalog, request, fmt: str) -> None:
    report = build_portfolio(store, catalog)
    kind = request.node.callspec.params["store"]
    check(f"portfolio.{fmt}", PORTFOLIO_RENDERERS[fmt](report), kind)


def test_territory_portfolio_matches_golden(mem_store, catalog) -> None:
    report = build_portfolio(mem_store, catalog, territory="North")
    check("portfolio-north.md", markdown.render_portfolio(report), "memory")
