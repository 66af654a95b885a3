"""Fixtures for the store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.store.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh workspace with a short lock timeout, so a lock bug fails fast."""
    return Workspace(tmp_path / "ws", lock_timeout=5)
