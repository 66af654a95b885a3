"""The first page's rows, made without a validator: the same rows validation makes from
what the index writes, and nothing made from anything else (validation then decides)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import orjson
import pytest
from pydantic import TypeAdapter

from qualify.core.records import ProspectSummary
from qualify.store import open_store
from qualify.store.workspace.trusted import _FIELDS, rows_validator, trusted_row, trusted_rows

VALIDATED = TypeAdapter(list[ProspectSummary])

WRITTEN = [
    ProspectSummary(id="a1", name="Nørd AV", stage="first-date", updated_at=datetime.now(UTC)),
    ProspectSummary(
        id="b2",
        name="Ölfirma\x1b[2J",
        territory="South",
        kind="distributor",
        stage="engagement",
        status="on_hold",
        score=71.5,
        band="Fit with conditions",
        knocked_out=True,
        coverage=0.25,
        updated_at=datetime(2026, 3, 9, 0, 22, 29, 28643, tzinfo=UTC),
        provisional=True,
        next_meeting=date(2026, 2, 28),
    ),
    ProspectSummary(
        id="c3",
        name="Offset GmbH",
        stage="s",
        updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    ),
]


def _stored(row: ProspectSummary) -> dict:
    """A row as the index keeps it: written as JSON, read back."""
    return orjson.loads(orjson.dumps(row.model_dump(mode="json")))


def test_the_fields_are_the_models() -> None:
    assert tuple(ProspectSummary.model_fields) == _FIELDS


def test_rows_as_written_are_made_as_validation_makes_them() -> None:
    docs = [_stored(r) for r in WRITTEN]
    made = trusted_rows(docs)
    assert made is not None
    assert made == VALIDATED.validate_python(docs) == WRITTEN
    assert [r.model_dump(mode="json") for r in made] == docs
    assert all(r.model_fields_set == set(_FIELDS) for r in made)


@pytest.mark.parametrize(
    "change",
    [
        {"score": 71},  # an int: validation makes it a float
        {"score": "71.5"},
        {"knocked_out": 0},
        {"kind": "dealer "},
        {"status": "gone"},
        {"name": 42},
        {"band": 3},
        {"updated_at": "2026-03-09T00:22:29"},  # no zone
        {"updated_at": "2026-03-09 00:22:29Z"},
        {"updated_at": "20260309T002229Z"},
        {"updated_at": "2026-02-31T00:00:00Z"},
        {"updated_at": 1767225600},
        {"next_meeting": "2026-02-30"},
        {"next_meeting": "20260228"},
        {"extra": "field"},
    ],
)
def test_anything_not_as_written_is_left_to_validation(change: dict) -> None:
    doc = {**_stored(WRITTEN[1]), **change}
    assert trusted_row(doc) is None
    assert trusted_rows([_stored(WRITTEN[0]), doc]) is None


def test_a_row_missing_a_field_is_left_to_validation() -> None:
    doc = _stored(WRITTEN[1])
    del doc["next_meeting"]  # a row written before the field existed
    assert trusted_row(doc) is None
    assert trusted_row(["not", "a", "row"]) is None


def test_the_first_page_with_a_hand_edited_row_is_validated(tmp_path) -> None:
    """The index's newest row edited by hand (an int score): the first page still shows
    it as validation reads it, and a row validation refuses gives no first page (the full
    listing then names the shard)."""
    from qualify.core.records import Prospect, ProspectRecords

    store = open_store(tmp_path / "ws")

    start = datetime(2026, 3, 1, tzinfo=UTC)
    store.add_prospects_bulk(
        ProspectRecords(Prospect(name=f"P{n}", stage="s", updated_at=start + timedelta(days=n)))
        for n in range(5)
    )
    newest = store.list_prospects()[0]
    shard = store._index.row_shard(newest.id)
    rows = orjson.loads(shard.read_bytes())
    rows[newest.id]["score"] = 80
    shard.write_bytes(orjson.dumps(rows))
    first = store.recent_prospects(3)
    assert first is not None and first[0].id == newest.id and first[0].score == 80.0
    rows[newest.id]["kind"] = "spaceship"
    shard.write_bytes(orjson.dumps(rows))
    assert store.recent_prospects(3) is None
    store.close()


def test_the_first_page_of_rows_as_written_builds_no_validator(tmp_path, monkeypatch) -> None:
    """The app's first page: rows as the index writes them are made, not validated."""
    from qualify.core.records import Prospect, ProspectRecords
    from qualify.store.workspace import index

    def no_validation(docs: object) -> None:
        raise AssertionError("the first page validated its rows")

    store = open_store(tmp_path / "ws")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    store.add_prospects_bulk(
        ProspectRecords(Prospect(name=f"P{n}", stage="s", updated_at=start + timedelta(days=n)))
        for n in range(30)
    )
    monkeypatch.setattr(index, "_validated", no_validation)
    first = store.recent_prospects(10)
    assert first is not None
    assert [r.name for r in first] == [f"P{n}" for n in range(29, 19, -1)]
    store.close()


BROKEN = [
    {"score": 71},
    {"score": "71.5"},
    {"score": "lots"},
    {"knocked_out": "yes"},
    {"kind": "spaceship"},
    {"status": None},
    {"name": 42},
    {"updated_at": "2026-03-09T00:22:29"},
    {"updated_at": "yesterday"},
    {"updated_at": 1767225600},
    {"next_meeting": "2026-02-30"},
    {"extra": "ignored"},
    {"id": None, "stage": 3},
]


@pytest.mark.parametrize("change", BROKEN)
def test_the_listing_validates_as_pydantic_does(change: dict) -> None:
    """The whole list is validated by a validator put together from the row's fields:
    the same rows, and the same errors, as pydantic's own."""
    docs = [_stored(r) for r in WRITTEN] + [{**_stored(WRITTEN[1]), **change}]
    docs.append({k: v for k, v in docs[0].items() if k not in ("territory", "kind")})  # defaults
    ours = rows_validator()
    assert ours is not None
    try:
        expected = VALIDATED.validate_python(docs)
    except ValueError as exc:
        with pytest.raises(ValueError) as ours_failed:
            ours.validate_python(docs)
        assert ours_failed.value.errors() == exc.errors()
    else:
        made = ours.validate_python(docs)
        assert made == expected
        assert [r.model_fields_set for r in made] == [r.model_fields_set for r in expected]
