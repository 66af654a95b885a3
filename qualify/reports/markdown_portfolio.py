"""The territory portfolio as Markdown: readable as plain text, safe when rendered (every
user value goes through :func:`~qualify.reports.markdown.md`)."""

from __future__ import annotations

from functools import cache

from qualify.core.words import CAPACITY_ALERTS, CAPACITY_STATUS
from qualify.core.words import markdown_text as md
from qualify.i18n import _, counted, fmt_date, fmt_datetime, fmt_pct, fmt_score, tr
from qualify.reports.markdown import BAR_WIDTH, _band, _code, _table
from qualify.reports.terminal import bar
from qualify.reports.views import PortfolioReport, PortfolioRow


class _RankRows:
    """The ranking's rows. What rows have in common is worked out once a page, not once a
    row of 10,000: the gate's and the badge's words, and the escaped text of the values a
    handful of which fill the column (territories, kinds)."""

    def __init__(self) -> None:
        self.gate = {True: _("met"), False: _("not met"), None: "—"}
        self.provisional = _("provisional")
        self.territory = cache(md)
        self.kind = cache(lambda label: md(_(label)))

    def row(self, r: PortfolioRow) -> list[str]:
        band = self.provisional if r.provisional else _band(r.band, r.score, r.knocked_out)
        if len(r.trend) > 1:
            band += " (" + " → ".join(fmt_score(t) for t in r.trend) + ")"
        return [
            str(r.rank or ""),
            md(r.name),
            self.territory(r.territory or "—"),
            self.kind(r.kind_label),
            fmt_score(r.score),
            band,
            fmt_pct(r.coverage),
            self.gate[r.gate_passed],
            md(r.next_step),
            _code(r.id),
        ]


def render_portfolio(report: PortfolioReport) -> str:
    """The territory portfolio as Markdown."""
    scope = f": {md(report.territory)}" if report.territory is not None else ""
    out = ["# " + _("Partner portfolio") + scope, ""]
    out.append(
        counted("{n} prospect", "{n} prospects", report.total)
        + " · "
        + _("report of {when}").format(when=fmt_datetime(report.generated_at))
    )
    out.append("")
    alerts = [t for t in report.territories if t.status in ("over", "full", "stretched")]
    due = [r for r in report.just_friends if r.due]
    if alerts or report.cost_concerns or due or report.warnings:
        out += ["## " + _("Needs attention"), ""]
        for status, words in CAPACITY_ALERTS.items():
            names = [md(t.territory or _("(no territory)")) for t in alerts if t.status == status]
            if names:
                said = _("Support capacity {state}: {territories}")
                out.append("- ⚠ " + said.format(state=tr(words), territories=", ".join(names)))
        if report.cost_concerns:
            n = len(report.cost_concerns)
            said = counted(
                "{n} committed partner consumes more support than the revenue it creates "
                "(see below)",
                "{n} committed partners consume more support than the revenue they create "
                "(see below)",
                n,
            )
            out.append(f"- ⚠ {said}")
        if due:
            said = counted(
                "{n} just-friends prospect due for a call",
                "{n} just-friends prospects due for a call",
                len(due),
            )
            out.append(f"- ☎ {said}")
        for w in report.warnings:
            out.append(f"- {md(w)}")
        out.append("")

    out += ["## " + _("The funnel"), ""]
    top = max((f.reached for f in report.funnel), default=0) or 1
    rows = [
        [
            md(f.stage.title),
            str(f.reached),
            _code(bar(100 * f.reached / top, BAR_WIDTH)),
            str(f.here),
            str(f.on_hold),
            str(f.declined),
        ]
        for f in report.funnel
    ]
    out += _table(
        [_("Stage"), _("Reached"), "", _("Here now"), _("Just friends"), _("Parted ways here")],
        "lrlrrr",
        rows,
    )
    out.append("")
    if report.decline_reasons:
        out += ["### " + _("Why we parted ways"), ""]
        rows = [
            [md(d.reason), str(d.count), ", ".join(md(s) for s in d.stages)]
            for d in report.decline_reasons
        ]
        out += _table([_("Reason"), _("Prospects"), _("At")], "lrl", rows)
        out.append("")

    out += ["## " + _("Support capacity"), ""]
    source = md(report.capacity_source) if report.capacity_source else _("nothing set")
    said = _("Committed partners per territory against the capacity set ({source}).")
    out.append(said.format(source=source))
    out.append("")
    rows = [
        [
            md(t.territory or _("(no territory)")),
            str(t.committed),
            str(t.about_to_commit),
            "—" if t.capacity is None else str(t.capacity),
            "—" if t.support_hours is None else f"{t.support_hours:g}",
            str(t.over_cost),
            md(tr(CAPACITY_STATUS[t.status])),
        ]
        for t in report.territories
    ]
    out += _table(
        [
            _("Territory"),
            _("Committed"),
            _("About to commit"),
            _("Capacity"),
            _("Support h/month"),
            _("Cost > revenue"),
            _("Status"),
        ],
        "lrrrrrl",
        rows,
    )
    out.append("")
    for t in report.territories:
        if t.status != "ok":
            out.append(f"- {md(t.message)}")
    out.append("")

    out += ["## " + _("Partners who cost more support than they bring"), ""]
    if report.cost_concerns:
        rows = [
            [
                md(c.row.name),
                md(c.row.territory or "—"),
                fmt_date(c.since or c.reviewed_at),
                fmt_date(c.reviewed_at),
                md(c.outcome or "—"),
                "; ".join(md(x) for x in c.reasons),
                _code(c.row.id),
            ]
            for c in report.cost_concerns
        ]
        out += _table(
            [
                _("Partner"),
                _("Territory"),
                _("Since"),
                _("Latest review"),
                _("Outcome"),
                _("Why"),
                _("Id"),
            ],
            "lllllll",
            rows,
        )
    else:
        out.append(_("None: every reviewed partner's support is in proportion to its revenue."))
    out.append("")

    out += ["## " + _("Ranking by stage"), ""]
    ranked = _RankRows()
    for group in report.groups:
        out += [f"### {md(group.stage.title)} ({len(group.rows)})", ""]
        if not group.rows:
            out += [_("Nobody at this stage."), ""]
            continue
        out += _table(
            [
                "#",
                _("Prospect"),
                _("Territory"),
                _("Kind"),
                _("Score"),
                _("Band"),
                _("Coverage"),
                _("Gate"),
                _("Next step"),
                _("Id"),
            ],
            "rlllrlrlll",
            [ranked.row(r) for r in group.rows],
        )
        out.append("")

    out += ["## " + _("Just friends") + f" ({len(report.just_friends)})", ""]
    if report.just_friends:
        rows = [
            [
                md(r.name),
                md(r.territory or "—"),
                md(r.stage.title),
                fmt_date(r.recontact_on) + (" ☎ " + _("due") if r.due else ""),
                md(r.reason or "—"),
                _code(r.id),
            ]
            for r in report.just_friends
        ]
        out += _table(
            [_("Prospect"), _("Territory"), _("Stage"), _("Call again"), _("Why"), _("Id")],
            "llllll",
            rows,
        )
    else:
        out.append(_("Nobody on hold."))
    out += ["", "## " + _("Parted ways") + f" ({len(report.parted_ways)})", ""]
    if report.parted_ways:
        rows = [
            [
                md(r.name),
                md(r.territory or "—"),
                md(r.stage.title),
                fmt_date(r.updated_at),
                md(r.reason or "—"),
                _code(r.id),
            ]
            for r in report.parted_ways
        ]
        out += _table(
            [_("Prospect"), _("Territory"), _("At"), _("Since"), _("Why"), _("Id")], "llllll", rows
        )
    else:
        out.append(_("Nobody declined."))
    out += ["", "---", "", _("qualify portfolio") + f" · {md(report.schema)}", ""]
    return "\n".join(out)
