"""The Textual app of qualify (``qualify`` with no command).

Only this package imports Textual; the CLI imports it lazily, so the other
commands start fast.
"""

from __future__ import annotations

from pathlib import Path


def run_app(
    data_dir: Path,
    questionnaires_dir: Path,
    *,
    store_url: str | None = None,
    language: str | None = None,
    language_forced: bool = False,
) -> None:
    """Open the app on a workspace and a folder of question sets; returns when it quits."""
    from qualify.tui.app import QualifyApp

    app = QualifyApp(
        Path(data_dir),
        Path(questionnaires_dir),
        store_url=store_url,
        language=language,
        language_forced=language_forced,
    )
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)


__all__ = ["run_app"]
