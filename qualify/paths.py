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
    """Who answers in the embedded workspace, as reports name them: $QUALIFY_USER, else
    `name:` in the config file (`qualify whoami --set NAME`), else the OS login."""
    return user_and_source()[0]


def user_and_source() -> tuple[str, str]:
    """The name answers and reports carry, and where it came from (for `qualify whoami`;
    a Phrase the shell says in the user's language)."""
    from qualify.core.phrase import Phrase

    chosen = os.environ.get("QUALIFY_USER", "").strip()
    if chosen:
        return chosen, "$QUALIFY_USER"
    configured = configured_name()
    if configured:
        return configured, Phrase("the config file {file}", file=str(config_file()))
    import getpass

    try:
        login = getpass.getuser()
        return login, Phrase("your login (set a name with `qualify whoami --set NAME`)")
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "", Phrase("nowhere: set one with `qualify whoami --set NAME`")


CONFIG_MAX_BYTES = 100_000
"""A config file is a few hundred bytes (a keymap of every binding, about 5 KB); a larger
one is not read: parsed by every command, 6 MB took half a minute."""


def config_setting(key: str, path: Path | None = None) -> object:
    """One top-level value of the config file; None when the file, the key or the YAML is
    absent or unreadable, or the file too large (the app's config check names what is
    wrong, not this)."""
    path = path or config_file()
    try:
        if not path.is_file() or path.stat().st_size > CONFIG_MAX_BYTES:
            return None
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # unreadable or not YAML: as if the key were absent
        return None
    return data.get(key) if isinstance(data, dict) else None


def configured_name(path: Path | None = None) -> str:
    """`name:` of the config file; "" when absent or not a usable display name."""
    value = config_setting("name", path)
    return value.strip() if isinstance(value, str) and display_name_problem(value) is None else ""


def display_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a display name (None when it can): one line of at most 80
    visible characters, no control characters."""
    name = name.strip()
    from qualify.core.phrase import Phrase

    if not name:
        return Phrase("a name cannot be empty")
    if len(name) > 80:
        return Phrase("a name is at most 80 characters")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        return Phrase("a name cannot hold control characters or line breaks")
    return None


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
