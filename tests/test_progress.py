"""Progress on stderr, Ctrl-C during a solve, and plan files that are never half written."""

from __future__ import annotations

import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from click.testing import CliRunner

import planner.formats.write
from planner.cli.commands import _write, main
from planner.cli.progress import PlainProgress, progress_line, show_progress
from planner.formats.read import load_instance, load_plan
from planner.search.greedy import greedy
from planner.solve import Progress, solve
from planner.verify import verify

from helpers import EXAMPLES, generated_optimum

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "instances" / "generated"
EXAMPLE = EXAMPLES / "01-precedence-and-one-team.json"
LINE = re.compile(r"^\s+\d+\.\d s  objective [\d,-]+  bound [\d,-]+  gap (\d+\.\d%|-)$")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- the display ----------------------------------------------------------------


def test_a_progress_line_shows_time_objective_bound_and_gap() -> None:
    line = progress_line(Progress(12.34, 14_160_000, 10_200_000))
    assert line == "  12.3 s  objective 14,160,000  bound 10,200,000  gap 28.0%"


def test_a_progress_line_shows_a_dash_for_what_is_not_known_yet() -> None:
    assert progress_line(Progress(0.5, 380, None)) == "   0.5 s  objective 380  bound -  gap -"


def test_plain_progress_prints_the_first_line_at_once_then_one_every_five_seconds() -> None:
    out, clock = io.StringIO(), FakeClock()
    display = PlainProgress(out, clock=clock)
    display(Progress(0.1, 100, None))  # the first: shown
    for tenth in range(2, 600):  # a better plan and a better bound every 0.1 s for a minute
        clock.now = tenth / 10
        display(Progress(clock.now, 100 - tenth // 10, tenth // 20))
    display.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + 11 + 1  # the first, one every 5 s, the last on close
    assert lines[0].split()[3] == "100"
    assert lines[-1].endswith("objective 41  bound 29  gap 29.3%")


def test_plain_progress_prints_the_last_held_back_state_when_closed() -> None:
    out, clock = io.StringIO(), FakeClock()
    display = PlainProgress(out, clock=clock)
    display(Progress(0.1, 100, None))
    display(Progress(0.2, 100, 70))
    display.close()
    assert out.getvalue().splitlines()[-1].endswith("bound 70  gap 30.0%")


def test_show_progress_prints_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    with show_progress(out) as on_progress:
        assert isinstance(on_progress, PlainProgress)
        on_progress(Progress(1.0, 100, 80))
    assert LINE.match(out.getvalue().splitlines()[0])


def test_show_progress_draws_a_live_line_on_a_terminal_and_clears_it() -> None:
    out = Terminal()
    with show_progress(out) as on_progress:
        assert on_progress is not None and not isinstance(on_progress, PlainProgress)
        on_progress(Progress(1.0, 14_160_000, 10_200_000))
    assert "objective 14,160,000  bound 10,200,000  gap 28.0%" in out.getvalue()
    assert "\x1b[2K" in out.getvalue()  # the line is erased: the summary stands alone


def test_show_progress_gives_no_callback_when_quiet() -> None:
    out = Terminal()
    with show_progress(out, quiet=True) as on_progress:
        assert on_progress is None
    assert out.getvalue() == ""


# --- solve(on_progress=...) ----------------------------------------------------


def test_solve_reports_the_warm_start_first_then_better_plans_and_bounds() -> None:
    instance = load_instance(GENERATED / "small-s1.json")
    seen: list[Progress] = []
    result = solve(instance, time_limit=10, workers=1, seed=0, on_progress=seen.append)
    start = greedy(instance)
    assert start is not None
    assert seen[0].objective == start.objective.value
    objectives = [p.objective for p in seen if p.objective is not None]
    assert objectives == sorted(objectives, reverse=True)
    assert seen[-1].objective == result.objective
    assert verify(instance, result.plan).ok
    assert (result.status, result.objective) == ("optimal", generated_optimum("small-s1"))
    assert all(p.bound is None or p.objective is None or p.bound <= p.objective for p in seen)
    assert [p.elapsed for p in seen] == sorted(p.elapsed for p in seen)


# --- the solve command ---------------------------------------------------------


def test_solve_prints_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    args = ["solve", str(EXAMPLE), "-o", str(tmp_path / "plan.json"), "--workers", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert LINE.match(lines[0])
    assert "objective 380" in result.stderr


def test_solve_quiet_prints_only_the_summary(tmp_path: Path) -> None:
    args = ["solve", str(EXAMPLE), "-o", str(tmp_path / "plan.json"), "--workers", "1", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert not any(LINE.match(line) for line in result.stderr.splitlines())
    assert result.stderr.startswith("01-")  # the summary's first line: name, status
    assert "verified" in result.stderr


def test_ctrl_c_before_the_search_writes_nothing_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sys.modules["planner.solve"], "greedy_decisions", interrupted)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 130
    assert "interrupted: nothing was written" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_writing_keeps_the_old_plan_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan.json"
    out.write_text("the old plan")

    def interrupted(source: object, target: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(planner.formats.write.os, "replace", interrupted)
    result = CliRunner().invoke(main, ["solve", str(EXAMPLE), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert out.read_text() == "the old plan"
    assert list(tmp_path.iterdir()) == [out]


# --- a plan file is never half written -----------------------------------------


def test_write_leaves_the_old_file_and_no_temporary_file_when_writing_fails(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("the old plan")
    with pytest.raises(UnicodeEncodeError):
        _write('{"instance": "half' + "\udc80" + ' written"}', str(out))  # a lone surrogate
    assert out.read_text() == "the old plan"
    assert list(tmp_path.iterdir()) == [out]


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("the old plan")
    _write("the new plan\n", str(out))
    assert out.read_text() == "the new plan\n"
    assert list(tmp_path.iterdir()) == [out]


# --- Ctrl-C during a search, for real ------------------------------------------


@pytest.fixture
def sigint_recorded() -> Iterator[list[int]]:
    """SIGINT handled by a recorder during the test, so that a stray one cannot end the session."""
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, record)
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to its own process")
@pytest.mark.parametrize("workers", [1, 2])  # 2: the schedule neighbourhoods run alongside
def test_ctrl_c_during_a_search_returns_its_best_plan_and_restores_the_handler(
    sigint_recorded: list[int], workers: int
) -> None:
    instance = load_instance(GENERATED / "medium-s1.json")
    sent = threading.Event()

    def interrupt_once_searching(progress: Progress) -> None:
        if progress.bound is not None and not sent.is_set():  # bounds come from the search only
            sent.set()
            os.kill(os.getpid(), signal.SIGINT)

    started = time.perf_counter()
    result = solve(instance, time_limit=60, workers=workers, seed=0, on_progress=interrupt_once_searching)
    assert sent.is_set()
    assert result.interrupted
    assert time.perf_counter() - started < 30
    assert result.status in ("feasible", "optimal")
    assert verify(instance, result.plan).ok
    assert sigint_recorded == []  # the search's handler took it, the test's is back
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_DFL


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("workers", "signum"),
    [
        ("1", signal.SIGINT),
        ("2", signal.SIGINT),  # 2: the schedule neighbourhoods run alongside
        ("2", signal.SIGTERM),  # as a service manager stops a command: the best plan is kept too
    ],
)
def test_ctrl_c_stops_the_solve_command_which_writes_its_best_plan(
    tmp_path: Path, workers: str, signum: signal.Signals
) -> None:
    source = GENERATED / "medium-s1.json"
    out = tmp_path / "plan.json"
    command = [sys.executable, "-m", "planner", "solve", str(source), "-o", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--time-limit", "60", "--workers", workers],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a background job would inherit SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines = _lines(process)
        _wait_for(lines, re.compile(r"bound [\d,]+"), timeout=40)  # the search is under way
        process.send_signal(signum)
        code = process.wait(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert code == 0
    assert time.perf_counter() - started < 45  # well under the 60 s limit
    plan = load_plan(out)
    assert plan.status in ("feasible", "optimal")
    assert verify(load_instance(source), plan).ok
    assert list(tmp_path.iterdir()) == [out]
    rest = "".join(_drain(lines))
    assert "interrupted: the search stopped" in rest
    assert "verified" in rest


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The process's stderr lines, read by a thread (None at the end)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str | None], pattern: re.Pattern[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        assert line is not None, "the solve ended before it reported progress"
        if pattern.search(line):
            return line


def _drain(lines: queue.Queue[str | None]) -> Iterator[str]:
    while (line := lines.get(timeout=10)) is not None:
        yield line
