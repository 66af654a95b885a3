"""Listing again on the team server reads only what changed (qualify/store/postgres/
listing.py), and still shows exactly what a fresh listing would: what teammates changed,
added or removed, what a grant or a revoke lets this login see, and never a row another
login forged."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from qualify.core.records import AnswerRecord, Interview, Prospect
from qualify.store.postgres import PostgresStore, connect
from qualify.store.postgres.team import revoke


def _add(store: PostgresStore, name: str, territory: str, pid: str | None = None) -> str:
    extra = {"id": pid, "tags": ["demo"]} if pid else {}
    p = store.add_prospect(Prospect(name=name, stage="s1", territory=territory, **extra))
    return p.id


def _same_as_fresh(store: PostgresStore, url: str) -> list[str]:
    """The store's listing equals a new store's; the names, most recently active first."""
    again = store.list_prospects()
    with PostgresStore(url) as fresh:
        assert again == fresh.list_prospects()
    return [r.name for r in again]


def test_listing_again_follows_teammates_changes(pg) -> None:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        north = _add(admin, "Nordic AV", "North")
        _add(admin, "Southern Sound", "South")
        demo = _add(admin, "Demo Dealer", "North", pid="demo-1")
    dora = pg.grant("dora", director=True, read_only=True)
    anna_url = pg.grant("anna", "North", "South")
    with PostgresStore(dora) as director, PostgresStore(anna_url) as anna:
        assert sorted(_same_as_fresh(director, dora)) == [
            "Demo Dealer",
            "Nordic AV",
            "Southern Sound",
        ]
        # A teammate's answer: the prospect is the most recently active now.
        interview = anna.add_interview(
            Interview(
                prospect_id=north,
                stage="s1",
                questionnaire_id="x",
                questionnaire_version=1,
                questionnaire_hash="h",
            )
        )
        anna.record_answers(interview.id, [AnswerRecord(question_id="q1", value=1)])
        assert _same_as_fresh(director, dora)[0] == "Nordic AV"
        # Added, and removed (demo data), by a teammate.
        _add(anna, "Eastern Audio", "North")
        assert anna.delete_demo_prospect(demo)
        names = _same_as_fresh(director, dora)
        assert names[0] == "Eastern Audio" and "Demo Dealer" not in names
        assert len(names) == 3


def test_listing_again_follows_what_the_login_may_see(pg) -> None:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        north = _add(admin, "Nordic AV", "North")
        _add(admin, "Southern Sound", "South")
    url = pg.grant("anna", "North")
    with PostgresStore(url) as anna:
        assert _same_as_fresh(anna, url) == ["Nordic AV"]
        pg.grant("anna", "South")  # no prospect changes: the listing still shows it
        assert sorted(_same_as_fresh(anna, url)) == ["Nordic AV", "Southern Sound"]
        with connect(pg.admin_url) as conn:
            revoke(conn, "anna", ["South"])
        assert _same_as_fresh(anna, url) == ["Nordic AV"]
        # moved out of her territories by someone who may: gone from her list
        with PostgresStore(pg.admin_url) as admin:
            moved = admin.get_prospect(north).model_copy(update={"territory": "West"})
            admin.update_prospect(moved)
        assert _same_as_fresh(anna, url) == []


def test_a_forged_row_stays_put_right_when_listing_again(pg) -> None:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        south = _add(admin, "Southern Sound", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    pg.grant("anna", "South")
    with PostgresStore(dora) as director:
        [honest] = director.list_prospects()
        with connect(pg.url("anna")) as conn:
            conn.execute("UPDATE prospects SET s_score = 99 WHERE id = %s", (south,))
        for _ in range(3):  # recomputed once, and shown as the records say every time
            assert director.list_prospects() == [honest]
        assert director.doubtful_rows() == {south: "anna"}
        assert len(director.rows.checked) == 1


def test_the_first_page_is_the_head_of_the_list(pg) -> None:  # type: ignore[no-untyped-def]
    """What the app paints before the whole list: one query with a limit."""
    with PostgresStore(pg.admin_url) as admin:
        for n in range(7):
            _add(admin, f"Dealer {n}", "North" if n % 2 else "South")
    dora = pg.grant("dora", director=True, read_only=True)
    anna_url = pg.grant("anna", "North")
    with PostgresStore(dora) as director, PostgresStore(anna_url) as anna:
        everyone = director.list_prospects()
        assert director.recent_prospects(3) == everyone[:3]
        assert director.recent_prospects(50) == everyone
        # row-level security holds for the page as for the list
        assert anna.recent_prospects(50) == anna.list_prospects()
        assert {r.territory for r in anna.recent_prospects(50)} == {"North"}


def test_a_forged_row_never_shows_on_the_first_page_nor_after_it(pg) -> None:  # type: ignore[no-untyped-def]
    """The page checks the rows it shows as the list does; and what it checked stays its
    own, so the whole list read after it checks them again (it once would have trusted
    a row the page had checked, and shown the forged one)."""
    with PostgresStore(pg.admin_url) as admin:
        south = _add(admin, "Southern Sound", "South")
        broken = _add(admin, "Broken Records", "South")
    dora = pg.grant("dora", director=True, read_only=True)
    pg.grant("anna", "South")
    with PostgresStore(dora) as director:
        honest = {r.id: r for r in director.list_prospects()}
    with connect(pg.url("anna")) as conn:  # her own login, raw SQL
        conn.execute("UPDATE prospects SET s_score = 99 WHERE id = %s", (south,))
        conn.execute(  # an interview without a stage: only qualify can tell
            "INSERT INTO interviews (id, prospect_id, started_at, doc) "
            "VALUES ('nostage', %s, now(), %s)",
            (broken, Jsonb({"id": "nostage", "prospect_id": broken, "status": "complete"})),
        )
    with PostgresStore(dora) as director:
        page = director.recent_prospects(10)
        assert page == [honest[south]]  # as its records give it; the unreadable one left out
        assert director.doubtful_rows() == {}  # the page's checks are its own
        assert director.list_prospects() == [honest[south]]
        assert director.doubtful_rows() == {south: "anna"}
        assert any(broken in note for note in director.unreadable())


def test_a_bilingual_set_scores_in_its_default_language_on_the_server(pg, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The server keeps JSON keys sorted, so a snapshot of the bundled first-date set
    comes back with German before English in every text: the list row must still store
    the band as the set names it by default (it stored `Passt kaum`)."""
    from qualify import setcache
    from qualify.core.questionnaire import content_hash
    from qualify.core.questionnaire.catalog import canonical
    from qualify.paths import bundled_questionnaires_dir
    from qualify.setcache import load_catalog

    first_date = load_catalog(bundled_questionnaires_dir()).question_sets["first-date"]
    assert first_date.languages == ["en", "de"]
    digest = content_hash(first_date)
    with PostgresStore(pg.admin_url) as admin:
        admin.put_snapshot(digest, canonical(first_date))
        pid = _add(admin, "Allround Handel", "North")
        interview = admin.add_interview(
            Interview(
                prospect_id=pid,
                stage="s1",
                questionnaire_id="first-date",
                questionnaire_version=first_date.version,
                questionnaire_hash=digest,
            )
        )
    # what another process sees: the snapshot as the server gives it back, parsed afresh
    monkeypatch.setenv("QUALIFY_CACHE_DIR", "off")
    monkeypatch.setattr(setcache, "_snapshots", {})
    with PostgresStore(pg.admin_url) as other:
        weak_fit = {
            "partner_type": "stocking_dealer",
            "business_model": "product_resale_only",
            "territory_presence": "office_in_territory",
            "main_vertical": "no_main_market",
            "why_interested": "no_clear_reason",
            "competing_lines": "direct",
            "decision_maker_met": "decider_lukewarm",
            "their_focus": "terms_only",
            "next_step": "vague",
        }
        other.record_answers(
            interview.id, [AnswerRecord(question_id=q, value=v) for q, v in weak_fit.items()]
        )
        [row] = [r for r in other.list_prospects() if r.id == pid]
    assert row.band in {str(b.label) for b in first_date.bands or []}, row.band
