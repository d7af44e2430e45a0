"""The search behind `planner.solve`: the portfolio, its clock and budget, the greedy plan, HiGHS aside."""
