"""Days in words, the same in every message: "3 days", "day 4", "days 4-9" (both ends included)."""


def days(n: int) -> str:
    """A number of days: "1 day", "3 days"."""
    return f"{n} day" if n == 1 else f"{n} days"


def day_span(first: int, last: int) -> str:
    """Days `first` to `last`, both included: "day 4" or "days 4-9"."""
    return f"day {first}" if first == last else f"days {first}-{last}"
