"""Beyond collecting answers, in the app: provenance where it matters, the next meeting's
agenda (and Enter on an item opening the interview there), the re-score preview after a
set is edited (recorded only on confirmation), the comparison view, lint warnings."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static, TextArea
from tui_helpers import (
    add_prospect,
    open_comparison,
    open_prospect,
    open_store,
    stored_answers,
    text_of,
    wait_for,
    wait_home,
)

from qualify.tui.modals.confirm import ConfirmDialog
from qualify.tui.modals.prospect_picker import ProspectPicker, find_prospects
from qualify.tui.screens.compare import CompareScreen
from qualify.tui.screens.editor import EditorScreen
from qualify.tui.screens.interview import InterviewScreen
from qualify.tui.screens.prospect import AGENDA, ProspectScreen
from qualify.tui.screens.question_sets import QuestionSetsScreen
from qualify.tui.screens.rescore import RescoreScreen
from qualify.tui.widgets.agenda_list import AgendaList
from qualify.workflow import insights as workflow_insights


def answer(data_dir: Path, sets: Path, pid: str, *answers: dict) -> None:
    """Record answers as the CLI would (`qualify answer`), in another process's store."""
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(sets))
        q.record(store.get_prospect(pid), [AnswerInput(**a) for a in answers])
    finally:
        store.close()


def atlas(data_dir: Path, sets: Path) -> str:
    """A prospect part-way through the first date: kind and reps stated, streams unknown."""
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH", territory="North", kind="dealer")
    answer(
        data_dir,
        sets,
        pid,
        {"question_id": "kind", "value": "dealer"},
        {"question_id": "reps", "value": 4},
        {"question_id": "streams", "value": None, "state": "unknown", "note": "ask the owner"},
    )
    return pid


def prompts(option_list: OptionList) -> list[str]:
    """Each option as one line of text (the app wraps long ones to the width)."""
    return [
        " ".join(str(option_list.get_option_at_index(i).prompt).split())
        for i in range(option_list.option_count)
    ]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


# ----------------------------------------------------------------------- provenance
async def test_provenance_shows_in_the_gate_and_the_score(make_app, data_dir, tiny_sets) -> None:
    pid = atlas(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prospect(pilot, pid)
        gate = text_of(screen.query_one("#gate", Static))
        assert "✗ To verify: How many sales reps do you have? (now stated by them)" in gate
        assert "Evidence: 0% verified · 100% stated" in text_of(screen.query_one("#score-evidence"))
        # in the interview, on the fact the gate wants verified
        app.open_interview(pid, question_id="reps")
        await wait_for(pilot, lambda: getattr(app.screen, "current", None) == "reps", "interview")
        interview = app.screen
        assert "⚑ needs evidence" in text_of(interview.query_one("#where", Static))
        await pilot.press("f6")  # stated → verified
        await pilot.pause()
        assert stored_answers(data_dir, pid)["reps"].source == "verified"
        assert "✓ evidence seen" in text_of(interview.query_one("#where", Static))
        evidence = text_of(interview.query_one("#live-score #score-evidence", Static))
        assert "% verified" in evidence and "0% verified" not in evidence
        await pilot.press("f4")
        await pilot.pause()
        summary = text_of(interview.query_one("#summary-gate", Static))
        assert "✓ Verified: How many sales reps do you have?" in summary


# ----------------------------------------------------------------------- agenda
async def test_the_agenda_hint_is_cut_to_its_width_whatever_it_becomes(
    make_app, data_dir, tiny_sets
) -> None:
    """The highlighted item's "Listen for" hint fills at most the detail's three lines,
    cut with "…": laid out again when the terminal is resized (it was cut once, to the
    width it first had, and then overflowed or left lines empty)."""
    words = " ".join(f"signal{n} of a real business stream" for n in range(40))
    first = tiny_sets / "tiny-first.yaml"
    text = first.read_text(encoding="utf-8")
    text = text.replace(
        "help: Tick every stream that is a real part of the business.", f"help: {words}"
    )
    first.write_text(text, encoding="utf-8")
    pid = atlas(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        await pilot.press("g")
        await pilot.pause()
        for size in ((160, 30), (60, 24), (120, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            detail = screen.query_one("#agenda-detail")
            shown = text_of(detail)
            width = detail.content_size.width
            assert shown.startswith("Listen for: signal0") and shown.endswith("…"), size
            lines = shown.split("\n")
            assert len(lines) == 3, (size, width, lines)
            assert all(len(line) <= width for line in lines), (size, width, lines)
            assert len(shown) > 2.5 * width, (size, width, shown)  # no room left empty


async def test_agenda_lists_open_items_in_conversation_order(make_app, data_dir, tiny_sets) -> None:
    pid = atlas(data_dir, tiny_sets)
    fresh = add_prospect(data_dir, tiny_sets, "Baltic Sound AB")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        assert "Agenda: 5 items to ask · ⚑ 1 blocks the gate" in text_of(
            screen.query_one("#agenda-summary", Static)
        )
        await pilot.press("g")
        await pilot.pause()
        tabs = screen.query_one("#tabs")
        assert tabs.active == AGENDA
        agenda = screen.query_one(AgendaList)
        assert app.focused is agenda
        # In the order of the conversation (the question set's), each item saying why.
        order = [item.question_id for item in agenda.items]
        assert order == ["streams", "reps", "showroom", "support", "notes"]
        shown = dict(zip(order, prompts(agenda), strict=True))
        assert shown["reps"].startswith("2. How many sales reps do you have?")
        assert "⚑ blocks the gate · Company · verify · the answer is stated" in shown["reps"]
        assert "ask next time · they did not know last time" in shown["streams"]
        assert "Last note: ask the owner" in shown["streams"]
        assert "could move the score by up to 33 points" in shown["support"]
        detail = text_of(screen.query_one("#agenda-detail"))  # the highlighted (first) item's
        assert "Listen for: Tick every stream that is a real part of the business." in detail
        head = text_of(screen.query_one("#agenda-head", Static))
        assert "Next meeting · First date · 5 items · ⚑ 1 blocks the gate" in head
        assert str(tabs.get_tab(AGENDA).label) == "Agenda (5)"
        await pilot.press("escape")
        await pilot.pause()
        # a prospect not interviewed yet: a knock-out question is a possible deal-breaker
        screen = await open_prospect(pilot, fresh)
        await pilot.press("g")
        await pilot.pause()
        first = prompts(screen.query_one(AgendaList))[0]
        assert "How would you describe your business?" in first
        assert "⚑ blocks the gate · ✗ possible deal-breaker · Company" in first


async def test_enter_on_an_agenda_item_opens_the_interview_there(
    make_app, data_dir, tiny_sets
) -> None:
    pid = atlas(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("g", "down", "down", "up", "up")  # 1. streams (ask next time)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, InterviewScreen) and app.screen.current is not None,
            "the interview",
        )
        assert app.screen.current == "streams"
        assert "Unknown: ask next time" in text_of(app.screen.query_one("#status", Static))
        await pilot.press("1", "pagedown")  # answer it: product resale
        await pilot.pause()
        assert stored_answers(data_dir, pid)["streams"].value == ["resale"]
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, ProspectScreen)
        await wait_for(pilot, lambda: len(screen.query_one(AgendaList).items) == 4, "the agenda")
        assert "streams" not in [i.question_id for i in screen.query_one(AgendaList).items]


async def test_agenda_exports_as_markdown_into_reports(make_app, data_dir, tiny_sets) -> None:
    pid = atlas(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("m")  # only on the agenda tab
        await pilot.pause()
        assert not (data_dir / "reports").exists()
        await pilot.press("g", "m")
        await wait_for(pilot, lambda: any("Agenda written" in m for m in messages(app)), "export")
        files = list((data_dir / "reports").glob("*-agenda-*.md"))
        assert len(files) == 1 and files[0].name.startswith(f"Atlas-AV-GmbH-{pid}-agenda-")
        markdown = files[0].read_text(encoding="utf-8")
        assert markdown.startswith("# Agenda: Atlas AV GmbH — First date\n")
        assert "2. How many sales reps do you have? **(blocks the gate)**" in markdown
        assert app.clipboard == markdown


# ----------------------------------------------------------------------- re-score
async def test_rescore_preview_after_an_edit_records_only_on_confirmation(
    make_app, data_dir, tiny_sets
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    answer(data_dir, tiny_sets, pid, {"question_id": "kind", "value": "integrator"})
    untouched = add_prospect(data_dir, tiny_sets, "Not Interviewed Ltd")
    path = tiny_sets / "tiny-first.yaml"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionSetsScreen), "sets")
        await pilot.press("enter")  # tiny-first.yaml
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen), "editor")
        editor = app.screen
        original = path.read_text(encoding="utf-8")
        edited = original.replace("version: 1", "version: 2").replace(
            "{value: integrator, label: System integrator, score: 5}",
            "{value: integrator, label: System integrator, score: 3}",
        )
        assert edited.count("score: 3}") == 1
        editor.query_one(TextArea).load_text(edited)
        await pilot.press("f5")
        # saved: the app offers the preview (interviews were taken with version 1)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the offer")
        offer = text_of(app.screen.query_one(".title", Static))
        assert offer == "Preview the re-score of 1 interview?"
        assert "Tiny first date (v2)" in text_of(app.screen.query_one(".body", Static))
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, RescoreScreen) and app.screen.rows is not None,
            "the preview",
        )
        preview = app.screen
        assert [row.prospect.id for row in preview.rows] == [pid]
        shown = prompts(preview.query_one("#rs-list", OptionList))[0]
        assert "☑ Atlas AV GmbH · Tiny first date v1 → v2" in shown
        assert "100.0 Strong fit → 75.0" in shown and "(−25.0)" in shown
        detail = text_of(preview.query_one("#rs-detail", Static))
        assert "Before  100.0 Strong fit  (v1, as taken)" in detail
        assert "kind: option 'integrator' re-scored 5 → 3" in detail
        assert "nothing is recorded until you press r" in text_of(preview.query_one("#rs-banner"))
        history = open_store(data_dir).history(pid)
        assert not [e for e in history if e.action == "rescore"], "a preview records nothing"
        # r asks first; "Cancel" records nothing, "Record" appends to the history
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        await pilot.press("n")
        await pilot.pause()
        assert not [e for e in open_store(data_dir).history(pid) if e.action == "rescore"]
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        assert "Record 1 re-score?" in text_of(app.screen.query_one(".title", Static))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Recorded 1 re-score" in m for m in messages(app)), "rec")
        assert "already recorded" in prompts(preview.query_one("#rs-list", OptionList))[0]
    store = open_store(data_dir)
    try:
        entries = [e for e in store.history(pid) if e.action == "rescore"]
        assert len(entries) == 1
        entry = entries[0]
        assert entry.reason == "tiny-first v1 → v2"
        assert entry.details["old"]["score"] == 100.0
        assert entry.details["new"]["score"] == 75.0
        assert entry.details["new"]["version"] == 2
        assert store.interviews(pid)[0].questionnaire_version == 1, "the interview stays as taken"
        assert not [e for e in store.history(untouched) if e.action == "rescore"]
    finally:
        store.close()


async def test_rescore_from_the_palette_and_on_the_prospect(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    answer(data_dir, tiny_sets, pid, {"question_id": "kind", "value": "integrator"})
    path = tiny_sets / "tiny-first.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("version: 1", "version: 2")
        .replace("label: System integrator, score: 5", "label: System integrator, score: 3"),
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"re-score")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, RescoreScreen) and bool(app.screen.rows),
            "the preview",
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Recorded 1" in m for m in messages(app)), "recorded")
        await pilot.press("escape")
        screen = await open_prospect(pilot, pid)
        line = text_of(screen.query_one("#interview-line", Static))
        assert "⟳ Re-scored under v2: 75.0" in line
        timeline = text_of(screen.query_one("#timeline"))
        assert "Re-scored: tiny-first v1 → v2 (score 100.0 → 75.0)" in timeline


# ----------------------------------------------------------------------- compare
IDEAL = """\
tiny-first:
  kind: integrator
  streams: [resale, install]
  reps: 12
  showroom: true
  showroom_size: 80
  support: 1
"""


async def test_compare_with_ideal_yaml_and_with_another_prospect(
    make_app, data_dir, tiny_sets
) -> None:
    pid = atlas(data_dir, tiny_sets)
    other = add_prospect(data_dir, tiny_sets, "Baltic Sound AB")
    answer(
        data_dir,
        tiny_sets,
        other,
        {"question_id": "kind", "value": "online"},
        {"question_id": "reps", "value": 1},
    )
    (data_dir / "ideal.yaml").write_text(IDEAL, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        screen = await open_comparison(pilot)
        assert text_of(screen.query_one("#cmp-title")) == "Atlas AV GmbH  vs  ideal partner"
        assert "Right: ideal.yaml" in text_of(screen.query_one("#cmp-source"))
        score = text_of(screen.query_one("#cmp-score"))
        assert "Atlas AV GmbH" in score and "66.7  Possible fit" in score
        assert "ideal partner" in score and "100.0  Strong fit" in score
        assert "Gap" in score and "−33.3" in score
        sections = text_of(screen.query_one("#cmp-sections")).splitlines()
        assert sections[0].split() == ["Section", "Atlas", "AV…", "ideal", "par…", "gap"]
        assert sections[1].startswith("How well they fit us")
        assert "How well we can serve them" in sections[3]
        answers = text_of(screen.query_one("#cmp-answers"))
        # the biggest difference first: the ideal has a scale answer Atlas lacks
        first = " ".join(answers.split("\n\n")[0].split())
        assert "1. How much support will they need from us?" in first
        assert "— not answered" in first and "1 of 5 (Very little)" in first
        assert "How many sales reps do you have?" in answers
        # o: another prospect, found by a few letters
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ProspectPicker), "the picker")
        await pilot.press(*"bltc")
        await pilot.pause()
        assert prompts(app.screen.query_one(OptionList))[0].startswith("Baltic Sound AB")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen.view is not None and screen.view.right_label == "Baltic Sound AB",
            "the other prospect",
        )
        assert text_of(screen.query_one("#cmp-title")) == "Atlas AV GmbH  vs  Baltic Sound AB"
        answers = text_of(screen.query_one("#cmp-answers"))
        first = " ".join(answers.split("\n\n")[0].split())
        assert "Company · +44.4 points for Atlas AV GmbH" in first
        assert "Atlas AV GmbH Stocking dealer (4 of 5)" in first
        assert "✗ knock-out: Sells only by discounting online" in first
        assert "Online discounter" in first
        # i: back to the ideal partner
        await pilot.press("i")
        await wait_for(pilot, lambda: screen.view.right_label == "ideal partner", "the ideal")


async def test_compare_without_an_ideal_profile_says_so(make_app, data_dir, tiny_sets) -> None:
    pid = atlas(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("c")
        await wait_for(pilot, lambda: any("no ideal profile" in m for m in messages(app)), "notice")
        screen = app.screen
        assert isinstance(screen, CompareScreen), "a notification, not a crash"
        assert "o compares with another prospect" in text_of(screen.query_one("#cmp-source"))


def test_fuzzy_find_ranks_names_and_stays_cheap() -> None:
    from qualify.core.records import ProspectSummary

    names = ["Northwind AV", "Nordic Vision", "Baltic Sound AB", "Atlas AV GmbH"]
    summaries = [
        ProspectSummary(id=f"p{i}", name=n, stage="first-date") for i, n in enumerate(names)
    ]
    assert [s.name for s, _ in find_prospects(summaries, "nwav")] == ["Northwind AV"]
    assert [s.name for s, _ in find_prospects(summaries, "av")][:2] == [
        "Atlas AV GmbH",
        "Northwind AV",
    ]
    assert find_prospects(summaries, "zzz") == []
    assert find_prospects(summaries, "")[0][0].name == "Atlas AV GmbH"


# ----------------------------------------------------------------------- lint warnings
async def test_lint_warnings_are_shown_as_warnings_and_the_set_stays_usable(
    make_app, data_dir, tiny_sets
) -> None:
    path = tiny_sets / "tiny-next.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "        help: Written down, with targets and the people each side commits.\n", ""
        ),
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        assert "tiny-next" in app.workspace.catalog.question_sets, "warnings do not exclude"
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionSetsScreen), "sets")
        screen = app.screen
        await wait_for(pilot, lambda: bool(screen.rows), "rows")
        row = next(r for r in screen.rows if r.path.name == "tiny-next.yaml")
        assert (row.errors, row.warnings) == (0, 1)
        files = prompts(screen.query_one("#qs-files", OptionList))
        assert "⚠ 1 warning: usable, used for interviews" in files[1]
        assert "✗" not in files[1]
        banner = text_of(screen.query_one("#qs-banner", Static))
        assert "2 valid sets (⚠ 1 with warnings, still used)" in banner
        await pilot.press("down")
        await pilot.pause()
        problems = prompts(screen.query_one("#qs-problems", OptionList))
        assert problems[0].startswith("⚠ tiny-next.yaml:8:13: warning: question 'plan_agreed'")
        # in the editor: ⚠, not ✗, and saved without asking
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen), "editor")
        editor = app.screen
        await wait_for(pilot, lambda: editor._checked_generation == editor.generation, "checked")
        status = text_of(editor.query_one("#ed-status", Static))
        assert "⚠ 1 warning: usable" in status and "✗" not in status
        shown = prompts(editor.query_one("#ed-problems", OptionList))
        assert shown[0].startswith("⚠ 8:13 warning: question 'plan_agreed' has no help text")
        assert "✗ 0 · ⚠ 1" in text_of(editor.query_one("#ed-side-heading", Static))
        area = editor.query_one(TextArea)
        area.load_text(area.text.replace("title: Tiny second meeting", "title: Second meeting"))
        await pilot.press("f5")
        await wait_for(pilot, lambda: any("1 warning: usable" in m for m in messages(app)), "saved")
        assert not isinstance(app.screen, ConfirmDialog), "warnings never ask"
        assert "title: Second meeting" in path.read_text(encoding="utf-8")


def test_the_offer_counts_only_interviews_not_yet_rescored(data_dir, tiny_sets) -> None:
    from qualify.core.questionnaire import load_catalog
    from qualify.tui.insights import count_stale, scan_rescores
    from qualify.workflow.qualifier import Qualifier

    pid = atlas(data_dir, tiny_sets)
    path = tiny_sets / "tiny-first.yaml"
    original = path.read_text(encoding="utf-8")
    # Wording only (a new version number, a question and an option reworded): every
    # score stays as it is, so nothing is offered.
    path.write_text(
        original.replace("version: 1", "version: 2")
        .replace("How would you describe your business?", "What kind of business are you?")
        .replace("label: Stocking dealer", "label: Stocking reseller"),
        encoding="utf-8",
    )
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        assert count_stale(q) == {}, "a wording-only edit offers no re-score"
        assert scan_rescores(q) == []
    finally:
        store.close()
    # A point changed: now the interview scores differently, and is offered.
    path.write_text(
        original.replace("version: 1", "version: 3").replace(
            "label: Stocking dealer, score: 4", "label: Stocking dealer, score: 3"
        ),
        encoding="utf-8",
    )
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        assert count_stale(q) == {"tiny-first": 1}
        assert count_stale(q, ["tiny-next"]) == {}
        (row,) = scan_rescores(q)
        assert row.prospect.id == pid and not row.recorded
        workflow_insights.record_rescore(q, row.prospect, row.interview, row.result)
        assert count_stale(q) == {}, "recorded under this version: not offered again"
        (row,) = scan_rescores(q)
        assert row.recorded, "still listed in the preview, marked as recorded"
        first = [h for h in store.history(pid) if h.action == "rescore"]
        again = workflow_insights.record_rescore(q, row.prospect, row.interview, row.result)
        rescores = [h for h in store.history(pid) if h.action == "rescore"]
        assert rescores == first and again.entry == first[0], "recording twice writes nothing"
        assert not again.written
    finally:
        store.close()


def test_a_repeated_sections_answer_is_compared_by_its_label() -> None:
    """An answer in a repeated section (`references[1].ref_outcome`) showed its option
    value ("confirm") in the comparison, not its label; the command line stopped with
    an internal error on it."""
    from qualify.core.compare import compare
    from qualify.core.questionnaire import load_question_set
    from qualify.tui.screens.compare import answer_rows

    qs = load_question_set(Path(__file__).parents[2] / "questionnaires" / "getting-to-know.yaml")
    left = {"references[1].ref_company": "Hotel Alpina", "references[1].ref_outcome": "confirm"}
    gaps = compare(qs, left, {}, left_label="Atlas AV", right_label="ideal")
    shown = str(answer_rows(gaps, qs, 80))
    assert "Confirmed what the prospect claims" in shown
    assert " confirm " not in f" {shown} "
