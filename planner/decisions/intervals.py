"""When a proven interval settles a figure found by a search cut short."""

from __future__ import annotations


def settled(least: int | None, most: int | None, found: int | None) -> bool:
    """Is the proven interval [least, most] narrower than the figure `found` itself?

    Then the figure's sign and size are findings; otherwise the searches'
    time limit, not the change or the limit measured, may be what it shows.
    A figure of 0 is settled by an interval narrower than one unit.
    """
    if least is None or most is None:
        return False
    return most - least < max(1, abs(found or 0))
