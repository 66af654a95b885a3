"""Does recording an answer cost the same with 10,000 prospects as with 100?

Run: python bench/bench_store.py [--small 100] [--large 10000] [--samples 300] [--dir DIR]

Builds two workspaces (each prospect with 3 interviews of 60 answers, and the three
question sets they were asked with) through ``add_prospects_bulk``, then records
single answers alternating between the two, so both are measured under the same
conditions in the same run. Each answer is one store call, as the TUI and `qualify
answer` make it: the prospect file read, the list row scored on all three interviews,
the file and the row's index shard written. Targets: ratio <= 1.5x; list_prospects at
the large size < 1 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _workdir import workdir

from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
)
from qualify.store.workspace import Workspace

STAGES = ("discovery", "fit", "commit")
ANSWERS = 60
KINDS = ("scale", "yes_no", "choice", "multi", "text")


def question_set(stage: str) -> dict:
    """A set of 60 questions of every kind, as a snapshot."""
    options = [{"value": v, "label": v.upper(), "score": s} for v, s in (("a", 5), ("b", 2))]
    questions = []
    for n in range(ANSWERS):
        kind = KINDS[n % len(KINDS)]
        question = {"id": f"q{n:02d}", "text": f"Question {n}?", "type": kind}
        if kind in ("choice", "multi"):
            question["options"] = options
        if kind == "yes_no":
            question["score"] = {"yes": 5, "no": 0}
        questions.append(question)
    sections = [
        {"id": f"s{k}", "title": f"Section {k}", "questions": questions[k * 10 : k * 10 + 10]}
        for k in range(ANSWERS // 10)
    ]
    bands = [{"min": 75, "label": "Strong"}, {"min": 0, "label": "Weak"}]
    return {"id": stage, "title": stage, "version": 1, "bands": bands, "sections": sections}


def value(n: int, rng: random.Random) -> object:
    kind = KINDS[n % len(KINDS)]
    return {
        "scale": rng.randint(1, 5),
        "yes_no": rng.random() < 0.5,
        "choice": rng.choice(["a", "b"]),
        "multi": ["a", "b"],
        "text": "some free text",
    }[kind]


def generate(count: int, seed: int) -> Iterator[ProspectRecords]:
    """Prospects with 3 interviews of 60 answers each, cheap to build."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    templates = [
        AnswerRecord(
            question_id=f"q{n:02d}",
            value=value(n, rng),
            note="" if n % 4 else "asked twice, same answer",
            answered_at=start,
            by="ann",
        )
        for n in range(ANSWERS)
    ]
    for n in range(count):
        pid = f"{rng.getrandbits(48):012x}"
        when = start + timedelta(minutes=n)
        prospect = Prospect(
            id=pid, name=f"Company {n}", territory="North", stage="commit", created_at=when
        )
        interviews = [
            Interview(
                id=f"{pid}-{stage}",
                prospect_id=pid,
                stage=stage,
                questionnaire_id=stage,
                questionnaire_version=1,
                questionnaire_hash=f"{stage}hash",
                answers={a.question_id: a for a in templates},
                started_at=when + timedelta(days=k),
            )
            for k, stage in enumerate(STAGES)
        ]
        history = (HistoryEntry(id=f"{pid}-h0", prospect_id=pid, action="created", at=when),)
        yield ProspectRecords(prospect, tuple(interviews), history)


def build(
    root: Path, count: int, seed: int, *, scored: bool = True
) -> tuple[Workspace, list[str], float]:
    started = time.perf_counter()
    store = Workspace(root)
    for stage in STAGES if scored else ():
        store.put_snapshot(f"{stage}hash", question_set(stage))
    store.add_prospects_bulk(generate(count, seed))
    took = time.perf_counter() - started
    ids = store.prospect_ids()
    return store, ids, took


def record_once(store: Workspace, pid: str, n: int) -> float:
    rng = random.Random(n)
    answer = AnswerRecord(question_id=f"q{n % ANSWERS:02d}", value=value(n, rng), by="bench")
    started = time.perf_counter()
    store.record_answers(f"{pid}-commit", [answer])
    return time.perf_counter() - started


def answer_io(root: Path) -> dict[str, int]:
    """What one `qualify answer` does to the disk, counted: a fresh workspace and
    qualifier (as a new process has), the prospect read once and the answer recorded
    through the Qualifier, as the CLI and the app record it."""
    import os

    import qualify.atomic as atomic
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.store.workspace.files import shard_of
    from qualify.workflow.qualifier import Qualifier

    catalog = load_catalog(Path(__file__).resolve().parent.parent / "questionnaires")
    q = Qualifier(Workspace(root), catalog, user="bench")
    pid = q.add_prospect("Bench Partner GmbH", kind="dealer").id
    q.record(q.resolve(pid), [AnswerInput(question_id="partner_type", value="stocking_dealer")])
    path = Workspace(root).prospect_path(pid)
    shard = root / "index" / "prospects" / f"{shard_of(pid)}.json"
    counts = {"reads": 0, "writes": 0, "shard writes": 0, "fsyncs": 0}
    real_read, real_fsync, real_write = Path.read_bytes, os.fsync, atomic.write_bytes
    real_open = os.open

    def read_bytes(self: Path) -> bytes:
        counts["reads"] += self == path
        return real_read(self)

    def opened(target: Path, flags: int, *args: object, **kwargs: object) -> int:
        # qualify reads its own files with atomic.read_whole: an os.open, read-only
        counts["reads"] += Path(target) == path and not flags & (os.O_WRONLY | os.O_RDWR)
        return real_open(target, flags, *args, **kwargs)  # type: ignore[arg-type]

    def fsync(fd: int) -> None:
        counts["fsyncs"] += 1
        real_fsync(fd)

    def write_bytes(target: Path, payload: bytes, **options: object) -> Path:
        counts["writes"] += Path(target) == path
        counts["shard writes"] += Path(target) == shard
        return real_write(target, payload, **options)  # type: ignore[arg-type]

    import qualify.store.workspace.storage as storage_module
    import qualify.store.workspace.store as store_module

    Path.read_bytes = read_bytes  # type: ignore[method-assign]
    os.open = opened  # type: ignore[assignment]
    os.fsync = fsync
    store_module.write_bytes = write_bytes  # type: ignore[assignment]
    storage_module.write_bytes = write_bytes  # type: ignore[assignment]
    try:
        fresh = Qualifier(Workspace(root), catalog, user="bench")  # a new process
        records = fresh.read(pid)
        fresh.record(
            records.prospect,
            [AnswerInput(question_id="employees", value=25)],
            records=records,
        )
    finally:
        Path.read_bytes = real_read  # type: ignore[method-assign]
        os.open = real_open
        os.fsync = real_fsync
        store_module.write_bytes = real_write
        storage_module.write_bytes = real_write
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--dir", type=workdir, default=None, help="Where to build (default: temp).")
    parser.add_argument(
        "--unscored",
        action="store_true",
        help="Keep no question sets, so list rows are not scored (isolates the file I/O).",
    )
    args = parser.parse_args()

    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="qualify-bench-", dir=args.dir))
    try:
        io = answer_io(base / "io")
        print(
            f"one answer as `qualify answer` records it: {io['reads']} read(s) and "
            f"{io['writes']} write(s) of the prospect file, {io['shard writes']} index shard "
            f"write(s), {io['fsyncs']} fsyncs (each file and its folder) "
            "(target: 1 read, 1 write, a shard only when the list row changes)"
        )
        scored = not args.unscored
        small, small_ids, small_build = build(base / "small", args.small, 1, scored=scored)
        print(f"built {args.small:>6} prospects in {small_build:6.2f} s")
        large, large_ids, large_build = build(base / "large", args.large, 2, scored=scored)
        print(f"built {args.large:>6} prospects in {large_build:6.2f} s")

        rng = random.Random(3)
        times: dict[str, list[float]] = {"small": [], "large": []}
        for n in range(20):  # warm up both
            record_once(small, rng.choice(small_ids), n)
            record_once(large, rng.choice(large_ids), n)
        for n in range(args.samples):
            pair = [("small", small, small_ids), ("large", large, large_ids)]
            rng.shuffle(pair)
            for name, store, ids in pair:
                times[name].append(record_once(store, rng.choice(ids), n))

        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        p90 = {k: sorted(v)[int(len(v) * 0.9)] * 1000 for k, v in times.items()}
        ratio = med["large"] / med["small"]
        print(
            f"record one answer, {args.small:>6} prospects: median {med['small']:.3f} ms "
            f"(p90 {p90['small']:.3f} ms)"
        )
        print(
            f"record one answer, {args.large:>6} prospects: median {med['large']:.3f} ms "
            f"(p90 {p90['large']:.3f} ms)"
        )
        verdict = "ok" if ratio <= 1.5 else "TOO SLOW"
        print(f"ratio large/small: {ratio:.2f}x (target <= 1.5x) {verdict}")

        runs = []
        for _ in range(5):
            started = time.perf_counter()
            rows = large.list_prospects()
            runs.append(time.perf_counter() - started)
        listed = statistics.median(runs)
        verdict = "ok" if listed < 1.0 else "TOO SLOW"
        print(
            f"list_prospects() with {len(rows)} prospects: median {listed * 1000:.1f} ms "
            f"(target < 1000 ms) {verdict}"
        )

        runs = []
        for _ in range(5):
            started = time.perf_counter()
            Workspace(base / "large")
            runs.append(time.perf_counter() - started)
        opened = statistics.median(runs) * 1000
        print(f"open the {args.large}-prospect workspace: median {opened:.1f} ms")
        started = time.perf_counter()
        large.resolve_id(large_ids[0][:6])
        print(
            f"resolve_id(prefix) at {args.large}: {(time.perf_counter() - started) * 1000:.1f} ms"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
