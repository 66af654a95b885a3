"""Generated hostile input, within a fixed time budget: question sets, answer files and
names full of control characters, YAML syntax and numbers-that-are-not. Whatever comes in,
qualify answers with a documented exit status and a located message — never an internal
error, never a hang."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import orjson
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualify.cli import main
from qualify.core.questionnaire import (
    AnswersError,
    load_answers_text,
    load_question_set,
    parse_question_set,
)

MINI = Path(__file__).parent / "cli" / "fixtures" / "mini"
BASE = (MINI / "mini-first.yaml").read_text(encoding="utf-8")
QS = load_question_set(MINI / "mini-first.yaml")

DOCUMENTED_EXIT = {0, 1, 2, 3, 4, 5}
"""README, "Exit status": 0 done, 1 bad input, 2 usage, 3 gate not met, 4 moved meanwhile,
5 done with problems (something unreadable was skipped)."""

FUZZ = settings(
    max_examples=120,
    deadline=3000,  # milliseconds per example: a hang is a failure, not a slow test
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples in CI every time; new attacks go to the corpus
)

hostile_chars = st.sampled_from(
    list("\x00\x07\x08\x1b\x7f\x85\x9b\u200b\u202e\u2028\ufeff\t\r\n")
    + list(":-?[]{}&*!|>'\"%@`#,")
    + ["12:30", "0x1F", ".inf", ".nan", "1_000", "1e3", "<<"]
)
hostile_text = st.lists(st.one_of(hostile_chars, st.text(max_size=4)), max_size=12).map("".join)

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _located(problem, text: str) -> None:
    lines = text.count("\n") + 2
    assert 1 <= problem.line <= lines, problem
    assert problem.col >= 1, problem
    assert problem.message and "Traceback" not in problem.message


@FUZZ
@given(at=st.integers(min_value=0, max_value=len(BASE)), junk=hostile_text)
def test_a_question_set_with_junk_anywhere_loads_or_says_where(at: int, junk: str) -> None:
    text = BASE[:at] + junk + BASE[at:]
    qs, problems = parse_question_set(text, "fuzz.yaml")
    for problem in problems:
        _located(problem, text)
    if qs is None:
        assert any(p.severity == "error" for p in problems)


question_ids = st.sampled_from([*QS.questions, "nope", "", "Reps", "reps ", "__class__"])
scalars = st.one_of(
    hostile_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["dealer", "online", "yes", "no", "~", "[]", "{}", "[dealer, x]", "&a x"]),
)


def _yaml_scalar(value: str) -> str:
    """Sometimes plain, sometimes quoted: both must be read by the question's type."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' if "\n" in value else value


@FUZZ
@given(st.lists(st.tuples(question_ids, scalars), max_size=6))
def test_an_answer_file_is_read_or_refused_with_located_problems(pairs) -> None:
    text = "".join(f"{qid or '?'}: {_yaml_scalar(value)}\n" for qid, value in pairs)
    try:
        answers = load_answers_text(text, "fuzz.yaml", QS)
    except AnswersError as exc:
        assert exc.problems
        for problem in exc.problems:
            _located(problem, text)
        return
    for answer in answers.values():
        question = QS.questions[answer.question_id]
        if question.type == "text" and answer.state == "answered":
            assert isinstance(answer.value, str)
        if question.type == "number" and answer.value is not None:
            assert abs(answer.value) <= 1e15


@FUZZ
@given(name=hostile_text.filter(lambda s: s.strip()), territory=hostile_text)
def test_names_full_of_control_characters_never_reach_the_terminal_raw(
    tmp_path_factory, name: str, territory: str
) -> None:
    data = tmp_path_factory.mktemp("ws")
    runner = CliRunner()
    base = ["--data-dir", str(data), "--questionnaires", str(MINI)]
    added = runner.invoke(main, [*base, "prospect", "add", name, "--territory", territory])
    assert added.exit_code in DOCUMENTED_EXIT, added.output
    assert "internal error" not in added.output
    listed = runner.invoke(main, [*base, "prospect", "list"])
    assert listed.exit_code == 0, listed.output
    assert not RAW_CONTROL.search(listed.stdout + listed.stderr)
    if added.exit_code == 0:
        pid = added.stdout.strip()
        shown = runner.invoke(main, [*base, "prospect", "show", pid])
        assert shown.exit_code == 0, shown.output
        assert not RAW_CONTROL.search(shown.stdout + shown.stderr)
        assert len(listed.stdout.splitlines()) == 2  # header and one row, whatever the name


# ------------------------------------------------------------------ exports

BASE_EXPORT = orjson.loads((Path(__file__).parent / "hostile" / "export-base.json").read_bytes())
_SNAPSHOT = next(iter(BASE_EXPORT["snapshots"]))
EXPORT_PLACES = [
    ("version",),
    ("prospects", 0, "prospect", "name"),
    ("prospects", 0, "prospect", "territory"),
    ("prospects", 0, "prospect", "updated_at"),
    ("prospects", 0, "prospect", "kind"),
    ("prospects", 0, "interviews", 0, "answers", "reps", "value"),
    ("prospects", 0, "interviews", 0, "answers", "company_type", "value"),
    ("prospects", 0, "interviews", 0, "answers", "needs_training", "value"),
    ("prospects", 0, "interviews", 0, "answers", "reps", "state"),
    ("prospects", 0, "interviews", 0, "answers", "reps", "note"),
    ("prospects", 0, "interviews", 0, "questionnaire_hash"),
    ("prospects", 0, "interviews", 0, "completed_at"),
    ("prospects", 1, "prospect", "stage"),
    ("prospects", 1, "prospect", "status"),
    ("prospects", 1, "history", 0, "to_stage"),
    ("prospects", 1, "history", 0, "action"),
    ("prospects", 2, "history", 1, "overridden"),
    ("prospects", 2, "history", 1, "reason"),
    ("prospects", 2, "history", 1, "gate"),
    ("prospects", 2, "history", 1, "details"),
    ("prospects", 2, "history", 1, "at"),
    ("prospects", 2, "prospect", "stage"),
    ("snapshots", _SNAPSHOT, "title"),
    ("snapshots", _SNAPSHOT, "version"),
]
export_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
        st.sampled_from(
            ["commitment", "review", "first-date", "lunch", "committed", "declined", "advance",
             "undo", "2026-13-45", "9999-12-31T00:00:00Z", "2026-03-04T09:00:00", "../x"]
        ),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)),
    max_leaves=6,
)  # fmt: skip


def _set_at(doc: dict, place: tuple, value: object) -> None:
    target = doc
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value


EXPORT_FUZZ = settings(FUZZ, max_examples=60)
"""Each example is a workspace, an import, a list and a portfolio: fewer, still fixed."""


@EXPORT_FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(EXPORT_PLACES), export_values), max_size=3))
def test_an_export_with_hostile_values_is_imported_or_refused_cleanly(
    tmp_path_factory, edits
) -> None:
    doc = copy.deepcopy(BASE_EXPORT)
    for place, value in edits:
        _set_at(doc, place, value)
    folder = tmp_path_factory.mktemp("imp")
    path = folder / "hostile.json"
    path.write_bytes(orjson.dumps(doc))
    runner = CliRunner()
    base = ["--data-dir", str(folder / "ws"), "--questionnaires", str(MINI)]
    imported = runner.invoke(main, [*base, "import", str(path)])
    output = imported.stdout + imported.stderr
    assert imported.exit_code in (0, 1), output
    assert "internal error" not in output and "Traceback" not in output, output
    assert not RAW_CONTROL.search(output), output
    event("refused" if imported.exit_code else "imported")
    if imported.exit_code == 1:
        assert output.startswith(f"qualify: error: {path}"), output
        assert not (folder / "ws" / "prospects").exists() or not any(
            (folder / "ws" / "prospects").rglob("*.json")
        ), "a refused file changed the workspace"
        return
    for command in (["prospect", "list"], ["report", "--portfolio"]):
        done = runner.invoke(main, [*base, *command])
        out = done.stdout + done.stderr
        assert done.exit_code == 0, (command, out)
        assert "internal error" not in out and not RAW_CONTROL.search(done.stdout), out
