"""The progress line of a command that takes seconds (a portfolio with nothing kept, a
demo of thousands): on a terminal only, once the command has run half a second, at most
ten times a second, and wiped before anything else is said."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli.main import main
from qualify.cli.progress import ProgressLine


class Terminal(io.StringIO):
    """A terminal's standard error: what was written, as a terminal would show it."""

    def isatty(self) -> bool:
        return True

    def shown(self) -> str:
        """The line as it reads now: each carriage return starts it again, over the last."""
        line = ""
        for part in self.getvalue().split("\r"):
            line = part + line[len(part) :]
        return line.rstrip()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _line(stream: io.StringIO, clock: Clock) -> ProgressLine:
    return ProgressLine("assessing prospects: {done} of {total}", stream, clock=clock)


def test_a_quick_command_shows_nothing() -> None:
    terminal, clock = Terminal(), Clock()
    with _line(terminal, clock) as progress:
        for done in range(1, 101):
            clock.now += 0.004  # a hundred in 0.4 s
            progress(done, 100)
    assert terminal.getvalue() == ""


def test_a_long_command_counts_then_the_line_is_wiped() -> None:
    terminal, clock = Terminal(), Clock()
    with _line(terminal, clock) as progress:
        clock.now += 0.6
        progress(4000, 10_000)
        assert terminal.shown() == "assessing prospects: 4,000 of 10,000"
        writes = terminal.getvalue()
        clock.now += 0.05
        progress(4100, 10_000)  # too soon: not drawn again
        assert terminal.getvalue() == writes
        clock.now += 0.06
        progress(4200, 10_000)
        assert terminal.shown() == "assessing prospects: 4,200 of 10,000"
        clock.now += 0.01
        progress(10_000, 10_000)  # the last one is always drawn
        assert terminal.shown() == "assessing prospects: 10,000 of 10,000"
    assert terminal.shown() == ""  # wiped: what the command says next starts a clean line
    assert terminal.getvalue().endswith("\r")


def test_a_shorter_count_leaves_nothing_of_the_longer_one() -> None:
    terminal, clock = Terminal(), Clock()
    progress = ProgressLine("{done} of {total} done", terminal, clock=clock)
    clock.now += 1
    progress(10_000, 10_000)
    clock.now += 1
    progress(9, 10)
    assert terminal.shown() == "9 of 10 done"


def test_the_line_is_wiped_when_the_command_fails() -> None:
    terminal, clock = Terminal(), Clock()
    with pytest.raises(KeyboardInterrupt), _line(terminal, clock) as progress:
        clock.now += 1
        progress(1, 2)
        raise KeyboardInterrupt
    assert terminal.shown() == ""


def test_ctrl_c_leaves_nothing_of_the_line_nor_of_its_echo() -> None:
    terminal, clock = Terminal(), Clock()
    with pytest.raises(KeyboardInterrupt), _line(terminal, clock) as progress:
        clock.now += 1
        progress(1, 2)
        terminal.write("^C")  # the terminal's echo of the key, where the cursor was
        raise KeyboardInterrupt
    assert terminal.shown() == ""


def test_a_pipe_or_a_file_gets_nothing() -> None:
    piped, clock = io.StringIO(), Clock()
    with _line(piped, clock) as progress:
        clock.now += 5
        progress(1, 2)
        progress(2, 2)
    assert piped.getvalue() == ""


def test_a_terminal_gone_away_does_not_stop_the_work() -> None:
    class Gone(Terminal):
        def write(self, text: str) -> int:
            raise OSError(5, "Input/output error")

    clock = Clock()
    with _line(Gone(), clock) as progress:
        clock.now += 1
        progress(1, 3)
        progress(3, 3)  # nothing raised, nothing more tried


def test_the_commands_say_no_progress_into_a_log(tmp_path) -> None:
    data = str(tmp_path / "ws")
    runner = CliRunner()
    added = runner.invoke(main, ["--data-dir", data, "demo", "--prospects", "12"])
    assert added.exit_code == 0, added.output
    report = runner.invoke(main, ["--data-dir", data, "report", "--portfolio", "--format", "md"])
    assert report.exit_code == 0, report.output
    for result in (added, report):
        assert "prospects:" not in result.stderr and "\r" not in result.output
    assert report.stdout.startswith("# Partner portfolio")


def test_the_line_speaks_the_language_in_use() -> None:
    from qualify.cli.progress import adding_samples, assessing
    from qualify.i18n import use_language

    terminal, clock = Terminal(), Clock()
    with use_language("de"):
        progress = ProgressLine(assessing().label, terminal, clock=clock)
        clock.now += 1
        progress(2500, 10_000)
        assert adding_samples().label.startswith("Beispiel-Interessenten werden angelegt")
    assert terminal.shown() == "Interessenten werden bewertet: 2.500 von 10.000"


def test_the_line_never_wraps_on_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")  # (a StringIO has no terminal size of its own)
    terminal, clock = Terminal(), Clock()
    progress = _line(terminal, clock)
    clock.now += 1
    progress(4000, 10_000)
    assert terminal.shown() == "assessing prospects"


@pytest.fixture
def five(tmp_path) -> Path:
    """A workspace with five sample prospects, the third one's file broken."""
    data = tmp_path / "ws"
    added = CliRunner().invoke(main, ["--data-dir", str(data), "demo", "--prospects", "5"])
    assert added.exit_code == 0, added.output
    broken = sorted((data / "prospects").glob("*/*.json"))[2]
    broken.write_text("{not json", encoding="utf-8")
    return data


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_counts_every_prospect_the_broken_one_too(five: Path, tmp_path, fmt) -> None:
    from qualify.store import open_store
    from qualify.store.transfer import export_workspace

    told: list[tuple[int, int]] = []
    store = open_store(five)
    written = export_workspace(store, tmp_path / f"out.{fmt}", fmt, None, lambda *n: told.append(n))
    assert written == 4 and len(store.unreadable()) == 1
    assert told == [(n, 5) for n in range(1, 6)]


def test_the_doctor_counts_every_file_it_checks(five: Path) -> None:
    from qualify.store.workspace.doctor import examine

    told: list[tuple[int, int]] = []
    checkup = examine(five, progress=lambda *n: told.append(n))
    files = [p for p in (five / "prospects").glob("*/*") if p.is_file()]
    assert told == [(n, len(files)) for n in range(1, len(files) + 1)]
    assert not checkup.healthy  # the broken file is found, counted like the others


def test_an_import_counts_each_step_in_its_own_words(five: Path, tmp_path) -> None:
    """Read, checked, written: each step counts every prospect of the file (written ones
    run by run), those merged into ones already here too, and the line says which step
    it is at."""
    from qualify.cli.progress import StepsLine, importing
    from qualify.store import open_store
    from qualify.store.transfer import export_workspace, import_workspace

    broken = sorted((five / "prospects").glob("*/*.json"))[2]
    broken.unlink()  # (the fixture's broken file: the export is of the four others)
    export = tmp_path / "four.json"
    assert export_workspace(open_store(five), export) == 4
    target = tmp_path / "target"
    assert import_workspace(open_store(target), export).added == 4
    told: list[tuple[str, int, int]] = []
    report = import_workspace(open_store(target), export, progress=lambda *n: told.append(n))
    assert report.unchanged == 4
    for step in ("reading", "checking"):
        assert [(d, t) for s, d, t in told if s == step] == [(n, 4) for n in range(1, 5)], told
    assert [(d, t) for s, d, t in told if s == "writing"] == [(4, 4)]  # merged in one run
    assert [s for s, _, _ in told] == sorted([s for s, _, _ in told], key=STEPS.index)

    terminal, clock = Terminal(), Clock()
    with StepsLine(importing().labels, terminal, clock=clock) as line:
        clock.now += 1
        line.step("checking", 2500, 10_000)
        assert terminal.shown() == "checking the export: 2,500 of 10,000 prospects"
        clock.now += 1
        line.step("writing", 40, 10_000)
        assert terminal.shown() == "importing prospects: 40 of 10,000"
    assert terminal.shown() == ""


STEPS = ["reading", "checking", "writing"]


def test_an_import_of_new_prospects_counts_them_written_run_by_run(
    five: Path, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualify.store import open_store, transfer

    monkeypatch.setattr(transfer, "WRITE_RUN", 3)
    sorted((five / "prospects").glob("*/*.json"))[2].unlink()
    export = tmp_path / "four.json"
    transfer.export_workspace(open_store(five), export)
    told: list[tuple[str, int, int]] = []
    target = open_store(tmp_path / "target")
    report = transfer.import_workspace(target, export, progress=lambda *n: told.append(n))
    assert report.added == 4
    assert [(d, t) for s, d, t in told if s == "writing"] == [(3, 4), (4, 4)]


def test_removing_the_samples_counts_them_run_by_run(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualify.store import open_store
    from qualify.workflow import demo

    data = tmp_path / "ws"
    added = CliRunner().invoke(main, ["--data-dir", str(data), "demo", "--prospects", "5"])
    assert added.exit_code == 0, added.output
    monkeypatch.setattr(demo, "REMOVE_RUN", 2)
    told: list[tuple[int, int]] = []
    assert demo.remove(open_store(data), lambda *n: told.append(n)) == 5
    assert told == [(2, 5), (4, 5), (5, 5)]
    assert open_store(data).list_prospects() == []
