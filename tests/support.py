"""What every test folder shares: the rule for what a test may skip.

Importable as ``support`` in every import mode (tests/ is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

STRICT = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("QUALIFY_REQUIRE_ALL") == "1"
)
"""In CI every tool a test needs must be there."""


def unavailable(reason: str) -> NoReturn:
    """Skip (on a developer's machine) or fail (in CI) a test whose tool is missing."""
    if STRICT:
        pytest.fail(f"{reason} — CI needs it (no silent skips)", pytrace=False)
    pytest.skip(reason)
