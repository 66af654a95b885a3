"""The question-set format as JSON Schema, for editors that autocomplete and check YAML.

Generated from the models, plus what pydantic cannot say: which fields belong to which
question type, and points that are never below 0.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from pydantic import BaseModel

from qualify.core.questionnaire import model as models
from qualify.core.questionnaire.model import Gate, Pipeline, QuestionSet

_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "options": ("choice", "multi"),
    "max_score": ("multi",),
    "min": ("scale", "number"),
    "max": ("scale", "number"),
    "reverse": ("scale",),
    "labels": ("scale",),
    "score_bands": ("number", "calculated"),
    "unit": ("number", "calculated"),
    "unit_one": ("number", "calculated"),
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


def field_docstrings() -> dict[str, dict[str, str]]:
    """Model name → field name → the docstring written under the field in model.py.

    Read from the source when a schema is asked for, so starting qualify never pays for
    it (pydantic's `use_attribute_docstrings` would read it for every model on import)."""
    tree = ast.parse(inspect.getsource(models))
    found: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for field, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
        found[node.name] = docs
    return found


def _describe(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Each property's description from its field's docstring (a Field's own wins)."""
    docs = field_docstrings()
    defs = schema.get("$defs", {})
    for name, doc in docs.items():
        target = schema if name == model.__name__ else defs.get(name)
        if target is None:
            continue
        properties = target.get("properties", {})
        for field, text in doc.items():
            prop = properties.get(field)
            if prop is not None and "description" not in prop:
                prop["description"] = text


def _schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    _describe(schema, model)
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
    schema = _schema_of(Pipeline, "qualify pipeline")
    # A factory default (no Gate is built on import) is not shown by pydantic: say it.
    gate = schema["$defs"]["Stage"]["properties"]["gate"]
    gate.setdefault("default", Gate().model_dump(mode="json"))
    return schema
