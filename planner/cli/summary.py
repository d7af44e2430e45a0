"""The short text summary of a solve that the CLI prints on stderr."""

from __future__ import annotations

from datetime import timedelta

from planner.formats.money import amount, unit_name
from planner.formats.schema import Instance
from planner.solve import Result


def summary(instance: Instance, result: Result) -> str:
    """Status, objective, bound, gap, time, then one row a line with its restart day."""
    plan = result.plan
    times = f"{result.runtime:.2f} s (model built in {result.build_time:.2f} s)"
    out = [f"{instance.name}: {result.status} in {times}"]
    if not plan.has_schedule:
        out += [f"  - {reason}" for reason in result.explanation]
        return "\n".join(out)
    gap = result.gap if result.gap is not None else 0.0
    kind = plan.objective.kind
    measure = {"lost_value": f" (in {unit_name(instance.value_unit)})", "lost_units": " units"}.get(
        kind, " days"
    )
    out.append(
        f"objective {kind} = {_num(result.objective)}, bound {_num(result.bound)}{measure}, gap {gap:.2%}"
    )
    lost = "-" if plan.lost_value is None else amount(instance.value_unit, plan.lost_value)
    out.append(f"lost value {lost}, lost units {_num(plan.lost_units)}, makespan {_num(plan.makespan)}")
    if result.note:
        out.append(f"note: {result.note}")
    width = max([len(ln.id) for ln in plan.lines] + [4])
    out.append(f"{'line':<{width}}  restart")
    for line in plan.lines:
        out.append(f"{line.id:<{width}}  {_day(instance, line.restart_day)}")
    return "\n".join(out)


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _day(instance: Instance, day: int | None) -> str:
    if day is None:
        return "not restarted"
    if day < 0:
        return "running (since before day 0)"
    if instance.start_date is None:
        return f"day {day}"
    when = instance.start_date + timedelta(days=day)
    return f"day {day} ({when:%a %d %b %Y})"
