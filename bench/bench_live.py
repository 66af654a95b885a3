"""Live screens: how soon the prospects list shows someone else's answer (target < 2 s).

Run: python bench/bench_live.py [--prospects 2000] [--rounds 8]

The app runs headless (Textual's test driver) on PROSPECTS demo prospects plus one
fresh prospect per round. Each round, another process runs `qualify answer ID reps N`
(the command line, as a colleague's laptop or a script would), and the bench waits for
that prospect's row in the app's list to change. Two delays are printed per backend:

- from the answer's own time stamp (taken by the command just before it writes) to the
  row on screen: an upper bound of commit → screen;
- how long the row was still awaited once the command had exited (0: it was on
  screen before the command was done; the command's start-up is not counted).

1. Embedded workspace: another process writes the prospect's file; the app's file
   watch (a poll of the prospect folders, every 0.25 s) notices.
2. Team server (needs the PostgreSQL binaries; skipped without): bob's command commits,
   the server NOTIFYs, anna's app (LISTEN) reloads her list.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # pgserver.py

SETS = ROOT / "tests" / "tui" / "fixtures" / "sets"
TARGET = 2.0


async def rounds(app, cli: list[str], ids: list[str], store_of) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """(answer → screen, exit → screen) seconds for each prospect in `ids`."""
    from qualify.tui.screens.prospects import ProspectsScreen

    found: list[tuple[float, float]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, ProspectsScreen) and app.screen.loaded):
            await pilot.pause(0.05)
        home = app.screen
        await pilot.pause(1.0)  # the watch is up

        def row(pid: str):  # type: ignore[no-untyped-def]
            return next((s for s in home.summaries if s.id == pid), None)

        for n, pid in enumerate(ids, start=1):
            before = row(pid)
            proc = await asyncio.create_subprocess_exec(
                *cli, "answer", pid, "reps", str(10 + n),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            _, err = await proc.communicate()
            exited = time.time()
            if proc.returncode != 0:
                sys.exit(f"bench_live: qualify answer failed: {err.decode()}")
            deadline = time.monotonic() + 10
            while row(pid) == before:
                if time.monotonic() > deadline:
                    sys.exit("bench_live: the list never showed the answer")
                await pilot.pause(0.01)
            shown = time.time()
            with store_of() as store:
                stamp = store.interviews(pid)[-1].answers["reps"].answered_at.timestamp()
            found.append((shown - stamp, shown - exited))
            await pilot.pause(0.3)
    return found


def report(label: str, found: list[tuple[float, float]]) -> None:
    answer = [a for a, _ in found]
    exited = [e for _, e in found]
    worst = max(answer)
    verdict = "OK" if worst < TARGET else "SLOW"
    print(
        f"{label}: answer → list median {statistics.median(answer) * 1000:.0f} ms, "
        f"max {worst * 1000:.0f} ms; still to wait once the command had exited: median "
        f"{statistics.median(exited) * 1000:.0f} ms, max {max(exited) * 1000:.0f} ms "
        f"({len(found)} rounds; target < {TARGET:.0f} s: {verdict})"
    )


def seed(store, count: int, fresh: int, territory: str) -> list[str]:  # type: ignore[no-untyped-def]
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.demo import fill
    from qualify.workflow.qualifier import Qualifier

    catalog = load_catalog(SETS)
    fill(store, catalog, count, seed=3, now=datetime(2026, 11, 2, tzinfo=UTC))
    q = Qualifier(store, catalog, user="bench")
    return [q.add_prospect(f"Live {n}", territory=territory).id for n in range(fresh)]


def bench_workspace(tmp: Path, count: int, fresh: int) -> None:
    from qualify.store import open_store
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    data = tmp / "workspace"
    data.mkdir()
    with open_store(data) as store:
        ids = seed(store, count, fresh, "North")
    app = QualifyApp(data, SETS, config=TuiConfig())
    cli = [sys.executable, "-m", "qualify", "--data-dir", str(data), "--questionnaires", str(SETS)]
    found = asyncio.run(rounds(app, cli, ids, lambda: open_store(data)))
    report(f"embedded workspace, {count + fresh:,} prospects", found)


def bench_server(tmp: Path, count: int, fresh: int) -> None:
    from pgserver import TestServer, create_team_database, find_bindir

    from qualify.store import open_store
    from qualify.store.postgres import connect
    from qualify.store.postgres.team import grant
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    bindir = find_bindir()
    if bindir is None:
        print("team server: skipped (PostgreSQL binaries not found)")
        return
    server = TestServer(bindir).start()
    try:
        admin = create_team_database(server)
        with connect(admin) as conn:
            for login in ("anna", "bob"):
                grant(conn, login, ["North"])
        with open_store(url=admin) as store:
            ids = seed(store, count, fresh, "North")
        anna, bob = server.url("anna", "qualify"), server.url("bob", "qualify")
        app = QualifyApp(tmp / "anna", SETS, config=TuiConfig(), store_url=anna)
        cli = [sys.executable, "-m", "qualify", "--store", bob, "--questionnaires", str(SETS)]
        found = asyncio.run(rounds(app, cli, ids, lambda: open_store(url=admin)))
        report(f"team server, {count + fresh:,} prospects (anna's list, bob's answers)", found)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prospects", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qualify-bench-live-"))
    try:
        bench_workspace(tmp, args.prospects, args.rounds)
        bench_server(tmp, args.prospects, args.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
