"""The sizes of instance the planner solves, estimated from the file before any model is built.

The contract admits any number of lines over up to 3,650 days; the models do
not fit every such file in memory or in a time limit. The CP-SAT model has a
handful of variables and constraints for every line and day, every material
and day, every input and crew pool of a line and day (about 6 variables and
10 constraints a line-day on the generated instances), so its size is a sum of
products of the file's counts. Each product has a limit of about twice what
the largest generated instance, xl-s1, has. At xl-s1's size the model builds
in about 4 s and a 40 s solve with 2 workers peaks at 1.5 GB; at twice it,
11 s and 2.7 GB; at four times it the build takes 21 s, and a minute's search
is mostly spent before it begins (`python -m benchmarks.limits sizes`,
benchmarks/README.md, "Limits"). An instance over a limit is refused before
anything is built, naming the product, like a bad file (exit 2).

Clearance modes and precedences cost little per item; their limits, far above
any instance seen, only stop files made to be large.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.errors import InstanceError
from planner.formats.schema import Instance


@dataclass(frozen=True)
class Product:
    """One count the model's size grows with: its place in the file, how it is formed, its limit."""

    place: str  # where in the file it comes from, as problems are located
    formula: str  # how it is counted, in the file's terms
    unit: str
    limit: int
    count: Callable[[Instance], tuple[int, str]]  # the count and its factors, as text

    def problem(self, instance: Instance) -> str | None:
        value, factors = self.count(instance)
        if value <= self.limit:
            return None
        return (
            f"{self.place}: {factors} = {value:,} {self.unit}, more than the {self.limit:,} the planner "
            f"solves ({self.formula}); shorten horizon_days or split the instance"
        )


def _per_day(name: str, items: Callable[[Instance], int]) -> Callable[[Instance], tuple[int, str]]:
    def count(instance: Instance) -> tuple[int, str]:
        n, days = items(instance), instance.horizon_days
        return n * days, f"{n:,} {name} x {days:,} days"

    return count


def _total(name: str, items: Callable[[Instance], int]) -> Callable[[Instance], tuple[int, str]]:
    def count(instance: Instance) -> tuple[int, str]:
        n = items(instance)
        return n, f"{n:,} {name}"

    return count


# xl-s1 has 36,135 line-days, 109,500 material-days, 201,115 input-days, 72,635 crew-days,
# 521 clearance modes and 942 precedences.
PRODUCTS = (
    Product(
        "lines",
        "lines x horizon_days",
        "line-days",
        75_000,
        _per_day("lines", lambda inst: len(inst.lines)),
    ),
    Product(
        "materials",
        "materials x horizon_days",
        "material-days",
        225_000,
        _per_day("materials", lambda inst: len(inst.materials)),
    ),
    Product(
        "lines",
        "the lines' inputs x horizon_days",
        "input-days",
        420_000,
        _per_day("line inputs", lambda inst: sum(len(ln.inputs) for ln in inst.lines)),
    ),
    Product(
        "lines",
        "the lines' crew pools x horizon_days",
        "crew-days",
        150_000,
        _per_day("line crew pools", lambda inst: sum(len(ln.crew_per_shift) for ln in inst.lines)),
    ),
    Product(
        "systems",
        "the modes of every system",
        "clearance modes",
        5_000,
        _total("clearance modes", lambda inst: sum(len(s.mode_list) for s in inst.systems)),
    ),
    Product(
        "systems",
        "after, systems and after_lines references",
        "precedences",
        50_000,
        _total(
            "precedences",
            lambda inst: (
                sum(len(s.after) for s in inst.systems)
                + sum(len(ln.systems) + len(ln.after_lines) for ln in inst.lines)
            ),
        ),
    ),
)


def size_problems(instance: Instance) -> list[str]:
    """Each product of `instance` over its limit, as a located problem; empty when it can be solved."""
    return [problem for product in PRODUCTS if (problem := product.problem(instance)) is not None]


def check_size(instance: Instance, source: str | None = None) -> None:
    """Raise `InstanceError` (exit 2) if `instance` is larger than the planner solves."""
    problems = size_problems(instance)
    if problems:
        raise InstanceError(problems, source=source, subject="the instance's size")
