"""Where should a what-if scenario's search start: from the base's plan, or from its own greedy plan?

    python -m benchmarks.whatif_start jlr medium-s1 --time-limit 20

For each instance (`jlr` or a generated one) the base is solved once, for
`--base-time-limit` seconds; then each of its marginal scenarios
(`planner.decisions.whatif.marginal_scenarios`, `--first N` of them) is solved twice
with the same limit, seed and workers, the base's plan as the hint:

- `follow`: the search warm-started from the base's plan (`follow_hint=True`,
  what `whatif` did before 2026-12-07);
- `own`: CP-SAT's search from the scenario's own greedy plan, the
  neighbourhoods from the better of it and the base's (`follow_hint=False`).

Either way the base's plan, where it keeps the scenario's rules, is the
floor of what the scenario can lose (`whatif` shares plans the same way), so
each row reports the scenario's value after that sharing, its bound, and the
width of the proven interval of the saving (the base's gap plus the
scenario's). Lower is better in every column but `bound`.
"""

from __future__ import annotations

import platform
from pathlib import Path

import click
import pandas as pd

from benchmarks.report import markdown

ROOT = Path(__file__).resolve().parents[1]


def measure(
    name: str, time_limit: float, base_time_limit: float, workers: int, first: int | None
) -> list[dict[str, object]]:
    from planner.decisions.changes import apply_changes
    from planner.decisions.whatif import marginal_scenarios
    from planner.formats.read import load_instance
    from planner.solve import rebase, solve

    path = ROOT / "instances" / ("jlr-2025.json" if name == "jlr" else f"generated/{name}.json")
    instance = load_instance(path)
    base = solve(instance, time_limit=base_time_limit, workers=workers, seed=0)
    assert base.objective is not None and base.bound is not None
    rows = []
    for scenario in marginal_scenarios(instance)[:first]:
        changed = apply_changes(instance, scenario.changes)
        shared = rebase(changed, base.plan)
        floor = None if shared is None else shared.objective.value
        row: dict[str, object] = {"instance": name, "scenario": scenario.name}
        for start, follow in (("follow", True), ("own", False)):
            result = solve(
                changed, time_limit=time_limit, workers=workers, seed=0, hint=base.plan, follow_hint=follow
            )
            value = min(v for v in (result.objective, floor) if v is not None)
            row[start] = value
            row[f"{start} bound"] = result.bound
            if result.bound is not None:
                row[f"{start} width"] = (base.objective - base.bound) + (value - result.bound)
        rows.append(row)
        click.echo(rows[-1], err=True)
    return rows


@click.command()
@click.argument("instances", nargs=-1, required=True)
@click.option("--time-limit", type=float, default=20.0, show_default=True, help="Per scenario solve.")
@click.option("--base-time-limit", type=float, default=60.0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--first", type=int, default=None, help="Only the first N marginal scenarios of each.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(
    instances: tuple[str, ...],
    time_limit: float,
    base_time_limit: float,
    workers: int,
    first: int | None,
    out: Path | None,
) -> None:
    """Each marginal scenario solved following the base's plan, and from its own greedy plan."""
    rows = [row for name in instances for row in measure(name, time_limit, base_time_limit, workers, first)]
    frame = pd.DataFrame(rows)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False)
    click.echo(f"on {platform.machine()}, Python {platform.python_version()}\n")
    click.echo(markdown(frame))


if __name__ == "__main__":
    main()
