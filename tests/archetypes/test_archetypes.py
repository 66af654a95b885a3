"""The six archetypes of docs (domain-scoring.md), driven through the bundled sets with the
command line, stage by stage, as an area manager would: `prospect add`, `answer --from`,
`advance`, `review`, `prospect show --json`, `report --format json`.

Each asserts the verdict a channel consultant would sign: the gate met or not, the band,
the next step, the red flags and the reviews. The answer files beside this module are
the prospects, one file per stage.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qualify.cli import main

HERE = Path(__file__).parent
BUNDLED = HERE.parents[1] / "questionnaires"


class Manager:
    """One area manager's workspace, driven through the command line."""

    def __init__(self, workspace: Path) -> None:
        self.runner = CliRunner()
        self.base = ["--data-dir", str(workspace), "--questionnaires", str(BUNDLED)]

    def run(self, *args: str, code: int = 0) -> Result:
        result = self.runner.invoke(main, [*self.base, *args], catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result

    def add(self, name: str, kind: str) -> str:
        return self.run(
            "prospect", "add", name, "--territory", "North", "--kind", kind
        ).stdout.strip()

    def answer(self, pid: str, archetype: str, stage: str, code: int = 0) -> Result:
        return self.run("answer", pid, "--from", str(HERE / archetype / f"{stage}.yaml"), code=code)

    def show(self, pid: str) -> dict[str, Any]:
        return json.loads(self.run("prospect", "show", pid, "--json").stdout)

    def report(self, pid: str) -> dict[str, Any]:
        return json.loads(self.run("report", pid, "--format", "json").stdout)

    def advance(self, pid: str, *, met: bool, override: str | None = None) -> Result:
        extra = ["--override", override] if override else []
        return self.run("advance", pid, *extra, code=0 if met or override else 3)

    def gate(self, pid: str) -> dict[str, dict[str, Any]]:
        """The current gate's criteria by key."""
        return {c["key"]: c for c in self.show(pid)["gate"]["criteria"]}


@pytest.fixture
def manager(tmp_path: Path) -> Manager:
    return Manager(tmp_path / "ws")


def through(manager: Manager, pid: str, archetype: str, stages: list[str]) -> None:
    """Answer and pass each stage in turn (each gate must be met)."""
    for stage in stages:
        manager.answer(pid, archetype, stage)
        manager.advance(pid, met=True)


# --------------------------------------------------------------------- archetypes


def test_mirror_fogger_never_passes_the_first_date(manager: Manager) -> None:
    """Broadline, credit-worthy, 20+ years, big — no niche, collecting lines, asking only
    about margin and exclusivity: part ways at the first date, for the niche."""
    pid = manager.add("Allround Handel GmbH", "dealer")
    manager.answer(pid, "mirror_fogger", "first-date")
    shown = manager.show(pid)
    b = shown["breakdown"]
    assert b["band"] == "Weak fit" and not b["provisional"]
    assert b["score"] < 50
    gate = manager.gate(pid)
    assert not gate["min_section:niche"]["met"]
    assert not gate["min_direction:they_fit_us"]["met"]
    assert gate["min_coverage"]["met"] and gate["required"]["met"]  # nothing is missing
    step = shown["next_step"]
    assert step.startswith("Part ways (score ")
    assert "Niche and coverage" in step and "niche of theirs in our target verticals" in step
    result = manager.advance(pid, met=False)
    assert "Next step: Part ways" in result.stderr
    assert "Answer the missing questions" not in result.stderr
    # size, age and a clean record earned nothing
    lines = {q["id"]: q for s in b["sections"] for q in s["questions"]}
    assert lines["employees"]["points"] is None and lines["years_trading"]["points"] is None
    assert lines["legal_standing"]["points"] is None
    report = manager.report(pid)
    flags = {f["question_id"]: f["status"] for f in report["red_flags"]}
    assert flags == {"competing_lines": "open", "their_questions": "open"}
    manager.run(
        "decline", pid, "--reason", "No niche of ours; collects lines; only asked about terms"
    )


def test_no_interest_in_us_is_just_friends_with_reasons(manager: Manager) -> None:
    """An established integrator that fits our niche but has no reason to add our line:
    strong on "they fit us", nothing on "we fit them": just friends, not a pass."""
    pid = manager.add("Corporate Integration AG", "integrator")
    manager.answer(pid, "no_interest", "first-date")
    b = manager.show(pid)["breakdown"]
    assert b["directions"]["they_fit_us"] >= 50
    assert b["directions"]["we_fit_them"] < 40
    gate = manager.gate(pid)
    assert gate["min_direction:they_fit_us"]["met"]
    assert not gate["min_direction:we_fit_them"]["met"]
    step = manager.show(pid)["next_step"]
    assert step.startswith("Just friends")
    assert "how well we can serve them" in step and "find a gap in their offer" in step
    manager.advance(pid, met=False)
    later = (date.today() + timedelta(days=180)).isoformat()  # a day still to come
    manager.run("hold", pid, "--reason", "No gap for our line today", "--recontact", later)
    assert manager.show(pid)["next_step"].startswith(f"Just friends: call again on {later}")


def test_specialist_passes_every_stage_and_is_reviewed_healthy(manager: Manager) -> None:
    pid = manager.add("Sommer Medientechnik", "integrator")
    stages = ["first-date", "getting-to-know", "going-steady", "engagement", "commitment"]
    bands = []
    for stage in stages:
        manager.answer(pid, "specialist", stage)
        shown = manager.show(pid)
        bands.append(shown["breakdown"]["band"])
        assert shown["gate"]["passed"], (stage, shown["gate"]["unmet"])
        manager.advance(pid, met=True)
    assert bands == [
        "Strong fit",
        "Strong fit",
        "Strong fit",
        "Ready to sign",
        "Onboarding complete",
    ]
    manager.run("review", pid)
    manager.answer(pid, "specialist", "review-1")
    report = manager.report(pid)
    assert [r["band"] for r in report["reviews"]] == ["Healthy"]
    assert not report["reviews"][0]["support_cost"]["flagged"]
    assert report["money"]["exceeds"] is False
    assert report["next_step"].startswith("Keep the relationship measured: next review due on")
    assert report["red_flags"] == []
    evidence = report["verdict"]["evidence"]
    assert evidence["our_records"] > 0.3 and evidence["observed"] > 0  # not "stated"
    sources = {
        a["question_id"]: a["source"]
        for i in report["interviews"]
        if i["kind"] == "review"
        for s in i["sections"]
        for a in s["answers"]
        if a["state"] == "answered"
    }
    assert sources["support_hours_month"] == "our_records"
    assert sources["our_satisfaction"] == "observed"
    assert sources["partner_satisfaction"] == "stated"


def test_big_distributor_is_never_ready_to_sign_with_open_red_flags(manager: Manager) -> None:
    """Carries our main competitor and asks for exclusivity on the first date: strong on
    paper at every stage, but the red flags travel and hold the commitment gate."""
    pid = manager.add("Nordic Distribution AB", "distributor")
    manager.answer(pid, "big_distributor", "first-date")
    report = manager.report(pid)
    assert {f["question_id"] for f in report["red_flags"]} == {"competing_lines", "their_questions"}
    assert any(r["kind"] == "red_flag" for r in report["risks"])
    manager.advance(pid, met=True)  # red flags do not hold the early gates
    # the distributor variant of getting to know, picked by the prospect's kind
    assert manager.show(pid)["question_set"]["id"] == "getting-to-know-distributor"
    through(manager, pid, "big_distributor", ["getting-to-know", "going-steady"])
    manager.answer(pid, "big_distributor", "engagement")
    shown = manager.show(pid)
    assert shown["breakdown"]["score"] >= 75
    assert shown["breakdown"]["band"] == "Sign with conditions"  # never "Ready to sign"
    gate = manager.gate(pid)
    assert not gate["red_flags"]["met"]
    assert set(gate["red_flags"]["questions"]) == {
        "first-date.competing_lines",
        "first-date.their_questions",
        "engagement.territory_terms",
    }
    assert shown["next_step"].startswith("Held at Engagement by 3 red flags")
    manager.advance(pid, met=False)
    # a stated settlement is not evidence: the flags stay open
    manager.run("answer", pid, "competing_line_plan", "separate_segments")
    assert manager.gate(pid)["red_flags"]["met"] is False
    flags = {f["question_id"]: f for f in manager.report(pid)["red_flags"]}
    assert flags["competing_lines"]["waiting_for"] == ["engagement.competing_line_plan"]
    # settled with evidence in the accepted draft: cleared, and ready to sign
    manager.answer(pid, "big_distributor", "engagement-settled")
    shown = manager.show(pid)
    assert shown["breakdown"]["band"] == "Ready to sign"
    assert shown["gate"]["passed"]
    flags = {f["question_id"]: f["status"] for f in manager.report(pid)["red_flags"]}
    assert flags == {"competing_lines": "cleared", "their_questions": "cleared"}
    manager.advance(pid, met=True)


def test_eager_small_partner_is_held_at_going_steady_on_cost_to_serve(manager: Manager) -> None:
    """Enthusiastic and in our niche, but 25 hours of support a month for a 40 k€ plan:
    "fits with trade-offs" does not pass; the cost in money against the margin does not."""
    pid = manager.add("Seeblick Medien", "dealer")
    through(manager, pid, "eager_small", ["first-date", "getting-to-know"])
    manager.answer(pid, "eager_small", "going-steady")
    shown = manager.show(pid)
    values = {
        q["id"]: q["value"]
        for s in shown["breakdown"]["sections"]
        for q in s["questions"]
        if q["answered"]
    }
    assert values["cost_to_serve"] == pytest.approx(39.3)
    assert values["margin_earned"] == pytest.approx(12.0)
    assert values["earnings_ratio"] < 1
    gate = manager.gate(pid)
    assert gate["require:0"]["met"] is False
    assert gate["required"]["met"] and gate["min_coverage"]["met"]
    step = shown["next_step"]
    assert step.startswith(
        "Hold at Going steady: it would cost 39.3 k€ a year to serve against 12 k€"
    )
    assert "reduce the support we would carry" in step
    result = manager.advance(pid, met=False)
    assert "Next step: Hold at Going steady" in result.stderr
    money = manager.report(pid)["money"]
    assert money["exceeds"] and money["cost_to_serve"] == "39.3 k€"


def test_costly_partner_goes_from_counselling_to_parting_ways(manager: Manager) -> None:
    """A partner that signed, then two reviews in a row below plan with heavy support:
    counselling with a plan and a date, then parting ways; the portfolio flags it and says
    since when; "grow" beside *At risk* is refused without a reason."""
    pid = manager.add("Schultechnik Ost", "dealer")
    stages = ["first-date", "getting-to-know", "going-steady", "engagement", "commitment"]
    through(manager, pid, "costly_partner", stages)
    manager.run("review", pid)
    manager.answer(pid, "costly_partner", "review-1")
    shown = manager.show(pid)
    assert shown["next_step"] == (
        "Counselling: follow the improvement plan and review again on 2027-04-15."
    )
    report = manager.report(pid)
    assert report["review"]["due_on"] == "2027-04-15"  # the plan's own date
    assert report["reviews"][0]["band"] == "At risk"
    assert report["reviews"][0]["support_cost"]["flagged"]
    # the next review: the first is kept, never overwritten
    assert "review 2 started" in manager.run("review", pid).stdout
    manager.answer(pid, "costly_partner", "review-2")
    refused = manager.run("answer", pid, "outcome", "grow", code=1)
    assert "contradicts the score" in refused.stderr and "At risk" in refused.stderr
    report = manager.report(pid)
    assert [r["number"] for r in report["reviews"]] == [1, 2]
    assert [r["outcome"] for r in report["reviews"]] == ["Fix: improvement plan"] * 2
    assert report["reviews"][0]["improvement_plan"].startswith("Certify two more technicians")
    assert report["reviews"][1]["score"] < report["reviews"][0]["score"]
    assert report["next_step"].startswith("Part ways: the improvement plan agreed on")
    assert report["reviews"][1]["support_cost"]["cost"] == "38.6 k€"
    portfolio = manager.run("report", "--portfolio", "--format", "md").stdout
    section = portfolio.split("## Partners who cost more support than they bring")[1]
    assert "Schultechnik Ost" in section.split("##")[0]
    since = report["reviews"][0]["at"][:10]
    assert since in section.split("##")[0]  # since the first flagged review
    # "grow" with a reason is accepted, and the step says why the score disagrees
    manager.run(
        "answer", pid, "outcome", "grow", "--note", "New director, three tenders won last week"
    )
    assert manager.report(pid)["reviews"][1]["outcome_reason"].startswith("New director")


def test_a_review_cannot_be_left_unfinished_or_start_before_commitment(manager: Manager) -> None:
    pid = manager.add("Schultechnik Ost", "dealer")
    refused = manager.run("review", pid, code=1)
    assert "only committed partners are reviewed" in refused.stderr
    stages = ["first-date", "getting-to-know", "going-steady", "engagement", "commitment"]
    through(manager, pid, "costly_partner", stages)
    manager.run("review", pid)
    assert "is open already" in manager.run("review", pid).stdout
    manager.run("answer", pid, "revenue_vs_plan", "90")
    refused = manager.run("review", pid, code=1)
    assert "finish the current review first" in refused.stderr


def test_thin_evidence_gives_no_verdict(manager: Manager) -> None:
    """Three answers of fifteen are not a "Strong fit": the score is provisional."""
    pid = manager.add("Seeblick Medien", "dealer")
    result = manager.run("answer", pid, "why_interested", "portfolio_gap")
    manager.run("answer", pid, "main_vertical", "hospitality")
    result = manager.run("answer", pid, "portfolio_gap", "5")
    assert "provisional" in result.stdout and "3 of " in result.stdout
    b = manager.show(pid)["breakdown"]
    assert b["band"] is None and b["provisional"] is True
    report = manager.report(pid)
    assert report["verdict"]["band"] is None and report["verdict"]["provisional"] is True
    gate = manager.gate(pid)
    assert not gate["verdict_coverage"]["met"]
    rows = json.loads(manager.run("prospect", "list", "--json").stdout)
    assert rows[0]["band"] is None and rows[0]["provisional"] is True
    listing = manager.run("prospect", "list").stdout
    assert "provisional" in listing


def test_agenda_follows_the_conversation_by_default(manager: Manager) -> None:
    pid = manager.add("Seeblick Medien", "dealer")
    manager.run("answer", pid, "partner_type", "stocking_dealer")
    order = [
        i["question"]
        for i in json.loads(manager.run("agenda", pid, "--format", "json").stdout)["items"]
    ]
    assert order.index("business_model") < order.index("legal_standing")
    assert order[0] == "business_model"  # the deal-breakers come late, as in the set
    gate = [
        i["question"]
        for i in json.loads(
            manager.run("agenda", pid, "--order", "gate", "--format", "json").stdout
        )["items"]
    ]
    assert gate.index("legal_standing") < gate.index("next_step_detail")


def test_a_knock_out_at_review_is_counselling_or_parting_ways(manager: Manager) -> None:
    """Marketplace discounting at review: never "keep the relationship measured"."""
    pid = manager.add("Sommer Medientechnik", "integrator")
    stages = ["first-date", "getting-to-know", "going-steady", "engagement", "commitment"]
    through(manager, pid, "specialist", stages)
    manager.run("review", pid)
    manager.answer(pid, "specialist", "review-1")
    assert manager.show(pid)["next_step"].startswith("Keep the relationship measured")
    manager.run("review", pid)
    manager.answer(pid, "specialist", "review-breach")
    step = manager.show(pid)["next_step"]
    assert step.startswith("Part ways, or counselling at the very most")
    assert "Serious breach of the agreement" in step
    report = manager.report(pid)
    assert [r["knocked_out"] for r in report["reviews"]] == [False, True]


def test_a_german_specialist_is_asked_and_reported_in_german_at_every_stage(
    manager: Manager,
) -> None:
    """Every bundled set speaks German: a prospect whose language is German is reported
    with each stage's questions, options and bands in German, from the first date to the
    review, and scores exactly as in English."""
    from qualify.core.questionnaire import load_catalog
    from qualify.core.questionnaire.texts import localize

    added = ["--territory", "Nord", "--kind", "integrator"]
    german = manager.run("prospect", "add", "Sommer Medientechnik", *added, "--language", "de")
    pid = german.stdout.strip()
    english = manager.add("Summer Media", "integrator")
    # the gate quotes the questions still open the German way
    shown = manager.run("prospect", "show", pid).stdout
    assert "„Wie würden Sie Ihr Geschäft beschreiben?“" in shown and "”" not in shown
    stages = ["first-date", "getting-to-know", "going-steady", "engagement", "commitment"]
    for prospect in (pid, english):
        through(manager, prospect, "specialist", stages)
        manager.run("review", prospect)
        manager.answer(prospect, "specialist", "review-1")
    report = manager.run("report", pid).stdout
    catalog = load_catalog(BUNDLED)
    for set_id in (*stages, "relationship-review"):
        question_set = catalog.question_sets[set_id]
        in_german = localize(question_set, "de", question_set.language)
        shown = 0
        for qid, question in question_set.questions.items():
            text, german_text = question.text, in_german.questions[qid].text
            assert german_text != text, (set_id, qid, "no German text")
            assert text not in report, (set_id, qid, "English in the German report")
            shown += german_text in report
        assert shown >= len(question_set.questions) // 2, (set_id, shown)
    for band in ("Passt gut", "Bereit zur Unterschrift", "Einarbeitung abgeschlossen", "Gesund"):
        assert band in report, band
    assert "”" not in report  # the English closing quotation mark
    scores = [[i["score"] for i in manager.report(p)["interviews"]] for p in (pid, english)]
    assert scores[0] == scores[1]
