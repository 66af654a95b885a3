"""Scoring in-process: `score()` of every interview and `assess()` of every prospect of a
demo workspace, the core of every bulk operation (issue 17).

Run: python bench/bench_scoring.py [--prospects 1000] [--runs 5] [--against OTHER_CHECKOUT]

A demo workspace of N prospects is generated once (by this checkout); each checkout is
then timed in a child process of its own (`PYTHONPATH` set to it), the checkouts taking
turns run after run, so a busy machine slows them alike. A child loads the workspace,
scores and assesses everything once (imports, caches, compiled sets: as a warm process
has them), then times a second pass in CPU seconds, keeping every breakdown and
assessment as the re-score preview and the portfolio do (what a kept result holds is
walked by the garbage collector: part of the cost). Printed: the medians of --runs runs,
per 10,000 interviews and per 1,000 prospects beside the targets, and with --against the
ratio of this checkout's CPU to the other's beside the ratio the targets ask of main:
`qualify rescore --dry-run` 9 s → 3 s per 10,000 interviews (≤ 0.33), the portfolio
report 1.16 s → 0.3 s per 1,000 prospects (≤ 0.26). Score and assess are most of both
commands, not all of them, so these are the figures to watch, not the commands' own
(see bench_bulk.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from _workdir import workdir

ROOT = Path(__file__).resolve().parent.parent

RESCORE_RATIO, PORTFOLIO_RATIO = 3 / 9, 0.3 / 1.16
"""What the targets ask of main's figures: re-score 9 s → 3 s, portfolio 1.16 s → 0.3 s."""
RESCORE_TARGET, PORTFOLIO_TARGET = 3.0, 0.3
"""Whole commands: s per 10,000 interviews re-scored, s per 1,000 prospects reported."""

# Runs in a child, with PYTHONPATH set to the checkout timed: prints its CPU seconds.
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from datetime import UTC, datetime
    from pathlib import Path

    from qualify.core.scoring import score
    from qualify.reports.context import ReportContext
    from qualify.reports.loading import load_portfolio
    from qualify.setcache import load_catalog
    from qualify.store import open_store

    workspace, sets = Path(sys.argv[1]), Path(sys.argv[2])
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    catalog = load_catalog(sets)
    records, snapshots = load_portfolio(open_store(workspace), catalog)
    work = [
        (qs, i.answers)
        for r in records
        for i in r.interviews
        if (qs := snapshots.get(i.questionnaire_hash)) is not None
    ]
    context = ReportContext(catalog, snapshots, now, UTC)
    today = context.today

    def score_all():  # kept, as the re-score preview and the portfolio keep them
        return [score(qs, answers, today=today) for qs, answers in work]

    def assess_all():
        return [context.assess(r) for r in records]

    warm = score_all(), assess_all()  # imports, caches and compiled sets, as when warm
    del warm
    started = time.process_time()
    kept = score_all()
    scored = time.process_time() - started
    del kept
    started = time.process_time()
    kept = assess_all()
    assessed = time.process_time() - started
    figures = {"score": scored, "assess": assessed, "interviews": len(work)}
    print(json.dumps({**figures, "prospects": len(records)}))
    """
)


def child(checkout: Path, workspace: Path, env: dict[str, str]) -> dict[str, float]:
    """One run of one checkout, in a process of its own."""
    own = {**env, "PYTHONPATH": str(checkout)}
    own["QUALIFY_CACHE_DIR"] = str(workspace.parent / f"cache-{abs(hash(str(checkout)))}")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(workspace), str(ROOT / "questionnaires")],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=own,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the run of {checkout} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prospects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout of qualify, e.g. a clone of the commit to compare with",
    )
    parser.add_argument("--dir", type=workdir, default=None, help="Where to build (default: temp).")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="qualify-bench-scoring-", dir=args.dir))
    workspace = base / "workspace"
    env = {**os.environ, "QUALIFY_CONFIG": str(base / "no-config.yaml")}
    env.pop("QUALIFY_QUESTIONNAIRES", None)
    env.pop("QUALIFY_DATA_DIR", None)
    checkouts = [ROOT, *([args.against.resolve()] if args.against else [])]
    try:
        demo = ["demo", "--prospects", str(args.prospects)]
        subprocess.run(
            [sys.executable, "-m", "qualify", "--data-dir", str(workspace), *demo],
            cwd=ROOT,
            capture_output=True,
            env={**env, "PYTHONPATH": str(ROOT), "QUALIFY_CACHE_DIR": str(base / "cache")},
            check=True,
        )
        runs: dict[Path, list[dict[str, float]]] = {c: [] for c in checkouts}
        for _ in range(args.runs):
            for checkout in checkouts:  # taking turns: a busy spell slows both alike
                runs[checkout].append(child(checkout, workspace, env))
        report(runs, checkouts)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def report(runs: dict[Path, list[dict[str, float]]], checkouts: list[Path]) -> None:
    median = {
        c: {k: statistics.median(r[k] for r in runs[c]) for k in ("score", "assess")}
        for c in checkouts
    }
    first = runs[checkouts[0]][0]
    interviews, prospects = int(first["interviews"]), int(first["prospects"])
    n = len(runs[checkouts[0]])
    print(f"{interviews:,} interviews of {prospects:,} prospects, CPU medians of {n} runs")
    for c in checkouts:
        s, a = median[c]["score"], median[c]["assess"]
        per_score = s * 10_000 / max(interviews, 1)
        per_assess = a * 1_000 / max(prospects, 1)
        print(
            f"  {c!s:<28} score() {s:7.3f} s ({per_score:5.2f} s per 10,000; the whole"
            f" re-score's target ≤ {RESCORE_TARGET:.1f} s)   assess() {a:7.3f} s"
            f" ({per_assess:5.2f} s per 1,000; the whole portfolio's target ≤ {PORTFOLIO_TARGET} s)"
        )
    if len(checkouts) == 2:
        mine, other = median[checkouts[0]], median[checkouts[1]]
        for what, target in (("score", RESCORE_RATIO), ("assess", PORTFOLIO_RATIO)):
            ratio = mine[what] / other[what] if other[what] else float("nan")
            verdict = "ok" if ratio <= target else "short of it"
            print(
                f"  {what}() CPU ratio, this checkout / {checkouts[1]}: {ratio:.2f}"
                f"  (target ≤ {target:.2f} of main's: {verdict})"
            )


if __name__ == "__main__":
    main()
