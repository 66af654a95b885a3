"""The portfolio keeps each prospect's share between runs: a second portfolio reads and
assesses only the prospects that changed, and is always the portfolio it would be
without the cache (every test compares with one built with the cache off)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import report_fixture
from kept_portfolio import through_the_cache
from report_fixture import CAPACITY, IDS, NOW

from qualify.core.questionnaire import Catalog, content_hash
from qualify.core.records import AnswerRecord
from qualify.i18n import localized_catalog, use_language
from qualify.reports import portfolio_cache
from qualify.reports.portfolio_cache import portfolio_report
from qualify.reports.views import PortfolioReport
from qualify.store.base import Store


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(folder))
    return folder


def portfolio(store: Store, catalog: Catalog, **options) -> tuple[PortfolioReport, list[str]]:
    """The portfolio through the cache, the prospects it read, and the proof that it is
    the portfolio built without the cache."""
    options = {"capacity": CAPACITY, "now": NOW, "tz": report_fixture.UTC, **options}
    return through_the_cache(store, catalog, **options)


def test_a_second_portfolio_reads_no_prospect_and_says_the_same(disk_store, catalog, cache) -> None:
    first, read = portfolio(disk_store, catalog)
    assert sorted(read) == sorted(IDS.values())
    second, read = portfolio(disk_store, catalog)
    assert read == []
    assert second == first
    assert first.total == 7
    # what is kept holds the prospects' names and scores: readable by the user alone
    kept = [e for e in cache.glob("*.pickle") if (e.stat().st_mode & 0o777) == 0o600]
    assert len(kept) == 1


def test_only_the_prospect_that_changed_is_read_again(disk_store, catalog, cache) -> None:
    portfolio(disk_store, catalog)
    pid = IDS["muller"]
    renamed = disk_store.get_prospect(pid).model_copy(update={"name": "Müller Renamed"})
    disk_store.update_prospect(renamed)
    after, read = portfolio(disk_store, catalog)
    assert read == [pid]
    names = {r.id: r.name for g in after.groups for r in g.rows}
    assert names[pid] == "Müller Renamed"


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every prospect file counts as settled (unchanged for long enough to be stamped);
    gives the prospects whose revision is read, as a portfolio asks for them."""
    from qualify.store.workspace import revisions
    from qualify.store.workspace.store import Workspace

    monkeypatch.setattr(revisions, "SETTLED", -60.0)
    asked: list[str] = []
    original = Workspace.revisions

    def reading(self, prospect_ids):
        ids = list(prospect_ids)
        asked.extend(ids)
        return original(self, ids)

    monkeypatch.setattr(Workspace, "revisions", reading)
    return asked


def test_a_settled_file_is_not_read_to_know_it_did_not_change(
    disk_store, catalog, cache, settled
) -> None:
    first, _ = portfolio(disk_store, catalog)
    settled.clear()
    second, read = portfolio(disk_store, catalog)
    assert (read, settled) == ([], [])
    assert second == first


def test_a_settled_file_changed_since_is_read_and_assessed_again(
    disk_store, catalog, cache, settled
) -> None:
    portfolio(disk_store, catalog)
    pid = IDS["muller"]
    renamed = disk_store.get_prospect(pid).model_copy(update={"name": "Müller Renamed"})
    disk_store.update_prospect(renamed)
    settled.clear()
    after, read = portfolio(disk_store, catalog)
    assert (read, settled) == ([pid], [pid])
    assert {r.id: r.name for g in after.groups for r in g.rows}[pid] == "Müller Renamed"


def test_a_file_replaced_while_a_portfolio_runs_is_read_again_by_the_next(
    disk_store, catalog, cache, settled, monkeypatch
) -> None:
    """Someone answers while the portfolio is being made, just after it took the stamps:
    the share it keeps holds the stamp from before, so the next one reads the file."""
    from qualify.store.workspace.store import Workspace

    portfolio(disk_store, catalog)
    pid = IDS["muller"]
    stamps = Workspace.stamps

    def then_renamed(self, prospect_ids):
        taken = stamps(self, prospect_ids)
        renamed = self.get_prospect(pid).model_copy(update={"name": "Müller Meanwhile"})
        self.update_prospect(renamed)
        return taken

    monkeypatch.setattr(Workspace, "stamps", then_renamed)
    options = {"capacity": CAPACITY, "now": NOW, "tz": report_fixture.UTC}
    during = portfolio_report(disk_store, catalog, **options)  # as of its start: either
    assert pid in {r.id for g in during.groups for r in g.rows}
    monkeypatch.setattr(Workspace, "stamps", stamps)
    settled.clear()
    after, _ = portfolio(disk_store, catalog)  # (and the same as without the cache)
    assert settled == [pid]
    assert {r.id: r.name for g in after.groups for r in g.rows}[pid] == "Müller Meanwhile"


def test_a_file_touched_but_not_changed_keeps_its_share(
    disk_store, catalog, cache, settled
) -> None:
    """Copied back from a backup, say: new times, the same bytes. Its revision is read
    once, its share stays, and the next run knows it by its new stamp."""
    first, _ = portfolio(disk_store, catalog)
    pid = IDS["muller"]
    path = disk_store.prospect_path(pid)
    path.write_bytes(path.read_bytes())
    settled.clear()
    second, read = portfolio(disk_store, catalog)
    assert (read, settled, second) == ([], [pid], first)
    settled.clear()
    portfolio(disk_store, catalog)
    assert settled == []


def test_an_answer_given_since_changes_the_row_in_the_portfolio(disk_store, catalog, cache) -> None:
    before, _ = portfolio(disk_store, catalog)
    pid = IDS["muller"]
    current = [i for i in disk_store.read_prospect(pid).interviews if i.stage == "plan"][-1]
    given = current.answers.get("plan_signed")
    value = not given.value if given is not None and given.value is not None else False
    disk_store.record_answers(current.id, [AnswerRecord(question_id="plan_signed", value=value)])
    after, read = portfolio(disk_store, catalog)
    assert read == [pid]

    def row(report: PortfolioReport):
        found = [r for g in report.groups for r in g.rows if r.id == pid]
        return (found[0].score, found[0].coverage, found[0].gate_passed)

    assert row(after) != row(before)


def test_the_next_day_only_prospects_whose_day_came_are_assessed_again(
    disk_store, catalog, cache
) -> None:
    """Yesterday's share stands today unless something its assessment asked of the day
    answers otherwise (a review come due): and on every day the portfolio is the one
    built without the cache (`portfolio` checks that)."""
    portfolio(disk_store, catalog)
    _, read = portfolio(disk_store, catalog, now=NOW + timedelta(days=1))
    assert read == []
    read_on: dict[int, list[str]] = {}
    for days in [*range(2, 60, 3), 90, 91, 120, 180, 181, 365, 400, 730]:
        _, read_on[days] = portfolio(disk_store, catalog, now=NOW + timedelta(days=days))
    # the healthy partner's next review comes due in the walk: its next step changes
    assert IDS["healthy"] in {pid for read in read_on.values() for pid in read}
    assert sum(map(len, read_on.values())) < len(read_on) * len(IDS) / 3


def test_a_day_back_in_time_is_assessed_on_its_own_day(disk_store, catalog, cache) -> None:
    """The clock put back (or a laptop flown west): a share holds only on the days it
    was shown to hold, before or after the day it was made."""
    portfolio(disk_store, catalog, now=NOW + timedelta(days=365))
    portfolio(disk_store, catalog, now=NOW - timedelta(days=30))
    portfolio(disk_store, catalog, now=NOW + timedelta(days=365))


def test_another_time_zone_or_language_is_assessed_afresh(disk_store, catalog, cache) -> None:
    from zoneinfo import ZoneInfo

    english, _ = portfolio(disk_store, catalog)
    _, read = portfolio(disk_store, catalog, tz=ZoneInfo("Pacific/Auckland"))
    assert len(read) == 7
    with use_language("de"):
        german, read = portfolio(disk_store, localized_catalog(catalog, "de"), language="de")
    assert len(read) == 7
    steps = lambda report: [r.next_step for g in report.groups for r in g.rows]  # noqa: E731
    assert steps(german) != steps(english)
    _, read = portfolio(disk_store, catalog)
    assert read == []  # the English portfolio of today is still kept


def _edited(catalog: Catalog, set_id: str | None) -> Catalog:
    """The catalog with one set's first section weighted more, or (None) the pipeline's
    first stage renamed."""
    sets, pipeline = dict(catalog.question_sets), catalog.pipeline
    if set_id is None:
        assert pipeline is not None
        data = pipeline.model_dump(mode="json")
        data["stages"][0]["title"] = "First Steps"
        pipeline = type(pipeline).model_validate(data)
    else:
        data = sets[set_id].model_dump(mode="json")
        data["sections"][0]["weight"] = data["sections"][0].get("weight", 1) + 3
        sets[set_id] = type(sets[set_id]).model_validate(data)
    return Catalog(
        directory=catalog.directory, question_sets=sets, paths=catalog.paths, pipeline=pipeline
    )


def test_an_edited_question_set_reassesses_only_the_prospects_that_read_it(
    disk_store, catalog, cache
) -> None:
    """Interviews are scored against the set they were asked with (its snapshot), so an
    edited set changes only the gate of a stage not started yet: the prospects there."""
    pid = IDS["muller"]
    moved = disk_store.get_prospect(pid).model_copy(update={"stage": "commit"})
    disk_store.update_prospect(moved)  # at commitment, nothing asked there yet
    _, read = portfolio(disk_store, catalog)
    assert len(read) == 7
    edited = _edited(catalog, "commit")
    _, read = portfolio(disk_store, edited)
    assert read == [pid]  # its gate reads today's commitment set
    _, read = portfolio(disk_store, _edited(edited, "plan"))
    assert read == []  # every plan interview keeps the set it was asked with
    _, read = portfolio(disk_store, catalog)
    assert read == [pid]  # back to the set as it was


def test_an_edited_pipeline_reassesses_every_prospect(disk_store, catalog, cache) -> None:
    portfolio(disk_store, catalog)
    renamed, read = portfolio(disk_store, _edited(catalog, None))
    assert len(read) == 7
    assert "First Steps" in {g.stage.title for g in renamed.groups}


def test_a_broken_cache_entry_is_ignored(disk_store, catalog, cache) -> None:
    first, _ = portfolio(disk_store, catalog)
    for entry in cache.glob("*.pickle"):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    again, read = portfolio(disk_store, catalog)
    assert again == first and len(read) == 7
    _, read = portfolio(disk_store, catalog)
    assert read == []  # written again whole


def test_an_entry_of_another_shape_is_ignored(disk_store, catalog, cache) -> None:
    """Whole and readable, but not what this qualify keeps (written by hand, or by some
    other code under the same key): every prospect is assessed, nothing fails."""
    from qualify.core.assess import Snapshots
    from qualify.reports.context import ReportContext
    from qualify.setcache import write_entry

    first, _ = portfolio(disk_store, catalog)
    ctx = ReportContext(catalog, Snapshots(), NOW, report_fixture.UTC)
    context = portfolio_cache._context(disk_store, ctx, None)
    revisions = dict(disk_store.revisions(list(IDS.values())))
    odd = {pid: (revision, "not a dependence", None) for pid, revision in revisions.items()}
    odd[IDS["muller"]] = ("just", "two")  # type: ignore[assignment]
    write_entry(portfolio_cache.KIND, context, portfolio_cache.SCOPE, odd)
    again, read = portfolio(disk_store, catalog)
    assert again == first and len(read) == 7


def test_a_prospect_whose_file_breaks_is_left_out_every_time_with_its_warning(
    disk_store, catalog, cache
) -> None:
    portfolio(disk_store, catalog)
    pid = IDS["healthy"]
    disk_store.prospect_path(pid).write_text("{not json", encoding="utf-8")
    for _ in range(2):
        report, read = portfolio(disk_store, catalog)
        assert read == [pid]
        assert report.total == 6
        assert any(pid in message for message in disk_store.unreadable())


def test_a_missing_snapshot_is_warned_about_every_time(tmp_path, catalog, cache) -> None:
    """A prospect assessed against today's set instead of its own is never kept: the
    warning must not vanish on the second run."""
    from qualify.store import open_store

    store = open_store(tmp_path / "ws")
    report_fixture.fill(store, catalog)
    lost = content_hash(report_fixture.intro_v1(catalog))
    (store.root / "snapshots" / f"{lost}.json").unlink()
    first, _ = portfolio(store, catalog)
    second, read = portfolio(store, catalog)
    assert first.warnings and second.warnings == first.warnings
    assert read  # those prospects were assessed again
    store.close()


def test_what_is_kept_holds_only_the_prospects_still_listed(disk_store, catalog, cache) -> None:
    from qualify.core.assess import Snapshots
    from qualify.reports.context import ReportContext
    from qualify.setcache import read_entry

    ctx = ReportContext(catalog, Snapshots(), NOW, report_fixture.UTC)
    ids = sorted(IDS.values())
    list(portfolio_cache.portfolio_shares(disk_store, ctx, ids, listed=ids))
    context = portfolio_cache._context(disk_store, ctx, None)
    assert set(read_entry(portfolio_cache.KIND, context, portfolio_cache.SCOPE)) == set(ids)
    # the first prospect is no longer listed (deleted by someone): dropped
    list(portfolio_cache.portfolio_shares(disk_store, ctx, ids[1:], listed=ids[1:]))
    assert set(read_entry(portfolio_cache.KIND, context, portfolio_cache.SCOPE)) == set(ids[1:])


def test_no_cache_when_it_is_off(disk_store, catalog, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QUALIFY_CACHE_DIR", "off")
    portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert not any(tmp_path.rglob("*.pickle"))


def test_progress_counts_the_prospects_assessed_and_none_kept(disk_store, catalog, cache) -> None:
    told: list[tuple[int, int]] = []
    options = {"capacity": CAPACITY, "now": NOW, "tz": report_fixture.UTC}
    portfolio_report(disk_store, catalog, progress=lambda *seen: told.append(seen), **options)
    assert told == [(n, 7) for n in range(1, 8)]  # each prospect, as it is assessed
    told.clear()
    pid = IDS["muller"]
    renamed = disk_store.get_prospect(pid).model_copy(update={"name": "Müller Renamed"})
    disk_store.update_prospect(renamed)
    portfolio_report(disk_store, catalog, progress=lambda *seen: told.append(seen), **options)
    assert told == [(1, 1)]  # the kept shares take no time: only the changed one counts
    told.clear()
    portfolio_report(disk_store, catalog, progress=lambda *seen: told.append(seen), **options)
    assert told == []  # nothing to assess: never called
