"""The team server: schema, grants, and syncing a laptop's workspace."""

from __future__ import annotations

import sys

import click

from qualify.cli.env import PROBLEMS_EXIT, Env, _, cell, fail, pass_env, say, tr, warn


def server_url(env: Env, url: str | None = None) -> str:
    """The server a `db` or `sync` command works on: URL, else --store / $QUALIFY_STORE."""
    from qualify.store import check_store_url

    chosen = url or env.store_url
    if not chosen:
        fail(
            _(
                "no server given: pass a postgresql:// URL, --store URL or set $QUALIFY_STORE "
                "(docs/team.md)"
            ),
            2,
        )
    return check_store_url(chosen)


@click.group()
def db() -> None:
    """The team server: schema upgrades, status, who sees which territories."""


STATUS_UP_TO_DATE, STATUS_UPGRADE_DUE, STATUS_QUALIFY_TOO_OLD = 0, 3, 5
"""`qualify db status` exit codes (README, docs/team.md)."""


@db.command("upgrade")
@click.option("--to", "target", type=int, default=None, help="Stop at this schema version.")
@pass_env
def db_upgrade(env: Env, target: int | None) -> None:
    """Create or migrate the schema (run as the database owner); safe to run again.

    Then checks the prospects list's rows nobody vouched for (as `db verify` does)."""
    from qualify.store import redact_url
    from qualify.store.postgres import connect, migrate
    from qualify.store.postgres.connection import Timeouts

    url = server_url(env)
    # No statement timeout: a migration may rewrite a large table.
    with connect(url, timeouts=Timeouts(statement=0)) as conn:
        done = migrate.upgrade(conn, target=target)
        now = migrate.current_version(conn)
    for migration in done:
        say(_("applied {migration}").format(migration=f"{migration.version:04d}_{migration.name}"))
    if done:
        said = _("{server}: upgraded to schema version {version}")
    else:
        said = _("{server}: already at schema version {version}")
    say(said.format(server=redact_url(url), version=now))
    if done and now == migrate.LATEST:
        _verify(url)


@db.command("verify")
@pass_env
def db_verify(env: Env) -> None:
    """Recompute every list row nobody vouched for from its records (as the schema
    owner, e.g. hourly from cron): rows that disagree are rewritten and listed with the
    login that wrote them; every row is then vouched for."""
    _verify(server_url(env))


def _verify(url: str) -> None:
    from qualify.store.postgres import PostgresStore

    with PostgresStore(url) as store:
        checked, wrong = store.vouch_rows()
        skipped = store.unreadable()
    say(_("list rows checked: {n}, rewritten: {wrong}").format(n=checked, wrong=len(wrong)))
    for pid, name, writer in wrong:
        said = _("{name} ({id}): its row disagreed with its records (written by {writer})")
        say("  " + said.format(name=name, id=pid, writer=writer))
    for problem in skipped:  # records written by hand past the server's checks
        warn(problem)
    if skipped:
        said = _("qualify: done, with {n} problem(s): the rest was checked")
        say(said.format(n=len(skipped)), err=True)
        sys.exit(PROBLEMS_EXIT)


@db.command("status")
@pass_env
def db_status(env: Env) -> None:
    """The schema version, the migrations applied, and whether an upgrade is due.

    Exit status: 0 up to date; 3 an upgrade is due (or there is no schema yet): run
    `qualify db upgrade`; 5 the schema is newer than this qualify: upgrade qualify."""
    from qualify.store import redact_url
    from qualify.store.postgres import connect, migrate

    url = server_url(env)
    with connect(url) as conn:
        state = migrate.status(conn)
        login = conn.execute("SELECT current_user").fetchone()[0]
    say(f"store   {redact_url(url)}  (login {login})")
    for version, name, at, by in state.applied:
        say(f"  {version:04d}_{name:<28} applied {at:%Y-%m-%d %H:%M} UTC by {by}")
    say(tr(state.describe()))
    if state.version > state.latest:
        sys.exit(STATUS_QUALIFY_TOO_OLD)
    if state.version < state.latest:
        sys.exit(STATUS_UPGRADE_DUE)


@db.command("grant")
@click.argument("user")
@click.option("--territory", "territories", multiple=True, metavar="T", help="Repeatable.")
@click.option("--director", is_flag=True, help="Sees every territory.")
@click.option("--read-only", is_flag=True, help="With --director: sees all, changes none.")
@click.option("--password", is_flag=True, help="Ask for a password for this login and set it.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (scripts).",
)
@pass_env
def db_grant(
    env: Env,
    user: str,
    territories: tuple[str, ...],
    director: bool,
    read_only: bool,
    password: bool,
    password_stdin: bool,
) -> None:
    """Give USER territories (or the director role), creating the login if needed.

    A password is hashed here (SCRAM-SHA-256) before it is sent: the server, its logs
    and this terminal never see it in clear."""
    from qualify.store.postgres import connect, migrate, team

    secret = None
    if password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            fail("--password-stdin: " + _("no password on standard input"), 2)
    elif password:
        secret = click.prompt(
            _("password for {user}").format(user=user), hide_input=True, confirmation_prompt=True
        )
    with connect(server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        done = team.grant(
            conn, user, list(territories), director=director, read_only=read_only, password=secret
        )
    say(f"{user}: " + (", ".join(tr(d) for d in done) if done else _("nothing to change")))


@db.command("revoke")
@click.argument("user")
@click.option("--territory", "territories", multiple=True, metavar="T", help="Repeatable.")
@click.option("--director", is_flag=True, help="Take the director role away.")
@click.option("all_", "--all", is_flag=True, help="Every territory and the team role.")
@pass_env
def db_revoke(
    env: Env, user: str, territories: tuple[str, ...], director: bool, all_: bool
) -> None:
    """Take territories or the director role away from USER (the login itself stays)."""
    from qualify.store.postgres import connect, migrate, team

    with connect(server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        done = team.revoke(conn, user, list(territories), director=director, everything=all_)
    if done:
        say(_("{user}: removed {what}").format(user=user, what=", ".join(tr(d) for d in done)))
    else:
        say(_("{user}: nothing to remove").format(user=user))


@db.command("people")
@pass_env
def db_people(env: Env) -> None:
    """Who sees which territories."""
    from qualify.store.postgres import connect, migrate, team

    with connect(server_url(env)) as conn:
        migrate.check(migrate.current_version(conn))
        found = team.people(conn)
    if not found:
        say(_("nobody yet: `qualify db grant USER --territory T`"), err=True)
    for person in found:
        say(tr(person.describe()))


@click.command()
@click.argument("url", required=False, metavar="[URL]")
@pass_env
def sync(env: Env, url: str | None) -> None:
    """Merge this laptop's workspace with the team server, both ways.

    Sends your prospects to the server and brings back those of your territories.
    An answer changed on both sides since the last sync is listed as a conflict;
    both answers are kept.
    """
    from qualify.paths import workspace_user
    from qualify.store import open_store, redact_url
    from qualify.store.base import ServerUnavailable
    from qualify.store.sync import STATE_DIR
    from qualify.store.sync import sync as run_sync

    target = server_url(env, url)
    try:
        with open_store(env.data_dir) as local, open_store(url=target) as server:
            report = run_sync(
                local,
                server,
                state_dir=env.data_dir / STATE_DIR,
                source=f"{workspace_user() or 'laptop'}'s laptop",
            )
            where = server.location
    except ServerUnavailable as exc:
        fail(
            _(
                "sync with {server} stopped, nothing changed on either side: {error}; "
                "run `qualify sync` again once the server answers"
            ).format(server=redact_url(target), error=exc)
        )
    said = _("synced {folder} with {server}: {summary}")
    say(said.format(folder=env.data_dir, server=where, summary=tr(report.summary())))
    for conflict in report.conflicts:
        say("  " + _("conflict: {what}").format(what=tr(conflict.describe())))
    for pid, name, why in report.refused:
        say("  " + _("kept here only: {name} ({id}): {why}").format(name=name, id=pid, why=why))
    for _digest, why in report.refused_snapshots:
        say("  " + _("question set not sent: {why}").format(why=why))
    for pid, why in report.refused_files:
        said = _("evidence files of {id} kept here only: {why}")
        say("  " + said.format(id=pid, why=cell(why)))
    for _pid, why in report.unreadable:
        warn(_("not brought here: {why}").format(why=why))
    if report.unreadable:
        said = _("qualify: done, with {n} problem(s): the rest was synced")
        say(said.format(n=len(report.unreadable)), err=True)
        sys.exit(PROBLEMS_EXIT)
