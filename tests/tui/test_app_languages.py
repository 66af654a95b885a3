"""The app in German: the set's German texts, the app's own words from the German
catalog, and answers kept by option value so the score is the one English gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import add_prospect, open_interview, saved, stored_answers

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.tui.widgets.section_bars import SectionBars

pytestmark = pytest.mark.tui


def _shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _score(screen) -> str:
    panel = screen.query_one("#live-score", ScorePanel)
    return " ".join(
        str(panel.query_one(sel, Static).render()) for sel in ("#score-verdict", "#score-facts")
    )


async def _answer_first(app: QualifyApp, pid: str) -> tuple[str, str, str]:
    """The first question as shown, the score panel before and after choosing option 2."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        question = _shown(screen, "#question")
        before = _score(screen)
        await pilot.press("2")
        await saved(pilot, screen)
        return question, before, _score(screen)


async def test_the_interview_in_german_scores_as_in_english(
    data_dir: Path, bundled_sets: Path, tmp_path: Path
) -> None:
    german_id = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    question, before, after = await _answer_first(app, german_id)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert "Noch nicht bewertet" in before or "noch keine bewerteten Antworten" in before
    assert stored_answers(data_dir, german_id)["partner_type"].value == "stocking_dealer"

    english_data = tmp_path / "english"
    english_data.mkdir()
    english_id = add_prospect(english_data, bundled_sets, "Miller AV")
    english = QualifyApp(english_data, bundled_sets, config=TuiConfig())
    question_en, _, after_en = await _answer_first(english, english_id)
    assert question_en == "How would you describe your business?"
    assert stored_answers(english_data, english_id)["partner_type"].value == "stocking_dealer"
    # the same figures, in each language's words
    assert "Abdeckung" in after and "beantwortet" in after
    assert "Coverage" in after_en and "answered" in after_en
    digits = [c for c in after if c.isdigit()]
    assert digits == [c for c in after_en if c.isdigit()]


async def test_the_config_file_sets_the_apps_language(data_dir: Path, bundled_sets: Path) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(language="de"))
    question, _, after = await _answer_first(app, pid)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert "Abdeckung" in after


async def test_a_german_prospect_is_interviewed_in_german_in_an_english_app(
    data_dir: Path, bundled_sets: Path
) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Müller AV", language="de")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    question, _, _ = await _answer_first(app, pid)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert stored_answers(data_dir, pid)["partner_type"].value == "stocking_dealer"
    forced = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language_forced=True)
    async with forced.run_test(size=(120, 40)) as pilot:  # --lang wins over the prospect's
        screen = await open_interview(pilot, pid)
        screen.go("partner_type")
        await pilot.pause()
        assert _shown(screen, "#question") == "How would you describe your business?"


async def test_the_prospects_list_speaks_german(data_dir: Path, bundled_sets: Path) -> None:
    from tui_helpers import wait_home

    from qualify.tui.widgets.prospect_table import ProspectTable

    add_prospect(data_dir, bundled_sets, "Müller AV")
    for language, words in (("de", ("Name", "Phase", "Punktzahl", "Gebiet")), (None, ("Stage",))):
        app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language=language)
        async with app.run_test(size=(120, 40)) as pilot:
            home = await wait_home(pilot)
            header = home.query_one(ProspectTable).render_line(0).text
            assert all(word in header for word in words), header
            assert app.screen.sub_title == ("Interessenten" if language else "Prospects")


async def test_the_app_in_german_labels_its_keys_and_the_prospect_screen(
    data_dir: Path, bundled_sets: Path
) -> None:
    """Under --lang de the footer's keys, their tooltips, the prospect screen's headings
    and its gate read in German (the words of the method, as the German catalog has them)."""
    from textual.widgets import TabbedContent
    from textual.widgets._footer import FooterKey
    from tui_helpers import open_prospect, wait_for

    pid = add_prospect(data_dir, bundled_sets, "Müller AV", kind="dealer")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_prospect(pilot, pid)
        await wait_for(pilot, lambda: screen.query(FooterKey), "the footer")
        keys = {key.description for key in screen.query(FooterKey)}
        assert {"Gespräch", "Weiterrücken", "Absagen", "Bericht", "Zurück"} <= keys
        assert not keys & {"Interview", "Advance", "Decline", "Report", "Back"}
        bindings = {b.binding.description: b.binding for b in screen.active_bindings.values()}
        assert bindings["Gespräch"].tooltip == "Das Gespräch dieser Phase beginnen oder fortsetzen"
        assert "Nur Freunde" in bindings  # shown in the help and the command palette
        assert _shown(screen, "#gate-heading") == "Tor: Erstes Date → Sich kennenlernen"
        assert "Händler" in _shown(screen, "#facts-line")
        gate = _shown(screen, "#gate")
        assert "Tor nicht erfüllt" in gate and "Pflichtfragen unbeantwortet" in gate
        assert "Gate not met" not in gate and "required questions" not in gate
        tabs = screen.query_one(TabbedContent)
        labels = [str(tab.label) for tab in tabs.query("Tab")]
        assert labels[0] == "Übersicht" and labels[1].startswith("Tagesordnung")


async def test_the_prospect_form_sets_its_language_and_the_history_keeps_it(
    data_dir: Path, bundled_sets: Path
) -> None:
    """The add / edit form offers the languages the question sets declare; choosing one
    edits the prospect (its interviews and reports then use it) and is kept in its
    history like any fact edited."""
    from textual.widgets import Input, Select
    from tui_helpers import open_prospect, open_store, wait_for

    from qualify.tui.modals.prospect_form import ProspectForm

    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("e")
        form = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, ProspectForm) else None, "form"
        )
        assert form.languages == ("en", "de")
        choice = form.query_one("#language", Select)
        assert choice.value == ""  # the user's language until one is chosen
        offered = [str(label) for label, _ in choice._options]
        assert offered == ["Yours (the app's language)", "English (en)", "German (de)"]
        choice.value = "de"
        form.query_one("#name", Input).focus()
        await pilot.press("enter")
        store = open_store(data_dir)
        try:
            await wait_for(pilot, lambda: store.get_prospect(pid).language == "de", "the edit")
            edits = [h for h in store.history(pid) if h.action == "edit"]
        finally:
            store.close()
        assert edits and edits[-1].details == {"language": "de"}
        # and back to the user's language: also an edit, also kept
        await pilot.press("e")
        form = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, ProspectForm) else None, "form"
        )
        assert form.query_one("#language", Select).value == "de"
        form.query_one("#language", Select).value = ""
        form.query_one("#name", Input).focus()
        await pilot.press("enter")
        store = open_store(data_dir)
        try:
            await wait_for(pilot, lambda: store.get_prospect(pid).language == "", "the edit")
            edits = [h for h in store.history(pid) if h.action == "edit"]
        finally:
            store.close()
        assert [e.details for e in edits] == [{"language": "de"}, {"language": ""}]


async def test_the_dialogs_and_the_evidence_tab_speak_german(
    data_dir: Path, bundled_sets: Path
) -> None:
    """Under --lang de the export dialog, the reason prompt (its labels and its refusal of
    an empty reason), the evidence tab, the question picker and the attach dialog read in
    German, and no English word of theirs is left."""
    from textual.widgets import Button, Label
    from tui_helpers import open_prospect, screen_ready, wait_for, wait_prospect

    from qualify.tui.modals.evidence import EvidenceDialog
    from qualify.tui.modals.export import ExportDialog
    from qualify.tui.modals.question_picker import QuestionPicker
    from qualify.tui.modals.reason import ReasonPrompt

    def words(screen) -> str:
        shown = [str(w.render()) for w in screen.query(Static)]
        shown += [str(b.label) for b in screen.query(Button)]
        return "\n".join(shown)

    pid = add_prospect(data_dir, bundled_sets, "Müller AV", kind="dealer")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("x")
        export = await wait_for(pilot, lambda: screen_ready(app, ExportDialog), "the export")
        shown = words(export)
        assert "Den Passungsbericht von Müller AV exportieren" in shown
        assert "Berichtsordner des Arbeitsbereichs" in shown and "Written to" not in shown
        await pilot.press("escape")

        await wait_prospect(pilot)
        await pilot.press("h")
        hold = await wait_for(pilot, lambda: screen_ready(app, ReasonPrompt), "the reason")
        labels = [str(label.render()) for label in hold.query(Label)]
        assert "Begründung (wird im Verlauf festgehalten)" in labels
        assert "Wiedervorlage am (JJJJ-MM-TT, optional)" in labels
        assert [str(b.label) for b in hold.query(Button)][-1] == "Abbrechen"
        await pilot.press("enter")  # an empty reason is refused, in German
        await pilot.pause()
        error = str(hold.query_one("#error", Static).render())
        assert (
            error
            == "Eine Begründung ist nötig: Sie wird im Verlauf des Interessenten festgehalten."
        )
        await pilot.press("escape")

        screen = await wait_prospect(pilot)
        await pilot.press("f")
        head = await wait_for(
            pilot, lambda: str(screen.query_one("#evidence-head", Static).render()), "the tab"
        )
        assert head.startswith("Belegdateien") and "Noch keine Datei angehängt" in head
        await pilot.press("plus")
        picker = await wait_for(pilot, lambda: screen_ready(app, QuestionPicker), "the picker")
        assert "Die Datei an welche Frage anhängen?" in words(picker)
        await pilot.press("enter")
        dialog = await wait_for(pilot, lambda: screen_ready(app, EvidenceDialog), "the dialog")
        await wait_for(
            pilot, lambda: str(dialog.query_one("#files-empty", Static).render()), "the list"
        )
        shown = words(dialog) + "\n".join(str(label.render()) for label in dialog.query(Label))
        assert "Belegdateien" in shown and "Anhängen" in shown and "Schließen" in shown
        assert "Diesem Interessenten ist noch keine Datei angehängt." in shown
        assert "Eine Datei an diese Frage anhängen: ihr Pfad" in shown
        assert "Attach" not in shown and "Evidence" not in shown


def _table_text(table) -> str:
    """What the prospects table shows, line by line."""
    return "\n".join(
        "".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)
    )


@pytest.mark.parametrize(("language", "mark"), [("de", ","), ("en", ".")])
async def test_the_prospect_table_writes_scores_the_languages_way(
    data_dir: Path, bundled_sets: Path, language: str, mark: str
) -> None:
    import re

    from tui_helpers import fill_demo, wait_home

    from qualify.tui.widgets.prospect_table import ProspectTable

    fill_demo(data_dir, bundled_sets, 12)
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_home(pilot)
        table = screen.query_one(ProspectTable)
        shown = _table_text(table)
        scores = re.findall(r"(?<![\d.,])(\d{1,3}[.,]\d)(?![\d.,])", shown)
        assert scores, shown
        assert all(mark in score for score in scores), (scores, shown)
        if language == "de":
            assert "Punktzahl" in shown and "Score" not in shown


WEAK_FIT_ANSWERS = """\
partner_type: stocking_dealer
business_model: product_resale_only
founded: 1998-01-01
employees: {value: 180, source: verified}
territory_presence: office_in_territory
main_vertical: no_main_market
target_share: 20
account_overlap: some_overlap
why_interested: no_clear_reason
competing_lines: direct
shelf_space: 2
decision_maker_met: decider_lukewarm
portfolio_gap: 2
their_focus: terms_only
their_questions: [margin, exclusivity]
support_need: 2
legal_standing: none_known
next_step: vague
"""


@pytest.mark.parametrize(
    ("language", "said", "unsaid"),
    [("de", "Passt kaum", "Weak fit"), ("en", "Weak fit", "Passt kaum")],
)
async def test_the_prospect_table_says_the_band_in_the_apps_language(
    data_dir: Path, bundled_sets: Path, tmp_path: Path, language: str, said: str, unsaid: str
) -> None:
    """The list row keeps the band it was scored with (English); the table shows the
    set's German label for it under German."""
    from click.testing import CliRunner
    from tui_helpers import open_store, wait_home

    from qualify.cli import main
    from qualify.tui.widgets.prospect_table import ProspectTable

    base = ["--data-dir", str(data_dir), "--questionnaires", str(bundled_sets), "--lang", "en"]
    runner = CliRunner()
    pid = runner.invoke(main, [*base, "prospect", "add", "Allround Handel GmbH"]).stdout.strip()
    answers = tmp_path / "answers.yaml"
    answers.write_text(WEAK_FIT_ANSWERS, encoding="utf-8")
    assert runner.invoke(main, [*base, "answer", pid, "--from", str(answers)]).exit_code == 0
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await wait_home(pilot)
        table = screen.query_one(ProspectTable)
        shown = _table_text(table)
        assert said in shown and unsaid not in shown, shown
        table.set_filter(said.lower())  # what is on screen finds the row, in either language
        assert table.shown == 1 and table.highlighted is not None and table.highlighted.id == pid
        table.set_filter("kein solches Wort")
        assert table.shown == 0
    with open_store(data_dir) as store:
        [row] = store.list_prospects()
        assert row.band == "Weak fit"  # stored as scored


@pytest.mark.parametrize(
    ("language", "full", "part"), [("de", "100%", "89 %"), ("en", "100%", "89%")]
)
def test_the_coverage_column_shows_a_full_coverage_whole(
    language: str, full: str, part: str
) -> None:
    """German writes 100 %, one cell wider than the column: the cell drops the space
    rather than cutting the figure to 100…"""
    from datetime import UTC, datetime

    from qualify.core.records import ProspectSummary
    from qualify.i18n import use_language
    from qualify.tui.widgets.prospect_table import make_row

    def row(coverage: float):  # type: ignore[no-untyped-def]
        summary = ProspectSummary(
            id="p1", name="Allround", stage="first-date", coverage=coverage,
            updated_at=datetime(2026, 3, 1, tzinfo=UTC),
        )  # fmt: skip
        return make_row(summary, {}, {})

    with use_language(language):
        assert row(1.0).cells["coverage"] == full
        assert row(0.89).cells["coverage"] == part


async def test_the_summary_says_evidence_and_directions_in_german_and_no_band_while_provisional(
    data_dir: Path, bundled_sets: Path
) -> None:
    """The interview's summary (F4) in German: the evidence line, the directions of fit
    and the section bars' headings in German words; and while the score is provisional,
    no band beside a direction either ("Passt gut" on one scored answer of 18 is a
    verdict nobody could sign)."""
    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("2", "enter", "2")  # partner type (not scored), business model
        await saved(pilot, screen)
        await pilot.press("f4")
        await pilot.pause()
        summary = screen.query_one("#summary-score", ScorePanel)
        verdict = _shown(summary, "#score-verdict")
        assert "vorläufig" in verdict
        assert _shown(summary, "#score-evidence") == "Belege: 0 % geprüft · 100 % angegeben"
        directions = _shown(summary, "#score-directions")
        assert "Sie passen zu uns" in directions and "80,0" in directions
        assert "Passt" not in directions  # no band while provisional
        bars = str(summary.query_one(SectionBars).render())
        assert "Wie gut sie zu uns passen · 80,0" in bars
        assert "How well" not in bars and "Evidence" not in verdict


async def test_the_one_line_live_score_says_provisional_in_german(
    data_dir: Path, bundled_sets: Path
) -> None:
    """At 80 columns the interview's score is one line: it read "80 provisional" in the
    German app (the English words of the score label)."""
    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("2", "enter", "2")  # partner type (not scored), business model
        await saved(pilot, screen)
        await pilot.pause()
        line = _shown(screen, "#score-line")
        assert "80 vorläufig" in line and "provisional" not in line


def test_a_german_report_says_a_thin_score_in_german(tmp_path: Path) -> None:
    """The report's verdict of a provisional score: "80 · provisional · 2 of 18
    answered" stood in the middle of the German sentence."""
    from qualify.core.words import provisional_text
    from qualify.i18n import tr, use_language

    with use_language("de"):
        assert tr(provisional_text(61.6, 3, 15)) == "62 · vorläufig · 3 von 15 beantwortet"
    assert tr(provisional_text(None, 3, 15)) == "— · provisional · 3 of 15 answered"


@pytest.mark.parametrize(
    ("language", "thin", "firm"),
    [("en", "80 provisional", "80.0 Strong fit"), ("de", "80 vorläufig", "80,0 Passt gut")],
)
def test_the_score_column_says_when_a_score_is_provisional(
    language: str, thin: str, firm: str
) -> None:
    """A score on too little to compare reads "80 provisional" on the list, as in
    `prospect list`: a bare 80 looked like a verdict a director could rank on."""
    from datetime import UTC, datetime

    from qualify.core.records import ProspectSummary
    from qualify.i18n import use_language
    from qualify.tui.widgets.prospect_table import make_row

    def row(provisional: bool):  # type: ignore[no-untyped-def]
        summary = ProspectSummary(
            id="p1", name="Allround", stage="first-date", score=80.0,
            band=None if provisional else "Strong fit", provisional=provisional,
            updated_at=datetime(2026, 3, 1, tzinfo=UTC),
        )  # fmt: skip
        shown = {"Strong fit": "Passt gut"} if language == "de" else {}  # the set's words
        return make_row(summary, {}, {}, bands=shown)

    with use_language(language):
        assert row(True).cells["score"] == thin
        assert row(False).cells["score"] == firm


def test_a_refusal_naming_a_command_names_the_apps_key_in_either_language() -> None:
    """The interview's refusals point at keys, not commands, in German too: every
    message of the catalog that names a command the app replaces says it with the same
    German words as the replacement looks for (app_words read the English only, so a
    German refusal kept `qualify reopen`, and the interview's refusal was said in
    English)."""
    from babel.messages.pofile import read_po

    from qualify.core.phrase import Phrase
    from qualify.i18n import tr, use_language
    from qualify.tui.screens.interview.answers import APP_WORDS, app_words

    po = Path(__file__).parents[2] / "qualify/i18n/locale/de/LC_MESSAGES/qualify.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for cli, _app in APP_WORDS:
        german = catalog[cli].string
        assert german, cli
        naming = [m for m in catalog if isinstance(m.id, str) and m.id != cli and cli in m.id]
        assert naming, cli
        for message in naming:
            assert german in " ".join(str(message.string).split()), (cli, message.id)
    declined = Phrase("{name} was declined; `qualify reopen` first", name="Müller AV")
    with use_language("de"):
        said = app_words(tr(declined))
    assert said == "Müller AV wurde abgesagt; zuerst wieder aufnehmen (r beim Interessenten)"
    assert app_words(tr(declined)) == "Müller AV was declined; reopen it first (r on the prospect)"


@pytest.mark.parametrize(
    ("app_language", "forced", "own", "says", "not_said"),
    [
        ("de", False, "", "Erstes Date (`first-date`", "First date (`first-date`"),
        ("en", False, "de", "Erstes Date (`first-date`", "First date (`first-date`"),
        ("en", True, "de", "First date (`first-date`", "Erstes Date"),
    ],
)
async def test_the_report_preview_and_its_export_speak_as_qualify_report_does(
    data_dir: Path, bundled_sets: Path, app_language, forced, own, says, not_said
) -> None:
    """The report (p) in a German app kept the sets' texts in English under German
    headings ("Fragenkataloge: First date", "Needs attention in Partnerschaftsprüfung"):
    now the app's language when forced (--lang), else the prospect's own, else the
    app's, as `qualify report` chooses, for the export too."""
    from tui_helpers import open_prospect, screen_ready, wait_for

    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.store import open_store
    from qualify.tui.screens.report import ReportScreen
    from qualify.workflow.qualifier import Qualifier

    facts = {"language": own} if own else {}
    pid = add_prospect(data_dir, bundled_sets, "Müller AV", **facts)
    store = open_store(data_dir)
    try:  # an interview begun: the report names its set
        q = Qualifier(store, load_catalog(bundled_sets))
        answer = AnswerInput(question_id="partner_type", value="stocking_dealer")
        q.record(q.store.get_prospect(pid), [answer])
    finally:
        store.close()
    app = QualifyApp(
        data_dir, bundled_sets, config=TuiConfig(), language=app_language, language_forced=forced
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("p")
        screen = await wait_for(
            pilot, lambda: screen_ready(app, ReportScreen, lambda s: s.markdown), "the report"
        )
        assert says in screen.markdown and not_said not in screen.markdown
        await pilot.press("x", "enter")  # export, as Markdown
        await wait_for(pilot, lambda: list((data_dir / "reports").glob("*.md")), "the export")
        exported = next((data_dir / "reports").glob("*.md")).read_text(encoding="utf-8")
        assert says in exported and not_said not in exported
