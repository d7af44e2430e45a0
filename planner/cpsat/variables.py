"""The decision variables of one system and one line, named in the user's terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.problem.data import LineData, ProblemData

# Plain ints and CP-SAT expressions mix freely; ortools' own alias also admits
# numpy integers, which its operator stubs then reject.
LinearExpr = cp_model.LinearExpr | int


@dataclass
class SystemVars:
    """Clearance of one system that is not already cleared.

    `present` is true when the system is cleared within the horizon; exactly
    one mode literal is true then, none otherwise.
    """

    present: cp_model.IntVar
    earliest: int
    start: cp_model.IntVar
    end: cp_model.IntVar
    modes: list[cp_model.IntVar]
    intervals: list[cp_model.IntervalVar]
    # done_by[t] implies "cleared and end <= t"; made on demand (ordering gates).
    done_by: dict[int, cp_model.IntVar] = field(default_factory=dict)


@dataclass
class LineVars:
    """Restart, shifts and units of one line.

    The restart day is order-encoded: `on[t]` is true from the restart day on,
    and `restart = H - sum(on)`, so `restart == H` means "not restarted". The
    order encoding makes "running on day t" a literal for the shift, staff and
    ramp rules while `restart` stays one integer for precedences.
    """

    restart: LinearExpr
    restarted: cp_model.IntVar  # a literal (a constant one when the restart is fixed)
    on: list[LinearExpr]  # per day, 0/1; empty for a line whose output does not matter
    starts: list[LinearExpr]  # per day, 1 on the restart day; empty as `on`
    shifts: dict[int, cp_model.IntVar]  # working days only; empty as `on`
    units: dict[int, cp_model.IntVar]  # working days only; empty as `on`
    commissioning: cp_model.IntervalVar | None = None

    @property
    def timeless(self) -> bool:
        """Only the restart day is modelled: the line runs one shift and makes nothing."""
        return not self.on


def make_system_vars(model: cp_model.CpModel, data: ProblemData, index: int) -> SystemVars:
    s = data.systems[index]
    horizon = data.horizon
    must = data.objective == "makespan" or s.fixed_start is not None
    present = model.new_constant(1) if must else model.new_bool_var(f"cleared[{s.id}]")
    # From release and `after` chains; a fixed start earlier than that is pinned in C1 and fails there.
    lo = min(data.earliest_ends[index] - s.min_duration, horizon)
    start = model.new_int_var(lo, horizon, f"start[{s.id}]")
    end = model.new_int_var(lo, horizon, f"end[{s.id}]")
    if len(s.modes) == 1:
        modes = [present]
    else:
        modes = [model.new_bool_var(f"mode[{s.id},{k}]") for k in range(len(s.modes))]
    intervals = [
        model.new_optional_interval_var(start, m.duration, end, lit, f"clear[{s.id},{k}]")
        for k, (m, lit) in enumerate(zip(s.modes, modes, strict=True))
    ]
    return SystemVars(present, lo, start, end, modes, intervals)


def make_line_vars(model: cp_model.CpModel, data: ProblemData, index: int) -> LineVars:
    """The variables of one line; only its restart day when its output does not matter."""
    line = data.lines[index]
    if not output_matters(data, index):
        return _restart_only(model, data, index)
    horizon = data.horizon
    working = data.plants[line.plant].working
    if line.running_before_day0:
        assert line.fixed_restart is not None
        on: list[LinearExpr] = [1] * horizon
        starts: list[LinearExpr] = [0] * horizon
        restart: LinearExpr = line.fixed_restart
        restarted = model.new_constant(1)
    else:
        earliest = data.earliest_restarts[index]
        if line.fixed_restart is not None:
            on = [int(t >= line.fixed_restart) for t in range(horizon)]
        else:
            on = [
                model.new_bool_var(f"running[{line.id},{t}]") if t >= earliest else 0 for t in range(horizon)
            ]
        starts = [_difference(model, on, t, f"restart_on[{line.id},{t}]") for t in range(horizon)]
        restart_var = model.new_int_var(0, horizon, f"restart[{line.id}]")
        model.add(restart_var == horizon - sum(on))
        restart = restart_var
        last = on[-1]
        restarted = last if isinstance(last, cp_model.IntVar) else model.new_constant(int(last))  # type: ignore[arg-type]

    top = line.full_rate
    shifts = {}
    units = {}
    for t in range(horizon):
        if working[t]:
            shifts[t] = model.new_int_var(0, line.max_shifts, f"shifts[{line.id},{t}]")
            units[t] = model.new_int_var(0, top, f"units[{line.id},{t}]")
    commissioning = _commissioning(model, line, restart, restarted)
    return LineVars(restart, restarted, on, starts, shifts, units, commissioning)


def _commissioning(
    model: cp_model.CpModel, line: LineData, restart: LinearExpr, restarted: cp_model.IntVar
) -> cp_model.IntervalVar | None:
    """The commissioning days r - days .. r - 1, when they need a resource."""
    if line.commissioning_days == 0 or not line.commissioning_demand or line.running_before_day0:
        return None
    return model.new_optional_fixed_size_interval_var(
        restart - line.commissioning_days, line.commissioning_days, restarted, f"commissioning[{line.id}]"
    )


def output_matters(data: ProblemData, i: int) -> bool:
    """Can the shifts or units of line i change the objective or another constraint?

    Not when its output has no weight, no line consumes it, and it needs no
    staff: then one shift a working day and no units is as good as any plan,
    and the line is modelled by its restart day alone (a PSPLIB import is such
    a line, so its model is a plain RCPSP).
    """
    line = data.lines[i]
    consumed = any(line.output in other.inputs for other in data.lines)
    return line.weight > 0 or consumed or bool(line.crew)


def _restart_only(model: cp_model.CpModel, data: ProblemData, index: int) -> LineVars:
    line = data.lines[index]
    horizon = data.horizon
    if line.fixed_restart is not None:
        restart: LinearExpr = line.fixed_restart
        restarted = model.new_constant(1)
    else:
        earliest = data.earliest_restarts[index]
        restart_var = model.new_int_var(min(earliest, horizon), horizon, f"restart[{line.id}]")
        restarted = model.new_bool_var(f"restarted[{line.id}]")
        model.add(restart_var <= horizon - 1).only_enforce_if(restarted)
        model.add(restart_var == horizon).only_enforce_if(~restarted)
        restart = restart_var
    return LineVars(restart, restarted, [], [], {}, {}, _commissioning(model, line, restart, restarted))


def _difference(model: cp_model.CpModel, on: list[LinearExpr], t: int, name: str) -> LinearExpr:
    """on[t] - on[t-1]: 1 exactly on the restart day (on is monotone)."""
    prev = on[t - 1] if t > 0 else 0
    if isinstance(on[t], int) and isinstance(prev, int):
        return on[t] - prev
    var = model.new_bool_var(name)
    model.add(var == on[t] - prev)
    return var
