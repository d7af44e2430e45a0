"""The time-indexed MIP peer of the CP-SAT model, solved with HiGHS (see `formulation.py`).

`formulation.py` writes the model (C1..C7 and the objective) from the contract
alone, on the row builder of `program.py`, within the start windows of
`windows.py`; `serial.py` gives a first plan under makespan; `highs.py` runs
HiGHS on it: the search, the LP and root bounds, and production for a fixed
schedule.
"""

from planner.mip.highs import (
    MipListener,
    MipOutcome,
    MipStatus,
    ProductionOutcome,
    lp_bound,
    root_bound,
    solve_mip,
    solve_production,
)

__all__ = [
    "MipListener",
    "MipOutcome",
    "MipStatus",
    "ProductionOutcome",
    "lp_bound",
    "root_bound",
    "solve_mip",
    "solve_production",
]
