"""Writes tests/hostile/exports/ and export-base.json: the hostile exports of the corpus.

Each is a valid export of three prospects asked with the mini question sets
(tests/cli/fixtures/mini) with one thing changed, as an attacker (or a broken tool)
would change it; tests/hostile/cases.yaml says what `qualify import` must answer. Run it
again only to add cases (`python tests/hostile/make_exports.py`); the files are kept as
they are so the corpus never drifts.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from qualify.core.questionnaire import content_hash, load_catalog  # noqa: E402
from qualify.core.questionnaire.catalog import canonical  # noqa: E402
from qualify.core.records import (  # noqa: E402
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
)
from qualify.store.transfer import export_workspace  # noqa: E402
from qualify.store.workspace import Workspace  # noqa: E402

MINI = ROOT / "tests" / "cli" / "fixtures" / "mini"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Doc = dict[str, Any]


def _base() -> Doc:
    catalog = load_catalog(MINI)
    first, commit = catalog.question_sets["mini-first"], catalog.question_sets["mini-commit"]
    h1, h2 = content_hash(first), content_hash(commit)

    def answers(**values: Any) -> dict[str, AnswerRecord]:
        return {
            k: AnswerRecord(question_id=k, value=v, answered_at=T0 + timedelta(minutes=5), by="ann")
            for k, v in values.items()
        }

    def interview(pid: str, stage: str, set_id: str, digest: str, **values: Any) -> Interview:
        return Interview(
            id=f"{pid}-{stage}",
            prospect_id=pid,
            stage=stage,
            questionnaire_id=set_id,
            questionnaire_version=1,
            questionnaire_hash=digest,
            answers=answers(**values),
            started_at=T0,
            updated_at=T0 + timedelta(minutes=5),
            interviewer="ann",
        )

    def created(pid: str) -> HistoryEntry:
        return HistoryEntry(
            id=f"{pid}-h0", prospect_id=pid, at=T0, action="created", to_stage="first-date"
        )

    def prospect(pid: str, name: str, **kw: Any) -> Prospect:
        return Prospect(id=pid, name=name, territory="North", created_at=T0, updated_at=T0, **kw)

    alpha = ProspectRecords(
        prospect("aaaa00000001", "Alpha Audio", stage="first-date"),
        (
            interview(
                "aaaa00000001",
                "first-date",
                "mini-first",
                h1,
                company_type="dealer",
                reps=6,
                needs_training=False,
            ),
        ),
        (created("aaaa00000001"),),
    )
    beta = ProspectRecords(
        prospect("bbbb00000002", "Beta Systems", stage="first-date"),
        (interview("bbbb00000002", "first-date", "mini-first", h1, reps=1),),
        (created("bbbb00000002"),),
    )
    gate = {"stage": "first-date", "next_stage": "commitment", "passed": True, "score": 77.8,
            "coverage": 0.75, "criteria": [], "unmet": []}  # fmt: skip
    gamma = ProspectRecords(
        prospect("cccc00000003", "Gamma AV", stage="commitment", status=ProspectStatus.committed),
        (
            interview("cccc00000003", "first-date", "mini-first", h1, company_type="dealer", reps=9, needs_training=False),
            interview("cccc00000003", "commitment", "mini-commit", h2, signed=True),
        ),
        (
            created("cccc00000003"),
            HistoryEntry(id="cccc00000003-h1", prospect_id="cccc00000003", at=T0 + timedelta(days=1),
                         action="advance", from_stage="first-date", to_stage="commitment", gate=gate, by="ann"),
        ),
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws", durable=False)
        ws.put_snapshot(h1, canonical(first))
        ws.put_snapshot(h2, canonical(commit))
        ws.add_prospects_bulk([alpha, beta, gamma])
        out = Path(tmp) / "base.json"
        export_workspace(ws, out)
        doc: Doc = orjson.loads(out.read_bytes())
    doc["exported_at"] = "2026-03-05T10:00:00Z"
    return doc


def _answer(doc: Doc, n: int, key: str) -> Doc:
    return doc["prospects"][n]["interviews"][0]["answers"][key]


def _add_answer(doc: Doc, key: str, value: Any) -> None:
    answers = doc["prospects"][0]["interviews"][0]["answers"]
    answers[key] = {**answers["reps"], "question_id": key, "value": value}


def _rehash(doc: Doc, change: Callable[[Doc], None]) -> None:
    """Change the first snapshot and file it (and its interviews) under its new hash, as a
    careful attacker would: the hash matches, what is inside must still be refused."""
    from qualify.core.questionnaire import QuestionSet

    old = next(iter(doc["snapshots"]))
    raw = copy.deepcopy(doc["snapshots"].pop(old))
    change(raw)
    try:
        new = content_hash(QuestionSet.model_validate(raw))
    except Exception:  # a set the model refuses keeps a made-up hash
        new = "f" * 24
    doc["snapshots"][new] = raw
    for item in doc["prospects"]:
        for interview in item["interviews"]:
            if interview["questionnaire_hash"] == old:
                interview["questionnaire_hash"] = new


def _advance(doc: Doc, n: int, **entry: Any) -> None:
    item = doc["prospects"][n]
    pid = item["prospect"]["id"]
    fields = {"id": f"{pid}-forged", "prospect_id": pid, "at": "2026-03-04T09:00:00Z",
              "action": "advance", "from_stage": "first-date", "to_stage": "commitment"}  # fmt: skip
    item["history"].append({**fields, **entry})


def _attach(doc: Doc, *, name: str = "credit report.pdf", forged: bool = False) -> None:
    """An evidence file of the first prospect: its record, and the file (or another one)."""
    import base64
    import hashlib

    content = b"%PDF-1.4 credit report\n"
    sha256 = hashlib.sha256(content).hexdigest()
    item = doc["prospects"][0]
    item["attachments"] = [
        {
            "id": "att000000001",
            "prospect_id": item["prospect"]["id"],
            "stage": item["prospect"]["stage"],
            "question_id": "reps",
            "name": name,
            "size": len(content),
            "sha256": sha256,
            "note": "",
            "by": "anna",
            "at": "2026-03-02T09:30:00Z",
        }
    ]
    sent = b"%PDF-1.4 forged report\n" if forged else content
    doc["files"] = {sha256: base64.b64encode(sent).decode()}


def _entry(entry_id: str, action: str, **fields: Any) -> Doc:
    at = "2026-03-04T09:00:00Z"
    return {"id": entry_id, "prospect_id": "aaaa00000001", "at": at, "action": action, **fields}


def _facts(doc: Doc, n: int, **facts: Any) -> None:
    doc["prospects"][n]["prospect"].update(updated_at="2026-03-04T10:00:00Z", **facts)


EDITS: dict[str, Callable[[Doc], Any]] = {
    # -- the file as a whole
    "not-json.json": lambda d: b"garbage, not an export\n",
    "empty.json": lambda d: b"",
    "csv-export.json": lambda d: b"\xef\xbb\xbfprospect_id,prospect\r\naaaa00000001,Alpha\r\n",
    "top-level-list.json": lambda d: b"[]",
    "no-format.json": lambda d: d.pop("format"),
    "version-1e30.json": lambda d: d.update(version=1e30),
    "version-0.json": lambda d: d.update(version=0),
    "version-minus-5.json": lambda d: d.update(version=-5),
    "version-text.json": lambda d: d.update(version="1"),
    "version-true.json": lambda d: d.update(version=True),
    "version-2.json": lambda d: d.update(version=2),
    "version-missing.json": lambda d: d.pop("version"),
    "prospects-not-a-list.json": lambda d: d.update(prospects={"a": 1}),
    "snapshots-not-a-mapping.json": lambda d: d.update(snapshots=[1]),
    "prospect-is-a-number.json": lambda d: d["prospects"].__setitem__(0, 7),
    "interviews-not-a-list.json": lambda d: d["prospects"][0].update(interviews="x"),
    "nan-literal.json": lambda d: orjson.dumps(d).replace(b'"version":1', b'"version":NaN'),
    "infinite-number.json": lambda d: orjson.dumps(d).replace(b'"version":1', b'"version":1e400'),
    "nested-2000-deep.json": lambda d: (
        orjson.dumps(d)[:-1] + b',"x":' + b"[" * 2000 + b"]" * 2000 + b"}"
    ),
    "with-a-bom.json": lambda d: b"\xef\xbb\xbf" + orjson.dumps(d),
    # -- ids and records
    "path-traversal-id.json": lambda d: d["prospects"][0]["prospect"].update(id="../../etc"),
    "prospect-twice.json": lambda d: d["prospects"].append(copy.deepcopy(d["prospects"][0])),
    "interview-under-two-prospects.json": lambda d: d["prospects"][1]["interviews"].append(
        {**copy.deepcopy(d["prospects"][0]["interviews"][0]), "prospect_id": "bbbb00000002"}
    ),
    "history-id-twice.json": lambda d: d["prospects"][0]["history"].append(
        copy.deepcopy(d["prospects"][0]["history"][0])
    ),
    "history-of-another-prospect.json": lambda d: d["prospects"][0]["history"][0].update(
        prospect_id="bbbb00000002"
    ),
    "interview-id-with-slash.json": lambda d: d["prospects"][1]["interviews"][0].update(id="a/b"),
    "blank-name.json": lambda d: d["prospects"][0]["prospect"].update(name="   "),
    "time-without-zone.json": lambda d: d["prospects"][0]["prospect"].update(
        created_at="2026-03-02T09:00:00"
    ),
    "year-9999.json": lambda d: d["prospects"][0]["interviews"][0].update(
        completed_at="9999-12-31T23:59:59Z"
    ),
    "answer-time-without-zone.json": lambda d: _answer(d, 0, "reps").update(
        answered_at="2026-03-02T09:05:00"
    ),
    "answer-in-the-year-1700.json": lambda d: _answer(d, 0, "reps").update(
        answered_at="1700-03-02T09:05:00Z"
    ),
    "state-is-bogus.json": lambda d: _answer(d, 0, "reps").update(state="bogus"),
    # -- answers against their question set
    "answer-is-a-mapping.json": lambda d: _answer(d, 0, "company_type").update(value={"evil": 1}),
    "number-stored-as-text.json": lambda d: _answer(d, 0, "reps").update(value="6"),
    "yes-no-stored-as-text.json": lambda d: _answer(d, 0, "needs_training").update(value="no"),
    "text-stored-as-number.json": lambda d: _add_answer(d, "notes", 5),
    "unknown-question.json": lambda d: _add_answer(d, "rm_rf", "yes"),
    "answer-filed-under-another-key.json": lambda d: _answer(d, 0, "reps").update(
        question_id="company_type"
    ),
    "number-1e300.json": lambda d: _answer(d, 0, "reps").update(value=1e300),
    "number-below-min.json": lambda d: _answer(d, 0, "reps").update(value=-3),
    "not-an-option.json": lambda d: _answer(d, 0, "company_type").update(value="dealr"),
    "unknown-with-a-value.json": lambda d: _answer(d, 0, "reps").update(state="unknown"),
    "snapshot-missing.json": lambda d: d["snapshots"].clear(),
    "interview-names-another-version.json": lambda d: d["prospects"][0]["interviews"][0].update(
        questionnaire_version=2
    ),
    "rescore-score-is-text.json": lambda d: d["prospects"][0]["history"].append(
        _entry("r1", "rescore", details={"new": {"score": "lots"}})
    ),
    "gate-unmet-not-a-list.json": lambda d: d["prospects"][2]["history"][1]["gate"].update(
        unmet="everything"
    ),
    "summary-says-100.json": lambda d: d["prospects"][1]["summary"].update(score=100.0),
    # -- question-set snapshots
    "snapshot-tampered.json": lambda d: next(iter(d["snapshots"].values())).update(title="Evil"),
    "snapshot-escape-in-title.json": lambda d: _rehash(
        d, lambda s: s.update(title="\x1b]0;pwned\x07Mini")
    ),
    "snapshot-deep-condition.json": lambda d: _rehash(
        d, lambda s: s["sections"][1]["questions"][0].update(when="not " * 100 + "true")
    ),
    "snapshot-duplicate-question.json": lambda d: _rehash(
        d,
        lambda s: s["sections"][1]["questions"].append(
            copy.deepcopy(s["sections"][0]["questions"][0])
        ),
    ),
    "snapshot-is-a-list.json": lambda d: d["snapshots"].update({next(iter(d["snapshots"])): []}),
    "snapshot-key-unsafe.json": lambda d: d["snapshots"].update({"../evil": {"id": "x"}}),
    # -- stages and statuses against the history and the gates
    "stage-without-history.json": lambda d: _facts(d, 1, stage="commitment", status="committed"),
    "declined-without-history.json": lambda d: _facts(d, 0, status="declined"),
    "forged-advance-past-unmet-gate.json": lambda d: (
        _facts(d, 1, stage="commitment", status="committed"),
        _advance(d, 1, gate={"passed": True}),
    ),
    "override-without-reason.json": lambda d: (
        _facts(d, 1, stage="commitment", status="committed"),
        _advance(d, 1, overridden=True, reason="  "),
    ),
    "override-with-reason.json": lambda d: (
        _facts(d, 1, stage="commitment", status="committed"),
        _advance(d, 1, overridden=True, reason="Director approved"),
    ),
    "advance-skips-a-stage.json": lambda d: (
        _facts(d, 1, stage="review", status="committed"),
        _advance(d, 1, to_stage="review", overridden=True, reason="x"),
    ),
    "advance-from-nowhere.json": lambda d: (
        _facts(d, 1, stage="commitment", status="committed"),
        _advance(d, 1, from_stage="lunch", overridden=True, reason="x"),
    ),
    "decline-without-reason.json": lambda d: (
        _facts(d, 0, status="declined"),
        d["prospects"][0]["history"].append(
            _entry("d1", "decline", from_stage="first-date", to_stage="first-date")
        ),
    ),
    # -- evidence files
    "evidence-file-tampered.json": lambda d: _attach(d, forged=True),
    "evidence-name-traversal.json": lambda d: _attach(d, name="../../.bashrc"),
    "deep-details.json": lambda d: orjson.dumps(d).replace(
        b'"details":{}', b'"details":{"x":' + b"[" * 500 + b"]" * 500 + b"}", 1
    ),
}


def main() -> None:
    base = _base()
    (HERE / "export-base.json").write_bytes(orjson.dumps(base, option=orjson.OPT_INDENT_2))
    folder = HERE / "exports"
    folder.mkdir(exist_ok=True)
    for name, edit in EDITS.items():
        doc = copy.deepcopy(base)
        result = edit(doc)
        data = result if isinstance(result, bytes) else orjson.dumps(doc)
        (folder / name).write_bytes(data)
    print(f"wrote {len(EDITS)} hostile exports to {folder}")


if __name__ == "__main__":
    main()
