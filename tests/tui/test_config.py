"""The config file: the keymap and the theme, validated; whatever is wrong is left out
and named in a warning at file:line:col, and the rest applies."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tui_helpers import wait_for, wait_home

from qualify.tui.app import QualifyApp, binding_ids
from qualify.tui.config import load_config
from qualify.tui.config_file import ConfigFile, TuiSettings


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_valid_file_applies_without_a_warning(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        """\
        keymap:
          interview.next: pagedown, ctrl+n
          prospects.add: [a, insert]
        theme: textual-light
        """,
    )
    config = load_config(path)
    assert config.problems == []
    assert config.keymap == {"interview.next": "pagedown,ctrl+n", "prospects.add": "a,insert"}
    assert config.theme == "textual-light"
    assert config.check_bindings(binding_ids()) == []
    assert config.check_theme(["textual-light", "textual-dark"]) is None


def test_unknown_top_level_keys_are_named_where_they_are(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        """\
        keymap:
          prospects.add: insert
        colours: dark
        """,
    )
    config = load_config(path)
    assert config.problems == [
        f"{path}:3:1: unknown key 'colours' (ignored; known: keymap, theme, language, name, tui)"
    ]
    assert config.keymap == {"prospects.add": "insert"}, "the rest applies"


def test_unknown_binding_ids_are_named_against_the_ids_the_app_defines(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        """\
        keymap:
          interview.next: ctrl+n
          interview.nxet: ctrl+n
        """,
    )
    config = load_config(path)
    assert config.problems == []
    assert config.check_bindings(binding_ids()) == [
        f"{path}:3:3: keymap: unknown binding id 'interview.nxet' (F1 lists the ids); ignored"
    ]


def test_an_unknown_theme_is_named_and_the_default_applies(tmp_path: Path) -> None:
    path = config_file(tmp_path, "theme: solarised-purple\n")
    config = load_config(path)
    assert config.check_theme(["textual-dark", "textual-light"]) == (
        f"{path}:1:1: unknown theme 'solarised-purple' (ctrl+t lists them); "
        "the default theme is used"
    )


def test_values_of_the_wrong_kind_are_left_out_the_rest_applies(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        """\
        tui:
          keymap:
            prospects.add: ""
            prospects.filter: f
          theme: [dark]
          sound: on
        """,
    )
    config = load_config(path)
    assert sorted(config.problems) == [
        f"{path}:3:5: tui.keymap.prospects.add: give one or more keys, separated by commas; "
        "ignored",
        f"{path}:5:3: tui.theme: must be text; ignored",
        f"{path}:6:3: unknown key 'tui.sound' (ignored; known: keymap, theme, language)",
    ]
    assert config.keymap == {"prospects.filter": "f"}, "the nested form still works"
    assert config.theme is None
    assert config.where("keymap", "prospects.filter") == f"{path}:4:5"


def test_broken_yaml_is_one_warning_with_its_place(tmp_path: Path) -> None:
    path = config_file(tmp_path, "keymap: [a, b\ntheme: x\n")
    config = load_config(path)
    assert len(config.problems) == 1
    # named where the bracket opens, not where PyYAML gave up (line 2)
    assert config.problems[0].startswith(
        f"{path}:1:9: YAML syntax error: this [ is not closed, or a comma is missing "
        "(noticed at line 2, column 6: "  # PyYAML's words: the C parser's or Python's
    )
    assert config.problems[0].endswith("; default keys in use")
    assert config.keymap == {} and config.theme is None


def test_every_setting_is_documented() -> None:
    for model in (ConfigFile, TuiSettings):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


async def test_the_app_shows_the_warnings_and_uses_the_keys_it_knows(
    tmp_path: Path, data_dir: Path, tiny_sets: Path
) -> None:
    path = config_file(
        tmp_path,
        """\
        keymap:
          prospects.add: insert
          prospects.ad: ctrl+a
        theme: no-such-theme
        editor: vim
        """,
    )
    app = QualifyApp(data_dir, tiny_sets, config=load_config(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)

        def warnings() -> list[str]:
            return [n.message for n in app._notifications if n.title == "Config"]

        await wait_for(pilot, lambda: len(warnings()) == 3, "the config warnings")
        assert sorted(warnings()) == [
            f"{path}:3:3: keymap: unknown binding id 'prospects.ad' (F1 lists the ids); ignored",
            f"{path}:4:1: unknown theme 'no-such-theme' (ctrl+t lists them); the default "
            "theme is used",
            f"{path}:5:1: unknown key 'editor' (ignored; known: keymap, theme, language, name, tui)",
        ]
        assert app.theme == "textual-dark"
        await pilot.press("insert")  # remapped: add a prospect
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProspectForm", "the form")


async def test_a_german_app_says_the_config_warnings_in_german(
    tmp_path: Path, data_dir: Path, tiny_sets: Path
) -> None:
    path = config_file(
        tmp_path,
        """\
        keymap:
          prospects.ad: ctrl+a
          prospects.filter: ""
        theme: no-such-theme
        editor: vim
        """,
    )
    app = QualifyApp(data_dir, tiny_sets, config=load_config(path), language="de")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)

        def warnings() -> list[str]:
            return [n.message for n in app._notifications if n.title == "Konfiguration"]

        await wait_for(pilot, lambda: len(warnings()) == 4, "the config warnings")
        assert sorted(warnings()) == [
            f"{path}:2:3: keymap: unbekannte Aktions-ID 'prospects.ad' (F1 listet die IDs); "
            "ignoriert",
            f"{path}:3:3: keymap.prospects.filter: geben Sie eine oder mehrere Tasten an, "
            "durch Kommas getrennt; ignoriert",
            f"{path}:4:1: unbekanntes Design 'no-such-theme' (ctrl+t listet sie auf); das "
            "Standarddesign wird verwendet",
            f"{path}:5:1: unbekannter Schlüssel 'editor' (ignoriert; bekannt: keymap, theme, "
            "language, name, tui)",
        ]
    # the same file read again says it in English, as the file's warnings always did
    english = load_config(path).problems
    assert any(p.startswith(f"{path}:5:1: unknown key 'editor' (ignored;") for p in english)


def test_a_config_file_too_large_is_not_read(tmp_path: Path) -> None:
    """Every command and the app read the config file: one of 6 MB (a wrong
    QUALIFY_CONFIG, a file pasted into) took half a minute a command. Over the limit it
    is one warning in the app and read by nobody, its settings as if absent."""
    from qualify.paths import CONFIG_MAX_BYTES, config_setting

    padding = "# " + "x" * 98 + "\n"
    text = "language: de\nkeymap: {prospects.filter: f}\n" + padding * (CONFIG_MAX_BYTES // 100)
    path = config_file(tmp_path, text)
    config = load_config(path)
    assert config.problems == [
        f"{path}: over 100,000 bytes, not read as a config file; default keys in use"
    ]
    assert config.keymap == {} and config.language is None
    assert config_setting("language", path) is None
    path.write_text("language: de\n", encoding="utf-8")  # a small one is read as before
    assert config_setting("language", path) == "de" and load_config(path).language == "de"
