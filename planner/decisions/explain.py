"""Explain a plan: why each line restarts and each system is cleared when it is, and what costs most.

`explain(instance, plan)` answers two questions a recovery director asks.

1. Why this day and not a day earlier? For a line restarting on day r it
   tests, from the instance and the plan alone (no solver), each rule that
   forbids day r - 1: the release day, a needed system cleared exactly
   `commissioning.days` before r, an `after_lines` line restarting on r, the
   commissioning window not fitting the resources a day earlier, one more
   shift on day r - 1 not fitting a staff pool given the other lines' shifts.
   A system starting on day s is tested the same way for day s - 1: release
   day, an `after` system ending on s, a resource full on day s - 1 given the
   other activities. Each binding cause links to the explanation of what it
   waits for, so the causes form a chain. When nothing forbids the day before,
   the day is the optimiser's choice, and the reasons it gains nothing earlier
   are given where they can be told (parts not delivered, no stock, baseline
   already made, nothing needs the system earlier).
2. What does each constraint cost? For every resource, staff pool and supplied
   material, the bottleneck table relaxes it, and only it, so that it can never
   bind, re-solves from the plan as a hint and reports the value lost because
   of it: the best objective known for the instance itself minus the relaxed
   one. The best known is the plan's, or a relaxed solve's plan that keeps
   the instance's own rules (search luck is not blamed on a limit); it is a
   plan of every relaxed instance too, so no loss is negative. Each limit is
   raised to the ample level of `planner.problem.relaxations` (the most any
   plan could use), on every day, its changes dropped; a supplied material
   is also delivered from day 0, with no ordering system and no lead time.

   A relaxation that changes nothing (the limit already covers every demand,
   or no line uses the material) is skipped. The status of each relaxed solve
   tells whether its number is exact ("optimal") or a lower estimate.

Figures are in the instance's objective: lost value, lost units or makespan days.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING, Any, Literal

from planner.decisions.intervals import settled
from planner.errors import InstanceError
from planner.formats import money, words
from planner.formats.read import parse_instance
from planner.formats.schema import Instance, Plan, Status, ValueUnit
from planner.problem import usage
from planner.problem.data import ProblemData, weekday_of_day0
from planner.problem.decisions import decisions_from_plan
from planner.problem.relaxations import (
    ample_capacity,
    ample_staff,
    ample_supply,
    raised_capacity,
    raised_staff,
    raised_supply,
)
from planner.search.budget import Budget
from planner.solve import rebase, solve
from planner.verify import verify

if TYPE_CHECKING:
    import pandas as pd

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MAX_DEPTH = 8  # chains are rendered this deep at most

CauseKind = Literal[
    # binding: each forbids the day before
    "fixed",  # fixed_restart / fixed_start
    "first_day",  # day 0
    "release",  # release_day
    "system",  # a needed system cleared exactly commissioning.days before the restart
    "commissioning",  # the commissioning window cannot start before day 0
    "commissioning_capacity",  # the commissioning window a day earlier exceeds a resource
    "after_line",  # a line in after_lines restarts the same day
    "staff",  # one shift more the day before exceeds a staff pool
    "after",  # a system in `after` ends on the start day
    "capacity",  # a resource the system needs is full the day before its start
    # the optimiser's choice: why nothing is gained earlier
    "mode",  # another mode would start a day earlier
    "not_working",  # the day before is not a working day
    "parts",  # a supplied input is not delivered yet
    "stock",  # an input (made by another line) is not in stock yet
    "baseline",  # the line already makes its whole baseline
    "idle",  # the line makes nothing on its first days
    "intermediate",  # its output has no value of its own
    "makespan",  # under makespan only the last restart counts
    "not_needed",  # nothing needs the system earlier / at all
    "choice",  # nothing to tell: the optimiser's choice
    # states and reasons for not doing something
    "running",  # running since before day 0
    "already_cleared",  # cleared before day 0
    "system_not_cleared",  # a needed system is not cleared
    "after_line_not_restarted",  # a line in after_lines is not restarted
    "after_not_cleared",  # a system in `after` is not cleared
    "horizon",  # cannot happen within the horizon
    "no_value",  # allowed, but nothing to gain
]

BINDING: frozenset[str] = frozenset(
    {
        "fixed",
        "first_day",
        "release",
        "system",
        "commissioning",
        "commissioning_capacity",
        "after_line",
        "staff",
        "after",
        "capacity",
    }
)

State = Literal["restarted", "not_restarted", "running", "cleared", "not_cleared", "already_cleared"]


# --- the typed result -------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """One reason, typed: what kind, about which entity, on which days, and the chain behind it.

    `entity` is an id as in the file (a system, line, resource or material) or
    `plant/pool` for staff; `days` the first and last day concerned; `others`
    the activities or lines sharing a full resource or pool; `then` the
    explanation of the entity waited for (the next link of the chain);
    `because` the causes behind this one that are not another entity's (what
    rules out the working day before a run of days off).
    """

    kind: CauseKind
    text: str
    entity: str | None = None
    days: tuple[int, int] | None = None
    others: tuple[str, ...] = ()
    then: EntityExplanation | None = None
    because: tuple[Cause, ...] = ()

    @property
    def binding(self) -> bool:
        """Does it forbid the day before (rather than explain the optimiser's choice)?"""
        return self.kind in BINDING or any(c.binding for c in self.because)

    def render(self, seen: set[tuple[str, str]] | None = None, depth: int = 0) -> str:
        """The clause in words, with the chain behind it in parentheses.

        `seen` holds the entities already explained in the same sentence: each
        is expanded once.
        """
        seen = set() if seen is None else seen
        text = self.text
        if self.because:
            text += ": " + ", ".join(c.render(seen, depth) for c in self.because)
        then = self.then
        if then is None or then.key in seen or depth >= _MAX_DEPTH:
            return text
        return f"{text} ({then.sentence(seen, depth + 1)})"

    def to_json(self) -> dict[str, Any]:
        """The cause as JSON; `then` names the explained entity (`{kind, id}`) rather than repeating it."""
        return {
            "kind": self.kind,
            "text": self.text,
            "entity": self.entity,
            "days": list(self.days) if self.days is not None else None,
            "others": list(self.others),
            "then": {"kind": self.then.kind, "id": self.then.id} if self.then is not None else None,
            "because": [c.to_json() for c in self.because],
        }


@dataclass(frozen=True)
class EntityExplanation:
    """Why one line restarts (or one system is cleared) when it does.

    `day` is the restart day of a line or the start day of a system (None when
    not restarted / not cleared, or cleared before day 0); `end_day` the day a
    system's clearance ends (usable from then on).
    """

    kind: Literal["line", "system"]
    id: str
    state: State
    day: int | None
    end_day: int | None
    causes: tuple[Cause, ...]

    @property
    def binding(self) -> bool:
        """Does something forbid the day before? False: the day is the optimiser's choice."""
        return any(c.binding for c in self.causes)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    def headline(self, short: bool = False) -> str:
        """`A restarts day 4`, `plc-a starts day 1, cleared day 4`, `email is not cleared`.

        `short` leaves out the end day, which the sentence citing it has given.
        """
        cleared = f"starts day {self.day}" + ("" if short else f", cleared day {self.end_day}")
        words = {
            "restarted": f"restarts day {self.day}",
            "not_restarted": "is not restarted",
            "running": "runs from before day 0",
            "cleared": cleared,
            "not_cleared": "is not cleared",
            "already_cleared": "was cleared before day 0",
        }
        return f"{self.id} {words[self.state]}"

    def sentence(self, seen: set[tuple[str, str]] | None = None, depth: int = 0) -> str:
        """The headline and every cause, chains included (shorter when nested in another sentence)."""
        seen = set() if seen is None else seen
        seen.add(self.key)
        headline = self.headline(short=depth > 0)
        if depth > 0 and [c.kind for c in self.causes] == ["first_day"]:
            return headline
        causes = "; ".join(c.render(seen, depth) for c in self.causes)
        soft = self.state in ("restarted", "cleared") and not self.binding
        if soft and self.causes[0].kind != "choice":
            earlier = "restarting" if self.kind == "line" else "clearing"
            return f"{headline}: {earlier} earlier is allowed, but {causes}"
        return f"{headline}: {causes}"

    def to_json(self) -> dict[str, Any]:
        """The explanation as JSON, its sentence included as `text`."""
        return {
            "kind": self.kind,
            "id": self.id,
            "state": self.state,
            "day": self.day,
            "end_day": self.end_day,
            "binding": self.binding,
            "causes": [c.to_json() for c in self.causes],
            "text": self.sentence(),
        }


BottleneckKind = Literal["resource", "staff", "supply"]


@dataclass(frozen=True)
class Bottleneck:
    """The value lost because of one resource, staff pool or supply, measured by relaxing it."""

    kind: BottleneckKind
    id: str  # resource id, pool, or material id
    plant: str | None  # the plant of a staff pool
    relaxed_to: str
    lost_value_because: int  # best known objective - relaxed objective (>= 0)
    status: Status  # of the relaxed solve: "optimal" means the number is exact
    instance: Instance = field(repr=False)  # the relaxed instance
    plan: Plan = field(repr=False)  # the relaxed solve's plan
    measured_from: int | None = None  # the best value known of the instance itself (None: the plan's)
    # The proven interval of the true loss (the instance's optimum minus the relaxed one's):
    # at least the instance's best bound minus the relaxed plan's value (never below 0, since a
    # relaxation never loses more), at most the reference's value minus the relaxed bound.
    at_least: int | None = None
    at_most: int | None = None

    @property
    def settled(self) -> bool:
        """Is the proven range of the loss narrower than the loss itself (`planner.decisions.intervals`)?"""
        return settled(self.at_least, self.at_most, self.lost_value_because)

    def row(self) -> dict[str, Any]:
        """The row of the bottleneck table (the relaxed instance and plan left out)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "plant": self.plant,
            "relaxed_to": self.relaxed_to,
            "lost_value_because": self.lost_value_because,
            "at_least": self.at_least,
            "at_most": self.at_most,
            "status": self.status,
            "settled": self.settled,
        }


_COLUMNS = ["kind", "id", "plant", "relaxed_to", "lost_value_because", "at_least", "at_most", "status"]


@dataclass(frozen=True)
class Explanation:
    """The explanation of one plan: per line, per system, and the bottleneck table."""

    instance: str
    objective: str
    value: int
    status: Status
    lines: list[EntityExplanation]
    systems: list[EntityExplanation]
    bottleneck_rows: list[Bottleneck]  # largest loss first; empty without bottlenecks
    value_unit: ValueUnit | None = None  # what one unit of lost value is worth (`planner.formats.money`)
    not_resolved: tuple[str, ...] = ()  # limits whose relaxation the time limit left no time to re-solve

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """One row a relaxation: kind, id, plant, relaxed_to, lost_value_because, status."""
        import pandas as pd

        return pd.DataFrame([b.row() for b in self.bottleneck_rows], columns=_COLUMNS)

    def to_json(self) -> dict[str, Any]:
        """`{instance, objective: {kind, value, status}, lines, systems, bottlenecks}`."""
        return {
            "instance": self.instance,
            "objective": {"kind": self.objective, "value": self.value, "status": self.status},
            "value_unit": money.unit_json(self.value_unit),
            "lines": [e.to_json() for e in self.lines],
            "systems": [e.to_json() for e in self.systems],
            "bottlenecks": [b.row() for b in self.bottleneck_rows],
            "bottlenecks_measured_from": (
                self.bottleneck_rows[0].measured_from if self.bottleneck_rows else None
            ),
            "bottlenecks_not_resolved": list(self.not_resolved),
        }

    def _figure(self, value: int) -> str:
        return money.figure(self.value_unit, value) if self.objective == "lost_value" else f"{value:,}"

    def text(self) -> str:
        """One line per line and per system with its chain, then the bottleneck table."""
        value = (
            money.amount(self.value_unit, self.value) if self.objective == "lost_value" else f"{self.value:,}"
        )
        out = [f"Plan of {self.instance}: {self.objective} {value} ({self.status})", "", "Lines:"]
        out += [f"  {e.sentence()}" for e in self.lines] or ["  (none)"]
        out += ["", "Systems:"]
        out += [f"  {e.sentence()}" for e in self.systems] or ["  (none)"]
        if self.bottleneck_rows:
            out += ["", f"Bottlenecks ({self.objective} lost because of each, relaxed and re-solved):"]
            reference = self.bottleneck_rows[0].measured_from
            if reference is not None and reference < self.value:
                out += [
                    f"  (measured from {self._figure(reference)}: re-solving found a plan of the "
                    f"instance itself {self._figure(self.value - reference)} better than this one, "
                    "with no limit relaxed)"
                ]
            frame = self.bottlenecks.astype(object).where(self.bottlenecks.notna(), "")
            if self.objective == "lost_value":
                figures = ["lost_value_because", "at_least", "at_most"]
                for name in figures:
                    frame[name] = [v if v == "" else money.figure(self.value_unit, v) for v in frame[name]]
                frame = frame.rename(columns={figures[0]: f"{figures[0]} ({money.heading(self.value_unit)})"})
            table = frame.to_string(index=False)
            out += [f"  {row}" for row in table.splitlines()]
            out += [
                "  at_least, at_most: the proven range of each loss (the instance's bound minus the relaxed "
                "plan's value, the best plan's value minus the relaxed bound)."
            ]
            unsettled = [b.id for b in self.bottleneck_rows if not b.settled]
            if unsettled:
                out += [
                    f"  Not settled: {', '.join(unsettled)}. The proven range is wider than the loss itself, "
                    "so the loss may be the re-solves' luck;",
                    "  a longer --time-limit narrows the range (the re-solves share it).",
                ]
        if self.not_resolved:
            out += [
                f"  Not re-solved within the time limit: {', '.join(self.not_resolved)}; "
                "a longer --time-limit re-solves them too."
            ]
        return "\n".join(out) + "\n"


# --- the entry point ----------------------------------------------------------------------


def explain(
    instance: Instance,
    plan: Plan,
    *,
    bottlenecks: bool = True,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
) -> Explanation:
    """Explain `plan` of `instance`; `time_limit` bounds the whole call (the bottleneck re-solves).

    `workers`, `seed` and `log` (each solver's log on stderr) apply to each
    relaxed solve. The plan must have a schedule and pass `verify`; otherwise
    `InstanceError`.
    """
    _check_plan(instance, plan)
    assert plan.objective.value is not None
    data = ProblemData.from_instance(instance)
    reader = _Reader(instance, data, _PlanView(data, plan))
    systems = reader.systems()
    lines = reader.lines()
    rows: list[Bottleneck] = []
    skipped: list[Relaxation] = []
    if bottlenecks:
        rows, skipped = _bottlenecks(instance, plan, time_limit, workers, seed, log)
    return Explanation(
        instance.name,
        instance.objective,
        plan.objective.value,
        plan.status,
        lines,
        systems,
        rows,
        instance.value_unit,
        tuple(_relaxation_name(r) for r in skipped),
    )


def _relaxation_name(relax: Relaxation) -> str:
    return relax.id if relax.plant is None else f"{relax.plant} {relax.id}"


def _check_plan(instance: Instance, plan: Plan) -> None:
    if not plan.has_schedule:
        raise InstanceError([f"plan: status {plan.status} has no schedule to explain"])
    report = verify(instance, plan)
    if not report.ok:
        raise InstanceError([f"plan: {v}" for v in report.violations])


# --- reading the plan ---------------------------------------------------------------------


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _names(ids: Sequence[str], most: int = 5) -> str:
    """`a, b, c` or `a, b, c, d, e and 7 more`."""
    if len(ids) <= most:
        return ", ".join(ids)
    return ", ".join(ids[:most]) + f" and {len(ids) - most} more"


def _commissioning(line_id: str) -> str:
    """The label of a line's commissioning among the activities using a resource."""
    return f"{line_id} commissioning"


class _PlanView:
    """The plan's decisions by index, and who uses each resource, pool and material on each day."""

    def __init__(self, data: ProblemData, plan: Plan) -> None:
        self.data = data
        horizon = data.horizon
        decisions = decisions_from_plan(data, plan)
        chosen = {k: c for k, c in decisions.systems.items() if c is not None}
        self.chosen = chosen
        self.mode: dict[int, int] = {k: c[0] for k, c in chosen.items()}
        self.start: dict[int, int] = {k: c[1] for k, c in chosen.items()}
        self.end: dict[int, int] = usage.ends(data, chosen)
        self.restart: list[int | None] = decisions.restarts
        self.shifts: dict[tuple[int, int], int] = decisions.shifts
        self.units: dict[tuple[int, int], int] = decisions.units
        self.resource_use = self._resource_use(horizon)
        # Who uses and who makes each material: the stock of each day is summed over these alone.
        self._consumers: list[list[tuple[int, int]]] = [[] for _ in data.materials]
        self._makers: list[list[int]] = [[] for _ in data.materials]
        for i, ln in enumerate(data.lines):
            for m, quantity in ln.inputs.items():
                self._consumers[m].append((i, quantity))
            self._makers[ln.output].append(i)
        self.available = [self._available(m) for m in range(len(data.materials))]

    def _resource_use(self, horizon: int) -> list[list[list[tuple[str, int]]]]:
        """Per resource and day: (activity, amount) in progress."""
        use: list[list[list[tuple[str, int]]]] = [[[] for _ in range(horizon)] for _ in self.data.resources]
        for hold in usage.holds(self.data, self.chosen, self.restart):
            if hold.activity == "clearance":
                label = self.data.systems[hold.index].id
            else:
                label = _commissioning(self.data.lines[hold.index].id)
            for t in range(max(hold.first, 0), min(hold.last, horizon)):
                for q, amount in hold.demand.items():
                    use[q][t].append((label, amount))
        return use

    def delivered(self, m: int) -> list[int]:
        """Units of material m delivered on each day under the plan's clearances."""
        return usage.delivered(self.data.materials[m], self.end)

    def _available(self, m: int) -> list[int]:
        """Per day t: stock(m, t-1) + delivered(m, t), before anything is used that day."""
        delivered = self.delivered(m)
        stock = self.data.materials[m].on_hand
        found = []
        for t in range(self.data.horizon):
            found.append(stock + delivered[t])
            stock += delivered[t] - self.consumed(m, t, None) + self.produced(m, t)
        return found

    def consumed(self, m: int, t: int, but: int | None) -> int:
        """Units of m used on day t by every line except `but`."""
        return sum(quantity * self.units.get((i, t), 0) for i, quantity in self._consumers[m] if i != but)

    def produced(self, m: int, t: int) -> int:
        return sum(self.units.get((i, t), 0) for i in self._makers[m])

    def staff_use(self, plant: int, pool: str, t: int, but: int) -> list[tuple[str, int]]:
        """(line, people) of pool at the plant on day t, every line except `but`."""
        found = []
        for i, ln in enumerate(self.data.lines):
            people = ln.crew.get(pool, 0) * self.shifts.get((i, t), 0)
            if ln.plant == plant and i != but and people > 0:
                found.append((ln.id, people))
        return found


# --- the causes -------------------------------------------------------------------------------


class _Reader:
    """Builds the explanation of every system (in `after` order) and every line (in `after_lines` order)."""

    def __init__(self, instance: Instance, data: ProblemData, view: _PlanView) -> None:
        self.instance = instance
        self.data = data
        self.view = view
        self.of_system: dict[int, EntityExplanation] = {}
        self.of_line: dict[int, EntityExplanation] = {}

    def systems(self) -> list[EntityExplanation]:
        graph = {k: s.after for k, s in enumerate(self.data.systems)}
        for k in TopologicalSorter(graph).static_order():
            self.of_system[k] = self._system(k)
        return [self.of_system[k] for k in range(len(self.data.systems))]

    def lines(self) -> list[EntityExplanation]:
        graph = {i: ln.after_lines for i, ln in enumerate(self.data.lines)}
        for i in TopologicalSorter(graph).static_order():
            self.of_line[i] = self._line(i)
        return [self.of_line[i] for i in range(len(self.data.lines))]

    # -- systems --------------------------------------------------------------------------

    def _system(self, k: int) -> EntityExplanation:
        sd = self.data.systems[k]
        if sd.cleared:
            cause = Cause("already_cleared", "already cleared before day 0", sd.id)
            return EntityExplanation("system", sd.id, "already_cleared", None, 0, (cause,))
        start = self.view.start.get(k)
        if start is None:
            return EntityExplanation("system", sd.id, "not_cleared", None, None, self._not_cleared(k))
        causes = self._system_binding(k, start) or self._system_choice(k, start)
        return EntityExplanation("system", sd.id, "cleared", start, self.view.end[k], tuple(causes))

    def _system_binding(self, k: int, start: int) -> list[Cause]:
        sd = self.data.systems[k]
        if sd.fixed_start is not None:
            return [Cause("fixed", f"fixed_start {sd.fixed_start}", sd.id, (start, start))]
        if start == 0:
            return [Cause("first_day", "day 0 is the first day", None, (0, 0))]
        found = []
        if sd.release == start:
            found.append(Cause("release", f"release_day {start}", sd.id, (start, start)))
        for p in sd.after:
            if self.view.end[p] == start:
                pid = self.data.systems[p].id
                text = f"after {pid} cleared day {start}"
                found.append(Cause("after", text, pid, (start, start), then=self.of_system[p]))
        mode = self.data.systems[k].modes[self.view.mode[k]]
        full = self._full_resources(mode.demand, range(start - 1, start), "capacity", sd.id)
        found += full
        if full and len(sd.modes) > 1:
            found += self._other_mode(k, start)
        return found

    def _full_resources(self, demand: dict[int, int], days: range, kind: CauseKind, own: str) -> list[Cause]:
        """A capacity cause for each resource that `demand` would overflow on some of `days`.

        `own` is the activity's label in the plan, left out of the usage: the
        question is whether it would fit in those days, given the others.
        """
        found = []
        for q, amount in sorted(demand.items()):
            full = [t for t in days if self._overflows(q, amount, t, own)]
            if not full:
                continue
            lo = last = full[-1]
            while lo > 0 and self._overflows(q, amount, lo - 1, own):
                lo -= 1
            rid = self.data.resources[q].id
            use = self.view.resource_use[q]
            users = _unique(who for t in range(lo, last + 1) for who, _ in use[t] if who != own)
            cap = self.data.resources[q].capacity[last]
            with_whom = f" with {_names(users)}" if users else f" (capacity {cap}, needs {amount})"
            text = f"{rid} capacity full {words.day_span(lo, last)}{with_whom}"
            if kind == "commissioning_capacity":
                text = f"its commissioning a day earlier: {text}"
            found.append(Cause(kind, text, rid, (lo, last), users))
        return found

    def _overflows(self, q: int, amount: int, day: int, own: str) -> bool:
        used = sum(a for who, a in self.view.resource_use[q][day] if who != own)
        return used + amount > self.data.resources[q].capacity[day]

    def _other_mode(self, k: int, start: int) -> list[Cause]:
        """A note when another mode would fit from the day before (the chosen one is slower to start)."""
        sd = self.data.systems[k]
        chosen = self.view.mode[k]
        own = sd.id
        for j, mode in enumerate(sd.modes):
            window = range(start - 1, start - 1 + mode.duration)
            if j == chosen or window.stop > self.data.horizon:
                continue
            if not any(self._overflows(q, a, t, own) for t in window for q, a in mode.demand.items()):
                text = (
                    f"mode {j} ({words.days(mode.duration)}) would fit from day {start - 1}; "
                    f"mode {chosen} ({words.days(sd.modes[chosen].duration)}) was chosen"
                )
                return [Cause("mode", text, sd.id, (start - 1, start - 1))]
        return []

    def _system_choice(self, k: int, start: int) -> list[Cause]:
        """Why nothing is gained by clearing system k earlier, where that can be told."""
        end = self.view.end[k]
        needs = self._needed_by(k)
        ordered = [md.id for md in self.data.materials if md.ordering_system == k]
        if not needs and not ordered:
            return [Cause("not_needed", "nothing needs it (no line, system or supply)")]
        if needs and not ordered:
            label, entity, first = min(needs, key=lambda n: n[2])
            if first > end:
                text = f"not needed earlier: the first to need it is {label}, from day {first}"
                return [Cause("not_needed", text, entity, (first, first))]
        return [
            Cause("choice", "clearing earlier is allowed; the optimiser chose this day (no value gained)")
        ]

    def _needed_by(self, k: int) -> list[tuple[str, str, int]]:
        """(label, id, first day it needs system k) for what needs it and goes ahead in the plan."""
        found = []
        for i, ln in enumerate(self.data.lines):
            r = self.view.restart[i]
            if k in ln.systems and r is not None and r >= 0:
                found.append((f"line {ln.id}", ln.id, r - ln.commissioning_days))
        for j, sd in enumerate(self.data.systems):
            if k in sd.after and j in self.view.start:
                found.append((f"system {sd.id}", sd.id, self.view.start[j]))
        return found

    def _dependents(self, k: int) -> list[str]:
        """Ids of the lines, systems and supplied materials that need system k."""
        data = self.data
        return (
            [ln.id for ln in data.lines if k in ln.systems]
            + [sd.id for sd in data.systems if k in sd.after]
            + [md.id for md in data.materials if md.ordering_system == k]
        )

    def _not_cleared(self, k: int) -> tuple[Cause, ...]:
        sd = self.data.systems[k]
        found = []
        for p in sd.after:
            if p not in self.view.end:
                pid = self.data.systems[p].id
                text = f"it comes after {pid}, which is not cleared"
                found.append(Cause("after_not_cleared", text, pid, then=self.of_system[p]))
        if found:
            return tuple(found)
        earliest = self.data.earliest_ends[k]
        if earliest > self.data.horizon:
            text = f"it cannot be cleared within the horizon: it would end day {earliest} at the earliest"
            return (Cause("horizon", text, sd.id, (earliest, earliest)),)
        dependents = self._dependents(k)
        if not dependents:
            return (Cause("not_needed", "nothing needs it (no line, system or supply)"),)
        if not self._any_dependent_active(k):
            text = f"nothing that needs it goes ahead ({_names(dependents)})"
            return (Cause("not_needed", text, None, None, tuple(dependents)),)
        return (Cause("no_value", "clearing it is allowed; the optimiser gained no value from it"),)

    def _any_dependent_active(self, k: int) -> bool:
        """Does something that needs system k go ahead: a line (directly or by its parts), a system?"""
        data, view = self.data, self.view
        for i, ln in enumerate(data.lines):
            if (k in ln.systems or self._orders_input(k, ln.inputs)) and view.restart[i] is not None:
                return True
        return any(k in sd.after and j in view.start for j, sd in enumerate(data.systems))

    def _orders_input(self, k: int, inputs: dict[int, int]) -> bool:
        return any(self.data.materials[m].ordering_system == k for m in inputs)

    # -- lines ----------------------------------------------------------------------------

    def _line(self, i: int) -> EntityExplanation:
        ln = self.data.lines[i]
        r = self.view.restart[i]
        if ln.running_before_day0:
            text = f"fixed_restart {ln.fixed_restart}"
            return EntityExplanation("line", ln.id, "running", r, None, (Cause("running", text, ln.id),))
        if r is None:
            return EntityExplanation("line", ln.id, "not_restarted", None, None, self._not_restarted(i))
        causes = self._line_binding(i, r) or self._line_choice(i, r)
        return EntityExplanation("line", ln.id, "restarted", r, None, tuple(causes))

    def _line_binding(self, i: int, r: int) -> list[Cause]:
        """What forbids restarting line i a day before r."""
        ln = self.data.lines[i]
        if ln.fixed_restart is not None:
            return [Cause("fixed", f"fixed_restart {r}", ln.id, (r, r))]
        return self._rules_out(i, r - 1)

    def _rules_out(self, i: int, day: int) -> list[Cause]:
        """What rules out restarting line i on `day` (before its restart day in the plan)."""
        if day < 0:
            return [Cause("first_day", "day 0 is the first day", None, (0, 0))]
        ln = self.data.lines[i]
        c = ln.commissioning_days
        found = []
        if ln.release > day:
            found.append(Cause("release", f"release_day {ln.release}", ln.id, (ln.release, ln.release)))
        if c > day:
            text = f"its commissioning takes {words.days(c)} and cannot start before day 0"
            found.append(Cause("commissioning", text, ln.id, (0, c - 1)))
        found += self._waits_for_systems(i, day)
        for m in ln.after_lines:
            rm = self.view.restart[m]
            if rm is not None and rm > day:
                mid = self.data.lines[m].id
                text = f"after line {mid}, restarting day {rm}"
                found.append(Cause("after_line", text, mid, (rm, rm), then=self.of_line[m]))
        if 0 < c <= day:
            own = _commissioning(ln.id)
            window = range(day - c, day)
            found += self._full_resources(ln.commissioning_demand, window, "commissioning_capacity", own)
        found += self._held_by_staff(i, day)
        return found

    def _waits_for_systems(self, i: int, day: int) -> list[Cause]:
        """The systems of line i cleared too late for a restart on `day`."""
        ln = self.data.lines[i]
        c = ln.commissioning_days
        found = []
        for k in ln.systems:
            end = self.view.end[k]
            if self.data.systems[k].cleared or end + c <= day:
                continue
            sid = self.data.systems[k].id
            then = f", then commissioning {words.days(c)}" if c else ""
            text = f"waits for {sid} cleared day {end}{then}"
            found.append(Cause("system", text, sid, (end, end), then=self.of_system[k]))
        return found

    def _held_by_staff(self, i: int, day: int) -> list[Cause]:
        """A staff cause for each pool that one shift of line i on `day` would overflow."""
        ln = self.data.lines[i]
        plant = self.data.plants[ln.plant]
        if not plant.working[day]:
            return []
        found = []
        for pool, need in sorted(ln.crew.items()):
            if not self._pool_full(i, pool, need, day):
                continue
            lo = t = day
            while t > 0 and (not plant.working[t - 1] or self._pool_full(i, pool, need, t - 1)):
                t -= 1
                lo = t if plant.working[t] else lo
            users = _unique(who for who, _ in self.view.staff_use(ln.plant, pool, day, i))
            with_whom = f" (with {_names(users)})" if users else ""
            text = f"held by staff at {plant.id}/{pool} {words.day_span(lo, day)}{with_whom}"
            found.append(Cause("staff", text, f"{plant.id}/{pool}", (lo, day), users))
        return found

    def _pool_full(self, i: int, pool: str, need: int, t: int) -> bool:
        ln = self.data.lines[i]
        used = sum(p for _, p in self.view.staff_use(ln.plant, pool, t, i))
        return used + need > self.data.plants[ln.plant].staff[pool][t]

    def _line_choice(self, i: int, r: int) -> list[Cause]:
        """Why nothing is gained by restarting line i before day r, where that can be told."""
        checks: Sequence[Callable[[int, int], list[Cause]]] = (
            self._not_working,
            self._short_of_inputs,
            self._baseline_made,
            self._idle,
            self._worthless,
        )
        found = [cause for check in checks for cause in check(i, r)]
        text = "restarting earlier is allowed; the optimiser chose this day (no value gained earlier)"
        return found or [Cause("choice", text)]

    def _not_working(self, i: int, r: int) -> list[Cause]:
        """Days off just before r (no gain restarting on them), and what rules out the day before them."""
        ln = self.data.lines[i]
        plant = self.data.plants[ln.plant]
        if plant.working[r - 1]:
            return []
        lo = r - 1
        while lo > 0 and not plant.working[lo - 1]:
            lo -= 1
        if lo == r - 1:
            text = f"day {lo} is not a working day of {plant.id} ({self._day_off(ln.plant, lo)})"
        else:
            text = f"days {lo}-{r - 1} are not working days of {plant.id}"
        because: tuple[Cause, ...] = ()
        if lo > 0:
            because = tuple(self._rules_out(i, lo - 1))
            text += f", and day {lo - 1} is ruled out" if because else ""
        return [Cause("not_working", text, plant.id, (lo, r - 1), because=because)]

    def _day_off(self, plant: int, day: int) -> str:
        if day in self.instance.plants[plant].closed_days:
            return "a closed day"
        return f"a {_WEEKDAYS[(weekday_of_day0(self.instance.start_date) + day) % 7]}"

    def _short_of_inputs(self, i: int, r: int) -> list[Cause]:
        """Inputs of which not one unit's worth is left for line i on day r - 1."""
        ln = self.data.lines[i]
        found = []
        for m, per_unit in sorted(ln.inputs.items()):
            if self._left(i, m, r - 1) >= per_unit:
                continue
            first = next((t for t in range(r, self.data.horizon) if self._left(i, m, t) >= per_unit), None)
            found.append(self._shortage(m, r - 1, first))
        return found

    def _left(self, i: int, m: int, t: int) -> int:
        return self.view.available[m][t] - self.view.consumed(m, t, i)

    def _shortage(self, m: int, day: int, first: int | None) -> Cause:
        """Why line i has no unit's worth of material m on `day` (`first`: when it has)."""
        md = self.data.materials[m]
        last = first - 1 if first is not None else self.data.horizon - 1
        if self.instance.materials[m].supply is None:
            makers = [ln.id for ln in self.data.lines if ln.output == m]
            made = f" (made by {', '.join(makers)})" if makers else ""
            when = f"before day {first}" if first is not None else "in the horizon"
            text = f"stock: no {md.id} available {when}{made}"
            return Cause("stock", text, md.id, (day, last), tuple(makers))
        gate, why, ordering = self._gate(m)
        then = self.of_system[ordering] if ordering is not None else None
        if gate is None:
            return Cause("parts", f"parts: {md.id} never delivered ({why})", md.id, (day, last), then=then)
        if gate > day:
            text = f"parts: {md.id} not delivered before day {gate} ({why})"
            return Cause("parts", text, md.id, (day, gate - 1), then=then)
        lines = self.data.lines
        users = [ln.id for j, ln in enumerate(lines) if m in ln.inputs and self.view.units.get((j, day), 0)]
        text = f"parts: no {md.id} left on day {day} (used by {_names(users) or 'nothing'})"
        return Cause("parts", text, md.id, (day, day), tuple(users))

    def _gate(self, m: int) -> tuple[int | None, str, int | None]:
        """The first day material m is delivered in this plan (None: never), why, and the ordering system."""
        md = self.data.materials[m]
        first = next((t for t, q in enumerate(md.supply) if q > 0), None)
        supplier = f"supplier delivers from day {first}" if first is not None else "supplier sends nothing"
        if md.ordering_system is None:
            return first, supplier, None
        k = md.ordering_system
        sid = self.data.systems[k].id
        gate = usage.gate(md, self.view.end)
        if gate is None:
            return None, f"ordering system {sid} not cleared", k
        end = self.view.end[k]
        if first is None or first > gate:
            return first, supplier, None
        return gate, f"ordering system {sid} cleared day {end} + lead {md.lead_days}", k

    def _baseline_made(self, i: int, r: int) -> list[Cause]:
        ln = self.data.lines[i]
        made = sum(u for (j, _), u in self.view.units.items() if j == i)
        if made < ln.baseline:
            return []
        return [Cause("baseline", f"it already makes its whole baseline of {ln.baseline} units", ln.id)]

    def _idle(self, i: int, r: int) -> list[Cause]:
        """It makes nothing on its first working days: restarting earlier would only add idle days."""
        working = self.data.plants[self.data.lines[i].plant].working
        horizon = self.data.horizon
        first_working = next((t for t in range(r, horizon) if working[t]), horizon)
        made = [t for (j, t), u in self.view.units.items() if j == i and u > 0]
        first = min(made, default=horizon)
        if first <= first_working:
            return []
        text = f"it makes nothing before day {first}" if first < horizon else "it makes nothing at all"
        return [Cause("idle", text, self.data.lines[i].id, (r, first - 1))]

    def _worthless(self, i: int, r: int) -> list[Cause]:
        ln = self.data.lines[i]
        if self.data.objective == "makespan":
            last = max((d for d in self.view.restart if d is not None), default=r)
            if r < last:
                return [Cause("makespan", f"under makespan only the last restart counts (day {last})")]
            return []
        if ln.weight > 0:
            return []
        output = self.data.materials[ln.output].id
        users = [x.id for x in self.data.lines if ln.output in x.inputs]
        if users:
            text = f"its output {output} counts only through the lines that use it ({', '.join(users)})"
            return [Cause("intermediate", text, output, None, tuple(users))]
        return [Cause("no_value", f"its output {output} counts for nothing in the objective", output)]

    def _not_restarted(self, i: int) -> tuple[Cause, ...]:
        ln = self.data.lines[i]
        found = []
        for k in ln.systems:
            if k not in self.view.end:
                sid = self.data.systems[k].id
                text = f"needs system {sid}, which is not cleared"
                found.append(Cause("system_not_cleared", text, sid, then=self.of_system[k]))
        for m in ln.after_lines:
            if self.view.restart[m] is None:
                mid = self.data.lines[m].id
                text = f"comes after line {mid}, which is not restarted"
                found.append(Cause("after_line_not_restarted", text, mid, then=self.of_line[m]))
        if found:
            return tuple(found)
        earliest = self.data.earliest_restarts[i]
        if earliest >= self.data.horizon:
            text = f"it cannot restart within the horizon: day {earliest} at the earliest"
            return (Cause("horizon", text, ln.id, (earliest, earliest)),)
        worthless = self._worthless(i, self.data.horizon)
        text = "restarting it is allowed; the optimiser gained no value from it"
        return tuple(worthless) or (Cause("no_value", text),)


# --- the bottleneck table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Relaxation:
    """One limit made unable to bind: what, on which plant, relaxed to what, and the relaxed file."""

    kind: BottleneckKind
    id: str
    plant: str | None
    relaxed_to: str
    document: dict[str, Any]  # the relaxed instance file (read-only: its unchanged parts are shared)


def relaxations(instance: Instance) -> list[Relaxation]:
    """Every relaxation that changes something: resources, then staff pools, then supplies (file order)."""
    data = ProblemData.from_instance(instance)
    document = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return (
        _resource_relaxations(data, document)
        + _staff_relaxations(data, document)
        + _supply_relaxations(data, document)
    )


def _replaced(document: dict[str, Any], key: str, index: int, item: dict[str, Any]) -> dict[str, Any]:
    """`document` with `document[key][index]` replaced by `item`; the rest is shared, not copied.

    Copying the whole file for each relaxation took 2.9 s on xl-s1 (269
    relaxations); the relaxed documents are only read.
    """
    items = list(document[key])
    items[index] = item
    return {**document, key: items}


def _resource_relaxations(data: ProblemData, document: dict[str, Any]) -> list[Relaxation]:
    found = []
    for q, res in enumerate(data.resources):
        need = ample_capacity(data, q)
        if min(res.capacity, default=need) >= need:
            continue
        item = raised_capacity(document["resources"][q], need)
        relaxed = _replaced(document, "resources", q, item)
        found.append(Relaxation("resource", res.id, None, f"capacity {item['capacity']} every day", relaxed))
    return found


def _staff_relaxations(data: ProblemData, document: dict[str, Any]) -> list[Relaxation]:
    found = []
    for p, plant in enumerate(data.plants):
        for pool, headcounts in plant.staff.items():
            need = ample_staff(data, p, pool)
            if min(headcounts, default=need) >= need:
                continue
            item = raised_staff(document["plants"][p], pool, need)
            relaxed = _replaced(document, "plants", p, item)
            text = f"headcount {item['staff'][pool]} every day"
            found.append(Relaxation("staff", pool, plant.id, text, relaxed))
    return found


def _supply_relaxations(data: ProblemData, document: dict[str, Any]) -> list[Relaxation]:
    found = []
    for m, md in enumerate(data.materials):
        supply = document["materials"][m].get("supply")
        need = ample_supply(data, m)
        if supply is None or need == 0:
            continue
        gated = md.ordering_system is not None or supply.get("from_day", 0) > 0
        if not gated and min(md.supply, default=need) >= need:
            continue
        item = raised_supply(document["materials"][m], need)
        relaxed = _replaced(document, "materials", m, item)
        text = f"{item['supply']['per_day']} a day from day 0, no ordering gate"
        found.append(Relaxation("supply", md.id, None, text, relaxed))
    return found


def bottleneck_table(
    instance: Instance, plan: Plan, *, time_limit: float = 10.0, workers: int = 2, seed: int = 0
) -> list[Bottleneck]:
    """Relax each resource, staff pool and supply in turn and re-solve, `plan` kept; largest loss first.

    `time_limit` bounds the whole table: each relaxation gets an equal share
    of what is left when its turn comes, and those that would end past it are
    left out (`_bottlenecks`).
    """
    return _bottlenecks(instance, plan, time_limit, workers, seed)[0]


def _bottlenecks(
    instance: Instance, plan: Plan, time_limit: float, workers: int, seed: int, log: bool = False
) -> tuple[list[Bottleneck], list[Relaxation]]:
    """The bottleneck table, and the relaxations left out because the time limit came first.

    A re-solve costs some time whatever its share (checking the kept plan,
    the relaxed instance's greedy plan: about 3 s on xl-s1), so a relaxation
    is left out, from the second on, once less time is left than the most
    any re-solve so far has run past its share; the shares are of what is
    left less that overrun.
    """
    assert plan.objective.value is not None
    budget = Budget.of(time_limit)
    solved = []
    skipped: list[Relaxation] = []
    overrun = 0.0
    kept: list[int | None] = []  # each relaxed plan's value on `instance`, where it keeps its rules
    found_relaxations = relaxations(instance)
    for turn, relax in enumerate(found_relaxations):
        if turn > 0 and budget.left() <= overrun:
            skipped.append(relax)
            continue
        # The overrun seen so far is kept back, so that the last re-solve also ends in time.
        time_limit = max(0.0, budget.left() - overrun) / (len(found_relaxations) - turn)
        began = budget.elapsed()
        relaxed = parse_instance(json.dumps(relax.document))
        # From the relaxed instance's own greedy plan, `plan` kept: see `solve`'s `follow_hint`.
        result = solve(
            relaxed, hint=plan, follow_hint=False, time_limit=time_limit, workers=workers, seed=seed, log=log
        )
        assert result.objective is not None, "the plan stays feasible and is the fallback"
        # Checked here, not after the loop, so that its time counts in the overrun kept back.
        kept.append(_kept_value(instance, result.plan))
        overrun = max(overrun, budget.elapsed() - began - time_limit)
        solved.append((relax, relaxed, result))
    # A re-solve may find a better plan that needs no relaxation at all; the losses are
    # measured from it, so that search luck is not blamed on a limit.
    reference = min([plan.objective.value, *(v for v in kept if v is not None)])
    # A relaxed optimum is at most the instance's, so each relaxed bound is a bound of the instance too.
    proved = [b for b in (plan.objective.bound, *(result.bound for _, _, result in solved)) if b is not None]
    bound = max(proved, default=None)
    found = [
        Bottleneck(
            relax.kind,
            relax.id,
            relax.plant,
            relax.relaxed_to,
            # The reference plan keeps every relaxed instance's rules too, so a relaxed
            # value above it only means that short solve missed it: nothing is lost.
            max(0, reference - result.objective),
            result.status,
            relaxed,
            result.plan,
            reference,
            at_least=None if bound is None else max(0, bound - result.objective),
            at_most=None if result.bound is None else max(0, reference - result.bound),
        )
        for relax, relaxed, result in solved
        if result.objective is not None
    ]
    return sorted(found, key=lambda b: -b.lost_value_because), skipped


def _kept_value(instance: Instance, relaxed_plan: Plan) -> int | None:
    """The value of a relaxed plan on `instance`, where it keeps the instance's rules (None otherwise)."""
    same = rebase(instance, relaxed_plan)
    return None if same is None else same.objective.value
