"""`qualify doctor` on a team server: the question-set snapshots against their hashes;
the rest is the server's transactions' business, and --repair is for the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main
from qualify.core.questionnaire import content_hash, load_catalog
from qualify.core.questionnaire.model import canonical
from qualify.store.base import StoreError
from qualify.store.postgres import PostgresStore

MINI = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini"


def test_doctor_checks_the_servers_snapshots(pg) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("dora", director=True)
    qs = load_catalog(MINI).question_sets["mini-first"]
    with PostgresStore(url) as store:
        store.put_snapshot(content_hash(qs), canonical(qs))
    runner = CliRunner()
    result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 0, result.output
    assert "only the question-set snapshots were checked" in result.output
    assert "checked 1 snapshots" in result.output and ": healthy" in result.output
    # An edited snapshot never gets in: the server checks the hash itself.
    with PostgresStore(url) as store, pytest.raises(StoreError, match="does not match its content"):
        store.put_snapshot("0123456789abcdef01234567", {**canonical(qs), "title": "Edited"})
    result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 0 and "checked 1 snapshots" in result.output, result.output
    result = runner.invoke(main, ["--store", url, "doctor", "--repair"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 2 and "--repair is for the embedded workspace" in result.output
