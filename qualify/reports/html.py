"""Fit reports and the portfolio as one self-contained HTML file.

Jinja2 templates in ``templates/`` with autoescaping on for every value, inline
CSS (with a print stylesheet and page breaks) and inline SVG charts. The page
makes no request of any kind: no scripts, fonts, images or styles from
elsewhere, and a Content-Security-Policy that forbids them even if a value
ever slipped through unescaped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from qualify.core.agenda import ITEM_KIND_WORDS
from qualify.core.collector import collector_paused
from qualify.core.words import (
    CAPACITY_ALERTS,
    CAPACITY_STATUS,
    DIRECTION_SHORT,
    SOURCE_LABELS,
    STATE_LABELS,
    meeting_words,
    one_line,
    visible,
)
from qualify.i18n import (
    _,
    counted,
    current,
    fmt_date,
    fmt_datetime,
    fmt_fixed,
    fmt_num,
    fmt_pct,
    fmt_score,
    fmt_signed,
    ngettext,
    tr,
)
from qualify.reports import charts
from qualify.reports.views import PortfolioReport, ProspectReport

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


def _shown(value: Any) -> Any:
    """Plain text made visible; markup we built ourselves (charts) passes as it is."""
    if type(value) is str:  # most values, printable as they are: no call (one per value)
        return value if value.isprintable() else visible(value)
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


class _KeptTemplates(BytecodeCache):
    """Compiled templates kept in the user cache dir (:mod:`qualify.setcache`: checked
    when read, written atomically, keyed by the reports' code and each template's
    source), so a report does not compile its templates again on every run."""

    SCOPE = ("reports",)

    def load_bytecode(self, bucket: Bucket) -> None:
        from qualify.setcache import read_entry

        kept = read_entry("template", _source_key(bucket), self.SCOPE)
        if isinstance(kept, bytes):
            bucket.bytecode_from_string(kept)  # Jinja checks its version and the source

    def dump_bytecode(self, bucket: Bucket) -> None:
        from qualify.setcache import write_entry

        write_entry("template", _source_key(bucket), self.SCOPE, bucket.bytecode_to_string())


def _source_key(bucket: Bucket) -> bytes:
    return f"{bucket.key}:{bucket.checksum}".encode()


@cache
def environment() -> Environment:
    """One Jinja environment; autoescape is on for every template, whatever its name, and
    every value shows its control characters as text (an HTML file has no use for them,
    and a browser would hide or act on some)."""
    env = Environment(
        loader=PackageLoader("qualify.reports", "templates"),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_KeptTemplates(),
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.filters.update(
        score=fmt_score,
        pct=fmt_pct,
        date=fmt_date,
        datetime=fmt_datetime,
        num=fmt_num,
        oneline=one_line,
        meeting=meeting_words,
        tr=tr,
        fill=_fill,
        fixed=fmt_fixed,
        signed=fmt_signed,
    )
    env.globals.update(
        CAPACITY_ALERTS=CAPACITY_ALERTS,
        CAPACITY_STATUS=CAPACITY_STATUS,
        CSP=CSP,
        counted=counted,
        DIRECTION_SHORT=DIRECTION_SHORT,
        SOURCE_LABELS=SOURCE_LABELS,
        STATE_LABELS=STATE_LABELS,
        agenda_kinds=_AgendaKinds(),
        language=current,
        strong=_strong,
        code=_code,
    )
    return env


def _fill(sentence: str, **parts: Any) -> Markup:
    """A catalog sentence with its {parts} filled in: the sentence and each part escaped,
    except markup the template made (`strong(…)`, a band badge)."""
    return Markup.escape(sentence).format(**{k: _shown(v) for k, v in parts.items()})


def _strong(text: Any) -> Markup:
    return Markup("<strong>{}</strong>").format(_shown(text))


def _code(text: Any) -> Markup:
    return Markup("<code>{}</code>").format(_shown(text))


def _render(template: str, **context: Any) -> str:
    # every value escaped is a Markup the collector tracks, 100,000 alive until a
    # portfolio's page is joined: it would scan them again and again for nothing
    page = environment().get_template(template)
    made = page.new_context(context)
    with collector_paused():
        try:
            return "".join(page.root_render_func(made))
        finally:
            # Jinja's context is in a reference cycle (its macros hold it): emptied, what
            # it was given (a portfolio's 10,000 rows) goes when the caller lets go of
            # it, not at the collector's next pass, which would walk them all first
            made.parent.clear()
            made.vars.clear()


def render_prospect(report: ProspectReport) -> str:
    """The fit report of one prospect as a standalone HTML page."""
    fit = {f.direction: f.score for f in report.fit}
    section_chart = charts.bar_chart(
        ((s.title, s.score, fmt_score(s.score), s.band_class) for s in report.sections),
        title=_("Section scores, 0 to 100"),
    )
    fit_map = charts.fit_map(fit.get("they_fit_us"), fit.get("we_fit_them"))
    trend = None
    if report.reviews:
        trend = charts.trend_chart(
            [
                (
                    f"#{e.number} {fmt_date(e.at)}",
                    None if e.knocked_out else e.score,
                    "✗" if e.knocked_out else fmt_score(e.score),
                )
                for e in report.reviews
            ],
            bands=report.review_bands,
            title=_("Relationship reviews: score over time"),
        )
    return _render(
        "prospect.html.j2",
        r=report,
        section_chart=section_chart,
        fit_map=fit_map,
        trend=trend,
    )


def render_portfolio(report: PortfolioReport) -> str:
    """The territory portfolio as a standalone HTML page."""
    funnel = charts.count_chart(
        ((f.stage.title, f.reached, 0, None, str(f.reached)) for f in report.funnel),
        title=_("Prospects who reached each stage"),
    )
    capacity = charts.count_chart(
        (
            (
                t.territory or _("(no territory)"),
                t.committed,
                t.about_to_commit,
                t.capacity,
                f"{t.committed}"
                + (f" +{t.about_to_commit}" if t.about_to_commit else "")
                + (f" / {t.capacity}" if t.capacity is not None else ""),
            )
            for t in report.territories
        ),
        title=_("Committed partners (dark), about to commit (light), capacity (tick)"),
    )
    return _render(
        "portfolio.html.j2", r=report, funnel=funnel, capacity=capacity, kind_words=_Translated()
    )


class _Translated(dict[str, str]):
    """Texts in the language in use, each looked up once a page: `_()` on every row of
    10,000 goes through Jinja's context.call, a tenth of the page's time."""

    def __missing__(self, text: str) -> str:
        self[text] = words = _(text)
        return words


class _AgendaKinds:
    """The agenda's kinds of item in the language in use (looked up when the page renders)."""

    def __getitem__(self, kind: str) -> str:
        return tr(ITEM_KIND_WORDS.get(kind, kind))
