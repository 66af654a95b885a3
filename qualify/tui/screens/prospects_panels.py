"""The prospects screen's first-run and failure panels, made when first needed.

Most starts show neither: composed with the screen, their widgets were styled before
the first page, and again each time the screen's loading class changed. The screen
mounts them (:meth:`ProspectsScreen.panel`) when the list is empty or cannot be read.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from qualify.i18n import N_, _

WELCOME = N_(
    "[b]Welcome to qualify.[/b]\n\n"
    "Qualify a prospective dealer or distributor over several conversations, the way a "
    "good relationship starts: a [b]first date[/b] to see if there is a reason to meet again, "
    "then [b]getting to know each other[/b], [b]going steady[/b], [b]engagement[/b] and only "
    "then [b]commitment[/b]. Every answer is saved the moment you give it.\n\n"
    "This workspace has no prospects yet."
)


def has_demo() -> bool:
    """Whether demo data can be offered; found, not imported, so composing the screen
    does not wait for the question-set models to load."""
    from importlib.util import find_spec

    return find_spec("qualify.workflow.demo") is not None


def _name_hint() -> str:
    """Reports name whoever answers: ask once for a display name if all we have is a
    login (`root` reads badly in a director's report)."""
    from qualify.paths import user_and_source

    name, source = user_and_source()
    if source.startswith(("$QUALIFY_USER", "the config file")):
        return ""
    return _(
        "Reports will name you {name}. To show your own name, run once: "
        'qualify whoami --set "Your Name"'
    ).format(name=repr(name or "nobody"))


def first_run() -> Vertical:
    """What an empty workspace shows: the welcome, the first prospect or demo data."""
    buttons = [Button(_("Add the first prospect  (a)"), id="first-add", variant="primary")]
    if has_demo():
        buttons.append(Button(_("Load demo data  (d)"), id="first-demo"))
    return Vertical(
        Static(_(WELCOME), id="welcome"),
        Horizontal(*buttons, id="first-run-buttons"),
        Static(_name_hint(), id="first-run-name", markup=False),
        Static(
            _("Keys: F1 or ? help · ctrl+p commands · s question sets · ctrl+q quit"),
            id="first-run-keys",
        ),
        id="first-run",
    )


def failed() -> Vertical:
    """What a list that cannot be read shows: why (filled in by the screen), and a retry."""
    return Vertical(
        Static("", id="failed-text", markup=False),
        Button(_("Try again  (r)"), id="retry", variant="primary"),
        id="failed",
    )


PANELS = {"first-run": first_run, "failed": failed}
"""Each panel's id and what makes it, in the order they sit below the table."""
