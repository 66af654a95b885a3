"""Fit reports and the portfolio as Markdown: readable as plain text, safe when rendered.

Everything that comes from a user or a question set goes through :func:`md`,
so a prospect called ``<b>*Best*</b> | Co`` prints literally in any CommonMark
or GitHub renderer: no markup, no broken tables, no raw HTML.
"""

from __future__ import annotations

from qualify.core.agenda import ITEM_KIND_WORDS
from qualify.core.words import (
    DIRECTION_SHORT,
    STATE_LABELS,
    meeting_words,
    provisional_text,
)
from qualify.core.words import markdown_text as md
from qualify.i18n import (
    _,
    fmt_date,
    fmt_datetime,
    fmt_fixed,
    fmt_num,
    fmt_pct,
    fmt_score,
    fmt_signed,
    tr,
)
from qualify.reports.flag_words import flags_count, holds
from qualify.reports.terminal import bar
from qualify.reports.views import (
    AnswerView,
    Finding,
    InterviewView,
    PortfolioReport,
    ProspectReport,
)

BAR_WIDTH = 20


def _code(text: str) -> str:
    """An identifier in a code span (ids never contain backticks; drop any that do)."""
    return "`" + text.replace("`", "") + "`"


def _bar(score: float | None) -> str:
    return _code(bar(score, BAR_WIDTH))


def _table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    """A GitHub table; cells are already escaped (md() escapes `|`)."""
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def _band(band: str | None, score: float | None, knocked_out: bool) -> str:
    if knocked_out:
        return f"✗ {md(band or _('Not a fit'))}"
    if score is None:
        return _("not scored")
    return md(band or "")


_SOURCE_MARK = {
    "verified": ("verified", " ✓"),
    "stated": ("stated", ""),
    "estimated": ("estimated", " ≈"),
    "observed": ("observed", ""),
    "our_records": ("our records", " ✓"),
}


def _source(value: str) -> str:
    """An answer's source, marked, in the language in use ("stated", "verified ✓")."""
    word, mark = _SOURCE_MARK.get(value, (value, ""))
    return md(_(word)) + mark


# =========================================================== prospect report


def _finding(f: Finding) -> str:
    parts: list[str] = []
    if f.question is not None:
        answer = f" {md(f.answer)}" if f.answer else ""
        parts.append(f"**{md(f.question)}**{answer}")
        parts.append(md(f.text))
        where = " · ".join(md(x) for x in (f.section, f.stage.title if f.stage else None) if x)
        trace = f"{_code(f.question_id or '')}"
        if f.source:
            trace += f", {_source(f.source)}"
        parts.append(f"({where}; {trace})" if where else f"({trace})")
        text = " — ".join(parts[:2]) + " " + parts[2]
    else:
        text = md(f.text)
    if f.note:
        text += "  \n  " + _("Note: {note}").format(note=md(f.note))
    return text


def _answer_line(a: AnswerView) -> list[str]:
    label = f"**{md(a.question)}**"
    if a.state == "answered":
        detail = md(a.answer)
        if a.points is not None:
            detail += f" — {fmt_num(a.points)}/{fmt_num(a.max)}"
        detail += f" · {_source(a.source or 'stated')}"
        if a.needs_evidence:
            detail += " · ⚑ " + _("needs evidence")
        if a.knockout:
            detail += " · ✗ " + _("deal-breaker: {reason}").format(reason=md(a.knockout))
    else:
        detail = f"— {_(STATE_LABELS.get(a.state, md(a.state)))}"
        if a.required:
            detail += " " + _("(required)")
    lines = [f"- {label} {detail}"]
    if a.note:
        lines.append("  - " + _("Note: {note}").format(note=md(a.note)))
    return lines


def _interview(view: InterviewView) -> list[str]:
    qs = view.question_set
    title = md(view.stage.title)
    if view.kind == "review":
        title = f"{title}, {fmt_date(view.completed_at or view.started_at)}"
    lines = [f"### {title}", ""]
    facts = []
    if qs is not None:
        version = f"{_code(qs.id)} v{qs.version}"
        if qs.current_version is not None:
            current = _("v{version} is current").format(version=qs.current_version)
            version += f" ({current})"
        facts.append(_("Question set {version}").format(version=version))
    status = (
        _("completed {date}").format(date=fmt_date(view.completed_at))
        if view.completed_at
        else _("in progress")
    )
    facts.append(
        _("started {date}, {status}").format(date=fmt_date(view.started_at), status=status)
    )
    if view.interviewer:
        facts.append(_("by {name}").format(name=md(view.interviewer)))
    lines.append(" · ".join(facts) + "  ")
    if view.score is not None or view.band:
        band = _band(view.band, view.score, view.band_class == "out")
        lines.append(
            _(
                "Score **{score}** {band} · coverage {coverage} ({answered} of {visible} answered)"
            ).format(
                score=fmt_score(view.score),
                band=band,
                coverage=fmt_pct(view.coverage),
                answered=view.answered,
                visible=view.visible,
            )
        )
    if view.warning:
        lines.append(f"⚠ {md(view.warning)}")
    if view.notes:
        lines += ["", _("Interview notes: {notes}").format(notes=md(view.notes))]
    lines.append("")
    for section in view.sections:
        head = f"#### {md(section.title)}"
        head += f" · {fmt_score(section.score)} · " + _("{answered}/{visible} answered").format(
            answered=section.answered, visible=section.visible
        )
        lines += [head, ""]
        for answer in section.answers:
            lines += _answer_line(answer)
        lines.append("")
    return lines


def _evidence(report: ProspectReport) -> list[str]:
    rows = [
        [
            md(f.name)
            + (
                " " + _("(superseded by {name})").format(name=md(f.superseded_by))
                if f.superseded_by
                else ""
            )
            + (f" — {md(f.note)}" if f.note else ""),
            f"{md(f.question)} ({md(f.stage.title)}; {_code(f.question_id)})",
            f.size_text,
            _code(f.sha256[:12]) + "…",
            md(f.by),
            fmt_datetime(f.at),
        ]
        for f in report.attachments
    ]
    head = [_("File"), _("For"), _("Size"), "SHA-256", _("By"), _("When")]
    return ["## " + _("Evidence files"), "", *_table(head, "llrlll", rows), ""]


def render_prospect(report: ProspectReport) -> str:
    """The fit report of one prospect as Markdown."""
    h, v = report.header, report.verdict
    out: list[str] = ["# " + _("Fit report: {name}").format(name=md(h.name)), ""]
    facts = [_(h.kind_label), h.territory or _("no territory"), h.stage.title, _(h.status_label)]
    out.append(" · ".join(md(f) for f in facts) + "  ")
    people = []
    if h.owner:
        people.append(_("Owner: {name}").format(name=md(h.owner)))
    if h.interviewers:
        people.append(_("Interviewed by") + " " + ", ".join(md(n) for n in h.interviewers))
    dates = [_("Added {date}").format(date=fmt_date(h.created_at))]
    if h.last_contact:
        dates.append(_("last contact {date}").format(date=fmt_date(h.last_contact)))
    if h.recontact_on:
        dates.append(_("call again on {date}").format(date=fmt_date(h.recontact_on)))
    if h.next_meeting is not None:
        dates.append(_("next meeting {when}").format(when=md(meeting_words(h.next_meeting))))
    out.append(" · ".join(people + dates) + "  ")
    if h.question_sets:
        sets = []
        for qs in h.question_sets:
            text = f"{md(qs.title)} ({_code(qs.id)} v{qs.version}"
            if qs.current_version is not None:
                text += "; " + _("v{version} is current").format(version=qs.current_version)
            sets.append(text + ")")
        out.append(_("Question sets:") + " " + ", ".join(sets) + "  ")
    out.append(
        _("Prospect id {id} · report of {when}").format(
            id=_code(h.id), when=fmt_datetime(report.generated_at)
        )
    )
    if h.tags:
        out.append("")
        out.append(_("Tags:") + " " + ", ".join(md(t) for t in h.tags))
    if h.notes:
        out += ["", _("Notes: {notes}").format(notes=md(h.notes))]
    for warning in report.warnings:
        out += ["", f"> ⚠ {md(warning)}"]

    # -- verdict
    out += ["", "## " + _("Verdict"), ""]
    if v.score is None and not v.knocked_out:
        out.append(md(v.headline))
    elif v.provisional:
        where = " " + _("at {stage}").format(stage=md(v.basis.title)) if v.basis else ""
        out.append(
            _(
                "**{score}**{where}: too little answered for a verdict ({share} of the scored "
                "weight), so no band yet."
            ).format(
                score=tr(provisional_text(v.score, v.answered, v.visible)),
                where=where,
                share=fmt_pct(v.weight_answered),
            )
        )
    else:
        band = _band(v.band, v.score, v.knocked_out)
        where = " " + _("at {stage}").format(stage=md(v.basis.title)) if v.basis else ""
        out.append(
            f"**{band}**{where}: "
            + _(
                "score **{score}**, coverage **{coverage}** ({answered} of {visible} questions "
                "answered)."
            ).format(
                score=fmt_score(v.score),
                coverage=fmt_pct(v.coverage),
                answered=v.answered,
                visible=v.visible,
            )
        )
    out.append("")
    if v.knockouts:
        out.append(_("Knock-outs:"))
        out.append("")
        for k in v.knockouts:
            out.append(
                f"- ✗ {md(k.reason)} — **{md(k.question)}** {md(k.answer)} ({_code(k.question_id)})"
            )
        out.append("")
    elif v.score is not None:
        out += [_("Knock-outs: none."), ""]
    if v.evidence is not None:
        e = v.evidence
        shares = [
            (e.verified, "verified"),
            (e.our_records, "from our own records"),
            (e.observed, "observed by the interviewer"),
            (e.stated, "stated by the prospect"),
            (e.estimated, "estimated"),
        ]
        parts = [f"{fmt_pct(x)} {_(words)}" for x, words in shares if x > 0 or words == "verified"]
        out += [_("Evidence behind the score: {shares}.").format(shares=", ".join(parts)), ""]
    open_flags = [f for f in report.red_flags if f.status == "open"]
    if report.red_flags:
        out.append(flags_count(len(open_flags), len(report.red_flags)))
        out.append("")
        marks = {
            "open": "⚑ " + _("open"),
            "cleared": "✓ " + _("cleared"),
            "overridden": "⚠ " + _("overridden"),
        }
        for f in report.red_flags:
            line = (
                f"- {marks.get(f.status, md(f.status))}: {md(f.reason)} — **{md(f.question)}** "
                f"{md(f.answer)} ({md(f.stage.title)}; {_code(f.question_id)})"
            )
            if f.status == "open":
                line += "; " + holds(md(f.holds))
                if f.waiting_for:
                    line += "; " + _("waiting for evidence of") + " "
                    line += ", ".join(_code(w) for w in f.waiting_for)
            elif f.status == "cleared" and f.cleared_by:
                line += "; " + _("cleared by") + " " + ", ".join(_code(c) for c in f.cleared_by)
            elif f.override:
                line += "; " + _("gate overridden: {reason}").format(reason=md(f.override))
            out.append(line)
        out.append("")
    if report.money is not None:
        m = report.money
        ratio = (
            " " + _("(ratio {ratio})").format(ratio=fmt_fixed(m.ratio, 2))
            if m.ratio is not None
            else ""
        )
        mark = "⚠ " if m.exceeds else ""
        said = _(
            "Cost to serve against earnings ({stage}): {cost} a year to serve, {earnings} of "
            "margin earned"
        ).format(stage=md(m.stage.title), cost=md(m.cost), earnings=md(m.earnings))
        verdict = (
            _("it costs more than it earns.") if m.exceeds else _("it earns more than it costs.")
        )
        out += [f"{mark}{said}{ratio}: {verdict}", ""]
    if report.gate is not None:
        g = report.gate
        verdict = _("met") if g.passed else _("not met")
        out.append(f"{md(g.title)}: **{verdict}**")
        out.append("")
        for c in g.criteria:
            line = f"- {'✓' if c.met else '✗'} {md(c.text)}"
            if c.names_questions and 0 < len(c.question_texts) <= 3:
                line += ": " + "; ".join(f"*{md(t)}*" for t in c.question_texts)
            out.append(line)
        out.append("")
    if report.review is not None:
        r = report.review
        review = _("Latest review ({date}): **{band}** {score}").format(
            date=fmt_date(r.at),
            band=_band(r.band, r.score, r.band_class == "out"),
            score=fmt_score(r.score),
        )
        if r.outcome:
            review += ", " + _("outcome **{outcome}**").format(outcome=md(r.outcome))
        if r.due_on:
            due = (
                _("next review overdue since {date}") if r.overdue else _("next review due {date}")
            )
            review += "; " + due.format(date=fmt_date(r.due_on))
        out += [review + ".", ""]
        if len(report.reviews) > 1:
            trend = " → ".join(
                ("✗" if e.knocked_out else fmt_score(e.score)) for e in report.reviews
            )
            out += [
                _("Trend over {n} reviews: {trend}.").format(n=len(report.reviews), trend=trend),
                "",
            ]
        if r.support_cost.flagged:
            reasons = "; ".join(md(x) for x in r.support_cost.reasons)
            out += [
                "⚠ "
                + _("Consumes more support than the revenue it creates: {reasons}").format(
                    reasons=reasons
                )
                + ".",
                "",
            ]

    out += ["## " + _("Recommended next step"), "", md(report.next_step), ""]
    if report.agenda:
        out += ["### " + _("Agenda for the next meeting"), ""]
        for n, item in enumerate(report.agenda, start=1):
            flags = [
                flag
                for flag, on in (
                    (_("blocks the gate"), item.blocks_gate),
                    (_("possible deal-breaker"), bool(item.could_knock_out)),
                )
                if on
            ]
            flag = f" **({', '.join(flags)})**" if flags else ""
            why = f": {md(item.why)}" if item.why else ""
            kind = md(tr(ITEM_KIND_WORDS[item.kind]))
            out.append(f"{n}. {md(item.text)}{flag} — {md(item.section)}, {kind}{why}")
        out.append("")

    # -- fit and sections
    if report.fit:
        out += ["## " + _("Two-way fit"), ""]
        rows = [
            [md(f.title), fmt_score(f.score), _bar(f.score), str(f.sections)] for f in report.fit
        ]
        out += _table([_("Direction"), _("Score"), "", _("Sections")], "lrll", rows)
        out.append("")
    if report.sections:
        out += ["## " + _("Section scores"), ""]
        rows = [
            [
                md(s.title),
                _(DIRECTION_SHORT.get(s.direction, md(s.direction))),
                fmt_num(s.weight),
                fmt_score(s.score),
                _bar(s.score),
                f"{s.answered}/{s.visible}",
            ]
            for s in report.sections
        ]
        out += _table(
            [_("Section"), _("Fit"), _("Weight"), _("Score"), "", _("Answered")], "llrrlr", rows
        )
        out.append("")

    if report.comparison is not None:
        c = report.comparison
        out += ["## " + _("Compared with {who}").format(who=md(c.label)), ""]
        out.append(
            _(
                "{question_set}: this prospect {score}, typical of your best partners {ideal}."
            ).format(
                question_set=md(c.question_set),
                score=fmt_score(c.prospect_score),
                ideal=fmt_score(c.ideal_score),
            )
        )
        out.append("")
        rows = [
            [
                md(sec.title),
                fmt_score(sec.prospect),
                fmt_score(sec.ideal),
                "—" if sec.delta is None else f"{sec.delta:+.0f}",
            ]
            for sec in c.sections
        ]
        out += _table(
            [_("Section"), _("This prospect"), _("Best partners"), _("Gap")], "lrrr", rows
        )
        out.append("")
        if c.gaps:
            out += [_("Answers that differ most:"), ""]
            for g in c.gaps:
                ko = " (" + _("knock-out") + ")" if g.knockout else ""
                gap = _("{question}{ko}: {prospect} vs {ideal} ({impact} points)").format(
                    question=md(g.question),
                    ko=ko,
                    prospect=md(g.prospect),
                    ideal=md(g.ideal),
                    impact=fmt_signed(g.impact, 1),
                )
                out.append(f"- {gap}")
            out.append("")
    # -- strengths and risks
    out += ["## " + _("Strengths"), ""]
    if report.strengths:
        out += [f"{n}. {_finding(f)}" for n, f in enumerate(report.strengths, 1)]
    else:
        out.append(_("None yet: no answer earns most of its points."))
    out += ["", "## " + _("Risks"), ""]
    if report.risks:
        marks = {"knockout": "✗", "unanswered": "?", "unverified": "⚑", "red_flag": "⚑"}
        out += [f"- {marks.get(f.kind, '⚠')} {_finding(f)}" for f in report.risks]
    else:
        out.append(_("None found in the answers so far."))
    out.append("")

    if report.reviews:
        out += ["## " + _("Relationship reviews"), ""]
        rows = [
            [
                str(e.number),
                fmt_date(e.at),
                fmt_score(e.score),
                _band(e.band, e.score, e.knocked_out),
                md(e.outcome or "—")
                + (
                    " " + _("(reason: {reason})").format(reason=md(e.outcome_reason))
                    if e.outcome_reason
                    else ""
                ),
                md(e.plan or "—")
                + (
                    " " + _("(review on {date})").format(date=fmt_date(e.plan_due))
                    if e.plan_due
                    else ""
                ),
                "⚠ " + "; ".join(md(x) for x in e.support_cost.reasons)
                if e.support_cost.flagged
                else _("in proportion"),
            ]
            for e in report.reviews
        ]
        out += _table(
            [
                "#",
                _("Date"),
                _("Score"),
                _("Band"),
                _("Outcome"),
                _("Improvement plan"),
                _("Support against earnings"),
            ],
            "rlrllll",
            rows,
        )
        out.append("")

    # -- answers and timeline
    out += ["## " + _("Answers by stage"), ""]
    if not report.interviews:
        out += [_("No interview yet."), ""]
    for view in report.interviews:
        out += _interview(view)
    if report.attachments:
        out += _evidence(report)
    out += ["## " + _("Timeline"), ""]
    for t in report.timeline:
        line = f"- {fmt_date(t.at)} — {md(t.text)}"
        if t.by:
            line += f" ({md(t.by)})"
        if t.undone:
            line += " — *" + _("undone later") + "*"
        out.append(line)
        if t.unmet:
            out.append("  - " + _("Not met at the time:") + " " + "; ".join(md(u) for u in t.unmet))
    if not report.timeline:
        out.append(_("Nothing recorded yet."))
    out += ["", "---", "", _("qualify fit report") + f" · {md(report.schema)}", ""]
    return "\n".join(out)


# ================================================================= portfolio


def render_portfolio(report: PortfolioReport) -> str:
    """The territory portfolio as Markdown (see qualify.reports.markdown_portfolio)."""
    from qualify.reports.markdown_portfolio import render_portfolio as render

    return render(report)
