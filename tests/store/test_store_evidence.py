"""Evidence files: the same contract on every backend (workspace and PostgreSQL), and
the server's own checks (row-level security, hashes, append-only)."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from psycopg import errors
from storekit import T0, make_prospect

from qualify.cli import main
from qualify.core.evidence import Attachment, digest, superseded_by
from qualify.store import NotFound, StoreError
from qualify.store.base import Store
from qualify.store.postgres import PostgresStore, connect
from qualify.store.sync import sync
from qualify.store.transfer import export_workspace, import_bytes, import_workspace
from qualify.store.workspace import Workspace

REPORT = b"%PDF-1.4 credit report of Acme Audio\n" * 50


def attachment(pid: str, content: bytes, question: str = "credit", **kw: object) -> Attachment:
    fields: dict[str, object] = {
        "prospect_id": pid,
        "stage": "discovery",
        "question_id": question,
        "name": "credit report.pdf",
        "size": len(content),
        "sha256": digest(content),
        "by": "anna",
        "at": T0,
    }
    return Attachment(**{**fields, **kw})  # type: ignore[arg-type]


def test_a_file_and_its_record_round_trip(store: Store, backend: Callable[[], Store]) -> None:
    p = store.add_prospect(make_prospect())
    given = attachment(p.id, REPORT, note="from the bank")
    stored = store.add_attachment(given, REPORT)
    if store.login:  # a server keeps the login as the author, the name given beside it
        assert (stored.by, stored.recorded_as) == (store.login, "anna")
    else:
        assert stored == given
    again = backend()
    assert again.attachments(p.id) == [stored]
    assert again.attachment_content(p.id, given.sha256) == REPORT
    assert again.attachments(store.add_prospect(make_prospect("Other")).id) == []


def test_the_same_record_again_changes_nothing_and_records_never_change(store: Store) -> None:
    p = store.add_prospect(make_prospect())
    given = attachment(p.id, REPORT)
    first = store.add_attachment(given, REPORT)
    assert store.add_attachment(given, REPORT) == first  # a retried import or sync
    other = b"another file"
    changed = given.model_copy(update={"size": len(other), "sha256": digest(other)})
    with pytest.raises(StoreError, match="never changed"):
        store.add_attachment(changed, other)
    assert store.attachments(p.id) == [first]


def test_content_that_is_not_the_file_described_is_refused(store: Store) -> None:
    p = store.add_prospect(make_prospect())
    given = attachment(p.id, REPORT)
    with pytest.raises(StoreError, match="does not match its SHA-256"):
        store.add_attachment(given, REPORT[:-1] + b"X")
    with pytest.raises(StoreError, match="bytes, not the"):
        store.add_attachment(given, REPORT + b"more")
    with pytest.raises(StoreError, match="path separator"):
        store.add_attachment(given.model_copy(update={"name": "../../etc/passwd"}), REPORT)
    with pytest.raises(StoreError, match="control character"):
        store.add_attachment(given.model_copy(update={"name": "a\x1b[2Jb.pdf"}), REPORT)
    assert store.attachments(p.id) == []
    with pytest.raises(NotFound):
        store.attachment_content(p.id, given.sha256)


def test_unknown_prospects_and_files_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_attachment(attachment("nobody", REPORT), REPORT)
    a = store.add_prospect(make_prospect("A"))
    b = store.add_prospect(make_prospect("B"))
    store.add_attachment(attachment(a.id, REPORT), REPORT)
    with pytest.raises(NotFound):  # a file is asked for through its own prospect only
        store.attachment_content(b.id, digest(REPORT))
    with pytest.raises(NotFound):
        store.attachment_content(a.id, digest(b"never attached"))


def test_a_newer_file_supersedes_and_the_older_stays(store: Store) -> None:
    p = store.add_prospect(make_prospect())
    old = store.add_attachment(attachment(p.id, REPORT), REPORT)
    newer = b"%PDF-1.4 the updated credit report\n"
    new = store.add_attachment(
        attachment(p.id, newer, name="credit 2026.pdf", at=T0 + timedelta(days=3)), newer
    )
    photo = b"\x89PNG showroom"
    store.add_attachment(
        attachment(p.id, photo, question="showroom", name="front.png", at=T0), photo
    )
    kept = store.attachments(p.id)
    assert [a.name for a in kept] == ["credit report.pdf", "front.png", "credit 2026.pdf"]
    assert {k: v.id for k, v in superseded_by(kept).items()} == {old.id: new.id}
    assert store.attachment_content(p.id, old.sha256) == REPORT  # nothing is deleted


def test_the_same_content_twice_is_kept_once_and_read_by_both(store: Store) -> None:
    p = store.add_prospect(make_prospect())
    store.add_attachment(attachment(p.id, REPORT), REPORT)
    store.add_attachment(attachment(p.id, REPORT, question="reference", name="copy.pdf"), REPORT)
    assert len(store.attachments(p.id)) == 2
    assert store.attachment_content(p.id, digest(REPORT)) == REPORT


def test_tallies_count_files_in_force_and_the_newest_date(store: Store) -> None:
    """What the portfolio shows: the same on every backend (the server in one query)."""
    from qualify.core.evidence import EvidenceTally

    p = store.add_prospect(make_prospect())
    bare = store.add_prospect(make_prospect("Bare"))
    store.add_attachment(attachment(p.id, REPORT), REPORT)
    newer = b"%PDF-1.4 the updated credit report\n"
    later = T0 + timedelta(days=3)
    store.add_attachment(attachment(p.id, newer, name="credit 2026.pdf", at=later), newer)
    photo = b"\x89PNG showroom"
    store.add_attachment(attachment(p.id, photo, question="showroom", at=T0), photo)
    assert store.evidence_tallies([p.id, bare.id, "nobody"]) == {p.id: EvidenceTally(2, later)}
    assert store.evidence_tallies([]) == {}


def test_workspace_tallies_open_only_the_record_files_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A portfolio asks for every prospect: those without evidence cost no failed open,
    and a record file that no longer reads still stops the tally, naming it."""
    from qualify.store.workspace.evidence import Evidence

    ws = Workspace(tmp_path / "ws")
    assert ws.evidence_tallies(["nobody"]) == {}  # no evidence folder yet
    p, q, bare = (ws.add_prospect(make_prospect(name)) for name in ("Acme", "Bolt", "Bare"))
    for pid in (p.id, q.id):
        ws.add_attachment(attachment(pid, REPORT), REPORT)
    opened: list[str] = []
    records = Evidence.records

    def counting(self: Evidence, prospect_id: str) -> list[Attachment]:
        opened.append(prospect_id)
        return records(self, prospect_id)

    monkeypatch.setattr(Evidence, "records", counting)
    assert set(ws.evidence_tallies([bare.id, p.id, q.id])) == {p.id, q.id}
    assert opened == [p.id, q.id]
    ws._evidence.records_path(q.id).write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreError, match=q.id):
        ws.evidence_tallies([bare.id, p.id, q.id])


def test_stored_evidence_names_each_file_and_its_records(store: Store) -> None:
    """What `qualify doctor` checks on any backend: each file, hashed, with its records."""
    from qualify.store.base import StoredFile

    p = store.add_prospect(make_prospect())
    first = store.add_attachment(attachment(p.id, REPORT), REPORT)
    again = store.add_attachment(attachment(p.id, REPORT, name="copy.pdf"), REPORT)
    assert list(store.stored_evidence()) == [
        StoredFile(
            p.id,
            digest(REPORT),
            "ok",
            (f"{first.id} (credit report.pdf)", f"{again.id} (copy.pdf)"),
        )
    ]


# ------------------------------------------------------------------ the server's own rules


def test_evidence_follows_the_prospects_row_level_security(pg) -> None:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        north = admin.add_prospect(make_prospect("North", territory="North"))
        south = admin.add_prospect(make_prospect("South", territory="South"))
        for p in (north, south):
            admin.add_attachment(attachment(p.id, REPORT), REPORT)
    with PostgresStore(pg.grant("anna", "North")) as anna:
        assert len(anna.attachments(north.id)) == 1
        assert anna.attachments(south.id) == []
        with pytest.raises(NotFound):
            anna.attachment_content(south.id, digest(REPORT))
        with pytest.raises(NotFound):
            anna.add_attachment(attachment(south.id, b"mine"), b"mine")
    pg.grant("rita", director=True, read_only=True)
    with PostgresStore(pg.url("rita")) as rita:
        assert rita.attachment_content(south.id, digest(REPORT)) == REPORT
        with pytest.raises(StoreError, match="may read but not change"):
            rita.add_attachment(attachment(south.id, b"mine"), b"mine")
    with connect(pg.url("anna")) as conn:
        count = conn.execute("SELECT count(*) FROM attachment_files").fetchone()
        assert count == (1,)
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO attachment_files (prospect_id, sha256, size, content) "
                "VALUES (%s, %s, 4, 'mine')",
                (south.id, digest(b"mine")),
            )


def test_the_server_checks_hashes_and_keeps_every_row(pg) -> None:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        p = admin.add_prospect(make_prospect("North", territory="North"))
    pg.grant("anna", "North")
    with (
        connect(pg.url("anna")) as conn,
        pytest.raises(errors.CheckViolation, match="file_matches_its_hash"),
    ):
        conn.execute(
            "INSERT INTO attachment_files (prospect_id, sha256, size, content) "
            "VALUES (%s, %s, 4, 'evil')",
            (p.id, digest(b"good")),
        )
    with PostgresStore(pg.url("anna")) as anna:
        anna.add_attachment(attachment(p.id, REPORT), REPORT)
    with connect(pg.url("anna")) as conn:
        for statement in (
            "UPDATE attachments SET doc = doc",
            "DELETE FROM attachments",
            "DELETE FROM attachment_files",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()


def test_the_server_holds_every_login_to_its_size_limit(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A teammate's raw SQL cannot insert a file over the limit (20 MB unless the schema
    owner sets another in qualify.settings), nor change the limit."""
    with PostgresStore(pg.admin_url) as admin:
        p = admin.add_prospect(make_prospect("North", territory="North"))
    pg.grant("anna", "North")
    big = b"\0" * (20 * 1024 * 1024 + 1)
    insert = (
        "INSERT INTO attachment_files (prospect_id, sha256, size, content) VALUES (%s, %s, %s, %s)"
    )
    with (
        connect(pg.url("anna")) as conn,
        pytest.raises(errors.CheckViolation, match="over the server's limit of 20971520 bytes"),
    ):
        conn.execute(insert, (p.id, digest(big), len(big), big))
    with connect(pg.url("anna")) as conn:
        for statement in (
            "UPDATE settings SET value = 1073741824",
            "DELETE FROM settings",
            "INSERT INTO settings VALUES ('attachment_max_bytes', 1)",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
        assert conn.execute("SELECT value FROM settings").fetchall() == [(20 * 1024 * 1024,)]

    pg.sql("UPDATE qualify.settings SET value = 1000 WHERE name = 'attachment_max_bytes'")
    try:
        at_limit, over = b"a" * 1000, b"b" * 1001
        with connect(pg.url("anna")) as conn:
            conn.execute(insert, (p.id, digest(at_limit), 1000, at_limit))
            with pytest.raises(errors.CheckViolation) as refused:
                conn.execute(insert, (p.id, digest(over), 1001, over))
        assert refused.value.diag.constraint_name == "attachment_size_limit"
        # through qualify: the same one line whichever way the file comes (attach, import, sync)
        with PostgresStore(pg.url("anna")) as anna:
            with pytest.raises(StoreError) as said:
                anna.add_attachment(attachment(p.id, over, name="scan.pdf"), over)
            assert anna.attachments(p.id) == []
        assert str(said.value) == (
            "scan.pdf: 1001 bytes (1,001 bytes) is over the team server's limit of "
            "1,000 bytes; attach a smaller file, or ask the schema owner to raise it "
            "(docs/team.md)"
        )
        # `qualify attach`: its own check passes (20 MB), the server's answer is the same
        # one line as its own check gives, naming the file given
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(over)
        runner = CliRunner()
        env = {"QUALIFY_STORE": pg.url("anna"), "QUALIFY_DATA_DIR": str(tmp_path / "laptop")}
        added = runner.invoke(
            main, ["prospect", "add", "Nordic AV", "--territory", "North"], env=env
        )
        assert added.exit_code == 0, added.output
        pid = added.stdout.strip().splitlines()[-1]
        result = runner.invoke(main, ["attach", pid, "founded", str(scan)], env=env)
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"qualify: error: FILE {scan}: 1001 bytes (1,001 bytes) is over the limit of "
            "1,000 bytes (the team server's); attach a smaller file, or ask the schema owner "
            "to raise it (docs/team.md)\n"
        )
        with pytest.raises(errors.CheckViolation, match="attachment_max_bytes_range"):
            pg.sql("UPDATE qualify.settings SET value = 0")
    finally:
        pg.sql("UPDATE qualify.settings SET value = 20971520 WHERE name = 'attachment_max_bytes'")


# ------------------------------------------------------------------ export, import, sync


def _exported(tmp_path: Path) -> tuple[Path, str]:
    """An export of a workspace prospect with two evidence files (one superseded)."""
    ws = Workspace(tmp_path / "source")
    p = ws.add_prospect(make_prospect())
    ws.add_attachment(attachment(p.id, REPORT), REPORT)
    newer = b"newer report"
    ws.add_attachment(attachment(p.id, newer, at=T0 + timedelta(days=1)), newer)
    path = tmp_path / "export.json"
    export_workspace(ws, path)
    return path, p.id


def test_export_and_import_carry_the_files(store: Store, tmp_path: Path) -> None:
    path, pid = _exported(tmp_path)
    report = import_workspace(store, path)
    assert report.attachments_added == 2
    assert "2 evidence file(s)" in report.summary()
    kept = store.attachments(pid)
    assert [store.attachment_content(pid, a.sha256) for a in kept] == [REPORT, b"newer report"]
    assert list(superseded_by(kept)) == [kept[0].id]
    again = import_workspace(store, path)  # the same file twice changes nothing
    assert again.attachments_added == 0 and len(store.attachments(pid)) == 2


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            lambda doc: doc["files"].update(
                {k: base64.b64encode(b"forged").decode() for k in doc["files"]}
            ),
            "does not match its SHA-256 (changed after it was exported)",
        ),
        (lambda doc: doc["files"].clear(), "its file is neither in the export nor here"),
        (
            lambda doc: doc["prospects"][0]["attachments"][0].update(name="../../x"),
            "path separator",
        ),
        (
            lambda doc: doc["prospects"][0]["attachments"][0].update(prospect_id="other"),
            "belongs to another prospect",
        ),
        (
            lambda doc: doc["prospects"][0]["attachments"][0].update(size=3),
            "not the 3 recorded",
        ),
    ],
)
def test_a_tampered_file_or_record_stops_the_import(
    store: Store, tmp_path: Path, tamper, message: str
) -> None:
    path, _ = _exported(tmp_path)
    doc = orjson.loads(path.read_bytes())
    tamper(doc)
    with pytest.raises(StoreError, match=re.escape(message)):
        import_bytes(store, orjson.dumps(doc), "tampered.json")
    assert store.prospect_ids() == []  # nothing was imported


def test_sync_carries_files_both_ways(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laptop = Workspace(tmp_path / "laptop")
    p = laptop.add_prospect(make_prospect("North", territory="North"))
    laptop.add_attachment(attachment(p.id, REPORT), REPORT)
    with PostgresStore(pg.grant("anna", "North")) as server:
        first = sync(laptop, server, state_dir=tmp_path / "sync")
        assert (first.files_sent, first.files_received) == (1, 0)
        assert server.attachment_content(p.id, digest(REPORT)) == REPORT
        photo = b"\x89PNG showroom"
        server.add_attachment(attachment(p.id, photo, question="showroom"), photo)
        second = sync(laptop, server, state_dir=tmp_path / "sync")
        assert (second.files_sent, second.files_received) == (0, 1)
        assert "evidence files: 0 sent, 1 received" in second.summary()
        assert laptop.attachment_content(p.id, digest(photo)) == photo
        assert [a.by for a in laptop.attachments(p.id)] == ["anna", "anna"]
        third = sync(laptop, server, state_dir=tmp_path / "sync")
        assert (third.files_sent, third.files_received) == (0, 0)


def test_removing_a_demo_prospect_takes_its_evidence_records(store: Store) -> None:
    demo = store.add_prospect(make_prospect("Demo AV", id="demo00000001", tags=["demo"]))
    store.add_attachment(attachment(demo.id, REPORT), REPORT)
    assert store.delete_demo_prospect(demo.id)
    assert store.attachments(demo.id) == []
    with pytest.raises(NotFound):
        store.attachment_content(demo.id, digest(REPORT))
