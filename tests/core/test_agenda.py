"""The next meeting's agenda: in conversation order by default; in gate order, gate blockers
first, then deal-breakers, then by score swing."""

from __future__ import annotations

import re

from qualify.core.agenda import OpenAnswer, agenda_markdown, build_agenda
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score

QS = QuestionSet.model_validate(
    {
        "id": "t",
        "title": "T",
        "version": 1,
        "sections": [
            {
                "id": "a",
                "title": "Business",
                "questions": [
                    {"id": "small", "text": "Small?", "type": "yes_no", "score": {"yes": 1}},
                    {
                        "id": "kind",
                        "text": "Kind?",
                        "type": "choice",
                        "options": [
                            {"value": "dealer", "score": 4},
                            {"value": "rental", "score": 0, "knockout": "rental only"},
                        ],
                    },
                    {"id": "big", "text": "Big?", "type": "scale", "weight": 5},
                    {
                        "id": "reps",
                        "text": "Reps?",
                        "type": "number",
                        "required": True,
                        "score_bands": [{"below": 3, "score": 0}, {"score": 2}],
                    },
                    {
                        "id": "refs",
                        "text": "References?",
                        "type": "yes_no",
                        "score": {"yes": 2},
                        "verify": True,
                    },
                    {"id": "secret", "text": "Margin?", "type": "text"},
                    {"id": "later", "text": "Later?", "type": "text", "when": "reps > 100"},
                ],
            }
        ],
    }
)
STAGE = Stage.model_validate(
    {"id": "s", "title": "S", "questionnaire": "t", "gate": {"verified": ["refs"]}}
)


def agenda_for(answers: dict[str, OpenAnswer], order: str = "gate"):
    values = {k: a.value for k, a in answers.items() if a.state == "answered"}
    return build_agenda(QS, answers, score(QS, values), STAGE, order=order)  # type: ignore[arg-type]


def test_conversation_order_is_the_default_and_follows_the_set() -> None:
    """A first call opens with the business and asks deal-breakers where the set asks them,
    not third because they could knock the prospect out."""
    answers = {"refs": OpenAnswer(True, source="stated")}
    values = {"refs": True}
    default = build_agenda(QS, answers, score(QS, values), STAGE)
    ids = [i.question_id for i in default.items]
    assert ids == ["small", "kind", "big", "reps", "refs", "secret"]
    assert ids == [i.question_id for i in agenda_for(answers, "conversation").items]
    gate = [i.question_id for i in agenda_for(answers).items]
    assert gate[:3] == ["reps", "refs", "kind"]


def test_order_gate_blockers_then_knockouts_then_swing() -> None:
    agenda = agenda_for(
        {
            "refs": OpenAnswer(True, source="stated"),
            "secret": OpenAnswer(None, state="declined", note="ask the owner"),
        }
    )
    ids = [i.question_id for i in agenda.items]
    # refs (verify) and reps (required) block the gate; kind could knock out;
    # big swings more than small; secret is unscored; later is hidden.
    assert ids == ["reps", "refs", "kind", "big", "small", "secret"]
    kinds = {i.question_id: i.kind for i in agenda.items}
    assert kinds == {
        "reps": "required",
        "refs": "verify",
        "kind": "unreached",
        "big": "unreached",
        "small": "unreached",
        "secret": "declined",
    }
    kind_item = agenda.items[2]
    assert kind_item.could_knock_out == ("rental only",)
    assert "deal-breaker" in kind_item.why
    assert agenda.items[5].note == "ask the owner"


def test_unknown_answers_come_back_and_verified_facts_leave() -> None:
    agenda = agenda_for(
        {
            "refs": OpenAnswer(True, source="verified"),
            "reps": OpenAnswer(None, state="unknown"),
            "kind": OpenAnswer("dealer"),
            "big": OpenAnswer(5),
            "small": OpenAnswer(True),
            "secret": OpenAnswer("40%"),
        }
    )
    assert [(i.question_id, i.kind) for i in agenda.items] == [("reps", "ask_again")]
    assert agenda.items[0].blocks_gate


def test_swing_is_the_points_an_answer_could_still_move() -> None:
    agenda = agenda_for({"kind": OpenAnswer("dealer")})
    swings = {i.question_id: round(i.swing, 1) for i in agenda.items}
    # kind answered 4/4 alone -> 100. big at best keeps 100, at worst (1) drops to
    # 100*(4+0)/(4+5*4) = 16.7; swing 83.3.
    assert swings["big"] == 83.3
    assert swings["secret"] == 0


def test_markdown_agenda_is_numbered_and_inert() -> None:
    text = agenda_markdown(
        agenda_for({"secret": OpenAnswer(None, "declined", note="<b>x</b>")}), title="Acme *Ltd*"
    )
    assert text.startswith("# Agenda: Acme \\*Ltd\\*\n")
    assert "1. Reps?" in text and "**(blocks the gate)**" in text
    assert "\\<b\\>x\\</b\\>" in text


def test_markdown_agenda_title_is_inert_too() -> None:
    hostile = '<img src=x onerror="alert(1)"> ![t](http://evil/x.png) \x1b[2J'
    text = agenda_markdown(agenda_for({}), title=hostile)
    title = text.splitlines()[0]
    assert "\x1b" not in title
    assert not re.search(r"(?<!\\)[<\[!]", title.removeprefix("# Agenda: "))  # all escaped
    assert title == (
        '# Agenda: \\<img src=x onerror="alert(1)"\\> \\!\\[t\\](http://evil/x.png) \\\\x1b\\[2J'
    )


def test_nothing_open() -> None:
    answers = {
        "refs": OpenAnswer(True, source="verified"),
        "reps": OpenAnswer(5),
        "kind": OpenAnswer("dealer"),
        "big": OpenAnswer(5),
        "small": OpenAnswer(True),
        "secret": OpenAnswer("x"),
    }
    agenda = agenda_for(answers)
    assert agenda.items == ()
    assert "Nothing open" in agenda_markdown(agenda, title="x")
