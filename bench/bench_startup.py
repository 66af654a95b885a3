"""Start-up and responsiveness of qualify, measured as a user feels them.

Run: python bench/bench_startup.py [--runs N] [--prospects N] [--skip-cli | --cli-only]

1. Whole-process start-up of the short commands (answer, prospect show, score,
   validate) beside a bare `python -c pass`, interleaved, as same-run ratios with the
   targets of issue 17 (≤ 8x; validate of 500 questions ≤ 20x, also with an empty cache),
   and beside the floors any of them pays when it starts from scratch: importing
   pydantic alone, click and pydantic, and (a validate after an edit) those and PyYAML
   with the file composed by libyaml. Each runs as the installed `qualify` (when there
   is one), started from scratch and again handed to a resident process (`qualify
   resident start`).
2. Time to the first interactive prospects screen (process start → the most recently
   active prospects painted, headless: the app shows a first page of 200 and reads the
   rest after it; the time until every row is in the table is printed too), for an
   empty workspace (its welcome, shown before it is open) and for one with 10,000 demo
   prospects, with the ratios and the peak memory (max RSS) of each, beside a bare
   Textual app measured in the same interleaved runs (the floor on this machine).
3. Key press on an answer → updated score panel, with the largest bundled set:
   the handler alone (validate, score, one atomic write, panels updated), the time
   from the key reaching the app to the next frame written to the terminal, and
   Textual's Pilot round trip (which adds its own idle waits: an upper bound).

Medians over N runs. The 10,000-prospect workspace is generated once into a temp
folder (about 20 s) and reused by later runs while it exists.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "questionnaires"
CACHE = Path(tempfile.gettempdir()) / "qualify-bench"

# Runs in a child process: open the app headless, wait until the prospects table is
# filled and painted, print the elapsed time since the parent started it and the peak RSS.
FIRST_SCREEN = textwrap.dedent(
    """
    import json, resource, sys, time
    started = float(sys.argv[1])

    def peak_mb():
        # this process's own high-water mark: Linux keeps ru_maxrss across exec, so a
        # child of a big parent would report the parent's peak; VmHWM starts afresh
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from pathlib import Path
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    async def auto_pilot(pilot):
        app = pilot.app
        # the first rows on screen: the first page, or every row if the store has no
        # faster way to the most recent ones
        while not (getattr(app.screen, "shown", False) and not app.screen.has_class("-loading")):
            await pilot.pause(0.005)
        if app.screen.loaded:  # every row at once: one refresh, and they are on screen
            await pilot.pause()
        # (else "shown" is set once the first page is painted; pause() would wait for
        # the process to go idle, i.e. for the rest of the rows)
        elapsed = time.time() - started
        rows = app.screen.query_one("ProspectTable").total
        while not app.screen.loaded:
            await pilot.pause(0.005)
        await pilot.pause()
        every = time.time() - started
        total = app.screen.query_one("ProspectTable").total
        peak = peak_mb()
        app.exit(json.dumps({"seconds": elapsed, "rows": rows, "all_seconds": every,
                             "total": total, "peak_mb": peak}))

    app = QualifyApp(Path(sys.argv[2]), Path(sys.argv[3]), config=TuiConfig())
    print(app.run(headless=True, size=(120, 40), auto_pilot=auto_pilot))
    """
)

# Runs in a child: a bare Textual app (header, input, text, footer) to its first frame, the
# floor any Textual app pays on this machine; qualify's own cost is what lies above it.
BARE_APP = textwrap.dedent(
    """
    import json, resource, sys, time
    started = float(sys.argv[1])

    def peak_mb():
        # this process's own high-water mark: Linux keeps ru_maxrss across exec, so a
        # child of a big parent would report the parent's peak; VmHWM starts afresh
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from textual.app import App
    from textual.widgets import Footer, Header, Input, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Input(placeholder="filter")
            yield Static("hello")
            yield Footer()

    async def auto_pilot(pilot):
        await pilot.pause()
        peak = peak_mb()
        elapsed = time.time() - started
        pilot.app.exit(json.dumps({"seconds": elapsed, "rows": 0, "all_seconds": elapsed,
                                  "total": 0, "peak_mb": peak}))

    print(Bare().run(headless=True, size=(120, 40), auto_pilot=auto_pilot))
    """
)

# Runs in a child: interview a prospect on the largest set, time answer key presses.
# argv: data sets set_id presses fsync_delay_ms. With a delay, every os.fsync sleeps that
# long first (a slow disk): the frame after a key must not wait for it.
KEY_TO_SCORE = textwrap.dedent(
    """
    import asyncio, json, os, statistics, sys, time
    from pathlib import Path
    from textual import events
    from qualify.core.questionnaire import load_catalog
    from qualify.store import open_store
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig
    from qualify.tui.screens.interview import InterviewScreen
    from qualify.workflow.qualifier import Qualifier

    data, sets, set_id = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    presses, delay = int(sys.argv[4]), float(sys.argv[5]) / 1000
    catalog = load_catalog(sets)
    stage = next(s for s in catalog.pipeline.stages if set_id in s.set_ids)
    store = open_store(data)
    q = Qualifier(store, catalog)
    prospect = q.add_prospect("Bench Partner GmbH")
    prospect = store.update_prospect(prospect.model_copy(update={"stage": stage.id}))
    store.close()

    if delay:
        real_fsync = os.fsync
        def slow_fsync(fd):
            time.sleep(delay)
            return real_fsync(fd)
        os.fsync = slow_fsync

    from qualify.tui.screens.interview.answers import AnswerWriter

    painted, writes = [], []
    original = AnswerWriter._write

    def counted(self, *args, **kwargs):  # runs in the writer thread
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            writes.append(time.perf_counter() - t)

    AnswerWriter._write = counted

    async def auto_pilot(pilot):
        app = pilot.app
        while not getattr(app.screen, "loaded", False):
            await pilot.pause(0.01)
        app.open_interview(prospect.id)
        while not (isinstance(app.screen, InterviewScreen) and app.screen.current):
            await pilot.pause(0.01)
        await pilot.pause()
        screen = app.screen
        # stay on the first choice question; alternate two options
        choice = next(i for i, qq in enumerate(screen.order)
                      if screen.question_set.questions[qq].type == "choice")
        screen.go(screen.order[choice])
        await pilot.pause()
        display = app._display

        def paint(*a, **k):  # every frame written to the (headless) terminal
            painted.append(time.perf_counter())
            return display(*a, **k)

        app._display = paint
        to_paint = []
        for n in range(presses):
            screen.go(screen.order[choice])  # back to the question (a pick moves on)
            await pilot.pause()
            key = "1" if n % 2 else "2"
            sent = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
            await asyncio.sleep(0.15)
            after = [p for p in painted if p > sent]
            if after:
                to_paint.append(after[0] - sent)
        while not screen.all_saved:  # let the writes finish before leaving
            await pilot.pause(0.05)
        ordered = sorted(to_paint)
        app.exit(json.dumps({
            "write_ms": statistics.median(writes) * 1000,
            "writes": len(writes),
            "to_paint_ms": statistics.median(to_paint) * 1000,
            "to_paint_p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000,
            "questions": len(screen.order),
            "presses": len(to_paint),
        }))

    app = QualifyApp(data, sets, config=TuiConfig())
    print(app.run(headless=True, size=(120, 40), auto_pilot=auto_pilot))
    """
)


def median_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def child(code: str, *args: str) -> dict:
    env = {**os.environ, "QUALIFY_CONFIG": str(CACHE / "no-config.yaml")}
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def first_screens(folders: list[Path | None], runs: int) -> list[dict]:
    """Time to the first screen for each folder (None: the bare Textual app), the runs
    interleaved (A B C A B C …) so a noisy neighbour slows all alike and their ratios
    stay meaningful."""
    samples: list[list[dict]] = [[] for _ in folders]
    for _ in range(runs):
        for i, data in enumerate(folders):
            if data is None:
                samples[i].append(child(BARE_APP, repr(time.time())))
            else:
                samples[i].append(child(FIRST_SCREEN, repr(time.time()), str(data), str(SETS)))
    return [
        {
            "ms": statistics.median(s["seconds"] for s in runs_of) * 1000,
            "spread": (
                min(s["seconds"] for s in runs_of) * 1000,
                max(s["seconds"] for s in runs_of) * 1000,
            ),
            "rows": runs_of[0]["rows"],
            "all_ms": statistics.median(s["all_seconds"] for s in runs_of) * 1000,
            "total": runs_of[0]["total"],
            "peak_mb": max(s["peak_mb"] for s in runs_of),
        }
        for runs_of in samples
    ]


def demo_workspace(count: int) -> Path:
    """A workspace with `count` demo prospects (generated once, then reused)."""
    from qualify.core.questionnaire import load_catalog
    from qualify.store import open_store
    from qualify.workflow.demo import fill

    path = CACHE / f"demo-{count}"
    marker = path / ".bench-complete"
    if marker.exists():
        return path
    print(f"  (generating {count:,} demo prospects once into {path} …)", flush=True)
    started = time.perf_counter()
    store = open_store(path)
    try:
        fill(store, load_catalog(SETS), count, seed=7)
    finally:
        store.close()
    marker.write_text("ok")
    print(f"  (done in {time.perf_counter() - started:.1f} s)", flush=True)
    return path


def largest_set() -> str:
    from qualify.core.questionnaire import load_catalog

    catalog = load_catalog(SETS)
    staged = {sid for s in catalog.pipeline.stages for sid in s.set_ids}
    return max(staged, key=lambda sid: len(catalog.question_sets[sid].questions))


COMPOSED = """import sys, click, yaml
from pydantic import BaseModel
yaml.compose(open(sys.argv[1], encoding="utf-8"), Loader=yaml.CSafeLoader)"""
"""The least a validate of a changed set can do: the floor's imports, PyYAML's, and the
file composed by libyaml (no check, no model, no line and column kept)."""


def cli_workspace(py: str, folder: Path) -> tuple[str, Path]:
    """A workspace with one prospect that has answered a few first-date questions, and an
    answer file for `qualify score`; returns the prospect id and the answer file."""
    env = {**os.environ, "QUALIFY_DATA_DIR": str(folder)}
    added = subprocess.run(
        [py, "-m", "qualify", "prospect", "add", "Bench Partner GmbH", "--kind", "dealer"],
        cwd=ROOT, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    pid = added.stdout.strip()
    for question, value in (("partner_type", "stocking_dealer"), ("employees", "25")):
        subprocess.run(
            [py, "-m", "qualify", "answer", pid, question, value],
            cwd=ROOT, capture_output=True, check=True, env=env,
        )  # fmt: skip
    answers = folder / "answers.yaml"
    answers.write_text("partner_type: stocking_dealer\nemployees: 25\n", encoding="utf-8")
    return pid, answers


def cli_startup(py: str, runs: int) -> None:
    """Whole-process times of the short commands beside a bare interpreter, the runs
    interleaved (A B C … A B C …) so the ratios compare like with like. Targets (issue
    17): answer, prospect show and score ≤ 8x; validate of 500 questions ≤ 20x. Each
    command runs as the installed `qualify` a user types: started from scratch, and
    handed to a resident process (`qualify resident start`)."""
    from bench_validate import make_set

    script = Path(py).with_name("qualify")
    q = [str(script)] if script.exists() else [py, "-m", "qualify"]
    with tempfile.TemporaryDirectory(prefix="qualify-bench-cli-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        pid, answers = cli_workspace(py, folder / "ws")
        big = folder / "big.yaml"
        big.write_text(make_set(500), encoding="utf-8")
        first = str(SETS / "first-date.yaml")
        short: list[tuple[str, list[str], float | None]] = [
            ("qualify answer (one answer, workspace)", ["answer", pid, "employees", "30"], 8),
            ("qualify prospect show", ["prospect", "show", pid], 8),
            ("qualify score (what-if, no workspace)",
             ["score", "--questionnaire", first, "--answers", str(answers)], 8),
            ("qualify validate (bundled sets)", ["validate"], None),
            ("qualify validate (500 questions)", ["validate", str(big)], 20),
        ]  # fmt: skip
        cases: list[tuple[str, list[str], float | None, bool]] = [
            ("python -c pass", [py, "-c", "pass"], None, False),
            ("import textual.app", [py, "-c", "import textual.app"], None, False),
            # what any command using pydantic models and click pays before doing anything
            ("import pydantic alone",
             [py, "-c", "from pydantic import BaseModel"], None, False),
            ("import click, pydantic (the floor)",
             [py, "-c", "import click\nfrom pydantic import BaseModel"], None, False),
            # and validate, after an edit, before checking anything: the file composed
            ("the floor, and the 500 questions composed",
             [py, "-c", COMPOSED, str(big)], None, False),
            ("qualify --help", [*q, "--help"], None, False),
            *((name, [*q, *args], target, False) for name, args, target in short),
        ]  # fmt: skip
        if script.exists():
            cases += [
                (f"{name}, resident", [*q, *args], target, True) for name, args, target in short
            ]
        runtime = folder / "run"
        runtime.mkdir(mode=0o700)
        env = {
            **os.environ,
            "QUALIFY_DATA_DIR": str(folder / "ws"),
            "QUALIFY_CACHE_DIR": str(cache),
            "XDG_RUNTIME_DIR": str(runtime),
            "QUALIFY_RESIDENT": "off",
        }
        resident_env = {**env, "QUALIFY_RESIDENT": "on"}
        if script.exists():
            subprocess.run([*q, "resident", "start"], capture_output=True, check=True, env=env)
        try:
            for _, cmd, _, resident in cases:  # once: the cache of checked sets is filled
                used = resident_env if resident else env
                subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False, env=used)
            times: list[list[float]] = [[] for _ in cases]
            for _ in range(runs):
                for i, (_, cmd, _, resident) in enumerate(cases):
                    used = resident_env if resident else env
                    started = time.perf_counter()
                    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False, env=used)
                    times[i].append((time.perf_counter() - started) * 1000)
        finally:
            if script.exists():
                subprocess.run([*q, "resident", "stop"], capture_output=True, env=env)
        cold = []
        validate_big = [*q, "validate", str(big)]
        for _ in range(runs):  # validate with an empty cache: the checking itself
            shutil.rmtree(cache, ignore_errors=True)
            started = time.perf_counter()
            subprocess.run(validate_big, cwd=ROOT, capture_output=True, check=False, env=env)
            cold.append((time.perf_counter() - started) * 1000)
    base = statistics.median(times[0])
    print(f"{'process start-up (interleaved runs)':<50} {'median ms':>10} {'vs python':>10}")
    rows = [
        (name, statistics.median(t), target)
        for (name, _, target, _), t in zip(cases, times, strict=True)
    ]
    rows.append(("qualify validate (500 questions), empty cache", statistics.median(cold), 20))
    for name, ms, target in rows:
        ratio = ms / base
        note = (
            "" if target is None else f"   target ≤ {target}x {'ok' if ratio <= target else 'SLOW'}"
        )
        print(f"{name:<50} {ms:>10.1f} {ratio:>9.1f}x{note}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--prospects", type=int, default=10_000)
    parser.add_argument("--skip-cli", action="store_true", help="skip the CLI start-up cases")
    parser.add_argument("--cli-only", action="store_true", help="only the CLI start-up cases")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    CACHE.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    # Byte-compile qualify as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on
    # some CI machines) an editable checkout would otherwise compile every module on
    # every start, and the figures would not be what users get.
    compileall.compile_dir(ROOT / "qualify", quiet=1)

    if not args.skip_cli:
        cli_startup(py, args.runs)
    if args.cli_only:
        return

    large = demo_workspace(args.prospects)
    with tempfile.TemporaryDirectory(prefix="qualify-bench-empty-") as empty:
        bare, small, big = first_screens([None, Path(empty), large], args.runs)
    head = f"time to the first screen ({args.runs} runs each, interleaved)"
    print(f"{head:<50} {'median ms':>10} {'min–max ms':>12} {'peak MB':>8}")
    label = f"qualify, {big['total']:,} prospects (first rows painted)"
    cases = (
        ("bare Textual app (the floor on this machine)", bare),
        ("qualify, empty workspace", small),
        (label, big),
    )
    for name, m in cases:
        spread = f"{m['spread'][0]:.0f}–{m['spread'][1]:.0f}"
        print(f"{name:<50} {m['ms']:>10.0f} {spread:>12} {m['peak_mb']:>8.0f}")
    shown = f"  (first {big['rows']:,} rows shown; all {big['total']:,} in the table at)"
    print(f"{shown:<50} {big['all_ms']:>10.0f}")
    print(f"{'ratio (large / empty)':<50} {big['ms'] / small['ms']:>9.2f}x")
    # a new user's first screen: the welcome, shown before the workspace is open
    print(f"{'ratio (empty / bare Textual app)':<50} {small['ms'] / bare['ms']:>9.2f}x")
    ratio = big["ms"] / bare["ms"]
    verdict = "ok" if ratio <= 1.3 and big["peak_mb"] <= 100 else "SLOW"
    print(
        f"{'ratio (large / bare Textual app)':<50} {ratio:>9.2f}x   target ≤ 1.3x, "
        f"peak ≤ 100 MB ({big['peak_mb']:.0f} MB) {verdict}"
    )
    print()

    set_id = largest_set()
    presses = str(max(20, args.runs * 4))
    print(f"key press → next frame ({set_id}): the write runs in a worker, off the UI thread")
    print(f"{'':<40} {'write':>8} {'frame':>8} {'p95':>8}   (ms; target: frame p95 ≤ 50)")
    for delay in (0, 100):
        with tempfile.TemporaryDirectory(prefix="qualify-bench-keys-") as data:
            keys = child(KEY_TO_SCORE, data, str(SETS), set_id, presses, str(delay))
        name = "  fsync as the disk makes it" if not delay else f"  every fsync +{delay} ms"
        print(
            f"{name:<40} {keys['write_ms']:>8.1f} {keys['to_paint_ms']:>8.1f} "
            f"{keys['to_paint_p95_ms']:>8.1f}   ({keys['writes']} writes, in the worker)"
        )


if __name__ == "__main__":
    main()
