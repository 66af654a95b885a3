"""Every relative link and image in the README and docs/ points at a file that exists.

Screenshots are snapshot files, renamed when the tests are; a reader should never
meet a broken image.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)  # code is not links
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    missing = [
        target
        for target in relative_links(page)
        if not (page.parent / unquote(target.split("#", 1)[0])).exists()
    ]
    assert missing == []


def test_the_checker_sees_the_screenshots() -> None:
    images = relative_links(ROOT / "docs" / "tui.md")
    assert sum("__snapshots__" in target for target in images) >= 9


def test_every_doc_the_code_names_exists() -> None:
    """A help text or message that sends the user to docs/… names a page that is there."""
    named = {
        (source.relative_to(ROOT).as_posix(), found)
        for source in (ROOT / "qualify").rglob("*.py")
        for found in re.findall(r"docs/[\w.-]+\.(?:md|json)", source.read_text("utf-8"))
    }
    assert named, "the pattern finds the pages the code names"
    assert [(where, page) for where, page in sorted(named) if not (ROOT / page).exists()] == []
