"""docs/reports.md: its commands run, and its Markdown excerpt is real output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reports.md"
GOLDEN = Path(__file__).parent / "golden" / "prospect-muller.md"


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_example_commands_run(tmp_path: Path) -> None:
    [script] = _blocks("sh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # each command's result is on standard output: the demo's line, then the report
    assert "added 40 sample prospects" in result.stdout.splitlines()[0]
    assert result.stdout.splitlines()[1].startswith("# Fit report: ")
    for name in ("fit-report.html", "fit-report.json", "portfolio.html", "north.csv"):
        assert (tmp_path / name).stat().st_size > 0, name
    [named] = list((tmp_path / "reports").iterdir())
    assert named.suffix == ".md"
    assert (tmp_path / "north.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_markdown_excerpt_is_real_output() -> None:
    [excerpt] = _blocks("markdown")
    golden = GOLDEN.read_text(encoding="utf-8")
    for line in excerpt.splitlines():
        assert line in golden, line
