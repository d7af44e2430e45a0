"""Options more than one command takes: the time limit's type and the solver's options."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class _Seconds(click.FloatRange):
    """A time limit: a finite number of seconds, 0 or more (nan and inf are no limit to keep)."""

    name = "float"

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return seconds


SECONDS = _Seconds()


def solver_options(
    time_limit: float = 60.0, time_help: str = "Seconds for the whole solve."
) -> Callable[[F], F]:
    """--time-limit, --workers, --seed, --log: defined once, each with an environment variable."""
    options = [
        click.option(
            "--time-limit",
            type=SECONDS,
            default=time_limit,
            show_default=True,
            envvar="RESTART_PLANNER_TIME_LIMIT",
            help=time_help,
        ),
        click.option(
            "--workers",
            # Each CP-SAT worker keeps its own search state, so memory grows with every one;
            # past 64 a 2-to-64-core machine gains nothing more from its portfolio.
            type=click.IntRange(min=1, max=64),
            default=2,
            show_default=True,
            envvar="RESTART_PLANNER_WORKERS",
            help="CP-SAT search workers.",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0, max=2**31 - 1),  # CP-SAT's random_seed is an int32
            default=0,
            show_default=True,
            envvar="RESTART_PLANNER_SEED",
            help="Random seed of the solver.",
        ),
        click.option(
            "--log",
            is_flag=True,
            envvar="RESTART_PLANNER_LOG",
            help="Print the solver's log on stderr.",
        ),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate
