"""App-wide: help, the command palette, themes, and Textual staying out of everything else."""

from __future__ import annotations

from textual.widgets import Markdown
from tui_helpers import ROOT, notified, wait_for, wait_home

from qualify.tui.modals.prospect_form import ProspectForm
from qualify.tui.screens.help import HelpScreen


async def test_f1_and_question_mark_open_help_with_this_screens_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "prospects.add" in text and "How qualify works" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_main_actions(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new prospect")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProspectForm), "the form")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"validate question sets")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: notified(app, "are valid"), "the validation")
        assert notified(app, "2 question sets and the pipeline are valid")


async def test_light_and_dark_themes(make_app) -> None:
    app = make_app(theme="textual-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        assert app.theme == "textual-light"
        assert not app.current_theme.dark
        app.theme = "textual-dark"
        await pilot.pause()
        assert app.current_theme.dark


def test_every_message_is_handled_and_posted_somewhere() -> None:
    """No message is posted that nothing handles (nor declared and never posted): each
    one in messages.py has an ``on_<name>`` or ``@on(<Name>)`` handler in the app."""
    import inspect
    import re

    from textual.message import Message

    from qualify.tui import messages

    package = ROOT / "qualify" / "tui"
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in package.rglob("*.py")
        if path != package / "messages.py"
    )
    declared = [
        cls
        for _, cls in inspect.getmembers(messages, inspect.isclass)
        if issubclass(cls, Message) and cls.__module__ == messages.__name__
    ]
    assert len(declared) >= 10
    unhandled = [
        cls.__name__
        for cls in declared
        if f"def {cls.handler_name}(" not in code
        and not re.search(rf"@on\(\s*{cls.__name__}\b", code)
    ]
    assert unhandled == []
    unposted = [cls.__name__ for cls in declared if not re.search(rf"\b{cls.__name__}\(", code)]
    assert unposted == []
