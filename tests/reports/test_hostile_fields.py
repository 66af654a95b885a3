"""Hostile text in every field a person types — names, territories, notes, tags, answers,
decline/override/hold reasons, interviewers, and the question, option, section, band and
stage texts of a hostile question set — and a generic check of every output: the HTML
holds no element or attribute the template did not write, the Markdown no raw markup,
the CSV no cell a spreadsheet would run, and no output a control character."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from typing import Any

import html5lib
import pytest
import report_fixture
from memstore import MemoryStore
from report_fixture import IDS, NOW

from qualify.core.questionnaire import Catalog, QuestionSet, content_hash
from qualify.core.questionnaire.model import Pipeline
from qualify.core.records import ProspectRecords
from qualify.reports import render_portfolio, render_prospect
from qualify.reports.capacity import Capacity
from qualify.reports.portfolio_cache import portfolio_report
from qualify.reports.prospect import prospect_report

LEAD = "=cmd|' /C calc'!A0 "
TAIL = (
    ' <img src=x onerror="alert(1)"> <script>alert(2)</script> [x](javascript:alert(3))'
    " ![i](http://evil.example/i.png) *b* _i_ | </td></tr> &amp; \x1b[2J\x1b]0;t\x07\u202e"
)


def hostile(text: str) -> str:
    """The same words, wrapped in markup, a formula and escape sequences (empty stays empty,
    so the benign and the hostile workspace have the same shape)."""
    return f"{LEAD}{text}{TAIL}" if text else text


TEXT_KEYS = {"title", "text", "help", "label", "description", "reason"}


def _hostile_doc(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _hostile_doc(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile_doc(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return hostile(value)
    return value


def hostile_catalog(cat: Catalog) -> Catalog:
    sets = {
        sid: QuestionSet.model_validate(_hostile_doc(qs.model_dump(mode="json")))
        for sid, qs in cat.question_sets.items()
    }
    assert cat.pipeline is not None
    pipeline = Pipeline.model_validate(_hostile_doc(cat.pipeline.model_dump(mode="json")))
    return Catalog(question_sets=sets, pipeline=pipeline)


def hostile_records(cat: Catalog) -> list[ProspectRecords]:
    out = []
    for prospect, interviews, history in report_fixture.records(cat):
        prospect = prospect.model_copy(
            update={
                "name": hostile(prospect.name),
                "territory": hostile(prospect.territory),
                "notes": hostile(prospect.notes),
                "tags": [hostile(t) for t in prospect.tags],
                "owner": hostile(prospect.owner),
            }
        )
        changed = []
        for interview in interviews:
            qs = next(q for q in cat.question_sets.values() if q.id == interview.questionnaire_id)
            answers = {}
            for qid, rec in interview.answers.items():
                question = qs.questions.get(qid)
                value = rec.value
                if question is not None and question.type == "text" and isinstance(value, str):
                    value = hostile(value)
                answers[qid] = rec.model_copy(
                    update={"value": value, "note": hostile(rec.note), "by": hostile(rec.by)}
                )
            changed.append(
                interview.model_copy(
                    update={
                        "answers": answers,
                        "notes": hostile(interview.notes),
                        "interviewer": hostile(interview.interviewer),
                    }
                )
            )
        history = [
            h.model_copy(update={"reason": hostile(h.reason), "by": hostile(h.by)}) for h in history
        ]
        out.append(
            ProspectRecords(
                prospect,
                tuple(sorted(changed, key=lambda i: i.started_at)),
                tuple(sorted(history, key=lambda h: h.at)),
            )
        )
    return out


def filled(cat: Catalog, records: list[ProspectRecords]) -> MemoryStore:
    store = MemoryStore()
    for qs in [*cat.question_sets.values(), report_fixture.intro_v1(cat)]:
        store.put_snapshot(content_hash(qs), qs.model_dump(mode="json"))
    store.add_prospects_bulk(records)
    return store


@pytest.fixture(scope="module")
def workspaces() -> tuple[tuple[MemoryStore, Catalog], tuple[MemoryStore, Catalog]]:
    benign = report_fixture.catalog()
    plain = [
        ProspectRecords(p, tuple(sorted(i, key=lambda x: x.started_at)), tuple(h))
        for p, i, h in report_fixture.records(benign)
    ]
    evil = hostile_catalog(benign)
    return (filled(benign, plain), benign), (filled(evil, hostile_records(evil)), evil)


def _outputs(store: MemoryStore, cat: Catalog, wrap=lambda s: s) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in IDS:
        report = prospect_report(store, cat, IDS[key], now=NOW, tz=None)
        for fmt in ("md", "html", "json"):
            out[f"{key}.{fmt}"] = render_prospect(report, fmt)
    fixed = report_fixture.CAPACITY
    capacity = Capacity({wrap(k): v for k, v in fixed.territories.items()}, fixed.default, "x")
    portfolio = portfolio_report(store, cat, capacity=capacity, now=NOW)
    for fmt in ("md", "html", "csv"):
        out[f"portfolio.{fmt}"] = render_portfolio(portfolio, fmt)
    return out


def _structure(document: str) -> Counter[tuple[str, tuple[str, ...]]]:
    """Every element with the names of its attributes: what the template wrote."""
    tree = html5lib.parse(document, namespaceHTMLElements=False)
    return Counter(
        (el.tag if isinstance(el.tag, str) else "#", tuple(sorted(el.attrib))) for el in tree.iter()
    )


RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")


def test_hostile_fields_change_no_structure_and_never_act(workspaces) -> None:
    (benign_store, benign_cat), (evil_store, evil_cat) = workspaces
    benign = _outputs(benign_store, benign_cat)
    evil = _outputs(evil_store, evil_cat, hostile)
    assert benign.keys() == evil.keys()
    for name, text in evil.items():
        assert not RAW_CONTROL.search(text), (name, RAW_CONTROL.search(text))
        assert "x1b" in text or "u001b" in text, name  # shown as text, not dropped
        if name.endswith(".html"):
            assert _structure(text) == _structure(benign[name]), name
            assert "javascript:" not in re.sub(r">[^<]*<", "><", text), name  # no such attr
        elif name.endswith(".md"):
            for raw in ("<img", "<script", "](javascript", "![i]", "</td>"):
                assert not re.search(r"(?<!\\)" + re.escape(raw), text), (name, raw)
        elif name.endswith(".json"):
            data = json.loads(text)
            assert LEAD.strip() in json.dumps(data, ensure_ascii=False)
        elif name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
            for row in rows:
                for cell in row:
                    assert not cell.lstrip().startswith(("=", "+", "@", "\t", "\r")), cell
                    assert not (cell.startswith("-") and not re.fullmatch(r"-[\d.]+", cell))


def test_the_hostile_workspace_really_is_hostile_everywhere(workspaces) -> None:
    """Guard against a fixture change that quietly leaves a field benign."""
    _, (evil_store, evil_cat) = workspaces
    html = _outputs(evil_store, evil_cat, hostile)["muller.html"]
    for words in ("Müller &amp; Søn AV", "Director wants them", "Saw the showroom"):
        assert words in html, words
    assert html.count("=cmd|") >= 10
