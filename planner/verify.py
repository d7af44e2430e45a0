"""The independent plan checker: does a plan keep the contract, and do its figures recompute?

`verify(instance, plan)` rereads a `restart-plan/1` against its
`restart-instance/1` (../shared/spec/PROBLEM.md) and lists every violated rule.
It is the project's safety net, so it is written from the contract alone: it
imports only `planner.formats.schema` and the standard library — never the solver, its
model or `planner.problem.data` — and recomputes every day of every step function, the
calendars, the stock of every material and the figures from the plan's
decisions (modes, start days, restart days, shifts and units).

Violation codes follow the "Constraints" section of PROBLEM.md, as the CP-SAT
model and models/formulation.md do:

- C0 plan shape (names, every system and line listed once, well-formed rows,
  the shape of a plan without a schedule)
- C1 precedence and clearance      - C5 output, ramp-up, baseline
- C2 resources                     - C6 staff
- C3 line restart                  - C7 materials
- C4 shifts and calendar           - C8 figures, objective, status and bound
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.formats.schema import PLAN_FORMAT, Instance, Line, Material, Mode, Plan, Plant, System

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- the report ---------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken rule: its code, the entity that breaks it, the day, and the numbers."""

    code: str
    entity: str
    day: int | None
    message: str

    def __str__(self) -> str:
        where = self.entity if self.day is None else f"{self.entity}, day {self.day}"
        return f"{self.code} {where}: {self.message}"


@dataclass(frozen=True)
class Figures:
    """The figures recomputed from the instance and the plan's decisions."""

    lost_value: int | None
    lost_units: int | None
    makespan: int | None


@dataclass(frozen=True)
class VerifyReport:
    """Every violation found; `figures` is None when the plan has no schedule."""

    violations: list[Violation]
    figures: Figures | None

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self, most: int = 20) -> str:
        """The violations, at most `most` of each rule (a broken plan can have millions), or the figures."""
        if self.violations:
            shown: dict[str, int] = {}
            lines = []
            for v in self.violations:
                shown[v.code] = shown.get(v.code, 0) + 1
                if shown[v.code] <= most:
                    lines.append(str(v))
            lines += [f"{code} ... and {n - most:,} more" for code, n in shown.items() if n > most]
            return "\n".join(lines)
        if self.figures is None:
            return "plan has no schedule (status infeasible or unknown) and is well formed"
        f = self.figures
        return (
            "plan is feasible and its figures recompute "
            f"(lost_value {_show(f.lost_value)}, lost_units {_show(f.lost_units)}, "
            f"makespan {_show(f.makespan)})"
        )


def verify(instance: Instance, plan: Plan) -> VerifyReport:
    """Check `plan` against `instance`: every rule C0..C8, every violation listed."""
    found = _check_c0_header(instance, plan)
    if not plan.has_schedule:
        found += _check_c0_no_schedule(plan)
        found += _check_c8_kind(instance, plan)
        return VerifyReport(found, None)

    found += _check_c0_schedule_shape(instance, plan)
    sched = _Schedule.read(instance, plan)
    figures = _figures(instance, sched)
    found += _check_c1_precedence(instance, sched)
    found += _check_c2_resources(instance, sched)
    found += _check_c3_restart(instance, sched)
    found += _check_c4_shifts(instance, sched)
    found += _check_c5_output(instance, sched)
    found += _check_c6_staff(instance, sched)
    found += _check_c7_materials(instance, sched)
    found += _check_c8_kind(instance, plan)
    found += _check_c8_figures(plan, figures)
    return VerifyReport(found, figures)


# --- helpers: calendar, step functions, the plan's decisions --------------------


def _show(value: object) -> str:
    return "null" if value is None else str(value)


def _weekday(instance: Instance, day: int) -> int:
    """Monday = 0; day 0 is `start_date`, or a Monday when there is none."""
    first = instance.start_date.weekday() if instance.start_date is not None else 0
    return (first + day) % 7


def _working_days(instance: Instance, plant: Plant) -> list[bool]:
    """Per day of the horizon: is it a working day of the plant?"""
    workdays = set(plant.workdays)
    closed = set(plant.closed_days)
    return [_weekday(instance, t) in workdays and t not in closed for t in range(instance.horizon_days)]


def _why_not_working(instance: Instance, plant: Plant, day: int) -> str:
    if day in plant.closed_days:
        return f"day {day} is a closed day of plant {plant.id}"
    return f"day {day} is a {_WEEKDAYS[_weekday(instance, day)]}, not a workday of plant {plant.id}"


def _step(initial: int, changes: Iterable[tuple[int, int]], horizon: int) -> list[int]:
    """A step function per day 0..horizon-1: the value of the last change on or before
    that day, `initial` before the first change."""
    by_day = dict(changes)
    values: list[int] = []
    current = initial
    for t in range(horizon):
        current = by_day.get(t, current)
        values.append(current)
    return values


def _baseline(line: Line, working: list[bool]) -> int:
    """B(l) = rate_per_shift * baseline_shifts * (working days of its plant in the horizon)."""
    return line.rate_per_shift * line.baseline * sum(working)


@dataclass(frozen=True)
class _Clearance:
    """A cleared system: `mode` and `start` are None for one cleared before day 0."""

    mode: Mode | None
    start: int | None
    end: int  # start + duration of the mode (the plan's end_day when the mode is unusable)
    stated_end: int | None  # the plan's end_day


@dataclass(frozen=True)
class _Row:
    shifts: int
    units: int


@dataclass(frozen=True)
class _Schedule:
    """The plan's decisions, read leniently (the first row of an id counts; rows
    C0 rejects for an unknown id or a day outside the horizon are left out)."""

    cleared: dict[str, _Clearance]  # systems cleared (in the instance or the plan)
    restart: dict[str, int | None]  # every instance line
    rows: dict[str, dict[int, _Row]]  # every instance line: day -> row
    working: dict[str, list[bool]]  # every plant

    @staticmethod
    def read(instance: Instance, plan: Plan) -> _Schedule:
        horizon = instance.horizon_days
        plan_systems: dict[str, tuple[int | None, int | None, int | None]] = {}
        for ps in plan.systems:
            plan_systems.setdefault(ps.id, (ps.mode, ps.start_day, ps.end_day))
        cleared: dict[str, _Clearance] = {}
        for system in instance.systems:
            if system.cleared:
                cleared[system.id] = _Clearance(None, None, 0, 0)
                continue
            mode_index, start, end = plan_systems.get(system.id, (None, None, None))
            modes = system.mode_list
            mode = modes[mode_index] if mode_index is not None and 0 <= mode_index < len(modes) else None
            if start is not None and mode is not None:
                cleared[system.id] = _Clearance(mode, start, start + mode.duration_days, end)
            elif start is not None and end is not None:
                cleared[system.id] = _Clearance(None, start, end, end)

        restart: dict[str, int | None] = {line.id: None for line in instance.lines}
        seen_lines: set[str] = set()
        for pl in plan.lines:
            if pl.id in restart and pl.id not in seen_lines:
                restart[pl.id] = pl.restart_day
                seen_lines.add(pl.id)

        rows: dict[str, dict[int, _Row]] = {line.id: {} for line in instance.lines}
        for p in plan.production:
            if p.line in rows and 0 <= p.day < horizon:
                rows[p.line].setdefault(p.day, _Row(p.shifts, p.units))

        working = {plant.id: _working_days(instance, plant) for plant in instance.plants}
        return _Schedule(cleared, restart, rows, working)

    def end(self, system_id: str) -> int | None:
        clearance = self.cleared.get(system_id)
        return None if clearance is None else clearance.end

    def units(self, line_id: str, day: int) -> int:
        row = self.rows[line_id].get(day)
        return 0 if row is None else row.units

    def total(self, line_id: str) -> int:
        return sum(row.units for row in self.rows[line_id].values())


def _figures(instance: Instance, sched: _Schedule) -> Figures:
    value = {m.id: m.value for m in instance.materials}
    lost_value = 0
    lost_units = 0
    for line in instance.lines:
        if value[line.output] > 0:
            lost = _baseline(line, sched.working[line.plant]) - sched.total(line.id)
            lost_value += value[line.output] * lost
            lost_units += lost
    restarts = [sched.restart[line.id] for line in instance.lines]
    makespan: int | None = None
    if all(r is not None for r in restarts):
        makespan = max((r for r in restarts if r is not None), default=0)
    return Figures(lost_value, lost_units, makespan)


# --- C0 plan shape --------------------------------------------------------------


def _c0(entity: str, message: str, day: int | None = None) -> Violation:
    return Violation("C0", entity, day, message)


def _check_c0_header(instance: Instance, plan: Plan) -> list[Violation]:
    found: list[Violation] = []
    if plan.format != PLAN_FORMAT:
        found.append(_c0("plan", f"format is '{plan.format}', expected '{PLAN_FORMAT}'"))
    if plan.instance != instance.name:
        found.append(_c0("plan", f"is for instance '{plan.instance}', not '{instance.name}'"))
    return found


def _check_c0_no_schedule(plan: Plan) -> list[Violation]:
    """An infeasible or unknown plan: null figures, empty lists, an explanation."""
    found: list[Violation] = []
    status = plan.status
    nulls = {
        "objective.value": plan.objective.value,
        "objective.bound": plan.objective.bound,
        "lost_value": plan.lost_value,
        "lost_units": plan.lost_units,
        "makespan": plan.makespan,
    }
    for field, value in nulls.items():
        if value is not None:
            found.append(_c0("plan", f"status {status} but {field} is {value}, expected null"))
    rows = {"systems": len(plan.systems), "lines": len(plan.lines), "production": len(plan.production)}
    for field, count in rows.items():
        if count:
            found.append(_c0("plan", f"status {status} but {field} has {count} rows, expected none"))
    if not plan.explanation:
        found.append(_c0("plan", f"status {status} needs an explanation (a non-empty list of reasons)"))
    elif any(not reason.strip() for reason in plan.explanation):
        found.append(_c0("plan", "the explanation has an empty reason"))
    return found


def _check_ids(kind: str, listed: Iterable[str], known: Iterable[str]) -> list[Violation]:
    """Every known id listed exactly once, and no unknown id."""
    found: list[Violation] = []
    counts: dict[str, int] = {}
    for item in listed:
        counts[item] = counts.get(item, 0) + 1
    known_ids = list(known)
    known_set = set(known_ids)
    for item, count in counts.items():
        if item not in known_set:
            found.append(_c0(f"{kind} {item}", f"unknown {kind} '{item}' (not in the instance)"))
        elif count > 1:
            found.append(_c0(f"{kind} {item}", f"listed {count} times, expected once"))
    for item in known_ids:
        if item not in counts:
            found.append(_c0(f"{kind} {item}", f"missing from the plan's {kind}s"))
    return found


def _check_c0_schedule_shape(instance: Instance, plan: Plan) -> list[Violation]:
    found = _check_ids("system", (s.id for s in plan.systems), (s.id for s in instance.systems))
    found += _check_ids("line", (ln.id for ln in plan.lines), (ln.id for ln in instance.lines))

    systems = {s.id: s for s in instance.systems}
    checked: set[str] = set()
    for ps in plan.systems:
        system = systems.get(ps.id)
        if system is None or ps.id in checked:
            continue
        checked.add(ps.id)
        entity = f"system {ps.id}"
        got = f"mode {_show(ps.mode)}, start_day {_show(ps.start_day)}, end_day {_show(ps.end_day)}"
        decided = (ps.mode, ps.start_day, ps.end_day)
        if system.cleared:
            if decided != (None, None, 0):
                found.append(
                    _c0(
                        entity,
                        f"already cleared before day 0: expects mode null, start_day null, "
                        f"end_day 0; got {got}",
                    )
                )
        elif any(v is None for v in decided) and any(v is not None for v in decided):
            found.append(_c0(entity, f"partially null ({got}): all three are given or all null"))
        elif ps.mode is not None and not 0 <= ps.mode < len(system.mode_list):
            found.append(
                _c0(entity, f"mode {ps.mode} is not an index of its {len(system.mode_list)} mode(s)")
            )

    lines = {ln.id for ln in instance.lines}
    horizon = instance.horizon_days
    seen: set[tuple[str, int]] = set()
    for p in plan.production:
        entity = f"line {p.line}"
        if p.line not in lines:
            found.append(_c0(entity, f"production row of unknown line '{p.line}'", p.day))
            continue
        if not 0 <= p.day < horizon:
            found.append(_c0(entity, f"production row outside the horizon 0..{horizon - 1}", p.day))
            continue
        if (p.line, p.day) in seen:
            found.append(_c0(entity, "a second production row for the same day", p.day))
            continue
        seen.add((p.line, p.day))
        if p.shifts < 1:
            found.append(
                _c0(entity, f"production row with {p.shifts} shifts (rows exist only for shifts >= 1)", p.day)
            )
        if p.units < 0:
            found.append(_c0(entity, f"negative units {p.units}", p.day))
    return found


# --- C1 precedence and clearance --------------------------------------------------


def _check_c1_precedence(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    for system in instance.systems:
        entity = f"system {system.id}"
        if system.cleared:
            continue
        clearance = sched.cleared.get(system.id)
        if clearance is None:
            if system.fixed_start is not None:
                found.append(
                    Violation("C1", entity, None, f"not cleared, but fixed_start is day {system.fixed_start}")
                )
            if instance.objective == "makespan":
                found.append(Violation("C1", entity, None, "not cleared, but makespan needs every system"))
            continue
        found += _check_c1_clearance(instance, system, clearance, sched)
    return found


def _check_c1_clearance(
    instance: Instance, system: System, clearance: _Clearance, sched: _Schedule
) -> list[Violation]:
    found: list[Violation] = []
    horizon = instance.horizon_days
    start = clearance.start
    assert start is not None  # only systems cleared before day 0 have no start

    def add(message: str) -> None:
        found.append(Violation("C1", f"system {system.id}", start, message))

    if start < 0:
        add(f"starts on day {start}, before day 0")
    if start < system.release_day:
        add(f"starts on day {start}, before its release_day {system.release_day}")
    stated = clearance.stated_end
    if clearance.mode is not None and stated is not None and stated != clearance.end:
        add(
            f"end_day {stated} is not start_day {start} + duration {clearance.mode.duration_days}"
            f" = {clearance.end}"
        )
    if clearance.end > horizon:
        add(f"ends on day {clearance.end}, after the horizon ({horizon} days)")
    for pred in system.after:
        pred_end = sched.end(pred)
        if pred_end is None:
            add(f"is cleared but {pred} (in its after) is not")
        elif start < pred_end:
            add(f"starts on day {start}, before {pred} ends on day {pred_end}")
    if system.fixed_start is not None and start != system.fixed_start:
        add(f"starts on day {start}, but fixed_start is day {system.fixed_start}")
    return found


# --- C2 resources ----------------------------------------------------------------


def _check_c2_resources(instance: Instance, sched: _Schedule) -> list[Violation]:
    horizon = instance.horizon_days
    # per resource and day: (activity, amount) in progress
    usage: dict[str, list[list[tuple[str, int]]]] = {
        r.id: [[] for _ in range(horizon)] for r in instance.resources
    }

    def occupy(activity: str, first: int, days: int, demand: Mapping[str, int]) -> None:
        for t in range(max(first, 0), min(first + days, horizon)):
            for resource, amount in demand.items():
                if amount > 0:
                    usage[resource][t].append((activity, amount))

    for system_id, clearance in sched.cleared.items():
        if clearance.mode is not None and clearance.start is not None:
            occupy(system_id, clearance.start, clearance.mode.duration_days, clearance.mode.demand)
    for line in instance.lines:
        r = sched.restart[line.id]
        if r is not None and line.commissioning is not None and line.commissioning.days > 0:
            c = line.commissioning.days
            occupy(f"commissioning of line {line.id}", r - c, c, line.commissioning.demand)

    found: list[Violation] = []
    for resource in instance.resources:
        changes = ((ch.day, ch.capacity) for ch in resource.capacity_changes)
        capacity = _step(resource.capacity, changes, horizon)
        for t in range(horizon):
            demand = sum(amount for _, amount in usage[resource.id][t])
            if demand > capacity[t]:
                parts = ", ".join(f"{who} {amount}" for who, amount in usage[resource.id][t])
                found.append(
                    Violation(
                        "C2",
                        f"resource {resource.id}",
                        t,
                        f"demand {demand} above capacity {capacity[t]} ({parts})",
                    )
                )
    return found


# --- C3 line restart ----------------------------------------------------------


def _check_c3_restart(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    for line in instance.lines:
        r = sched.restart[line.id]
        entity = f"line {line.id}"
        fixed = line.fixed_restart
        if fixed is not None and r != fixed:
            found.append(Violation("C3", entity, r, f"restart day {_show(r)}, but fixed_restart is {fixed}"))
        if fixed is not None and fixed < 0:
            continue  # running since before day 0: the restart rules no longer apply
        if r is None:
            if instance.objective == "makespan":
                found.append(Violation("C3", entity, None, "not restarted, but makespan needs every line"))
            continue
        found += _check_c3_restarted_line(instance, line, r, sched)
    return found


def _check_c3_restarted_line(instance: Instance, line: Line, r: int, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []

    def add(message: str) -> None:
        found.append(Violation("C3", f"line {line.id}", r, message))

    horizon = instance.horizon_days
    c = line.commissioning_days
    if not 0 <= r < horizon:
        add(f"restart day {r} is not a day of the horizon 0..{horizon - 1}")
        return found  # the other rules would only restate it
    if r < line.release_day:
        add(f"restarts on day {r}, before its release_day {line.release_day}")
    if r < c:
        add(f"restarts on day {r}, but its {c} commissioning days would start before day 0")
    for system_id in line.systems:
        end = sched.end(system_id)
        if end is None:
            add(f"restarted, but system {system_id} is not cleared")
        elif r < end + c:
            add(
                f"restarts on day {r}, before system {system_id} ends on day {end}"
                + (f" plus {c} commissioning days = {end + c}" if c else "")
            )
    for other in line.after_lines:
        other_r = sched.restart[other]
        if other_r is None:
            add(f"restarted, but line {other} (in its after_lines) is not")
        elif r < other_r:
            add(f"restarts on day {r}, before line {other} restarts on day {other_r}")
    return found


# --- C4 shifts and calendar ------------------------------------------------------


def _check_c4_shifts(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    plants = {plant.id: plant for plant in instance.plants}
    for line in instance.lines:
        entity = f"line {line.id}"
        plant = plants[line.plant]
        working = sched.working[line.plant]
        r = sched.restart[line.id]
        rows = sched.rows[line.id]
        for t, row in sorted(rows.items()):
            if r is None:
                found.append(Violation("C4", entity, t, f"runs {row.shifts} shift(s) but is not restarted"))
            elif t < r:
                found.append(
                    Violation("C4", entity, t, f"runs {row.shifts} shift(s) before its restart day {r}")
                )
            if not working[t]:
                found.append(
                    Violation(
                        "C4",
                        entity,
                        t,
                        f"runs {row.shifts} shift(s) but {_why_not_working(instance, plant, t)}",
                    )
                )
            if row.shifts > line.max_shifts:
                found.append(
                    Violation(
                        "C4", entity, t, f"runs {row.shifts} shifts, above max_shifts {line.max_shifts}"
                    )
                )
        if r is None:
            continue
        for t in range(max(r, 0), instance.horizon_days):
            if working[t] and t not in rows:
                found.append(
                    Violation(
                        "C4",
                        entity,
                        t,
                        f"runs no shift on a working day of plant {plant.id}, restarted on day {r}"
                        " (a restarted line runs 1..max_shifts shifts every working day)",
                    )
                )
    return found


# --- C5 output --------------------------------------------------------------------


def _check_c5_output(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    for line in instance.lines:
        entity = f"line {line.id}"
        r = sched.restart[line.id]
        full = line.rate_per_shift * line.max_shifts
        for t, row in sorted(sched.rows[line.id].items()):
            cap = line.rate_per_shift * row.shifts
            if row.units > cap:
                found.append(
                    Violation(
                        "C5",
                        entity,
                        t,
                        f"makes {row.units} units, above rate_per_shift {line.rate_per_shift}"
                        f" x {row.shifts} shift(s) = {cap}",
                    )
                )
            if r is None:
                continue
            k = t - r
            if 0 <= k < len(line.ramp_up_percent):
                pct = line.ramp_up_percent[k]
                ramp_cap = pct * full // 100
                if row.units > ramp_cap:
                    found.append(
                        Violation(
                            "C5",
                            entity,
                            t,
                            f"makes {row.units} units on ramp-up day k={k}, above the ramp cap"
                            f" {pct}% of {full} = {ramp_cap}",
                        )
                    )
        total = sched.total(line.id)
        baseline = _baseline(line, sched.working[line.plant])
        if total > baseline:
            found.append(
                Violation(
                    "C5",
                    entity,
                    None,
                    f"makes {total} units over the horizon, above its baseline {baseline}"
                    f" (rate {line.rate_per_shift} x {line.baseline} shifts x"
                    f" {sum(sched.working[line.plant])} working days)",
                )
            )
    return found


# --- C6 staff --------------------------------------------------------------------


def _check_c6_staff(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    horizon = instance.horizon_days
    for plant in instance.plants:
        plant_lines = [line for line in instance.lines if line.plant == plant.id]
        for pool, headcount in plant.staff.items():
            changes = ((ch.day, ch.headcount) for ch in plant.staff_changes if ch.pool == pool)
            in_force = _step(headcount, changes, horizon)
            for t in range(horizon):
                needs: list[tuple[str, int]] = []
                for line in plant_lines:
                    row = sched.rows[line.id].get(t)
                    people = line.crew_per_shift.get(pool, 0) * (row.shifts if row else 0)
                    if people > 0:
                        needs.append((line.id, people))
                total = sum(people for _, people in needs)
                if total > in_force[t]:
                    parts = ", ".join(f"line {who} {people}" for who, people in needs)
                    found.append(
                        Violation(
                            "C6",
                            f"plant {plant.id}/pool {pool}",
                            t,
                            f"needs {total} people ({parts}), above headcount {in_force[t]}",
                        )
                    )
    return found


# --- C7 materials ------------------------------------------------------------------


def _deliveries(instance: Instance, material: Material, sched: _Schedule) -> list[int]:
    """Units delivered per day: per_day in force, once the supplier is back and the
    ordering system is cleared plus lead_days."""
    horizon = instance.horizon_days
    supply = material.supply
    if supply is None:
        return [0] * horizon
    per_day = _step(supply.per_day, ((ch.day, ch.per_day) for ch in supply.changes), horizon)
    gate = supply.from_day
    if supply.ordering_system is not None:
        end = sched.end(supply.ordering_system)
        if end is None:
            return [0] * horizon  # never ordered
        gate = max(gate, end + supply.lead_days)
    return [per_day[t] if t >= gate else 0 for t in range(horizon)]


def _check_c7_materials(instance: Instance, sched: _Schedule) -> list[Violation]:
    found: list[Violation] = []
    horizon = instance.horizon_days
    for material in instance.materials:
        consumers = [line for line in instance.lines if material.id in line.inputs]
        producers = [line for line in instance.lines if line.output == material.id]
        delivered = _deliveries(instance, material, sched)
        stock = material.on_hand  # stock(m, -1)
        for t in range(horizon):
            uses = [(line.id, line.inputs[material.id] * sched.units(line.id, t)) for line in consumers]
            consumed = sum(amount for _, amount in uses)
            available = stock + delivered[t]
            if consumed > available:
                parts = ", ".join(f"line {who} {amount}" for who, amount in uses if amount)
                found.append(
                    Violation(
                        "C7",
                        f"material {material.id}",
                        t,
                        f"consumes {consumed} ({parts}) but only {available} available"
                        f" (stock {stock} + delivered {delivered[t]})",
                    )
                )
            # After a shortfall only what was there can have been used: the stock goes
            # to 0, not below, so one bad day is reported once, not again every later day.
            # A feasible plan never takes this branch, so the contract's formula holds.
            used = min(consumed, available)
            produced = sum(sched.units(line.id, t) for line in producers)  # usable from t+1
            stock = available - used + produced
    return found


# --- C8 figures, objective, status ----------------------------------------------


def _check_c8_kind(instance: Instance, plan: Plan) -> list[Violation]:
    if plan.objective.kind == instance.objective:
        return []
    return [
        Violation(
            "C8",
            "plan",
            None,
            f"objective.kind is {plan.objective.kind}, but the instance's objective is {instance.objective}",
        )
    ]


def _check_c8_figures(plan: Plan, figures: Figures) -> list[Violation]:
    found: list[Violation] = []

    def add(message: str) -> None:
        found.append(Violation("C8", "plan", None, message))

    recomputed = {
        "lost_value": figures.lost_value,
        "lost_units": figures.lost_units,
        "makespan": figures.makespan,
    }
    claimed = {"lost_value": plan.lost_value, "lost_units": plan.lost_units, "makespan": plan.makespan}
    for name, value in recomputed.items():
        if claimed[name] != value:
            add(f"{name} is {_show(claimed[name])} in the plan, recomputed {_show(value)}")
    objective = plan.objective
    expected = recomputed[objective.kind]
    if objective.value != expected:
        add(f"objective.value is {_show(objective.value)}, recomputed {objective.kind} {_show(expected)}")
    if objective.value is not None:
        if objective.bound is None:
            add(f"status {plan.status} but objective.bound is null")
        elif objective.bound > objective.value:
            add(
                f"objective.bound {objective.bound} is above objective.value {objective.value} (minimisation)"
            )
        elif plan.status == "optimal" and objective.bound != objective.value:
            add(f"status optimal but objective.bound {objective.bound} differs from value {objective.value}")
    return found
