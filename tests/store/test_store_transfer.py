"""Export and import: round trips, idempotence, merging two managers, conflicts, CSV safety."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from storekit import T0, answer, make_interview, make_prospect

from qualify.core.questionnaire import QuestionSet, content_hash
from qualify.core.records import HistoryEntry, ProspectStatus
from qualify.core.words import csv_text
from qualify.store import StoreError
from qualify.store.transfer import (
    CSV_COLUMNS,
    export_workspace,
    import_workspace,
)
from qualify.store.workspace import Workspace

TRANSFER_SET = {
    "id": "discovery-set",
    "title": "Discovery",
    "version": 1,
    "sections": [
        {
            "id": "s",
            "title": "S",
            "questions": [
                {"id": "budget", "text": "Budget?", "type": "number"},
                {
                    "id": "fit",
                    "text": "Fit?",
                    "type": "multi",
                    "options": [{"value": "a"}, {"value": "b"}],
                },
                {"id": "team", "text": "Team?", "type": "scale"},
                {"id": "region", "text": "Region?", "type": "text"},
                {"id": "founded", "text": "Founded?", "type": "date"},
            ],
        },
        {
            "id": "refs",
            "title": "References",
            "repeat": {"min": 0, "max": 3},
            "questions": [
                {"id": "ref_company", "text": "Company?", "type": "text"},
                {
                    "id": "ref_outcome",
                    "text": "Outcome?",
                    "type": "choice",
                    "options": [{"value": "confirm"}, {"value": "mixed"}],
                },
            ],
        },
    ],
}
"""What the interviews below were asked with: an import checks every answer against it."""
TRANSFER_HASH = content_hash(QuestionSet.model_validate(TRANSFER_SET))


def _interview(pid: str, **kw: object):
    return make_interview(pid, questionnaire_hash=TRANSFER_HASH, **kw)


def _fill(ws: Workspace, name: str, pid: str, by: str) -> tuple[str, str]:
    ws.put_snapshot(TRANSFER_HASH, TRANSFER_SET)
    prospect = ws.add_prospect(make_prospect(name, id=pid, territory="North"), by=by)
    interview = ws.add_interview(_interview(prospect.id, id=f"{pid}-iv", interviewer=by))
    ws.record_answers(
        interview.id,
        [answer("budget", 5000, by=by), answer("fit", ["a", "b"], by=by, note="ok")],
    )
    ws.append_history(
        HistoryEntry(prospect_id=pid, action="review", at=T0 + timedelta(days=2), by=by)
    )
    return prospect.id, interview.id


def _state(ws: Workspace) -> dict[str, object]:
    """Everything the workspace holds, for before/after comparisons."""
    return {pid: ws.read_prospect(pid) for pid in ws.prospect_ids()}


def test_json_round_trip_keeps_everything(tmp_path: Path) -> None:
    source = Workspace(tmp_path / "a")
    pid, _ = _fill(source, "Alpha", "aaaa00000001", "ann")
    _fill(source, "Beta", "bbbb00000002", "ann")
    out = tmp_path / "export.json"
    assert export_workspace(source, out) == 2

    doc = orjson.loads(out.read_bytes())
    assert (doc["format"], doc["version"]) == ("qualify-export", 1)
    assert [p["prospect"]["id"] for p in doc["prospects"]] == ["aaaa00000001", "bbbb00000002"]
    assert set(doc["snapshots"]) == {TRANSFER_HASH}

    target = Workspace(tmp_path / "b")
    report = import_workspace(target, out)
    assert (report.added, report.updated, report.unchanged, report.conflicts) == (2, 0, 0, [])
    assert _state(target) == _state(source)
    assert target.list_prospects() == source.list_prospects()
    assert target.get_snapshot(TRANSFER_HASH) == source.get_snapshot(TRANSFER_HASH)
    assert target.get_interview(f"{pid}-iv") == source.get_interview(f"{pid}-iv")


def test_export_a_subset_by_prefix(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "a")
    _fill(ws, "Alpha", "aaaa00000001", "ann")
    _fill(ws, "Beta", "bbbb00000002", "ann")
    out = tmp_path / "one.json"
    assert export_workspace(ws, out, prospect_ids=["bbbb"]) == 1
    assert [p["prospect"]["name"] for p in orjson.loads(out.read_bytes())["prospects"]] == ["Beta"]


def test_importing_the_same_export_twice_changes_nothing(tmp_path: Path) -> None:
    source = Workspace(tmp_path / "a")
    _fill(source, "Alpha", "aaaa00000001", "ann")
    out = tmp_path / "export.json"
    export_workspace(source, out)
    target = Workspace(tmp_path / "b")
    import_workspace(target, out)
    before = {p: p.read_bytes() for p in (tmp_path / "b").rglob("*.json")}
    report = import_workspace(target, out)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert {p: p.read_bytes() for p in (tmp_path / "b").rglob("*.json")} == before
    # …and importing a workspace's own export into itself changes nothing either.
    assert import_workspace(source, out).unchanged == 1


def test_two_managers_exports_merge_and_conflicts_are_kept(tmp_path: Path) -> None:
    # Both managers start from the same prospect, then work on it separately.
    ann = Workspace(tmp_path / "ann")
    pid, iid = _fill(ann, "Shared", "cccc00000003", "ann")
    common = tmp_path / "common.json"
    export_workspace(ann, common)
    bob = Workspace(tmp_path / "bob")
    import_workspace(bob, common)
    _fill(bob, "Bob's own", "dddd00000004", "bob")
    ann.record_answers(iid, [answer("team", 4, by="ann", minutes=5)])
    bob.record_answers(iid, [answer("budget", 9000, by="bob", minutes=7)])  # differs from ann
    bob.record_answers(iid, [answer("region", "south", by="bob")])
    held = bob.get_prospect(pid).model_copy(update={"status": ProspectStatus.on_hold})
    bob.move_prospect(
        held,
        HistoryEntry(prospect_id=pid, action="hold", reason="summer", by="bob"),
        expected_stage=held.stage,
        expected_status=ProspectStatus.active,
    )
    ann_file, bob_file = tmp_path / "ann.json", tmp_path / "bob.json"
    export_workspace(ann, ann_file)
    export_workspace(bob, bob_file)

    merged = Workspace(tmp_path / "lead")
    first = import_workspace(merged, ann_file)
    assert (first.added, first.conflicts) == (1, [])
    second = import_workspace(merged, bob_file)
    assert (second.added, second.updated, second.unchanged) == (1, 1, 0)

    [conflict] = second.conflicts
    assert (conflict.prospect_id, conflict.interview_id, conflict.question_id) == (
        pid,
        iid,
        "budget",
    )
    assert (conflict.kept["value"], conflict.kept["by"]) == (5000, "ann")
    assert (conflict.other["value"], conflict.other["by"]) == (9000, "bob")
    line = conflict.describe()
    assert "5000" in line and "9000" in line and "ann" in line and "bob" in line
    assert "\n" not in line

    answers = merged.get_interview(iid).answers
    assert answers["budget"].value == 5000  # the local answer stays
    assert {"team", "region", "fit"} <= set(answers)  # both sides' other answers united
    history = merged.history(pid)
    [edit] = [h for h in history if h.action == "edit"]
    assert edit.details["conflict"]["other"]["value"] == 9000  # nothing dropped
    assert edit.details["conflict"]["kept"]["value"] == 5000
    assert [h.action for h in history].count("hold") == 1
    assert len({h.id for h in history}) == len(history)
    assert {r.id for r in merged.list_prospects()} == {pid, "dddd00000004"}

    again = import_workspace(merged, bob_file)  # idempotent, conflicts still reported
    assert (again.updated, again.unchanged) == (0, 2)
    assert [c.already_recorded for c in again.conflicts] == [True]
    assert "1 already recorded" in again.summary()


def test_csv_export_neutralises_formulas_and_has_a_bom(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "a")
    prospect = ws.add_prospect(make_prospect('=HYPERLINK("http://evil")', territory="+North"))
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(
        interview.id,
        [
            answer("a1", "@SUM(A1:A9)"),
            answer("a2", -12),
            answer("a3", "-2+3+cmd|' /C calc'!A0"),
            answer("a4", ["x", "y"], note="\tTab"),
            answer("a5", True, by="Zoë"),
            answer("a6", "\rcarriage"),
        ],
    )
    out = tmp_path / "answers.csv"
    export_workspace(ws, out, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    by_q = {r["question_id"]: r for r in rows}
    assert by_q["a1"]["prospect"] == '\'=HYPERLINK("http://evil")'
    assert by_q["a1"]["territory"] == "'+North"
    assert by_q["a1"]["value"] == "'@SUM(A1:A9)"
    assert by_q["a2"]["value"] == "-12"  # a plain number stays a number
    assert by_q["a3"]["value"].startswith("'-2+3")
    assert by_q["a4"]["value"] == "x; y" and by_q["a4"]["note"] == "'\tTab"
    assert by_q["a5"]["value"] == "yes" and by_q["a5"]["by"] == "Zoë"
    assert by_q["a6"]["value"] == "\\x0dcarriage"  # shown as text, never a line break
    for row in rows:
        for cell in row.values():
            assert not cell or cell[0] not in "=+@\t\r" or cell.startswith("'")
    assert csv_text("1e5") == "1e5" and csv_text("=1") == "'=1"
    assert csv_text(" =1") == "' =1" and csv_text("＝1") == "'＝1"


def test_csv_cannot_be_imported(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "a")
    _fill(ws, "Alpha", "aaaa00000001", "ann")
    out = tmp_path / "answers.csv"
    export_workspace(ws, out, "csv")
    with pytest.raises(StoreError, match="only JSON exports can be imported"):
        import_workspace(ws, out)
    renamed = tmp_path / "answers.txt"
    out.rename(renamed)
    with pytest.raises(StoreError, match="only JSON exports can be imported"):
        import_workspace(ws, renamed)


def test_bad_exports_are_refused_before_anything_changes(tmp_path: Path) -> None:
    source = Workspace(tmp_path / "a")
    _fill(source, "Alpha", "aaaa00000001", "ann")
    _fill(source, "Beta", "bbbb00000002", "ann")
    good = tmp_path / "good.json"
    export_workspace(source, good)
    doc = orjson.loads(good.read_bytes())
    target = Workspace(tmp_path / "b")

    cases = {
        "not-json.json": (b"{nope", "invalid JSON"),
        "other.json": (b'{"hello": 1}', "not a qualify export"),
        "future.json": (orjson.dumps({**doc, "version": 9}), "export version 9 is newer"),
    }
    broken = orjson.loads(good.read_bytes())
    broken["prospects"][1]["interviews"][0]["answers"]["budget"]["state"] = "bogus"
    cases["invalid.json"] = (
        orjson.dumps(broken),
        r"prospects\[1\]\.interviews\[0\]\.answers\.budget\.state: 'bogus' is not allowed; "
        r"expected 'answered', 'unknown' or 'declined'",
    )
    evil = orjson.loads(good.read_bytes())
    evil["prospects"][0]["prospect"]["id"] = "../../etc"
    cases["evil.json"] = (orjson.dumps(evil), "cannot be stored")
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(StoreError, match=message):
            import_workspace(target, path)
        assert target.prospect_ids() == []


# ------------------------------------------------------------------ CLI


def test_cli_export_and_import(tmp_path: Path) -> None:
    from qualify.cli import main

    ws = Workspace(tmp_path / "a")
    _fill(ws, "Alpha", "aaaa00000001", "ann")
    runner = CliRunner()
    out = tmp_path / "x.json"
    base = ["--data-dir", str(tmp_path / "a")]
    result = runner.invoke(main, [*base, "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 1 prospect(s)" in result.output

    result = runner.invoke(main, [*base, "export", "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists; use --force" in result.output

    result = runner.invoke(main, [*base, "export", "--format", "csv", "-o", str(out), "--force"])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")

    result = runner.invoke(main, [*base, "import", str(out)])
    assert result.exit_code == 1
    assert "qualify: error:" in result.output and "only JSON" in result.output

    json_out = tmp_path / "y.json"
    runner.invoke(main, [*base, "export", "--prospect", "aaaa", "-o", str(json_out)])
    other = Workspace(tmp_path / "b")
    _, iid = _fill(other, "Alpha", "aaaa00000001", "bob")
    other.record_answers(iid, [answer("budget", 1, by="bob")])
    result = runner.invoke(main, ["--data-dir", str(tmp_path / "b"), "import", str(json_out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("0 added, 1 updated, 0 unchanged; 1 conflict(s)")
    assert lines[1].startswith("  conflict: Alpha (aaaa00000001) discovery/budget: kept 1 by bob")
    german = runner.invoke(
        main, ["--lang", "de", "--data-dir", str(tmp_path / "b"), "import", str(json_out)]
    )
    said = german.output.splitlines()[1]  # the same conflict, said in German
    assert said.startswith("  Konflikt: Alpha (aaaa00000001) discovery/budget: behalten 1 von bob")
    assert "andere Seite" in said and " by " not in said and "kept" not in said

    result = runner.invoke(main, [*base, "export", "--prospect", "zz", "-o", str(tmp_path / "z")])
    assert result.exit_code == 1 and "no prospect id starts with 'zz'" in result.output
    assert not (tmp_path / "z").exists()


def test_repeated_and_dated_answers_round_trip_unchanged(tmp_path: Path) -> None:
    """A repeated section's answers (`refs[1].name`) and date answers survive the store's
    JSON, an export and an import exactly as given."""
    source = Workspace(tmp_path / "a")
    prospect = source.add_prospect(make_prospect("Refs", id="cccc00000003"), by="ann")
    interview = source.add_interview(_interview(prospect.id, id="cccc-iv"))
    source.put_snapshot(TRANSFER_HASH, TRANSFER_SET)
    given = [
        answer("founded", "2015-03-01", by="ann"),
        answer("refs[0].ref_company", "Acme", by="ann"),
        answer("refs[1].ref_outcome", "mixed", by="ann", note="called the owner"),
    ]
    source.record_answers(interview.id, given)
    out = tmp_path / "export.json"
    export_workspace(source, out)
    target = Workspace(tmp_path / "b")
    import_workspace(target, out)
    back = target.get_interview("cccc-iv").answers
    assert {k: (a.value, a.note) for k, a in back.items()} == {
        "founded": ("2015-03-01", ""),
        "refs[0].ref_company": ("Acme", ""),
        "refs[1].ref_outcome": ("mixed", "called the owner"),
    }
    assert Workspace(tmp_path / "a").get_interview("cccc-iv") == target.get_interview("cccc-iv")
