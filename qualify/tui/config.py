"""The TUI's part of the user's config file: the keymap.

The config file is YAML (``qualify paths`` prints where it is). The TUI reads
only one optional mapping from it::

    keymap:
      interview.next: pagedown,ctrl+n
      prospects.add: a,insert

Keys are binding ids (every binding has one; the help screen lists them),
values are comma-separated keys. A missing file, a missing mapping or a
broken file never stops the app: the default keys apply and the problem is
shown as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TuiConfig:
    """What the TUI takes from the config file."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → comma-separated keys."""
    theme: str | None = None
    """Optional Textual theme name to start with (e.g. `textual-light`)."""
    path: Path | None = None
    """Where it was read from, if anywhere."""
    problems: list[str] = field(default_factory=list)
    """One line per thing that was ignored."""


def default_config_path() -> Path | None:
    """The config file from :mod:`qualify.paths`, or None if it cannot be located."""
    try:
        from qualify import paths
    except ImportError:
        return None
    try:
        return Path(paths.config_file())
    except Exception:  # a broken environment must not stop the app
        return None


def load_config(path: Path | None = None) -> TuiConfig:
    """Read the keymap (and theme) from the YAML config; tolerate its absence."""
    path = path if path is not None else default_config_path()
    config = TuiConfig(path=path)
    if path is None or not path.is_file():
        return config
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        config.problems.append(f"{path}: cannot read the config file: {exc}")
        return config
    except Exception as exc:  # yaml.YAMLError and friends
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        config.problems.append(f"{where}: not valid YAML; default keys in use")
        return config
    if data is None:
        return config
    if not isinstance(data, dict):
        config.problems.append(f"{path}: expected a mapping at the top level")
        return config
    tui = data.get("tui") if isinstance(data.get("tui"), dict) else {}
    keymap = data.get("keymap", tui.get("keymap"))
    if keymap is not None:
        if isinstance(keymap, dict):
            for binding_id, keys in keymap.items():
                if isinstance(keys, list):
                    keys = ",".join(str(k) for k in keys)
                if not isinstance(binding_id, str) or not isinstance(keys, str) or not keys:
                    config.problems.append(f"{path}: keymap entry {binding_id!r} ignored")
                    continue
                config.keymap[binding_id] = keys.replace(" ", "")
        else:
            config.problems.append(f"{path}: `keymap` must map binding ids to keys")
    theme = data.get("theme", tui.get("theme"))
    if isinstance(theme, str) and theme:
        config.theme = theme
    return config
