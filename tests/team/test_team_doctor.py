"""`qualify doctor` on a team server: the question-set snapshots against their hashes;
the rest is the server's transactions' business, and --repair is for the workspace."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from psycopg.types.json import Jsonb

from qualify.cli import main
from qualify.core.questionnaire import content_hash, load_catalog
from qualify.core.questionnaire.catalog import canonical
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
    assert "only the question-set snapshots and the evidence files were checked" in result.output
    assert "checked 1 snapshots" in result.output and ": healthy" in result.output
    # The server refuses such a snapshot (a constraint, since schema 3), so a damaged
    # one is planted by the owner with the constraint lifted, as a server restored from
    # an old dump or edited by hand could hold it.
    constraint = "snapshot_matches_its_hash"
    pg.sql(f"ALTER TABLE qualify.snapshots DROP CONSTRAINT {constraint}")
    try:
        pg.sql(
            "INSERT INTO qualify.snapshots (hash, question_set) VALUES (%s, %s)",
            ("0123456789abcdef01234567", Jsonb({**canonical(qs), "title": "Edited"})),
        )
        result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    finally:
        pg.sql("DELETE FROM qualify.snapshots WHERE hash = '0123456789abcdef01234567'")
        pg.sql(
            f"ALTER TABLE qualify.snapshots ADD CONSTRAINT {constraint} "
            "CHECK (hash = qualify.snapshot_hash(question_set))"
        )
    assert result.exit_code == 5, result.output
    assert "problem: snapshot 0123456789abcdef01234567: holds a question set whose" in result.output
    result = runner.invoke(main, ["--store", url, "doctor", "--repair"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 2 and "--repair is for the embedded workspace" in result.output


def test_doctor_has_the_server_hash_every_evidence_file(pg) -> None:  # type: ignore[no-untyped-def]
    from hashlib import sha256

    from qualify.core.evidence import Attachment
    from qualify.core.records import Prospect

    url = pg.grant("dora", director=True)
    good = b"%PDF-1.4 credit report\n"
    with PostgresStore(url) as store:
        p = store.add_prospect(Prospect(name="Acme Audio", stage="first-date"))
        store.add_attachment(
            Attachment(
                prospect_id=p.id,
                stage="first-date",
                question_id="founded",
                name="credit.pdf",
                size=len(good),
                sha256=sha256(good).hexdigest(),
            ),
            good,
        )
    runner = CliRunner()
    result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 0, result.output
    assert "1 evidence files" in result.output and ": healthy" in result.output

    # A file nobody names (a teammate may insert one by hand) is a note; a file whose
    # bytes no longer match (planted by the owner with the check lifted, as a server
    # restored from an edited dump could hold it) is a problem naming it.
    stray = b"a file without a record"
    pg.sql(
        "INSERT INTO qualify.attachment_files (prospect_id, sha256, size, content) "
        "VALUES (%s, %s, %s, %s)",
        (p.id, sha256(stray).hexdigest(), len(stray), stray),
        login="dora",
    )
    forged = sha256(b"the real letter").hexdigest()
    constraint = "file_matches_its_hash"
    pg.sql(f"ALTER TABLE qualify.attachment_files DROP CONSTRAINT {constraint}")
    try:
        pg.sql(
            "INSERT INTO qualify.attachment_files (prospect_id, sha256, size, content) "
            "VALUES (%s, %s, 6, 'forged')",
            (p.id, forged),
        )
        doc = {
            "id": "letter1",
            "prospect_id": p.id,
            "stage": "first-date",
            "question_id": "references",
            "name": "letter.pdf",
            "size": 15,
            "sha256": forged,
        }
        pg.sql(
            "INSERT INTO qualify.attachments (id, prospect_id, sha256, at, doc) "
            "VALUES ('letter1', %s, %s, now(), %s)",
            (p.id, forged, Jsonb(doc)),
        )
        result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    finally:
        pg.sql("TRUNCATE qualify.attachments, qualify.attachment_files")
        pg.sql(
            f"ALTER TABLE qualify.attachment_files ADD CONSTRAINT {constraint} "
            "CHECK (sha256 = encode(sha256(content), 'hex') AND size = octet_length(content) "
            "AND size > 0)"
        )
    assert result.exit_code == 5, result.output
    lines = result.output.splitlines()
    assert (
        f"problem: evidence file {forged[:12]}… of prospect {p.id}: its content no longer "
        "hashes to its name (changed after it was attached); named by letter1 (letter.pdf)"
    ) in lines
    stray_hash = sha256(stray).hexdigest()[:12]
    assert (
        f"note: evidence file {stray_hash}… of prospect {p.id}: no attachment record names "
        "it; kept, never deleted"
    ) in lines
    assert "3 evidence files" in result.output
