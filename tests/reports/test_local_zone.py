"""A report's local times in the system's zone (no zone given) share one zone object: a
portfolio sends and keeps thousands of rows, each pickled with its time's zone (issue 17).
The times are those `astimezone(None)` gives, whatever object holds their zone."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone

from report_fixture import catalog

from qualify.core.assess import Snapshots
from qualify.reports.context import ReportContext


def test_local_times_share_their_zone_and_stay_the_same() -> None:
    ctx = ReportContext(catalog(), Snapshots(), datetime(2026, 6, 1, tzinfo=UTC), None)
    given = [
        datetime(2026, 1, 5, 8, 30, tzinfo=UTC),
        datetime(2026, 1, 6, 9, 0),  # naive: UTC
        datetime(2026, 1, 7, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 7, 7, 10, 0, tzinfo=UTC),
    ]
    shown = [ctx.local(t) for t in given]
    for t, s in zip(given, shown, strict=True):
        plain = (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(None)
        assert s == plain and s.isoformat() == plain.isoformat()
        assert s.tzname() == plain.tzname() and s.utcoffset() == plain.utcoffset()
    same = {(s.utcoffset(), s.tzname()): s.tzinfo for s in shown}
    assert all(s.tzinfo is same[s.utcoffset(), s.tzname()] for s in shown)
    assert pickle.loads(pickle.dumps(shown)) == shown
    zoned = ReportContext(catalog(), Snapshots(), None, timezone(timedelta(hours=-5)))
    assert zoned.local(given[0]) == given[0] and zoned.local(given[0]).tzname() == "UTC-05:00"
