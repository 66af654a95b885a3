"""The shell examples of docs/team.md run, in order, against a throw-away server.

Blocks fenced as ``sh`` are run (``bash`` blocks need root or Docker and are not);
the server's address in them is swapped for the test server's socket.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from qualify.store.postgres import connect

DOC = Path(__file__).resolve().parents[2] / "docs" / "team.md"


def test_team_md_commands_work(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    with connect(pg_server.url()) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'qualify_admin'").fetchone():
            conn.execute("CREATE ROLE qualify_admin LOGIN CREATEROLE")
        conn.execute(sql.SQL("CREATE DATABASE docs OWNER qualify_admin"))
    here = f"host={pg_server.root}&port={pg_server.port}"
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)
    assert len(blocks) >= 5
    script = "set -euo pipefail\n" + "\n".join(blocks)
    script = script.replace("/qualify?host=/var/run/postgresql", f"/docs?{here}")
    script = script.replace("@db.example.com/qualify", f"@/docs?{here}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUALIFY_", "PG"))}
    path = [str(Path(sys.executable).parent), str(pg_server.bindir), env.get("PATH", "")]
    env.update(PATH=os.pathsep.join(path), QUALIFY_DATA_DIR=str(tmp_path / "laptop"))
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    assert "upgraded to schema version 3" in out
    assert "dora             director (read-only)" in out
    assert "Nordic AV" in out
    assert "0 sent to the server, 1 updated here" in out  # the first sync pulls North
    assert "0 sent to the server, 0 updated here, 1 unchanged; 0 conflict(s)" in out
    assert (tmp_path / "qualify.dump").stat().st_size > 0
