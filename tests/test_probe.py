"""HiGHS' root bound (`planner.mip.root_bound`) and the child process that computes it beside the search."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from planner.cpsat import RestartModel
from planner.cpsat.lns import ScheduleLns
from planner.formats.read import load_instance
from planner.mip import root_bound
from planner.problem.data import ProblemData
from planner.search.highs_process import BoundProbe
from planner.search.portfolio import Portfolio, SearchProgress

from helpers import generated_optimum, solve_checked

GENERATED = Path(__file__).resolve().parents[1] / "instances" / "generated"


def _data(name: str) -> ProblemData:
    return ProblemData.from_instance(load_instance(GENERATED / f"{name}.json"))


def test_the_root_bound_is_a_strong_bound_on_the_optimum() -> None:
    bound = root_bound(_data("medium-s1"), time_limit=60)
    optimum = generated_optimum("medium-s1")
    assert bound is not None
    assert bound <= optimum
    # Its point: strong at once (5,655,270 of 5,759,570 with HiGHS 1.16, in about 4 s).
    assert bound >= 0.95 * optimum


def test_the_probe_reports_the_root_bound_from_its_child_process() -> None:
    data = _data("small-s2")
    heard: list[int] = []
    came = threading.Event()

    def on_bound(bound: int) -> None:
        heard.append(bound)
        came.set()

    probe = BoundProbe(data, time_limit=60, seed=0, on_bound=on_bound)
    try:
        assert came.wait(60)
    finally:
        probe.stop()
    assert not probe.running
    assert heard == [root_bound(data, time_limit=60)]  # one thread, one seed: the same bound
    assert heard[0] <= generated_optimum("small-s2")


def test_stopping_the_probe_kills_its_child_at_once() -> None:
    heard: list[int] = []
    probe = BoundProbe(_data("large-s1"), time_limit=300, seed=0, on_bound=heard.append)
    time.sleep(0.5)
    assert probe.running  # large-s1's root takes HiGHS well over a minute
    probe.stop()
    assert not probe.running
    assert heard == []


def test_the_portfolio_probes_only_where_the_root_bound_can_come_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def portfolio(root_probe: bool = True) -> Portfolio:
        built = RestartModel(_data("small-s2"))
        progress = SearchProgress(0.0, built=built)
        lns = ScheduleLns(built)
        return Portfolio(
            built, lns, progress, cp_model.CpSolver(), 2, 0, False, lambda d: True, root_probe=root_probe
        )

    def probed(deadline: float, root_probe: bool = True) -> bool:
        tried = portfolio(root_probe)
        tried._probe_root(time.perf_counter() + deadline)
        if tried.probe is None:
            return False
        tried.probe.stop()
        return True

    assert probed(45)
    assert not probed(10)  # under PROBE_SECONDS left
    assert not probed(100)  # a minute or more: `_mip` computes the root in-process
    assert not probed(45, root_probe=False)  # solve(..., root_probe=False)
    monkeypatch.setattr("planner.search.portfolio.PROBE_CONSTRAINTS", 10)
    assert not probed(45)  # a model too big for its root to come in time
    monkeypatch.undo()
    monkeypatch.setattr("sys.executable", "/nonexistent/python")
    assert not probed(45)  # no Python to start the child with: no probe, and no crash


def test_a_run_stops_the_probe_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """The portfolio's hand-over far from a proof starts the probe; the end of the run kills it."""
    instance = load_instance(GENERATED / "medium-s1.json")  # not proven in 10 s
    started: list[Portfolio] = []
    probe_root = Portfolio._probe_root

    def recorded(self: Portfolio, deadline: float) -> None:
        probe_root(self, deadline)
        started.append(self)

    monkeypatch.setattr(Portfolio, "_probe_root", recorded)
    monkeypatch.setattr("planner.search.portfolio.PROBE_SECONDS", 0.0)
    monkeypatch.setattr("planner.search.portfolio._FAR", -1.0)  # every stall is far from a proof
    monkeypatch.setattr("planner.search.portfolio._PATIENCE", 0.0)
    result = solve_checked(instance, time_limit=10, workers=2)
    assert result.plan.objective.value is not None
    assert result.plan.objective.value >= generated_optimum("medium-s1")
    assert started, "the neighbourhoods handed over, so the probe started"
    probe = started[0].probe
    assert probe is not None and not probe.running
