"""Every benchmark still runs: at a toy size, each ends well and prints its targets.

The figures are the benches' business (noisy machines; see bench/). What this guards is
that a bench nobody ran for a while has not broken: bench_team once crashed halfway on
a bug of the team store's bulk load that no test reached.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import unavailable

ROOT = Path(__file__).resolve().parent.parent

TOY = {
    "bench_bulk.py": ["--prospects", "60", "--runs", "1"],
    "bench_evidence.py": ["--prospects", "5", "--files", "2", "--size-kb", "4"],
    "bench_languages.py": [],
    "bench_live.py": ["--prospects", "30", "--rounds", "1"],
    "bench_startup.py": ["--runs", "1", "--prospects", "60"],
    "bench_store.py": ["--small", "5", "--large", "40", "--samples", "5"],
    "bench_validate.py": [],
    "bench_scoring.py": ["--prospects", "30", "--runs", "1"],
    "bench_transfer.py": ["--prospects", "20"],
    "crash_kill.py": ["--kills", "3"],
    "bench_team.py": ["--seconds", "1", "--writers", "2", "--large", "300", "--small", "50",
                      "--samples", "5"],
}  # fmt: skip
PRINTS = {"bench_evidence.py": "attach one file:", "crash_kill.py": "lost acknowledged writes: 0"}
"""What a bench without a target prints when it ends well (default: its targets)."""


def test_every_bench_is_listed() -> None:
    found = {p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_")}
    benches = found - {"mutation.py"}  # (a module whose name starts with _ is their helper)
    assert benches == set(TOY)


@pytest.mark.slow
@pytest.mark.parametrize(
    "bench",
    [pytest.param(b, marks=pytest.mark.pg) if b == "bench_team.py" else b for b in TOY],
)
def test_a_bench_runs_at_a_toy_size_and_prints_its_figures(bench: str, tmp_path: Path) -> None:
    if bench in ("bench_team.py", "bench_live.py"):
        from pgserver import find_bindir

        if find_bindir() is None:
            unavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
    env = {**os.environ, "QUALIFY_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("QUALIFY_DATA_DIR", None)
    if bench not in ("bench_team.py", "bench_live.py"):  # a server's socket path stays short
        env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / bench), *TOY[bench]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert PRINTS.get(bench, "target") in done.stdout, done.stdout
