"""An import checks every move in the file as the app made it: a gate held by an open red
flag needs an override, and a red flag accepted by an override at a gate that needs none
open holds no further gate. The check reads the history up to each move, as the app had
it then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qualify.core import moves
from qualify.core.assess import Snapshots, assess
from qualify.core.questionnaire import content_hash
from qualify.core.questionnaire.model import Pipeline, QuestionSet
from qualify.core.records import (
    AnswerRecord,
    Interview,
    Prospect,
    ProspectRecords,
)
from qualify.store.vetting import Refused, Rules, vet_moves

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _set(set_id: str, question: dict) -> QuestionSet:
    section = {"id": "s", "title": "S", "questions": [question]}
    return QuestionSet.model_validate(
        {"id": set_id, "title": set_id, "version": 1, "sections": [section]}
    )


FIRST = _set(
    "first",
    {
        "id": "lines",
        "text": "How many competing lines do they carry?",
        "type": "number",
        "red_flag": {"when": "lines > 0", "reason": "Carries competing lines"},
    },
)
LATER = _set("later", {"id": "signed", "text": "Signed?", "type": "yes_no"})
LAST = _set("last", {"id": "live", "text": "Live?", "type": "yes_no"})
SETS = {qs.id: qs for qs in (FIRST, LATER, LAST)}
HELD = {"no_open_red_flags": True}
PIPELINE = Pipeline.model_validate(
    {
        "stages": [
            {"id": "first", "title": "First", "questionnaire": "first", "gate": HELD},
            {"id": "later", "title": "Later", "questionnaire": "later", "gate": HELD},
            {"id": "last", "title": "Last", "questionnaire": "last"},
        ]
    }
)


def _asked(qs: QuestionSet, value: object, day: int) -> Interview:
    at = T0 + timedelta(days=day)
    qid = qs.sections[0].questions[0].id
    return Interview(
        id=f"{qs.id}-iv",
        prospect_id="p1",
        stage=qs.id,
        questionnaire_id=qs.id,
        questionnaire_version=1,
        questionnaire_hash=content_hash(qs),
        answers={qid: AnswerRecord(question_id=qid, value=value, answered_at=at)},  # type: ignore[arg-type]
        started_at=at,
        updated_at=at,
    )


INTERVIEWS = (_asked(FIRST, 2, 0), _asked(LATER, True, 5))  # 2 lines: the flag is raised
SNAPSHOTS = {content_hash(qs): qs for qs in SETS.values()}


def _moved(records: ProspectRecords, day: int, override: str | None = None) -> ProspectRecords:
    """`records` moved on as the app moves them: past the gate it judges, or with an
    override (ValueError when the gate is not met and none is given)."""
    a = assess(records, pipeline=PIPELINE, snapshots=Snapshots(SNAPSHOTS), active_sets=SETS)
    assert a.gate is not None
    at = T0 + timedelta(days=day)
    move = moves.advance(records.prospect, a.gate, PIPELINE, override=override, at=at)
    return ProspectRecords(move.prospect, records.interviews, (*records.history, move.entry))


def _vet(records: ProspectRecords) -> None:
    vet_moves(records, records, None, Rules(PIPELINE, SETS), SNAPSHOTS)


START = ProspectRecords(Prospect(id="p1", name="Atlas", stage="first"), INTERVIEWS)
ACCEPTED = "They drop the line by June; the director agreed"


def test_a_move_past_a_gate_an_open_red_flag_holds_needs_an_override() -> None:
    forced = _moved(START, 2, override=ACCEPTED)
    _vet(forced)
    unforced = forced.history[-1].model_copy(update={"overridden": False, "reason": ""})
    with pytest.raises(Refused, match=r"as if the gate were met.*Carries competing lines"):
        _vet(ProspectRecords(forced.prospect, INTERVIEWS, (unforced,)))


def test_a_red_flag_accepted_by_an_override_holds_no_further_gate() -> None:
    accepted = _moved(START, 2, override=ACCEPTED)
    onward = _moved(accepted, 6)  # the app needs no override here: the flag was accepted
    assert not onward.history[-1].overridden and onward.prospect.stage == "last"
    _vet(onward)  # and neither does an import of the file
