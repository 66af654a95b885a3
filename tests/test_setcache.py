"""The cache of checked question sets: never stale, never trusted when damaged, shared
safely by concurrent processes, and off when the user says so."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qualify import setcache
from qualify.core.questionnaire import load_catalog as parse_catalog
from qualify.paths import bundled_questionnaires_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    folder = tmp_path / "sets"
    shutil.copytree(bundled_questionnaires_dir(), folder)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(folder))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle")) if cache.is_dir() else []


def same(a: object, b: object) -> None:
    assert a.question_sets == b.question_sets  # type: ignore[attr-defined]
    assert a.pipeline == b.pipeline  # type: ignore[attr-defined]
    assert a.problems == b.problems  # type: ignore[attr-defined]
    assert a.paths == b.paths  # type: ignore[attr-defined]


def test_a_second_load_comes_from_the_cache_and_equals_a_fresh_parse(
    sets: Path, cache: Path
) -> None:
    first = setcache.load_catalog(sets)
    assert len(entries(cache)) == 1
    stamp = entries(cache)[0].stat().st_mtime_ns
    second = setcache.load_catalog(sets)
    assert entries(cache)[0].stat().st_mtime_ns == stamp  # read, not rewritten
    same(second, parse_catalog(sets))
    same(first, second)


def test_an_edited_set_is_never_served_stale(sets: Path, cache: Path) -> None:
    setcache.load_catalog(sets)
    path = sets / "first-date.yaml"
    text = path.read_text(encoding="utf-8")
    assert '"First date"' in text  # the set's title, the first time it appears
    path.write_text(text.replace('"First date"', '"Edited first date"', 1), encoding="utf-8")
    edited = setcache.load_catalog(sets)
    assert edited.question_sets["first-date"].title.startswith("Edited")
    same(edited, parse_catalog(sets))
    # a mistake typed into a set is reported from the cache as from a parse
    path.write_text(text.replace("type: choice", "type: choise", 1), encoding="utf-8")
    broken = setcache.load_catalog(sets)
    assert broken.errors and broken.errors == parse_catalog(sets).errors
    assert setcache.load_catalog(sets).errors == broken.errors


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated (a full disk, a kill)
        lambda data: data[:-10] + b"0123456789",  # altered
        lambda data: b"",  # empty
        lambda data: b"not a cache entry at all",
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(sets: Path, cache: Path, damage) -> None:
    setcache.load_catalog(sets)
    (entry,) = entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    same(setcache.load_catalog(sets), parse_catalog(sets))
    (again,) = entries(cache)
    same(setcache._read(again), parse_catalog(sets))  # rewritten whole


def test_concurrent_processes_share_the_cache_safely(sets: Path, cache: Path) -> None:
    code = (
        "import sys; from qualify.setcache import load_catalog; "
        "c = load_catalog(sys.argv[1]); print(len(c.question_sets), len(c.problems))"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(sets)], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        for _ in range(4)
    ]
    outputs = {run.communicate(timeout=120)[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    expected = parse_catalog(sets)
    assert outputs == {f"{len(expected.question_sets)} {len(expected.problems)}\n"}
    assert len(entries(cache)) == 1
    assert not [p for p in cache.iterdir() if p.suffix != ".pickle"]  # no temp files left


def test_off_writes_nothing(sets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALIFY_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    same(setcache.load_catalog(sets), parse_catalog(sets))
    assert not (tmp_path / "home").exists() and not (tmp_path / "xdg").exists()


def test_an_unwritable_cache_costs_only_the_parse(sets: Path, tmp_path: Path, monkeypatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(blocked / "cache"))
    same(setcache.load_catalog(sets), parse_catalog(sets))


def test_snapshots_are_cached_by_their_content(cache: Path) -> None:
    catalog = parse_catalog(bundled_questionnaires_dir())
    data = catalog.question_sets["first-date"].model_dump(mode="json")
    first = setcache.question_set(data)
    assert first == catalog.question_sets["first-date"]
    assert setcache.question_set(data) == first
    changed = {**data, "title": "Another title"}
    assert setcache.question_set(changed).title == "Another title"


def test_what_is_derived_from_the_sets_is_cached_and_never_stale(sets: Path, cache: Path) -> None:
    """Plain data worked out from the sets (the app's first page: stage titles): built
    once, read back after, built again once a file or what it depends on changes."""
    built: list[str] = []

    def titles() -> dict[str, str]:
        catalog = setcache.load_catalog(sets)
        built.append("built")
        return {s.id: str(s.title) for s in catalog.pipeline.stages}

    first = setcache.derived("titles", sets, titles, depends=(b"en",))
    assert setcache.derived("titles", sets, titles, depends=(b"en",)) == first
    assert len(built) == 1
    setcache.derived("titles", sets, titles, depends=(b"de",))  # another language
    assert len(built) == 2
    path = sets / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    title = first["first-date"]
    assert title in text
    path.write_text(text.replace(title, "Edited title", 1), encoding="utf-8")
    assert setcache.derived("titles", sets, titles, depends=(b"en",))["first-date"] == (
        "Edited title"
    )
    assert len(built) == 3


def test_derived_data_from_sets_edited_meanwhile_is_not_kept(sets: Path, cache: Path) -> None:
    path = sets / "pipeline.yaml"
    value = "worked out from one version or the other"

    def edited_meanwhile() -> str:
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return value

    assert setcache.derived("edited", sets, edited_meanwhile) == value
    assert not [e for e in entries(cache) if setcache._read(e) == value]
