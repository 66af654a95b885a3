"""The examples in docs/questionnaire-format.md load, score and pass as written."""

from __future__ import annotations

import re
from pathlib import Path

from qualify.core.questionnaire import load_answers, load_catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"


def _blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)


def test_documented_set_pipeline_and_answers_work_together(tmp_path: Path) -> None:
    blocks = _blocks()
    question_set = next(b for b in blocks if "\nsections:" in b)
    pipeline = next(b for b in blocks if b.startswith("stages:"))
    answers = next(b for b in blocks if b.startswith("revenue_source:"))
    sets = tmp_path / "sets"
    sets.mkdir()
    (sets / "first-date.yaml").write_text(question_set, "utf-8")
    (sets / "pipeline.yaml").write_text(pipeline, "utf-8")
    (tmp_path / "answers.yaml").write_text(answers, "utf-8")
    catalog = load_catalog(sets)
    assert catalog.problems == []
    qs = catalog.question_sets["first-date"]
    loaded = load_answers(tmp_path / "answers.yaml", qs)
    assert loaded["sales_reps"].source == "verified"
    assert loaded["healthcare_contacts"].state == "unknown"

    from qualify.core.scoring import score

    values = {k: a.value for k, a in loaded.items() if a.state == "answered"}
    breakdown = score(qs, values)
    assert breakdown.score is not None and 0 <= breakdown.score <= 100
    assert not breakdown.knocked_out
