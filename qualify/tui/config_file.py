"""The schema of the config file (pydantic): what it may hold, each field documented.

Imported only when a config file exists (pydantic costs ~50 ms before the first frame);
:mod:`qualify.tui.config` reads the file, validates it with :class:`ConfigFile`, and turns
every problem into a one-line warning at ``file:line:col``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from qualify.core.phrase import Phrase


def _keys(value: Any) -> Any:
    """`pagedown,ctrl+n`, or a list of keys: one comma-separated string without spaces."""
    if isinstance(value, list) and all(isinstance(key, str) for key in value):
        value = ",".join(value)
    if isinstance(value, str):
        value = value.replace(" ", "")
        if not value or not all(value.split(",")):
            raise ValueError(Phrase("give one or more keys, separated by commas"))
    return value


Keys = Annotated[str, BeforeValidator(_keys)]
"""One or more keys for a binding (``pagedown,ctrl+n``; a YAML list of keys also works)."""


class TuiSettings(BaseModel):
    """The app's settings."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    keymap: dict[str, Keys] = Field(default_factory=dict)
    """Binding id (`interview.next`; F1 lists them) → the keys that trigger it instead of
    the default ones."""
    theme: str | None = None
    """The Textual theme to start with (`textual-light`, `nord`…; ctrl+t lists them)."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")] | None = None
    """The language of the app, reports and question sets (`de`; `--lang` and
    $QUALIFY_LANG win over it, a prospect's own language too)."""


class ConfigFile(TuiSettings):
    """The whole config file (``qualify paths`` prints where it is)."""

    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    """Your name as answers, moves and reports show it (`qualify whoami --set NAME`);
    $QUALIFY_USER wins over it, your login stands in without it."""

    tui: TuiSettings | None = None
    """The same settings nested under `tui:`, as older config files have them; the
    top-level ones win."""


KNOWN_KEYS: tuple[str, ...] = tuple(ConfigFile.model_fields)
"""The top-level keys the config file may have."""
