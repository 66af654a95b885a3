"""File names from prospect names, atomic writes, and the capacity file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualify.reports.capacity import (
    Capacity,
    CapacityError,
    load_capacity,
    parse_capacity_options,
)
from qualify.reports.output import OutputExists, safe_filename, write_atomic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Müller & Søn AV", "Muller-and-Son-AV"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "prospect"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        (".hidden", "hidden"),
        ("CON", "prospect-CON"),
        ("nul.txt", "prospect-nul.txt"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("北京贸易", "prospect"),
        ("Łódź Œuvre Straße", "Lodz-OEuvre-Strasse"),
        ("a\x00b\nc", "a-b-c"),
        ("trailing. ", "trailing"),
    ],
)
def test_safe_filename_examples(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@given(st.text(max_size=300))
def test_safe_filename_is_always_a_plain_portable_name(name: str) -> None:
    result = safe_filename(name, suffix="html")
    stem = result.removesuffix(".html")
    assert stem and len(stem) <= 70
    assert all(c.isascii() and (c.isalnum() or c in "-_.") for c in stem)
    assert "/" not in result and "\\" not in result and ".." not in result
    assert not result.startswith((".", "-"))
    assert Path(result).name == result


def test_write_atomic_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    write_atomic(target, b"first")
    with pytest.raises(OutputExists, match="use --force"):
        write_atomic(target, b"second")
    assert target.read_bytes() == b"first"
    write_atomic(target, b"second", force=True)
    assert target.read_bytes() == b"second"
    assert sorted(os.listdir(tmp_path)) == ["report.md"]  # no temporary files left behind


def test_write_atomic_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputExists, match="directory"):
        write_atomic(tmp_path, b"x", force=True)


def test_capacity_file(tmp_path: Path) -> None:
    path = tmp_path / "capacity.yaml"
    assert load_capacity(path) == Capacity()
    path.write_text("default: 10\nterritories:\n  North: 8\n  Søder: 3\n", encoding="utf-8")
    capacity = load_capacity(path)
    assert capacity.for_territory("North") == 8
    assert capacity.for_territory("Søder") == 3
    assert capacity.for_territory("West") == 10
    merged = capacity.merged(parse_capacity_options(["North=2", "5"]))
    assert (merged.for_territory("North"), merged.for_territory("West")) == (2, 5)
    assert merged.source == f"{path} and --capacity"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("territories: [North]\n", "must map territory names"),
        ("territory:\n  North: 3\n", "unknown key 'territory'"),
        ("territories:\n  North: -1\n", "whole number"),
        (
            "territories:\n  North: lots\n",
            "capacity.yaml:2:10: territories: North: expected a whole",
        ),
        ("default: 10\nterritory: {}\n", "capacity.yaml:2:1: unknown key"),
        ("default: 12:30\n", "capacity.yaml:1:10: default: expected a whole number"),
        ("default: [\n", r"capacity.yaml:1:10: YAML syntax error: this \[ is not closed"),
    ],
)
def test_capacity_file_errors_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CapacityError, match=message):
        load_capacity(path)


@pytest.mark.parametrize("option", ["North", "North=", "=3", "North=x", "North=-2"])
def test_capacity_option_errors(option: str) -> None:
    with pytest.raises(CapacityError):
        parse_capacity_options([option])
