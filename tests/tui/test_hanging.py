"""Marked lines that wrap go on under their words, not under the mark."""

from __future__ import annotations

from textual.content import Content

from qualify.tui.widgets.text import Hanging


def test_a_wrapped_line_goes_on_under_its_words() -> None:
    reason = "Sells only by discounting online: that creates channel conflict and destroys margin."
    shown = Hanging([(Content(""), Content("Gate not met")), (Content("  ✗ "), Content(reason))])
    lines = shown.laid_out(40).plain.splitlines()
    assert lines[0] == "Gate not met"
    assert lines[1].startswith("  ✗ Sells only")
    assert len(lines) > 2 and all(line.startswith("    ") for line in lines[2:])
    assert " ".join(" ".join(line.split()) for line in lines[1:]) == "✗ " + reason
    assert all(len(line) <= 40 for line in lines)
    assert shown.get_height({}, 40) == len(lines)  # the height the widget is given
    assert str(shown) == "Gate not met\n  ✗ " + reason  # the words, unwrapped


def test_a_line_without_a_mark_or_text_keeps_its_place() -> None:
    shown = Hanging([(Content("⚑ "), Content("")), (Content(""), Content("after"))])
    assert shown.laid_out(20).plain.splitlines() == ["⚑ ", "after"]
    assert Hanging([]).get_optimal_width({}, 80) == 0
