"""Fingerprints of what the planner computes without a search, to compare two trees of it.

    git worktree add /tmp/before <commit>
    python benchmarks/same_outputs.py /tmp/before > before.txt
    python benchmarks/same_outputs.py . > after.txt && diff before.txt after.txt

For each instance: the CP-SAT model's proto (its text), the greedy plan's
value, the model with that plan as its warm start, the plan's tables, the
report's series and headline, and `explain`'s text without bottlenecks, each
as a short hash. A refactoring that changes none of these leaves every
search, its hints and every output it draws from the same. Run as a script
(not `-m`): it imports the planner of the tree it is given, under the module
names that tree uses (the layout of issue 17 moved them).
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path
from types import ModuleType

INSTANCES = [
    "instances/jlr-2025.json",
    "instances/generated/large-s1.json",
    "instances/generated/medium-s2.json",
    "instances/generated/small-s1.json",
]


def _module(*names: str) -> ModuleType:
    """The first of `names` that exists in this tree (the newer name first, then the older)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(names[0])


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def main(tree: Path) -> None:
    sys.path.insert(0, str(tree.resolve()))
    for name in list(sys.modules):
        if name == "planner" or name.startswith("planner."):
            del sys.modules[name]
    import planner

    if not planner.__file__ or not planner.__file__.startswith(str(tree.resolve())):
        raise SystemExit(
            f"imported {planner.__file__}, not the tree's planner (an editable install in the way?)"
        )
    old = not (tree / "planner" / "problem").is_dir()
    data_m = _module("planner.data" if old else "planner.problem.data")
    greedy_m = _module("planner.greedy" if old else "planner.search.greedy")
    plans_m = _module("planner.plans" if old else "planner.problem.decisions")
    tables_m = _module("planner.tables" if old else "planner.outputs.tables")
    series_m = _module("planner.report.series" if old else "planner.outputs.report.series")
    explain_m = _module("planner.explain" if old else "planner.decisions.explain")
    from planner import load_instance
    from planner.cpsat.model import RestartModel

    for path in INSTANCES:
        instance = load_instance(Path(__file__).resolve().parents[1] / path)
        data = data_m.ProblemData.from_instance(instance)
        built = RestartModel(data)
        model = _hash(str(built.model.proto))
        plan = greedy_m.greedy(instance)
        built.warmstart(plans_m.decisions_from_plan(data, plan))
        hinted = _hash(str(built.model.proto))
        tables = _hash("".join(f.to_csv() for f in tables_m.plan_tables(instance, plan).values()))
        report = series_m.ReportData.compute(instance, plan)
        frames = ("recovery", "clearance", "restarts", "resources", "staff", "stock")
        series = _hash("".join(getattr(report, f).to_csv() for f in frames) + str(report.headline))
        text = _hash(explain_m.explain(instance, plan, bottlenecks=False).text())
        print(
            f"{Path(path).stem}: model {model} greedy {plan.objective.value} hinted {hinted} "
            f"tables {tables} report {series} explain {text}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
