"""Where the workspace, the active question sets and the config file live.

Resolution order is part of the user contract (README, `qualify paths`): option, then
environment variable, then the workspace's own copy, then the built-in default.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "qualify"


def data_dir(option: str | None = None) -> Path:
    """`--data-dir`, else `$QUALIFY_DATA_DIR`, else the platform's user data dir."""
    chosen = option or os.environ.get("QUALIFY_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def bundled_questionnaires_dir() -> Path:
    """The question sets shipped inside the package (or the source tree in a checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "bundled_questionnaires"
    if packaged.is_dir():
        return packaged
    return here.parent / "questionnaires"


def questionnaires_dir(option: str | None, workspace: Path) -> tuple[Path, str]:
    """The active question-set folder and where that choice came from."""
    if option:
        return Path(option).expanduser(), "--questionnaires"
    env = os.environ.get("QUALIFY_QUESTIONNAIRES")
    if env:
        return Path(env).expanduser(), "$QUALIFY_QUESTIONNAIRES"
    own = workspace / "questionnaires"
    if own.is_dir():
        return own, "workspace"
    return bundled_questionnaires_dir(), "bundled"


def workspace_user() -> str:
    """Who answers in the embedded workspace: $QUALIFY_USER, else the OS login."""
    chosen = os.environ.get("QUALIFY_USER", "").strip()
    if chosen:
        return chosen
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return ""


CACHE_OFF = ("off", "0", "no", "false")


def cache_dir() -> Path | None:
    """Where checked question sets are cached (:mod:`qualify.setcache`):
    `$QUALIFY_CACHE_DIR`, else the platform's user cache dir; None when the variable
    says `off`."""
    chosen = os.environ.get("QUALIFY_CACHE_DIR", "").strip()
    if chosen.lower() in CACHE_OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False)) / "question-sets"


def config_file() -> Path:
    """User preferences of the app (theme, support capacity per territory)."""
    override = os.environ.get("QUALIFY_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.yaml"


def evidence_view_dir() -> Path:
    """Where the app puts a copy of an evidence file for the system viewer to open."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False)) / "evidence"
