"""A paste that holds an escape character reaches the app as one paste, never as keys,
however the terminal's bytes are cut into reads; keys outside a paste are untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

from qualify.tui.paste_guard import GuardedParser, PasteGuard, guarded

START, END = "\x1b[200~", "\x1b[201~"
COPIED = "\x1b[31mRed\x07\rSecond line"
"""What tmux sent for a paste copied from a coloured terminal (its line break a CR)."""


def _tokens(parser: XTermParser, pieces: list[str]) -> list[events.Event]:
    found = [token for piece in pieces for token in parser.feed(piece)]
    return [t for t in found if isinstance(t, events.Key | events.Paste)]


def _cut(text: str, cuts: list[int]) -> list[str]:
    at = sorted({c % (len(text) + 1) for c in cuts})
    return [text[a:b] for a, b in zip([0, *at], [*at, len(text)], strict=True) if b > a]


def test_textual_alone_turns_the_rest_of_such_a_paste_into_keys() -> None:
    """Why the guard exists: with Textual's own parser the CR is an Enter key."""
    keys = [
        t.key for t in _tokens(XTermParser(), [START + COPIED + END]) if isinstance(t, events.Key)
    ]
    assert "enter" in keys


def test_a_paste_holding_an_escape_is_one_paste_and_no_key() -> None:
    tokens = _tokens(GuardedParser(), ["a", START + COPIED + END, "b"])
    assert [type(t).__name__ for t in tokens] == ["Key", "Paste", "Key"]
    assert tokens[1].text == "[31mRed\x07\rSecond line"  # type: ignore[attr-defined]
    assert [t.character for t in (tokens[0], tokens[2])] == ["a", "b"]  # type: ignore[attr-defined]


@given(
    before=st.text(alphabet="ab1 \r", max_size=4),
    content=st.text(alphabet=["x", "\x1b", "[", "2", "0", "1", "~", "\r", "é"], max_size=30),
    after=st.text(alphabet="ab1 \r", max_size=4),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8),
)
def test_a_paste_is_the_same_paste_however_the_input_is_cut(
    before: str, content: str, after: str, cuts: list[int]
) -> None:
    """Marks, escapes and the paste's end may be split across reads anywhere."""
    if END in content:  # a terminal never sends the end mark inside a paste
        return
    whole = before + START + content + END + after
    tokens = _tokens(GuardedParser(), _cut(whole, cuts))
    pastes = [t for t in tokens if isinstance(t, events.Paste)]
    keys = [t.character for t in tokens if isinstance(t, events.Key)]
    assert [p.text for p in pastes] == [content.replace("\x1b", "")]
    assert "".join(k or "" for k in keys) == before + after
    assert tokens.index(pastes[0]) == len(before)


@given(text=st.text(max_size=40), cuts=st.lists(st.integers(0, 40), max_size=6))
def test_outside_a_paste_nothing_is_held_or_changed(text: str, cuts: list[int]) -> None:
    if START in text:
        return
    guard = PasteGuard()
    assert "".join(guard.feed(piece) for piece in _cut(text, cuts)) == text
    assert not guard.in_paste


def test_a_lone_escape_key_goes_to_the_parser_at_once() -> None:
    """Escape's own timing is the parser's: the guard passes it straight on."""
    guard = PasteGuard()
    assert guard.feed("\x1b") == "\x1b"
    assert guard.feed("[A") == "[A"


def test_inside_a_paste_a_possible_end_mark_waits_for_the_next_read() -> None:
    guard = PasteGuard()
    assert guard.feed(START + "ab\x1b[20") == START + "ab"
    assert guard.feed("1~c") == END + "c"
    assert not guard.in_paste


def test_the_terminal_driver_reads_through_the_guard() -> None:
    """Textual's Linux driver makes its parser from its module's `XTermParser` when its
    input thread starts; if a new Textual stops doing so, this says so."""
    import inspect

    assert guarded(LinuxDriver) is LinuxDriver
    assert linux_driver.XTermParser is GuardedParser
    assert "XTermParser(" in inspect.getsource(LinuxDriver.run_input_thread)
