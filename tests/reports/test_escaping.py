"""Hostile names, notes and answers print as text in every format and never act."""

from __future__ import annotations

import csv
import io
import json
import re

import html5lib
import pytest
from report_fixture import HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_TAG, build, build_portfolio

from qualify.core.words import csv_text
from qualify.reports import csv_report, html, json_report, markdown
from qualify.reports.markdown import md

# ------------------------------------------------------------------ Markdown


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("<b>bold</b>", r"\<b\>bold\</b\>"),
        ("*star* and _under_", r"\*star\* and \_under\_"),
        ("a | b", r"a \| b"),
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
        ("![img](x)", r"\!\[img\](x)"),
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("`code`", r"\`code\`"),
        ("Müller & Søn", "Müller & Søn"),
        ("&amp; &#60;", r"\&amp; &\#60;"),
        ("line one\nline two", "line one line two"),
        ("back\\slash", "back\\\\slash"),
        ("$x$ ~~y~~", r"\$x\$ \~\~y\~\~"),
    ],
)
def test_md_escapes_markup(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


def _unescape_md(text: str) -> str:
    """What a CommonMark renderer shows for backslash escapes of ASCII punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


@pytest.mark.parametrize(
    "raw", [HOSTILE_NAME, HOSTILE_NOTE, HOSTILE_TAG, "| pipes | and *stars*", "=1+2", "\\*"]
)
def test_md_escaping_round_trips_to_the_literal_text(raw: str) -> None:
    assert _unescape_md(md(raw)) == raw


def test_markdown_report_shows_hostile_text_literally(mem_store, catalog) -> None:
    text = markdown.render_prospect(build(mem_store, catalog, "hostile"))
    assert not re.search(r"(?<!\\)<", text), "an unescaped < would let a renderer see HTML"
    assert r"# Fit report: \<script\>alert(1)\</script\> \*Evil\* \| Corp" in text
    assert r"\<b\>bold\</b\>" in text
    assert r"\| pipes \| and \*stars\*" in text


def test_markdown_tables_keep_their_columns_with_pipes_in_names(mem_store, catalog) -> None:
    text = markdown.render_portfolio(build_portfolio(mem_store, catalog))
    for line in text.splitlines():
        if line.startswith("|") and "Corp" in line:
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == 10, line  # the ranking table's ten columns


# ---------------------------------------------------------------------- HTML


def _texts(document) -> str:
    return "".join(document.itertext())


def test_html_report_shows_hostile_text_as_text(mem_store, catalog) -> None:
    page = html.render_prospect(build(mem_store, catalog, "hostile"))
    document = html5lib.parse(page, namespaceHTMLElements=False)
    # no element came from the data: only the template's own tags
    assert document.findall(".//script") == []
    assert document.findall(".//img") == []
    assert document.findall(".//b") == []
    assert [e for e in document.iter() if any(k.startswith("on") for k in e.attrib)] == []
    shown = _texts(document)
    assert HOSTILE_NAME in shown
    assert "<b>bold</b>" in shown
    assert HOSTILE_TAG in shown
    assert document.find(".//title").text == f"Fit report: {HOSTILE_NAME}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_portfolio_shows_hostile_text_as_text(mem_store, catalog) -> None:
    page = html.render_portfolio(build_portfolio(mem_store, catalog))
    document = html5lib.parse(page, namespaceHTMLElements=False)
    assert document.findall(".//script") == []
    assert HOSTILE_NAME in _texts(document)


# ---------------------------------------------------------------------- JSON


def test_json_keeps_hostile_text_exact(mem_store, catalog) -> None:
    data = json.loads(json_report.render_prospect(build(mem_store, catalog, "hostile")))
    assert data["prospect"]["name"] == HOSTILE_NAME
    assert data["prospect"]["notes"] == HOSTILE_NOTE
    assert data["prospect"]["tags"] == [HOSTILE_TAG]
    notes = [a["note"] for i in data["interviews"] for s in i["sections"] for a in s["answers"]]
    assert HOSTILE_NOTE in notes


# ----------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    "cell",
    [
        "=1+2",
        "+1+1",
        "-1-cmd",
        "@SUM(A1)",
        "\tx",
        '  =HYPERLINK("x")',
        "＝1+2",
        "=cmd|' /C calc'!A0",
    ],
)
def test_csv_neutralises_formula_cells(cell: str) -> None:
    assert csv_text(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["Müller & Søn", "North", "", "a=b", "1-2", "x@y", "-3", "+1", "2.5e3"]
)
def test_csv_leaves_ordinary_text_and_plain_numbers_alone(cell: str) -> None:
    assert csv_text(cell) == cell


def test_csv_shows_control_characters_as_text() -> None:
    assert csv_text("\rx") == "\\x0dx"
    assert csv_text("a\x1b[2Jb\nline two") == "a\\x1b[2Jb\nline two"


def test_portfolio_csv_is_bom_utf8_and_injection_safe(mem_store, catalog) -> None:
    text = csv_report.render_portfolio(build_portfolio(mem_store, catalog))
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 7
    for row in rows:
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), value
    hostile = next(r for r in rows if r["id"] == "bad000000001")
    assert hostile["name"] == HOSTILE_NAME  # '<' is not a formula character: kept as is
    assert hostile["territory"] == "'=SUM(A1:A9)"
    muller = next(r for r in rows if r["name"] == "Müller & Søn AV")
    assert muller["score"] == "70.0"
