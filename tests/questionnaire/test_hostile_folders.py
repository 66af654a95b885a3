"""A folder of question sets with one bad file in it: the bad file gets one located
line, the others are read and checked as if it were fine, and nothing costs more than
the size limit (found by attacking the loader as a hostile user)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from support import done_without_a_writer

from qualify.cli import main
from qualify.core.questionnaire import load_catalog, parse_question_set
from qualify.core.questionnaire.yamlsource import LIMITS, parse_yaml
from qualify.core.suggest import closest
from qualify.setcache import _folder_content

BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires"
MINI = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini"


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    folder = tmp_path / "sets"
    shutil.copytree(BUNDLED, folder)
    return folder


def qualify(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ------------------------------------------------------------------ reading the files


def test_a_huge_file_is_refused_from_its_size_and_the_folder_read_on(sets) -> None:
    huge = sets / "huge.yaml"
    with open(huge, "wb") as handle:  # sparse: 50 MB on the disk's word, not its space
        handle.truncate(50_000_000)
    catalog = load_catalog(sets)
    (problem,) = catalog.problems_in(huge)
    assert (problem.line, problem.col) == (1, 1)
    assert "the file is 50,000,000 bytes; at most 2,000,000 are read" in problem.message
    assert "first-date" in catalog.question_sets and catalog.pipeline is not None
    # the cache's key reads no more of it than the loader does
    content = _folder_content(sets)
    assert content is not None and len(content) < 2 * LIMITS.max_bytes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_nobody_writes_to_is_an_empty_file_not_a_wait(tmp_path) -> None:
    """`qualify validate pipe.yaml` on a named pipe waited for ever for a writer."""
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    done = done_without_a_writer(pipe, lambda: qualify("validate", str(pipe)), "validate")
    assert done.exit_code == 1
    assert f"{pipe}:1:1: the file is empty" in done.stdout


def test_an_oversized_utf8_file_is_told_its_size_not_a_cut_character(tmp_path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "é" * 1_500_000 + "\n", encoding="utf-8")
    result = qualify("validate", str(big))
    assert result.exit_code == 1
    assert f"{big}:1:1: the file is 3,000,003 bytes; at most 2,000,000 are read" in result.stdout
    assert "UTF-8" not in result.stdout


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_that_cannot_be_read_is_a_problem_not_the_end(sets) -> None:
    (sets / "zz.yaml").symlink_to("/proc/self/mem")  # listed as a file; reading it fails
    catalog = load_catalog(sets)
    (problem,) = catalog.problems_in(sets / "zz.yaml")
    assert (problem.line, problem.col) == (1, 1) and "cannot read it:" in problem.message
    assert "first-date" in catalog.question_sets and catalog.pipeline is not None
    result = qualify("validate", str(sets))
    assert result.exit_code == 1
    assert f"{sets / 'zz.yaml'}:1:1: cannot read it:" in result.stdout
    assert f"checked {sets / 'first-date.yaml'} ... ok" in result.stdout


# ------------------------------------------------------------- one mistake, one message


def test_a_broken_pipeline_is_what_the_commands_name(sets, tmp_path) -> None:
    (sets / "pipeline.yaml").write_text("stages: [\n", encoding="utf-8")
    data = tmp_path / "ws"
    result = CliRunner().invoke(
        main, ["--data-dir", str(data), "--questionnaires", str(sets), "prospect", "add", "P"]
    )
    assert result.exit_code == 1
    assert "no valid pipeline.yaml" in result.stderr
    assert (
        f"{sets / 'pipeline.yaml'}:1:9: YAML syntax error: this [ is not closed" in result.stderr
        and "engagement.yaml" not in (result.stderr)
    )
    # the sets' names of other stages wait for the pipeline, not for "the folder"
    warnings = [p for p in load_catalog(sets).problems if p.severity == "warning"]
    assert warnings and all("while pipeline.yaml has errors" in p.message for p in warnings)


def test_an_earlier_sets_mistake_does_not_break_the_sets_that_read_it(sets) -> None:
    first = sets / "first-date.yaml"
    first.write_text(
        first.read_text(encoding="utf-8").replace("{min: 75,", "{min: 75, wieght: 2,", 1),
        encoding="utf-8",
    )
    catalog = load_catalog(sets)
    errors = catalog.errors
    assert [Path(p.path).name for p in errors] == ["first-date.yaml"], errors
    assert "unknown field 'wieght'" in errors[0].message
    assert set(catalog.question_sets) >= {"getting-to-know", "engagement", "commitment"}
    said = [p.message for p in catalog.problems_in(sets / "engagement.yaml")]
    assert said and all("which has errors: it is checked once they are fixed" in m for m in said)


# ------------------------------------------------------------------ the values inside


def test_pyyamls_own_message_stays_on_one_line() -> None:
    doc = parse_yaml("a: 1\ntitle: !!seq abc\n", "s.yaml")
    (problem,) = doc.problems
    assert (problem.line, problem.col) == (2, 8)
    assert "\n" not in problem.message and "<unicode string>" not in problem.message


def test_a_number_too_long_to_read_is_text_and_a_message_quotes_it_short(tmp_path) -> None:
    from qualify.core.questionnaire import load_answers_text, load_question_set

    digits = "9" * 5000
    qs = load_question_set(MINI / "mini-first.yaml")
    assert load_answers_text(f"notes: {digits}\n", "a.yaml", qs)["notes"].value == digits
    assert parse_yaml(f"a: {digits}\n", "s.yaml").data == {"a": digits}
    doc = parse_yaml(f"a: !!float x{digits}\n", "s.yaml")
    (problem,) = doc.problems
    assert len(problem.message) < 200 and "…" in problem.message


def test_line_numbers_count_an_old_macs_line_breaks() -> None:
    doc = parse_yaml("a: 1\rb: 2\rc: x\x1by\r", "s.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(3, 5)]


def test_a_plain_merge_key_is_refused_as_one() -> None:
    doc = parse_yaml("base: &b {x: 1}\nitem: {<<: *b, y: 2}\n", "s.yaml")
    assert [p.message for p in doc.problems] == [
        "merge keys (<<) are not supported; write the keys out"
    ]


@pytest.mark.parametrize("snippet", ["!!int 1_000", "!!float 1_0", "!!bool yes", "!!bool on"])
def test_an_explicit_tag_reads_yaml_12_and_nothing_more(snippet) -> None:
    doc = parse_yaml(f"a: {snippet}\n", "s.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(1, 4)], doc.problems


@pytest.mark.parametrize("snippet", ["!!int 0x1F", "!!float 1e3", "!!bool True"])
def test_an_explicit_tag_reads_what_yaml_12_writes(snippet) -> None:
    assert parse_yaml(f"a: {snippet}\n", "s.yaml").problems == []


# ---------------------------------------------------------------- "did you mean …?"


def test_a_thousand_misnamed_conditions_each_get_their_suggestion() -> None:
    lines = ["id: typos", "version: 1", "title: Typos", "sections:", "  - id: s", "    title: S"]
    lines.append("    questions:")
    for i in range(1000):
        lines += [f"      - id: question_number_{i}", "        type: number", "        text: N"]
        if i:
            lines.append(f'        when: "question_numbr_{i - 1} > 1"')
    _, problems = parse_question_set("\n".join(lines) + "\n", "t.yaml")
    unknown = [p for p in problems if "unknown question" in p.message]
    assert len(unknown) == 999
    assert "(did you mean 'question_number_41'?)" in unknown[41].message


@pytest.mark.parametrize("count", [10, 500])
def test_closest_finds_a_typo_among_few_or_many(count: int) -> None:
    names = [f"q{i}_employees" for i in range(count)] + ["partner_type", "annual_revenue"]
    assert closest("partner_typ", names) == ["partner_type"]  # a letter dropped
    assert closest("partenr_type", names) == ["partner_type"]  # two swapped
    assert closest("anual_revenue", names) == ["annual_revenue"]
    assert closest("zzzzzz", names) == []


def test_closest_among_many_skips_what_is_far_and_bears_long_words() -> None:
    names = [f"name_{i}" for i in range(200)]
    assert closest("x" * 100_000, names) == []
    assert closest("completely_other", names) == []


def test_the_size_limit_is_what_the_reader_reads() -> None:
    assert LIMITS.max_bytes == 2_000_000  # the messages above quote it
    assert os.path.getsize(BUNDLED / "first-date.yaml") < LIMITS.max_bytes


def _edits(a: str, b: str) -> int:
    """Letters added, dropped, changed or two neighbours swapped (optimal string
    alignment distance)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@given(
    st.lists(st.from_regex(r"[a-z_]{3,12}", fullmatch=True), min_size=70, max_size=120),
    st.data(),
)
@settings(max_examples=60, deadline=None)
def test_among_many_names_a_typo_gets_a_name_one_edit_away(names, data) -> None:
    """Among many names, a typo of one edit is given a name one edit away (only those are
    weighed when there are any: core/suggest.py)."""
    name = data.draw(st.sampled_from(names))
    at = data.draw(st.integers(0, len(name) - 1))
    edit = data.draw(st.sampled_from(["drop", "add", "change", "swap"]))
    if edit == "drop":
        word = name[:at] + name[at + 1 :]
    elif edit == "add":
        word = name[:at] + "q" + name[at:]
    elif edit == "change":
        word = name[:at] + ("q" if name[at] != "q" else "z") + name[at + 1 :]
    else:
        at = min(at, len(name) - 2)
        word = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if word in names:
        return
    found = closest(word, list(dict.fromkeys(names)))
    assert found and _edits(word, found[0]) <= 1, (word, found)


def test_a_stem_shared_by_thousands_still_suggests_the_name_meant() -> None:
    names = [f"question_number_{i}" for i in range(2000)]
    assert closest("question_numbr_1998", names) == ["question_number_1998"]
    assert closest("question_nubmer_7", names) == ["question_number_7"]
    assert closest("question_number_77x", names) == ["question_number_77"]
    assert closest("question_numbe_5x", names) == ["question_number_5"]  # two edits
