"""The shell examples in the docs run, in order, exactly as a reader would paste them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import unavailable

DOCS = Path(__file__).resolve().parents[2] / "docs"
RUNNABLE = ["insights.md", "languages.md"]


@pytest.mark.parametrize("name", RUNNABLE)
def test_shell_blocks_run(name: str, tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        unavailable("bash is not installed")
    text = (DOCS / name).read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    assert blocks, f"{name} has no shell examples"
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
