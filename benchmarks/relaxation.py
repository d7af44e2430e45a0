"""The LP relaxation's bound (`planner.mip.lp_bound`) on every instance: its time, its value, its estimate.

    python -m benchmarks.relaxation [--time-limit 120] [--only NAMES]

For JLR-2025 and each generated instance: the CP-SAT model's size (the
constraints `planner.search.portfolio.lp_seconds` estimates from), the LP's time
(the MIP's build included, one thread, as in the child process of the
portfolio), its bound, the estimate, and the best plan and bound known
(`instances/generated/index.csv`; JLR-2025's optimum). Run alone: it times
things.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import click
import pandas as pd

from benchmarks.report import markdown

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "instances" / "generated"
JLR_OPTIMUM = 13_595_739  # proven by CP-SAT and by the MIP (benchmarks/README.md)


@click.command()
@click.option("--time-limit", default=120.0, show_default=True, help="Seconds for each LP.")
@click.option("--only", default="", help="Comma-separated instance names (default: all but xl-s1).")
def main(time_limit: float, only: str) -> None:
    """Time and bound of the LP relaxation, against the estimate the portfolio starts it by."""
    from planner.cpsat.model import RestartModel
    from planner.formats.read import load_instance
    from planner.mip import lp_bound
    from planner.problem.data import ProblemData
    from planner.search.portfolio import lp_seconds

    known = {row["name"]: row for row in csv.DictReader((GENERATED / "index.csv").open())}
    paths = {"jlr-2025": ROOT / "instances" / "jlr-2025.json"} | {
        p.stem: p for p in sorted(GENERATED.glob("*.json"))
    }
    names = [n for n in only.split(",") if n] or [n for n in paths if n != "xl-s1"]
    rows = []
    for name in names:
        data = ProblemData.from_instance(load_instance(paths[name]))
        constraints = len(RestartModel(data).model.proto.constraints)
        started = time.perf_counter()
        bound = lp_bound(data, time_limit=time_limit)
        seconds = time.perf_counter() - started
        best = JLR_OPTIMUM if name == "jlr-2025" else int(known[name]["best_known"])
        proved = JLR_OPTIMUM if name == "jlr-2025" else int(known[name]["bound"])
        rows.append(
            {
                "instance": name,
                "constraints": constraints,
                "lp s": round(seconds, 2),
                "estimate s": round(lp_seconds(constraints), 2),
                "lp bound": bound,
                "best known": best,
                "best bound known": proved,
                "lp / best known": None if bound is None else round(bound / best, 3),
            }
        )
        click.echo(rows[-1])
    frame = pd.DataFrame(rows)
    out = Path(__file__).parent / "results" / "relaxation"
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "lp-bounds.csv", index=False)
    click.echo(markdown(frame))


if __name__ == "__main__":
    main()
