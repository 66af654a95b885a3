"""Style is part of the test suite, so the README's one test command checks it too."""

import shutil
import subprocess
import sys
from pathlib import Path

from support import unavailable

ROOT = Path(__file__).resolve().parent.parent
CODE = [d for d in ("qualify", "tests", "bench") if (ROOT / d).is_dir()]


def _ruff() -> list[str]:
    exe = shutil.which("ruff")
    if exe:
        return [exe]
    try:
        import ruff  # noqa: F401
    except ImportError:
        unavailable("ruff is not installed (it comes with the test extras)")
    return [sys.executable, "-m", "ruff"]


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [*_ruff(), "check", "--no-cache", *CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [*_ruff(), "format", "--check", "--no-cache", *CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
