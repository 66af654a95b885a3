"""Fixtures shared across test folders: a throw-away PostgreSQL server for the session,
and the rule for what a test may skip.

A test that needs PostgreSQL, Chromium, bash or ruff is skipped when it is missing on a
developer's machine — but never in CI (``CI=true`` or ``QUALIFY_REQUIRE_ALL=1``): there
a missing tool fails the run, so "20 passed, 20 skipped" cannot look green.
"""

from __future__ import annotations

import compileall
import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import unavailable

_FOLDER_MARKS = {"tui": "tui"}
_FILE_MARKS = {
    "test_chromium.py": "chromium",
    "test_store_processes.py": "slow",
    "test_team_concurrency.py": "slow",
    "test_fuzz_input.py": "slow",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks by where a test lives and what it uses: `pytest -m "not slow and not tui"`
    runs the quick core of the suite."""
    for item in items:
        path = Path(str(item.fspath))
        mark = _FOLDER_MARKS.get(path.parent.name) or _FILE_MARKS.get(path.name)
        if mark:
            item.add_marker(mark)
        if {"pg", "pg_server", "_pg_database"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("pg")


@pytest.fixture(autouse=True)
def _nothing_remembered_under_mutation() -> Iterator[None]:
    """Under mutmut every test parses and scores afresh: a condition parsed by an earlier
    test (lru_cache) or a set checked by an earlier run (the set cache) would hide the
    mutated parser from the tests that check it, and the mutant would "survive"."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        yield
        return
    from qualify.core import scoreplan
    from qualify.core.questionnaire import conditions, expressions

    for memo in (
        expressions.parse_condition,
        expressions.parse_formula,
        scoreplan.plan_of,
        conditions._condition_text,
        conditions._formula_text,
    ):
        memo.cache_clear()
    conditions._TREES.clear()
    before = os.environ.get("QUALIFY_CACHE_DIR")
    os.environ["QUALIFY_CACHE_DIR"] = "off"
    yield
    os.environ["QUALIFY_CACHE_DIR"] = before or "off"


@pytest.fixture(autouse=True)
def _english_again_after_each_test() -> Iterator[None]:
    """An app run in German sets the language of the whole process (its workers are
    threads); the next test starts in English, whatever ran before it."""
    yield
    i18n = sys.modules.get("qualify.i18n")
    if i18n is not None:
        i18n.set_language(None)


@pytest.fixture(autouse=True, scope="session")
def _byte_compiled() -> None:
    """The checkout byte-compiled once, as `pip install` compiles an installed copy: with
    PYTHONDONTWRITEBYTECODE set (as on CI) every `python -m qualify` a test starts would
    otherwise compile each module it imports, a cost no user pays, which the speed
    guards (tests/test_speed.py) would measure instead of qualify."""
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "qualify", quiet=1)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The question-set cache of the tests' runs (and of the processes they start) in a
    temp folder, never in the user's cache dir."""
    before = os.environ.get("QUALIFY_CACHE_DIR")
    os.environ["QUALIFY_CACHE_DIR"] = str(tmp_path_factory.mktemp("qualify-cache"))
    yield
    if before is None:
        os.environ.pop("QUALIFY_CACHE_DIR", None)
    else:
        os.environ["QUALIFY_CACHE_DIR"] = before


TABLES = (
    "answer_log, answers, history, interviews, prospects, snapshots, "
    "team_territories, team_directors, attachments, attachment_files"
)


@dataclass
class TeamDatabase:
    """A clean, upgraded team database on the session's server."""

    server: object
    admin_url: str
    db: str = "qualify"

    def url(self, login: str) -> str:
        return self.server.url(login, self.db)  # type: ignore[attr-defined]

    def grant(self, login: str, *territories: str, **kw: bool) -> str:
        """Give ``login`` territories (or the director role); returns its URL."""
        from qualify.store.postgres import connect
        from qualify.store.postgres.team import grant

        with connect(self.admin_url) as conn:
            grant(conn, login, list(territories), **kw)
        return self.url(login)

    def sql(self, query: str, params: tuple = (), *, login: str | None = None) -> list[tuple]:
        """Raw SQL as the admin (or as ``login``); rows of a SELECT."""
        from qualify.store.postgres import connect

        with connect(self.url(login) if login else self.admin_url) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """initdb + pg_ctl in a temp dir, Unix socket only; about a second to start."""
    from pgserver import TestServer, find_bindir

    from qualify.store import StoreError

    try:
        import qualify.store.postgres  # noqa: F401
    except StoreError as exc:  # psycopg is not installed
        unavailable(f"the team store cannot be imported: {exc}")
    bindir = find_bindir()
    if bindir is None:
        unavailable("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    server = TestServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _pg_database(pg_server: object) -> TeamDatabase:
    from pgserver import create_team_database

    return TeamDatabase(pg_server, create_team_database(pg_server))  # type: ignore[arg-type]


_empty_databases = itertools.count()


@pytest.fixture
def empty_db(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A new empty database owned by the admin login (no schema yet); its URL."""
    from psycopg import sql

    from qualify.store.postgres import connect

    name = f"mig{next(_empty_databases)}"
    with connect(pg_server.url()) as conn:
        conn.execute("SELECT 1 FROM pg_roles")  # the admin exists once _pg_database ran
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'qualify_admin'").fetchone()
        if not exists:
            conn.execute("CREATE ROLE qualify_admin LOGIN CREATEROLE")
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER qualify_admin").format(sql.Identifier(name)))
    return pg_server.url("qualify_admin", name)


@pytest.fixture
def pg(_pg_database: TeamDatabase) -> TeamDatabase:
    """The session's team database, emptied for this test."""
    _pg_database.sql(f"TRUNCATE {TABLES} CASCADE")
    return _pg_database
