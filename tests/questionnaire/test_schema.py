"""The JSON Schemas editors use: current, shipped beside the sets, and in agreement with
`qualify validate` on every broken set of the hostile corpus — rejected by both, or by
`validate` alone for a rule no schema can express."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from qualify.cli import main
from qualify.core.questionnaire import parse_question_set
from qualify.core.questionnaire.schema import json_schema, pipeline_json_schema
from qualify.core.questionnaire.textfile import TextError, decode_text
from qualify.core.questionnaire.yamlsource import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "questionnaires"
CORPUS = ROOT / "tests" / "hostile" / "sets"
EXPECTED = yaml.safe_load((ROOT / "tests" / "hostile" / "cases.yaml").read_text())["sets"]

SEMANTIC = {
    "bands-out-of-order": "score bands in increasing order of `below`",
    "choice-without-options": "options required for choice (the schema says so) — here the "
    "key is absent only because the file also breaks YAML rules",
    "duplicate-option": "option values unique within a question",
    "duplicate-question-id": "question ids unique within the set",
    "duplicate-key": "duplicate YAML keys are collapsed by every YAML parser before the schema",
    "merge-key": "a merge key is resolved by the YAML parser before the schema sees it",
    "recursive-alias": "an alias is resolved by the YAML parser",
    "alias-bomb": "an alias is resolved by the YAML parser",
    "scale-max-below-min": "max greater than min",
    "pipeline-as-set": "a pipeline file is not a question set (it lacks sections: the schema "
    "rejects it; validate says what it is)",
    "when-": "conditions are text to the schema: their syntax and names are validate's",
    "knockout-bad-when": "conditions are text to the schema",
    "formula-": "formulas are text to the schema",
    "constraint-": "constraints are text to the schema",
    "date-": "conditions and formulas are text to the schema",
    "earlier-stage": "references to earlier stages are text to the schema",
    "required-when": "conditions are text to the schema",
    "zero-width-id": "an identifier pattern accepts nothing invisible, but the warning is "
    "validate's",
    "bidi-override-in-text": "text may hold any character; validate warns",
    "unit-on-text": "type rules are in the schema",
    "two-documents": "several YAML documents are the parser's concern",
    "version-hex": "0x10 is a YAML 1.2 integer",
    "lone-surrogate-escape": "the YAML parser refuses the escape",
    "repeat-": "repeated sections' rules span several fields",
    "calculated-": "what a calculated question may be used for is validate's",
    "gate-": "gates are checked against the set by validate",
    "cycle": "cycles between formulas are validate's",
    "integer-with-fraction": "`integer: true` against a fractional min spans two fields",
    "option-score-nan": "NaN compares false with every bound (JSON has no NaN): validate refuses it",
    "score-band-below-nan": "NaN compares false with every bound: validate refuses it",
    "weight-nan": "NaN compares false with every bound: validate refuses it",
    "title-is-mapping": "a text may be a mapping language → text; that the set lists its "
    "languages (`languages:`) is validate's",
    "language-not-listed": "a text's languages against the set's `languages:` span fields",
}
"""Broken sets the schema cannot refuse, and why (by file-name prefix)."""


def _reason(name: str) -> str | None:
    return next((why for prefix, why in SEMANTIC.items() if name.startswith(prefix)), None)


def test_the_shipped_schemas_are_current() -> None:
    assert json.loads((SETS / "question-set.schema.json").read_text()) == json_schema()
    assert json.loads((SETS / "pipeline.schema.json").read_text()) == pipeline_json_schema()
    assert json.loads((ROOT / "docs" / "question-set.schema.json").read_text()) == json_schema()


def test_every_field_is_described_for_hover_text() -> None:
    for schema in (json_schema(), pipeline_json_schema()):
        jsonschema.Draft202012Validator.check_schema(schema)
        undescribed = [
            f"{model}.{field}"
            for model, definition in schema.get("$defs", {}).items()
            for field, prop in definition.get("properties", {}).items()
            if not prop.get("description")
        ]
        assert not undescribed


def test_the_bundled_sets_point_at_schemas_that_exist_and_pass_them() -> None:
    validators = {
        "question-set.schema.json": jsonschema.Draft202012Validator(json_schema()),
        "pipeline.schema.json": jsonschema.Draft202012Validator(pipeline_json_schema()),
    }
    for path in sorted(SETS.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path.name
        target = first.split("=", 1)[1]
        assert (path.parent / target).is_file(), (path.name, target)
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data  # YAML 1.2
        errors = list(validators[target].iter_errors(data))
        assert not errors, (path.name, [e.message for e in errors[:3]])


def test_questionnaires_init_copies_the_schemas_so_the_lines_resolve(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "questionnaires", "init"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "questionnaires"
    for path in folder.glob("*.yaml"):
        target = path.read_text(encoding="utf-8").splitlines()[0].split("=", 1)[1]
        assert (folder / target).is_file(), (path.name, target)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ({"type": "text", "unit": "km"}, "unit"),
        ({"type": "text", "options": [{"value": "a"}]}, "options"),
        ({"type": "choice"}, "options"),
        ({"type": "calculated"}, "formula"),
        ({"type": "number", "score": {"yes": 1}}, "score"),
    ],
)
def test_type_rules_reach_the_editor(snippet: dict, message: str) -> None:
    question = {"id": "q", "text": "Q?", **snippet}
    doc = {"id": "s", "title": "S", "version": 1,
           "sections": [{"id": "a", "title": "A", "questions": [question]}]}  # fmt: skip
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(doc))
    assert errors and any(message in json.dumps(e.schema) for e in errors)


def test_negative_points_are_refused_by_the_schema_too() -> None:
    option = {"value": "a", "score": -1}
    doc = {"id": "s", "title": "S", "version": 1, "sections": [{"id": "a", "title": "A",
           "questions": [{"id": "q", "text": "Q?", "type": "choice", "options": [option]}]}]}  # fmt: skip
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(doc))

    def causes(error: jsonschema.ValidationError) -> list[str]:
        return [error.validator, *(c for sub in error.context or () for c in causes(sub))]

    assert any("minimum" in causes(e) for e in errors)


def test_broken_sets_are_refused_by_the_schema_and_validate_or_named_as_semantic() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    checked = 0
    unexplained = []
    for path in sorted(CORPUS.glob("*.yaml")):
        if EXPECTED[path.name]["expect"] == "ok":
            continue  # not broken: qualify reads it (the attack is handled elsewhere)
        try:
            text = decode_text(path.read_bytes(), str(path))
        except TextError:
            continue  # not text: neither an editor nor a schema ever sees it
        doc = parse_yaml(text, str(path))
        qs, problems = parse_question_set(text, str(path))
        refused_by_validate = qs is None or any(p.severity == "warning" for p in problems)
        assert refused_by_validate, path.name
        if not doc.readable or doc.data is None:
            continue  # not YAML: an editor shows the syntax error itself
        checked += 1
        if list(validator.iter_errors(doc.data)):
            continue
        if _reason(path.stem) is None:
            unexplained.append(path.stem)
    assert checked >= 40
    assert not unexplained, "accepted by the schema with no reason given: " + ", ".join(unexplained)
