"""Imports trust nothing: the rules of qualify.store.vetting, on the store API.

The corpus (tests/hostile/exports, checked by tests/test_hostile_corpus.py) holds one
file per attack; here are the rules that need a workspace in a given state: merges,
list rows, a refused file changing nothing, the file's facts newer than its moves.
"""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest

from qualify.core.questionnaire import load_catalog
from qualify.core.records import HistoryEntry, ProspectStatus
from qualify.store import StoreError
from qualify.store.transfer import Rules, import_bytes, import_workspace
from qualify.store.vetting import replay
from qualify.store.workspace import Workspace

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "hostile" / "export-base.json"
MINI = HERE.parent / "cli" / "fixtures" / "mini"
CATALOG = load_catalog(MINI)
RULES = Rules(CATALOG.pipeline, CATALOG.question_sets)


def _base() -> dict:
    return orjson.loads(BASE.read_bytes())


def _import(ws: Workspace, doc: dict, name: str = "x.json"):
    return import_bytes(ws, orjson.dumps(doc), name, rules=RULES)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.json")}


def test_list_rows_are_computed_never_taken_from_the_file(tmp_path: Path) -> None:
    doc = _base()
    for item in doc["prospects"]:
        item["summary"].update(score=100.0, band="Strong fit", stage="commitment")
    ws = Workspace(tmp_path / "ws")
    _import(ws, doc)
    rows = {r.id: r for r in ws.list_prospects()}
    for item in doc["prospects"]:
        pid = item["prospect"]["id"]
        records = ws.read_prospect(pid)
        assert rows[pid] == ws.list_row(records)
        assert rows[pid].stage == item["prospect"]["stage"]
    assert rows["bbbb00000002"].score != 100.0


def test_a_refused_merge_changes_nothing_even_after_good_prospects(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    _import(ws, _base())
    doc = _base()
    doc["prospects"][0]["prospect"].update(name="Renamed", updated_at="2026-03-04T10:00:00Z")
    doc["prospects"].append(copy.deepcopy(doc["prospects"][0]))
    doc["prospects"][-1]["prospect"].update(id="dddd00000004", name="New one")
    doc["prospects"][-1]["interviews"] = []
    doc["prospects"][-1]["history"] = [
        {**doc["prospects"][0]["history"][0], "id": "d-h0", "prospect_id": "dddd00000004"}
    ]
    doc["prospects"][1]["prospect"].update(stage="commitment", status="committed")
    before = _files(ws.root)
    with pytest.raises(StoreError, match=r"prospects\[1\] Beta Systems .*history leads to"):
        _import(ws, doc)
    assert _files(ws.root) == before


def test_an_unreadable_local_prospect_refuses_the_file_before_anything_is_written(
    tmp_path: Path,
) -> None:
    ws = Workspace(tmp_path / "ws")
    _import(ws, _base())
    ws.prospect_path("cccc00000003").write_bytes(b"{oops")
    doc = _base()
    doc["prospects"][0]["prospect"].update(name="Renamed", updated_at="2026-03-04T10:00:00Z")
    before = _files(ws.root)
    with pytest.raises(StoreError, match=r"Gamma AV .* is unreadable .*qualify doctor"):
        _import(ws, doc)
    assert _files(ws.root) == before


def test_newer_facts_with_older_moves_keep_the_stage_the_history_leads_to(
    tmp_path: Path,
) -> None:
    """Exported before a move made here, edited (renamed) there later: the name comes
    from the file, the stage stays where the united history says."""
    ws = Workspace(tmp_path / "ws")
    _import(ws, _base())
    old = _base()
    here = ws.get_prospect("aaaa00000001")
    moved = here.model_copy(update={"stage": "commitment", "status": ProspectStatus.committed})
    ws.move_prospect(
        moved,
        HistoryEntry(
            prospect_id=here.id,
            action="advance",
            from_stage="first-date",
            to_stage="commitment",
            overridden=True,
            reason="signed at the fair",
        ),
        expected_stage="first-date",
        expected_status=ProspectStatus.active,
    )
    old["prospects"][0]["prospect"].update(name="Alpha Audio AS", updated_at="2099-01-01T00:00:00Z")
    report = _import(ws, old)
    assert report.updated == 1
    after = ws.get_prospect("aaaa00000001")
    assert (after.name, after.stage, after.status) == (
        "Alpha Audio AS",
        "commitment",
        ProspectStatus.committed,
    )
    [row] = [r for r in ws.list_prospects() if r.id == "aaaa00000001"]
    assert (row.stage, row.status) == ("commitment", ProspectStatus.committed)


def test_without_a_pipeline_gates_are_not_checked_and_the_report_says_so(
    tmp_path: Path,
) -> None:
    doc = _base()
    doc["prospects"][1]["prospect"].update(stage="commitment", status="committed")
    doc["prospects"][1]["history"].append(
        {
            "id": "forged",
            "prospect_id": "bbbb00000002",
            "at": "2026-03-04T09:00:00Z",
            "action": "advance",
            "from_stage": "first-date",
            "to_stage": "commitment",
        }
    )
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(StoreError, match="do not meet it"):
        _import(ws, doc)
    path = tmp_path / "x.json"
    path.write_bytes(orjson.dumps(doc))
    report = import_workspace(ws, path)  # no rules: the history is still replayed
    assert report.added == 3 and "gates of the moves in the file were not checked" in str(
        report.warnings
    )


def test_replay_follows_every_move() -> None:
    def entry(action: str, **kw) -> HistoryEntry:
        return HistoryEntry(prospect_id="p", action=action, **kw)

    pipeline = CATALOG.pipeline
    history = [
        entry("created", to_stage="first-date"),
        entry("hold", reason="summer"),
        entry("reopen"),
        entry("advance", from_stage="first-date", to_stage="commitment"),
        entry("edit", from_stage="first-date", to_stage="first-date"),
        entry("decline", reason="gone quiet"),
    ]
    ends = replay(history, pipeline)
    assert ends.allows("commitment", ProspectStatus.declined)
    assert not ends.allows("first-date", ProspectStatus.declined)
    assert replay(history[:4], pipeline).allows("commitment", ProspectStatus.committed)
    assert not replay(history[:4], pipeline).allows("commitment", ProspectStatus.active)
    loose = replay(history[:4], None)  # no pipeline: an advance may commit or not
    assert loose.allows("commitment", ProspectStatus.active)


def test_an_answer_like_one_found_fine_earlier_in_the_file_is_still_checked_by_type(
    tmp_path: Path,
) -> None:
    """Plain answers found fine are remembered for the rest of the file (most repeat),
    but 0 is not False: the third prospect's yes/no answered 0 refuses the file, though
    the first answered False."""
    doc = _base()
    answers = doc["prospects"][2]["interviews"][0]["answers"]
    assert doc["prospects"][0]["interviews"][0]["answers"]["needs_training"]["value"] is False
    answers["needs_training"]["value"] = 0
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(StoreError) as refused:
        _import(ws, doc)
    said = str(refused.value)
    assert "prospects[2]" in said and "answer 'needs_training'" in said, said
    assert "0 is not stored as a yes_no answer is (qualify would store False)" in said, said
    assert ws.list_prospects() == []


def test_a_merge_refused_when_it_is_written_names_its_prospect(tmp_path: Path) -> None:
    """Another qualify may change a prospect between the check of a file and its writing:
    each merge is checked again as it is written (a run at a time), and a refusal then
    names the prospect, and nothing of its run is written."""
    from qualify.store.export_file import parse_export
    from qualify.store.transfer import _Merger

    ws = Workspace(tmp_path / "ws")
    _import(ws, _base())
    doc = _base()
    doc["prospects"][1]["prospect"].update(
        stage="commitment", status="committed", updated_at="2026-03-04T10:00:00Z"
    )
    bundles = parse_export(orjson.dumps(doc), "x.json")[0]
    mergers = [_Merger(records, "x.json", RULES, {}) for records in bundles]
    before = _files(ws.root)
    with pytest.raises(StoreError, match=r"^Beta Systems \(bbbb00000002\): .*history leads to"):
        ws.merge_prospects((m.incoming.prospect.id, m) for m in mergers)
    assert _files(ws.root) == before


def test_a_blank_text_answer_an_older_qualify_recorded_still_imports(tmp_path: Path) -> None:
    """qualify now refuses a blank text answer where it is given, but an export made
    before that may hold one: it is the record as it was, and is imported as it is.
    A blank value for any other type still refuses the file."""
    doc = _base()
    answers = doc["prospects"][0]["interviews"][0]["answers"]
    answers["notes"] = {**answers["company_type"], "question_id": "notes", "value": "  "}
    ws = Workspace(tmp_path / "ws")
    _import(ws, doc)
    pid = doc["prospects"][0]["prospect"]["id"]
    assert ws.read_prospect(pid).interviews[0].answers["notes"].value == "  "

    doc = _base()
    doc["prospects"][0]["interviews"][0]["answers"]["company_type"]["value"] = " "
    other = Workspace(tmp_path / "other")
    with pytest.raises(StoreError, match="no value given"):
        _import(other, doc)
    assert other.list_prospects() == []
