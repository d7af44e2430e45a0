"""The short text summary of a solve that the CLI prints on stderr."""

from __future__ import annotations

from datetime import timedelta

from planner.schema import Instance
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
    out.append(f"objective {plan.objective.kind} = {result.objective}, bound {result.bound}, gap {gap:.2%}")
    out.append(f"lost value {plan.lost_value}, lost units {plan.lost_units}, makespan {plan.makespan}")
    if result.note:
        out.append(f"note: {result.note}")
    width = max([len(ln.id) for ln in plan.lines] + [4])
    out.append(f"{'line':<{width}}  restart")
    for line in plan.lines:
        out.append(f"{line.id:<{width}}  {_day(instance, line.restart_day)}")
    return "\n".join(out)


def _day(instance: Instance, day: int | None) -> str:
    if day is None:
        return "not restarted"
    if day < 0:
        return "running (since before day 0)"
    if instance.start_date is None:
        return f"day {day}"
    when = instance.start_date + timedelta(days=day)
    return f"day {day} ({when:%a %d %b %Y})"
