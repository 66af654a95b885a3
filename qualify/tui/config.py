"""The TUI's part of the user's config file: the keymap and the theme.

The config file is YAML (``qualify paths`` prints where it is)::

    keymap:
      interview.next: pagedown,ctrl+n
      prospects.add: a,insert
    theme: textual-light

Keys of the keymap are binding ids (every binding has one; the help screen lists them),
values are comma-separated keys. The file is validated with the pydantic model in
:mod:`qualify.tui.config_file`. A missing file, a missing mapping or a broken file never
stops the app: whatever is wrong (an unknown key, a binding id no screen defines, a theme
Textual does not have, a value of the wrong kind) is left out and named in a one-line
warning at ``file:line:col``, shown as a notification; the rest applies.

Each warning is a :class:`~qualify.core.phrase.Phrase` (English as a str): the app says
it in its language (``qualify.i18n.tr``) when it shows it.

Positions come from composing the YAML node tree (PyYAML's C composer when present): the
core's ``parse_yaml`` would give them too, but importing it loads the question-set models
before the first frame, and a file of two mappings needs only the marks of its keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualify.core.phrase import Num, Phrase

Loc = tuple[str | int, ...]

WORDS: dict[str, Phrase] = {
    "dict_type": Phrase("must map names to values"),
    "model_type": Phrase("must map names to values"),
    "string_type": Phrase("must be text"),
}
"""Pydantic's error types, as the warning words them."""


@dataclass
class TuiConfig:
    """What the TUI takes from the config file."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → comma-separated keys."""
    theme: str | None = None
    """Optional Textual theme name to start with (e.g. `textual-light`)."""
    language: str | None = None
    """The config file's `language:` (the app's language unless --lang or $QUALIFY_LANG)."""
    path: Path | None = None
    """Where it was read from, if anywhere."""
    problems: list[str] = field(default_factory=list)
    """One line per thing that was ignored (a phrase: ``tr`` says it in the app's language)."""
    places: dict[Loc, str] = field(default_factory=dict)
    """Where each setting was read (``("keymap", "interview.next")`` → ``file:3:3``)."""

    def where(self, *loc: str | int) -> str:
        """`file:line:col` of a setting (the file alone if unknown)."""
        return self.places.get(loc) or str(self.path or "config")

    def check_theme(self, themes: Iterable[str]) -> str | None:
        """The warning when the theme is not one of `themes` (the default then applies)."""
        if self.theme is None or self.theme in set(themes):
            return None
        return Phrase(
            "{where}: unknown theme {theme} (ctrl+t lists them); the default theme is used",
            where=self.where("theme"),
            theme=repr(self.theme),
        )

    def check_bindings(self, binding_ids: Iterable[str]) -> list[str]:
        """One warning per keymap entry whose binding id the app does not define."""
        known = set(binding_ids)
        return [
            Phrase(
                "{where}: keymap: unknown binding id {id} (F1 lists the ids); ignored",
                where=self.where("keymap", binding_id),
                id=repr(binding_id),
            )
            for binding_id in self.keymap
            if binding_id not in known
        ]


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
    """Read and validate the keymap and theme from the YAML config; tolerate its absence.
    (Binding ids and themes are checked by the app, which knows them.)"""
    path = path if path is not None else default_config_path()
    config = TuiConfig(path=path)
    if path is None or not path.is_file():
        return config
    from qualify.paths import CONFIG_MAX_BYTES

    try:
        if path.stat().st_size > CONFIG_MAX_BYTES:
            config.problems.append(
                Phrase(
                    "{where}: over {n} bytes, not read as a config file; default keys in use",
                    where=str(path),
                    n=Num(CONFIG_MAX_BYTES, grouped=True),
                )
            )
            return config
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        config.problems.append(
            Phrase("{where}: cannot read the config file: {error}", where=str(path), error=str(exc))
        )
        return config
    try:
        data, places = _read_yaml(text)
    except Exception as exc:  # yaml.YAMLError and friends
        config.problems.append(_not_yaml(path, text, exc))
        return config
    config.places = {loc: f"{path}:{line}:{col}" for loc, (line, col) in places.items()}
    if data is None:
        return config
    if not isinstance(data, dict):
        config.problems.append(
            Phrase("{where}: expected a mapping at the top level", where=config.where())
        )
        return config
    settings = _validate(data, config)
    nested = settings.tui
    config.keymap = {**(nested.keymap if nested else {}), **settings.keymap}
    config.theme = settings.theme or (nested.theme if nested else None)
    config.language = settings.language or (nested.language if nested else None)
    if nested is not None:  # name the places of the nested settings as their own
        for loc, where in list(config.places.items()):
            if loc[:1] == ("tui",) and loc[1:] not in config.places:
                config.places[loc[1:]] = where
    return config


def _validate(data: dict[str, Any], config: TuiConfig) -> Any:
    """The settings, valid: what pydantic refuses is named in a warning and left out."""
    from pydantic import ValidationError

    from qualify.tui.config_file import ConfigFile, TuiSettings

    for _ in range(100):  # each round leaves out at least one refused value
        try:
            return ConfigFile.model_validate(data)
        except ValidationError as exc:
            dropped: list[Loc] = []
            for error in exc.errors():
                loc = _value_loc(data, tuple(error["loc"]))
                if not loc or any(loc[: len(gone)] == gone for gone in dropped):
                    continue  # one warning per value (a union reports each of its arms)
                name = ".".join(str(part) for part in loc)
                if error["type"] == "extra_forbidden":
                    fields = ConfigFile.model_fields if len(loc) == 1 else TuiSettings.model_fields
                    known = ", ".join(fields)
                    config.problems.append(
                        Phrase(
                            "{where}: unknown key {name} (ignored; known: {known})",
                            where=config.where(*loc),
                            name=repr(name),
                            known=known,
                        )
                    )
                else:
                    config.problems.append(
                        Phrase(
                            "{where}: {name}: {message}; ignored",
                            where=config.where(*loc),
                            name=name,
                            message=_message(error),
                        )
                    )
                if not _drop(data, loc):  # nothing left to leave out: give up on the file
                    return ConfigFile()
                dropped.append(loc)
    return ConfigFile()


def _message(error: Any) -> Any:
    """What is wrong with a value, in words the warning can translate."""
    found = WORDS.get(error["type"])
    if found is not None:
        return found
    ctx = error.get("ctx") or {}
    if error["type"] == "string_too_short" and ctx.get("min_length") == 1:
        return Phrase("String should have at least 1 character")
    if error["type"] == "string_too_long" and "max_length" in ctx:
        return Phrase("String should have at most {n} characters", n=ctx["max_length"])
    if error["type"] == "string_pattern_mismatch" and "pattern" in ctx:
        return Phrase("String should match pattern '{pattern}'", pattern=ctx["pattern"])
    cause = ctx.get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Phrase):
        return cause.args[0]  # our own validators' words (config_file)
    return error["msg"].removeprefix("Value error, ")


def _value_loc(data: Any, loc: Loc) -> Loc:
    """Pydantic's `loc`, cut where the data ends (a union or validator adds parts)."""
    out: list[str | int] = []
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            break
        data = data[part]
        out.append(part)
    return tuple(out)


def _drop(data: dict[str, Any], loc: Loc) -> bool:
    """Remove the value at `loc`; False if there was none to remove."""
    parent: Any = data
    try:
        for part in loc[:-1]:
            parent = parent[part]
        parent.pop(loc[-1])
    except (KeyError, IndexError, TypeError, AttributeError):
        return False
    return True


def _not_yaml(path: Path, text: str, exc: Exception) -> Phrase:
    """The one warning for a file that is not YAML: at the place to fix and in the words
    a question set's error uses (a bracket left open is named where it opens)."""
    if getattr(exc, "problem_mark", None) is None and getattr(exc, "context_mark", None) is None:
        return Phrase("{where}: not valid YAML; default keys in use", where=str(path))
    from qualify.core.questionnaire.yaml_errors import syntax_error  # only on an error

    line, col, problem = syntax_error(exc, text)
    return Phrase(
        "{where}: {problem}; default keys in use", where=f"{path}:{line}:{col}", problem=problem
    )


def _read_yaml(text: str) -> tuple[Any, dict[Loc, tuple[int, int]]]:
    """The data, and the (line, col) of every key and value by its path."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    places: dict[Loc, tuple[int, int]] = {}
    if root is None:
        return None, places

    def walk(node: yaml.Node, loc: Loc) -> None:
        places.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*loc, key.value)
                places[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
                walk(value, child)

    walk(root, ())
    return data, places
