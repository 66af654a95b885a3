"""Words looked up by value at run time (``_(STATE_LABELS[state])``), marked here so
``pybabel extract`` finds them for the catalog. Never imported."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


WORDS = (
    # answer states (qualify.core.words.STATE_LABELS)
    N_("answered"),
    N_("not known yet"),
    N_("would not say"),
    N_("not answered"),
    # question types (qualify.core.words.TYPE_WORDS), in the question flow's preview
    N_("one answer"),
    N_("any number of answers"),
    N_("scale"),
    N_("number"),
    N_("yes / no"),
    N_("free text"),
    N_("date"),
    N_("calculated"),
    # prospect statuses and kinds (STATUS_LABELS, KIND_LABELS)
    N_("Dating"),
    N_("Committed"),
    N_("Parted ways"),
    N_("Just friends"),
    N_("Dealer"),
    N_("Distributor"),
    N_("Reseller"),
    N_("Integrator"),
    N_("Other"),
    # answer sources in the app (qualify.tui.screens.interview.pane.SOURCE_WORDS)
    N_("stated by the prospect"),
    N_("verified (evidence seen)"),
    N_("estimated by you"),
    N_("observed by you (your judgement)"),
    N_("from our own records"),
    # evidence shares in reports, directions of fit (qualify.core.words.DIRECTION_SHORT)
    N_("verified"),
    N_("observed by the interviewer"),
    N_("estimated"),
    N_("they fit us"),
    N_("we fit them"),
    # the history's actions (qualify.core.words.ACTION_LABELS)
    N_("Added"),
    N_("Moved on"),
    N_("Reopened"),
    N_("Reviewed"),
    N_("Rescored"),
    N_("Facts edited"),
    N_("Undone"),
    N_("Corrected"),
    # the prospects list's columns (qualify.tui.widgets.prospect_table.COLUMNS)
    N_("Name"),
    N_("Territory"),
    N_("Kind"),
    N_("Stage"),
    N_("Score"),
    N_("KO"),
    N_("Cov."),
    N_("Meeting"),
    N_("Last active"),
)
