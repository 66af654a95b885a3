"""The JSON report is the contract downstream tools rely on: it validates, and the
schema documents every field it carries (no more, no fewer)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from memstore import MemoryStore
from report_fixture import IDS, build

from qualify.core.questionnaire import content_hash, load_catalog
from qualify.paths import bundled_questionnaires_dir
from qualify.reports import json_report
from qualify.reports.prospect import prospect_report
from qualify.reports.views import SCHEMA
from qualify.workflow import demo

ROOT = Path(__file__).resolve().parents[2]


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def closed(schema: dict[str, Any]) -> dict[str, Any]:
    """The published schema lets consumers ignore new fields; ours must list every one."""
    strict = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(strict)
    return strict


STRICT = validator(closed(json_report.schema()))


def assert_valid(document: dict[str, Any]) -> None:
    errors = sorted(STRICT.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("key", sorted(IDS))
def test_fixture_reports_validate(mem_store, catalog, key: str) -> None:
    document = json.loads(json_report.render_prospect(build(mem_store, catalog, key)))
    assert document["schema"] == SCHEMA == "qualify.report/1"
    assert_valid(document)


def test_demo_reports_validate() -> None:
    catalog = load_catalog(bundled_questionnaires_dir())
    store = MemoryStore()
    now = datetime(2025, 6, 1, tzinfo=UTC)
    for qs in catalog.question_sets.values():
        store.put_snapshot(content_hash(qs), qs.model_dump(mode="json"))
    store.add_prospects_bulk(demo.generate(catalog, 60, seed=5, now=now))
    for summary in store.list_prospects():
        report = prospect_report(store, catalog, summary.id, now=now)
        assert_valid(json.loads(json_report.render_prospect(report)))


def test_schema_file_is_the_packaged_one_and_documented() -> None:
    schema = json_report.schema()
    assert schema["$id"] == SCHEMA
    assert schema["properties"]["schema"] == {"const": SCHEMA}
    doc = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    assert SCHEMA in doc
    for key in schema["properties"]:
        assert f"`{key}`" in doc, f"docs/report-schema.md does not describe `{key}`"


def test_schema_rejects_a_wrong_document(mem_store, catalog) -> None:
    document = json.loads(json_report.render_prospect(build(mem_store, catalog, "muller")))
    document["verdict"]["score"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json_report.schema())
    document = json.loads(json_report.render_prospect(build(mem_store, catalog, "muller")))
    document["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        STRICT.validate(document)
    jsonschema.validate(document, json_report.schema())  # published schema: forward-compatible


def test_json_values_keep_their_types(mem_store, catalog) -> None:
    document = json.loads(json_report.render_prospect(build(mem_store, catalog, "muller")))
    answers = {
        a["question_id"]: a
        for i in document["interviews"]
        for s in i["sections"]
        for a in s["answers"]
    }
    assert answers["asked_about"]["value"] == ["margin", "support"]
    assert answers["local_presence"]["value"] is True
    assert answers["years"]["value"] == 12 and answers["years"]["source"] == "estimated"
    assert answers["business"]["question"] == "What kind of business are you?"  # the snapshot
