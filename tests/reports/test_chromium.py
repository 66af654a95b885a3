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
