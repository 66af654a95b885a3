"""`qualify convert`: XLSForms written with openpyxl, each feature through the command a
user runs, the output checked with `qualify validate` and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook
from support import qualify_cli

from qualify.convert.xpath import Untranslatable, translate
from qualify.core.questionnaire import load_question_set

SURVEY_HEADER = [
    "type", "name", "label::English (en)", "label::Deutsch (de)", "hint::English (en)",
    "required", "relevant", "constraint", "constraint_message::English (en)", "calculation",
    "repeat_count",
]  # fmt: skip


def workbook(
    path: Path,
    survey: list[dict[str, Any]],
    choices: list[tuple[str, str, str, str]] = (),
    settings: dict[str, Any] | None = None,
) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY_HEADER)
    for row in survey:
        sheet.append([row.get(col) for col in SURVEY_HEADER])
    ch = book.create_sheet("choices")
    ch.append(["list_name", "name", "label::English (en)", "label::Deutsch (de)"])
    for row in choices:
        ch.append(list(row))
    if settings is not None:
        st = book.create_sheet("settings")
        st.append(list(settings))
        st.append(list(settings.values()))
    book.save(path)
    return path


def run(*args: str):
    return qualify_cli(None, *args)


DEALER_FORM = [
    {"type": "begin group", "name": "company", "label::English (en)": "Company", "label::Deutsch (de)": "Firma"},
    {"type": "select_one kind", "name": "kind", "label::English (en)": "What kind of company?",
     "label::Deutsch (de)": "Welche Art von Firma?", "required": "yes",
     "hint::English (en)": "In their words first."},
    {"type": "date", "name": "founded", "label::English (en)": "Founded on",
     "constraint": ". <= today()", "constraint_message::English (en)": "Not in the future"},
    {"type": "integer", "name": "staff", "label::English (en)": "Staff",
     "constraint": ". >= 0 and . < 10000", "relevant": "${kind} != 'online'"},
    {"type": "decimal", "name": "revenue", "label::English (en)": "Revenue (k€)"},
    {"type": "calculate", "name": "per_head", "calculation": "${revenue} div ${staff}"},
    {"type": "select_multiple verticals", "name": "verticals", "label::English (en)": "Verticals",
     "required": "selected(${kind}, 'dealer')"},
    {"type": "note", "name": "intro", "label::English (en)": "Thank them for their time."},
    {"type": "end group"},
    {"type": "begin repeat", "name": "refs", "label::English (en)": "References", "repeat_count": "3"},
    {"type": "text", "name": "ref_name", "label::English (en)": "Customer we may call"},
    {"type": "select_one outcome", "name": "ref_outcome", "label::English (en)": "What did they say?",
     "relevant": "not(${ref_name} = '')"},
    {"type": "end repeat"},
    {"type": "geopoint", "name": "where", "label::English (en)": "Location"},
    {"type": "image", "name": "shop", "label::English (en)": "Photo of the shop"},
    {"type": "text", "name": "notes", "label::English (en)": "Notes",
     "relevant": "string-length(${kind}) > 0"},
    {"type": "select_one_from_file dealers.csv", "name": "existing", "label::English (en)": "Which dealer?"},
]  # fmt: skip
DEALER_CHOICES = [
    ("kind", "dealer", "Dealer", "Händler"),
    ("kind", "online", "Online shop", "Onlinehändler"),
    ("verticals", "retail", "Retail", "Einzelhandel"),
    ("verticals", "health", "Healthcare", "Gesundheit"),
    ("outcome", "confirm", "Confirms", "Bestätigt"),
    ("outcome", "negative", "Negative", "Negativ"),
]


def test_a_dealer_form_converts_and_validates(tmp_path: Path) -> None:
    form = workbook(
        tmp_path / "dealer.xlsx",
        DEALER_FORM,
        DEALER_CHOICES,
        {"form_title": "Dealer application", "form_id": "dealer_app", "version": "7"},
    )
    out = tmp_path / "dealer.yaml"
    result = run("convert", str(form), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert run("validate", str(out)).exit_code == 0
    qs = load_question_set(out)
    assert (qs.id, qs.title, qs.version) == ("dealer_app", "Dealer application", 7)
    assert [s.id for s in qs.sections] == ["company", "refs", "main"]
    q = qs.questions
    assert q["kind"].type == "choice" and q["kind"].required
    assert q["kind"].help == "In their words first."
    assert [o.label for o in q["kind"].options] == ["Dealer", "Online shop"]
    assert q["founded"].type == "date" and q["founded"].constraint == ". <= today()"
    assert q["founded"].constraint_message == "Not in the future"
    assert q["staff"].integer and q["staff"].when == "kind != 'online'"
    assert q["per_head"].type == "calculated" and q["per_head"].formula == "revenue / staff"
    assert q["verticals"].type == "multi" and q["verticals"].required_when == "kind == 'dealer'"
    assert qs.sections[1].repeat is not None and qs.sections[1].repeat.max == 3
    assert q["ref_outcome"].when == "not (ref_name == '')"
    lost = result.stderr
    for expected in (
        "survey row 9: note 'intro': a note is not a question",
        "survey row 15: geopoint 'where': locations are not recorded",
        "survey row 16: image 'shop': photos are evidence files",
        "survey row 17: text 'notes' `string-length(${kind}) > 0`: relevant not converted: "
        "the function string-length() has no equivalent",
        "survey row 18: select_one_from_file 'existing': choices from an external file",
    ):
        assert expected in lost, lost
    assert "labels in de" not in lost  # both languages are kept
    header = out.read_text().split("\nid:")[0]
    assert "# Not converted:" in header and "geopoint 'where'" in header


def test_every_language_of_the_form_is_kept(tmp_path: Path) -> None:
    form = workbook(tmp_path / "f.xlsx", [*DEALER_FORM[:3], DEALER_FORM[8]], DEALER_CHOICES)
    out = tmp_path / "f.yaml"
    assert run("convert", str(form), "-o", str(out)).exit_code == 0
    qs = load_question_set(out)
    assert qs.languages == ["en", "de"]
    kind = qs.questions["kind"]
    assert kind.text == "What kind of company?"
    assert kind.text.translations == {"en": "What kind of company?", "de": "Welche Art von Firma?"}
    assert qs.sections[0].title.translations == {"en": "Company", "de": "Firma"}
    assert kind.options[0].label.translations == {"en": "Dealer", "de": "Händler"}
    assert (
        "    text:\n      en: What kind of company?\n      de: Welche Art von Firma?\n"
        in out.read_text()
    )
    assert "    text: Founded on\n" in out.read_text()  # English only: plain text
    # a text the form has in English only is kept, and validate warns at its place
    checked = run("validate", str(out))
    assert checked.exit_code == 0
    assert "warning: missing translation: no de text here" in checked.output


def test_the_other_language_can_be_kept_instead(tmp_path: Path) -> None:
    form = workbook(tmp_path / "f.xlsx", [*DEALER_FORM[:3], DEALER_FORM[8]], DEALER_CHOICES)
    out = tmp_path / "f.yaml"
    assert run("convert", str(form), "-o", str(out), "--lang", "de").exit_code == 0
    qs = load_question_set(out)
    assert qs.languages == ["de", "en"]  # German first: the default
    assert qs.questions["kind"].text == "Welche Art von Firma?"
    assert qs.sections[0].title == "Firma"
    assert qs.questions["kind"].options[0].label == "Händler"


def test_a_condition_on_a_later_question_is_dropped_and_listed(tmp_path: Path) -> None:
    form = workbook(
        tmp_path / "f.xlsx",
        [
            {"type": "text", "name": "first", "label::English (en)": "First", "relevant": "${second} = 'x'"},
            {"type": "text", "name": "second", "label::English (en)": "Second"},
        ],
    )  # fmt: skip
    out = tmp_path / "f.yaml"
    result = run("convert", str(form), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "first when `second == 'x'`" in result.stderr
    assert "not asked before this point" in result.stderr
    assert load_question_set(out).questions["first"].when is None


def test_names_that_are_not_identifiers_become_ones(tmp_path: Path) -> None:
    form = workbook(
        tmp_path / "f.xlsx",
        [
            {"type": "integer", "name": "sales-reps", "label::English (en)": "Reps"},
            {"type": "integer", "name": "2nd.site", "label::English (en)": "Sites",
             "relevant": "${sales-reps} > 2"},
        ],
    )  # fmt: skip
    out = tmp_path / "f.yaml"
    assert run("convert", str(form), "-o", str(out)).exit_code == 0
    qs = load_question_set(out)
    assert list(qs.questions) == ["sales_reps", "q_2nd_site"]
    assert qs.questions["q_2nd_site"].when == "sales_reps > 2"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("not-a-workbook", "not an Excel workbook"),
        ("no-survey", "no 'survey' sheet"),
    ],
)
def test_files_that_are_not_xlsforms_are_one_line(tmp_path: Path, given: str, message: str) -> None:
    path = tmp_path / "form.xlsx"
    if given == "not-a-workbook":
        path.write_text("id: x\n")
    else:
        book = Workbook()
        book.active.title = "other"
        book.save(path)
    result = run("convert", str(path), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "out.yaml").exists()


def test_an_existing_output_is_kept_unless_forced(tmp_path: Path) -> None:
    form = workbook(tmp_path / "f.xlsx", [*DEALER_FORM[:2], DEALER_FORM[8]], DEALER_CHOICES)
    out = tmp_path / "f.yaml"
    out.write_text("mine\n")
    assert run("convert", str(form), "-o", str(out)).exit_code == 1
    assert out.read_text() == "mine\n"
    assert run("convert", str(form), "-o", str(out), "--force").exit_code == 0
    assert load_question_set(out).id


@pytest.mark.parametrize(
    ("xpath", "ours"),
    [
        ("${a} = 'x'", "a == 'x'"),
        ("${a} != 2 and ${b} >= 3", "a != 2 and b >= 3"),
        ("selected(${m}, 'v') or not(${a} = 'y')", "'v' in m or not (a == 'y')"),
        ("selected(${s}, 'v')", "s == 'v'"),
        ("(${a} + ${b}) * 2 div 4", "(a + b) * 2 / 4"),
        (". <= today()", ". <= today()"),
        ("round(${a} div 3, 1)", "round(a / 3, 1)"),
        ("max(${a}, ${b}) - -1", "max(a, b) - -1"),
        ("true()", "true"),
        ('${a} = "it\'s"', "a == 'it\\'s'"),
    ],
)
def test_expressions_that_translate(xpath: str, ours: str) -> None:
    assert translate(xpath, {"a": "a", "b": "b", "m": "m", "s": "s"}, {"s"}) == ours


@pytest.mark.parametrize(
    ("xpath", "reason"),
    [
        ("${a} mod 2", "'mod'"),
        ("if(${a} > 1, 2, 3)", "if()"),
        ("concat(${a}, 'x')", "concat()"),
        ("count-selected(${m}) > 1", "count-selected()"),
        ("${nope} = 1", "${nope} is not a question"),
        ("/data/a = 1", "unexpected '/'"),
        ("${a} = ", "end of expression"),
        ("", "empty"),
    ],
)
def test_expressions_that_do_not(xpath: str, reason: str) -> None:
    with pytest.raises(Untranslatable, match=re.escape(reason)):
        translate(xpath, {"a": "a", "m": "m"})


import re  # noqa: E402  (used by the parametrized test above)


def test_the_converted_yaml_reads_back_as_written(tmp_path: Path) -> None:
    form = workbook(tmp_path / "f.xlsx", DEALER_FORM, DEALER_CHOICES)
    out = tmp_path / "f.yaml"
    run("convert", str(form), "-o", str(out))
    data = yaml.safe_load(out.read_text())
    assert data["sections"][0]["questions"][0]["id"] == "kind"
