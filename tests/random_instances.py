"""Small random `restart-instance/1` instances for property tests.

`random_instance(seed)` is deterministic and small (horizon 5..14 days, 1..5
systems, 1..2 resources, 1..2 plants, 1..4 lines, 1..4 materials), so that
CP-SAT with one worker proves optimality in well under a second. Over a few
hundred seeds it exercises every rule of the contract
(../shared/spec/PROBLEM.md); `feature_flags(instance)` names the ones an
instance uses, so a test can check that none is left out.

About one seed in seven carries a *trap*: a detail that makes the instance
infeasible in a way that happens in practice (a line pinned to restart before
its systems can be cleared, a pinned clearance on a day without a free team, a
makespan horizon shorter than the clearance chain, a running line whose crew
exceeds the staff on a working day). The other instances are built to be
feasible as far as a cheap reasoning allows; a few may still turn out
infeasible, which is fine.

`brute_force_optimum(instance)` computes the optimum of an instance with a
single line and no system by enumeration, as an independent cross-check;
`relaxed_dict` and `reordered_dict` make metamorphic variants (an optimum no
worse, the same optimum).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from random import Random
from typing import Any

from planner.formats.read import parse_instance
from planner.formats.schema import Instance

OBJECTIVES = ("lost_value", "lost_units", "makespan")
TRAPS = ("early_fixed_restart", "fixed_start_collision", "short_horizon", "understaffed_running")

# Every feature `feature_flags` can report; `test_generator_covers_every_feature`
# asserts that each appears in some seed.
FEATURES = frozenset(
    {
        "objective:lost_value",
        "objective:lost_units",
        "objective:makespan",
        "start_date",
        "two_resources",
        "two_plants",
        "four_lines",
        "five_systems",
        "system:after",
        "system:release_day",
        "system:modes",
        "system:cleared",
        "system:fixed_start",
        "system:no_demand",
        "resource:capacity_changes",
        "resource:capacity_zero",
        "resource:changes_unsorted",
        "plant:workdays_default",
        "plant:workdays_subset",
        "plant:workdays_all",
        "plant:closed_days",
        "plant:staff_changes",
        "plant:staff_zero",
        "line:crew_per_shift",
        "line:max_shifts_1",
        "line:max_shifts_2",
        "line:max_shifts_3",
        "line:baseline_shifts",
        "line:ramp_up",
        "line:commissioning",
        "line:commissioning_demand",
        "line:after_lines",
        "line:release_day",
        "line:fixed_restart_positive",
        "line:fixed_restart_negative",
        "line:fixed_restart_negative_ramp",
        "line:no_systems",
        "line:shared_output",
        "material:on_hand",
        "material:supply",
        "material:supply_from_day",
        "material:supply_ordering_system",
        "material:supply_lead_days",
        "material:supply_changes",
        "material:intermediate",
        "material:stock_only_input",
        "material:finished_value_positive",
        "material:finished_value_zero",
    }
)


def random_instance(
    seed: int,
    *,
    objective: str | None = None,
    n_lines: int | None = None,
    n_systems: int | None = None,
) -> Instance:
    """A small valid instance, the same for the same arguments.

    `objective` forces the objective kind; `n_lines` and `n_systems` force the
    sizes (`n_systems=0` is allowed, for `brute_force_optimum`).
    """
    return parse_instance(
        json.dumps(random_instance_dict(seed, objective=objective, n_lines=n_lines, n_systems=n_systems))
    )


def random_instance_dict(
    seed: int,
    *,
    objective: str | None = None,
    n_lines: int | None = None,
    n_systems: int | None = None,
) -> dict[str, Any]:
    """The instance of `random_instance` as a JSON-ready dict."""
    return _Generator(Random(seed), seed, objective, n_lines, n_systems).build()


def trap_of(seed: int, *, objective: str | None = None) -> str | None:
    """The trap planted in seed `seed` (None when the instance is meant to be feasible)."""
    d = random_instance_dict(seed, objective=objective)
    return d["name"].split("/trap=")[1] if "/trap=" in d["name"] else None


# --- the generator ---------------------------------------------------------------------------


class _Generator:
    def __init__(
        self, rng: Random, seed: int, objective: str | None, n_lines: int | None, n_systems: int | None
    ) -> None:
        self.rng = rng
        self.seed = seed
        if objective is not None and objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}")
        self.objective = objective or rng.choices(OBJECTIVES, weights=(70, 15, 15))[0]
        self.makespan = self.objective == "makespan"
        self.n_lines_forced = n_lines
        self.n_systems_forced = n_systems
        self.trap: str | None = None

    # -- helpers --

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def subset(self, items: Iterable[Any], p: float) -> list[Any]:
        return [x for x in items if self.chance(p)]

    def step_changes(self, key: str, low: int, high: int, count: int) -> list[dict[str, int]]:
        days = sorted(self.rng.sample(range(self.horizon), min(count, self.horizon)))
        changes = [{"day": d, key: self.rng.randint(low, high)} for d in days]
        if len(changes) > 1 and self.chance(0.3):
            # The contract does not ask for sorted changes: a step function is a set of (day, value).
            changes.reverse()
        return changes

    def weekday(self, day: int) -> int:
        return (self.weekday0 + day) % 7

    # -- the instance --

    def build(self) -> dict[str, Any]:
        rng = self.rng
        trap_p = 0.3 if self.makespan else 0.13
        if self.chance(trap_p):
            options = ["early_fixed_restart", "understaffed_running"]
            if self.n_systems_forced != 0:
                options.append("fixed_start_collision")
                if self.makespan:
                    options += ["short_horizon"] * 3
            self.trap = rng.choice(options)

        if self.trap == "short_horizon":
            self.horizon = rng.randint(5, 8)
        elif self.makespan:
            self.horizon = rng.randint(10, 14)
        else:
            self.horizon = rng.randint(5, 14)

        inst: dict[str, Any] = {
            "format": "restart-instance/1",
            "name": f"random-{self.seed}-{self.objective}",
            "horizon_days": self.horizon,
        }
        if self.objective != "lost_value" or self.chance(0.5):
            inst["objective"] = self.objective
        self.weekday0 = 0
        if self.chance(0.35):
            start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))
            inst["start_date"] = start.isoformat()
            self.weekday0 = start.weekday()

        self.resources = self.make_resources()
        self.systems = self.make_systems()
        self.fix_a_start()
        self.plants = self.make_plants()
        self.materials, self.made = self.make_materials()
        self.lines = self.make_lines()
        self.make_staff()
        self.make_fixed_restarts()
        self.plant_trap()

        if self.trap is not None:
            inst["name"] += f"/trap={self.trap}"
        # Lists in an order that is not a topological one: the planner must not rely on it.
        for items in (self.systems, self.lines):
            rng.shuffle(items)
        inst["resources"] = self.resources
        inst["systems"] = self.systems
        inst["plants"] = self.plants
        inst["materials"] = self.materials
        inst["lines"] = self.lines
        return inst

    def make_resources(self) -> list[dict[str, Any]]:
        rng = self.rng
        resources = []
        for i in range(rng.randint(1, 2)):
            res: dict[str, Any] = {"id": ("sec", "ot")[i], "capacity": rng.randint(1, 3)}
            if self.makespan:
                # Every system must be cleared: the teams are large enough, with short absences.
                res["capacity"] = rng.randint(2, 3)
                if self.chance(0.4):
                    day = rng.randint(0, self.horizon - 2)
                    back = min(self.horizon - 1, day + rng.randint(1, 2))
                    res["capacity_changes"] = [
                        {"day": day, "capacity": rng.randint(0, 1)},
                        {"day": back, "capacity": res["capacity"]},
                    ]
                resources.append(res)
                continue
            if self.chance(0.1):
                res["capacity"] = 0  # the team is not available yet
            if self.chance(0.4):
                changes = self.step_changes("capacity", 0, 3, rng.randint(1, 2))
                if res["capacity"] == 0:
                    last = max(changes, key=lambda c: c["day"])
                    last["capacity"] = max(last["capacity"], 1)
                res["capacity_changes"] = changes
            resources.append(res)
        return resources

    def capacity(self, res_id: str, day: int) -> int:
        res = next(r for r in self.resources if r["id"] == res_id)
        cap = res["capacity"]
        best = -1
        for change in res.get("capacity_changes", []):
            if best < change["day"] <= day:
                best, cap = change["day"], change["capacity"]
        return int(cap)

    def make_demand(self) -> dict[str, int]:
        demand = {}
        for res in self.resources:
            if self.chance(0.7):
                demand[res["id"]] = self.rng.randint(1, 2)
        if not demand and self.chance(0.7):
            demand[self.rng.choice(self.resources)["id"]] = 1
        return demand

    def make_systems(self) -> list[dict[str, Any]]:
        rng = self.rng
        if self.n_systems_forced is not None:
            n = self.n_systems_forced
        elif self.trap == "short_horizon":
            n = rng.randint(3, 5)
        elif self.makespan:
            n = rng.randint(1, 4)
        else:
            n = rng.randint(1, 5)
        systems: list[dict[str, Any]] = []
        for i in range(n):
            sys: dict[str, Any] = {"id": f"sys{i}", "name": f"System {i}"}
            earlier = [s["id"] for s in systems]
            if self.trap == "short_horizon":
                # A chain whose shortest clearance overruns the horizon.
                if earlier:
                    sys["after"] = [earlier[-1]]
                sys["duration_days"] = rng.randint(2, 3)
                sys["demand"] = {self.resources[0]["id"]: 1}
                systems.append(sys)
                continue
            after = self.subset(earlier, 0.3)
            if after:
                sys["after"] = after
            if self.chance(0.2):
                sys["release_day"] = rng.randint(1, max(1, self.horizon // 3))
            longest = 2 if self.makespan else 4
            if self.chance(0.3):
                sys["modes"] = [
                    {"duration_days": rng.randint(1, longest), "demand": self.make_demand()}
                    for _ in range(rng.randint(2, 3))
                ]
            else:
                sys["duration_days"] = rng.randint(0 if self.chance(0.05) else 1, longest)
                demand = self.make_demand()
                if demand or self.chance(0.5):
                    sys["demand"] = demand
            if not self.makespan and self.chance(0.12):
                sys.pop("modes", None)
                sys.pop("duration_days", None)
                sys.pop("demand", None)
                sys["cleared"] = True
                if self.chance(0.5):
                    sys["duration_days"] = rng.randint(1, 3)  # what it took; irrelevant now
            systems.append(sys)
        if self.trap == "short_horizon":
            # Every system must be cleared under makespan; the chain needs more than the horizon.
            total = sum(s["duration_days"] for s in systems)
            if total <= self.horizon:
                systems[-1]["duration_days"] += self.horizon - total + 1
        return systems

    def modes_of(self, sys: dict[str, Any]) -> list[tuple[int, dict[str, int]]]:
        if sys.get("cleared"):
            return []
        if "modes" in sys:
            return [(m["duration_days"], m["demand"]) for m in sys["modes"]]
        return [(sys["duration_days"], sys.get("demand", {}))]

    def critical_end(self, sys_id: str) -> int:
        """A true lower bound on the end of `sys_id` (longest path, shortest modes, no teams)."""
        by_id = {s["id"]: s for s in self.systems}
        sys = by_id[sys_id]
        if sys.get("cleared"):
            return 0
        start = max([sys.get("release_day", 0)] + [self.critical_end(p) for p in sys.get("after", [])])
        return start + min(d for d, _ in self.modes_of(sys))

    def fits(self, demand: dict[str, int], start: int, duration: int) -> bool:
        return all(
            self.capacity(r, t) >= a for r, a in demand.items() for t in range(start, start + duration)
        )

    def fix_a_start(self) -> None:
        rng = self.rng
        candidates = [s for s in self.systems if not s.get("cleared")]
        if not candidates:
            if self.trap == "fixed_start_collision":
                self.trap = None
            return
        if self.trap == "fixed_start_collision":
            self.collide(rng.choice(candidates))
            return
        if self.trap is not None or not self.chance(0.15):
            return
        sys = rng.choice(candidates)
        if not all(self.clearable(p) for p in sys.get("after", [])):
            return
        earliest = max(sys.get("release_day", 0), self.serial_ready(sys.get("after", [])))
        # Under makespan the lines that need it must still restart within the horizon.
        last_end = self.horizon - 3 if self.makespan else self.horizon
        days = [
            day
            for day in range(earliest, self.horizon)
            if any(day + d <= last_end and self.fits(dem, day, d) for d, dem in self.modes_of(sys))
        ]
        if days:
            sys["fixed_start"] = rng.choice(days)

    def collide(self, sys: dict[str, Any]) -> None:
        """Pin `sys` on a day its team is away; every mode of it needs that team."""
        rng = self.rng
        res = self.resources[0]
        day = rng.randint(0, self.horizon - 1)
        changes = [c for c in res.get("capacity_changes", []) if c["day"] not in (day, day + 1)]
        changes.append({"day": day, "capacity": 0})
        if day + 1 < self.horizon:
            changes.append({"day": day + 1, "capacity": rng.randint(1, 3)})
        res["capacity_changes"] = sorted(changes, key=lambda c: c["day"])
        if "modes" in sys:
            for mode in sys["modes"]:
                mode["duration_days"] = max(1, mode["duration_days"])
                mode["demand"][res["id"]] = max(1, mode["demand"].get(res["id"], 0))
        else:
            sys["duration_days"] = max(1, sys["duration_days"])
            demand = sys.setdefault("demand", {})
            demand[res["id"]] = max(1, demand.get(res["id"], 0))
        sys["fixed_start"] = day

    def make_plants(self) -> list[dict[str, Any]]:
        rng = self.rng
        plants = []
        for i in range(rng.randint(1, 2)):
            plant: dict[str, Any] = {"id": f"plant{i}", "name": f"Plant {i}"}
            roll = rng.random()
            if roll < 0.3:
                pass  # Monday to Friday
            elif roll < 0.65:
                plant["workdays"] = list(range(7))
            elif roll < 0.98:
                plant["workdays"] = sorted(rng.sample(range(7), rng.randint(2, 6)))
            else:
                plant["workdays"] = []
            if self.chance(0.3):
                plant["closed_days"] = sorted(rng.sample(range(self.horizon), rng.randint(1, 2)))
            plant["staff"] = {pool: 0 for pool in rng.sample(["ops", "tech"], rng.randint(1, 2))}
            plants.append(plant)
        return plants

    def working(self, plant: dict[str, Any], day: int) -> bool:
        workdays = plant.get("workdays", [0, 1, 2, 3, 4])
        return self.weekday(day) in workdays and day not in plant.get("closed_days", [])

    def make_materials(self) -> tuple[list[dict[str, Any]], list[str]]:
        rng = self.rng
        n = rng.randint(1, 4)
        materials = []
        made = []
        for i in range(n):
            mat: dict[str, Any] = {"id": f"mat{i}", "name": f"Material {i}"}
            # The first is always made by a line; the others are bought parts or made.
            bought = i > 0 and self.chance(0.45)
            if bought:
                if self.chance(0.85):
                    supply: dict[str, Any] = {"per_day": rng.randint(0, 20)}
                    if self.chance(0.4):
                        supply["from_day"] = rng.randint(1, self.horizon - 1)
                    candidates = [s["id"] for s in self.systems]
                    if candidates and self.chance(0.45):
                        supply["ordering_system"] = rng.choice(candidates)
                        if self.chance(0.6):
                            supply["lead_days"] = rng.randint(0, 3)
                    elif self.chance(0.15):
                        supply["lead_days"] = rng.randint(1, 3)  # no ordering system: no effect
                    if self.chance(0.35):
                        supply["changes"] = self.step_changes("per_day", 0, 20, rng.randint(1, 2))
                    mat["supply"] = supply
                if self.chance(0.5):
                    mat["on_hand"] = rng.randint(0, 30)
            else:
                made.append(mat["id"])
                if self.chance(0.75):
                    mat["value"] = rng.randint(1, 10)
                if self.chance(0.3):
                    mat["on_hand"] = rng.randint(0, 20)
            materials.append(mat)
        return materials, made

    def make_lines(self) -> list[dict[str, Any]]:
        rng = self.rng
        n = self.n_lines_forced if self.n_lines_forced is not None else rng.randint(1, 4)
        lines: list[dict[str, Any]] = []
        outputs: list[str] = []
        for i in range(n):
            plant = rng.choice(self.plants)
            # Prefer a material no line makes yet, so that intermediate chains appear.
            fresh = [m for m in self.made if m not in outputs]
            output = rng.choice(fresh) if fresh and self.chance(0.8) else rng.choice(self.made)
            line: dict[str, Any] = {
                "id": f"line{i}",
                "name": f"Line {i}",
                "plant": plant["id"],
                "output": output,
                "rate_per_shift": rng.randint(1, 20),
            }
            max_shifts = rng.randint(1, 3)
            if max_shifts > 1 or self.chance(0.5):
                line["max_shifts"] = max_shifts
            if self.chance(0.4):
                line["baseline_shifts"] = rng.randint(1, max_shifts)
            if self.chance(0.55):
                line["crew_per_shift"] = {
                    pool: rng.randint(1, 4) for pool in self.subset(plant["staff"], 0.8)
                }
            # Inputs: bought parts, stock, and what earlier lines make (no line eats its own output).
            later = set(self.made) - set(outputs) - {output}
            candidates = [m["id"] for m in self.materials if m["id"] != output and m["id"] not in later]
            candidates += [m for m in outputs if m != output and m not in candidates]
            inputs = self.subset(candidates, 0.45)
            if inputs:
                line["inputs"] = {m: rng.randint(1, 3) for m in inputs}
            needs = self.subset([s["id"] for s in self.systems], 0.4)
            if needs:
                line["systems"] = needs
            if self.chance(0.3):
                line["ramp_up_percent"] = [rng.randint(1, 100) for _ in range(rng.randint(1, 4))]
                if self.chance(0.5):
                    line["ramp_up_percent"].sort()
            if self.chance(0.25):
                comm: dict[str, Any] = {"days": rng.randint(0 if self.chance(0.1) else 1, 2)}
                if self.chance(0.65):
                    comm["demand"] = {rng.choice(self.resources)["id"]: 1}
                line["commissioning"] = comm
            after = self.subset([ln["id"] for ln in lines], 0.25)
            if after:
                line["after_lines"] = after
            if self.chance(0.15):
                line["release_day"] = rng.randint(1, max(1, self.horizon // 2))
            lines.append(line)
            outputs.append(output)
        if self.trap == "short_horizon":
            lines[0]["systems"] = [s["id"] for s in self.systems]
        return lines

    def make_staff(self) -> None:
        """Headcounts: generous (every line can run a shift every day) when plans must restart lines."""
        rng = self.rng
        generous_everywhere = self.makespan or self.chance(0.55)
        self.generous = generous_everywhere
        for plant in self.plants:
            need = {pool: 0 for pool in plant["staff"]}
            for line in self.lines:
                if line["plant"] == plant["id"]:
                    for pool, people in line.get("crew_per_shift", {}).items():
                        need[pool] += people
            for pool in plant["staff"]:
                if generous_everywhere:
                    plant["staff"][pool] = need[pool] + rng.randint(0, 6)
                else:
                    plant["staff"][pool] = rng.randint(0, 12)
            if self.chance(0.35):
                changes = []
                for pool in plant["staff"]:
                    for day in sorted(rng.sample(range(self.horizon), rng.randint(1, 2))):
                        low = need[pool] if generous_everywhere else 0
                        changes.append({"day": day, "pool": pool, "headcount": rng.randint(low, low + 8)})
                rng.shuffle(changes)
                plant["staff_changes"] = changes[: rng.randint(1, len(changes))]

    def serial_ready(self, sys_ids: Iterable[str]) -> int:
        """A day by which `sys_ids` and what they come after can be cleared one after the other.

        Not a bound, an estimate on the safe side: from the latest release (or
        pinned start), each system in turn in its shortest mode.
        """
        by_id = {s["id"]: s for s in self.systems}
        seen: set[str] = set()
        stack = list(sys_ids)
        while stack:
            cur = stack.pop()
            if cur not in seen:
                seen.add(cur)
                stack.extend(by_id[cur].get("after", []))
        todo = [by_id[s] for s in seen if not by_id[s].get("cleared")]
        release = max((s.get("fixed_start", s.get("release_day", 0)) for s in todo), default=0)
        return release + sum(min(d for d, _ in self.modes_of(s)) for s in todo)

    def clearable(self, sys_id: str) -> bool:
        """Some mode of the system fits the largest capacity of each team it needs."""
        top = {r["id"]: max(self.capacity(r["id"], t) for t in range(self.horizon)) for r in self.resources}
        by_id = {s["id"]: s for s in self.systems}
        sys = by_id[sys_id]
        return bool(sys.get("cleared")) or any(
            all(top[r] >= a for r, a in demand.items()) for _, demand in self.modes_of(sys)
        )

    def ancestors(self, line: dict[str, Any]) -> list[dict[str, Any]]:
        """The line and every line it must wait for."""
        by_id = {ln["id"]: ln for ln in self.lines}
        found: dict[str, dict[str, Any]] = {}
        stack = [line["id"]]
        while stack:
            cur = stack.pop()
            if cur not in found:
                found[cur] = by_id[cur]
                stack.extend(by_id[cur].get("after_lines", []))
        return list(found.values())

    def make_fixed_restarts(self) -> None:
        rng = self.rng
        # In creation order: `after_lines` only name earlier lines.
        for line in self.lines:
            if not self.generous:
                continue  # a pinned line must be staffed every working day
            if self.chance(0.07 if self.makespan else 0.1):
                # Running already: its systems, release and commissioning no longer matter.
                line["fixed_restart"] = -rng.randint(1, 4)
                if self.chance(0.5):
                    line.pop("commissioning", None)
            elif self.trap is None and self.chance(0.1):
                group = self.ancestors(line)
                needs = {s for ln in group for s in ln.get("systems", [])}
                if not all(self.clearable(s) for s in needs):
                    continue
                earliest = max(
                    [
                        self.serial_ready(needs)
                        + max(ln.get("commissioning", {}).get("days", 0) for ln in group)
                    ]
                    + [ln.get("release_day", 0) for ln in group]
                    + [ln["fixed_restart"] for ln in group if "fixed_restart" in ln]
                )
                comm = line.get("commissioning")
                days = [
                    day
                    for day in range(earliest, self.horizon)
                    if comm is None
                    or all(
                        self.capacity(r, t) >= a
                        for r, a in comm.get("demand", {}).items()
                        for t in range(day - comm["days"], day)
                    )
                ]
                if days:
                    line["fixed_restart"] = rng.choice(days)

    def plant_trap(self) -> None:
        rng = self.rng
        if self.trap == "early_fixed_restart":
            # Pinned before its systems can possibly be cleared (critical path, no teams counted).
            options = []
            for line in self.lines:
                bound = max((self.critical_end(s) for s in line.get("systems", [])), default=0) + line.get(
                    "commissioning", {}
                ).get("days", 0)
                if bound >= 1:
                    options.append((line, bound))
            if not options:
                line = rng.choice(self.lines)
                line["commissioning"] = {"days": rng.randint(1, 2)}
                options.append((line, line["commissioning"]["days"]))
            line, bound = rng.choice(options)
            line["fixed_restart"] = rng.randint(0, min(bound, self.horizon) - 1)
        elif self.trap == "understaffed_running":
            line = rng.choice(self.lines)
            plant = next(p for p in self.plants if p["id"] == line["plant"])
            working = [t for t in range(self.horizon) if self.working(plant, t)]
            if not working:
                plant.pop("closed_days", None)
                plant["workdays"] = list(range(7))
                working = list(range(self.horizon))
            pool = rng.choice(sorted(plant["staff"]))
            crew = line.setdefault("crew_per_shift", {})
            crew[pool] = max(crew.get(pool, 0), rng.randint(2, 4))
            line["fixed_restart"] = -rng.randint(1, 4)
            line.pop("commissioning", None)
            day = rng.choice(working)
            changes = [
                c for c in plant.get("staff_changes", []) if not (c["pool"] == pool and c["day"] == day)
            ]
            changes.append({"day": day, "pool": pool, "headcount": rng.randint(0, crew[pool] - 1)})
            # Back to the previous level the next day, so only that day is short.
            if day + 1 < self.horizon and not any(c["pool"] == pool and c["day"] == day + 1 for c in changes):
                changes.append({"day": day + 1, "pool": pool, "headcount": plant["staff"][pool] + crew[pool]})
            plant["staff_changes"] = changes


# --- features --------------------------------------------------------------------------------


def feature_flags(inst: Instance) -> set[str]:
    """The features of the contract this instance exercises (names from `FEATURES`)."""
    flags = {f"objective:{inst.objective}"}
    if inst.start_date is not None:
        flags.add("start_date")
    if len(inst.resources) >= 2:
        flags.add("two_resources")
    if len(inst.plants) >= 2:
        flags.add("two_plants")
    if len(inst.lines) >= 4:
        flags.add("four_lines")
    if len(inst.systems) >= 5:
        flags.add("five_systems")

    for res in inst.resources:
        if res.capacity_changes:
            flags.add("resource:capacity_changes")
            days = [c.day for c in res.capacity_changes]
            if days != sorted(days):
                flags.add("resource:changes_unsorted")
        if res.capacity == 0 or any(c.capacity == 0 for c in res.capacity_changes):
            flags.add("resource:capacity_zero")

    for sys in inst.systems:
        if sys.after:
            flags.add("system:after")
        if sys.release_day > 0:
            flags.add("system:release_day")
        if sys.modes is not None and len(sys.modes) > 1:
            flags.add("system:modes")
        if sys.cleared:
            flags.add("system:cleared")
        if sys.fixed_start is not None:
            flags.add("system:fixed_start")
        if not sys.cleared and any(not m.demand for m in sys.mode_list):
            flags.add("system:no_demand")

    for plant in inst.plants:
        fields = plant.model_fields_set
        if "workdays" not in fields:
            flags.add("plant:workdays_default")
        elif sorted(plant.workdays) == list(range(7)):
            flags.add("plant:workdays_all")
        else:
            flags.add("plant:workdays_subset")
        if plant.closed_days:
            flags.add("plant:closed_days")
        if plant.staff_changes:
            flags.add("plant:staff_changes")
        if 0 in plant.staff.values() or any(c.headcount == 0 for c in plant.staff_changes):
            flags.add("plant:staff_zero")

    values = {m.id: m.value for m in inst.materials}
    outputs = [ln.output for ln in inst.lines]
    inputs = {m for ln in inst.lines for m in ln.inputs}
    for line in inst.lines:
        if any(n > 0 for n in line.crew_per_shift.values()):
            flags.add("line:crew_per_shift")
        flags.add(f"line:max_shifts_{line.max_shifts}")
        if line.baseline_shifts is not None:
            flags.add("line:baseline_shifts")
        if line.ramp_up_percent:
            flags.add("line:ramp_up")
        if line.commissioning is not None:
            flags.add("line:commissioning")
            if any(n > 0 for n in line.commissioning.demand.values()):
                flags.add("line:commissioning_demand")
        if line.after_lines:
            flags.add("line:after_lines")
        if line.release_day > 0:
            flags.add("line:release_day")
        if line.fixed_restart is not None and line.fixed_restart >= 0:
            flags.add("line:fixed_restart_positive")
        if line.fixed_restart is not None and line.fixed_restart < 0:
            flags.add("line:fixed_restart_negative")
            if -line.fixed_restart < len(line.ramp_up_percent):
                flags.add("line:fixed_restart_negative_ramp")
        if not line.systems:
            flags.add("line:no_systems")
        if values[line.output] > 0:
            flags.add("material:finished_value_positive")
        else:
            flags.add("material:finished_value_zero")
    if len(set(outputs)) < len(outputs):
        flags.add("line:shared_output")

    for mat in inst.materials:
        if mat.on_hand > 0:
            flags.add("material:on_hand")
        if mat.id in inputs and mat.id in outputs:
            flags.add("material:intermediate")
        if mat.id in inputs and mat.id not in outputs and mat.supply is None and mat.on_hand > 0:
            flags.add("material:stock_only_input")
        if mat.supply is not None:
            flags.add("material:supply")
            if mat.supply.from_day > 0:
                flags.add("material:supply_from_day")
            if mat.supply.ordering_system is not None:
                flags.add("material:supply_ordering_system")
                if mat.supply.lead_days > 0:
                    flags.add("material:supply_lead_days")
            if mat.supply.changes:
                flags.add("material:supply_changes")
    return flags


# --- brute force for one line and no system --------------------------------------------------


def _step(base: int, changes: Iterable[tuple[int, int]], day: int) -> int:
    value, latest = base, -1
    for change_day, change_value in changes:
        if latest < change_day <= day:
            latest, value = change_day, change_value
    return value


def brute_force_optimum(inst: Instance) -> int | None:
    """The optimal objective value of a one-line, no-system instance; None when infeasible.

    Enumerates the restart day; for a given restart day, running as many shifts
    as the staff allows and producing as much as the ramp-up, the parts and the
    baseline allow, day after day, is optimal (every cap is on a daily amount or
    on a cumulative amount, so the greedy cumulative output is the largest at
    every day).
    """
    if len(inst.lines) != 1 or inst.systems:
        raise ValueError("brute force needs exactly one line and no system")
    line = inst.lines[0]
    horizon = inst.horizon_days
    plant = next(p for p in inst.plants if p.id == line.plant)
    weekday0 = inst.start_date.weekday() if inst.start_date is not None else 0
    working = [(weekday0 + t) % 7 in plant.workdays and t not in plant.closed_days for t in range(horizon)]
    baseline = line.rate_per_shift * line.baseline * sum(working)
    materials = {m.id: m for m in inst.materials}
    value = materials[line.output].value
    weight = {"lost_value": value, "lost_units": 1 if value > 0 else 0, "makespan": 0}[inst.objective]

    def capacity(res_id: str, day: int) -> int:
        res = next(r for r in inst.resources if r.id == res_id)
        return _step(res.capacity, ((c.day, c.capacity) for c in res.capacity_changes), day)

    def staff(pool: str, day: int) -> int:
        changes = ((c.day, c.headcount) for c in plant.staff_changes if c.pool == pool)
        return _step(plant.staff[pool], changes, day)

    def max_shifts(day: int) -> int:
        shifts = line.max_shifts
        for pool, crew in line.crew_per_shift.items():
            if crew > 0:
                shifts = min(shifts, staff(pool, day) // crew)
        return shifts

    def available(mat_id: str, day: int) -> int:
        """Units of `mat_id` delivered up to and including `day`, plus the stock."""
        mat = materials[mat_id]
        total = mat.on_hand
        if mat.supply is not None:
            assert mat.supply.ordering_system is None  # no systems in these instances
            changes = [(c.day, c.per_day) for c in mat.supply.changes]
            total += sum(_step(mat.supply.per_day, changes, t) for t in range(mat.supply.from_day, day + 1))
        return total

    def units(restart: int) -> int | None:
        made = 0
        for t in range(max(restart, 0), horizon):
            if not working[t]:
                continue
            shifts = max_shifts(t)
            if shifts < 1:
                return None  # a restarted line runs at least one shift every working day
            cap = line.rate_per_shift * shifts
            k = t - restart
            if k < len(line.ramp_up_percent):
                cap = min(cap, line.ramp_up_percent[k] * line.rate_per_shift * line.max_shifts // 100)
            cumulative = made + cap
            for mat_id, per_unit in line.inputs.items():
                cumulative = min(cumulative, available(mat_id, t) // per_unit)
            made = max(made, min(cumulative, baseline))
        return made

    def commissioning_fits(restart: int) -> bool:
        comm = line.commissioning
        if comm is None:
            return True
        return all(
            capacity(res, t) >= amount
            for res, amount in comm.demand.items()
            for t in range(restart - comm.days, restart)
        )

    if line.fixed_restart is not None and line.fixed_restart < 0:
        candidates: list[int | None] = [line.fixed_restart]
    elif line.fixed_restart is not None:
        candidates = [line.fixed_restart]
    else:
        candidates = list(range(horizon))
        if inst.objective != "makespan":
            candidates.append(None)
    best: int | None = None
    for restart in candidates:
        if restart is None:
            score = weight * baseline
        else:
            if restart >= 0 and (
                restart < line.release_day
                or restart < line.commissioning_days
                or not commissioning_fits(restart)
            ):
                continue
            made = units(restart)
            if made is None:
                continue
            score = restart if inst.objective == "makespan" else weight * (baseline - made)
        best = score if best is None else min(best, score)
    return best


# --- metamorphic variants ----------------------------------------------------------------------


def relaxed_dict(d: dict[str, Any]) -> dict[str, Any]:
    """The instance with more of everything and no release days.

    Every plan of `d` is a plan of the result with the same figures (the
    calendar and so the baselines are unchanged), so its optimum can only be
    lower or equal, and it is feasible whenever `d` is.
    """
    r = json.loads(json.dumps(d))
    r["name"] = d["name"] + "/relaxed"
    for res in r.get("resources", []):
        res["capacity"] += 1
        for change in res.get("capacity_changes", []):
            change["capacity"] += 1
    for sys in r.get("systems", []):
        sys.pop("release_day", None)
    for plant in r.get("plants", []):
        plant["staff"] = {pool: n + 2 for pool, n in plant.get("staff", {}).items()}
        for change in plant.get("staff_changes", []):
            change["headcount"] += 2
    for mat in r.get("materials", []):
        mat["on_hand"] = mat.get("on_hand", 0) + 5
        supply = mat.get("supply")
        if supply is not None:
            supply["per_day"] += 2
            for change in supply.get("changes", []):
                change["per_day"] += 2
    for line in r.get("lines", []):
        line.pop("release_day", None)
    return r


def reordered_dict(d: dict[str, Any]) -> dict[str, Any]:
    """The same instance with its lists and maps in reverse order (the optimum is the same).

    Only `ramp_up_percent`, whose order is its meaning, keeps its order; the
    mode indices of a plan change, its figures do not.
    """

    def flip(x: Any) -> Any:
        if isinstance(x, list):
            return [flip(v) for v in reversed(x)]
        if isinstance(x, dict):
            return {k: v if k == "ramp_up_percent" else flip(v) for k, v in reversed(list(x.items()))}
        return x

    return flip(d)  # type: ignore[no-any-return]
