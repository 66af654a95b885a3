"""The portfolio page's rows are the bytes the page wrote before it was made faster (the
ranking's rows in a macro a table, the band badge written in place, the words looked up
once a page): the same for every kind of row, in English and German, with hostile text
in every field, control characters, escape sequences and direction marks, quotes and
ampersands, empty and missing values."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from report_fixture import build_portfolio

from qualify.i18n import use_language
from qualify.reports import render_portfolio
from qualify.reports.html import environment
from qualify.reports.views import PortfolioReport, PortfolioRow, StageGroup

BEFORE = """\
{% macro band(label, score, cls) -%}
<span class="badge b-{{ cls }}">{% if cls == 'out' %}✗ {{ label or _('Not a fit') }}{% elif score is none and not label %}{{ _('not scored') }}{% else %}{{ label }}{% endif %}</span>
{%- endmacro %}
{% set gate_words = {True: _('met'), False: _('not met'), None: '—'} %}
{% set provisional = _("provisional") %}
{% for p in rows %}<tr><td class="n">{{ p.rank or '' }}</td><td>{{ p.name }}<br><span class="muted small">{{ _(p.kind_label) }} · <code>{{ p.id }}</code></span></td><td>{{ p.territory or '—' }}</td><td class="n">{{ p.score | score }}</td><td>{% if p.provisional %}<span class="badge b-none">{{ provisional }}</span>{% else %}{{ band(p.band, p.score, p.band_class) }}{% endif %}{% if p.trend | length > 1 %}<br><span class="muted small">{{ _("reviews:") }} {% for t in p.trend %}{{ t | score }}{% if not loop.last %} → {% endif %}{% endfor %}</span>{% endif %}</td><td class="n wide">{{ p.coverage | pct }}</td><td class="wide">{{ gate_words[p.gate_passed] }}</td><td class="small">{{ p.next_step }}</td></tr>
{% endfor %}
"""
"""The ranking's rows as the page wrote them, word for word, before."""

BEFORE_OTHERS = """\
{% for p in friends %}<tr><td>{{ p.name }}<br><code>{{ p.id }}</code></td><td>{{ p.territory or '—' }}</td><td>{{ p.stage.title }}</td><td class="n">{{ p.recontact_on | date }}{% if p.due %} <span class="no">☎ {{ _("due") }}</span>{% endif %}</td><td>{{ p.reason or '—' }}</td></tr>
{% endfor %}
{% for p in parted %}<tr><td>{{ p.name }}<br><code>{{ p.id }}</code></td><td>{{ p.territory or '—' }}</td><td>{{ p.stage.title }}</td><td class="n">{{ p.updated_at | date }}</td><td>{{ p.reason or '—' }}</td></tr>
{% endfor %}
"""
"""The just friends' and the parted ways' rows as the page wrote them before."""

NASTY = (
    "",
    "Acme",
    "<script>alert(1)</script>",
    'O\'Brien & "Sons" <b>',
    "&amp; &lt; &#39; &",
    "\x1b[2J\x1b]0;title\x07 wiped",
    "\u202eevil\u202c \u200f\u200e\u2066x\u2069 \ufeff\u200b",
    "\x00\x08\x0b\x7f\x85\x9f ctl",
    "two\nlines\r\n\ttab \u2028 \u2029",
    "{{ 7 * 7 }} {% raw %} %s {0}",
    '" onmouseover="alert(1)',
)


def _rows(base: PortfolioRow) -> list[PortfolioRow]:
    """A row of each shape (badge, band, score, trend and gate: each branch of the row),
    the text fields turning through the hostile and empty values as they go."""
    shapes = itertools.product(
        (False, True),  # provisional
        ("out", "strong", "none", '" onmouseover="alert(1)'),  # band_class
        (None, 0.0, 72.45),  # score
        (None, "", "Strong fit", "<b>&amp;\x1b[31m\u202e"),  # band
        ((), (50.0,), (50.0, None, 61.25), (10.0, 20.55)),  # trend
        (True, False, None),  # gate_passed
    )
    texts = ("name", "id", "territory", "kind_label", "next_step", "reason")
    return [
        replace(
            base,
            provisional=provisional,
            band_class=band_class,
            score=score,
            band=band,
            trend=trend,
            gate_passed=gate_passed,
            rank=(None, 1, 0, 42)[i % 4],
            coverage=(None, 0.0, 0.333, 1.0)[i % 4],
            recontact_on=(None, date(2026, 1, 31))[i % 2],
            due=i % 3 == 0,
            updated_at=datetime(2026, 3, 4, 5, 6),
            **{k: (*NASTY, "Distributor")[(i + n) % (len(NASTY) + 1)] for n, k in enumerate(texts)},
        )
        for i, (provisional, band_class, score, band, trend, gate_passed) in enumerate(shapes)
    ]


def _between(page: str, start: str, end: str) -> list[str]:
    return re.findall(re.escape(start) + "(.*?)" + re.escape(end), page, flags=re.S)


@pytest.mark.parametrize("language", [None, "de"])
def test_the_rows_are_the_bytes_the_page_wrote_before(mem_store, catalog, language) -> None:
    report = build_portfolio(mem_store, catalog)
    rows = _rows(report.groups[0].rows[0])
    hostile = PortfolioReport(
        **{
            **vars(report),
            "groups": (*report.groups, StageGroup(report.groups[0].stage, tuple(rows))),
            "just_friends": tuple(rows),
            "parted_ways": tuple(rows),
        }
    )
    with use_language(language):
        page = render_portfolio(hostile, "html")
        before = environment().from_string(BEFORE).render(rows=rows)
        before_others = environment().from_string(BEFORE_OTHERS).render(friends=rows, parted=rows)
    ranking = page[page.index('<section id="ranking"') : page.index('<section id="friends"')]
    tables = _between(ranking, "<tbody>\n", "</tbody>")
    assert tables[-1] == before
    shown = [g for g in hostile.groups if g.rows]
    assert [t.count("<tr>") for t in tables] == [len(g.rows) for g in shown]
    others = page[page.index('<section id="friends"') :]
    assert "".join(_between(others, "<tbody>\n", "</tbody>")) == before_others
    assert "\x1b" not in page and "\u202e" not in page and "<script>" not in page
