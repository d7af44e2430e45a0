"""Named suites of benchmark cases, each with what is known of its optimum."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.formats.read import load_instance
from planner.formats.schema import Instance

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PSPLIB = SHARED / "data" / "psplib"


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    load: Callable[[], Instance]
    best_known: int | None = None  # best known objective value
    proven: bool = False  # best_known is a proven optimum
    lower_bound: int | None = None  # best known lower bound
    source: Path | None = None  # the original file (PSPLIB .sm), for the peers


def _psplib(group: str) -> list[Case]:
    from planner.formats.psplib import from_psplib

    bounds: dict[str, dict[str, str]] = {}
    with (PSPLIB / "bounds.csv").open() as handle:
        for row in csv.DictReader(handle):
            bounds[row["instance"]] = row
    cases = []
    for path in sorted((PSPLIB / group).glob("*.sm"), key=_natural):
        row = bounds.get(path.stem, {})
        cases.append(
            Case(
                suite=f"psplib-{group}",
                name=path.stem,
                load=lambda p=path: from_psplib(p),
                best_known=int(row["ub"]) if row.get("ub") else None,
                proven=row.get("optimal") == "1",
                lower_bound=int(row["lb"]) if row.get("lb") else None,
                source=path,
            )
        )
    return cases


def _natural(path: Path) -> tuple[int, ...]:
    """j301_10 after j301_9: PSPLIB's own order."""
    digits = path.stem[1:].replace("_", " ").split()
    return tuple(int(d) for d in digits)


def _generated() -> list[Case]:
    folder = REPO / "instances" / "generated"
    index = folder / "index.csv"
    if not index.exists():
        return []
    cases = []
    with index.open() as handle:
        for row in csv.DictReader(handle):
            path = folder / f"{row['name']}.json"
            best = row.get("best_known") or ""
            bound = row.get("bound") or ""
            cases.append(
                Case(
                    suite="generated",
                    name=row["name"],
                    load=lambda p=path: load_instance(p),
                    best_known=int(best) if best else None,
                    proven=bool(best) and best == bound,
                    lower_bound=int(bound) if bound else None,
                )
            )
    return cases


def _jlr() -> list[Case]:
    path = REPO / "instances" / "jlr-2025.json"
    return [Case(suite="jlr", name="jlr-2025", load=lambda: load_instance(path))]


SUITES: dict[str, Callable[[], list[Case]]] = {
    "psplib-j30": lambda: _psplib("j30"),
    "psplib-j60": lambda: _psplib("j60"),
    "psplib-j120": lambda: _psplib("j120"),
    "generated": _generated,
    "jlr": _jlr,
}
