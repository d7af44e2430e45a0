"""Why an instance has no feasible plan: minimal conflicts between domain-level reasons.

`conflicts(instance)` looks for a small set of *reasons* that together leave no
feasible plan. A reason is a constraint group of the file that a user could
change, each with a *relaxation* that removes it as an edit of the instance:

=====================================  =============================================
group                                  relaxation
=====================================  =============================================
``lines[i].fixed_restart``             removed
``systems[s].fixed_start``             removed
``lines[i].release_day``               set to 0
``systems[s].release_day``             set to 0
``horizon_days``                       lengthened until every clearance and
                                       commissioning fits one after another; the
                                       days added get ample teams and staff
``resources[r].capacity``              raised, on every day, to the sum of all
                                       demands on the resource
``plants[p].staff.POOL``               raised, on every day, to every line's crew
                                       at `max_shifts`, summed
``objective``                          `makespan` replaced by `lost_value`: no
                                       longer must every system be cleared and
                                       every line restarted
=====================================  =============================================

Every relaxation only adds plans (a plan of the instance stays a plan of the
relaxed one, baselines aside, which do not matter for feasibility), so
infeasibility is monotone in the set of reasons kept. The objective is a
reason because under `makespan` nothing may be left undone: a horizon too
short for the work is a conflict of `horizon_days` *and* `objective`.

**What a conflict means.** Write ``I(K)`` for the instance in which every
candidate group outside ``K`` is relaxed. A conflict ``S`` is *proven* when
``I(S)`` was proven infeasible, and *minimal* when, for each reason ``g`` in
``S``, ``I(S - {g})`` was shown feasible by a plan that passes
`planner.verify`: the reasons of ``S`` together make the instance infeasible
(even with everything else relaxed) and relaxing any one of them resolves that
conflict. When the instance has several independent conflicts, each is found
in turn (the first reason of a found conflict, the cheapest to relax, is
relaxed and the search repeats), each is such a minimal set, and the instance
becomes feasible only when at least one reason of *every* conflict is relaxed;
relaxing the first reason of each, together, was shown to make it feasible
when `ConflictReport.resolved` is true. `Reason.resolves_alone` says whether
relaxing that one reason, and nothing else, makes the original instance
feasible (true for every reason when there is a single conflict and it is the
only way the instance fails).

Every claim rests on solves: "infeasible" is a CP-SAT proof (or a structural
proof of `planner.diagnosis.structural`), "feasible" a plan that passes `verify`. A
check that ends without either (time limit) proves nothing; the conflict is
then marked not minimal (or not proven) rather than guessed.

The search is a deletion filter over the candidates, seeded by a CP-SAT run
with one assumption literal per reason (`_seed`): fixed and release bounds
take an enforcement literal, a capacity becomes a cumulative whose limit is
the file's capacity plus a slack that the literal pins to 0, a staff pool a
linear constraint per day under the literal. The seed only saves solves; the
deletion filter's own checks decide.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Literal

from ortools.sat.python import cp_model

from planner.cpsat.constraints import crews_by_day, profile_blocks, resource_users
from planner.cpsat.model import RestartModel
from planner.cpsat.solver import new_solver
from planner.diagnosis.structural import structural_reasons
from planner.formats import words
from planner.formats.read import parse_instance
from planner.formats.schema import Instance
from planner.problem.data import ProblemData
from planner.problem.decisions import build_plan
from planner.problem.relaxations import ample_capacity, ample_staff, raised_capacity, raised_staff
from planner.search.budget import Budget, OutOfTime
from planner.search.ctrl_c import stop_on_ctrl_c
from planner.search.greedy import greedy
from planner.verify import verify

Kind = Literal["release_day", "fixed_start", "fixed_restart", "horizon", "staff", "capacity", "objective"]
Verdict = Literal["feasible", "infeasible", "unknown"]
ReportStatus = Literal["explained", "structure", "unknown", "feasible"]

# The cheapest to relax first: a date is a decision, staff and teams cost money,
# and the objective is what the user asked for.
_RANK: dict[Kind, int] = {
    "release_day": 0,
    "fixed_start": 1,
    "fixed_restart": 1,
    "horizon": 2,
    "staff": 3,
    "capacity": 4,
    "objective": 5,
}

MAX_HORIZON = 3650
SEED_FROM = 6  # fewer open groups than this: the deletion filter alone is cheaper than a seed


# --- candidate groups and their relaxations ---------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A domain-level constraint group of the instance file, removable by an edit.

    `place` is its path in the file (``lines[4].fixed_restart``,
    ``plants[0].staff.ops``, ``horizon_days``); `label` the same with the
    entity's id and the value (``lines[4] 'nitra-ta'.fixed_restart=10``);
    `index` the entity's list position; `target` the level the relaxation
    raises a capacity, a staff pool or the horizon to.
    """

    kind: Kind
    place: str
    label: str
    entity: str = ""  # "lines[4] 'nitra-ta'", as `planner.diagnosis.structural` names it
    index: int = -1
    pool: str = ""
    target: int = 0

    @property
    def rank(self) -> int:
        """0 for the cheapest to relax (a release day) up to 5 (the objective)."""
        return _RANK[self.kind]

    def relax(self, d: dict[str, Any], data: ProblemData) -> None:
        """Apply the relaxation to the instance dict `d` in place (`data`: the unrelaxed instance's)."""
        _RELAX[self.kind](self, d, data)


def _relax_fixed_restart(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d["lines"][g.index].pop("fixed_restart", None)


def _relax_fixed_start(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d["systems"][g.index].pop("fixed_start", None)


def _relax_release(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d[g.place.split("[")[0]][g.index]["release_day"] = 0


def _relax_capacity(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d["resources"][g.index] = raised_capacity(d["resources"][g.index], g.target)


def _relax_staff(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d["plants"][g.index] = raised_staff(d["plants"][g.index], g.pool, g.target)


def _relax_horizon(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    """Lengthen the horizon; from the old last day on, ample teams and staff.

    Without the ample levels a longer horizon could *remove* plans: a running
    line must be staffed on every working day, the added ones included.
    """
    old = d["horizon_days"]
    if g.target <= old:
        return
    d["horizon_days"] = g.target
    for q, res in enumerate(d.get("resources", [])):
        changes = [c for c in res.get("capacity_changes", []) if c["day"] < old]
        levels = [res["capacity"], *(c["capacity"] for c in changes)]
        ample = max(*levels, ample_capacity(data, q))
        res["capacity_changes"] = [*changes, {"day": old, "capacity": ample}]
    for p, plant in enumerate(d.get("plants", [])):
        changes = [c for c in plant.get("staff_changes", []) if c["day"] < old]
        for pool, count in plant.get("staff", {}).items():
            levels = [count, *(c["headcount"] for c in changes if c["pool"] == pool)]
            changes.append({"day": old, "pool": pool, "headcount": max(*levels, ample_staff(data, p, pool))})
        plant["staff_changes"] = changes


def _relax_objective(g: Group, d: dict[str, Any], data: ProblemData) -> None:
    d["objective"] = "lost_value"


_RELAX: dict[Kind, Callable[[Group, dict[str, Any], ProblemData], None]] = {
    "fixed_restart": _relax_fixed_restart,
    "fixed_start": _relax_fixed_start,
    "release_day": _relax_release,
    "capacity": _relax_capacity,
    "staff": _relax_staff,
    "horizon": _relax_horizon,
    "objective": _relax_objective,
}


def _modes(system: dict[str, Any]) -> list[dict[str, Any]]:
    if "modes" in system:
        return list(system["modes"])
    if "duration_days" in system:
        return [{"duration_days": system["duration_days"], "demand": system.get("demand", {})}]
    return []


def _long_horizon(d: dict[str, Any]) -> int:
    """A horizon in which all the work fits one piece after another, after every dated event."""
    days = [d["horizon_days"] - 1]
    for system in d.get("systems", []):
        days += [system.get("release_day", 0), system.get("fixed_start") or 0]
    for line in d.get("lines", []):
        days += [line.get("release_day", 0), line.get("fixed_restart") or 0]
    for res in d.get("resources", []):
        days += [c["day"] for c in res.get("capacity_changes", [])]
    for plant in d.get("plants", []):
        days += [c["day"] for c in plant.get("staff_changes", [])]
    work = sum(
        max((m["duration_days"] for m in _modes(s)), default=0)
        for s in d.get("systems", [])
        if not s.get("cleared", False)
    )
    work += sum((line.get("commissioning") or {}).get("days", 0) for line in d.get("lines", []))
    return min(MAX_HORIZON, int(max(days)) + int(work) + 2)


def instance_dict(instance: Instance) -> dict[str, Any]:
    """The instance as the JSON-ready dict of its file."""
    return instance.model_dump(mode="json", exclude_none=True)


def candidate_groups(instance: Instance) -> list[Group]:
    """Every reason that could take part in a conflict, in the order the search examines them.

    A group that cannot matter (a release day of 0, a resource nothing needs) is
    left out. The order is the least interesting to blame first: the deletion
    filter drops the groups it examines early whenever it can.
    """
    d = instance_dict(instance)
    found: list[Group] = []
    if instance.objective == "makespan":
        found.append(Group("objective", "objective", "objective=makespan"))
    horizon = _long_horizon(d)
    if horizon > instance.horizon_days:
        found.append(
            Group("horizon", "horizon_days", f"horizon_days={instance.horizon_days}", target=horizon)
        )
    data = ProblemData.from_instance(instance)
    for r, res in enumerate(instance.resources):
        need = ample_capacity(data, r)
        if need > 0:
            label = f"resources[{r}] '{res.id}'.capacity={res.capacity}"
            found.append(Group("capacity", f"resources[{r}].capacity", label, index=r, target=need))
    for p, plant in enumerate(instance.plants):
        for pool, count in plant.staff.items():
            need = ample_staff(data, p, pool)
            if need > 0:
                label = f"plants[{p}] '{plant.id}'.staff.{pool}={count}"
                found.append(
                    Group("staff", f"plants[{p}].staff.{pool}", label, index=p, pool=pool, target=need)
                )
    found += [
        _entity_group("release_day", "systems", s, sys.id, sys.release_day)
        for s, sys in enumerate(instance.systems)
        if sys.release_day > 0 and not sys.cleared
    ]
    found += [
        _entity_group("release_day", "lines", i, line.id, line.release_day)
        for i, line in enumerate(instance.lines)
        if line.release_day > 0
    ]
    found += [
        _entity_group("fixed_start", "systems", s, sys.id, sys.fixed_start)
        for s, sys in enumerate(instance.systems)
        if sys.fixed_start is not None
    ]
    found += [
        _entity_group("fixed_restart", "lines", i, line.id, line.fixed_restart)
        for i, line in enumerate(instance.lines)
        if line.fixed_restart is not None
    ]
    return found


def _entity_group(kind: Kind, name: str, k: int, item_id: str, value: int) -> Group:
    entity = f"{name}[{k}] '{item_id}'"
    return Group(kind, f"{name}[{k}].{kind}", f"{entity}.{kind}={value}", entity, k)


def relaxed(instance: Instance, groups: Iterable[Group]) -> Instance:
    """`instance` with the relaxation of every group in `groups` applied."""
    d = instance_dict(instance)
    data = ProblemData.from_instance(instance)
    for g in sorted(groups, key=lambda g: g.kind == "horizon"):  # the horizon sees the other levels
        g.relax(d, data)
    return parse_instance(json.dumps(d))


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One reason of a conflict: its group and a sentence in the file's terms."""

    group: Group
    sentence: str
    resolves_alone: bool | None = None  # relaxing it alone makes the instance feasible (None: unknown)


@dataclass(frozen=True)
class Conflict:
    """A set of reasons that together leave no feasible plan (see the module docstring).

    `proven`: with every other candidate relaxed, the instance was proven
    infeasible. `minimal`: relaxing any one reason (on top of those) was shown
    feasible by a verified plan. `evidence`: structural proofs of
    `planner.diagnosis.structural` that hold in the instance and name this conflict.
    """

    reasons: tuple[Reason, ...]
    proven: bool
    minimal: bool
    evidence: tuple[str, ...] = ()

    @property
    def places(self) -> list[str]:
        return [r.group.place for r in self.reasons]


@dataclass(frozen=True)
class ConflictReport:
    """What `conflicts()` found.

    `status`: "explained" (at least one proven conflict), "structure" (still
    infeasible with every candidate relaxed: the conflict lies in what cannot
    be relaxed), "feasible" (the instance has a plan), "unknown" (the checks
    ran out of time before proving anything). `resolved`: relaxing the first
    reason of every conflict together was shown to make the instance feasible,
    so no other conflict is left.
    """

    status: ReportStatus
    conflicts: tuple[Conflict, ...] = ()
    resolved: bool = False
    checks: int = 0  # feasibility checks (solves) made
    runtime: float = 0.0

    def explanation(self) -> list[str]:
        """The reasons as sentences for a plan file's `explanation`."""
        if self.status == "structure":
            return [
                "No plan meets every constraint, and none would even with no fixed start or restart, no "
                "release day, ample teams and staff, a long horizon and no makespan requirement: the "
                "conflict lies in the structure of the instance itself."
            ]
        if self.status == "feasible":
            return ["The instance has a feasible plan: there is no conflict to explain."]
        if not self.conflicts:
            return ["No plan was found, and no conflict could be proven within the time limit."]
        lines = [line for k, c in enumerate(self.conflicts) for line in self._conflict_lines(k, c)]
        if not self.resolved:
            lines.append(
                "Other conflicts may remain: relaxing one reason of each conflict above was not shown "
                "to make the instance feasible."
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        """The report for scripts: status, and each conflict's places and sentences."""
        return {
            "status": self.status,
            "resolved": self.resolved,
            "conflicts": [
                {
                    "places": conflict.places,
                    "reasons": [r.sentence for r in conflict.reasons],
                    "resolves_alone": [r.resolves_alone for r in conflict.reasons],
                    "minimal": conflict.minimal,
                    "proven": conflict.proven,
                    "evidence": list(conflict.evidence),
                }
                for conflict in self.conflicts
            ],
            "explanation": self.explanation(),
        }

    def _conflict_lines(self, k: int, conflict: Conflict) -> list[str]:
        n = len(self.conflicts)
        alone = all(r.resolves_alone for r in conflict.reasons)
        if n == 1 and alone and conflict.minimal:
            head = "No plan meets these together; changing any one of them makes the instance feasible:"
        elif conflict.minimal:
            head = (
                f"Conflict {k + 1} of {n}: these reasons together leave no plan, and changing any one "
                "of them resolves this conflict"
                + (" (every conflict must be resolved):" if n > 1 else " (other conflicts remain):")
            )
        else:
            head = (
                f"Conflict {k + 1} of {n}: these reasons together leave no plan (not proven minimal: "
                "some checks ran out of time):"
            )
        return [head, *(r.sentence for r in conflict.reasons), *(f"Because {e}" for e in conflict.evidence)]


# --- feasibility checks -------------------------------------------------------------------------


@dataclass
class _Oracle:
    """Feasibility of the instance with a set of groups relaxed, cached, within a time budget."""

    instance: Instance
    groups: list[Group]
    deadline: float
    check_limit: float
    workers: int
    seed: int
    cache: dict[frozenset[int], Verdict] = field(default_factory=dict)
    checks: int = 0

    def check(self, relaxed_groups: frozenset[int]) -> Verdict:
        if relaxed_groups not in self.cache:
            if time.perf_counter() >= self.deadline:
                return "unknown"  # not cached: a later search with more time may know
            inst = relaxed(self.instance, [self.groups[k] for k in relaxed_groups])
            self.cache[relaxed_groups] = self._verdict(inst)
            self.checks += 1
        return self.cache[relaxed_groups]

    def _verdict(self, inst: Instance) -> Verdict:
        if structural_reasons(inst):
            return "infeasible"
        plan = greedy(inst, Budget(time.perf_counter(), self.deadline))
        if plan is not None and verify(inst, plan).ok:
            return "feasible"
        limit = min(self.check_limit, self.deadline - time.perf_counter())
        if limit <= 0:
            return "unknown"
        return feasibility(inst, time_limit=limit, workers=self.workers, seed=self.seed)


def feasibility(instance: Instance, *, time_limit: float, workers: int = 1, seed: int = 0) -> Verdict:
    """Does `instance` have a plan? CP-SAT without the objective; a plan found must pass `verify`."""
    budget = Budget.of(time_limit)
    data = ProblemData.from_instance(instance)
    try:
        built = RestartModel(data, budget.check)
    except OutOfTime:
        return "unknown"
    built.model.clear_objective()  # type: ignore[no-untyped-call]
    solver = new_solver(max(0.01, budget.left()), workers, seed)
    with stop_on_ctrl_c(solver):
        code = solver.solve(built.model)
    if code == cp_model.INFEASIBLE:
        return "infeasible"
    if code not in (cp_model.FEASIBLE, cp_model.OPTIMAL):
        return "unknown"
    decisions = built.decisions(solver)
    plan = build_plan(instance, data, decisions, "feasible", decisions.objective)
    if not verify(instance, plan).ok:
        raise RuntimeError(f"planner bug: a CP-SAT plan of {instance.name!r} fails verify")
    return "feasible"


# --- the search -----------------------------------------------------------------------------------


def conflicts(
    instance: Instance,
    *,
    time_limit: float = 30.0,
    check_time_limit: float = 5.0,
    workers: int = 1,
    seed: int = 0,
    max_conflicts: int = 5,
) -> ConflictReport:
    """Minimal sets of domain-level reasons that together leave `instance` without a plan.

    `time_limit` bounds the whole search (seconds), `check_time_limit` each
    feasibility check; `workers` and `seed` are CP-SAT's. At most
    `max_conflicts` conflicts are looked for. See the module docstring for
    what the result claims.
    """
    started = time.perf_counter()
    groups = candidate_groups(instance)
    oracle = _Oracle(instance, groups, started + time_limit, check_time_limit, workers, seed)
    every = frozenset(range(len(groups)))
    if oracle.check(frozenset()) == "feasible":
        return ConflictReport("feasible", checks=oracle.checks, runtime=time.perf_counter() - started)
    if oracle.check(every) != "feasible":
        status: ReportStatus = "structure" if oracle.check(every) == "infeasible" else "unknown"
        return ConflictReport(status, checks=oracle.checks, runtime=time.perf_counter() - started)
    found: list[tuple[list[int], bool, bool]] = []  # (reasons, proven, minimal)
    chosen: set[int] = set()  # the first reason of each conflict found, relaxed for the next
    resolved = False
    while len(found) < max_conflicts:
        if found and (verdict := oracle.check(frozenset(chosen))) != "infeasible":
            resolved = verdict == "feasible"
            break
        members, proven, minimal = _deletion_filter(oracle, groups, frozenset(chosen), instance)
        if not proven or not members:
            break
        members.sort(key=lambda k: (groups[k].rank, k))
        found.append((members, proven, minimal))
        chosen.add(members[0])
    report = [_conflict(instance, groups, oracle, *item) for item in found]
    status = "explained" if report else "unknown"
    return ConflictReport(status, tuple(report), resolved, oracle.checks, time.perf_counter() - started)


def _deletion_filter(
    oracle: _Oracle, groups: list[Group], base: frozenset[int], instance: Instance
) -> tuple[list[int], bool, bool]:
    """A minimal conflict among the groups outside `base` (relaxed), with its proven/minimal flags.

    Three passes, each relaxing groups on top of those already relaxed and
    keeping them relaxed when the instance stays infeasible: every group
    outside an assumption core at once (`_seed`); then halves, quarters, ...
    of the groups left; then each group left on its own. A group whose own
    relaxation makes the instance feasible is a member. Members are minimal:
    relaxing more groups only adds plans, so a member's relaxation stays
    feasible on top of everything dropped after it was tried.
    """
    dropped = set(base)
    proven = oracle.cache.get(base) == "infeasible"
    core = _seed(instance, groups, base, oracle)
    if core is not None:
        outside = frozenset(k for k in range(len(groups)) if k not in core) | base
        if oracle.check(outside) == "infeasible":
            dropped, proven = set(outside), True
    left = [k for k in range(len(groups)) if k not in dropped]
    size = len(left) // 2
    while size >= 2:
        for at in range(0, len(left), size):
            part = set(left[at : at + size]) - dropped
            if part and oracle.check(frozenset(dropped | part)) == "infeasible":
                dropped |= part
                proven = True
        size //= 2
    members: list[int] = []
    minimal = True
    for k in left:
        if k in dropped:
            continue
        verdict = oracle.check(frozenset(dropped | {k}))
        if verdict == "infeasible":
            dropped.add(k)
            proven = True
        else:
            members.append(k)
            minimal = minimal and verdict == "feasible"
    return members, proven, minimal


def _conflict(
    instance: Instance, groups: list[Group], oracle: _Oracle, members: list[int], proven: bool, minimal: bool
) -> Conflict:
    outside = frozenset(range(len(groups))) - set(members)
    evidence = _evidence(instance, relaxed(instance, [groups[k] for k in outside]))
    chosen = [groups[k] for k in members]
    reasons = []
    for k in members:
        verdict = oracle.check(frozenset({k}))
        alone = None if verdict == "unknown" else verdict == "feasible"
        sentence, evidence = _sentence(instance, groups[k], chosen, evidence)
        reasons.append(Reason(groups[k], sentence, alone))
    return Conflict(tuple(reasons), proven, minimal, tuple(evidence))


def _evidence(instance: Instance, context: Instance) -> list[str]:
    """Structural reasons of the conflict's instance that hold, word for word, in the original.

    Word for word, so that no number of a relaxed group (a lengthened horizon,
    raised capacities) slips into the explanation.
    """
    original = set(structural_reasons(instance))
    return [r for r in structural_reasons(context) if r in original]


# --- sentences -------------------------------------------------------------------------------------


def _sentence(
    instance: Instance, g: Group, members: list[Group], evidence: list[str]
) -> tuple[str, list[str]]:
    """The sentence of reason `g`, and the evidence it has not used up."""
    if g.kind in ("fixed_restart", "fixed_start"):
        for e in evidence:
            head = f"{g.entity}: "
            if e.startswith(head):
                rest = e[len(head) :]
                word = g.kind + " " + g.label.split("=")[1] + " "
                rest = rest[len(word) :] if rest.startswith(word) else ": " + rest
                return f"{g.label} {rest}".replace(" : ", ": "), [x for x in evidence if x != e]
    others = [m.label for m in members if m != g]
    return f"{g.label}: {_CLAUSE[g.kind](instance, g)}{_together(others)}", evidence


def _together(others: list[str]) -> str:
    if not others:
        return ""
    return f"; not possible together with {_names(others)}"


def _names(items: list[str], most: int = 4) -> str:
    if len(items) > most:
        items = [*items[:most], f"{len(items) - most} more"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _clause_fixed_restart(instance: Instance, g: Group) -> str:
    line = instance.lines[g.index]
    r = line.fixed_restart
    assert r is not None
    crew = ", ".join(f"{n} of '{p}'" for p, n in line.crew_per_shift.items() if n > 0)
    staffed = f" with a crew of {crew}" if crew else ""
    if r < 0:
        return f"it has been running since before day 0, so it must run a shift{staffed} on every working day"
    text = f"it must restart on day {r}"
    comm = line.commissioning
    if comm is not None and comm.days > 0:
        demand = ", ".join(f"{q} of '{res}'" for res, q in comm.demand.items() if q > 0)
        uses = f" using {demand}" if demand else ""
        text += f" after commissioning{uses} on days {r - comm.days}-{r - 1}"
    if line.systems:
        text += (
            f" with {_names([repr(s) for s in line.systems])} cleared by day {r - line.commissioning_days}"
        )
    return text + (f", then run a shift{staffed} on every working day" if crew else "")


def _clause_fixed_start(instance: Instance, g: Group) -> str:
    sys = instance.systems[g.index]
    ways = " or ".join(
        f"{words.days(m.duration_days)}"
        + (" with " + ", ".join(f"{q} of '{r}'" for r, q in m.demand.items() if q > 0) if m.demand else "")
        for m in sys.mode_list
    )
    return f"its clearance must start on day {sys.fixed_start} and takes {ways}"


def _clause_release(instance: Instance, g: Group) -> str:
    if g.place.startswith("lines"):
        line = instance.lines[g.index]
        return f"line '{line.id}' cannot restart before day {line.release_day}"
    sys = instance.systems[g.index]
    return f"the clearance of '{sys.id}' cannot start before day {sys.release_day}"


def _clause_horizon(instance: Instance, g: Group) -> str:
    return f"all the work must end within days 0-{instance.horizon_days - 1}"


def _clause_objective(instance: Instance, g: Group) -> str:
    return (
        "every system must be cleared and every line restarted within the horizon "
        "(under lost_value they could be left for later)"
    )


def _clause_capacity(instance: Instance, g: Group) -> str:
    res = instance.resources[g.index]
    users = [
        f"clearing '{s.id}' ({max(m.demand.get(res.id, 0) for m in s.mode_list)})"
        for s in instance.systems
        if not s.cleared and any(m.demand.get(res.id, 0) > 0 for m in s.mode_list)
    ]
    users += [
        f"commissioning '{ln.id}' ({ln.commissioning.demand[res.id]})"
        for ln in instance.lines
        if ln.commissioning is not None and ln.commissioning.demand.get(res.id, 0) > 0
    ]
    return (
        f"{_step_text(res.capacity, [(c.day, c.capacity) for c in res.capacity_changes])} for {_names(users)}"
    )


def _clause_staff(instance: Instance, g: Group) -> str:
    plant = instance.plants[g.index]
    changes = [(c.day, c.headcount) for c in plant.staff_changes if c.pool == g.pool]
    crews = [
        f"'{ln.id}' ({ln.crew_per_shift[g.pool]})"
        for ln in instance.lines
        if ln.plant == plant.id and ln.crew_per_shift.get(g.pool, 0) > 0
    ]
    levels = _step_text(plant.staff[g.pool], changes)
    return f"headcount {levels}, while one shift of line {_names(crews)} needs that many on each working day"


def _step_text(initial: int, changes: list[tuple[int, int]]) -> str:
    """'1', or '2, 0 from day 3, 2 from day 5'."""
    parts = [str(initial)] + [f"{value} from day {day}" for day, value in sorted(changes)]
    merged = [p for p, _ in groupby(parts)]
    return ", ".join(merged)


_CLAUSE: dict[Kind, Callable[[Instance, Group], str]] = {
    "fixed_restart": _clause_fixed_restart,
    "fixed_start": _clause_fixed_start,
    "release_day": _clause_release,
    "horizon": _clause_horizon,
    "objective": _clause_objective,
    "capacity": _clause_capacity,
    "staff": _clause_staff,
}


# --- the seed: one CP-SAT run with assumption literals ------------------------------------------------


def _seed(instance: Instance, groups: list[Group], base: frozenset[int], oracle: _Oracle) -> set[int] | None:
    """Groups of an assumption core, plus those the seed model cannot assume; None without a core.

    The seed model is the instance with every assumable group relaxed, then
    each put back under its literal. The horizon, the objective and running
    lines (negative fixed restarts) change the model's shape and stay as they
    are (or relaxed, when in `base`); they join every core. Groups in `base`
    are relaxed and get no literal.
    """
    limit = min(oracle.check_limit, oracle.deadline - time.perf_counter()) / 2
    if limit <= 0 or len(groups) - len(base) <= SEED_FROM:
        return None
    if structural_reasons(relaxed(instance, [groups[k] for k in base])):
        return None  # the checks are proofs without a search: cheaper than the seed
    fixed = {k for k, g in enumerate(groups) if k not in base and not _assumable(instance, g)}
    soft = [k for k, g in enumerate(groups) if k not in base and k not in fixed]
    if not soft:
        return None
    model_inst = relaxed(instance, [groups[k] for k in sorted(base | set(soft))])
    built = RestartModel(ProblemData.from_instance(model_inst))
    built.model.clear_objective()  # type: ignore[no-untyped-call]
    literals = [_assume(built, instance, groups[k]) for k in soft]
    built.model.add_assumptions(literals)
    solver = new_solver(max(0.01, limit), oracle.workers, oracle.seed)
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return {k for k, lit in zip(soft, literals, strict=True) if lit.index in core} | fixed


def _assumable(instance: Instance, g: Group) -> bool:
    if g.kind in ("horizon", "objective"):
        return False
    if g.kind in ("fixed_restart", "release_day") and g.place.startswith("lines"):
        # A running line (negative fixed restart) has no restart variable to pin or bound.
        return (instance.lines[g.index].fixed_restart or 0) >= 0
    return True


def _assume(built: RestartModel, instance: Instance, g: Group) -> cp_model.IntVar:
    """A literal that, when true, puts group `g` of `instance` back into the relaxed model."""
    model = built.model
    lit = model.new_bool_var(f"keep[{g.place}]")
    if g.kind == "fixed_restart":
        lv = built.lines[g.index]
        model.add(lv.restart == instance.lines[g.index].fixed_restart).only_enforce_if(lit)
        model.add(lv.restarted == 1).only_enforce_if(lit)
    elif g.kind == "fixed_start":
        sv = built.systems[g.index]
        model.add(sv.present == 1).only_enforce_if(lit)
        model.add(sv.start == instance.systems[g.index].fixed_start).only_enforce_if(lit)
    elif g.kind == "release_day" and g.place.startswith("lines"):
        model.add(built.lines[g.index].restart >= instance.lines[g.index].release_day).only_enforce_if(lit)
    elif g.kind == "release_day":
        sv = built.systems[g.index]
        model.add(sv.start >= instance.systems[g.index].release_day).only_enforce_if([lit, sv.present])
    elif g.kind == "capacity":
        _assume_capacity(built, instance, g, lit)
    elif g.kind == "staff":
        _assume_staff(built, instance, g, lit)
    return lit


def _assume_capacity(built: RestartModel, instance: Instance, g: Group, lit: cp_model.IntVar) -> None:
    """The file's capacity profile plus a slack, in a second cumulative; the literal pins the slack to 0."""
    capacity = ProblemData.from_instance(instance).resources[g.index].capacity
    intervals, demands = resource_users(built.data, built.systems, built.lines, g.index)
    peak, blocks, taken = profile_blocks(built.model, capacity, g.place)
    slack = built.model.new_int_var(0, g.target, f"slack[{g.place}]")
    built.model.add(slack == 0).only_enforce_if(lit)
    built.model.add_cumulative(intervals + blocks, demands + taken, peak + slack)


def _assume_staff(built: RestartModel, instance: Instance, g: Group, lit: cp_model.IntVar) -> None:
    """Each working day's crews within the file's headcount, under the literal."""
    headcount = ProblemData.from_instance(instance).plants[g.index].staff[g.pool]
    for t, need in crews_by_day(built.data, built.lines, g.index, g.pool):
        if t < len(headcount):
            built.model.add(need <= headcount[t]).only_enforce_if(lit)
