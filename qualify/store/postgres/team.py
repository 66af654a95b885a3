"""People, their territories and the director role, managed without hand-written SQL.

The row-level-security policies (migrations/0002) read the tables kept here; a login
becomes a team member by being granted the ``qualify_team`` role, which carries the
table privileges. Only the schema's owner (or a superuser) may change these tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg import errors as pgerrors
from psycopg import sql

from qualify.core.phrase import Joined, Phrase
from qualify.store.base import StoreError

TEAM_ROLE = "qualify_team"


@dataclass
class Person:
    """One login and what it may see."""

    login: str
    territories: list[str] = field(default_factory=list)
    director: bool = False
    read_only: bool = False
    member: bool = False
    can_login: bool = False

    def describe(self) -> Phrase:
        """One line of `qualify db people` (a phrase: the shell says it in the reader's
        language)."""
        role: Phrase
        if self.director:
            role = Phrase("director (read-only)") if self.read_only else Phrase("director")
            if self.territories:
                role = Phrase(
                    "{role}; writes {territories}",
                    role=role,
                    territories=", ".join(self.territories),
                )
        else:
            role = Phrase(
                "territories: {names}", names=", ".join(self.territories) or Phrase("none")
            )
        problems: list[Phrase] = []
        if not self.member:
            problems.append(Phrase("not in {role}", role=TEAM_ROLE))
        if not self.can_login:
            problems.append(Phrase("no such login"))
        warn = Joined(("  [", Joined(problems), "]"), "") if problems else ""
        return Joined((f"{self.login:<16} ", role, warn), "")


def _role_exists(conn: Any, login: str) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone())


def _is_member(conn: Any, login: str) -> bool:
    row = conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (login, TEAM_ROLE)).fetchone()
    return bool(row and row[0])


def _refusal(conn: Any, login: str) -> Phrase | None:
    """Why ``login`` may not be given territories ('' if it may): only people do, i.e.
    roles that log in, and never qualify's own roles (a group role's territories would
    go to every member able to SET ROLE to it)."""
    if login == TEAM_ROLE or login.startswith("qualify_team"):
        return Phrase("{login} is qualify's group role, not a person", login=login)
    row = conn.execute(
        "SELECT r.rolcanlogin, r.rolsuper, "
        "r.oid = (SELECT nspowner FROM pg_namespace WHERE nspname = 'qualify') "
        "FROM pg_roles r WHERE r.rolname = %s",
        (login,),
    ).fetchone()
    if row is None:
        return None
    can_login, superuser, owner = row
    if not can_login:
        return Phrase(
            "{login} cannot log in (a group role?): grant territories to people's logins",
            login=login,
        )
    if superuser or owner:
        return Phrase(
            "{login} owns the schema or is a superuser: it sees everything already", login=login
        )
    return None


def hashed_password(conn: Any, login: str, password: str) -> str:
    """The password as a SCRAM-SHA-256 verifier, computed here (libpq's
    PQencryptPasswordConn): only the verifier travels to the server and its logs."""
    try:
        digest = conn.pgconn.encrypt_password(
            password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
        )
    except Exception as exc:  # libpq refuses: say so, never echo the password
        raise StoreError(
            Phrase(
                "cannot hash the password for {login}: {error}",
                login=login,
                error=type(exc).__name__,
            )
        ) from None
    return bytes(digest).decode("ascii")


def grant(
    conn: Any,
    login: str,
    territories: list[str],
    *,
    director: bool = False,
    read_only: bool = False,
    password: str | None = None,
    create: bool = True,
) -> list[Phrase]:
    """Give ``login`` access (creating the login if needed); returns what was done."""
    login = login.strip()
    if not login:
        raise StoreError(Phrase("give the login of the person (USER)"))
    territories = [t.strip() for t in territories if t.strip()]
    if not territories and not director:
        raise StoreError(Phrase("give at least one --territory, or --director"))
    if read_only and not director:
        raise StoreError(
            Phrase("--read-only goes with --director (an area manager writes their own)")
        )
    done: list[Phrase] = []
    refused = _refusal(conn, login)
    if refused:
        raise StoreError(Phrase("not granted: {reason}", reason=refused))
    if password is not None and not password:
        raise StoreError(Phrase("an empty password cannot be set"))
    verifier = hashed_password(conn, login, password) if password else None
    try:
        with conn.transaction():
            if not _role_exists(conn, login):
                if not create:
                    raise StoreError(Phrase("no login {login} on the server", login=repr(login)))
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
                done.append(Phrase("created login {login}", login=login))
            if verifier is not None:
                conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(login), sql.Literal(verifier)
                    )
                )
                done.append(Phrase("set its password (hashed here: SCRAM-SHA-256)"))
            if not _is_member(conn, login):
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(TEAM_ROLE), sql.Identifier(login)
                    )
                )
                done.append(Phrase("added {login} to {role}", login=login, role=TEAM_ROLE))
            for territory in territories:
                row = conn.execute(
                    "INSERT INTO team_territories (login, territory) VALUES (%s, %s) "
                    "ON CONFLICT DO NOTHING RETURNING 1",
                    (login, territory),
                ).fetchone()
                if row:
                    done.append(Phrase("territory {name}", name=repr(territory)))
            if director:
                conn.execute(
                    "INSERT INTO team_directors (login, read_only) VALUES (%s, %s) "
                    "ON CONFLICT (login) DO UPDATE SET read_only = EXCLUDED.read_only",
                    (login, read_only),
                )
                done.append(Phrase("director, read-only") if read_only else Phrase("director"))
    except pgerrors.InsufficientPrivilege as exc:
        first = str(exc).strip().splitlines()[0]
        raise StoreError(
            Phrase(
                "cannot grant: {error}; run `qualify db grant` as the schema owner "
                "(the login that ran `qualify db upgrade`)",
                error=first,
            )
        ) from None
    return done


def revoke(
    conn: Any,
    login: str,
    territories: list[str],
    *,
    director: bool = False,
    everything: bool = False,
) -> list[Phrase]:
    """Take territories (or the director role, or all access) away; the login stays."""
    done: list[Phrase] = []
    if not (territories or director or everything):
        raise StoreError(Phrase("give --territory T, --director or --all"))
    try:
        with conn.transaction():
            drop = None if everything else [t.strip() for t in territories]
            if drop is None:
                rows = conn.execute(
                    "DELETE FROM team_territories WHERE login = %s RETURNING territory", (login,)
                ).fetchall()
            else:
                rows = conn.execute(
                    "DELETE FROM team_territories WHERE login = %s AND territory = ANY(%s) "
                    "RETURNING territory",
                    (login, drop),
                ).fetchall()
            done.extend(Phrase("territory {name}", name=repr(r[0])) for r in rows)
            if director or everything:
                row = conn.execute(
                    "DELETE FROM team_directors WHERE login = %s RETURNING 1", (login,)
                ).fetchone()
                if row:
                    done.append(Phrase("director"))
            if everything and _role_exists(conn, login) and _is_member(conn, login):
                conn.execute(
                    sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(TEAM_ROLE), sql.Identifier(login)
                    )
                )
                done.append(Phrase("membership of {role}", role=TEAM_ROLE))
    except pgerrors.InsufficientPrivilege as exc:
        first = str(exc).strip().splitlines()[0]
        raise StoreError(
            Phrase("cannot revoke: {error}; run it as the schema owner", error=first)
        ) from None

    return done


def people(conn: Any) -> list[Person]:
    """Everyone with a territory, the director role, or membership of the team role."""
    found: dict[str, Person] = {}
    for login, territory in conn.execute(
        "SELECT login, territory FROM team_territories ORDER BY login, territory"
    ).fetchall():
        found.setdefault(login, Person(login)).territories.append(territory)
    for login, read_only in conn.execute(
        "SELECT login, read_only FROM team_directors ORDER BY login"
    ).fetchall():
        person = found.setdefault(login, Person(login))
        person.director, person.read_only = True, bool(read_only)
    for (login,) in conn.execute(
        "SELECT r.rolname FROM pg_roles r WHERE r.rolname <> %s AND NOT r.rolsuper "
        "AND pg_has_role(r.oid, "
        "(SELECT oid FROM pg_roles WHERE rolname = %s), 'MEMBER')",
        (TEAM_ROLE, TEAM_ROLE),
    ).fetchall():
        found.setdefault(login, Person(login))
    for person in found.values():
        row = conn.execute(
            "SELECT rolcanlogin, pg_has_role(oid, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            (TEAM_ROLE, person.login),
        ).fetchone()
        person.can_login = bool(row and row[0])
        person.member = bool(row and row[1])
    return sorted(found.values(), key=lambda p: p.login)
