"""What each layer loads when imported, in a fresh interpreter: the command line starts
fast only if `qualify validate` never pays for Textual, a report never for TinyDB, and
the embedded workspace never for psycopg.

One table, one check: each row is what a command imports and the top-level packages it
must not pull in. A second table guards the lighter start of the short commands (issue
17): using cached question sets never imports the loader's checks, and `qualify answer`
never the reports, the insights, YAML or the app.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "core": (
        "qualify.core.questionnaire, qualify.core.scoring, qualify.core.gates, "
        "qualify.core.assess, qualify.core.agenda",
        {"textual", "tinydb", "psycopg", "click", "jinja2", "rich"},
    ),
    "store": (
        "qualify.store, qualify.store.transfer",
        {"textual", "rich", "jinja2", "psycopg", "tinydb"},  # TinyDB loads when a store opens
    ),
    "reports": (
        "qualify.reports, qualify.reports.prospect, qualify.reports.portfolio, "
        "qualify.reports.markdown, qualify.reports.html, qualify.reports.json_report, "
        "qualify.reports.csv_report, qualify.reports.output, qualify.reports.capacity",
        {"textual", "tinydb", "psycopg"},
    ),
    "command line and shell": (
        "qualify.cli, qualify.workflow, qualify.workflow.demo, qualify.store, qualify.reports, "
        "qualify.tui",  # the app's package stays light until the app opens
        {"textual", "psycopg"},
    ),
}


MODULES = {
    "what a cached question set needs (the models and the catalog)": (
        "qualify.core.questionnaire.model, qualify.core.questionnaire.catalog, qualify.setcache",
        {
            "qualify.core.questionnaire.loader",
            "qualify.core.questionnaire.rules",
            "qualify.core.questionnaire.lint",
            "qualify.core.questionnaire.condition_checks",
            "qualify.core.questionnaire.translations",
            "yaml",
            "qualify.store",
        },
    ),
    "the question-set package (its names load on first use)": (
        "qualify.core.questionnaire",
        {"qualify.core.questionnaire.model", "qualify.core.questionnaire.loader", "pydantic"},
    ),
    "the answer command and the workflow it drives": (
        "qualify.cli.main, qualify.cli.answers, qualify.workflow.qualifier, "
        "qualify.store.workspace, qualify.setcache",
        {
            "qualify.core.questionnaire.loader",
            "qualify.workflow.insights",
            "qualify.reports",
            "qualify.tui",
            "qualify.cli.insights",
            "qualify.cli.rescoring",
            "qualify.workers",
            "yaml",
            "jinja2",
            "textual",
            "tinydb",
        },
    ),
    "the app up to its first screen (the workspace opens in a worker)": (
        "qualify.tui.app, qualify.tui.screens.prospects",
        {
            "pydantic",
            "qualify.store",
            "qualify.core.questionnaire.texts",
            "yaml",
            "textual.widgets._text_area",
        },
    ),
    "the app's first page of a workspace (its index read without the store)": (
        "qualify.store.workspace.recent, qualify.tui.live",
        {"pydantic", "qualify.store.base", "qualify.store.workspace.store", "qualify.core.records"},
    ),
    "the installed command, until it knows whether a resident process runs its command": (
        "qualify.__main__, qualify.handover",
        {"qualify.cli", "click", "pydantic", "qualify.core", "qualify.store", "tempfile"},
    ),
    "the command line's entry (qualify --help lists commands without them)": (
        "qualify.cli",
        {
            "qualify.cli.answers",
            "qualify.cli.sets",
            "qualify.cli.insights",
            "qualify.cli.rescoring",
            "pydantic",
        },
    ),
}


def loaded_by(modules: str, *, packages: bool = True) -> set[str]:
    """The top-level packages (or, with ``packages=False``, every module) a fresh
    interpreter holds after importing ``modules``."""
    names = "{m.split('.')[0] for m in sys.modules}" if packages else "set(sys.modules)"
    code = f"import sys, json\nimport {modules}\nprint(json.dumps(sorted({names})))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("layer", list(CASES))
def test_a_layer_loads_only_what_it_needs(layer: str) -> None:
    modules, forbidden = CASES[layer]
    heavy = sorted(loaded_by(modules) & forbidden)
    assert not heavy, f"importing the {layer} ({modules}) loads {heavy}"


@pytest.mark.parametrize("what", list(MODULES))
def test_a_short_command_loads_no_module_it_does_not_use(what: str) -> None:
    modules, forbidden = MODULES[what]
    loaded = loaded_by(modules, packages=False)
    heavy = sorted(m for m in loaded if m in forbidden or m.split(".")[0] in forbidden)
    assert not heavy, f"importing {what} ({modules}) loads {heavy}"
