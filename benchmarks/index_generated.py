"""Write instances/generated/*.json and their index.csv: best known values by CP-SAT (run from the repo root).

python -m benchmarks.index_generated [name ...]    # only these names' rows are re-solved
"""

import csv
import sys
import time
from pathlib import Path

from planner.generate import generate, instance_json
from planner.greedy import greedy
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

out = Path(__file__).resolve().parents[1] / "instances" / "generated"
out.mkdir(parents=True, exist_ok=True)
index = out / "index.csv"
rows = {}
if index.exists():
    rows = {r["name"]: r for r in csv.DictReader(index.open())}
only = set(sys.argv[1:])
for size, seed in SET:
    inst = generate(size, seed)
    name = inst.name
    (out / f"{name}.json").write_text(instance_json(inst))
    if only and name not in only and name in rows:
        continue
    started = time.perf_counter()
    plan0 = greedy(inst)
    g = plan0.objective.value if plan0 is not None and plan0.has_schedule else None
    res = solve(inst, time_limit=LIMIT[size], workers=2, seed=0)
    report = verify(inst, res.plan)
    assert report.ok, report.summary()
    if res.objective is None:
        method = ""
    elif g is not None and res.objective == g:
        method = "greedy"  # the greedy plan; CP-SAT did not improve it (it may have proved it optimal)
    else:
        method = "cpsat"  # CP-SAT, warm-started from the greedy plan
    rows[name] = {
        "name": name,
        "size": size,
        "seed": seed,
        "lines": len(inst.lines),
        "systems": len(inst.systems),
        "materials": len(inst.materials),
        "days": inst.horizon_days,
        "best_known": "" if res.objective is None else res.objective,
        "bound": "" if res.bound is None else res.bound,
        "best_method": method,
        "time_limit": LIMIT[size],
        "status": res.status,
        "gap": "" if res.gap is None else f"{res.gap:.3f}",
        "greedy": "" if g is None else g,
        "time_to_best": "" if res.time_to_best is None else f"{res.time_to_best:.1f}",
    }
    print(rows[name], f"wall {time.perf_counter() - started:.0f}s", flush=True)
with index.open("w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for size, seed in SET:
        w.writerow(rows[f"{size}-s{seed}"])
