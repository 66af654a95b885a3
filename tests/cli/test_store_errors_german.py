"""The refusals of the store under `--lang de`: a bad export file (its version, its
values, its evidence), a team server that cannot be used, a grant that is missing a
territory, an ideal profile that names no question set, an evidence limit written
wrong. Each comes out in German, the paths, ids and values as given; the same command
in English says what it always said."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from qualify.i18n import error_text, use_language
from qualify.store.base import StoreError


def de(ws, *args: str, **kw):
    return ws("--lang", "de", *args, **kw)


def _export(ws, answered, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    answered()
    out = tmp_path / "export.json"
    assert ws("export", "-o", str(out)).exit_code == 0
    return orjson.loads(out.read_bytes()), out


def _write(tmp_path: Path, name: str, doc: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(doc))
    return path


def test_an_export_of_a_newer_version_is_refused_in_german(ws, answered, tmp_path: Path) -> None:
    doc, _ = _export(ws, answered, tmp_path)
    newer = _write(tmp_path, "neu.json", {**doc, "version": 7})
    other = tmp_path / "other"
    result = de(ws, "import", str(newer), data=other)
    assert result.exit_code != 0 and result.stdout == ""
    assert (
        f"{newer}: die Exportversion 7 ist neuer als dieses qualify (höchstens 1); "
        "aktualisieren Sie qualify"
    ) in result.stderr
    assert "is newer" not in result.stderr
    english = ws("import", str(newer), data=other)
    assert f"{newer}: export version 7 is newer than this qualify (max 1); upgrade qualify" in (
        english.stderr
    )
    assert ws("prospect", "list", data=other).stdout.count("Müller") == 0


def test_a_file_that_is_not_an_export_is_refused_in_german(ws, tmp_path: Path) -> None:
    listed = tmp_path / "liste.json"
    listed.write_text("[]\n")
    result = de(ws, "import", str(listed))
    assert f"{listed} ist kein qualify-Export (ein JSON-Export beginnt mit {{;" in result.stderr
    missing = de(ws, "import", str(tmp_path / "fehlt.json"))
    assert f"{tmp_path / 'fehlt.json'}: Datei nicht gefunden" in missing.stderr
    english = ws("import", str(listed))
    assert f"{listed} is not a qualify export (a JSON export starts with {{;" in english.stderr


def test_a_value_of_the_wrong_kind_in_an_export_reads_well_in_german(
    ws, answered, tmp_path: Path
) -> None:
    """Pydantic's own English ("Input should be …") never reaches the reader: the field,
    the value found and what is allowed, in the reader's language."""
    doc, _ = _export(ws, answered, tmp_path)
    answers = doc["prospects"][0]["interviews"][0]["answers"]
    answers["founded"]["state"] = "bogus"
    bad = _write(tmp_path, "falsch.json", doc)
    result = de(ws, "import", str(bad), data=tmp_path / "other")
    assert (
        "prospects[0].interviews[0].answers.founded.state: 'bogus' ist nicht erlaubt; "
        "erwartet wird 'answered', 'unknown' oder 'declined'"
    ) in result.stderr
    assert "Input should" not in result.stderr
    english = ws("import", str(bad), data=tmp_path / "other")
    assert (
        "prospects[0].interviews[0].answers.founded.state: 'bogus' is not allowed; "
        "expected 'answered', 'unknown' or 'declined'"
    ) in english.stderr


def test_a_time_without_a_zone_in_an_export_is_refused_in_german(
    ws, answered, tmp_path: Path
) -> None:
    doc, _ = _export(ws, answered, tmp_path)
    doc["prospects"][0]["prospect"]["created_at"] = "2026-01-01T09:00:00"
    bad = _write(tmp_path, "zeit.json", doc)
    result = de(ws, "import", str(bad), data=tmp_path / "other")
    assert (
        "prospect: die Zeit 2026-01-01T09:00:00 hat keine Zeitzone; nichts wurde importiert"
    ) in result.stderr
    english = ws("import", str(bad), data=tmp_path / "other")
    assert "prospect: the time 2026-01-01T09:00:00 has no time zone; nothing was imported" in (
        english.stderr
    )


def test_a_tampered_evidence_file_in_an_export_is_refused_in_german(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered()
    credit = tmp_path / "bilanz.pdf"
    credit.write_bytes(b"%PDF-1.4 Bilanz 2025\n")
    assert ws("attach", pid, "founded", str(credit)).exit_code == 0
    out = tmp_path / "export.json"
    assert ws("export", "-o", str(out)).exit_code == 0
    doc = orjson.loads(out.read_bytes())
    sha = next(iter(doc["files"]))
    doc["files"][sha] = "QmlsYW56IGdlZsOkbHNjaHQK"  # other bytes under the same hash
    bad = _write(tmp_path, "manipuliert.json", doc)
    result = de(ws, "import", str(bad), data=tmp_path / "other")
    assert (
        f"{bad}: files.{sha}: die Datei passt nicht zu ihrem SHA-256 (nach dem Export "
        "verändert); nichts wurde importiert"
    ) in result.stderr
    english = ws("import", str(bad), data=tmp_path / "other")
    assert (
        f"{bad}: files.{sha}: the file does not match its SHA-256 (changed after it was "
        "exported); nothing was imported"
    ) in english.stderr


def test_an_evidence_limit_written_wrong_is_refused_in_german(ws, answered, tmp_path: Path) -> None:
    pid = answered()
    config = tmp_path / "ws" / "config.yaml"
    config.write_text("attachments: 20\n")
    credit = tmp_path / "bilanz.pdf"
    credit.write_bytes(b"%PDF-1.4\n")
    result = de(ws, "attach", pid, "founded", str(credit))
    assert result.exit_code == 2
    assert f"{config}:1:14: attachments: erwartet wird `max_mb: N`" in result.stderr
    english = ws("attach", pid, "founded", str(credit))
    assert f"{config}:1:14: attachments: expected `max_mb: N`" in english.stderr


def test_a_file_over_the_evidence_limit_names_the_limit_in_german(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered()
    (tmp_path / "ws" / "config.yaml").write_text("attachments:\n  max_mb: 1\n")
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    result = de(ws, "attach", pid, "founded", str(big))
    assert result.exit_code == 2
    assert "(1.048.577 Bytes) liegt über der Grenze von 1 MB (attachments: max_mb in" in (
        result.stderr
    )
    assert "in der Konfiguration des Arbeitsbereichs anheben" in result.stderr
    english = ws("attach", pid, "founded", str(big))
    assert "(1,048,577 bytes) is over the limit of 1 MB (attachments: max_mb in" in english.stderr
    assert "raise `attachments: max_mb` in the workspace config" in english.stderr


def test_an_ideal_profile_naming_no_question_set_is_refused_in_german(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered()
    ideal = tmp_path / "ideal.yaml"
    ideal.write_text("wunschliste:\n  founded: 2010-01-01\n")
    result = de(ws, "compare", pid, "--ideal", str(ideal))
    assert result.exit_code == 1
    assert f"{ideal}:1:1: 'wunschliste' ist keine Fragenkatalog-ID" in result.stderr
    english = ws("compare", pid, "--ideal", str(ideal))
    assert f"{ideal}:1:1: 'wunschliste' is not a question set id" in english.stderr


def test_a_timeout_that_is_no_number_is_refused_in_german(ws) -> None:
    """Checked before anything is sent: no server is needed to be told so."""
    env = {"QUALIFY_CONNECT_TIMEOUT": "bald"}
    url = "postgresql://nobody@127.0.0.1:9/qualify"
    result = de(ws, "--store", url, "prospect", "list", env=env)
    assert result.exit_code != 0 and result.stdout == ""
    assert (
        "$QUALIFY_CONNECT_TIMEOUT muss eine Anzahl Sekunden sein, mindestens 2 (nicht 'bald')"
    ) in result.stderr
    english = ws("--store", url, "prospect", "list", env=env)
    assert (
        "$QUALIFY_CONNECT_TIMEOUT must be a number of seconds, at least 2 (not 'bald')"
        in english.stderr
    )


def test_a_store_that_is_no_server_url_is_refused_in_german(ws) -> None:
    result = de(ws, "--store", "mysql://db.example.com/qualify", "prospect", "list")
    assert result.exit_code != 0 and result.stdout == ""
    assert (
        "--store 'mysql://db.example.com/qualify': erwartet wird eine postgresql://-URL"
    ) in result.stderr
    english = ws("--store", "mysql://db.example.com/qualify", "prospect", "list")
    assert "--store 'mysql://db.example.com/qualify': expected a postgresql:// URL, e.g. " in (
        english.stderr
    )


def test_a_workspace_of_a_newer_qualify_is_refused_in_german(ws, tmp_path: Path) -> None:
    assert ws("prospect", "add", "Müller AV").exit_code == 0
    meta = tmp_path / "ws" / "workspace.json"
    doc = orjson.loads(meta.read_bytes())
    meta.write_bytes(orjson.dumps({**doc, "schema": 99}))
    result = de(ws, "prospect", "list")
    assert result.exit_code != 0 and result.stdout == ""
    assert "das Arbeitsbereich-Schema 99 ist neuer als dieses qualify (höchstens" in (result.stderr)
    english = ws("prospect", "list")
    assert "workspace schema 99 is newer than this qualify (max " in english.stderr
    assert orjson.loads(meta.read_bytes())["schema"] == 99  # nothing was rewritten


@pytest.mark.parametrize(
    ("login", "territories", "director", "read_only", "german", "english"),
    [
        ("", ["nord"], False, False, "geben Sie die Anmeldung der Person an (USER)", None),
        (
            "anna",
            [],
            False,
            False,
            "geben Sie mindestens ein --territory an, oder --director",
            "give at least one --territory, or --director",
        ),
        (
            "anna",
            ["nord"],
            False,
            True,
            "--read-only gehört zu --director (ein Gebietsleiter schreibt seine eigenen)",
            "--read-only goes with --director (an area manager writes their own)",
        ),
    ],
)
def test_a_grant_missing_its_parts_is_refused_in_german(
    login: str,
    territories: list[str],
    director: bool,
    read_only: bool,
    german: str,
    english: str | None,
) -> None:
    """What `qualify db grant` refuses before it asks the server anything."""
    pytest.importorskip("psycopg")
    from qualify.store.postgres import team

    with pytest.raises(StoreError) as refused:
        team.grant(None, login, territories, director=director, read_only=read_only)
    with use_language("de"):
        assert error_text(refused.value) == german
    if english is not None:
        assert str(refused.value) == english


def test_an_unreadable_prospect_file_is_named_in_german(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    [record] = (tmp_path / "ws" / "prospects").rglob(f"{pid}.json")
    record.write_text("")
    result = de(ws, "prospect", "show", pid)
    assert result.exit_code != 0 and result.stdout == ""
    assert (
        f"{record} ist nicht lesbar (leere Datei); die Datei blieb unangetastet; es gibt keine "
        "Sicherung; `qualify doctor --repair` verschiebt die Datei nach quarantine/"
    ) in result.stderr
    english = ws("prospect", "show", pid)
    assert (
        f"{record} is unreadable (empty file); it was left untouched; no backup exists; "
        "`qualify doctor --repair` moves it to quarantine/"
    ) in english.stderr
    assert record.read_text() == ""


def test_an_export_that_skips_an_unreadable_prospect_warns_in_german(ws, tmp_path: Path) -> None:
    assert ws("prospect", "add", "Müller AV").exit_code == 0
    pid = ws("prospect", "add", "Beta GmbH").stdout.strip()
    [record] = (tmp_path / "ws" / "prospects").rglob(f"{pid}.json")
    record.write_text("{")
    result = de(ws, "export", "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 5
    assert f"qualify: Warnung: übersprungen: {record} ist nicht lesbar (ungültiges JSON: " in (
        result.stderr
    )
    english = ws("export", "-o", str(tmp_path / "out2.json"))
    assert f"qualify: warning: skipped: {record} is unreadable (invalid JSON: " in english.stderr
