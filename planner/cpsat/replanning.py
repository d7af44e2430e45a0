"""Re-planning from day T: the frozen past and the count of changes (models/formulation.md).

`freeze` keeps what an old plan had done before `today` and lets nothing new
begin before it; `count_changes` is the number of restart days and clearance
starts that differ from the old plan, the second objective of a re-plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.cpsat.variables import LinearExpr, LineVars
from planner.problem.data import ProblemData
from planner.problem.decisions import Decisions

if TYPE_CHECKING:
    from planner.cpsat.model import RestartModel


@dataclass(frozen=True)
class Past:
    """What an old plan had begun before `today`: it is frozen in a re-plan."""

    today: int
    systems: frozenset[int]  # clearances started before today: keep start and mode
    lines: frozenset[int]  # restarted, or commissioning started, before today: keep the restart day

    @classmethod
    def of(cls, data: ProblemData, plan: Decisions, today: int) -> Past:
        """A line whose commissioning began before `today` is under way, as a clearance is."""
        systems = {s for s, chosen in plan.systems.items() if chosen is not None and chosen[1] < today}
        lines = {
            i
            for i, restart in enumerate(plan.restarts)
            if restart is not None and restart - data.lines[i].commissioning_days < today
        }
        return cls(today, frozenset(systems), frozenset(lines))


def freeze(built: RestartModel, plan: Decisions, today: int) -> Past:
    """Keep what `plan` did before `today`; what it had not begun begins on `today` or later.

    Started clearances keep their start and mode, lines under way keep their
    restart day, shifts and units before `today` are fixed; other clearances
    start on `today` or later (or stay uncleared), other lines restart on
    `today + commissioning days` or later (or not at all), so no new activity
    lands in the past. `plan` itself keeps every one of these rules.
    """
    past = Past.of(built.data, plan, today)
    _freeze_systems(built, plan, past)
    for i, lv in enumerate(built.lines):
        _freeze_restart(built, i, lv, plan, past)
        _freeze_production(built, i, lv, plan, today)
    return past


def _freeze_systems(built: RestartModel, plan: Decisions, past: Past) -> None:
    model = built.model
    for s, sv in built.systems.items():
        chosen = plan.systems.get(s)
        if s not in past.systems or chosen is None:
            model.add(sv.start >= past.today).only_enforce_if(sv.present)
            continue
        mode, start, _ = chosen
        model.add(sv.present == 1)
        model.add(sv.start == start)
        if 0 <= mode < len(sv.modes):
            model.add(sv.modes[mode] == 1)
        else:  # the mode it began in no longer exists: the past cannot be kept
            model.add_bool_or([])


def _freeze_restart(built: RestartModel, i: int, lv: LineVars, plan: Decisions, past: Past) -> None:
    model = built.model
    horizon = built.data.horizon
    restart = plan.restarts[i]
    if i in past.lines and restart is not None:
        model.add(lv.restart == restart)  # a constant restart makes this True or False
        first = restart
    else:
        first = min(past.today + built.data.lines[i].commissioning_days, horizon)
        model.add(lv.restart >= first)
    # Fixing the order-encoded running days lets presolve see the frozen part at once.
    for t, running in enumerate(lv.on):
        if not isinstance(running, int) and (t < first or i in past.lines):
            model.add(running == int(t >= first))


def _freeze_production(built: RestartModel, i: int, lv: LineVars, plan: Decisions, today: int) -> None:
    """Shifts and units before `today` as the plan had them (none for a line modelled by its restart)."""
    if lv.timeless:
        return  # its rows before today are copied from the old plan (`planner.decisions.replan`)
    model = built.model
    for t in range(min(today, built.data.horizon)):
        shifts, units = plan.shifts.get((i, t), 0), plan.units.get((i, t), 0)
        if t in lv.shifts:
            model.add(lv.shifts[t] == shifts)
            model.add(lv.units[t] == units)
        elif shifts or units:  # it ran on a day that is no longer a working day
            model.add_bool_or([])


def minimize_changes(built: RestartModel, plan: Decisions, best: int) -> LinearExpr:
    """Re-planning, second stage: objective at most `best`, fewest changes from `plan`."""
    changes = count_changes(built, plan)
    built.model.add(built.objective <= best)
    built.model.minimize(changes)
    return changes


def minimize_weighted_changes(built: RestartModel, plan: Decisions, weight: int) -> LinearExpr:
    """Re-planning: minimise objective + `weight` x changes from `plan` (weight in objective units)."""
    changes = count_changes(built, plan)
    built.model.minimize(built.objective + weight * changes)
    return changes


def minimize_schedule_alone(built: RestartModel, today: int) -> None:
    """Re-planning's bridge: nothing made from `today` on; restart lines and clear systems early.

    What is left — clearances, restarts, commissioning and one staffed shift a
    working day — CP-SAT solves at once. Clearing early every system still to
    clear opens the supply that production will need once it is fixed to this
    schedule (`RestartModel.fix`).
    """
    for lv in built.lines:
        for t, units in lv.units.items():
            if t >= today:
                built.model.add(units == 0)
    horizon = built.data.horizon
    late = [horizon * (1 - sv.present) + sv.end for sv in built.systems.values()]
    built.model.minimize(sum(lv.restart for lv in built.lines) + sum(late))


def count_changes(built: RestartModel, plan: Decisions) -> LinearExpr:
    """The number of clearance starts and restart days that differ from `plan`.

    A clearance counts as changed when it is cleared in one plan and not in
    the other, or starts on another day; a line when its restart day (or
    "not restarted") differs. Each `same_*` literal only implies equality:
    minimising the count sets it whenever it can.
    """
    model = built.model
    horizon = built.data.horizon
    changed: list[LinearExpr] = []
    for s, sv in built.systems.items():
        chosen = plan.systems.get(s)
        if chosen is None:
            changed.append(sv.present)
            continue
        same = model.new_bool_var(f"same_start[{built.data.systems[s].id}]")
        model.add_implication(same, sv.present)
        model.add(sv.start == chosen[1]).only_enforce_if(same)
        changed.append(1 - same)
    for i, lv in enumerate(built.lines):
        restart = plan.restarts[i]
        old = horizon if restart is None else restart
        if isinstance(lv.restart, int):
            changed.append(int(lv.restart != old))
            continue
        same = model.new_bool_var(f"same_restart[{built.data.lines[i].id}]")
        model.add(lv.restart == old).only_enforce_if(same)
        changed.append(1 - same)
    return sum(changed)
