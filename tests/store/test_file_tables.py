"""A prospect file's tables read in the order of their documents' integer ids, however
they are written; an id that is not one is "not a prospect file", as ever; the digest a
portfolio keys its kept shares by."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest
from storekit import T0, make_interview, make_prospect

from qualify.core.records import HistoryEntry, ProspectRecords
from qualify.store import StoreCorrupt
from qualify.store.workspace.files import _ordered, from_tables, to_tables
from qualify.store.workspace.revisions import digest


def _tables() -> dict:
    prospect = make_prospect()
    interviews = tuple(
        make_interview(prospect.id, id=f"i{n}", started_at=T0.replace(day=n)) for n in (1, 2, 3)
    )
    history = tuple(
        HistoryEntry(prospect_id=prospect.id, action="edit", at=T0.replace(day=n), reason=str(n))
        for n in (1, 2, 3)
    )
    return orjson.loads(
        orjson.dumps(to_tables(ProspectRecords(prospect, interviews, history), None))
    )


def test_tables_as_written_read_in_order() -> None:
    raw = _tables()
    assert list(raw["history"]) == ["1", "2", "3"]
    records = from_tables("x.json", raw).records
    assert [h.reason for h in records.history] == ["1", "2", "3"]
    assert [i.id for i in records.interviews] == ["i1", "i2", "i3"]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"1": "a", "2": "b", "3": "c"}, ["a", "b", "c"]),
        ({"3": "c", "1": "a", "2": "b"}, ["a", "b", "c"]),  # another writer's order
        ({"2": "b", "10": "j", "1": "a"}, ["a", "b", "j"]),  # by number, not by text
        ({"1": "a", "01": "b"}, ["a", "b"]),  # the same number: the stored order
        ({str(n): n for n in range(1, 300)}, list(range(1, 300))),  # more than counted
        ({}, []),
        (None, []),
    ],
)
def test_ordered_by_integer_id(table: dict | None, expected: list) -> None:
    assert _ordered(table) == expected


def test_an_id_that_is_not_a_number_is_not_a_prospect_file(tmp_path: Path) -> None:
    raw = _tables()
    raw["history"] = {"1": raw["history"]["1"], "two": raw["history"]["2"]}
    with pytest.raises(StoreCorrupt) as caught:
        from_tables(tmp_path / "x.json", raw)
    assert "not a prospect file: invalid literal for int() with base 10: 'two'" in str(caught.value)


def test_digest_is_128_bits_of_sha256() -> None:
    raw = orjson.dumps(_tables())
    assert digest(raw) == hashlib.sha256(raw).hexdigest()[:32]
    assert digest(raw) != digest(raw + b" ") and len(digest(b"")) == 32


_BOGUS = {
    "question_id": "employees",
    "value": 30,
    "state": "bogus",
    "answered_at": "2026-01-01T00:00:00Z",
}


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (
            lambda raw: raw["history"]["2"].update(action="explode"),
            "invalid record: history.2.action: 'explode' is not allowed; expected 'created'",
        ),
        (
            lambda raw: raw["interviews"].update({"3": "oops"}),
            "invalid record: interviews.3: expected a mapping of keys, got 'oops'",
        ),
        (
            lambda raw: raw["interviews"]["1"].update(answers={"employees": _BOGUS}),
            "invalid record: interviews.1.answers.employees.state: 'bogus' is not allowed",
        ),
    ],
)
def test_a_bad_record_is_named_by_its_table_and_id(tmp_path: Path, spoil, said: str) -> None:
    """Where a file is wrong, told as the file holds it: the table, the record's id and
    the field (each record checked against its own model, not the prospect's)."""
    raw = _tables()
    spoil(raw)
    with pytest.raises(StoreCorrupt) as caught:
        from_tables(tmp_path / "x.json", raw)
    assert said in str(caught.value)
