"""The CLI on a team server: --store / $QUALIFY_STORE, `paths`, who is recorded, errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualify.cli import main
from qualify.store import redact_url
from qualify.store.postgres import PostgresStore


def test_redact_url_never_shows_a_password() -> None:
    assert redact_url("postgresql://anna:s3cret@db.example.com:5433/qualify?sslmode=require") == (
        "postgresql://anna@db.example.com:5433/qualify?sslmode=require"
    )
    assert "s3cret" not in redact_url("postgresql://anna@/q?host=/run/pg&password=s3cret")


def test_paths_shows_the_store_without_its_password(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    secret = pg.url("anna").replace("anna@", "anna:s3cret@")
    result = runner.invoke(main, ["--store", secret, "paths"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert (
        "postgresql://anna@/qualify" in result.output and "(PostgreSQL, --store)" in result.output
    )
    result = runner.invoke(main, ["--data-dir", str(tmp_path), "paths"], env={"QUALIFY_STORE": ""})
    assert f"embedded workspace in {tmp_path}" in result.output
    result = runner.invoke(main, ["--store", "mysql://x@y/z", "prospect", "list"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "qualify: error: --store 'mysql://x@y/z': expected a postgresql"
    )


def test_commands_record_the_database_login(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("anna", "North")
    env = {"QUALIFY_STORE": url, "QUALIFY_USER": "not-anna", "QUALIFY_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    added = runner.invoke(main, ["prospect", "add", "Nordic AV", "--territory", "North"], env=env)
    assert added.exit_code == 0, added.output
    pid = added.output.strip().splitlines()[-1]
    result = runner.invoke(main, ["answer", pid, "partner_type", "stocking_dealer"], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["advance", pid, "--override", "trial"], env=env)
    assert result.exit_code == 0, result.output
    with PostgresStore(url) as store:
        prospect = store.get_prospect(pid)
        assert prospect.owner == "anna"
        [interview] = store.interviews(pid)
        assert interview.answers["partner_type"].by == "anna"
        assert [h.by for h in store.history(pid)] == ["anna", "anna"]
    result = runner.invoke(main, ["prospect", "add", "Elsewhere", "--territory", "South"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "qualify: error: permission denied: anna cannot write prospects of territory 'South' "
        "(their territories: 'North'; `qualify db grant` adds one)"
    )


def test_cannot_connect_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql://anna@/qualify?host={tmp_path}"
    result = CliRunner().invoke(main, ["--store", url, "prospect", "list"])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"qualify: error: cannot connect to {url}: ")


def test_import_into_the_server_is_all_or_nothing(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    anna = pg.grant("anna", "North")
    runner = CliRunner()
    laptop = {"QUALIFY_STORE": "", "QUALIFY_DATA_DIR": str(tmp_path / "laptop")}

    def add(name: str, territory: str) -> str:
        r = runner.invoke(main, ["prospect", "add", name, "--territory", territory], env=laptop)
        assert r.exit_code == 0, r.output
        return r.output.strip().splitlines()[-1]

    north = add("Nordic AV", "North")
    r = runner.invoke(main, ["answer", north, "partner_type", "stocking_dealer"], env=laptop)
    assert r.exit_code == 0, r.output
    mine = tmp_path / "north.json"
    r = runner.invoke(main, ["export", "-o", str(mine), "--prospect", north], env=laptop)
    assert r.exit_code == 0, r.output
    south = add("Sud Sonido", "South")
    everything = tmp_path / "all.json"
    # North first: it is merged before the import meets the forbidden one.
    both = ["--prospect", north, "--prospect", south]
    r = runner.invoke(main, ["export", "-o", str(everything), *both], env=laptop)
    assert r.exit_code == 0, r.output

    server = {"QUALIFY_STORE": anna}
    # One prospect of a territory anna may not write: nothing at all is imported.
    r = runner.invoke(main, ["import", str(everything)], env=server)
    assert r.exit_code == 1
    assert "Sud Sonido" in r.output and "nothing was imported" in r.output
    assert "Traceback" not in r.output
    assert pg.sql("SELECT count(*) FROM prospects") == [(0,)]

    r = runner.invoke(main, ["import", str(mine)], env=server)
    assert r.exit_code == 0, r.output
    assert "1 added" in r.output
    with PostgresStore(anna) as store:
        [interview] = store.interviews(north)
        assert interview.answers["partner_type"].value == "stocking_dealer"
        assert [s.id for s in store.list_prospects()] == [north]
    # Importing the same file again changes nothing.
    r = runner.invoke(main, ["import", str(mine)], env=server)
    assert r.exit_code == 0, r.output
    assert "1 unchanged" in r.output
    assert south not in {row[0] for row in pg.sql("SELECT id FROM prospects")}


def test_a_rescore_on_the_server_is_recorded_once_by_the_login(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`qualify rescore` against the team server, run twice: one history entry, written by
    the database login (the check for one already there runs under the prospect's lock)."""
    import re
    import shutil

    url = pg.grant("anna", "North")
    env = {"QUALIFY_STORE": url, "QUALIFY_USER": "not-anna", "QUALIFY_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    added = runner.invoke(main, ["prospect", "add", "Nordic AV", "--territory", "North"], env=env)
    pid = added.output.strip().splitlines()[-1]
    answered = runner.invoke(main, ["answer", pid, "partner_type", "stocking_dealer"], env=env)
    assert answered.exit_code == 0, answered.output
    bundled = Path(__file__).resolve().parents[2] / "questionnaires"
    sets = tmp_path / "sets"
    shutil.copytree(bundled, sets)
    first = sets / "first-date.yaml"
    text = first.read_text()
    for pattern, bumped in (
        (r"^version: *(\d+)", lambda m: f"version: {int(m[1]) + 1}"),
        (r"^(    weight: *)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}"),
    ):
        text = re.sub(pattern, bumped, text, count=1, flags=re.M)
    first.write_text(text)
    for _ in range(2):
        result = runner.invoke(main, ["--questionnaires", str(sets), "rescore"], env=env)
        assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("recorded 0 re-score(s); 1 already in the history")
    with PostgresStore(url) as store:
        rescored = [h for h in store.history(pid) if h.action == "rescore"]
    assert [h.by for h in rescored] == ["anna"]


def test_a_rescore_in_workers_on_the_server_is_the_one_a_single_process_makes(  # type: ignore[no-untyped-def]
    pg, tmp_path: Path, monkeypatch
) -> None:
    """Many prospects: the re-score preview's workers each open their own connection, as
    the same login; a territory manager's see her prospects only, and print what her
    own process prints. Recorded by them, each re-score is hers, once."""
    import os

    from support import bumped_sets, callers_of, workers_for_tests

    from qualify import workers
    from qualify.cli import rescoring

    bundled = Path(__file__).resolve().parents[2] / "questionnaires"
    runner = CliRunner()
    admin = {"QUALIFY_STORE": pg.admin_url, "QUALIFY_DATA_DIR": str(tmp_path)}
    demo = runner.invoke(main, ["demo", "--prospects", "24"], env=admin)
    assert demo.exit_code == 0, demo.output
    sets = tmp_path / "sets"
    bumped_sets(bundled, sets)
    url = pg.grant("nora", "North")
    env = {"QUALIFY_STORE": url, "QUALIFY_DATA_DIR": str(tmp_path)}
    command = ["--questionnaires", str(sets), "rescore"]
    workers_for_tests(monkeypatch, 2)
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = runner.invoke(main, [*command, "--dry-run"], env=env)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    began = callers_of(monkeypatch, rescoring, "_begin", tmp_path / "began")
    together = runner.invoke(main, [*command, "--dry-run"], env=env)
    assert began() - {os.getpid()}, "no worker ran"
    assert alone.exit_code == together.exit_code == 0, together.output
    assert together.output == alone.output and "would record" in alone.output
    recorded = runner.invoke(main, command, env=env)
    assert recorded.exit_code == 0, recorded.output
    with PostgresStore(url) as store:
        mine = {s.id for s in store.list_prospects()}
        entries = [h for pid in mine for h in store.history(pid) if h.action == "rescore"]
    with PostgresStore(pg.admin_url) as store:
        every = {s.id for s in store.list_prospects()}
    assert 0 < len(mine) < len(every)
    assert entries and {h.by for h in entries} == {"nora"}
    wanted = alone.output.strip().splitlines()[-1].replace("would record", "recorded")
    assert recorded.output.strip().splitlines()[-1] == wanted
