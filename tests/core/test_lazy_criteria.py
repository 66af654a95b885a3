"""A gate's criteria say their words on first read (issue 17): a portfolio reads the words
of the unmet ones only (its next step). A criterion whose text nobody read yet is the
criterion its words make: equal, hashed, shown, copied and pickled alike. And a
prospect's stages, scored in a row, read each earlier stage's names as `flat` gives them."""

from __future__ import annotations

import copy
import pickle

from hypothesis import given
from scoring_strategies import SETTINGS
from test_gate_facts import gated

from qualify.core.gates import _TEXT, Criterion, evaluate_gate
from qualify.core.scoring import score
from qualify.core.working import EarlierStages, flat


@SETTINGS
@given(gated())
def test_a_criterion_read_late_is_the_criterion_its_words_make(case) -> None:
    qs, answers, stage, sources = case
    gate = evaluate_gate(stage, qs, score(qs, answers), sources=sources)
    assert all(_TEXT in vars(c) for c in gate.criteria)  # no words made yet
    pickled = pickle.loads(pickle.dumps(gate))  # makes them, keeps no maker
    copied = copy.deepcopy(gate)
    for c in gate.criteria:
        text = c.text
        assert _TEXT not in vars(c)
        assert c.text is text  # made once
        eager = Criterion(c.key, c.met, text, c.questions)
        assert c == eager and hash(c) == hash(eager) and repr(c) == repr(eager)
    assert pickled == gate == copied
    assert pickled.to_dict() == gate.to_dict()
    assert all(_TEXT not in vars(c) for c in pickled.criteria)


def test_earlier_stages_read_each_stage_s_names_as_flat_gives_them() -> None:
    stages = EarlierStages()
    made: list[str] = []

    def values(set_id: str, found: dict) -> object:
        def make() -> dict:
            made.append(set_id)
            return found

        return make

    assert stages.before("a") == ({}, {})
    stages["a"] = values("a", {"x": 1, "y": None})
    stages["b"] = values("b", {"x": 2})
    assert made == []  # nothing read yet
    earlier, names = stages.before("b")
    assert earlier == {"a": {"x": 1, "y": None}} and names == flat(earlier)
    stages["a"] = values("a", {"x": 3})  # asked again: its place stays, its values change
    earlier, names = stages.before("c")
    assert list(earlier) == ["a", "b"] and earlier == {"a": {"x": 3}, "b": {"x": 2}}
    assert names == flat(earlier) and list(names) == list(flat(earlier))
    assert made == ["a", "a", "b"]  # each made once, when first read
    assert stages.before("c")[0]["b"] is earlier["b"]
