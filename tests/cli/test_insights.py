"""agenda, rescore and compare as a user runs them, on the mini question sets."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from support import bumped_sets, qualify_cli

from qualify.workflow import insights as workflow_insights
from qualify.workflow.qualifier import Qualifier

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    target = tmp_path / "sets"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture
def run(tmp_path: Path, sets: Path):

    def invoke(*args: str):
        return qualify_cli(tmp_path / "ws", *args, questionnaires=sets)

    return invoke


@contextmanager
def newer_sets_on_a_demo(tmp_path: Path, prospects: int) -> Iterator[Qualifier]:
    """A demo workspace of the bundled sets, read with a copy of them one version newer
    that scores differently: every interview is a re-score candidate."""
    from qualify.core.questionnaire import load_catalog
    from qualify.store import open_store

    bundled = Path(__file__).resolve().parents[2] / "questionnaires"
    ws, sets = tmp_path / "ws", tmp_path / "sets"
    made = qualify_cli(ws, "demo", "--prospects", str(prospects), questionnaires=bundled)
    assert made.exit_code == 0, made.output
    bumped_sets(bundled, sets)
    store = open_store(ws)
    try:
        yield Qualifier(store, load_catalog(sets))
    finally:
        store.close()


def add(run, name: str, answers: str = "") -> str:
    pid = run("prospect", "add", name).stdout.strip()
    for line in answers.splitlines():
        question, value = line.split("=")
        result = run("answer", pid, question, value)
        assert result.exit_code == 0, result.output
    return pid


def test_agenda_orders_gate_blockers_first(run) -> None:
    pid = add(run, "Atlas AV", "reps=3")
    result = run("agenda", pid, "--format", "json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert [i["question"] for i in items] == ["company_type", "needs_training", "notes"]
    assert items[0]["blocks_gate"] and items[0]["could_knock_out"]
    text = run("agenda", pid).stdout
    assert "1. What kind of company are you? [gate, deal-breaker?]" in text
    md = run("agenda", pid, "--format", "md").stdout
    assert md.startswith("# Agenda: Atlas AV — First date")


def test_unknown_answers_return_on_the_agenda(run, tmp_path: Path) -> None:
    pid = add(run, "Atlas AV", "company_type=dealer")
    answers = tmp_path / "a.yaml"
    answers.write_text("reps: {state: unknown, note: ask the owner}\n", "utf-8")
    assert run("answer", pid, "--from", str(answers)).exit_code == 0
    items = json.loads(run("agenda", pid, "--format", "json").stdout)["items"]
    reps = next(i for i in items if i["question"] == "reps")
    assert (reps["kind"], reps["note"]) == ("ask_again", "ask the owner")


def test_rescore_dry_run_then_recorded(run, sets: Path) -> None:
    pid = add(run, "Atlas AV", "company_type=integrator\nreps=6\nneeds_training=no")
    before = json.loads(run("prospect", "show", pid, "--json").stdout)["breakdown"]["score"]
    assert run("rescore", "--dry-run").stdout.startswith("Every interview was taken")

    path = sets / "mini-first.yaml"
    original = path.read_text("utf-8")
    # Only the wording (and the version number): every score stays, nothing to re-score.
    path.write_text(
        original.replace("version: 1", "version: 2").replace(
            "label: Integrator, score: 2", "label: System integrator, score: 2"
        ),
        "utf-8",
    )
    wording = run("rescore", "--dry-run")
    assert "only the wording changed): nothing to re-score" in wording.stdout
    assert json.loads(run("rescore", "--json").stdout) == []

    text = original.replace("version: 1", "version: 2")
    text = text.replace(
        "{value: integrator, label: Integrator, score: 2}",
        "{value: integrator, label: Integrator, score: 4}",
    )
    path.write_text(text, "utf-8")

    dry = run("rescore", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "mini-first v1 → v2" in dry.stdout
    assert "company_type: option 'integrator' re-scored 2 → 4" in dry.stdout
    assert "would record 1 re-score(s)" in dry.stdout
    history = json.loads(run("prospect", "show", pid, "--json").stdout)["history"]
    assert [h["action"] for h in history] == ["created"]

    done = json.loads(run("rescore", "--json").stdout)
    assert done[0]["old"]["score"] == pytest.approx(before)
    assert done[0]["new"]["score"] > before
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert [h["action"] for h in shown["history"]] == ["created", "rescore"]
    # the interview still scores as it was taken
    assert shown["breakdown"]["score"] == pytest.approx(before)

    # Running it again records nothing new: the re-score is already in the history.
    again = run("rescore")
    assert again.exit_code == 0, again.output
    assert "[already recorded]" in again.stdout
    assert "recorded 0 re-score(s); 1 already in the history" in again.stdout
    assert json.loads(run("rescore", "--json").stdout)[0]["already_recorded"] is True
    history = json.loads(run("prospect", "show", pid, "--json").stdout)["history"]
    assert [h["action"] for h in history] == ["created", "rescore"]

    # Another edit of the set is a new version: that re-score is due again.
    path.write_text(path.read_text("utf-8").replace("version: 2", "version: 3"), "utf-8")
    assert "recorded 1 re-score(s)" in run("rescore").stdout
    history = json.loads(run("prospect", "show", pid, "--json").stdout)["history"]
    assert [h["action"] for h in history] == ["created", "rescore", "rescore"]


def test_rescore_of_a_portfolio_matches_each_interview_rescored_alone(tmp_path: Path) -> None:
    """Streamed, with each old score taken from the prospect's interviews scored in order
    and each answer checked once per set: the same figures as re-scoring every interview
    on its own; the command prints them as it always did."""
    from qualify.core.assess import earlier_values, scored_interviews
    from qualify.core.rescore import rescore
    from qualify.workflow.qualifier import answer_values, today

    with newer_sets_on_a_demo(tmp_path, 30) as q:
        store = q.store
        found = workflow_insights.rescore_candidates(q)
        day = today()
        reading = 0
        for c in found:
            records = store.read_prospect(c.prospect.id)
            old = q.snapshot(c.interview)
            new = q.catalog.question_sets[c.interview.questionnaire_id]
            earlier = {}
            if old.other_sets or new.other_sets:
                reading += 1
                scored = scored_interviews(records, q.snapshots_of(records), day)
                earlier = earlier_values(scored, c.interview.id, exclude=new.id)
            alone = rescore(old, new, answer_values(c.interview), earlier=earlier, today=day)
            assert c.result.to_dict() == alone.to_dict()
            for mine, theirs in ((c.result.old, alone.old), (c.result.new, alone.new)):
                assert [s.score for s in mine.sections] == [s.score for s in theirs.sections]
                assert mine.values == theirs.values
    assert len(found) > 30 and 0 < reading < len(found)  # both kinds of set

    ws, sets = tmp_path / "ws", tmp_path / "sets"  # (newer_sets_on_a_demo's)
    printed = qualify_cli(ws, "rescore", "--dry-run", "--json", questionnaires=sets).stdout
    items = json.loads(printed)
    assert len(items) == len(found)
    assert printed == orjson.dumps(items, option=orjson.OPT_INDENT_2).decode() + "\n"
    text = qualify_cli(ws, "rescore", "--dry-run", questionnaires=sets).stdout.splitlines()
    assert sum(" → v" in line for line in text) == len(found)
    assert text[-1] == f"would record {len(found)} re-score(s)"


def test_two_runs_at_once_record_each_rescore_once(tmp_path: Path) -> None:
    """Two `qualify rescore` at once (two laptops' syncs, two terminals): each had read
    the history before the other wrote its re-scores. Whether one is already recorded is
    decided under the store's lock, so every interview is re-scored in the history once."""
    from qualify.core.questionnaire import load_catalog
    from qualify.store import open_store
    from qualify.workflow.qualifier import Qualifier

    bundled = Path(__file__).resolve().parents[2] / "questionnaires"
    ws, sets = tmp_path / "ws", tmp_path / "sets"
    assert qualify_cli(ws, "demo", "--prospects", "8", questionnaires=bundled).exit_code == 0
    bumped_sets(bundled, sets)
    first, second = open_store(ws), open_store(ws)
    try:
        catalog = load_catalog(sets)
        mine, theirs = Qualifier(first, catalog), Qualifier(second, catalog)
        found = workflow_insights.rescore_candidates(theirs)
        before = {c.prospect.id: second.history(c.prospect.id) for c in found}
        for c in workflow_insights.rescore_candidates(mine):
            workflow_insights.record_rescore(mine, c.prospect, c.interview, c.result)
        # the other run goes on with what it read before: a stale history
        second.history = lambda pid: before[pid]  # type: ignore[method-assign]
        again = [
            workflow_insights.record_rescore(theirs, c.prospect, c.interview, c.result)
            for c in found
            if not c.recorded
        ]
        assert len(again) == len(found) > 0
        entries = [
            h
            for pid in {c.prospect.id for c in found}
            for h in first.read_prospect(pid).history
            if h.action == "rescore"
        ]
        assert len(entries) == len(found)  # one each, none twice
        assert {r.entry.id for r in again} == {h.id for h in entries}  # the ones kept, returned
        assert not any(r.written for r in again)  # and said to be written by the other run
    finally:
        first.close()
        second.close()


def test_rescores_recorded_together_are_each_recorded_once(tmp_path: Path) -> None:
    """`qualify rescore` writes a run's re-scores together, one write per prospect: a
    prospect's several interviews each get their entry, and a second run from the same
    stale reads (another terminal at once) writes none of them again."""
    with newer_sets_on_a_demo(tmp_path, 8) as q:
        store = q.store
        found = workflow_insights.rescore_candidates(q)
        picked = [(c.prospect, c.interview, c.result) for c in found]
        per_prospect = {
            c.prospect.id: sum(d.prospect.id == c.prospect.id for d in found) for c in found
        }
        assert max(per_prospect.values()) > 1  # a prospect with several to record
        assert workflow_insights.record_rescores(q, picked) == len(found)
        assert workflow_insights.record_rescores(q, picked) == 0
        for pid, count in per_prospect.items():
            entries = [h for h in store.read_prospect(pid).history if h.action == "rescore"]
            assert len(entries) == count
            assert {h.details["interview"] for h in entries} == {
                c.interview.id for c in found if c.prospect.id == pid
            }
        assert all(c.recorded for c in workflow_insights.rescore_candidates(q))


def test_rescore_json_of_nothing_is_an_empty_list(run) -> None:
    add(run, "Atlas AV", "company_type=integrator")
    assert run("rescore", "--dry-run", "--json").stdout == "[]\n"


def test_compare_two_prospects_and_an_ideal_file(run, tmp_path: Path) -> None:
    a = add(run, "Atlas AV", "company_type=integrator\nreps=1\nneeds_training=no")
    b = add(run, "Baltic AV", "company_type=dealer\nreps=6\nneeds_training=no")
    out = json.loads(run("compare", a, b, "--json").stdout)[0]
    # reps costs 33 points (0 vs 4 of 4), company_type 17 (2 vs 4): biggest first
    assert [x["question"] for x in out["answers"]] == ["reps", "company_type"]
    assert out["answers"][0]["impact"] < 0

    ideal = tmp_path / "ideal.yaml"
    ideal.write_text("company_type: dealer\nreps: 10\nneeds_training: false\n", "utf-8")
    text = run("compare", a, "--ideal", str(ideal)).stdout
    assert "vs ideal partner 100.0" in text

    ideal.write_text("reps: lots\n", "utf-8")
    bad = run("compare", a, "--ideal", str(ideal))
    assert bad.exit_code == 1 and f"{ideal}:1:7: reps: expected a number" in bad.stderr


def test_compare_needs_a_second_side(run) -> None:
    a = add(run, "Atlas AV")
    result = run("compare", a)
    assert result.exit_code == 2
    result = run("compare", a, "--ideal")
    assert result.exit_code == 1 and "no ideal profile" in result.stderr


def test_agenda_and_rescore_appear_in_the_report(run, sets: Path) -> None:
    pid = add(run, "Atlas AV", "company_type=integrator\nreps=6")
    md = run("report", pid, "--format", "md").stdout
    assert "### Agenda for the next meeting" in md
    assert "1. Will they need much training?" in md
    path = sets / "mini-first.yaml"
    text = path.read_text("utf-8").replace("version: 1", "version: 2")
    path.write_text(text.replace("label: Integrator, score: 2", "label: Integrator, score: 4"))
    assert run("rescore").exit_code == 0
    md = run("report", pid, "--format", "md").stdout
    assert "mini-first v1 → v2 — score 75.0 Strong fit → 100.0 Strong fit" in md
    data = json.loads(run("report", pid, "--format", "json").stdout)
    assert [i["question"] for i in data["agenda"]] == ["needs_training", "notes"]


def test_report_compares_with_the_best_committed_partners(run) -> None:
    for name, reps in (("Best AV", "8"), ("Good AV", "6")):
        pid = add(run, name, f"company_type=dealer\nreps={reps}\nneeds_training=no")
        assert run("advance", pid).exit_code == 0
        assert run("answer", pid, "signed", "yes").exit_code == 0
    pid = add(run, "New AV", "company_type=integrator\nreps=1")
    md = run("report", pid, "--format", "md").stdout
    assert "## Compared with your 2 best committed partners" in md
    assert "- How many sales reps?: 1 people vs 7 people (-33.3 points)" in md
    data = json.loads(run("report", pid, "--format", "json").stdout)
    assert data["comparison"]["ideal_score"] == 100
    assert [g["question"] for g in data["comparison"]["gaps"]] == ["reps", "company_type"]


def test_validate_one_file_reports_lint_warnings(run, tmp_path: Path) -> None:
    path = tmp_path / "nohelp.yaml"
    path.write_text(
        "id: t\ntitle: T\nversion: 1\nsections:\n  - id: s\n    title: S\n"
        "    questions:\n      - {id: q, text: Q, type: text}\n",
        "utf-8",
    )
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert f"{path}:8:14: warning: question 'q' has no help text" in result.stdout
    assert "0 error(s), 1 warning(s)" in result.stdout
    assert run("validate", "--strict", str(path)).exit_code == 1
