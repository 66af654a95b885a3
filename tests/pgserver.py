"""A throw-away PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temp dir.

Kept with the tests, not in the package (the wheel does not ship it): the test suite
imports it as ``pgserver`` (tests/ is on pytest's path), the benchmarks after putting
tests/ on ``sys.path``.

It listens only on a Unix socket inside its own directory (no TCP port to collide
with). PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` OS
user through ``runuser``. Debian keeps the binaries in /usr/lib/postgresql/NN/bin,
off the PATH; :func:`find_bindir` looks there too (or in ``$QUALIFY_PG_BIN``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

RUN_AS = "postgres"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    chosen = os.environ.get("QUALIFY_PG_BIN")
    candidates = [Path(chosen)] if chosen else []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)

    def version(path: str) -> int:
        part = Path(path).parts[-3]
        return int(part) if part.isdigit() else 0

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


class TestServer:
    """One cluster: ``start()``, ``url(user, db)``, ``stop()``."""

    __test__ = False  # not a pytest test class

    def __init__(self, bindir: Path, *, durable: bool = False, port: int = 5432) -> None:
        self.bindir = bindir
        self.durable = durable
        self.port = port
        # Short: a Unix socket path must fit in about 100 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="qpg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", RUN_AS, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}{log}")

    def start(self) -> TestServer:
        if self._as_root:
            shutil.chown(self.root, user=RUN_AS, group=None)
        self.root.chmod(0o755)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = [
            f"-k {self.root}",
            "-c listen_addresses=''",
            f"-p {self.port}",
            "-c max_connections=60",
            "-c shared_buffers=64MB",
        ]
        if not self.durable:
            options += ["-F", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._options = " ".join(options)
        return self.resume()

    def resume(self) -> TestServer:
        """Start the server again on the same data (after :meth:`halt`)."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", self._options, "start")  # fmt: skip
        return self

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server, keeping its data (an outage): ``immediate`` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, user: str = "postgres", db: str = "postgres") -> str:
        return (
            f"postgresql://{quote(user)}@/{quote(db)}?host={quote(str(self.root))}&port={self.port}"
        )

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def create_team_database(
    server: TestServer, db: str = "qualify", admin: str = "qualify_admin"
) -> str:
    """A database owned by an admin login with CREATEROLE, upgraded to the latest schema.

    Returns the admin's URL (the schema owner: it sees every territory).
    """
    from psycopg import sql

    from qualify.store.postgres import connect
    from qualify.store.postgres.migrate import upgrade

    with connect(server.url()) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (admin,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE").format(sql.Identifier(admin)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db), sql.Identifier(admin))
        )
    url = server.url(admin, db)
    with connect(url) as conn:
        upgrade(conn)
    return url
