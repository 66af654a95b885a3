"""The HTML is one well-formed, self-contained file that prints and reads on a phone."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import html5lib
import pytest
from memstore import MemoryStore
from report_fixture import build, build_portfolio

from qualify.core.questionnaire import load_catalog
from qualify.paths import bundled_questionnaires_dir
from qualify.reports import html
from qualify.reports.capacity import Capacity
from qualify.reports.portfolio_cache import portfolio_report
from qualify.reports.prospect import prospect_report
from qualify.workflow import demo

URL_ATTRS = ("src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href")


def external_references(page: str) -> list[str]:
    """Everything in a page that would make a browser fetch something."""
    document = html5lib.parse(page, namespaceHTMLElements=False)
    found: list[str] = []
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "iframe", "object", "embed", "link", "img", "video", "audio"):
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name if isinstance(name, str) else name[1]
            is_url = name in URL_ATTRS or name.endswith("href")
            if is_url and not value.startswith("#"):
                found.append(f"{name}={value}")
            if name == "style" and "url(" in value:
                found.append(f"style url(): {value}")
        if tag == "style":
            css = element.text or ""
            found += [f"@import {m}" for m in re.findall(r"@import[^;]*", css)]
            found += [f"url({m})" for m in re.findall(r"url\(([^)]*)\)", css)]
            found += [f"font {m}" for m in re.findall(r"@font-face", css)]
    found += re.findall(r"https?://[^\s\"'<>]+", page)
    return found


def parse_strict(page: str):
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(page)
    assert parser.errors == [], parser.errors[:5]
    return document


@pytest.mark.parametrize("key", ["muller", "hostile", "knocked", "friends", "costly", "newcomer"])
def test_prospect_page_is_self_contained_and_well_formed(mem_store, catalog, key: str) -> None:
    page = html.render_prospect(build(mem_store, catalog, key))
    document = parse_strict(page)
    assert external_references(page) == []
    assert document.find(".//meta[@name='viewport']") is not None
    csp = document.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert csp is not None and "default-src 'none'" in csp.get("content")
    assert page.startswith("<!DOCTYPE html>")


def test_prospect_page_has_charts_print_styles_and_page_breaks(mem_store, catalog) -> None:
    page = html.render_prospect(build(mem_store, catalog, "muller"))
    document = html5lib.parse(page, namespaceHTMLElements=False)
    svgs = document.findall(".//{http://www.w3.org/2000/svg}svg")
    assert len(svgs) == 2  # the two-way fit map and the section bars
    css = document.find(".//style").text
    assert "@media print" in css and "break-before: page" in css and "@page" in css
    assert "@media (max-width: 600px)" in css
    sections = [s.get("id") for s in document.findall(".//section")]
    # "comparison": the fixture's committed partners have scored list rows
    assert sections == [
        "verdict",
        "fit",
        "sections",
        "comparison",
        "findings",
        "answers",
        "timeline",
    ]
    assert {s.get("id") for s in document.findall(".//section[@class='page']")} == {
        "findings",
        "answers",
        "timeline",
    }


def test_portfolio_page_is_self_contained(mem_store, catalog) -> None:
    page = html.render_portfolio(build_portfolio(mem_store, catalog))
    document = parse_strict(page)
    assert external_references(page) == []
    assert len(document.findall(".//{http://www.w3.org/2000/svg}svg")) == 2  # funnel, capacity
    text = "".join(document.itertext())
    assert "Support capacity reached: North" in text
    assert "Costly Partner Oy" in text


def test_detector_finds_external_references() -> None:
    """The check above must be able to fail."""
    page = (
        '<!DOCTYPE html><html><head><style>@import "x.css"; body{background:url(http://e/x)}'
        '</style><link rel=stylesheet href="https://cdn/x.css"></head><body>'
        '<img src="http://e/x.png"><a href="https://e">x</a><svg><image href="//e/y"/></svg>'
        "</body></html>"
    )
    found = external_references(page)
    assert any("@import" in f for f in found)
    assert any(f.startswith("url(") for f in found)
    assert "<link>" in found and "<img>" in found
    assert any("//e/y" in f for f in found)


def test_every_demo_report_renders_self_contained() -> None:
    """Realistic data from the bundled question sets, at every stage and status."""
    catalog = load_catalog(bundled_questionnaires_dir())
    store = MemoryStore()
    now = datetime(2025, 6, 1, tzinfo=UTC)
    from qualify.core.questionnaire import content_hash

    for qs in catalog.question_sets.values():
        store.put_snapshot(content_hash(qs), qs.model_dump(mode="json"))
    store.add_prospects_bulk(demo.generate(catalog, 40, seed=11, now=now))
    for summary in store.list_prospects():
        page = html.render_prospect(prospect_report(store, catalog, summary.id, now=now, tz=UTC))
        assert external_references(page) == [], summary.id
        parse_strict(page)
    capacity = Capacity({}, 3, "test")
    page = html.render_portfolio(portfolio_report(store, catalog, capacity=capacity, now=now))
    assert external_references(page) == []
    parse_strict(page)


def test_print_styles_keep_headings_with_their_tables_and_pills_whole() -> None:
    """Printed, a heading never ends a page alone (it keeps with what follows and carries
    room for it), no part forces an empty page, and a band label never wraps in its pill."""
    from qualify.reports.html import environment

    css = environment().get_template("base.html.j2").render(CSP="")
    printed = css[css.index("@media print") :]
    assert "h2, h3, h4 { break-after: avoid;" in printed
    assert "break-inside: avoid" in printed[printed.index("h2, h3, h4") :]
    assert "h2::after, h3::after, h4::after" in printed
    assert "h2 + *, h3 + *, h4 + * { break-before: avoid;" in printed
    assert ".page:empty, .page:first-child { break-before: auto;" in printed
    badge = css[css.index(".badge {") : css.index("}", css.index(".badge {"))]
    assert "white-space: nowrap" in badge


def test_a_knocked_out_review_is_a_cross_off_the_trend_line(mem_store, catalog) -> None:
    report = build(mem_store, catalog, "costly")
    first = report.reviews[0]
    second = replace(first, number=2, score=40.0, knocked_out=True)
    page = html.render_prospect(replace(report, reviews=(first, second)))
    document = html5lib.parse(page, namespaceHTMLElements=False)
    svg = "{http://www.w3.org/2000/svg}"
    trend = next(
        s
        for s in document.iter(f"{svg}svg")
        if s.get("aria-label") == "Relationship reviews: score over time"
    )
    month = first.at.strftime("%Y-%m")  # labels are cut to 12 characters
    points = [g.find(f"{svg}title").text for g in trend.iter(f"{svg}g")]
    assert points == [f"#1 {month}-…: 0.0", f"#2 {month}-…: ✗"]  # a knock-out shows no score
    assert len(trend.findall(f".//{svg}circle")) == 1  # and no point on the line
    assert html.render_prospect(replace(report, reviews=())).count("score over time") == 0


def test_a_territory_without_a_name_in_the_capacity_chart(mem_store, catalog) -> None:
    report = build_portfolio(mem_store, catalog)
    unnamed = replace(report, territories=(replace(report.territories[1], territory=""),))
    page = html.render_portfolio(unnamed)
    document = html5lib.parse(page, namespaceHTMLElements=False)
    labels = [t.text for t in document.iter("{http://www.w3.org/2000/svg}title")]
    assert labels[-1] == "(no territory): 2 +2 / 2"  # committed, about to commit, capacity


def test_templates_compiled_once_are_read_back_and_a_broken_entry_is_compiled_again(
    mem_store, catalog, tmp_path, monkeypatch
) -> None:
    """A report compiles its templates once; the next process reads them from the user
    cache (checked, like every entry there), and renders the same page."""
    from jinja2 import Environment

    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(tmp_path / "cache"))
    compiled: list[str] = []
    compile_ = Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counting)
    report = build_portfolio(mem_store, catalog)

    def page() -> str:
        html.environment.cache_clear()  # as a new process starts
        return html.render_portfolio(report)

    first = page()
    assert "portfolio.html.j2" in compiled
    compiled.clear()
    assert page() == first
    assert compiled == []
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:-5])  # cut short: ignored, compiled again
    assert page() == first
    assert "portfolio.html.j2" in compiled


def test_the_collector_is_back_as_it_was_after_a_page(mem_store, catalog) -> None:
    """A page renders with the cyclic collector paused (core.collector.collector_paused):
    after it, rendered or failed, the collector is on again, and left off when it was off."""
    import gc

    import jinja2

    report = build_portfolio(mem_store, catalog)
    assert gc.isenabled()
    html.render_portfolio(report)
    assert gc.isenabled()
    with pytest.raises(jinja2.UndefinedError):
        html.render_portfolio(replace(report, groups=(None,)))  # type: ignore[arg-type]
    assert gc.isenabled()
    gc.disable()
    try:
        html.render_portfolio(report)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_page_lets_go_of_what_it_was_given_without_the_collector(mem_store, catalog) -> None:
    """Jinja's context of a page sits in a reference cycle (its macros hold it). Had it kept
    the report, a portfolio's 10,000 rows would live until the collector's next pass, which
    walks every one of them first: 30-60 ms of the 10,000-prospect portfolio's tail."""
    import gc
    import weakref

    report = build_portfolio(mem_store, catalog)
    gone = weakref.ref(report)
    gc.collect()
    gc.disable()
    try:
        html.render_portfolio(report)
        del report
        assert gone() is None
    finally:
        gc.enable()
