"""The decision variables of one system and one line, named in the user's terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.data import LineData, ProblemData, SystemData

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
    on: list[LinearExpr]  # per day, 0/1
    starts: list[LinearExpr]  # per day, 1 on the restart day
    shifts: dict[int, cp_model.IntVar]  # working days only
    units: dict[int, cp_model.IntVar]  # working days only
    commissioning: cp_model.IntervalVar | None = None


def make_system_vars(model: cp_model.CpModel, data: ProblemData, s: SystemData) -> SystemVars:
    horizon = data.horizon
    must = data.objective == "makespan" or s.fixed_start is not None
    present = model.new_constant(1) if must else model.new_bool_var(f"cleared[{s.id}]")
    lo = min(s.release, horizon)  # a fixed start is pinned in C1, so one before release fails there
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


def make_line_vars(model: cp_model.CpModel, data: ProblemData, line: LineData) -> LineVars:
    horizon = data.horizon
    working = data.plants[line.plant].working
    if line.running_before_day0:
        assert line.fixed_restart is not None
        on: list[LinearExpr] = [1] * horizon
        starts: list[LinearExpr] = [0] * horizon
        restart: LinearExpr = line.fixed_restart
        restarted = model.new_constant(1)
    else:
        earliest = max(line.release, line.commissioning_days)
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
    commissioning = None
    if line.commissioning_days > 0 and line.commissioning_demand and not line.running_before_day0:
        commissioning = model.new_optional_fixed_size_interval_var(
            restart - line.commissioning_days,
            line.commissioning_days,
            restarted,
            f"commissioning[{line.id}]",
        )
    return LineVars(restart, restarted, on, starts, shifts, units, commissioning)


def _difference(model: cp_model.CpModel, on: list[LinearExpr], t: int, name: str) -> LinearExpr:
    """on[t] - on[t-1]: 1 exactly on the restart day (on is monotone)."""
    prev = on[t - 1] if t > 0 else 0
    if isinstance(on[t], int) and isinstance(prev, int):
        return on[t] - prev
    var = model.new_bool_var(name)
    model.add(var == on[t] - prev)
    return var
