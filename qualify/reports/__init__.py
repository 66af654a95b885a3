"""Reports: what leaves the area manager's laptop.

:mod:`qualify.reports.prospect` and :mod:`qualify.reports.portfolio` build the view
models of :mod:`qualify.reports.views` from the core's assessment of each prospect
(each interview scored against its own snapshot), reading the store once
(:mod:`qualify.reports.loading`); the renderers only format them:
:mod:`~qualify.reports.markdown`, :mod:`~qualify.reports.html`,
:mod:`~qualify.reports.json_report` (prospect) and
:mod:`~qualify.reports.csv_report` (portfolio). :mod:`~qualify.reports.terminal`
has the small text helpers of the CLI. The judgement calls (strengths, risks,
support cost, capacity) are in :mod:`qualify.core.rules`.

This module is the one entry point the CLI and the TUI need: a finished
document (bytes and a safe file name) from a store and a catalog. Nothing in
this package imports Textual or TinyDB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from qualify.core.errors import QualifyError

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.core.records import ProspectSummary
    from qualify.reports.capacity import Capacity
    from qualify.reports.views import PortfolioReport, ProspectReport
    from qualify.store.base import Store

PROSPECT_FORMATS = ("md", "html", "json")
PORTFOLIO_FORMATS = ("md", "html", "json", "csv")


class ReportFormatError(QualifyError):
    exit_code = 2


@dataclass(frozen=True)
class Document:
    """A rendered report: the exact bytes to write, and a safe file name for them."""

    data: bytes
    filename: str
    media_type: str


_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}


def _check(fmt: str, allowed: tuple[str, ...], what: str, hint: str) -> None:
    """One clear line for a format that does not apply (before any work is done)."""
    if fmt not in allowed:
        raise ReportFormatError(f"{what} is {', '.join(allowed)}, not {fmt!r} ({hint})")


def render_prospect(report: ProspectReport, fmt: str) -> str:
    """The fit report in one of PROSPECT_FORMATS."""
    _check(fmt, PROSPECT_FORMATS, "a prospect report", "csv is for the portfolio")
    if fmt == "md":
        from qualify.reports.markdown import render_prospect as render
    elif fmt == "html":
        from qualify.reports.html import render_prospect as render
    else:
        from qualify.reports.json_report import render_prospect as render
    return render(report)


def render_portfolio(report: PortfolioReport, fmt: str) -> str:
    """The portfolio in one of PORTFOLIO_FORMATS."""
    _check(fmt, PORTFOLIO_FORMATS, "the portfolio", "a prospect report is md, html or json")
    if fmt == "md":
        from qualify.reports.markdown import render_portfolio as render
    elif fmt == "html":
        from qualify.reports.html import render_portfolio as render
    elif fmt == "json":
        from qualify.reports.json_portfolio import render_portfolio as render
    else:
        from qualify.reports.csv_report import render_portfolio as render
    return render(report)


def prospect_document(
    store: Store,
    catalog: Catalog,
    prospect_id: str,
    fmt: str,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    language: str | None = None,
    fallback_language: str | None = None,
) -> Document:
    """One prospect's fit report, rendered; NotFound (one line) for an unknown id.

    In `language` (--lang), else the prospect's own language, else `fallback_language`
    ($QUALIFY_LANG, the config file); else each set's default and qualify's English."""
    from qualify.i18n import localized_catalog, localized_snapshots, use_language
    from qualify.reports.loading import load_prospect
    from qualify.reports.output import safe_filename
    from qualify.reports.prospect import build_prospect_report

    _check(fmt, PROSPECT_FORMATS, "a prospect report", "csv is for the portfolio")
    inputs = load_prospect(store, catalog, prospect_id)
    lang = language or inputs.records.prospect.language or fallback_language
    with use_language(lang):
        report = build_prospect_report(
            inputs.records,
            localized_catalog(catalog, lang),
            localized_snapshots(inputs.snapshots, lang),
            now=now,
            tz=tz,
            partners=inputs.partners,
        )
        text = render_prospect(report, fmt)
    stamp = report.generated_at.strftime("%Y-%m-%d")
    base = safe_filename(report.header.name)
    name = f"{base}-{safe_filename(report.header.id, fallback='id')}-{stamp}.{fmt}"
    return Document(text.encode("utf-8"), name, _MEDIA[fmt])


def portfolio_document(
    store: Store,
    catalog: Catalog,
    fmt: str,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    language: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    summaries: Sequence[ProspectSummary] | None = None,
) -> Document:
    """The portfolio (of one territory, if given), rendered; in `language` (None: each
    set's first, qualify's English). `progress(done, total)`: the prospects assessed
    (those with nothing kept from an earlier portfolio). `summaries`: the store's list
    of prospects, when the caller has read it already."""
    from qualify.i18n import localized_catalog, use_language
    from qualify.reports.output import safe_filename
    from qualify.reports.portfolio_cache import portfolio_report

    _check(fmt, PORTFOLIO_FORMATS, "the portfolio", "a prospect report is md, html or json")
    with use_language(language):
        report = portfolio_report(
            store,
            localized_catalog(catalog, language),
            capacity=capacity,
            territory=territory,
            now=now,
            tz=tz,
            language=language,
            progress=progress,
            summaries=summaries,
        )
        text = render_portfolio(report, fmt)
    stamp = report.generated_at.strftime("%Y-%m-%d")
    scope = f"-{safe_filename(territory, fallback='territory')}" if territory else ""
    return Document(text.encode("utf-8"), f"portfolio{scope}-{stamp}.{fmt}", _MEDIA[fmt])


__all__ = [
    "PORTFOLIO_FORMATS",
    "PROSPECT_FORMATS",
    "Document",
    "ReportFormatError",
    "portfolio_document",
    "prospect_document",
    "render_portfolio",
    "render_prospect",
]
