"""`Budget`: the one clock of a solve, from which every part draws its time.

`solve(instance, time_limit=...)` makes one budget; the greedy baseline, the
model's building, the search and, on an instance without a plan, the search
for the requirements at fault all take their time from it, so that the whole
call ends by its deadline, whatever the instance. A part that cannot stop on
its own (building the model) calls `check()` between steps and gives up with
`OutOfTime`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


class OutOfTime(Exception):
    """The budget ran out in a part that checks it."""


@dataclass(frozen=True)
class Budget:
    """A deadline on `time.perf_counter()`'s clock, and when the budget began."""

    started: float
    deadline: float

    @classmethod
    def of(cls, seconds: float) -> Budget:
        """A budget of `seconds` from now (inf: none)."""
        if math.isnan(seconds):
            raise ValueError("a time limit of nan seconds")
        now = time.perf_counter()
        return cls(now, now + max(0.0, seconds))

    @property
    def seconds(self) -> float:
        """The whole budget, as it was given."""
        return self.deadline - self.started

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def left(self) -> float:
        """Seconds until the deadline (0 once it has passed)."""
        return max(0.0, self.deadline - time.perf_counter())

    def expired(self) -> bool:
        return time.perf_counter() >= self.deadline

    def check(self) -> None:
        """Raise `OutOfTime` once the deadline has passed."""
        if self.expired():
            raise OutOfTime

    def within(self, seconds: float) -> Budget:
        """A part's own budget: `seconds` from now, but never past this deadline."""
        now = time.perf_counter()
        return Budget(self.started, min(self.deadline, now + max(0.0, seconds)))

    def keeping(self, seconds: float) -> Budget:
        """This budget less `seconds` at its end, kept for what must follow the part."""
        return Budget(self.started, max(time.perf_counter(), self.deadline - max(0.0, seconds)))
