"""A search over restart days alone, each vector priced by the LP with those days fixed.

Where parts and staff decide the loss (JLR-2025), CP-SAT's search of the
whole model does not see what a restart day costs, and HiGHS' search of the
MIP needs most of a minute for its root. The LP with the restart days fixed
sees it at once (`planner.mip.pricing`), in about 15 ms a vector. So this
search anneals over the restart days of the free lines: a move shifts one
to three lines by up to a week, and is kept by the Metropolis rule on the
vectors' prices, as the temperature falls linearly to 0 over the time it
is given. It runs in cycles, after each of which the portfolio turns the
best vector into a plan with CP-SAT (the restart days fixed, everything
else free), which the checker then passes.
Measured: benchmarks/README.md, "Restart-day annealing".
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # HiGHS is imported only where the annealing runs
    from planner.mip.pricing import RestartDayPrices

TEMPERATURE = 0.0013  # the starting temperature, as a share of the start's price
_STEPS = (-7, -3, -2, -1, 1, 2, 3, 7)  # days a line's restart moves by
_LINES = (1, 1, 2, 3)  # how many lines a move shifts (one in two moves shifts one)


@dataclass(frozen=True)
class Annealed:
    """The best vector a cycle found, its price and how many vectors it priced."""

    restarts: list[int | None]
    price: float
    priced: int


class RestartDayAnnealing:
    """Simulated annealing over the restart days of `prices`' free lines, for `seconds` in all.

    The temperature falls linearly from `TEMPERATURE` of the first start's
    price to 0 over `seconds`, so that early on a move that loses 0.13 %
    more is kept about one time in e (20,000 on JLR-2025's greedy plan, the
    value the prototype was tuned with: benchmarks/README.md). The search
    runs in cycles (`cycle`), between which the caller makes plans of what
    it found; each goes on from where the last left off, on the same
    schedule, unless given a better start.
    """

    def __init__(self, prices: RestartDayPrices, seconds: float, seed: int = 0) -> None:
        self.prices = prices
        self.seconds = max(seconds, 1e-9)  # no time at all: cold from the start
        self._random = random.Random(seed)
        self._began: float | None = None
        self._top = 0.0
        self._current: list[int | None] = []
        self._value = math.inf

    def temperature(self) -> float:
        """The temperature now: 0 once `seconds` have passed since the first cycle."""
        if self._began is None:
            return 0.0
        return self._top * max(0.0, 1 - (time.perf_counter() - self._began) / self.seconds)

    def cycle(
        self, seconds: float, should_stop: Callable[[], bool], start: Sequence[int | None] | None = None
    ) -> Annealed | None:
        """Anneal for `seconds` more (or until `should_stop()`), from `start` if given.

        The first cycle needs a `start`. None when the vector it goes on
        from is infeasible.
        """
        if start is not None:
            value = self.prices.price(start)
            if value is None:
                return None
            self._current, self._value = list(start), value
            if self._began is None:
                self._began = time.perf_counter()
                self._top = TEMPERATURE * max(1.0, abs(value))
        if self._began is None or not self._current:
            raise ValueError("the first cycle of the annealing needs a start")
        until = time.perf_counter() + seconds
        best = Annealed(list(self._current), self._value, 1)
        priced = 1
        while not should_stop() and time.perf_counter() < until:
            candidate = self._move(self._current)
            price = self.prices.price(candidate)
            priced += 1
            if price is None:
                continue
            temperature = self.temperature()
            kept = price < self._value or self._random.random() < math.exp(
                -(price - self._value) / max(temperature, 1e-9)
            )
            if kept:
                self._current, self._value = candidate, price
                if price < best.price:
                    best = Annealed(list(candidate), price, priced)
        return Annealed(best.restarts, best.price, priced)

    def _move(self, restarts: list[int | None]) -> list[int | None]:
        """`restarts` with one to three free lines shifted by up to a week, within their days."""
        rng = self._random
        moved = list(restarts)
        for i in rng.sample(self.prices.free, min(len(self.prices.free), rng.choice(_LINES))):
            first, last = self.prices.days(i)
            day = moved[i]
            moved[i] = min(last, max(first, (last if day is None else day) + rng.choice(_STEPS)))
        return moved
