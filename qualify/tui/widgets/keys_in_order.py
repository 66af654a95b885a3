"""Every key applied in the order it was typed, to the field it was typed for.

Keys arrive together when a fast typist outruns a busy laptop or a terminal over ssh
sends them in one go. Two things in Textual (8.x) then apply them wrongly:

- A field inserts a typed character in its own key handler, but runs a bound key
  (backspace, ctrl+u, the arrows, Enter…) only once the key has bubbled up to the app:
  ctrl+u, "2015-03-01", Enter emptied the field after the date was typed and submitted
  nothing (Textual issue #6605). These widgets run their own bindings at once.
- The app hands each key to the widget focused when the key arrives. Keys typed right
  after Enter on a question reached the question being left, before the next one had
  the focus: "2", Enter, "3" picked option 3 for the first question too. A question
  input that asks to move on (:meth:`KeyOrder.move_on`), and every change of question,
  has the app hold the keys that follow; the interview releases them once the next
  question's input has the focus, and keys already on their way to the old input are
  handed back ahead of them. A paste is typed input too: it is held and handed back with
  the keys, in its place among them (the app hands a paste to the focused widget, which
  was the question being left).
- Tab moves the focus once the key has bubbled up to the screen: "Name", Tab, "North"
  typed in one go put "North" in the name. Keys typed after a Tab that moves the focus
  wait until it has (:meth:`HoldsKeys.action_focus_next`).
- A key that opens a dialog or a screen does so once it has bubbled up too: `n`, "+7d",
  Enter typed together opened the meeting dialog, lost "+7d" (typed for the screen
  below, checked against the dialog's bindings) and sent an empty date. Keys typed for
  a screen that another now covers, or that has closed, go to the one on top, once it
  has the focus (:meth:`HoldsKeys.push_screen`, :meth:`HoldsKeys._on_key`).
- A priority key (the interview's F-keys) acts when it reaches the app, ahead of the keys
  typed before it that a field has not taken yet: "2", Enter, "1", Enter, F2, "Two
  shops" opened the note on the first question before its answer. It waits for them.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual import events
from textual import widgets as _textual
from textual.message import Message
from textual.timer import Timer

HOLD_AT_MOST = 0.5
"""Seconds keys wait for the next question before they go on regardless, unless its
input is still being put up (:meth:`HoldsKeys.input_coming`): then they wait for it; or
unless the move asked has not been made yet (the focused input is leaving): then they
wait for it too, up to MOVE_AT_MOST."""
FOCUS_MOVES = {"tab": "focus_next", "shift+tab": "focus_previous"}
"""The keys whose binding (the screen's) takes the focus to the next or previous field."""
SCREEN_LOOK = 0.02
"""Seconds between looks at a screen being put up: has it taken the focus yet?"""
TURN_AT_MOST = 2.0
"""Seconds keys wait for their turn when it never comes: a Tab's move, a dialog taking
the focus, the keys before an F-key being taken (the widget they went to is gone)."""
MOVE_AT_MOST = 10.0
"""Seconds keys wait for a move asked that never comes (a safety net: every move asked
is made or refused, and the keys go on then; ctrl+q is a key, and must not wait long)."""


async def run_own_binding(widget: Any, event: events.Key) -> bool:
    """Run `widget`'s own binding of the key now; True when one took it (the app would
    have run the same one: the focused widget is the first place it looks)."""
    return await _run_first([(widget, widget._bindings)], widget.app, event) is not None


async def _run_first(chain: Any, app: Any, event: events.Key) -> Any:
    """Run the first binding of the key along `chain` ((node, its bindings) pairs) that
    takes it; the node it ran on, None when none did. Priority bindings ran before the
    key got here; an action a node refuses (check_action) goes on up, as it would have."""
    for namespace, bindings in chain:
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await app.run_action(binding.action, namespace):
                event.stop()
                event.prevent_default()
                return namespace
    return None


class KeysInOrder:
    """A field's own bindings run in order with the keys typed into it."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and await run_own_binding(self, event):
            return
        await super()._on_key(event)  # type: ignore[misc]


class Input(KeysInOrder, _textual.Input):
    """A one-line field whose editing keys keep their place among the typed ones."""

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of several lines (a note from an email, a name from a signature) is
        kept whole, its lines joined by a space: the field holds one line, and the
        stock field kept the first one only and dropped the rest without a word."""
        if "\n" in event.text or "\r" in event.text:  # the stock handler pastes it
            event.text = " ".join(p.strip() for p in event.text.splitlines() if p.strip())


def _has_taken_focus(screen: Any, looks: int) -> bool:
    """The screen is up: its focus given, or it has nothing to focus, or it has been
    mounted a few looks without giving it (a screen that focuses once its data is read:
    the keys go to the screen itself, which keeps them: see ProspectScreen)."""
    if not screen.is_mounted:
        return False
    return screen.focused is not None or not screen.focus_chain or looks >= 3


def __getattr__(name: str) -> Any:
    """``TextArea`` lives in :mod:`qualify.tui.widgets.text_area` (imported when asked
    for here): the first screen has no text area to pay Textual's for."""
    if name == "TextArea":
        from qualify.tui.widgets.text_area import TextArea

        return TextArea
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def run_binding_now(widget: Any, event: events.Key) -> Any:
    """Run the binding the app would run for the key once it had bubbled up from the
    focused `widget` (the widget's, its containers', the screen's, the app's: Textual's
    own order), now; the node whose binding took it, None when none did."""
    return await _run_first(widget.screen._modal_binding_chain, widget.app, event)


class KeyOrder:
    """For a question's input: its own bindings run in order with typing, and once it
    asks to move on, the keys that still reach it go to the next question."""

    leaving = False
    """It asked to move on: the keys it still gets are not for it."""

    def move_on(self, message: Message) -> None:
        """Post `message` (a move, or an answer that moves on) and hold what is typed next
        for the question that follows."""
        self.leaving = True
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.post_message(message)  # type: ignore[attr-defined]

    async def _on_key(self, event: events.Key) -> None:
        if self.leaving:
            event.stop()
            event.prevent_default()
            self.app.hand_back(event)  # type: ignore[attr-defined]
            return
        if await run_own_binding(self, event):
            return
        await super()._on_key(event)  # type: ignore[misc]

    def _on_paste(self, event: events.Paste) -> None:
        """A paste for the next question (the field's own paste handler runs otherwise:
        Textual calls each class's handler in turn until one prevents the default)."""
        if self.leaving:
            event.stop()
            event.prevent_default()
            self.app.hand_back(event)  # type: ignore[attr-defined]


class HoldsKeys:
    """For the app: keys typed while a question changes wait for the next input."""

    _held: list[Message] | None = None
    _handed_back = 0
    _hold_timer: Timer | None = None
    _hold_began = 0.0
    _inputs_coming = 0
    _tabbing = False
    """A Tab that moves the focus is on its way to the screen's binding."""
    _draining = False
    """A priority key waits for the keys typed before it to be taken."""
    _screen_coming: Any = None
    """A screen pushed that has not taken the focus yet."""
    _screen_since = 0.0
    _screen_looks = 0

    def hold_keys(self) -> None:
        """Keys typed from now on wait for :meth:`release_keys` (at most HOLD_AT_MOST,
        or until the input on its way is there)."""
        if self._held is None:
            self._held, self._handed_back = [], 0
            self._hold_began = monotonic()
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self._hold_ended)  # type: ignore[attr-defined]

    def input_coming(self) -> None:
        """A question's input is being put up: keys held meanwhile are for it, however
        long a busy machine takes (released on a timer, they went to the input being
        removed, and a paste was lost). Paired with :meth:`input_came`."""
        self._inputs_coming += 1

    def input_came(self) -> None:
        self._inputs_coming = max(0, self._inputs_coming - 1)

    async def _hold_ended(self) -> None:
        """The keys' wait ran out: they go on, unless what they wait for is still coming.
        A busy laptop may get to the move Enter asked for after the wait: released to the
        input being left, a digit typed for the next question picked an answer there."""
        self._hold_timer = None
        waited = monotonic() - self._hold_began
        if (self._tabbing or self._draining) and waited >= TURN_AT_MOST:
            self._tabbing = self._draining = False
        moving = self.screen_stack and (
            self._tabbing
            or self._draining
            or self._screen_coming is not None
            or getattr(self.focused, "leaving", False)  # type: ignore[attr-defined]
        )
        if self._held is not None and (self._inputs_coming or (moving and waited < MOVE_AT_MOST)):
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self._hold_ended)  # type: ignore[attr-defined]
            return
        await self.release_keys()

    def _wait_again(self) -> None:
        """The held keys wait for their turn from now (a Tab's move, a dialog, an F-key)."""
        self._hold_began = monotonic()
        if self._hold_timer is None:
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self._hold_ended)  # type: ignore[attr-defined]

    def _stop_hold_timer(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None

    @property
    def holding_keys(self) -> bool:
        """Keys or pastes typed for the next question are waiting for its input."""
        return self._held is not None

    def after_held_keys(self, message: Message) -> None:
        """Send `message` to the widget that takes the held keys, behind them (ctrl+q
        typed after a paste for the next question quits once the paste is in)."""
        self.hold_keys()
        assert self._held is not None
        self._held.append(message)

    def hand_back(self, event: events.Key | events.Paste) -> None:
        """A key or paste that reached an input on its way out: typed before every one
        held since."""
        self.hold_keys()
        assert self._held is not None
        again = (
            events.Paste(event.text)
            if isinstance(event, events.Paste)
            else events.Key(event.key, event.character)
        )
        self._held.insert(self._handed_back, again)
        self._handed_back += 1

    async def release_keys(self) -> None:
        """The held keys and pastes go on, in the order typed, to the widget that has the
        focus now."""
        held = self._held
        if held is None:
            return
        if not self.screen_stack:  # type: ignore[attr-defined]
            self._held, self._screen_coming = None, None  # the app is closing
            self._tabbing = self._draining = False
            return
        if self._tabbing or self._draining or self._screen_coming is not None:
            return  # they are for the field the Tab goes to, the screen coming: it lets go
        self._stop_hold_timer()
        focused = self.focused  # type: ignore[attr-defined]
        if getattr(focused, "leaving", False):  # the question stays: they are its keys
            focused.leaving = False
        sent = 0
        while held:  # keys arriving meanwhile join the end
            if sent and isinstance(held[0], events.Key) and self._runs_first(held[0].key):
                self._drain()  # it waits for the keys just sent to be taken
                return
            sent += 1
            self._handed_back = max(0, self._handed_back - 1)
            item = held.pop(0)
            if isinstance(item, events.Key) and self._moves_focus(item.key):
                item._typed_for = self.screen  # type: ignore[attr-defined]
                await super().on_event(item)  # type: ignore[misc]
                self._tabbing = True  # the keys behind it wait for the move, held still
                self._wait_again()
                return
            if isinstance(item, (events.Key, events.Paste)):
                item._typed_for = self.screen  # type: ignore[attr-defined]
                await super().on_event(item)  # type: ignore[misc]
                if self._screen_coming is not None:  # it opened a dialog: the rest wait
                    self._wait_again()
                    return
            else:  # behind what was typed before it, in the focused widget's queue
                (focused or self.screen).post_message(item)  # type: ignore[attr-defined]
        self._held = None

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and self._held is not None
        ):
            self._held.append(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:  # type: ignore[attr-defined]
            if self._runs_first(event.key):  # after the keys typed before it
                self.hold_keys()
                assert self._held is not None
                self._held.append(event)
                self._drain()
                return
            if self._moves_focus(event.key):  # the keys after it wait for its move
                self.hold_keys()
                self._tabbing = True
            event._typed_for = self.screen  # type: ignore[attr-defined]
        await super().on_event(event)  # type: ignore[misc]

    def _runs_first(self, key: str) -> bool:
        """`key` has a priority binding: the app runs it as the key arrives, ahead of the
        keys before it still on their way through a field (quit has its own wait)."""
        for _node, bindings in self.screen._binding_chain:  # type: ignore[attr-defined]
            for binding in bindings.key_to_bindings.get(key, ()):
                if binding.priority and binding.action.removeprefix("app.") != "quit":
                    return True
        return False

    def _drain(self) -> None:
        """The held keys go on once the focused widget has taken what was sent to it."""
        self._draining = True
        self._wait_again()
        (self.focused or self.screen).call_later(self._drained)  # type: ignore[attr-defined]

    async def _drained(self) -> None:
        if not self._draining:
            return
        self._draining = False
        self._stop_hold_timer()
        await self._hold_ended()

    async def _on_key(self, event: events.Key) -> None:
        """A key that bubbled up unused from a screen another now covers (a dialog its
        key before opened) or that has closed: it was typed for the screen on top."""
        typed_for = getattr(event, "_typed_for", None)
        if typed_for is not None and self.screen_stack and typed_for is not self.screen:  # type: ignore[attr-defined]
            event.prevent_default()  # not the app's bindings: the keys go on in order
            self.hand_back(event)
            return

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """Keys typed from now on wait until the screen pushed has the focus (or has
        shown without anything to focus): typed for it, they reached the screen below."""
        pushed = super().push_screen(screen, *args, **kwargs)  # type: ignore[misc]
        if self.is_running and self.screen_stack:  # type: ignore[attr-defined]
            self.hold_keys()
            self._screen_coming = self.screen  # type: ignore[attr-defined]
            self._screen_since, self._screen_looks = monotonic(), 0
            self.set_timer(SCREEN_LOOK, self._look_at_screen)  # type: ignore[attr-defined]
        return pushed

    async def _look_at_screen(self) -> None:
        coming = self._screen_coming
        if coming is None:
            return
        if coming.is_mounted:
            self._screen_looks += 1
        up = coming is not self.screen or _has_taken_focus(coming, self._screen_looks)  # type: ignore[attr-defined]
        if not up and monotonic() - self._screen_since < TURN_AT_MOST:
            self.set_timer(SCREEN_LOOK, self._look_at_screen)  # type: ignore[attr-defined]
            return
        # up, or put up too slowly: the keys go on to whatever has the focus now
        self._screen_coming = None
        self._stop_hold_timer()
        await self._hold_ended()

    def _moves_focus(self, key: str) -> bool:
        """`key` reaches the screen's binding that moves the focus: Tab, unless the
        focused widget takes it (a text area that indents) or binds it itself."""
        if key not in FOCUS_MOVES:
            return False
        screen = self.screen  # type: ignore[attr-defined]
        focused = screen.focused
        if focused is not None and focused.check_consume_key(key, None):
            return False
        for _node, bindings in screen._modal_binding_chain:
            found = bindings.key_to_bindings.get(key)
            if found:
                return bool(found[0].action.removeprefix("app.") == FOCUS_MOVES[key])
        return False

    def action_focus_next(self) -> None:
        super().action_focus_next()  # type: ignore[misc]
        self._focus_moved()

    def action_focus_previous(self) -> None:
        super().action_focus_previous()  # type: ignore[misc]
        self._focus_moved()

    def _focus_moved(self) -> None:
        """A Tab's move is made: the keys typed after it go on, to the field it went to
        (unless the hold waits for something else too, e.g. a question's input)."""
        if not self._tabbing:
            return
        self._tabbing = False
        self._stop_hold_timer()
        self.call_later(self._hold_ended)  # type: ignore[attr-defined]
