"""A small, fixed workspace for the report tests: every id and timestamp is chosen here.

It is written through the Store interface (``add_prospects_bulk``, which stores
exactly the records it is given and computes their list rows), so the same records land in the in-memory store and
in the real workspace, and reports built from either must be identical.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from qualify.core.questionnaire import Catalog, QuestionSet, content_hash, load_catalog
from qualify.core.questionnaire.catalog import canonical
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    PartnerKind,
    Prospect,
    ProspectRecords,
    ProspectStatus,
)
from qualify.reports.capacity import Capacity
from qualify.reports.portfolio_cache import portfolio_report
from qualify.reports.prospect import prospect_report
from qualify.reports.views import PortfolioReport, ProspectReport
from qualify.store.base import Store

QUESTIONNAIRES = Path(__file__).parent / "fixtures" / "questionnaires"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CAPACITY = Capacity({"North": 2, "South": 5}, None, "capacity.yaml")

HOSTILE_NAME = "<script>alert(1)</script> *Evil* | Corp"
HOSTILE_NOTE = "<b>bold</b> =cmd|' /C calc'!A0 [click](javascript:alert(1)) _under_ #1"
HOSTILE_TAG = '<img src=x onerror="alert(2)">'

IDS = {
    "muller": "a1b2c3d4e5f6",
    "hostile": "bad000000001",
    "knocked": "c0ffee000002",
    "friends": "f00d00000003",
    "healthy": "9e9e9e000004",
    "costly": "c0570000005a",
    "newcomer": "ae0000000006",
}


def catalog() -> Catalog:
    return load_catalog(QUESTIONNAIRES)


def intro_v1(cat: Catalog) -> QuestionSet:
    """The first-date set as it was asked last year: version 1, one question worded differently."""
    data = cat.question_sets["intro"].model_dump(mode="json")
    data["version"] = 1
    data["sections"][0]["questions"][0]["text"] = "What kind of business are you?"
    return QuestionSet.model_validate(data)


def _at(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _interview(
    pid: str,
    stage: str,
    qs: QuestionSet,
    answers: dict[str, Any],
    when: datetime,
    *,
    complete: bool = True,
    kind: str = "stage",
    extra: dict[str, dict[str, Any]] | None = None,
    interviewer: str = "ana",
    notes: str = "",
) -> Interview:
    records: dict[str, AnswerRecord] = {}
    for qid, value in answers.items():
        meta = (extra or {}).get(qid, {})
        records[qid] = AnswerRecord(
            question_id=qid,
            value=value,
            state=meta.get("state", "answered"),
            source=meta.get("source", "stated"),
            note=meta.get("note", ""),
            answered_at=when,
            by=interviewer,
        )
    for qid, meta in (extra or {}).items():
        if qid not in records:
            records[qid] = AnswerRecord(
                question_id=qid,
                value=None,
                state=meta.get("state", "answered"),
                note=meta.get("note", ""),
                answered_at=when,
                by=interviewer,
            )
    return Interview(
        id=f"{pid}-{stage}",
        prospect_id=pid,
        stage=stage,
        kind=kind,  # type: ignore[arg-type]
        questionnaire_id=qs.id,
        questionnaire_version=qs.version,
        questionnaire_hash=content_hash(qs),
        answers=records,
        notes=notes,
        status="complete" if complete else "in_progress",
        interviewer=interviewer,
        started_at=when,
        updated_at=when,
        completed_at=when if complete else None,
    )


def _prospect(
    key: str,
    name: str,
    stage: str,
    *,
    territory: str,
    kind: PartnerKind,
    created: datetime,
    status: ProspectStatus = ProspectStatus.active,
    **more: Any,
) -> Prospect:
    return Prospect(
        id=IDS[key],
        name=name,
        territory=territory,
        kind=kind,
        stage=stage,
        status=status,
        owner="ana",
        created_at=created,
        updated_at=created,
        **more,
    )


def _history(pid: str, n: int, at: datetime, action: str, **more: Any) -> HistoryEntry:
    return HistoryEntry(id=f"{pid}-h{n}", prospect_id=pid, at=at, action=action, **more)


def records(cat: Catalog) -> list[tuple[Prospect, list[Interview], list[HistoryEntry]]]:
    """The prospects of the fixed workspace, with their interviews and history."""
    sets = cat.question_sets
    v1 = intro_v1(cat)
    out: list[tuple[Prospect, list[Interview], list[HistoryEntry]]] = []

    # 1. Müller & Søn AV: moved on from the first date with an override, planning now.
    pid = IDS["muller"]
    p = _prospect(
        "muller",
        "Müller & Søn AV",
        "plan",
        territory="North",
        kind=PartnerKind.dealer,
        created=_at(120),
        tags=["hospitality", "education"],
        notes="Met at the trade fair; keen on the premium range.",
    )
    intro = _interview(
        pid,
        "intro",
        v1,
        {
            "business": "dealer",
            "years": 12,
            "local_presence": True,
            "help_needed": 4,
            "asked_about": ["margin", "support"],
        },
        _at(110),
        extra={
            "business": {"source": "verified", "note": "Saw the showroom & the warehouse."},
            "years": {"source": "estimated"},
            "red_flags": {"state": "unknown", "note": "Ask about the owner's plans."},
        },
        notes="Owner and sales lead present.",
    )
    plan = _interview(
        pid,
        "plan",
        sets["plan"],
        {"plan_signed": True, "support_hours": 14},
        _at(30),
        complete=False,
        extra={"champion": {"state": "declined", "note": "Will name one after the summer."}},
        interviewer="ben",
    )
    history = [
        _history(pid, 0, _at(120), "created", to_stage="intro", by="ana"),
        _history(
            pid,
            1,
            _at(100),
            "advance",
            from_stage="intro",
            to_stage="plan",
            overridden=True,
            reason="Director wants them: strategic account in the north",
            by="ana",
            gate={"passed": False, "unmet": ["coverage 67% below 80%"]},
        ),
    ]
    out.append((p, [intro, plan], history))

    # 2. A hostile name, note and tag: must print literally everywhere.
    pid = IDS["hostile"]
    p = _prospect(
        "hostile",
        HOSTILE_NAME,
        "intro",
        territory="=SUM(A1:A9)",
        kind=PartnerKind.reseller,
        created=_at(40),
        tags=[HOSTILE_TAG],
        notes=HOSTILE_NOTE,
    )
    intro = _interview(
        pid,
        "intro",
        sets["intro"],
        {"business": "integrator", "local_presence": True, "red_flags": "| pipes | and *stars*"},
        _at(35),
        complete=False,
        extra={"business": {"note": HOSTILE_NOTE}},
        interviewer="<i>eve</i>",
    )
    out.append((p, [intro], [_history(pid, 0, _at(40), "created", to_stage="intro")]))

    # 3. Knocked out at the first date and declined with the reason.
    pid = IDS["knocked"]
    p = _prospect(
        "knocked",
        "Knocked Out GmbH",
        "intro",
        territory="South",
        kind=PartnerKind.distributor,
        created=_at(90),
        status=ProspectStatus.declined,
    )
    intro = _interview(
        pid,
        "intro",
        sets["intro"],
        {"business": "online_discounter", "local_presence": False, "years": 1},
        _at(85),
    )
    history = [
        _history(pid, 0, _at(90), "created", to_stage="intro"),
        _history(
            pid,
            1,
            _at(84),
            "decline",
            from_stage="intro",
            to_stage="intro",
            reason="Sells only by discounting online: channel conflict",
            by="ana",
        ),
    ]
    out.append((p, [intro], history))

    # 4. Just friends, due for a call.
    pid = IDS["friends"]
    p = _prospect(
        "friends",
        "Friends Ltd",
        "intro",
        territory="South",
        kind=PartnerKind.integrator,
        created=_at(200),
        status=ProspectStatus.on_hold,
        recontact_on=date(2025, 5, 15),
    )
    intro = _interview(
        pid, "intro", sets["intro"], {"business": "integrator", "local_presence": True}, _at(190)
    )
    history = [
        _history(pid, 0, _at(200), "created", to_stage="intro"),
        _history(
            pid,
            1,
            _at(180),
            "hold",
            from_stage="intro",
            to_stage="intro",
            reason="Good company, wrong time: ERP migration this year",
        ),
    ]
    out.append((p, [intro], history))

    # 5 and 6. Two committed partners in the North: one healthy, one costing more than it brings.
    for key, name, review_answers in (
        (
            "healthy",
            "Healthy Partner BV",
            {
                "revenue_vs_plan": 110,
                "support_hours_month": 4,
                "field_visits_quarter": 2,
                "support_vs_revenue": "in_proportion",
                "outcome": "grow",
            },
        ),
        (
            "costly",
            "Costly Partner Oy",
            {
                "revenue_vs_plan": 40,
                "support_hours_month": 30,
                "field_visits_quarter": 9,
                "support_vs_revenue": "high_lagging",
                "outcome": "fix",
            },
        ),
    ):
        pid = IDS[key]
        p = _prospect(
            key,
            name,
            "review",
            territory="North",
            kind=PartnerKind.integrator,
            created=_at(400),
            status=ProspectStatus.committed,
        )
        good = {"business": "integrator", "years": 20, "local_presence": True}
        interviews = [
            _interview(pid, "intro", sets["intro"], good, _at(390)),
            _interview(
                pid,
                "plan",
                sets["plan"],
                {"plan_signed": True, "support_hours": 5, "champion": "Ola"},
                _at(350),
                extra={"plan_signed": {"source": "verified"}},
            ),
            _interview(
                pid,
                "commit",
                sets["commit"],
                {"agreement_signed": True, "first_order": True},
                _at(300),
                extra={"agreement_signed": {"source": "verified"}},
            ),
            _interview(pid, "review", sets["review"], review_answers, _at(20), kind="review"),
        ]
        history = [
            _history(pid, 0, _at(400), "created", to_stage="intro"),
            _history(
                pid,
                1,
                _at(380),
                "advance",
                from_stage="intro",
                to_stage="plan",
                gate={"passed": True},
            ),
            _history(
                pid,
                2,
                _at(340),
                "advance",
                from_stage="plan",
                to_stage="commit",
                gate={"passed": True},
            ),
            _history(
                pid,
                3,
                _at(290),
                "advance",
                from_stage="commit",
                to_stage="review",
                gate={"passed": True},
            ),
        ]
        out.append((p, interviews, history))

    # 7. A newcomer in the North, about to commit: the capacity warning's subject.
    pid = IDS["newcomer"]
    p = _prospect(
        "newcomer",
        "Newcomer AB",
        "plan",
        territory="North",
        kind=PartnerKind.dealer,
        created=_at(60),
    )
    interviews = [
        _interview(
            pid,
            "intro",
            sets["intro"],
            {"business": "integrator", "years": 8, "local_presence": True, "help_needed": 2},
            _at(55),
        ),
        _interview(
            pid,
            "plan",
            sets["plan"],
            {"plan_signed": True, "support_hours": 6, "champion": "Kim"},
            _at(10),
            complete=False,
            extra={"plan_signed": {"source": "verified"}},
        ),
    ]
    history = [
        _history(pid, 0, _at(60), "created", to_stage="intro"),
        _history(
            pid, 1, _at(50), "advance", from_stage="intro", to_stage="plan", gate={"passed": True}
        ),
    ]
    out.append((p, interviews, history))
    return out


def fill(store: Store, cat: Catalog | None = None) -> Catalog:
    """Write the fixed workspace into `store`; returns the catalog it was built with."""
    cat = cat or catalog()
    for qs in [*cat.question_sets.values(), intro_v1(cat)]:
        store.put_snapshot(content_hash(qs), canonical(qs))
    store.add_prospects_bulk(
        ProspectRecords(
            prospect,
            tuple(sorted(interviews, key=lambda i: i.started_at)),
            tuple(sorted(history, key=lambda h: h.at)),
        )
        for prospect, interviews, history in records(cat)
    )
    return cat


def build(store: Store, catalog: Catalog, key: str) -> ProspectReport:
    return prospect_report(store, catalog, IDS[key], now=NOW, tz=UTC)


def build_portfolio(
    store: Store, catalog: Catalog, territory: str | None = None
) -> PortfolioReport:
    return portfolio_report(
        store,
        catalog,
        capacity=CAPACITY,
        territory=territory,
        now=NOW,
        tz=UTC,
    )
