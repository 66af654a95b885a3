"""What each layer loads when imported, in a fresh interpreter: the command line starts
fast only if `qualify validate` never pays for Textual, a report never for TinyDB, and
the embedded workspace never for psycopg.

One table, one check: each row is what a command imports and the top-level packages it
must not pull in.
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


def loaded_by(modules: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after importing ``modules``."""
    code = (
        f"import sys, json\nimport {modules}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
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
