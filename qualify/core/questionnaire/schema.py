"""The question-set format as JSON Schema, for editors that autocomplete and check YAML.

Generated from the models, plus what pydantic cannot say: which fields belong to which
question type, and points that are never below 0.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from qualify.core.questionnaire.model import Pipeline, QuestionSet

_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "options": ("choice", "multi"),
    "max_score": ("multi",),
    "min": ("scale", "number"),
    "max": ("scale", "number"),
    "reverse": ("scale",),
    "labels": ("scale",),
    "score_bands": ("number", "calculated"),
    "unit": ("number", "calculated"),
    "integer": ("number",),
    "score": ("yes_no",),
    "formula": ("calculated",),
}
"""Question fields that only make sense for some types (the loader says so too)."""

_REQUIRED_FOR: dict[str, tuple[str, ...]] = {
    "options": ("choice", "multi"),
    "formula": ("calculated",),
}


def _type_rules() -> list[dict[str, Any]]:
    """if/then rules on a question's type, so an editor flags `unit` on a text question."""
    rules: list[dict[str, Any]] = []
    for name, types in _ONLY_FOR.items():
        rules.append(
            {
                "if": {
                    "properties": {"type": {"not": {"enum": list(types)}}},
                    "required": ["type"],
                },
                "then": {"not": {"required": [name]}},
            }
        )
    for name, types in _REQUIRED_FOR.items():
        rules.append(
            {
                "if": {"properties": {"type": {"enum": list(types)}}, "required": ["type"]},
                "then": {"required": [name]},
            }
        )
    return rules


def _schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def json_schema() -> dict[str, Any]:
    """JSON Schema of a question-set file, for editors that autocomplete YAML: every field
    described (hover text), per-type rules, and points that are never below 0."""
    schema = _schema_of(QuestionSet, "qualify question set")
    defs = schema["$defs"]
    defs["Question"]["allOf"] = _type_rules()
    for model, fields in (("Option", ("score",)), ("ScoreBand", ("score",)),
                          ("YesNoScore", ("yes", "no"))):  # fmt: skip
        for name in fields:
            defs[model]["properties"][name]["minimum"] = 0
    for variant in defs["Question"]["properties"]["labels"].get("anyOf", []):
        if variant.get("type") == "object":  # YAML keys 1, 5 arrive as JSON strings
            variant["propertyNames"] = {"pattern": "^-?[0-9]+$"}
    return schema


def pipeline_json_schema() -> dict[str, Any]:
    """JSON Schema of pipeline.yaml."""
    return _schema_of(Pipeline, "qualify pipeline")
