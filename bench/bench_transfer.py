"""The bulk commands scale: twice the prospects cost at most about twice the time.

Builds two demo workspaces, of N and 2N sample prospects, and times each command as
a whole process on both: a JSON export, a CSV export, an import of the JSON export into
an empty workspace, `doctor`, and `rescore` recording every interview against question
sets one version newer (each with a section weighted differently, so every interview is
re-scored). Prints each command's time and peak memory at both sizes and the ratios;
the target is at most 2.2× the time for twice the prospects (linear, with room for a
noisy machine). Memory is printed, not judged: an import holds the file it checks, so
its memory grows with the file; the doctor's should not.

    python bench/bench_transfer.py                  # 2,000 and 4,000 prospects
    python bench/bench_transfer.py --prospects 5000 # 5,000 and 10,000
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
import tempfile
from pathlib import Path

from _workdir import workdir
from bench_bulk import PEAKS, ROOT, bump_versions, run

TARGET = 2.2
"""Time for twice the prospects, at most this many times the time for once."""


def commands(data: Path, out: Path, sets: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    """Each command timed: its name, its arguments, the environment it adds."""

    def on(workspace: Path, *args: str) -> list[str]:
        return [sys.executable, "-m", "qualify", "--data-dir", str(workspace), *args]

    newer = {"QUALIFY_QUESTIONNAIRES": str(sets)}
    empty = data.with_name(data.name + "-imported")
    return [
        ("export (JSON)", on(data, "export", "-o", str(out)), {}),
        ("export (CSV)", on(data, "export", "--format", "csv", "-o", f"{out}.csv"), {}),
        ("import into an empty workspace", on(empty, "import", str(out)), {}),
        ("doctor", on(data, "doctor"), {}),
        ("rescore (recording every interview)", on(data, "rescore"), newer),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prospects", type=int, default=2000, help="N (and 2N) prospects")
    parser.add_argument("--dir", type=workdir, default=None, help="Where to build (default: temp).")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "qualify", quiet=1)  # as pip install does (bench_bulk.py)
    base = Path(tempfile.mkdtemp(prefix="qualify-bench-transfer-", dir=args.dir))
    env = {
        **os.environ,
        "QUALIFY_CACHE_DIR": str(base / "cache"),
        "QUALIFY_CONFIG": str(base / "no-config.yaml"),
    }
    env.pop("QUALIFY_QUESTIONNAIRES", None)
    sets = base / "sets-newer"
    bump_versions(ROOT / "questionnaires", sets)
    sizes = (args.prospects, 2 * args.prospects)
    try:
        work: dict[int, list[tuple[str, list[str], dict[str, str]]]] = {}
        for n in sizes:
            data = base / f"ws{n}"
            run([sys.executable, "-m", "qualify", "--data-dir", str(data), "demo", "--prospects",
                 str(n)], env=env)  # fmt: skip
            work[n] = commands(data, base / f"export{n}.json", sets)
        print(f"{'command':<38} {sizes[0]:>7,} {sizes[1]:>8,}   time ×  memory (MB)")
        worst = 0.0
        for k, (name, _, _) in enumerate(work[sizes[0]]):
            took, peaks = [], []
            for n in sizes:  # the two sizes one after the other: the same machine
                _, argv, extra = work[n][k]
                took.append(run(argv, env={**env, **extra}))
                peaks.append(PEAKS[-1])
            ratio = took[1] / took[0]
            worst = max(worst, ratio)
            print(
                f"{name:<38} {took[0]:6.2f} s {took[1]:7.2f} s  {ratio:5.2f}  "
                f"{peaks[0]:5.0f} → {peaks[1]:5.0f}"
            )
        verdict = "ok" if worst <= TARGET else "OVER"
        print(
            f"twice the prospects cost at most {worst:.2f}× the time (target ≤ {TARGET}×) {verdict}"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
