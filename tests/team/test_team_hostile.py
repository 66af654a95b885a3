"""A hostile teammate with their own login and raw SQL (issue 16): each attack fails.

Every attack is made on the attacker's own connection (``connect(pg.url(login))``), the
way ``psql`` would, never through qualify's store.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import errors
from psycopg.types.json import Jsonb

from qualify.core.questionnaire.loader import canonical_hash
from qualify.core.records import AnswerRecord, Interview, Prospect
from qualify.store import StageConflict, StoreError
from qualify.store.postgres import PostgresStore, connect

LEGIT = {"id": "fit", "version": 1, "sections": [{"id": "s", "questions": [{"id": "q1"}]}]}
POISON = {"id": "fit", "version": 1, "knock_out": True, "note": "Ünïcode ✓"}


def _prospects(pg) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A North and a South prospect, each with an open interview and an answer."""
    ids = {}
    with PostgresStore(pg.admin_url) as admin:
        for territory in ("North", "South"):
            p = admin.add_prospect(
                Prospect(name=f"{territory} AV", stage="s1", territory=territory)
            )
            i = admin.add_interview(
                Interview(
                    prospect_id=p.id,
                    stage="s1",
                    questionnaire_id="fit",
                    questionnaire_version=1,
                    questionnaire_hash=canonical_hash(LEGIT),
                )
            )
            admin.record_answers(i.id, [AnswerRecord(question_id="q1", value=territory)])
            ids[territory], ids[f"{territory}-i"] = p.id, i.id
    return ids


# ------------------------------------------------------------------ 1. snapshots


def test_a_snapshot_that_does_not_hash_to_its_key_is_refused(pg) -> None:  # type: ignore[no-untyped-def]
    pg.grant("anna", "North")
    pg.grant("dora", director=True, read_only=True)
    key = canonical_hash(LEGIT)
    for login in ("anna", "dora"):
        with connect(pg.url(login)) as conn, pytest.raises(errors.CheckViolation):
            conn.execute(
                "INSERT INTO snapshots (hash, question_set) VALUES (%s, %s)", (key, Jsonb(POISON))
            )
    # The first copy is the real one, and it cannot be replaced afterwards.
    with connect(pg.url("anna")) as conn:
        conn.execute(
            "INSERT INTO snapshots (hash, question_set) VALUES (%s, %s)", (key, Jsonb(LEGIT))
        )
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE snapshots SET question_set = %s", (Jsonb(POISON),))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM snapshots")
    # Even the owner cannot store a lie: it is a constraint, not a privilege.
    with connect(pg.admin_url) as conn, pytest.raises(errors.CheckViolation):
        conn.execute("UPDATE qualify.snapshots SET question_set = %s", (Jsonb(POISON),))
    with PostgresStore(pg.url("anna")) as anna:
        assert anna.get_snapshot(key) == LEGIT
        with pytest.raises(StoreError, match="does not match its content"):
            anna.put_snapshot(key, POISON)


def test_sync_of_an_edited_snapshot_file_poisons_nothing(pg, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qualify.store.sync import STATE_DIR, sync
    from qualify.store.workspace import Workspace

    key = canonical_hash(LEGIT)
    laptop = Workspace(tmp_path / "laptop")
    laptop.put_snapshot(key, POISON)  # the file was edited by hand: same name, other content
    p = laptop.add_prospect(Prospect(name="Edited", stage="s1", territory="North"))
    laptop.add_interview(
        Interview(
            prospect_id=p.id,
            stage="s1",
            questionnaire_id="fit",
            questionnaire_version=1,
            questionnaire_hash=key,
        )
    )
    with PostgresStore(pg.grant("anna", "North")) as anna:
        report = sync(laptop, anna, state_dir=tmp_path / STATE_DIR)
        assert [d for d, _ in report.refused_snapshots] == [key]
        assert report.pushed == 1  # the prospect goes; the lie does not
        assert key not in anna.snapshot_hashes()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: abs(f) < 1e16 and not (f == 0 and math.copysign(1.0, f) < 0)
    )
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def hashing_conn(_pg_database):  # type: ignore[no-untyped-def]
    with connect(_pg_database.admin_url) as conn:
        yield conn


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=JSON)
def test_the_server_hashes_exactly_as_qualify_does(hashing_conn, value) -> None:  # type: ignore[no-untyped-def]
    """Keys in code-point order, non-ASCII and astral characters escaped, floats in
    Python's repr (a float of 10**16 or more, or -0.0, is refused, not mis-hashed)."""
    [(server,)] = hashing_conn.execute(
        "SELECT qualify.snapshot_hash(%s)", (Jsonb(value),)
    ).fetchall()
    assert server == canonical_hash(value)


def test_the_bundled_question_sets_hash_the_same_on_the_server(hashing_conn) -> None:  # type: ignore[no-untyped-def]
    from qualify.core.questionnaire import content_hash, load_catalog
    from qualify.core.questionnaire.catalog import canonical
    from qualify.paths import bundled_questionnaires_dir

    catalog = load_catalog(bundled_questionnaires_dir())
    assert catalog.question_sets
    for qs in catalog.question_sets.values():
        [(server,)] = hashing_conn.execute(
            "SELECT qualify.snapshot_hash(%s)", (Jsonb(canonical(qs)),)
        ).fetchall()
        assert server == content_hash(qs), qs.id


# ------------------------------------------------------------------ 2. integrity


def test_an_answer_cannot_be_filed_under_another_prospects_interview(pg) -> None:  # type: ignore[no-untyped-def]
    ids = _prospects(pg)
    pg.grant("anna", "North")
    with connect(pg.url("anna")) as conn:
        # Her own prospect, the South interview: the composite key refuses it.
        with pytest.raises(errors.ForeignKeyViolation):
            conn.execute(
                "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
                "VALUES (%s, 'q9', %s, %s)",
                (ids["South-i"], ids["North"], Jsonb({"question_id": "q9", "value": "ko"})),
            )
        with pytest.raises(errors.InsufficientPrivilege):  # the log is the server's alone
            conn.execute(
                "INSERT INTO answer_log (interview_id, question_id, prospect_id, doc) "
                "VALUES (%s, 'q9', %s, '{}')",
                (ids["North-i"], ids["North"]),
            )
        with pytest.raises(errors.ForeignKeyViolation):  # a conflict entry naming it
            conn.execute(
                "INSERT INTO history (id, prospect_id, at, doc) VALUES ('h9', %s, now(), %s)",
                (
                    ids["North"],
                    Jsonb(
                        {
                            "id": "h9",
                            "prospect_id": ids["North"],
                            "action": "edit",
                            "details": {"conflict": {"interview_id": ids["South-i"]}},
                        }
                    ),
                ),
            )
        with pytest.raises(errors.CheckViolation):  # JSON saying another question
            conn.execute(
                "UPDATE answers SET doc = jsonb_set(doc, '{question_id}', '\"q2\"') "
                "WHERE interview_id = %s",
                (ids["North-i"],),
            )
        with pytest.raises(errors.CheckViolation):  # JSON saying another territory
            conn.execute(
                "UPDATE prospects SET doc = jsonb_set(doc, '{territory}', '\"South\"') "
                "WHERE id = %s",
                (ids["North"],),
            )
    with PostgresStore(pg.url("anna")) as anna:
        assert anna.read_prospect(ids["North"]).interviews[0].answers["q1"].value == "North"
    with PostgresStore(pg.admin_url) as admin:
        south = admin.read_prospect(ids["South"])
        assert list(south.interviews[0].answers) == ["q1"]


def test_one_open_interview_per_stage_even_with_raw_sql(pg) -> None:  # type: ignore[no-untyped-def]
    ids = _prospects(pg)
    pg.grant("anna", "North")
    with connect(pg.url("anna")) as conn, pytest.raises(errors.UniqueViolation):
        conn.execute(
            "INSERT INTO interviews (id, prospect_id, started_at, doc) VALUES ('i2', %s, now(), %s)",
            (
                ids["North"],
                Jsonb(
                    {
                        "id": "i2",
                        "prospect_id": ids["North"],
                        "stage": "s1",
                        "status": "in_progress",
                        "questionnaire_id": "x",
                        "questionnaire_version": 1,
                        "questionnaire_hash": "h",
                    }
                ),
            ),
        )
    with PostgresStore(pg.url("anna")) as anna:
        again = anna.start_interview(
            Interview(
                prospect_id=ids["North"],
                stage="s1",
                questionnaire_id="x",
                questionnaire_version=1,
                questionnaire_hash="h",
            )
        )
        assert again.id == ids["North-i"]  # get-or-create: the one already open
        with pytest.raises(StageConflict, match="now at s1"):
            anna.start_interview(again.model_copy(update={"id": "zz", "stage": "s0"}))
        with pytest.raises(StageConflict, match="moved on meanwhile"):
            anna.record_answers(
                again.id, [AnswerRecord(question_id="q2", value=1)], expected_stage="s0"
            )


# ------------------------------------------------------------------ 3. the list


def test_an_interview_without_a_status_is_no_second_open_interview(pg) -> None:  # type: ignore[no-untyped-def]
    """qualify reads a missing status as "in progress"; the unique index saw no open
    interview in such a row, so a hand-written one split the stage."""
    ids = _prospects(pg)
    pg.grant("anna", "South")
    doc = {
        "id": "split",
        "prospect_id": ids["South"],
        "stage": "s1",
        "questionnaire_id": "fit",
        "questionnaire_version": 1,
        "questionnaire_hash": canonical_hash(LEGIT),
    }
    with connect(pg.url("anna")) as conn:
        for status in (None, "open", "in_progress"):
            row = doc if status is None else {**doc, "status": status}
            with pytest.raises((errors.CheckViolation, errors.UniqueViolation)):
                conn.execute(
                    "INSERT INTO interviews (id, prospect_id, started_at, doc) "
                    "VALUES ('split', %s, now(), %s)",
                    (ids["South"], Jsonb(row)),
                )
    with PostgresStore(pg.admin_url) as admin:
        assert [i.id for i in admin.interviews(ids["South"])] == [ids["South-i"]]


def test_a_record_written_by_hand_past_the_checks_hides_no_other_prospect(pg, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An interview whose JSON lacked its ids passed the server's checks (NULL is no
    violation) and made the director's whole list fail. The ids are required now; what
    only qualify can tell (a missing stage) leaves that prospect out of the list, named,
    and every other prospect listed."""
    from click.testing import CliRunner

    from qualify.cli import main
    from qualify.store.workspace import Workspace

    ids = _prospects(pg)
    pg.grant("mallory", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    with connect(pg.url("mallory")) as conn:
        with pytest.raises(errors.CheckViolation):
            conn.execute(
                "INSERT INTO interviews (id, prospect_id, started_at, doc) "
                "VALUES ('bare', %s, now(), %s)",
                (ids["South"], Jsonb({"stage": "s9", "status": "complete"})),
            )
        conn.execute(
            "INSERT INTO interviews (id, prospect_id, started_at, doc) "
            "VALUES ('nostage', %s, now(), %s)",
            (
                ids["South"],
                Jsonb({"id": "nostage", "prospect_id": ids["South"], "status": "complete"}),
            ),
        )
    with PostgresStore(dora) as director:
        assert [r.id for r in director.list_prospects()] == [ids["North"]]
        [note] = director.unreadable()
        assert ids["South"] in note and "last changed by mallory" in note
    runner = CliRunner()
    result = runner.invoke(main, ["--store", dora, "prospect", "list"], env={"QUALIFY_STORE": ""})
    assert "North AV" in result.output and "last changed by mallory" in result.output
    assert result.exit_code == 5 and "Traceback" not in result.output
    # nor the owner's hourly check, nor the director's sync: the rest is done, status 5
    result = runner.invoke(main, ["--store", pg.admin_url, "db", "verify"])
    assert result.exit_code == 5, result.output
    assert "list rows checked" in result.output and "stays unvouched" in result.output
    laptop = tmp_path / "laptop"
    result = runner.invoke(
        main, ["sync", dora], env={"QUALIFY_STORE": "", "QUALIFY_DATA_DIR": str(laptop)}
    )
    assert result.exit_code == 5, result.output
    assert "1 updated here" in result.output and "not brought here" in result.output
    with Workspace(laptop) as here:
        assert here.prospect_ids() == [ids["North"]]


def test_a_forged_list_row_never_reaches_the_director(pg) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from qualify.cli import main

    ids = _prospects(pg)
    pg.grant("anna", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    with PostgresStore(dora) as director:
        honest = {r.id: r for r in director.list_prospects()}
    with connect(pg.url("anna")) as conn:
        conn.execute(
            "UPDATE prospects SET s_name = 'Southern Sound (fake)', s_stage = 'committed', "
            "s_status = 'committed', s_score = 99, s_band = 'Strong', s_knocked_out = false "
            "WHERE id = %s",
            (ids["South"],),
        )
        [row] = conn.execute(
            "SELECT s_name, s_stage, s_score FROM prospects WHERE id = %s", (ids["South"],)
        ).fetchall()
        assert row == ("South AV", "s1", 99.0)  # the facts are the server's; the score is not
    with PostgresStore(dora) as director:
        assert {r.id: r for r in director.list_prospects()} == honest
        assert director.doubtful_rows() == {ids["South"]: "anna"}
    result = CliRunner().invoke(
        main, ["--store", dora, "prospect", "list"], env={"QUALIFY_STORE": ""}
    )
    assert result.exit_code == 0, result.output
    shown = result.output.replace(ids["South"], "").replace(ids["North"], "")  # random ids
    assert "99" not in shown and "fake" not in shown
    assert "1 list row(s) disagreed with their records (written by anna)" in result.output
    # The owner's check rewrites it and vouches for every row.
    result = CliRunner().invoke(main, ["--store", pg.admin_url, "db", "verify"])
    assert result.exit_code == 0, result.output
    assert "South AV" in result.output and "written by anna" in result.output
    [(score, vouched)] = pg.sql(
        "SELECT s_score, checked_xact = changed_xact FROM qualify.prospects WHERE id = %s",
        (ids["South"],),
    )
    assert (score, vouched) == (honest[ids["South"]].score, True)


def test_rows_a_teammate_computed_honestly_are_shown_as_they_are(pg) -> None:  # type: ignore[no-untyped-def]
    ids = _prospects(pg)
    with PostgresStore(pg.grant("anna", "North")) as anna:
        anna.record_answers(ids["North-i"], [AnswerRecord(question_id="q2", value=2)])
    with PostgresStore(pg.grant("dora", director=True, read_only=True)) as dora:
        rows = dora.list_prospects()
        assert dora.doubtful_rows() == {}
        assert len(dora.rows.checked) == 1  # the one anna changed, checked once
        assert dora.list_prospects() == rows


# ------------------------------------------------------------------ 4. authorship


def test_the_author_is_the_login_whatever_the_laptop_says(pg, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from qualify.cli import main

    url = pg.grant("anna", "North")
    laptop = {
        "QUALIFY_DATA_DIR": str(tmp_path / "laptop"),
        "QUALIFY_STORE": "",
        "QUALIFY_USER": "bob",
    }
    runner = CliRunner()
    r = runner.invoke(main, ["prospect", "add", "Nordic AV", "--territory", "North"], env=laptop)
    assert r.exit_code == 0, r.output
    pid = r.output.strip().splitlines()[-1]
    r = runner.invoke(main, ["answer", pid, "partner_type", "stocking_dealer"], env=laptop)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["sync", url], env=laptop)
    assert r.exit_code == 0, r.output
    with PostgresStore(url) as anna:
        records = anna.read_prospect(pid)
        [interview] = records.interviews
        answer = interview.answers["partner_type"]
        assert (answer.by, answer.recorded_as) == ("anna", "bob")
        assert (interview.interviewer, interview.recorded_as) == ("anna", "bob")
        assert {(h.by, h.recorded_as) for h in records.history} == {("anna", "bob")}
    # The laptop learns it too (the server's version comes back), and a report says anna.
    r = runner.invoke(main, ["report", pid, "--format", "md"], env={**laptop, "QUALIFY_STORE": url})
    assert r.exit_code == 0, r.output
    [line] = [line for line in r.output.splitlines() if "Interviewed by" in line]
    interviewed = line.split("Interviewed by ")[1].split(" · ")[0]
    assert interviewed == "anna"  # (the owner field is the relationship's, not an author)
    # Raw SQL cannot claim someone else either.
    with connect(url) as conn:
        conn.execute(
            "UPDATE answers SET doc = jsonb_set(doc, '{by}', '\"carl\"') WHERE prospect_id = %s",
            (pid,),
        )
        [(by, offline)] = conn.execute(
            "SELECT doc->>'by', doc->>'recorded_as' FROM answers WHERE prospect_id = %s", (pid,)
        ).fetchall()
    assert (by, offline) == ("anna", "carl")


# ------------------------------------------------------------------ 6. admin


def test_grants_hash_passwords_here_and_only_go_to_people(pg, pg_server) -> None:  # type: ignore[no-untyped-def]
    from qualify.store.postgres import team

    log = pg_server.log
    size = log.stat().st_size
    with connect(pg_server.url()) as su:  # log every statement the admin sends
        su.execute("ALTER ROLE qualify_admin SET log_statement = 'all'")
    try:
        with connect(pg.admin_url) as conn:
            done = team.grant(conn, "erin", ["West"], password="correct horse 42")
            assert "set its password (hashed here: SCRAM-SHA-256)" in done
            for role in ("qualify_team", "qualify_admin"):
                with pytest.raises(StoreError, match="not granted"):
                    team.grant(conn, role, ["West"])
            conn.execute("CREATE ROLE sales_group NOLOGIN")
            with pytest.raises(StoreError, match="cannot log in"):
                team.grant(conn, "sales_group", ["West"])
    finally:
        with connect(pg_server.url()) as su:
            su.execute("ALTER ROLE qualify_admin RESET log_statement")
            [(verifier,)] = su.execute(
                "SELECT rolpassword FROM pg_authid WHERE rolname = 'erin'"
            ).fetchall()
    assert verifier.startswith("SCRAM-SHA-256$")
    with open(log, "rb") as f:
        f.seek(size)
        logged = f.read().decode(errors="replace")
    assert "ALTER ROLE" in logged and "SCRAM-SHA-256$" in logged
    assert "correct horse" not in logged


def test_a_territory_of_a_group_role_gives_nothing_to_its_members(pg) -> None:  # type: ignore[no-untyped-def]
    _prospects(pg)
    pg.grant("anna", "North")
    pg.sql(
        "INSERT INTO qualify.team_territories (login, territory) VALUES ('qualify_team', 'South')"
    )
    with connect(pg.url("anna")) as conn:
        conn.execute("SET ROLE qualify_team")
        assert conn.execute("SELECT territory FROM prospects").fetchall() == []


def test_a_teammate_cannot_lock_the_tables(pg) -> None:  # type: ignore[no-untyped-def]
    pg.grant("anna", "North")
    pg.grant("dora", director=True, read_only=True)
    for login in ("anna", "dora"):
        with connect(pg.url(login)) as conn:
            for table in ("prospects", "interviews", "answers", "history", "snapshots"):
                for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE"):
                    with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                        conn.execute(f"LOCK TABLE {table} IN {mode} MODE NOWAIT")
    with connect(pg.url("anna")) as conn, conn.transaction():
        conn.execute("LOCK TABLE prospects IN ROW EXCLUSIVE MODE")  # what an INSERT takes


@pytest.mark.parametrize(
    "store",
    [
        "postgresql://anna:s3cret@/qualify?host={root}&port={port}",
        "postgresql://anna@/qualify?host={root}&port={port}&password=s3cret",
        "postgresql://anna@/qualify?host={root}&port={port}&PassWord=s3cret",
        "host={root} port={port} dbname=qualify user=anna password=s3cret",
        "host={root} password = 's3cret' user=anna",
    ],
)
def test_passwords_are_never_printed(pg, pg_server, tmp_path, store: str) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from qualify.cli import main

    pg.grant("anna", "North")
    url = store.format(root=pg_server.root, port=pg_server.port)
    env = {"QUALIFY_STORE": "", "QUALIFY_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    for args in (["paths"], ["prospect", "list"], ["db", "status"], ["sync"]):
        result = runner.invoke(main, ["--store", url, *args], env=env)
        assert "s3cret" not in result.output, (args, result.output)
        assert "Traceback" not in result.output
    wrong = url.replace("/qualify", "/nosuchdb").replace("dbname=qualify", "dbname=nosuchdb")
    result = runner.invoke(main, ["--store", wrong, "prospect", "list"], env=env)
    assert result.exit_code == 1 and "s3cret" not in result.output


# ------------------------------------------------------------------ a session's own objects


def test_a_temporary_pg_roles_does_not_make_a_teammate_the_schema_owner(pg) -> None:  # type: ignore[no-untyped-def]
    """Temporary objects come first in a session's search_path: a view of her own named
    pg_roles once made the server's checks take a manager for the schema owner, who
    vouches for list rows (a forged score then reached the director)."""
    ids = _prospects(pg)
    pg.grant("anna", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    with PostgresStore(dora) as director:
        honest = {r.id: r for r in director.list_prospects()}
    with connect(pg.url("anna")) as conn:
        conn.execute(
            "CREATE TEMP VIEW pg_roles AS SELECT rolname, true AS rolsuper, rolcanlogin, oid "
            "FROM pg_catalog.pg_roles"
        )
        conn.execute(
            "CREATE TEMP VIEW pg_namespace AS SELECT oid, nspname, "
            "(SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) AS nspowner "
            "FROM pg_catalog.pg_namespace"
        )
        [[owner]] = conn.execute("SELECT qualify.is_schema_owner()").fetchall()
        assert owner is False
        conn.execute(
            "UPDATE prospects SET s_score = 99, s_band = 'Strong' WHERE id = %s", (ids["South"],)
        )
        [[vouched]] = conn.execute(
            "SELECT checked_xact = changed_xact FROM prospects WHERE id = %s", (ids["South"],)
        ).fetchall()
        assert not vouched
    with PostgresStore(dora) as director:
        assert {r.id: r for r in director.list_prospects()} == honest
        assert director.doubtful_rows() == {ids["South"]: "anna"}


def test_a_temporary_type_does_not_change_the_servers_hash(pg) -> None:  # type: ignore[no-untyped-def]
    """A domain of her own named text (varchar(3)) once changed what snapshot_hash()
    computed in her session: the server's hash must be the same in every session."""
    pg.grant("anna", "South")
    legit = canonical_hash(LEGIT)
    with connect(pg.url("anna")) as conn:
        conn.execute("CREATE DOMAIN pg_temp.text AS varchar(3)")
        conn.execute("CREATE DOMAIN pg_temp.numeric AS integer")
        [[digest]] = conn.execute("SELECT qualify.snapshot_hash(%s)", (Jsonb(LEGIT),)).fetchall()
        assert digest == legit
        with pytest.raises(errors.CheckViolation):
            conn.execute(
                "INSERT INTO snapshots (hash, question_set) VALUES (%s, %s)",
                (canonical_hash(POISON), Jsonb(LEGIT)),
            )


def test_every_function_of_the_schema_pins_its_search_path(pg) -> None:  # type: ignore[no-untyped-def]
    loose = pg.sql(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'qualify' AND NOT EXISTS ("
        "  SELECT 1 FROM unnest(p.proconfig) c"
        "  WHERE starts_with(c, 'search_path=') AND right(c, 7) = 'pg_temp')"
    )
    assert loose == []


def test_a_snapshot_held_uncommitted_stalls_nobody(pg) -> None:  # type: ignore[no-untyped-def]
    """A South manager inserts the next version of a set and keeps her transaction open
    (her own session, her own idle timeout): a North manager starting an interview with
    that version once waited for her until the statement timeout, then failed."""
    import time

    pg.grant("mallory", "South")
    anna_url = pg.grant("anna", "North")
    key = canonical_hash(LEGIT)
    with connect(pg.url("mallory")) as mallory:
        mallory.execute("SET idle_in_transaction_session_timeout = 0")
        mallory.execute("BEGIN")
        mallory.execute(
            "INSERT INTO snapshots (hash, question_set, added_by) VALUES (%s, %s, 'anna')",
            (key, Jsonb(LEGIT)),
        )  # in anna's name, even: the server writes whose copy it is
        started = time.monotonic()
        with PostgresStore(anna_url) as anna:
            anna.put_snapshot(key, LEGIT)
            assert anna.get_snapshot(key) == LEGIT
        assert time.monotonic() - started < 20  # no wait for mallory (30 s and an error before)
        mallory.execute("COMMIT")
    owners = pg.sql("SELECT added_by FROM qualify.snapshots WHERE hash = %s ORDER BY 1", (key,))
    assert owners == [("anna",), ("mallory",)]
    with PostgresStore(anna_url) as anna:
        assert anna.snapshot_hashes() == {key}
        anna.put_snapshot(key, LEGIT)  # her own copy is there: nothing more is stored
    assert len(pg.sql("SELECT 1 FROM qualify.snapshots WHERE hash = %s", (key,))) == 2


def test_a_raw_change_gives_a_new_revision_and_none_can_be_forged(pg) -> None:  # type: ignore[no-untyped-def]
    """The portfolio keeps each prospect's share under its revision: a teammate who
    changes an answer with raw SQL, then sets the stamp back to what it was, must not
    leave the director a share of the records as they were."""
    ids = _prospects(pg)
    pg.grant("anna", "North")
    with PostgresStore(pg.admin_url) as admin:
        ((_, before),) = admin.revisions([ids["North"]])
    assert before is not None
    old_xact = before.split(":")[1]
    with connect(pg.url("anna")) as conn:
        conn.execute(
            "UPDATE answers SET doc = jsonb_set(doc, '{value}', '\"Changed\"') "
            "WHERE interview_id = %s",
            (ids["North-i"],),
        )
        conn.execute(
            "UPDATE prospects SET changed_xact = %s::xid8 WHERE id = %s", (old_xact, ids["North"])
        )
    with PostgresStore(pg.admin_url) as admin:
        ((_, after),) = admin.revisions([ids["North"]])
        records, read = admin.read_revision(ids["North"])
    assert after not in (None, before) and read == after
    assert records.interviews[0].answers["q1"].value == "Changed"


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (
            "UPDATE answers SET doc = jsonb_set(doc, '{state}', '\"maybe\"') "
            "WHERE prospect_id = %s",
            ".answers.q1.state: 'maybe' is not allowed",
        ),
        (
            "UPDATE interviews SET doc = jsonb_set(doc, '{stage}', '5') WHERE prospect_id = %s",
            ".stage: expected text",
        ),
    ],
)
def test_a_record_a_teammate_broke_is_named_where_it_is(pg, statement, named) -> None:  # type: ignore[no-untyped-def]
    """A record that passes the server's checks but not qualify's was told as "holds a
    Interview record", without saying which: each is named by its table and id (an
    answer within its interview), the prospect left out, the others listed."""
    ids = _prospects(pg)
    pg.grant("mallory", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    with connect(pg.url("mallory")) as conn:
        conn.execute(statement, (ids["South"],))
    with PostgresStore(dora) as director:
        assert [r.id for r in director.list_prospects()] == [ids["North"]]
        [note] = director.unreadable()
    assert f"prospect '{ids['South']}' holds a record this qualify cannot read: " in note
    assert f"interviews.{ids['South-i']}" in note and named in note, note
    assert "Interview record" not in note and "last changed by mallory" in note
