"""Bulk operations on a large workspace, as a user runs them: whole `qualify` processes.

Run: python bench/bench_bulk.py [--prospects 10000] [--runs 3] [--dir DIR]

1. `qualify demo --prospects N` into an empty workspace (target ≤ 20 s at 10,000).
2. `qualify prospect list` of the N prospects (target ≤ 0.3 s): the whole process, and
   the command's own work in a process that has already started (its imports done);
   then the whole process with the user cache off (no rows kept: every one parsed).
3. The re-score preview, `qualify rescore --dry-run`, after every question set got a
   new version (the workspace's own questionnaires/, each set's version bumped): every
   interview is a candidate (target ≤ 3 s per 10,000 interviews).
4. The portfolio in HTML, `qualify report --portfolio --format html` (target ≤ 3 s):
   with nothing kept (the first ever, or after the sets or qualify changed: every
   prospect assessed); the first of the day, with the shares yesterday's portfolio kept
   (made by a run whose clock is set back a day); again with the shares the last run
   kept; and again after 1 % of the prospects changed.

Each line prints the figure, the target and their ratio (≤ 1.00 meets it); the medians
of --runs runs (the demo runs once), with the CPU time the command used beside them (on
a shared machine the clock also counts the other processes) and its peak memory (a
portfolio of 10,000 once held every assessment at once: 1.4 GB). A bare `python -c pass`
is timed in the same run, so a slow machine shows as a slow floor.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _workdir import workdir

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "questionnaires"

# Runs in a child: the command's own work, once qualify is imported (as in the app).
IN_PROCESS = textwrap.dedent(
    """
    import contextlib, io, sys, time
    from qualify.cli import main
    args = sys.argv[1:]
    with contextlib.redirect_stdout(io.StringIO()):
        main(args, standalone_mode=False)  # once: imports and caches, as a warm process has
        started = time.perf_counter()
        main(args, standalone_mode=False)
        took = time.perf_counter() - started
    print(took)
    """
)


# Runs in a child: the command as it ran yesterday (the reports' clock set back a day).
YESTERDAY = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta
    import qualify.reports.context as context

    class Yesterday(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) - timedelta(days=1)

    context.datetime = Yesterday
    from qualify.cli import main
    main(sys.argv[1:], prog_name="qualify")
    """
)


# Runs in a child: renames every hundredth prospect (a change the portfolio shows).
CHANGE_SOME = textwrap.dedent(
    """
    import sys
    from qualify.store import open_store
    store = open_store(sys.argv[1])
    ids = [s.id for s in store.list_prospects()]
    step = max(1, len(ids) // int(sys.argv[2]))
    for pid in ids[::step][: int(sys.argv[2])]:
        p = store.get_prospect(pid)
        store.update_prospect(p.model_copy(update={"name": p.name + " (renamed)"}))
    store.close()
    """
)


PEAKS: list[float] = []
"""The peak memory (max RSS, MB) of each child `run` timed, in order."""


def run(args: list[str], *, env: dict[str, str] | None = None) -> float:
    """Seconds on the clock; the child's own peak memory is added to PEAKS (wait4 tells
    one child's, where getrusage would tell the largest of all children so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        took = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        PEAKS.append(usage.ru_maxrss / 1024)  # KB on Linux
        if child.returncode != 0:
            err.seek(0)
            problem = err.read().decode("utf-8", "replace")
            raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{problem}")
    return took


def median_of(runs: int, args: list[str], env: dict[str, str]) -> float:
    return statistics.median(run(args, env=env) for _ in range(runs))


def peak(runs: int) -> str:
    """The largest peak memory of the last `runs` children."""
    return f", peak {max(PEAKS[-runs:]):.0f} MB"


def children_cpu() -> float:
    """CPU seconds the finished child processes used: on a shared machine, less at the
    mercy of the other processes than the time on the clock."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def line(
    name: str, seconds: float, target: float, extra: str = "", cpu: float = 0.0, mem: str = ""
) -> None:
    ratio = seconds / target
    verdict = "ok" if ratio <= 1 else "SLOW"
    used = f"  (cpu {cpu:.2f} s{mem})" if cpu else ""
    print(
        f"{name:<46} {seconds:8.2f} s  target ≤ {target:5.2f} s  "
        f"ratio {ratio:5.2f}  {verdict}{used}{extra}"
    )


def bump_versions(source: Path, target: Path) -> int:
    """A copy of the question sets, each one version newer with its first section weighted
    one more; returns how many sets."""
    shutil.copytree(source, target)
    count = 0
    for path in target.glob("*.yaml"):
        if path.stem == "pipeline":
            continue
        text = path.read_text(encoding="utf-8")
        bumped = re.sub(
            r"^version: *(\d+)", lambda m: f"version: {int(m[1]) + 1}", text, count=1, flags=re.M
        )
        # a new weight for the first section: a change that scores differently, so every
        # interview is a candidate (a new version number alone changes no score)
        bumped = re.sub(
            r"^(    weight: *)(\d+)",
            lambda m: f"{m[1]}{int(m[2]) + 1}",
            bumped,
            count=1,
            flags=re.M,
        )
        path.write_text(bumped, encoding="utf-8")
        count += bumped != text
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prospects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=workdir, default=None, help="Where to build (default: temp).")
    args = parser.parse_args()
    py = sys.executable
    # Byte-compile qualify as `pip install` does (see bench_startup.py): with
    # PYTHONDONTWRITEBYTECODE set, an edited checkout would compile its changed modules
    # in every process timed here.
    compileall.compile_dir(ROOT / "qualify", quiet=1)
    base = Path(tempfile.mkdtemp(prefix="qualify-bench-bulk-", dir=args.dir))
    data = base / "workspace"
    env = {
        **os.environ,
        "QUALIFY_CACHE_DIR": str(base / "cache"),
        "QUALIFY_CONFIG": str(base / "no-config.yaml"),
    }
    env.pop("QUALIFY_QUESTIONNAIRES", None)
    qualify = [py, "-m", "qualify", "--data-dir", str(data)]
    n = args.prospects
    scale = n / 10_000
    try:
        bare = median_of(5, [py, "-c", "pass"], env)
        print(f"{'python -c pass (the floor on this machine)':<46} {bare * 1000:8.1f} ms")
        cpu = children_cpu()
        took = run([*qualify, "demo", "--prospects", str(n)], env=env)
        line(
            f"qualify demo --prospects {n:,}",
            took,
            20 * scale,
            cpu=children_cpu() - cpu,
            mem=peak(1),
        )

        cpu = children_cpu()
        listed = median_of(args.runs, [*qualify, "prospect", "list"], env)
        line(
            f"qualify prospect list ({n:,}), whole process",
            listed,
            0.3,
            f"  ({listed / bare:.0f}x python -c pass)",
            cpu=(children_cpu() - cpu) / args.runs,
            mem=peak(args.runs),
        )
        own = statistics.median(
            float(
                subprocess.run(
                    [py, "-c", IN_PROCESS, "--data-dir", str(data), "prospect", "list"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                ).stdout.strip()
            )
            for _ in range(args.runs)
        )
        line("  the command's own work (imports done)", own, 0.3)
        # nothing kept in the user cache (it is off): every row is read afresh
        cpu = children_cpu()
        fresh_env = {**env, "QUALIFY_CACHE_DIR": "off"}
        afresh = median_of(args.runs, [*qualify, "prospect", "list"], fresh_env)
        line(
            "  no rows kept (the cache off), whole process",
            afresh,
            0.3,
            f"  ({afresh / bare:.0f}x python -c pass)",
            cpu=(children_cpu() - cpu) / args.runs,
            mem=peak(args.runs),
        )

        sets = bump_versions(SETS, data / "questionnaires")
        runs = []
        cpu = children_cpu()
        for _ in range(args.runs):
            started = time.perf_counter()
            preview = subprocess.run(
                [*qualify, "rescore", "--dry-run"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            runs.append(time.perf_counter() - started)
        rescored = statistics.median(runs)
        interviews = len(re.findall(r" v\d+ → v\d+: ", preview.stdout))
        per = rescored * 10_000 / max(interviews, 1)
        line(
            f"qualify rescore --dry-run ({interviews:,} interviews)",
            rescored,
            3 * interviews / 10_000,
            f"  ({per:.2f} s per 10,000; {sets} sets bumped)",
            cpu=(children_cpu() - cpu) / args.runs,
        )
        shutil.rmtree(data / "questionnaires")

        out = base / "portfolio.html"
        portfolio = [*qualify, "report", "--portfolio", "--format", "html", "-o", str(out)]
        # A portfolio with nothing kept assesses every prospect; the next ones, that day or
        # later, take the shares kept by the last (reports/portfolio_cache.py) for the
        # prospects that did not change and whose day did not come. Each run with nothing
        # kept gets a copy of the cache holding only the sets.
        sets_only = base / "cache-sets"
        shutil.copytree(base / "cache", sets_only)
        firsts = []
        cpu = children_cpu()
        for i in range(args.runs):
            fresh = base / f"cache-first-{i}"
            shutil.copytree(sets_only, fresh)
            firsts.append(
                run([*portfolio, "--force"], env={**env, "QUALIFY_CACHE_DIR": str(fresh)})
            )
        line(
            f"qualify report --portfolio, html ({n:,})",
            statistics.median(firsts),
            3 * scale,
            "  (nothing kept: every prospect assessed)",
            cpu=(children_cpu() - cpu) / args.runs,
            mem=peak(args.runs),
        )
        yesterday = base / "cache-yesterday"
        shutil.copytree(sets_only, yesterday)
        subprocess.run(
            [py, "-c", YESTERDAY, *portfolio[3:], "--force"],
            cwd=ROOT,
            env={**env, "QUALIFY_CACHE_DIR": str(yesterday)},
            check=True,
            capture_output=True,
        )
        days = []
        cpu = children_cpu()
        for i in range(args.runs):
            fresh = base / f"cache-day-{i}"
            shutil.copytree(yesterday, fresh)
            days.append(run([*portfolio, "--force"], env={**env, "QUALIFY_CACHE_DIR": str(fresh)}))
        line(
            "  first of the day, yesterday's shares kept",
            statistics.median(days),
            3 * scale,
            cpu=(children_cpu() - cpu) / args.runs,
            mem=peak(args.runs),
        )
        kept = {**env, "QUALIFY_CACHE_DIR": str(base / f"cache-first-{args.runs - 1}")}
        cpu = children_cpu()
        again = median_of(args.runs, [*portfolio, "--force"], kept)
        line(
            "  again, nothing changed",
            again,
            3 * scale,
            cpu=(children_cpu() - cpu) / args.runs,
            mem=peak(args.runs),
        )
        changed = max(1, n // 100)
        subprocess.run(
            [py, "-c", CHANGE_SOME, str(data), str(changed)], cwd=ROOT, env=kept, check=True
        )
        cpu = children_cpu()
        took = run([*portfolio, "--force"], env=kept)
        line(
            f"  again, {changed:,} prospects changed since",
            took,
            3 * scale,
            cpu=children_cpu() - cpu,
            mem=peak(1),
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
