"""The report model: what the reports say, independent of any format."""

from __future__ import annotations

import copy
import weakref
from dataclasses import replace
from datetime import UTC

import pytest
import report_fixture
from report_fixture import IDS, NOW, build, build_portfolio

from qualify.core import rules
from qualify.core.questionnaire import QuestionSet
from qualify.core.scoring import score
from qualify.reports.prospect import prospect_report


def test_interviews_are_scored_against_their_snapshot_not_todays_yaml(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "muller")
    intro = report.interviews[0]
    assert intro.question_set is not None
    assert (intro.question_set.version, intro.question_set.current_version) == (1, 2)
    texts = [a.question for s in intro.sections for a in s.answers]
    assert "What kind of business are you?" in texts  # v1 wording
    assert "How would you describe your business today?" not in texts  # today's v2


def test_verdict_uses_the_current_stage_and_gate_lists_what_is_missing(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "muller")
    assert report.verdict.basis is not None and report.verdict.basis.id == "plan"
    assert report.verdict.score == pytest.approx(70.0)
    assert report.gate is not None and not report.gate.passed
    unmet = {c.key for c in report.gate.criteria if not c.met}
    assert unmet == {"required", "verified:plan_signed"}
    assert report.next_step == (
        "Keep dating: answer the required question “Who is their champion for our line?”; "
        "verify “Is the first-year plan signed by both sides?”."
    )


def test_risks_trace_to_questions_and_notes(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "muller")
    kinds = [(r.kind, r.question_id) for r in report.risks]
    assert kinds == [
        ("unanswered", "champion"),
        ("unverified", "plan_signed"),
        ("low_score", "support_hours"),
    ]
    assert report.risks[0].note == "Will name one after the summer."
    assert [s.question_id for s in report.strengths] == ["plan_signed"]


def test_provenance_and_unverified_answers_are_flagged(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "muller")
    answers = {a.question_id: a for i in report.interviews for s in i.sections for a in s.answers}
    assert answers["business"].source == "verified"
    assert not answers["business"].unverified_in_score
    assert answers["years"].source == "estimated" and answers["years"].unverified_in_score
    assert answers["plan_signed"].needs_evidence
    assert answers["red_flags"].state == "unknown"
    assert answers["champion"].state == "declined"
    assert report.verdict.evidence is not None
    assert report.verdict.evidence.stated == pytest.approx(1.0)


def test_timeline_keeps_overrides_and_their_reasons(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "muller")
    override = next(t for t in report.timeline if t.overridden)
    assert override.reason == "Director wants them: strategic account in the north"
    assert override.unmet == ("coverage 67% below 80%",)
    assert "gate overridden" in override.text


def test_knocked_out_prospect(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "knocked")
    assert report.verdict.knocked_out and report.verdict.band == "Not a fit"
    assert [k.question_id for k in report.verdict.knockouts] == ["business"]
    assert report.gate is None  # declined: no gate to pass
    assert report.next_step.startswith("Parted ways (Sells only by discounting online")
    assert report.risks[0].kind == "knockout"


def test_just_friends_due_for_a_call(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "friends")
    assert report.next_step == "Just friends: due for a call (re-contact date 2025-05-15)."
    portfolio = build_portfolio(mem_store, catalog)
    assert [(r.name, r.due) for r in portfolio.just_friends] == [("Friends Ltd", True)]


def test_committed_partner_with_costly_review(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "costly")
    assert report.review is not None
    assert report.review.support_cost.flagged
    assert report.review.outcome == "Fix: improvement plan"
    assert report.next_step.startswith("Counselling:")
    assert any(r.kind == "support_cost" for r in report.risks)
    healthy = build(mem_store, catalog, "healthy")
    assert healthy.review is not None and not healthy.review.support_cost.flagged
    assert healthy.next_step == "Keep the relationship measured: next review due on 2025-08-10."


def test_portfolio_ranks_funnel_capacity_and_cost(mem_store, catalog) -> None:
    p = build_portfolio(mem_store, catalog)
    groups = {g.stage.id: [(r.rank, r.name) for r in g.rows] for g in p.groups}
    assert groups["plan"] == [(1, "Newcomer AB"), (2, "Müller & Søn AV")]
    assert [r.name for r in p.groups[-1].rows] == ["Healthy Partner BV", "Costly Partner Oy"]
    funnel = {f.stage.id: (f.reached, f.here, f.on_hold, f.declined) for f in p.funnel}
    assert funnel == {
        "intro": (7, 1, 1, 1),
        "plan": (4, 2, 0, 0),
        "commit": (2, 0, 0, 0),
        "review": (2, 2, 0, 0),
    }
    assert [(d.reason, d.count) for d in p.decline_reasons] == [
        ("Sells only by discounting online: channel conflict", 1)
    ]
    north = next(t for t in p.territories if t.territory == "North")
    assert (north.committed, north.about_to_commit, north.capacity, north.status) == (
        2,
        2,
        2,
        "full",
    )
    assert north.support_hours == 34 and north.over_cost == 1
    assert [c.row.name for c in p.cost_concerns] == ["Costly Partner Oy"]
    assert p.total == 7 and len(p.rows) == 7


def test_portfolio_holds_one_prospect_at_a_time(mem_store, catalog, monkeypatch) -> None:
    """10,000 prospects must not mean 10,000 assessments in memory at once (it took
    1.4 GB): each prospect is read, reduced to its row and let go before the next-but-one
    is read (a store may keep a few recent files of its own: a copy is handed out here)."""
    read = mem_store.read_prospect
    earlier: list[weakref.ref] = []

    def reading(prospect_id: str):
        # the one before may still be in hand (the loop's variable); none before that
        assert [ref for ref in earlier[:-1] if ref() is not None] == []
        records = copy.deepcopy(read(prospect_id))
        earlier.append(weakref.ref(records))
        return records

    monkeypatch.setattr(mem_store, "read_prospect", reading)
    p = build_portfolio(mem_store, catalog)
    assert len(earlier) == p.total == 7


def test_a_review_started_and_not_answered_changes_no_verdict(mem_store, catalog) -> None:
    """Opening the next review of a partner that costs more than it brings, and leaving
    it, must not wipe its score from the list and the portfolio, clear the cost concern
    or push the next review back: nothing was answered."""
    pid = IDS["costly"]
    before = build(mem_store, catalog, "costly")
    row_before = mem_store.rows[pid]
    started = report_fixture._interview(
        pid, "review", catalog.question_sets["review"], {}, NOW, complete=False, kind="review"
    ).model_copy(update={"id": f"{pid}-review-2"})
    mem_store.merge_prospect(
        pid, lambda current: replace(current, interviews=(*current.interviews, started))
    )
    after = build(mem_store, catalog, "costly")
    assert (mem_store.rows[pid].score, mem_store.rows[pid].band) == (
        row_before.score,
        row_before.band,
    )
    assert row_before.score is not None
    assert after.review is not None and before.review is not None
    assert (after.review.score, after.review.due_on) == (before.review.score, before.review.due_on)
    assert after.review.support_cost.flagged
    portfolio = build_portfolio(mem_store, catalog)
    assert [c.row.name for c in portfolio.cost_concerns] == ["Costly Partner Oy"]
    costly = next(r for r in portfolio.rows if r.id == pid)
    assert costly.score == row_before.score


def test_territory_filter(mem_store, catalog) -> None:
    p = build_portfolio(mem_store, catalog, territory="South")
    assert p.total == 2
    assert [t.territory for t in p.territories] == ["South"]


def test_missing_snapshot_falls_back_to_todays_set_with_a_warning(mem_store, catalog) -> None:
    interview = mem_store.interview_rows[f"{IDS['muller']}-intro"]
    del mem_store.snapshots[interview.questionnaire_hash]
    report = prospect_report(mem_store, catalog, IDS["muller"], now=NOW, tz=UTC)
    assert any("snapshot of intro v1 is missing" in w for w in report.warnings)
    assert report.interviews[0].warning


def test_unknown_id_is_one_clear_error(mem_store, catalog) -> None:
    from qualify.core.errors import QualifyError

    with pytest.raises(QualifyError, match="no prospect"):
        prospect_report(mem_store, catalog, "nope")


def test_prefix_ids_resolve(mem_store, catalog) -> None:
    report = prospect_report(mem_store, catalog, "a1b2", now=NOW, tz=UTC)
    assert report.header.name == "Müller & Søn AV"


# ------------------------------------------------------------------ the rules


def _review_set(catalog) -> QuestionSet:
    return catalog.question_sets["review"]


@pytest.mark.parametrize(
    ("answers", "flagged"),
    [
        ({"support_vs_revenue": "high_lagging"}, True),
        ({"revenue_vs_plan": 40, "support_hours_month": 30}, True),
        ({"revenue_vs_plan": 70, "field_visits_quarter": 6}, True),
        ({"revenue_vs_plan": 85, "support_hours_month": 30}, False),  # revenue on track
        ({"revenue_vs_plan": 40, "support_hours_month": 12}, False),  # support moderate
        ({"support_vs_revenue": "high_justified", "support_hours_month": 50}, False),
        ({}, False),
    ],
)
def test_support_cost_rule(catalog, answers: dict, flagged: bool) -> None:
    qs = _review_set(catalog)
    check = rules.support_exceeds_revenue(qs, score(qs, answers), answers)
    assert check.flagged is flagged
    assert check.measured is bool(answers)


@pytest.mark.parametrize(
    ("committed", "soon", "capacity", "status"),
    [
        (3, 0, None, "unset"),
        (5, 0, 4, "over"),
        (4, 1, 4, "full"),
        (3, 2, 4, "stretched"),
        (2, 2, 4, "ok"),
    ],
)
def test_capacity_rule(committed: int, soon: int, capacity: int | None, status: str) -> None:
    assert rules.capacity_check("North", committed, soon, capacity).status == status


def test_gate_lines_name_the_question_when_evidence_was_seen_or_something_is_open() -> None:
    from qualify.reports.views import CriterionView

    seen = CriterionView("verified:refs", True, "refs verified", ("refs",), ("Who are your refs?",))
    missing = CriterionView("required", False, "1 required question unanswered: x", ("x",))
    score = CriterionView("min_score", True, "score 78 ≥ 60", ())
    assert seen.names_questions and missing.names_questions
    assert not score.names_questions


def test_ranks_run_without_gaps_and_leave_thin_scores_unranked(mem_store, catalog) -> None:
    """Found attacking the portfolio: provisional rows took rank numbers (1–9, then 12)
    and prospects with no score at all were ranked below them."""
    from qualify.reports.portfolio import ranking

    base = build_portfolio(mem_store, catalog).groups[0].rows[0]

    def row(name: str, score: float | None, *, provisional=False, ko=False):
        return replace(base, name=name, id=name, score=score, provisional=provisional,
                       knocked_out=ko, coverage=0.5, rank=None)  # fmt: skip

    rows = ranking([
        row("thin", 90.0, provisional=True), row("none", None), row("ko", 80.0, ko=True),
        row("good", 70.0), row("best", 85.0), row("thin-ko", 40.0, provisional=True, ko=True),
    ])  # fmt: skip
    assert [(r.rank, r.name) for r in rows] == [
        (1, "best"), (2, "good"), (3, "ko"), (4, "thin-ko"), (None, "thin"), (None, "none"),
    ]  # fmt: skip


def test_a_ranked_row_is_the_row_with_its_rank_and_nothing_else(mem_store, catalog) -> None:
    """The rank is set on a copy of the row's fields (not through dataclasses.replace, for
    speed): the same row replace would make, equal and of the same type, the row it was
    made from untouched."""
    from qualify.reports.portfolio import _with_rank

    for group in build_portfolio(mem_store, catalog).groups:
        for r in group.rows:
            unranked = replace(r, rank=None)
            ranked = _with_rank(unranked, 7)
            assert ranked == replace(unranked, rank=7) and type(ranked) is type(unranked)
            assert vars(ranked) == {**vars(unranked), "rank": 7} and unranked.rank is None
