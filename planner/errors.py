"""The planner's error family.

`PlannerError` is what a user can cause (a bad file, an impossible request);
the CLI turns it into a short message and an exit code. Programming misuse
stays `ValueError` / `TypeError`.
"""

from __future__ import annotations


class PlannerError(Exception):
    """Base class of every error a user can cause."""

    exit_code = 2


class InstanceError(PlannerError):
    """A file breaks the contract; `problems` lists each one with its place.

    Each problem reads ``place: message``, for example
    ``lines[3].plant: unknown plant 'hallewood'``.
    """

    def __init__(self, problems: list[str], source: str | None = None, *, subject: str = "the file") -> None:
        self.problems = list(problems)
        self.source = source
        self.subject = subject  # what the problems are in: "the file", "the changes"
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        head = f"{where}{count} problem{'s' if count != 1 else ''} in {self.subject}"
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class SolveError(PlannerError):
    """The solver could not be run as asked (for example an invalid model)."""

    exit_code = 1
