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


# ------------------------------------------------------------------ marked examples
# A block whose first line is `# example-set` is a complete question set; `# example-answers:
# SET` an answer file for the example set SET; `# example-folder: NAME` one file of a folder
# of sets (with its pipeline) that must validate as a whole.

TODAY = __import__("datetime").date(2026, 3, 1)


def _marked(marker: str) -> list[tuple[str, str]]:
    """(the marker's argument, the block) of every block starting with `# marker`."""
    found = []
    for block in _blocks():
        first, _, rest = block.partition("\n")
        if first.startswith(f"# {marker}"):
            found.append((first.removeprefix(f"# {marker}").strip(": "), rest))
    return found


def _example_sets() -> dict:
    from qualify.core.questionnaire import parse_question_set

    sets = {}
    for _, block in _marked("example-set"):
        qs, problems = parse_question_set(block, "example.yaml")
        assert qs is not None and problems == [], [str(p) for p in problems]
        sets[qs.id] = qs
    return sets


def test_every_marked_example_set_loads_without_a_warning() -> None:
    assert len(_example_sets()) >= 2


def test_every_marked_answer_file_loads_and_scores() -> None:
    from qualify.core.questionnaire import load_answers_text
    from qualify.core.scoring import score

    sets = _example_sets()
    blocks = _marked("example-answers")
    assert len(blocks) >= 2
    for set_id, block in blocks:
        qs = sets[set_id]
        answers = load_answers_text(block, "answers.yaml", qs, today=TODAY)
        values = {k: a.value for k, a in answers.items() if a.state == "answered"}
        breakdown = score(qs, values, today=TODAY)
        assert breakdown.score is not None and not breakdown.knocked_out


def test_the_cost_to_serve_example_computes_what_the_page_says() -> None:
    from qualify.core.questionnaire import load_answers_text
    from qualify.core.scoring import score

    qs = _example_sets()["cost-to-serve"]
    block = dict(_marked("example-answers"))["cost-to-serve"]
    values = {k: a.value for k, a in load_answers_text(block, "a.yaml", qs).items()}
    breakdown = score(qs, values)
    assert breakdown.question("cost_to_serve").value == 12_800  # type: ignore[union-attr]
    ratio = breakdown.question("earnings_ratio")
    assert ratio is not None and (ratio.value, ratio.points) == (1.88, 3)
    assert not breakdown.question("why_so_much_support").required  # type: ignore[union-attr]
    heavy = score(qs, {**values, "support_hours": 30})
    assert heavy.question("why_so_much_support").required  # type: ignore[union-attr]
    text = DOC.read_text("utf-8")
    assert "12,800 €" in text and "24,000 €" in text and "ratio of 1.88, 3 of 5 points" in text


def test_the_references_example_keeps_each_repeat(tmp_path: Path) -> None:
    from qualify.core.questionnaire import load_answers_text
    from qualify.core.scoring import score

    qs = _example_sets()["references"]
    block = dict(_marked("example-answers"))["references"]
    answers = load_answers_text(block, "a.yaml", qs, today=TODAY)
    assert answers["references[0].ref_outcome"].source == "verified"
    assert answers["references[0].ref_customer_since"].value == "2014-05-01"
    breakdown = score(qs, {k: a.value for k, a in answers.items()}, today=TODAY)
    section = breakdown.section("references")
    assert section is not None and [r.score for r in section.repeats or ()] == [100, 50]
    assert section.score == 50  # min: the weakest reference counts


def test_the_folder_example_validates_as_a_whole(tmp_path: Path) -> None:
    import yaml

    blocks = [b for name, b in _marked("example-folder") if name == "stages"]
    assert len(blocks) == 3
    for block in blocks:
        data = yaml.safe_load(block)
        name = "pipeline" if "stages" in data else data["id"]
        (tmp_path / f"{name}.yaml").write_text(block, "utf-8")
    catalog = load_catalog(tmp_path)
    assert catalog.problems == []
    later = catalog.question_sets["engagement-terms"]
    from qualify.core.scoring import score

    breakdown = score(
        later, {"exclusivity": True}, earlier={"first-contact": {"competing_lines": 3}}
    )
    assert breakdown.knocked_out and breakdown.question("share_of_mind").value == 25  # type: ignore[union-attr]
