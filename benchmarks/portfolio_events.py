"""When does each part of the portfolio run, and where does each plan come from? One JLR-2025 solve.

    python -m benchmarks.portfolio_events --time-limit 60

Wraps the portfolio's steps (`planner.search.portfolio.Portfolio`) and its
progress (`SearchProgress`) to print, with the seconds since the solve
began: each step's call and end, each plan a search running alongside
offers (`found`: the neighbourhoods' or HiGHS'), and the count of CP-SAT's
own plans. The wrappers only record; they cost microseconds, which (see
benchmarks/README.md, "JLR-2025 at 60 s hangs on timing noise") can be
enough to move the result.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parents[1]
STEPS = [
    "_probe_relaxation",
    "_search_mip_aside",
    "_await_highs",
    "_probe_root",
    "_await_probe",
    "_mip",
    "_polish",
]


@click.command()
@click.option("--time-limit", type=float, default=60.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def main(time_limit: float, seed: int) -> None:
    import planner.search.portfolio as portfolio
    from planner.formats.read import load_instance
    from planner.solve import solve

    events: list[tuple[float, str, Any]] = []
    began = [time.perf_counter()]

    def record(name: str, extra: Any = "") -> None:
        events.append((time.perf_counter() - began[0], name, extra))

    for step in STEPS:
        original = getattr(portfolio.Portfolio, step)

        def wrapped(self: Any, *args: Any, _original: Any = original, _step: str = step, **kw: Any) -> Any:
            record(f"call {_step}")
            try:
                return _original(self, *args, **kw)
            finally:
                record(f"end {_step}")

        setattr(portfolio.Portfolio, step, functools.wraps(original)(wrapped))
    found, own = portfolio.SearchProgress.found, portfolio.SearchProgress.on_solution_callback

    def on_found(self: Any, decisions: Any) -> None:
        record("found", decisions.objective)
        found(self, decisions)

    def on_own(self: Any) -> None:
        record("cpsat")
        own(self)

    portfolio.SearchProgress.found = on_found  # type: ignore[method-assign]
    portfolio.SearchProgress.on_solution_callback = on_own  # type: ignore[method-assign]
    instance = load_instance(ROOT / "instances" / "jlr-2025.json")
    began[0] = time.perf_counter()
    result = solve(instance, time_limit=time_limit, workers=2, seed=seed)
    for seconds, name, extra in events:
        if name != "cpsat":
            print(f"{seconds:6.1f} s  {name} {extra}")
    print(f"CP-SAT's own plans: {sum(name == 'cpsat' for _, name, _ in events)}")
    print(f"plan {result.objective:,}, bound {result.bound:,}, {result.runtime:.1f} s")


if __name__ == "__main__":
    main()
