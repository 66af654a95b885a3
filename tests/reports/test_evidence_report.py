"""Evidence files in the fit report: Markdown, HTML and JSON list name, size, hash, who
and when; a superseded file stays listed, marked; hostile names stay text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import html5lib
import jsonschema
from memstore import MemoryStore
from report_fixture import IDS, build

from qualify.core.evidence import Attachment, digest
from qualify.core.questionnaire import Catalog
from qualify.reports import html, json_report, markdown

PID = IDS["muller"]
HOSTILE_NAME = "<img src=x onerror=alert(1)> *Evil* | Corp"
OLD = b"%PDF-1.4 credit report 2024\n"
NEW = b"%PDF-1.4 credit report 2025, with the bank's letter\n"


def _attach(store: MemoryStore, content: bytes, name: str, day: int, note: str = "") -> None:
    store.add_attachment(
        Attachment(
            prospect_id=PID,
            stage="plan",
            question_id="plan_signed",
            name=name,
            size=len(content),
            sha256=digest(content),
            note=note,
            by="anna",
            at=datetime(2025, 5, day, 9, 30, tzinfo=UTC),
        ),
        content,
    )


def _filled(mem_store: MemoryStore) -> MemoryStore:
    _attach(mem_store, OLD, "credit 2024.pdf", 2)
    _attach(mem_store, NEW, HOSTILE_NAME + ".pdf", 20, note="from | the bank")
    return mem_store


def test_markdown_lists_every_file_and_marks_the_superseded_one(
    mem_store: MemoryStore, catalog: Catalog
) -> None:
    text = markdown.render_prospect(build(_filled(mem_store), catalog, "muller"))
    section = text.split("## Evidence files\n")[1].split("## Timeline")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0].startswith("| File | For | Size | SHA-256 | By | When |")
    old, new = rows[1:]
    assert "credit 2024.pdf (superseded by" in old
    assert f"`{digest(OLD)[:12]}`…" in old and "28 bytes" in old and "2025-05-02 09:30" in old
    assert "| anna |" in old
    assert "superseded" not in new and "from \\| the bank" in new
    assert "\\<img src=x" in section  # escaped: it shows as text


def test_html_shows_them_as_text(mem_store: MemoryStore, catalog: Catalog) -> None:
    page = html.render_prospect(build(_filled(mem_store), catalog, "muller"))
    document = html5lib.parse(page, namespaceHTMLElements=False)
    section = document.find(".//section[@id='evidence']")
    assert section is not None
    cells = [" ".join(td.itertext()) for td in section.iter("td")]
    assert any(HOSTILE_NAME in c for c in cells)  # a name, not markup
    assert not list(section.iter("img"))
    assert digest(NEW)[:12] in page


def test_json_carries_them_and_validates(mem_store: MemoryStore, catalog: Catalog) -> None:
    data = json.loads(json_report.render_prospect(build(_filled(mem_store), catalog, "muller")))
    jsonschema.Draft202012Validator(json_report.schema()).validate(data)
    old, new = data["attachments"]
    assert old["sha256"] == digest(OLD) and old["size"] == len(OLD)
    assert old["superseded_by"] == HOSTILE_NAME + ".pdf"
    assert (new["superseded_by"], new["by"], new["note"]) == (None, "anna", "from | the bank")
    assert new["stage"]["id"] == "plan"


def test_a_prospect_without_files_has_no_evidence_section(
    mem_store: MemoryStore, catalog: Catalog
) -> None:
    report = build(mem_store, catalog, "muller")
    assert "Evidence files" not in markdown.render_prospect(report)
    assert 'id="evidence"' not in html.render_prospect(report)
    assert json.loads(json_report.render_prospect(report))["attachments"] == []


def test_the_portfolio_counts_each_prospects_files_in_force(
    mem_store: MemoryStore, catalog: Catalog
) -> None:
    """CSV and JSON: files in force (the superseded one is not counted) and the newest
    one's date; a prospect without files has 0 and no date."""
    import csv
    import io

    from report_fixture import build_portfolio

    from qualify.reports import csv_report, json_portfolio

    _filled(mem_store)
    other = b"showroom photo"
    mem_store.add_attachment(
        Attachment(
            prospect_id=PID,
            stage="plan",
            question_id="champion",
            name="front.jpg",
            size=len(other),
            sha256=digest(other),
            at=datetime(2025, 5, 11, 8, 0, tzinfo=UTC),
        ),
        other,
    )
    report = build_portfolio(mem_store, catalog)
    rows = list(csv.DictReader(io.StringIO(csv_report.render_portfolio(report).lstrip("\ufeff"))))
    by_id = {r["id"]: r for r in rows}
    assert (by_id[PID]["evidence_files"], by_id[PID]["evidence_latest"]) == ("2", "2025-05-20")
    others = [r for r in rows if r["id"] != PID]
    assert others and all((r["evidence_files"], r["evidence_latest"]) == ("0", "") for r in others)

    data = json.loads(json_portfolio.render_portfolio(report))
    jsonschema.validate(data, json_portfolio.schema())
    listed = {row["id"]: row["evidence"] for group in data["stages"] for row in group["prospects"]}
    assert listed[PID] == {"files": 2, "latest": "2025-05-20T09:30:00+00:00"}
    assert all(e == {"files": 0, "latest": None} for pid, e in listed.items() if pid != PID)
