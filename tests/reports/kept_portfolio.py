"""The portfolio made through the kept shares, checked against the one made without
them: what every test of the portfolio cache compares."""

from __future__ import annotations

import os
from typing import Any

from qualify.core.questionnaire import Catalog
from qualify.reports.portfolio_cache import portfolio_report
from qualify.reports.views import PortfolioReport
from qualify.store.base import Store


def through_the_cache(
    store: Store, catalog: Catalog, **options: Any
) -> tuple[PortfolioReport, list[str]]:
    """The portfolio through the cache ($QUALIFY_CACHE_DIR) and the prospects it read,
    after asserting that it is the portfolio built without the cache."""
    read: list[str] = []
    original = store.read_stamped

    def reading(prospect_id: str):
        read.append(prospect_id)
        return original(prospect_id)

    store.read_stamped = reading  # type: ignore[method-assign]
    try:
        kept = portfolio_report(store, catalog, **options)
    finally:
        del store.read_stamped
    before = os.environ["QUALIFY_CACHE_DIR"]
    os.environ["QUALIFY_CACHE_DIR"] = "off"
    try:
        fresh = portfolio_report(store, catalog, **options)
    finally:
        os.environ["QUALIFY_CACHE_DIR"] = before
    now = options.get("now")
    assert kept == fresh, f"the portfolio of {now:%Y-%m-%d} differs with the shares kept"
    return kept, read
