"""Every hostile file we attacked qualify with, through the command line a user runs:
the documented exit status, one located message, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qualify.cli import main

HERE = Path(__file__).parent
CORPUS = HERE / "hostile"
MINI = HERE / "cli" / "fixtures" / "mini"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def _check(path: Path, case: dict, code: int, output: str) -> None:
    assert "internal error" not in output and "Traceback" not in output, output
    if case["expect"] == "error":
        assert code == 1, output
        assert f"{path}:{case['at']}: {case['says']}" in output, output
    else:
        assert code == 0, output
        if case["expect"] == "warning":
            assert f"{path}:{case['at']}: warning: {case['says']}" in output, output


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES["sets"]) + len(CASES["answers"]) >= 100
    assert len(CASES["exports"]) >= 50
    for kind in ("sets", "answers", "exports"):
        assert {p.name for p in (CORPUS / kind).iterdir()} == set(CASES[kind])


@pytest.mark.parametrize("name", sorted(CASES["sets"]))
def test_hostile_question_set(name: str) -> None:
    path = CORPUS / "sets" / name
    code, output = _run("validate", str(path))
    _check(path, CASES["sets"][name], code, output)


@pytest.mark.parametrize("name", sorted(CASES["answers"]))
def test_hostile_answer_file(name: str) -> None:
    path = CORPUS / "answers" / name
    code, output = _run(
        "score", "--questionnaire", str(MINI / "mini-first.yaml"), "--answers", str(path)
    )
    _check(path, CASES["answers"][name], code, output)


def test_oversized_files_are_refused_unread(tmp_path: Path) -> None:
    big_set = tmp_path / "huge.yaml"
    big_set.write_text((MINI / "mini-first.yaml").read_text() + "# " + "x" * 2_100_000 + "\n")
    code, output = _run("validate", str(big_set))
    assert code == 1 and f"{big_set}:1:1: the file is" in output and "at most 2,000,000" in output
    big_answers = tmp_path / "answers.yaml"
    big_answers.write_text("notes: " + "x" * 1_000_100 + "\n")
    code, output = _run(
        "score", "--questionnaire", str(MINI / "mini-first.yaml"), "--answers", str(big_answers)
    )
    assert code == 1 and "more than 1,000,000 bytes" in output
    code, output = _run(
        "score", "--questionnaire", str(MINI / "mini-first.yaml"), "--answers", str(tmp_path)
    )
    assert code == 2 and "is a folder" in output


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", sorted(CASES["exports"]))
def test_hostile_export(name: str, tmp_path: Path) -> None:
    """An import trusts nothing: a refused file changes nothing, with the reason."""
    path = CORPUS / "exports" / name
    case = CASES["exports"][name]
    ws = tmp_path / "ws"
    base = ["--data-dir", str(ws), "--questionnaires", str(MINI)]
    if case.get("into") == "base":
        code, output = _run(*base, "import", str(CORPUS / "export-base.json"))
        assert code == 0, output
    else:
        from qualify.store.workspace import Workspace

        Workspace(ws)  # an empty workspace, as the first command makes it
    before = _files(ws)
    code, output = _run(*base, "import", str(path))
    assert "internal error" not in output and "Traceback" not in output, output
    if case["expect"] == "error":
        assert code == 1, output
        assert output.startswith(f"qualify: error: {path}"), output
        assert case["says"] in " ".join(output.split()), output
        after = _files(ws)
        after.pop("workspace.lock", None)
        before.pop("workspace.lock", None)
        assert after == before  # a refused file changes nothing
    else:
        assert code == 0, output
        assert f"imported {path}: {case['says']}" in output, output
