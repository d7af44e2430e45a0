"""Keep instances/generated/: the instance files, their best known plans, and index.csv.

    python -m benchmarks.index_generated [NAME ...] [--time-limit S]
        write every instance file; solve NAME ... (all when none) with solve(), 2 workers
    python -m benchmarks.index_generated --plan FILE [--plan FILE ...] --source TEXT
        record plans found elsewhere (a longer run, the MIP)

A row's `best_known` is the value of `best/NAME.json`, a plan of the
instance that passes the checker (tests/test_generate.py checks every one
against its row); a plan replaces it only when it is better. `bound` is the
best lower bound any recorded run proved; `status` is optimal when the two
meet. `best_method`, `time_limit` and `time_to_best` say where the best plan
came from. Run from the repository root.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import click

from planner.formats.read import load_instance, load_plan
from planner.formats.schema import Plan
from planner.problem.generate import generate, instance_json
from planner.search.greedy import greedy
from planner.solve import solve
from planner.verify import verify

SET = [("tiny", s) for s in (1, 2, 3)] + [("small", s) for s in (1, 2, 3)]
SET += [("medium", s) for s in (1, 2, 3)] + [("large", s) for s in (1, 2)] + [("xl", 1)]
LIMIT = {"tiny": 10, "small": 10, "medium": 60, "large": 60, "xl": 60}
COLUMNS = [
    "name",
    "size",
    "seed",
    "lines",
    "systems",
    "materials",
    "days",
    "best_known",
    "bound",
    "best_method",
    "time_limit",
    "status",
    "gap",
    "greedy",
    "time_to_best",
]

FOLDER = Path(__file__).resolve().parents[1] / "instances" / "generated"
INDEX = FOLDER / "index.csv"
BEST = FOLDER / "best"


def best_plan_path(name: str) -> Path:
    """Where the best known plan of generated instance `name` is kept."""
    return BEST / f"{name}.json"


@click.command()
@click.argument("names", nargs=-1)
@click.option("--time-limit", type=float, help="Seconds per solve (default: 10 to 60 by size).")
@click.option("--plan", "plans", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default="", help="How the --plan files were found, for best_method.")
def main(names: tuple[str, ...], time_limit: float | None, plans: tuple[str, ...], source: str) -> None:
    """Solve NAMES (all when none, unless --plan is given) and record what beats the index."""
    rows = {row["name"]: row for row in csv.DictReader(INDEX.open())} if INDEX.exists() else {}
    BEST.mkdir(parents=True, exist_ok=True)
    for size, seed in SET:
        instance = generate(size, seed)
        (FOLDER / f"{instance.name}.json").write_text(instance_json(instance))
        row = rows.setdefault(instance.name, _new_row(instance.name, size, seed))
        if not best_plan_path(instance.name).exists():
            row["best_known"] = ""  # only a kept plan counts as known
    for path in plans:
        plan = load_plan(path)
        if plan.instance not in rows:
            raise click.BadParameter(
                f"{path}: {plan.instance!r} is not a generated instance", param_hint="--plan"
            )
        _record(rows[plan.instance], plan, source or path, "", "")
    to_solve = [] if plans and not names else [f"{size}-s{seed}" for size, seed in SET]
    for name in to_solve:
        if names and name not in names:
            continue
        row = rows[name]
        limit = time_limit if time_limit is not None else LIMIT[row["size"]]
        started = time.perf_counter()
        result = solve(load_instance(FOLDER / f"{name}.json"), time_limit=limit, workers=2, seed=0)
        kept = _record(row, result.plan, "cpsat", f"{limit:g}", _seconds(result.time_to_best))
        click.echo(
            f"{name}: {result.status} {result.objective} (bound {result.bound}), {kept}, "
            f"wall {time.perf_counter() - started:.0f} s"
        )
    with INDEX.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for size, seed in SET:
            writer.writerow(rows[f"{size}-s{seed}"])


def _new_row(name: str, size: str, seed: int) -> dict[str, str]:
    instance = load_instance(FOLDER / f"{name}.json")
    start = greedy(instance)
    value = start.objective.value if start is not None and start.has_schedule else None
    row = dict.fromkeys(COLUMNS, "")
    row.update(name=name, size=size, seed=str(seed), days=str(instance.horizon_days))
    row.update(lines=str(len(instance.lines)), systems=str(len(instance.systems)))
    row.update(materials=str(len(instance.materials)), greedy="" if value is None else str(value))
    return row


def _record(row: dict[str, str], plan: Plan, method: str, time_limit: str, time_to_best: str) -> str:
    """Take `plan`'s bound, and the plan itself when it is better than the best known; say which."""
    instance = load_instance(FOLDER / f"{row['name']}.json")
    report = verify(instance, plan)
    if not report.ok:
        raise click.ClickException(f"{row['name']}: the plan breaks the contract: {report.summary()}")
    value, bound = plan.objective.value, plan.objective.bound
    if bound is not None and (not row["bound"] or bound > int(row["bound"])):
        row["bound"] = str(bound)
    kept = "the best known is unchanged"
    if value is not None and (not row["best_known"] or value < int(row["best_known"])):
        best_plan_path(row["name"]).write_text(plan.to_json())
        row.update(
            best_known=str(value), best_method=method, time_limit=time_limit, time_to_best=time_to_best
        )
        if row["greedy"] and value == int(row["greedy"]) and method == "cpsat":
            row["best_method"] = "greedy"  # CP-SAT did not improve the greedy plan (it may have proved it)
        kept = "a new best known"
    if row["best_known"] and row["bound"]:
        best, proven = int(row["best_known"]), int(row["bound"])
        row["status"] = "optimal" if proven >= best else "feasible"
        row["gap"] = f"{(best - min(best, proven)) / max(1, abs(best)):.3f}"
    return kept


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
