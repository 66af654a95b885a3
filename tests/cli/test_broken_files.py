"""One broken file never stops the others, and `qualify doctor` puts the workspace right.

Through the command line a user runs: `prospect list`, `report --portfolio`, `export`
and `rescore` skip an unreadable (or vanished) prospect file with a warning naming the
file and the fix, finish for everyone else and exit 5; `doctor` says what it finds,
`--repair` moves bad files to quarantine/ and rebuilds the lists (never deleting
anything), `--restore-backups` puts back the newest backup that reads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from support import qualify_cli

from qualify.cli import main
from qualify.store.workspace import Workspace

MINI = Path(__file__).parent / "fixtures" / "mini"
PROBLEMS = 5


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    code, out = run(root, "demo", "--prospects", "12")
    assert code == 0, out
    return root


def run(root: Path, *args: str) -> tuple[int, str]:
    result = qualify_cli(root, *args, questionnaires=MINI)
    return result.exit_code, result.stdout + result.stderr


def ids(root: Path) -> list[str]:
    return Workspace(root).prospect_ids()


def every_file(root: Path) -> dict[str, bytes]:
    """Every file's content, wherever it is: a repair may move files, never lose one."""
    return {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.suffix != ".lock"}


def test_one_unreadable_file_never_stops_the_others(ws: Path, tmp_path: Path) -> None:
    first, gone, *rest = ids(ws)
    store = Workspace(ws)
    broken = store.prospect_path(first)
    # Written by rename, as a crashed or hostile writer would: the list notices it.
    tmp = broken.with_name(".x.tmp.json")
    tmp.write_bytes(b'{"prospect": {')
    os.replace(tmp, broken)
    moved = store.prospect_path(gone)
    moved.rename(tmp_path / "moved-away.json")

    for args in (
        ("prospect", "list"),
        ("prospect", "list", "--json"),
        ("report", "--portfolio"),
        ("export", "-o", str(tmp_path / "out.json")),
        ("export", "--format", "csv", "-o", str(tmp_path / "out.csv")),
        ("rescore", "--dry-run"),
    ):
        code, out = run(ws, *args)
        assert code == PROBLEMS, (args, out)
        assert f"qualify: warning: skipped: {broken} is unreadable" in out, args
        assert f"its file {moved} is gone" in out, args
        assert "qualify doctor --repair" in out and "done, with 2 problem(s)" in out, args

    code, out = run(ws, "prospect", "list")
    for pid in rest:
        assert pid in out
    assert first not in out.split("qualify: warning")[0]
    exported = orjson.loads((tmp_path / "out.json").read_bytes())
    assert sorted(p["prospect"]["id"] for p in exported["prospects"]) == sorted(rest)

    code, out = run(ws, "prospect", "show", gone)
    assert code == 1 and f"prospect {gone} is in the prospects list but its file" in out
    assert "no prospect with id" not in out


def test_doctor_on_a_healthy_workspace_and_on_none(ws: Path, tmp_path: Path) -> None:
    code, out = run(ws, "doctor")
    assert code == 0, out
    assert out.strip().startswith("checked 12 prospect files") and ": healthy" in out
    code, out = run(tmp_path / "nothing", "doctor")
    assert code == 0 and "no workspace here yet" in out
    assert not (tmp_path / "nothing").exists()


def test_list_and_show_disagree_after_a_hand_restored_backup_until_doctor_repairs(
    tmp_path: Path,
) -> None:
    """The old advice ("cp the .bak over it") left the list showing the newer row."""
    root = tmp_path / "ws"
    code, pid = run(root, "prospect", "add", "Nordic AV Oy")
    pid = pid.strip()
    assert run(root, "answer", pid, "reps", "2")[0] == 0
    assert run(root, "answer", pid, "company_type", "dealer")[0] == 0  # .bak: one answer
    path = Workspace(root).prospect_path(pid)
    backup = path.with_name(path.name + ".bak")
    path.write_bytes(b"\x00garbage")
    code, out = run(root, "prospect", "show", pid)
    assert code == 1 and "qualify doctor --repair --restore-backups" in out
    shutil.copyfile(backup, path)  # by hand, in place: the folder's time does not change

    def listed() -> tuple[float, float]:
        [row] = orjson.loads(run(root, "prospect", "list", "--json")[1])
        return row["score"], row["coverage"]

    def shown() -> tuple[float, float]:
        breakdown = orjson.loads(run(root, "prospect", "show", pid, "--json")[1])["breakdown"]
        return breakdown["score"], breakdown["coverage"]

    assert listed() != shown()
    code, out = run(root, "doctor")
    assert code == PROBLEMS, out
    assert f"problem: prospects/{path.parent.name}/{pid}.json: the prospects list shows" in out
    code, out = run(root, "doctor", "--repair")
    assert code == 0, out
    assert "repaired: index/: rebuilt" in out and "healthy again" in out
    assert listed() == shown()
    assert run(root, "doctor")[0] == 0


def test_repair_quarantines_restores_and_never_deletes(ws: Path) -> None:
    first, second, third, *_ = ids(ws)
    store = Workspace(ws)
    # A second write in another process makes a backup of the first one.
    assert run(ws, "prospect", "edit", first, "--notes", "checked")[0] == 0
    bad = store.prospect_path(first)
    bad.write_bytes(b'{"prospect": {"1": {"id": 3}}}')
    no_backup = store.prospect_path(second)
    no_backup.write_bytes(b"")
    misfiled = store.prospect_path(third)
    elsewhere = ws / "prospects" / "00" / misfiled.name
    if elsewhere.parent == misfiled.parent:
        elsewhere = ws / "prospects" / "01" / misfiled.name
    elsewhere.parent.mkdir(exist_ok=True)
    misfiled.rename(elsewhere)
    snapshot = next((ws / "snapshots").glob("*.json"))
    snapshot.write_bytes(b"{not json")
    before = every_file(ws)

    code, out = run(ws, "doctor")
    assert code == PROBLEMS
    assert "unreadable (invalid record" in out and "--restore-backups` puts it back" in out
    assert "empty file); no backup reads: import it again from an export" in out
    assert f"holds prospect {third}, whose file belongs at" in out
    assert f"problem: snapshots/{snapshot.name}: unreadable" in out
    assert every_file(ws) == before  # checking changes nothing

    code, out = run(ws, "doctor", "--repair", "--restore-backups")
    assert f"repaired: prospects/{bad.parent.name}/{first}.json: was unreadable" in out
    assert "newest backup that reads" in out and "put back" in out and "moved there" in out
    # What cannot be put right is still said: the unreadable snapshot is in quarantine,
    # so its interviews are scored against today's set until an import brings it back.
    assert code == PROBLEMS
    [left] = [line for line in out.splitlines() if line.startswith("problem:")]
    assert f"problem: snapshots/{snapshot.name}: missing:" in left
    after = every_file(ws)
    for name, content in before.items():  # every file is still somewhere
        assert content in (after.get(name), *(v for k, v in after.items() if k.startswith(name)))
    notes = list((ws / "quarantine").rglob("*.why.txt"))
    assert len(notes) == 3  # two prospect files and the snapshot
    assert all("what was wrong:" in n.read_text() for n in notes)
    code, out = run(ws, "prospect", "show", first)
    assert code == 0, out
    code, out = run(ws, "prospect", "list")
    assert code == 0 and third in out and second not in out
    code, out = run(ws, "doctor")
    assert code == PROBLEMS and out.count("problem:") == 1, out


def test_a_lost_interview_index_and_a_broken_workspace_json_are_rebuilt(ws: Path) -> None:
    shutil.rmtree(ws / "index" / "interviews")
    (ws / "workspace.json").write_text("{nope")
    code, out = run(ws, "prospect", "list")
    assert code == 1 and "workspace.json is unreadable" in out
    code, out = run(ws, "doctor")
    assert code == PROBLEMS and "problem: workspace.json: unreadable" in out
    code, out = run(ws, "doctor", "--repair")
    assert code == 0, out
    assert "repaired: workspace.json: was unreadable" in out
    code, out = run(ws, "doctor")
    assert code == 0, out
    pid = ids(ws)[0]
    assert run(ws, "prospect", "show", pid)[0] == 0


def test_a_tampered_snapshot_is_a_problem_kept_as_it_is(ws: Path) -> None:
    snapshot = next((ws / "snapshots").glob("*.json"))
    doc = orjson.loads(snapshot.read_bytes())
    doc["title"] = "Tampered"
    snapshot.write_bytes(orjson.dumps(doc))
    code, out = run(ws, "doctor", "--repair")
    assert code == PROBLEMS
    assert f"problem: snapshots/{snapshot.name}: holds a question set whose content hashes" in out
    assert snapshot.exists()


def test_doctor_says_when_the_workspace_is_being_written(ws: Path) -> None:
    from filelock import FileLock

    with FileLock(ws / "workspace.lock"):
        code, out = run(ws, "doctor")
    assert code == 0 and "note: workspace.lock: held" in out


def test_repair_is_for_the_workspace_only() -> None:
    result = CliRunner().invoke(
        main, ["--store", "postgresql://ann@db.example.com/qualify", "doctor", "--repair"]
    )
    assert result.exit_code == 2
    assert "--repair is for the embedded workspace" in result.output


def test_the_doctor_finds_an_interview_missing_from_its_index_or_filed_under_another(
    ws: Path,
) -> None:
    """The interview index says which prospect holds each interview (a link from a
    report, a sync): one entry gone and one pointing at another prospect are each named,
    and --repair rebuilds the index."""
    shards = sorted((ws / "index" / "interviews").glob("*.json"))
    owners = {k: v for shard in shards for k, v in orjson.loads(shard.read_bytes()).items()}
    gone, moved = sorted(owners)[:2]
    other = next(pid for pid in sorted(set(owners.values())) if pid != owners[moved])
    for shard in shards:
        held = orjson.loads(shard.read_bytes())
        if gone in held or moved in held:
            held.pop(gone, None)
            if moved in held:
                held[moved] = other
            shard.write_bytes(orjson.dumps(held))
    code, out = run(ws, "doctor")
    assert code == PROBLEMS, out
    assert f"interview {gone} is not in the interview index" in out
    assert f"interview {moved} is filed under {other}" in out
    code, out = run(ws, "doctor", "--repair")
    assert code == 0 and "healthy again" in out, out
    assert run(ws, "doctor")[0] == 0


def test_demo_remove_again_finishes_what_a_killed_removal_started(ws: Path) -> None:
    """A removal killed between deleting a sample's file and forgetting its row leaves a
    row whose file is gone: the list warns about it. Running `demo --remove` again
    forgets it too, and the workspace is healthy."""
    victim = sorted((ws / "prospects").glob("*/demo*.json"))[0]
    victim.unlink()  # what the killed removal had done
    code, out = run(ws, "prospect", "list")
    assert code == PROBLEMS and "is gone" in out, out
    code, out = run(ws, "demo", "--remove")
    assert code == 0 and "removed 12 sample prospect(s)" in out, out
    code, out = run(ws, "prospect", "list", "--json")
    assert code == 0 and orjson.loads(out) == [], out
    code, out = run(ws, "doctor")
    assert code == 0, out
