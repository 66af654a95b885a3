"""Choosing the language: --lang, a prospect's own language, $QUALIFY_LANG, the config
file; reports in German (Markdown and HTML), scores the same in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path


def _german(report: str) -> bool:
    return "## Urteil" in report and "Wie würden Sie Ihr Geschäft beschreiben?" in report


def _english(report: str) -> bool:
    return "## Verdict" in report and "How would you describe your business?" in report


def test_a_report_in_german_with_lang(ws, answered, tmp_path: Path) -> None:
    pid = answered("--territory", "Nord")
    english = ws("report", pid).stdout
    assert _english(english) and not _german(english)
    german = ws("--lang", "de", "report", pid).stdout
    assert _german(german)
    assert "# Passungsbericht: Müller AV" in german
    assert "Lagerhaltender Händler oder Wiederverkäufer" in german  # the option's label
    assert "## Antworten nach Phase" in german
    assert "### Erstes Date" in german  # the pipeline's stage titles are translated too
    # dates as German writes them: the added date is today's, DD.MM.YYYY
    assert "Angelegt am " in german and "-" not in german.split("Angelegt am ")[1][:10]


def test_a_report_in_german_as_html(ws, answered, tmp_path: Path) -> None:
    pid = answered("--territory", "Nord")
    page = ws("--lang", "de", "report", pid, "--format", "html").stdout
    assert '<html lang="de">' in page
    assert "<h2>Urteil</h2>" in page and "<h2>Stärken</h2>" in page
    assert "Wie würden Sie Ihr Geschäft beschreiben?" in page
    english = ws("report", pid, "--format", "html").stdout
    assert '<html lang="en">' in english and "<h2>Verdict</h2>" in english


def test_the_language_comes_from_lang_then_the_prospect_then_env_then_config(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered("--territory", "Nord")
    config = tmp_path / "config.yaml"
    config.write_text("language: de\n", encoding="utf-8")
    assert _german(ws("report", pid).stdout)  # the config file
    assert _english(ws("report", pid, env={"QUALIFY_LANG": "en"}).stdout)  # env over config
    config.unlink()
    assert _german(ws("report", pid, env={"QUALIFY_LANG": "de"}).stdout)
    assert _english(ws("--lang", "en", "report", pid, env={"QUALIFY_LANG": "de"}).stdout)
    # a prospect's own language wins over the user's, --lang over everything
    assert ws("prospect", "edit", pid, "--language", "de").exit_code == 0
    assert _german(ws("report", pid, env={"QUALIFY_LANG": "en"}).stdout)
    assert _english(ws("--lang", "en", "report", pid).stdout)
    shown = json.loads(ws("prospect", "show", pid, "--json").stdout)
    assert shown["prospect"]["language"] == "de"


def test_a_prospect_added_in_german_gets_german_reports(ws, answered, tmp_path: Path) -> None:
    pid = answered("--territory", "Nord", "--language", "de")
    assert _german(ws("report", pid).stdout)


def test_a_bad_language_is_one_line_naming_where_it_came_from(ws, answered, tmp_path: Path) -> None:
    bad = ws("--lang", "German!", "validate")
    assert bad.exit_code == 2
    assert (
        bad.stderr == "qualify: error: --lang German!: not a language code (use en, de, de_CH…)\n"
    )
    pid = answered("--territory", "Nord")
    from_env = ws("report", pid, env={"QUALIFY_LANG": "x1"})
    assert from_env.exit_code == 2
    assert "$QUALIFY_LANG: 'x1' is not a language code" in from_env.stderr
    edited = ws("prospect", "edit", pid, "--language", "Deutsch")
    assert edited.exit_code == 2 and "--language Deutsch: not a language code" in edited.stderr


def test_german_and_english_interviews_score_identically(ws, answered, tmp_path: Path) -> None:
    english = answered("--territory", "Nord")
    german = answered("--territory", "Nord", "--language", "de")
    en = json.loads(ws("report", english, "--format", "json").stdout)
    de = json.loads(ws("--lang", "de", "report", german, "--format", "json").stdout)
    assert de["verdict"]["score"] == en["verdict"]["score"] is not None
    assert [s["score"] for s in de["sections"]] == [s["score"] for s in en["sections"]]
    # answers are kept by option value, whatever the language shown
    exported = tmp_path / "export.json"
    assert ws("export", "-o", str(exported)).exit_code == 0
    assert '"value": "stocking_dealer"' in exported.read_text(encoding="utf-8").replace(
        '":"', '": "'
    )


def test_the_portfolio_in_german(ws, answered, tmp_path: Path) -> None:
    answered("--territory", "Nord")
    english = ws("report", "--portfolio").stdout
    assert "# Partner portfolio" in english and "## Ranking by stage" in english
    german = ws("--lang", "de", "report", "--portfolio").stdout
    assert "# Partnerportfolio" in german and "## Rangfolge nach Phase" in german
    assert "### Erstes Date (1)" in german  # the pipeline's stage title
    page = ws("report", "--portfolio", "--format", "html", env={"QUALIFY_LANG": "de"}).stdout
    assert '<html lang="de">' in page and "<h2>Rangfolge nach Phase</h2>" in page
    assert "Kosten &gt; Ertrag" in page  # escaped once, as every word of ours


def test_a_language_babel_does_not_know_shows_english_figures(ws, answered) -> None:
    """`--lang xx` is a well-formed code a set may use (`languages: [en, xx]`); qualify
    has no words or number formats for it: English ones, never an internal error."""
    pid = answered("--territory", "Nord")
    for args in (("--lang", "xx"), ("--lang", "de-XX")):
        listed = ws(*args, "prospect", "list")
        assert listed.exit_code == 0, listed.output
        assert "Müller AV" in listed.stdout
    assert "Gebiet" in ws("--lang", "de-XX", "prospect", "show", pid).stdout.replace("GEBIET", "")
    shown = ws("prospect", "show", pid, env={"QUALIFY_LANG": "xx"})
    assert shown.exit_code == 0 and "Müller AV" in shown.stdout


WHAT_IF_SET = """\
id: audit
title: {en: Audit set, de: Prüfset}
version: 1
languages: [en, de]
bands:
  - {min: 50, label: {en: Strong fit, de: Passt gut}}
  - {min: 0, label: {en: Weak fit, de: Passt schlecht}}
sections:
  - id: company
    title: {en: Company, de: Unternehmen}
    weight: 1
    questions:
      - id: founded
        type: date
        text: {en: Founded, de: Gegründet}
        constraint: "founded <= today()"
        constraint_message: {en: Not in the future., de: Nicht in der Zukunft.}
      - id: showroom
        type: yes_no
        text: {en: A showroom?, de: Ein Ausstellungsraum?}
        score: {yes: 5, no: 0}
"""


def test_what_if_scoring_speaks_the_sets_language(ws, tmp_path: Path) -> None:
    """`qualify score` with no prospect: the set's own texts (title, sections, bands,
    constraint messages) in the language in use, as a prospect's report has them."""
    qs = tmp_path / "audit.yaml"
    qs.write_text(WHAT_IF_SET, encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text("founded: 2015-03-01\nshowroom: yes\n", encoding="utf-8")
    args = ("score", "--questionnaire", str(qs), "--answers", str(answers))
    german = ws("--lang", "de", *args).stdout
    assert german.startswith("Prüfset (audit v1)\n")
    assert "Passt gut" in german and "Unternehmen" in german and "Strong fit" not in german
    english = ws(*args).stdout
    assert english.startswith("Audit set (audit v1)\n") and "Strong fit" in english
    answers.write_text("founded: 2199-01-01\nshowroom: yes\n", encoding="utf-8")
    refused = ws("--lang", "de", *args)
    assert refused.exit_code != 0
    assert f"{answers}:1:10: founded: Nicht in der Zukunft." in refused.stderr
    assert "Not in the future." in ws(*args).stderr


def test_the_history_of_prospect_show_in_german(ws, answered) -> None:
    """What happened, when and at which stage, in the language's words; English keeps
    the values it always showed."""
    pid = answered("--territory", "Nord")
    german = ws("--lang", "de", "prospect", "show", pid).stdout.split("Verlauf\n", 1)[1]
    assert "  Angelegt Erstes Date von " in german
    assert re.match(r"  \d\d\.\d\d\.\d{4}, \d\d:\d\d  ", german)
    english = ws("prospect", "show", pid).stdout.split("History\n", 1)[1]
    assert re.match(r"  \d{4}-\d\d-\d\d \d\d:\d\d  created  first-date by ", english)


def test_a_refused_answer_says_the_sets_constraint_message_in_the_language_in_use(
    ws, answered
) -> None:
    """The bundled first-date set words its founding-date constraint in English and
    German: a German user refused on the command line reads the German one, however the
    answer was given, and an English user the English one; nothing is recorded."""
    pid = answered()
    german = "Ein Unternehmen kann nicht in der Zukunft gegründet werden; prüfen Sie das Datum"
    english = "A company cannot be founded in the future; check the date"
    for chosen in (["--lang", "de"], []):
        env = {} if chosen else {"QUALIFY_LANG": "de"}
        refused = ws(*chosen, "answer", pid, "founded", "2099-01-01", env=env)
        assert refused.exit_code == 1
        assert refused.output.strip().endswith(f"nichts festgehalten: founded: {german}")
    refused = ws("answer", pid, "founded", "2099-01-01")
    assert refused.exit_code == 1 and english in refused.output and german not in refused.output
    shown = json.loads(ws("prospect", "show", pid, "--json").stdout)
    # the date itself, not "2099": a timestamp's microseconds may hold those digits
    lines = [q for s in shown["breakdown"]["sections"] for q in s["questions"]]
    founded = next(q for q in lines if q["id"] == "founded")
    assert founded["value"] == "2015-03-01"
    assert "2099-01-01" not in json.dumps(shown)


def test_a_calculated_answer_shows_its_dates_as_the_language_writes_them(ws, answered) -> None:
    """`years_trading = founded …, today() …`: German writes both dates its way (they
    were ISO dates beside a German figure); English keeps the ISO dates it always showed,
    and the JSON keeps them as data."""
    pid = answered()  # founded: 2015-03-01
    german = ws("--lang", "de", "prospect", "show", pid).stdout
    [line] = [x for x in german.splitlines() if x.strip().startswith("years_trading")]
    assert "= founded 01.03.2015, today() " in line
    assert re.search(r"today\(\) \d\d\.\d\d\.\d{4}$", line)
    english = ws("prospect", "show", pid).stdout
    assert "= founded 2015-03-01, today() " in english
    shown = json.loads(ws("--lang", "de", "prospect", "show", pid, "--json").stdout)
    assert "2015-03-01" in json.dumps(shown)


def test_a_german_prospects_refused_answer_is_said_in_german(ws, answered) -> None:
    """Once the prospect is read, a command about it speaks its language: an unknown
    question or a value that is no option, given on the command line, is refused in
    German for a German prospect (as an answer file's problems already were), and in
    English with --lang en; nothing is recorded."""
    pid = answered("--language", "de")
    unknown = ws("answer", pid, "employes", "12")
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "qualify: Fehler: QUESTION: 'employes' ist keine Frage von first-date "
        "(meinten Sie 'employees'?)\n"
    )
    wrong = ws("answer", pid, "partner_type", "dealer")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "qualify: Fehler: VALUE: partner_type: 'dealer' ist keine Option"
    )
    english = ws("--lang", "en", "answer", pid, "employes", "12")
    assert english.stderr.startswith("qualify: error: QUESTION: 'employes' is not a question of")
    shown = json.loads(ws("prospect", "show", pid, "--json").stdout)
    values = {q["id"]: q["value"] for s in shown["breakdown"]["sections"] for q in s["questions"]}
    assert values["partner_type"] == "stocking_dealer" and "employes" not in values


def test_once_the_prospect_is_read_every_refusal_speaks_its_language(
    ws, answered, tmp_path: Path
) -> None:
    """meet, attach and review about a German prospect refuse in German (they spoke the
    user's language when the refusal came from the workflow rather than the command);
    --lang en wins; an id that matches no prospect is said in the user's language."""
    pid = answered("--language", "de")
    letter = tmp_path / "letter.txt"
    letter.write_text("x", encoding="utf-8")
    refusals = {
        ("meet", pid, "2026-13-01"): "'2026-13-01' ist kein gültiges Datum",
        ("attach", pid, "nope", str(letter)): "QUESTION nope: keine Frage von first-date",
        ("review", pid): "geprüft werden nur feste Partner",
    }
    for args, german in refusals.items():
        refused = ws(*args)
        assert refused.exit_code != 0 and refused.stderr.startswith("qualify: Fehler: "), args
        assert german in refused.stderr, (args, refused.stderr)
    english = ws("--lang", "en", "review", pid)
    assert english.stderr.startswith("qualify: error: ") and "only committed" in english.stderr
    unknown = ws("meet", "nope", "2026-12-24")
    assert unknown.stderr.startswith("qualify: error: no prospect id starts with 'nope'")


USAGE = [
    (("answer",), "ID is missing", "ID fehlt", "qualify answer"),
    (("prospekt",), "no such command prospekt", "kein Befehl prospekt", "qualify"),
    (
        ("report", "--format", "xx"),
        "--format: 'xx' is not one of 'md', 'html', 'json', 'csv'",
        "--format: 'xx' ist keiner von 'md', 'html', 'json', 'csv'",
        "qualify report",
    ),
    (
        ("answer", "x", "q", "v", "--notee", "n"),
        "no such option --notee (did you mean --note?)",
        "keine Option --notee (meinten Sie --note?)",
        "qualify answer",
    ),
    (
        ("answer", "x", "q", "v", "w", "z"),
        "unexpected extra arguments: w z",
        "unerwartete zusätzliche Argumente: w z",
        "qualify answer",
    ),
    (("answer", "x", "q", "v", "--note"), "--note needs a value", "--note braucht einen Wert",
     "qualify answer"),
    (("--bogus",), "no such option --bogus", "keine Option --bogus", "qualify"),
]  # fmt: skip


def test_a_command_line_used_wrongly_is_one_line_in_the_users_language(
    tmp_path: Path, monkeypatch
) -> None:
    """Click said these in four lines of its own English (Usage, Try, a blank, Error:
    Missing argument 'ID'.), also in German; now one line as every error, naming the
    argument or option, with the command whose help says how, and status 2."""
    from click.testing import CliRunner

    from qualify.cli import main

    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    monkeypatch.setenv("QUALIFY_CONFIG", str(tmp_path / "config.yaml"))

    def ws(*args: str, env: dict[str, str] | None = None):  # as the installed `qualify`
        base = ["--data-dir", str(tmp_path / "ws")]
        return CliRunner().invoke(main, [*base, *args], prog_name="qualify", env=env)

    for args, english, german, command in USAGE:
        said = ws(*args)
        assert (said.exit_code, said.stdout) == (2, ""), args
        assert said.stderr == f"qualify: error: {english} (see '{command} --help')\n", args
        said = (
            ws("--lang", "de", *args)
            if args != ("--bogus",)
            else ws(*args, env={"QUALIFY_LANG": "de"})
        )
        assert said.exit_code == 2, args
        assert said.stderr == f"qualify: Fehler: {german} (siehe '{command} --help')\n", args
    # what was typed is shown, never played, and cut: not a line of 100,000 characters
    said = ws("x" * 100_000 + "\x1b[2J")
    assert said.exit_code == 2 and len(said.stderr) < 200 and "\x1b" not in said.stderr
    said = ws("pro\x1b[2Jspect")
    assert "no such command pro\\x1b[2Jspect" in said.stderr
    # giving nothing to a group still asks for its help, as ever
    shown = ws("prospect")
    assert "Usage: qualify prospect" in shown.output and "Error" not in shown.output
