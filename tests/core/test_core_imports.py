"""The core must not pull in Textual or TinyDB, so `qualify validate` and `score` start fast."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_imports_without_textual_or_tinydb() -> None:
    code = textwrap.dedent(
        """
        import sys
        import qualify.core.questionnaire, qualify.core.scoring, qualify.core.gates
        heavy = sorted(m for m in ("textual", "tinydb") if m in sys.modules)
        assert not heavy, f"the core imported {heavy}"
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
