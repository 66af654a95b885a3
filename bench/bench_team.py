"""The team store on PostgreSQL: concurrent writers, listing 100,000 prospects, answer latency.

Run: python bench/bench_team.py [--seconds 30] [--writers 8] [--large 100000] [--small 1000]

Starts its own throw-away PostgreSQL server (durable: fsync and synchronous commit on,
as a real server), in a temp dir, on a Unix socket only; needs the PostgreSQL binaries
(initdb, pg_ctl) and psycopg (`pip install '.[team]'`). Prints:

1. WRITERS processes recording answers at once for SECONDS, half of them on the same
   prospects: answers per second, and the count of answers the server logged equals
   the count the writers were told were stored.
2. Listing LARGE prospects (the prospects screen's query), as a director and as an
   area manager (row-level security on): target ≤ 0.5 s. Listing again (what the app
   does after every change) reads only what changed; the first listing of a new
   connection reads every row, printed beside it, after the first page the app paints
   before it (200 rows, one query with a limit, on a connection of its own).
3. Recording one answer with SMALL vs LARGE prospects on the server, alternating
   between the two databases in the same run: target ratio <= 1.5x.
4. Answer latency on PostgreSQL beside the embedded workspace, same run: target ≤ 3x.
5. `qualify import` of SMALL demo prospects (an export of `qualify demo`: about 50
   answers each) into an empty server database beside an empty workspace, whole
   processes, same run: how much longer moving a workspace up to the server takes.
6. `qualify sync` of the workspace holding them with another empty server database:
   the first (every prospect sent, and read back), then again (nothing to send).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # pgserver.py

from qualify.core.records import AnswerRecord, HistoryEntry, Interview, Prospect, ProspectRecords
from qualify.store.base import Store

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = ("North", "South", "East", "West")
ANSWERS = 5


def generate(count: int, seed: int) -> Iterator[ProspectRecords]:
    """Prospects spread over four territories, each with one interview of a few answers."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        pid = f"{rng.getrandbits(48):012x}"
        when = start + timedelta(seconds=n)
        territory = TERRITORIES[n % len(TERRITORIES)]
        prospect = Prospect(
            id=pid, name=f"Company {n}", territory=territory, stage="fit", created_at=when
        )
        interview = Interview(
            id=f"{pid}-i",
            prospect_id=pid,
            stage="fit",
            questionnaire_id="fit",
            questionnaire_version=1,
            questionnaire_hash="fithash",
            started_at=when,
            answers={
                f"q{k}": AnswerRecord(question_id=f"q{k}", value=k, answered_at=when, by="ann")
                for k in range(ANSWERS)
            },
        )
        history = (HistoryEntry(prospect_id=pid, action="created", to_stage="fit", at=when),)
        yield ProspectRecords(prospect, (interview,), history)


def _one_answer(store: Store, interview_id: str, pid: str, n: int) -> float:
    started = time.perf_counter()
    store.record_answers(
        interview_id, [AnswerRecord(question_id=f"bench{n % 50}", value=n, by="bench")]
    )
    return time.perf_counter() - started


def _fmt(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms"


# ------------------------------------------------------------------ 1. concurrent writers


def _writer(url: str, targets: list[tuple[str, str]], seconds: float, tag: str, out: Any) -> None:
    from qualify.store.postgres import PostgresStore

    store = PostgresStore(url)
    rng = random.Random(tag)
    acknowledged = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        interview_id, _ = rng.choice(targets)
        store.record_answers(
            interview_id,
            [AnswerRecord(question_id=f"{tag}-{acknowledged % 40}", value=acknowledged, by=tag)],
        )
        acknowledged += 1  # counted only once the store returned: the answer is committed
    store.close()
    out.put(acknowledged)


def bench_writers(server: Any, admin_url: str, writers: int, seconds: float) -> None:
    from qualify.store.postgres import PostgresStore, connect

    with PostgresStore(admin_url) as admin:
        shared = []
        for records in generate(writers + 4, seed=1):
            prospect = records.prospect.model_copy(update={"territory": "North"})
            admin.add_prospects_bulk([replace(records, prospect=prospect)])
            shared.append((records.interviews[0].id, prospect.id))
    with connect(admin_url) as conn:
        before = conn.execute("SELECT count(*) FROM qualify.answer_log").fetchone()[0]
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = []
    for n in range(writers):
        # Half the writers share four prospects; the others each have one of their own.
        targets = shared[:4] if n % 2 == 0 else [shared[4 + n]]
        url = server.url("anna" if n % 2 else "bob", "team")
        procs.append(ctx.Process(target=_writer, args=(url, targets, seconds, f"w{n}", queue)))
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    counts = [queue.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join()
    took = time.perf_counter() - started
    with connect(admin_url) as conn:
        after = conn.execute("SELECT count(*) FROM qualify.answer_log").fetchone()[0]
    acknowledged = sum(counts)
    on_server = after - before
    verdict = "OK" if on_server == acknowledged else "MISMATCH"
    print(
        f"1. {writers} writers for {seconds:.0f} s (half on the same 4 prospects): "
        f"{acknowledged} answers acknowledged, {acknowledged / took:.0f} answers/s; "
        f"answers logged on the server: {on_server} [{verdict}]"
    )


# ------------------------------------------------------------------ 2-4


def bench_import(url: str, sync_url: str, count: int, tmp: Path) -> None:
    """5. The same export imported into the server and into a workspace; 6. a laptop
    holding those prospects synced with an empty server database, twice; whole processes."""
    qualify = [sys.executable, "-m", "qualify"]
    env = {"QUALIFY_CACHE_DIR": str(tmp / "cache"), "QUALIFY_STORE": ""}

    def run(*args: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            [*qualify, *args], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True
        )
        return time.perf_counter() - started

    demo, export = tmp / "demo", tmp / "demo.json"
    run("--data-dir", str(demo), "demo", "--prospects", str(count))
    run("--data-dir", str(demo), "export", "-o", str(export))
    workspace = run("--data-dir", str(tmp / "imported"), "import", str(export))
    server = run("--store", url, "import", str(export))
    print(
        f"5. qualify import of {count:,} demo prospects, same run: PostgreSQL {server:.1f} s; "
        f"embedded workspace {workspace:.1f} s; ratio {server / workspace:.2f}x"
    )
    first = run("--data-dir", str(tmp / "imported"), "sync", sync_url)
    again = run("--data-dir", str(tmp / "imported"), "sync", sync_url)
    print(
        f"6. qualify sync of a laptop holding those {count:,}: the first (all sent) {first:.1f} s;"
        f" again, nothing changed, {again:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()

    from pgserver import TestServer, create_team_database, find_bindir

    from qualify.store.postgres import PostgresStore
    from qualify.store.postgres.team import grant
    from qualify.store.workspace import Workspace

    bindir = find_bindir()
    if bindir is None:
        sys.exit("bench_team: PostgreSQL binaries (initdb, pg_ctl) not found")
    server = TestServer(bindir, durable=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="qualify-bench-team-"))
    try:
        from qualify.store.postgres import connect

        urls = {}
        for db in ("team", "small", "large", "import", "sync"):
            urls[db] = create_team_database(server, db=db)
            with connect(urls[db]) as conn:
                grant(conn, "anna", ["North"])
                grant(conn, "bob", ["North", "South"])
                grant(conn, "dora", [], director=True, read_only=True)
        print(f"PostgreSQL {bindir.parent.name} in {server.root} (durable: fsync on)")

        bench_writers(server, urls["team"], args.writers, args.seconds)

        for db, count in (("small", args.small), ("large", args.large)):
            started = time.perf_counter()
            with PostgresStore(urls[db]) as admin:
                admin.add_prospects_bulk(generate(count, seed=count))
                with connect(urls[db]) as conn:
                    conn.execute("VACUUM ANALYZE")  # as autovacuum would, soon after a load
            print(f"   loaded {count:,} prospects in {time.perf_counter() - started:.1f} s")

        for login in ("dora", "anna"):
            with PostgresStore(server.url(login, "large")) as store:  # a new connection
                started = time.perf_counter()
                store.recent_prospects(200)  # what the app paints before the whole list
                page = time.perf_counter() - started
            firsts = []
            for _ in range(3):  # the first listing: every row read and validated
                with PostgresStore(server.url(login, "large")) as fresh:
                    started = time.perf_counter()
                    fresh.list_prospects()
                    firsts.append(time.perf_counter() - started)
            first = statistics.median(firsts)
            with PostgresStore(server.url(login, "large")) as store:
                store.list_prospects()
                times = []
                for _ in range(5):  # again, as the app does after a change: what changed
                    started = time.perf_counter()
                    rows = store.list_prospects()
                    times.append(time.perf_counter() - started)
            role = "director, all territories" if login == "dora" else "area manager, North"
            listed = statistics.median(times)
            verdict = "OK" if listed <= 0.5 else "SLOW"
            print(
                f"2. list_prospects as {login} ({role}): {len(rows):,} rows in "
                f"{listed * 1000:.0f} ms (median of 5) = {listed / 0.5:.2f} of the target "
                f"(≤ 500 ms) [{verdict}]; the first listing of a new connection "
                f"{first * 1000:.0f} ms (median of 3, {min(firsts) * 1000:.0f}–"
                f"{max(firsts) * 1000:.0f}), after the app's first page of 200 rows in "
                f"{page * 1000:.0f} ms"
            )

        stores = {db: PostgresStore(server.url("anna", db)) for db in ("small", "large")}
        targets = {}
        for db, store in stores.items():
            north = next(r for r in store.list_prospects() if r.territory == "North")
            targets[db] = (store.interviews(north.id)[0].id, north.id)
        samples: dict[str, list[float]] = {"small": [], "large": []}
        for n in range(args.samples):
            for db in ("small", "large") if n % 2 else ("large", "small"):
                samples[db].append(_one_answer(stores[db], *targets[db], n))
        ratio = statistics.median(samples["large"]) / statistics.median(samples["small"])
        verdict = "OK" if ratio <= 1.5 else "SLOWER"
        print(
            f"3. one answer on PostgreSQL: {args.small:,} prospects {_fmt(samples['small'])}; "
            f"{args.large:,} prospects {_fmt(samples['large'])}; ratio {ratio:.2f}x [{verdict}]"
        )

        ws = Workspace(tmp / "ws")
        ws.add_prospects_bulk(generate(args.small, seed=args.small))
        pid = ws.prospect_ids()[0]
        interview_id = ws.interviews(pid)[0].id
        ws_samples: list[float] = []
        pg_samples: list[float] = []
        for n in range(args.samples):
            ws_samples.append(_one_answer(ws, interview_id, pid, n))
            pg_samples.append(_one_answer(stores["small"], *targets["small"], n))
        ratio = statistics.median(pg_samples) / statistics.median(ws_samples)
        print(
            f"4. answer latency at {args.small:,} prospects, same run: "
            f"PostgreSQL {_fmt(pg_samples)}; embedded workspace {_fmt(ws_samples)}; "
            f"ratio {ratio:.2f}x (target ≤ 3x) [{'OK' if ratio <= 3 else 'SLOWER'}]"
        )
        for store in stores.values():
            store.close()

        bench_import(urls["import"], urls["sync"], args.small, tmp)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
