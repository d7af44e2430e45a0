"""`replan(instance, old_plan, today) -> Replan`: re-plan from day T, the past frozen.

What the old plan had begun before `today` happened and is kept (clearances
started before it, lines restarted or being commissioned before it, every
shift and unit before it); the new facts (`changes`, path assignments of
`planner.decisions.changes`) are applied; the rest is re-optimised with the old plan as a
complete hint and fallback, so with no change the value never gets worse.
Among plans of equal value the one that moves the fewest restart days and
clearance starts is preferred (a second, lexicographic stage), or with
`stability=W` one objective `value + W x changes` trades value for fewer moves
(models/formulation.md, "Re-planning").

A new fact is learnt today, so a change to a step function (a resource's
capacity, a plant's staff pool, a supplier's `per_day`) takes effect from
`today`: the days before it keep the values the old plan was made with.

The plan's `bound` is proven for the re-planning problem, the past frozen:
what can still be achieved from `today`, not what the instance allowed from
day 0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from planner.cpsat import replanning
from planner.cpsat.model import RestartModel
from planner.cpsat.replanning import Past
from planner.errors import InstanceError, SolveError
from planner.formats import money
from planner.formats.schema import (
    CapacityChange,
    Instance,
    Material,
    Plan,
    PlanObjective,
    Plant,
    StaffChange,
    Status,
    SupplyChange,
)
from planner.problem import usage
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions, build_plan, decisions_from_plan, with_bound
from planner.solve import CpsatRun, Result, rebase, run_cpsat
from planner.verify import verify

if TYPE_CHECKING:
    import pandas as pd

# The value stage gets this share of the time left; the stability stage the rest.
_VALUE_SHARE = 0.6
# When the old plan breaks the changed instance, at most this share finds a feasible start.
_BRIDGE_SHARE = 0.3

Kind = Literal["system", "line"]


@dataclass(frozen=True)
class Move:
    """One clearance start or restart day, before and after the re-plan (None: not cleared, not restarted)."""

    kind: Kind
    id: str
    old_day: int | None
    new_day: int | None
    why: str
    cause: str = ""  # for a moved item: what now holds it at its new day (`planner.decisions.explain`)

    @property
    def moved_by(self) -> int | None:
        if self.old_day is None or self.new_day is None:
            return None
        return self.new_day - self.old_day

    @property
    def changed(self) -> bool:
        return self.old_day != self.new_day


@dataclass(frozen=True)
class Replan:
    """A re-plan: the new plan (of the changed instance), how it was found, and what moved."""

    plan: Plan
    result: Result
    instance: Instance  # the instance with the changes applied
    old_plan: Plan
    today: int
    changes: tuple[str, ...]
    stability: int | None
    old_value: int | None  # the old plan's value on the changed instance; None if it breaks it
    moves: tuple[Move, ...]  # every system to clear and every line; empty without a plan

    @property
    def changed(self) -> int:
        """How many restart days and clearance starts differ from the old plan."""
        return sum(move.changed for move in self.moves)

    @property
    def saving(self) -> int | None:
        """What the new plan saves against carrying on with the old one (None if that breaks the instance)."""
        value = self.plan.objective.value
        return None if value is None or self.old_value is None else self.old_value - value

    @property
    def most_saving(self) -> int | None:
        """The most any re-plan can save against the old plan: its value less the proven bound."""
        bound = self.plan.objective.bound
        return None if bound is None or self.old_value is None else self.old_value - bound

    @property
    def diff(self) -> pd.DataFrame:
        """One row a system to clear and a line: kind, id, old_day, new_day, moved_by, changed, why, cause.

        Days are NA for a system not cleared or a line not restarted; `moved_by`
        is NA unless both days are known; `changed` is True when the days differ.
        """
        import pandas as pd

        columns = ["kind", "id", "old_day", "new_day", "moved_by", "changed", "why", "cause"]
        rows = [
            {
                "kind": m.kind,
                "id": m.id,
                "old_day": m.old_day,
                "new_day": m.new_day,
                "moved_by": m.moved_by,
                "changed": m.changed,
                "why": m.why,
                "cause": m.cause,
            }
            for m in self.moves
        ]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype({"old_day": "Int64", "new_day": "Int64", "moved_by": "Int64", "changed": bool})

    def _figure(self, value: int | None) -> str:
        """An objective's figure: an amount in the value unit under lost value."""
        if value is None or self.plan.objective.kind != "lost_value":
            return _number(value)
        return money.amount(self.instance.value_unit, value)

    def text(self) -> str:
        """A readable summary: the figures, then each restart day and clearance start that moved."""
        plan = self.plan
        facts = ", ".join(self.changes) if self.changes else "no changes"
        head = [f"Re-plan of {plan.instance} from day {self.today} ({facts}): status {plan.status}."]
        if not plan.has_schedule:
            return "\n".join(head + [f"  {reason}" for reason in plan.explanation or []])
        kind = plan.objective.kind.replace("_", " ")
        old = "breaks the instance as it now is" if self.old_value is None else self._figure(self.old_value)
        head.append(
            f"{kind.capitalize()} {self._figure(plan.objective.value)} (old plan: {old}), "
            f"bound {self._figure(plan.objective.bound)} with the past frozen."
        )
        if self.saving is not None and self.most_saving is not None:
            saving, most = self._figure(self.saving), self._figure(self.most_saving)
            exact = self.saving == self.most_saving
            proven = (
                "proven: no re-plan saves more" if exact else f"proven: no re-plan saves more than {most}"
            )
            head.append(f"Against carrying on with the old plan: saves {saving} ({proven}).")
        if self.stability is not None:
            head.append(f"Stability weight: {self._figure(self.stability)} per change.")
        frozen = sum(m.why.startswith("frozen") for m in self.moves)
        head.append(f"Frozen before day {self.today}: {frozen} of {len(self.moves)} starts and restarts.")
        moved = [m for m in self.moves if m.changed]
        head.append(f"Changed: {len(moved)}." if moved else "Changed: none.")
        return "\n".join(head + [f"  {_describe(m)}" for m in moved])


def replan(
    instance: Instance,
    old_plan: Plan,
    today: int,
    *,
    changes: Sequence[str] = (),
    stability: int | None = None,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
) -> Replan:
    """Re-plan `instance` from day `today`, keeping what `old_plan` did before it.

    `changes` are applied to `instance` first (`planner.decisions.changes.apply_changes`);
    `stability` (objective units per change, >= 0) replaces the lexicographic
    second stage by one weighted objective. `InstanceError` when `today` is not
    a day of the horizon (0..horizon_days) or the old plan has no schedule or
    names systems or lines the instance lacks.
    """
    started = time.perf_counter()
    changed = _apply(instance, changes, today)
    data = ProblemData.from_instance(changed)
    _check_request(data, old_plan, today, stability)
    old = _old_decisions(data, old_plan)
    past = Past.of(data, old, today)
    context = _Context(changed, data, old_plan, old, past, tuple(changes), stability)
    conflicts = _past_conflicts(changed, old_plan, today) or _work_under_way(data, old, past)
    if conflicts:
        return context.without_plan("infeasible", conflicts, started)
    built = RestartModel(data)
    replanning.freeze(built, old, today)
    fallback = rebase(changed, old_plan)
    if fallback is not None:
        fallback = context.keep_past(fallback)
    built.warmstart(old)
    if fallback is None:  # the old plan breaks the changed instance: find a feasible start first
        bridge = _bridge(data, old, today, _BRIDGE_SHARE * time_limit, workers, seed)
        if bridge is not None:
            built.warmstart(bridge)
    build_time = time.perf_counter() - started
    share = _VALUE_SHARE * (time_limit - build_time)
    first = run_cpsat(built, time_limit=share, workers=workers, seed=seed, log=log)
    if first.status == "infeasible" and fallback is not None:
        raise SolveError("planner bug: CP-SAT proved infeasible a re-plan whose old plan is feasible")
    candidates = [p for p in (fallback, context.candidate(first)) if p is not None]
    if not candidates:
        reasons = context.no_plan_reasons(first.status, time_limit)
        return context.without_plan(first.status, reasons, started)
    best = min(candidates, key=context.rank)
    if context.worth_second_stage(best, first):
        left = time_limit - (time.perf_counter() - started)
        second = context.second_stage(built, best, left, workers, seed, log)
        candidates += [p for p in (context.candidate(second),) if p is not None]
        best = min(candidates, key=context.rank)
    plan = context.honest(best, first)
    return context.outcome(plan, fallback, started, build_time)


def _bridge(
    data: ProblemData, old: Decisions, today: int, time_limit: float, workers: int, seed: int
) -> Decisions | None:
    """A feasible re-plan to start from when the old plan no longer is one, or None.

    The full model may find no plan in its time without a feasible hint (the
    JLR instance, one forensic team fewer from day 14, found none in 36 s).
    First a schedule: with nothing made from `today` on, what is left —
    clearances, restarts, commissioning and one staffed shift a working day —
    CP-SAT solves at once, restarting lines and clearing systems early. Then the
    production for that schedule under the real objective, the schedule fixed.
    The result is a complete, feasible hint for the real search.
    """
    built = RestartModel(data)
    replanning.freeze(built, old, today)
    replanning.minimize_schedule_alone(built, today)
    built.warmstart(old)
    schedule = run_cpsat(built, time_limit=time_limit / 2, workers=workers, seed=seed).decisions
    if schedule is None:
        return None
    # Then production for that schedule, under the real objective: clearances and
    # restarts fixed, what is left is close to a linear program and solves fast.
    built = RestartModel(data)
    replanning.freeze(built, old, today)
    built.fix(schedule)
    built.warmstart(schedule)
    produced = run_cpsat(built, time_limit=time_limit / 2, workers=workers, seed=seed).decisions
    return produced or schedule


def _apply(instance: Instance, changes: Sequence[str], today: int) -> Instance:
    if not changes:
        return instance
    from planner.decisions.changes import apply_changes  # only re-plans with new facts need it

    return from_today(instance, apply_changes(instance, changes), today)


def from_today(before: Instance, after: Instance, today: int) -> Instance:
    """`after` with every capacity, headcount and supply rate of `before` on the days before `today`.

    The step functions of `after` are rewritten as: `before`'s values up to
    day `today - 1`, then `after`'s from `today` on (the same lists in the file,
    a change on day `today` added where the value differs).
    """
    if today == 0:
        return after
    old_resources = {r.id: r for r in before.resources}
    resources = []
    for res in after.resources:
        if (old := old_resources.get(res.id)) is None:  # added by the changes: nothing in the past
            resources.append(res)
            continue
        initial, steps = _spliced(
            (old.capacity, [(c.day, c.capacity) for c in old.capacity_changes]),
            (res.capacity, [(c.day, c.capacity) for c in res.capacity_changes]),
            today,
        )
        changes = [CapacityChange(day=d, capacity=v) for d, v in steps]
        resources.append(res.model_copy(update={"capacity": initial, "capacity_changes": changes}))
    old_plants = {p.id: p for p in before.plants}
    plants = [
        _plant_from_today(old_plants[p.id], p, today) if p.id in old_plants else p for p in after.plants
    ]
    old_materials = {m.id: m for m in before.materials}
    materials = [
        _supply_from_today(old_materials[m.id], m, today) if m.id in old_materials else m
        for m in after.materials
    ]
    return after.model_copy(update={"resources": resources, "plants": plants, "materials": materials})


def _plant_from_today(old: Plant, new: Plant, today: int) -> Plant:
    staff: dict[str, int] = {}
    changes: list[StaffChange] = []
    for pool, headcount in new.staff.items():
        initial, steps = _spliced(
            (old.staff.get(pool, 0), [(c.day, c.headcount) for c in old.staff_changes if c.pool == pool]),
            (headcount, [(c.day, c.headcount) for c in new.staff_changes if c.pool == pool]),
            today,
        )
        staff[pool] = initial
        changes += [StaffChange(day=d, pool=pool, headcount=v) for d, v in steps]
    changes.sort(key=lambda c: (c.day, c.pool))
    return new.model_copy(update={"staff": staff, "staff_changes": changes})


def _supply_from_today(old: Material, new: Material, today: int) -> Material:
    if new.supply is None or old.supply is None:
        return new
    initial, steps = _spliced(
        (old.supply.per_day, [(c.day, c.per_day) for c in old.supply.changes]),
        (new.supply.per_day, [(c.day, c.per_day) for c in new.supply.changes]),
        today,
    )
    changes = [SupplyChange(day=d, per_day=v) for d, v in steps]
    supply = new.supply.model_copy(update={"per_day": initial, "changes": changes})
    return new.model_copy(update={"supply": supply})


Steps = tuple[int, list[tuple[int, int]]]  # initial value, (day, value) changes


def _spliced(old: Steps, new: Steps, today: int) -> tuple[int, list[tuple[int, int]]]:
    """`old`'s step function before `today`, `new`'s from `today` on (today > 0)."""

    def at(steps: Steps, day: int) -> int:
        value = steps[0]
        for d, v in sorted(steps[1]):
            if d <= day:
                value = v
        return value

    changes = [(d, v) for d, v in sorted(old[1]) if d < today]
    if at(new, today) != at(old, today - 1):
        changes.append((today, at(new, today)))
    changes += [(d, v) for d, v in sorted(new[1]) if d > today]
    return old[0], changes


def _check_request(data: ProblemData, old_plan: Plan, today: int, stability: int | None) -> None:
    if not 0 <= today <= data.horizon:
        raise InstanceError([f"today: day {today} is not a day of the horizon 0..{data.horizon}"])
    if not old_plan.has_schedule:
        raise InstanceError([f"plan: status {old_plan.status}, no schedule to re-plan from"])
    if stability is not None and stability < 0:
        raise InstanceError([f"stability: {stability} is negative (a weight per change, >= 0)"])


def _old_decisions(data: ProblemData, old_plan: Plan) -> Decisions:
    """The old plan's decisions in the changed instance's indices."""
    try:
        return decisions_from_plan(data, old_plan)
    except KeyError as error:
        raise InstanceError([f"plan: {error.args[0]!r} is not a system or line of the instance"]) from None


def _past_conflicts(instance: Instance, old_plan: Plan, today: int) -> list[str]:
    """Rules the old plan breaks before `today` on `instance`: the past cannot keep them.

    Before `today` the re-plan has exactly the old plan's activities and
    production (and deliveries, which depend only on clearances frozen with
    them), so such a violation is in every re-plan.
    """
    found = [
        str(v)
        for v in verify(instance, old_plan).violations
        if v.code not in ("C0", "C8") and v.day is not None and v.day < today
    ]
    if not found:
        return []
    return [f"What happened before day {today} breaks the instance as it now is:", *found, _FROM_TODAY]


def _work_under_way(data: ProblemData, old: Decisions, past: Past) -> list[str]:
    """Days from `today` on where the frozen clearances and commissioning alone exceed a capacity."""
    use: dict[tuple[int, int], list[tuple[str, int]]] = {}  # (resource, day) -> (activity, amount)
    # A mode the system no longer has (the old plan of a changed instance) holds nothing here.
    frozen = {
        s: chosen
        for s in sorted(past.systems)
        if (chosen := old.systems.get(s)) is not None and 0 <= chosen[0] < len(data.systems[s].modes)
    }
    restarts = [r if i in past.lines else None for i, r in enumerate(old.restarts)]
    for hold in usage.holds(data, frozen, restarts):
        if hold.activity == "clearance":
            activity = data.systems[hold.index].id
        else:
            activity = f"commissioning of line {data.lines[hold.index].id}"
        for t in range(max(hold.first, past.today), min(hold.last, data.horizon)):
            for r, amount in hold.demand.items():
                use.setdefault((r, t), []).append((activity, amount))
    found = []
    for (r, t), parts in sorted(use.items(), key=lambda item: (item[0][1], item[0][0])):
        need, capacity = sum(amount for _, amount in parts), data.resources[r].capacity[t]
        if need > capacity:
            names = ", ".join(f"{who} {amount}" for who, amount in parts)
            found.append(
                f"resource {data.resources[r].id}, day {t}: needs {need} ({names}), capacity {capacity}"
            )
    if not found:
        return []
    head = f"Work under way on day {past.today} cannot go on as the instance now is (it cannot pause):"
    return [head, *found]


_FROM_TODAY = (
    "A new fact applies from day 0 unless it is stated from today on "
    "(for example with capacity_changes or staff_changes)."
)


@dataclass
class _Context:
    """What every step of one re-plan reads: the changed instance, the old plan, the frozen past."""

    instance: Instance
    data: ProblemData
    old_plan: Plan
    old: Decisions
    past: Past
    facts: tuple[str, ...]  # the instance edits applied (`replan`'s `changes`)
    stability: int | None

    @property
    def today(self) -> int:
        return self.past.today

    def keep_past(self, plan: Plan) -> Plan:
        """`plan` with the old plan's production rows before today, exactly as they were.

        The model fixes their shifts and units, but a plan reports the fewest
        shifts its units need, and a line modelled by its restart alone gets one
        shift a day: the rows before today are history, not a choice.
        """
        order = {line.id: i for i, line in enumerate(self.instance.lines)}
        rows = [p for p in self.old_plan.production if p.day < self.today]
        rows += [p for p in plan.production if p.day >= self.today]
        rows.sort(key=lambda p: (order[p.line], p.day))
        return plan.model_copy(update={"production": rows})

    def candidate(self, found: CpsatRun) -> Plan | None:
        """The plan of a search's decisions (status and bound set later by `honest`)."""
        if found.decisions is None:
            return None
        value = found.decisions.objective
        return self.keep_past(build_plan(self.instance, self.data, found.decisions, "feasible", value))

    def rank(self, plan: Plan) -> tuple[int, int]:
        """Lexicographic (value, moves), or (value + W x moves, moves) with a stability weight."""
        value = _value(plan)
        moves = len([m for m in _compare(self.instance, self.old_plan, plan) if m[2] != m[3]])
        if self.stability is None:
            return value, moves
        return value + self.stability * moves, moves

    def worth_second_stage(self, best: Plan, first: CpsatRun) -> bool:
        """Not when the best plan has no change and no other plan can beat it on value."""
        if self.rank(best)[1] > 0:
            return True
        return self.stability is not None and first.status != "optimal"

    def second_stage(
        self, built: RestartModel, best: Plan, time_limit: float, workers: int, seed: int, log: bool
    ) -> CpsatRun:
        """Fewest changes at the best value (or the weighted trade), hinted with the best plan."""
        if self.stability is None:
            replanning.minimize_changes(built, self.old, _value(best))
        else:
            replanning.minimize_weighted_changes(built, self.old, self.stability)
        built.warmstart(decisions_from_plan(self.data, best))
        return run_cpsat(built, time_limit=time_limit, workers=workers, seed=seed, log=log)

    def honest(self, plan: Plan, first: CpsatRun) -> Plan:
        """The status and bound of the value stage: proven for the problem with the past frozen."""
        value = _value(plan)
        if first.status == "optimal" and first.decisions is not None:
            bound = first.decisions.objective
        else:
            bound = first.bound if first.bound is not None else min(0, value)
        return with_bound(plan, bound)

    def outcome(self, plan: Plan, fallback: Plan | None, started: float, build_time: float) -> Replan:
        report = verify(self.instance, plan)
        if not report.ok:
            raise SolveError(f"planner bug: the re-plan breaks the contract:\n{report.summary()}")
        runtime = time.perf_counter() - started
        value, bound = plan.objective.value, plan.objective.bound
        result = Result(plan.status, plan, value, bound, runtime, build_time)
        old_value = None if fallback is None else fallback.objective.value
        return self._replan(plan, result, old_value, self._moves(plan))

    def without_plan(self, status: Status, reasons: list[str], started: float) -> Replan:
        plan = Plan(
            instance=self.instance.name,
            status=status,
            objective=PlanObjective(kind=self.instance.objective, value=None, bound=None),
            lost_value=None,
            lost_units=None,
            makespan=None,
            explanation=reasons,
        )
        result = Result(status, plan, None, None, time.perf_counter() - started, 0.0)
        return self._replan(plan, result, None, ())

    def no_plan_reasons(self, status: Status, time_limit: float) -> list[str]:
        if status == "infeasible":
            return [
                f"No plan keeps what happened before day {self.today} (and the work under way then) "
                "and meets every constraint from it on: CP-SAT proved it."
            ]
        return [
            f"No re-plan was found within the time limit of {time_limit:g} s, and the old plan "
            "breaks the instance as it now is. Try a longer time limit."
        ]

    def _replan(self, plan: Plan, result: Result, old_value: int | None, moves: tuple[Move, ...]) -> Replan:
        return Replan(
            plan,
            result,
            self.instance,
            self.old_plan,
            self.today,
            self.facts,
            self.stability,
            old_value,
            moves,
        )

    def _moves(self, plan: Plan) -> tuple[Move, ...]:
        touched = _touched(self.instance, self.facts)
        index = {("system", s.id): i for i, s in enumerate(self.data.systems)}
        index.update({("line", ln.id): i for i, ln in enumerate(self.data.lines)})
        moves = []
        causes = _causes(self.instance, plan)
        for kind, ident, old, new in _compare(self.instance, self.old_plan, plan):
            why = self._frozen(kind, index[kind, ident], old)
            if why is None:
                why = _why_free(old == new, touched.get((kind, ident), []) + touched.get(None, []))
            cause = causes.get((kind, ident), "") if old != new else ""
            moves.append(Move(kind, ident, old, new, why, cause))
        return tuple(moves)

    def _frozen(self, kind: Kind, i: int, old: int | None) -> str | None:
        """Why item `i` is frozen, or None when it is free."""
        today = self.today
        if kind == "system" and i in self.past.systems:
            return f"frozen (started day {old} < today {today})"
        if kind == "line" and i in self.past.lines and old is not None:
            if old < today:
                return f"frozen (restarted day {old} < today {today})"
            begun = old - self.data.lines[i].commissioning_days
            return f"frozen (commissioning started day {begun} < today {today})"
        return None


def _compare(
    instance: Instance, old_plan: Plan, plan: Plan
) -> list[tuple[Kind, str, int | None, int | None]]:
    """(kind, id, old day, new day) of every system to clear and every line."""
    old_starts = {s.id: s.start_day for s in old_plan.systems}
    new_starts = {s.id: s.start_day for s in plan.systems}
    old_restarts = {ln.id: ln.restart_day for ln in old_plan.lines}
    new_restarts = {ln.id: ln.restart_day for ln in plan.lines}
    rows: list[tuple[Kind, str, int | None, int | None]] = [
        ("system", s.id, old_starts.get(s.id), new_starts.get(s.id))
        for s in instance.systems
        if not s.cleared
    ]
    rows += [("line", ln.id, old_restarts.get(ln.id), new_restarts.get(ln.id)) for ln in instance.lines]
    return rows


def _touched(instance: Instance, changes: Sequence[str]) -> dict[tuple[Kind, str] | None, list[str]]:
    """The changes that bear directly on each system and line (key None: on every one)."""
    touched: dict[tuple[Kind, str] | None, list[str]] = {}
    if not changes:
        return touched
    from planner.decisions.changes import resolve

    for change in changes:
        address = resolve(instance, change)
        for key in _named_by(instance, address.collection, address.item):
            touched.setdefault(key, []).append(change)
    return touched


def _named_by(instance: Instance, collection: str | None, item: str | None) -> list[tuple[Kind, str] | None]:
    """The systems and lines whose plan a change of `collection`.`item` bears on directly.

    A system or line itself, those using a resource, the lines of a plant or
    making or using a material; a top-level field (horizon, objective): all (None).
    """
    if item is None:
        return [None]
    found: list[tuple[Kind, str] | None] = []
    if collection == "systems":
        found.append(("system", item))
    elif collection == "lines":
        found.append(("line", item))
    elif collection == "resources":
        found += [("system", s.id) for s in instance.systems if any(m.demand.get(item) for m in s.mode_list)]
        found += [
            ("line", ln.id)
            for ln in instance.lines
            if ln.commissioning is not None and ln.commissioning.demand.get(item)
        ]
    elif collection == "plants":
        found += [("line", ln.id) for ln in instance.lines if ln.plant == item]
    elif collection == "materials":
        found += [("line", ln.id) for ln in instance.lines if item in (ln.output, *ln.inputs)]
    return found


def _causes(instance: Instance, plan: Plan) -> dict[tuple[str, str], str]:
    """What holds each line and system at its day in `plan`, in words (`planner.decisions.explain`)."""
    from planner.decisions.explain import explain

    found = explain(instance, plan, bottlenecks=False)
    return {(e.kind, e.id): e.sentence() for e in (*found.lines, *found.systems)}


def _why_free(same: bool, facts: list[str]) -> str:
    if same:
        return "unchanged"
    return "new fact: " + "; ".join(facts) if facts else "re-optimised"


def _describe(move: Move) -> str:
    def day(value: int | None) -> str:
        if value is None:
            return "not cleared" if move.kind == "system" else "not restarted"
        return f"day {value}"

    shift = "" if move.moved_by is None else f" ({move.moved_by:+d})"
    text = f"{move.kind} {move.id}: {day(move.old_day)} -> {day(move.new_day)}{shift}, {move.why}"
    return f"{text}\n      now: {move.cause}" if move.cause else text


def _value(plan: Plan) -> int:
    assert plan.objective.value is not None
    return plan.objective.value


def _number(value: int | None) -> str:
    return "null" if value is None else f"{value:,}"
