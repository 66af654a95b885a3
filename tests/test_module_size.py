"""One concept, one place: no module grows past ~600 lines without saying why at its top."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 600
REASON = "Longer than 600 lines because"
"""A module over the limit starts its docstring's second paragraph with this phrase."""


def test_no_module_over_the_limit_without_a_written_reason() -> None:
    too_long = []
    for path in sorted((ROOT / "qualify").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > LIMIT and REASON not in text[:2000]:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, "split these (or say why at the top):\n" + "\n".join(too_long)
