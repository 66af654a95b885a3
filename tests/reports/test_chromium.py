"""Render the HTML report in real headless Chromium: it loads, lays out and prints to PDF.

Skipped only when no Chromium binary is installed; CI installs Debian's `chromium`
(.ci/apt-packages), so there it always runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from report_fixture import HOSTILE_NAME, build, build_portfolio
from support import unavailable

from qualify.reports import html

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def chromium() -> str | None:
    override = os.environ.get("QUALIFY_CHROMIUM")
    if override:
        return override
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


BINARY = chromium()


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    if BINARY is None:
        unavailable("no Chromium binary installed (apt-get install chromium)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        str(BINARY),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_renders_the_report_with_hostile_text_as_text(
    mem_store, catalog, tmp_path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render_prospect(build(mem_store, catalog, "hostile")), encoding="utf-8")
    result = run_chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = html5lib.parse(result.stdout, namespaceHTMLElements=False)
    assert dom.findall(".//script") == []  # nothing the data said became an element
    text = "".join(dom.itertext())
    assert HOSTILE_NAME in text
    assert "Recommended next step" in text
    assert len(dom.findall(".//{http://www.w3.org/2000/svg}svg")) == 2


def test_chromium_prints_the_report_and_portfolio_to_pdf(mem_store, catalog, tmp_path) -> None:
    for name, text in (
        ("report", html.render_prospect(build(mem_store, catalog, "muller"))),
        ("portfolio", html.render_portfolio(build_portfolio(mem_store, catalog))),
    ):
        page = tmp_path / f"{name}.html"
        page.write_text(text, encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        result = run_chromium(
            tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()
        )
        assert result.returncode == 0, result.stderr[-2000:]
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
        # the print stylesheet breaks before strengths, answers and timeline (fit report),
        # and before the ranking and the just-friends list (portfolio)
        assert pages >= (4 if name == "report" else 3), pages


def _drawn_per_page(data: bytes) -> list[int]:
    """How many text-showing operators each page of a (Chromium) PDF has, in page order:
    a page that draws no text is a blank page."""
    import re
    import zlib

    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def content(number: int) -> bytes:
        body = objects[number]
        found = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        raw = found[1] if found else b""
        return zlib.decompress(raw) if b"FlateDecode" in body else raw

    root = next(
        n for n, b in objects.items() if re.search(rb"/Type\s*/Pages", b) and b"/Parent" not in b
    )
    order: list[int] = []

    def walk(number: int) -> None:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages", body):
            kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
            for kid in re.findall(rb"(\d+) 0 R", kids[1] if kids else b""):
                walk(int(kid))
        else:
            order.append(number)

    walk(root)
    counts = []
    for number in order:
        ref = re.search(rb"/Contents\s*(\d+) 0 R", objects[number])
        drawn = content(int(ref[1])) if ref else b""
        counts.append(len(re.findall(rb"\bTJ\b|\bTj\b", drawn)))
    return counts


def test_printed_reports_have_no_blank_page(mem_store, catalog, tmp_path) -> None:
    for name, text in (
        ("report", html.render_prospect(build(mem_store, catalog, "muller"))),
        ("knocked", html.render_prospect(build(mem_store, catalog, "knocked"))),
        ("portfolio", html.render_portfolio(build_portfolio(mem_store, catalog))),
    ):
        page = tmp_path / f"{name}.html"
        page.write_text(text, encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        result = run_chromium(
            tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()
        )
        assert result.returncode == 0, result.stderr[-2000:]
        drawn = _drawn_per_page(pdf.read_bytes())
        assert drawn and all(n > 0 for n in drawn), (name, drawn)
