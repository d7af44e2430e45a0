"""A linear program built row by row, and the bound its duals prove (weak duality).

The MIP's formulation (`formulation.py`) writes its constraints as `Lin`
expressions over `Program` columns; `Program.dual_bound` reads a valid
lower bound from any duals HiGHS returns, so an LP stopped early still bounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import highspy

INF = highspy.kHighsInf


class Lin:
    """An integer linear expression over column indices: terms plus a constant."""

    __slots__ = ("const", "terms")

    def __init__(self, terms: dict[int, int] | None = None, const: int = 0) -> None:
        self.terms = terms if terms is not None else {}
        self.const = const

    @staticmethod
    def col(j: int, coef: int = 1) -> Lin:
        return Lin({j: coef})

    def add(self, other: Lin | int, coef: int = 1) -> Lin:
        """Add `coef * other` in place; return self."""
        if isinstance(other, int):
            self.const += coef * other
            return self
        self.const += coef * other.const
        terms = self.terms
        for j, a in other.terms.items():
            b = terms.get(j, 0) + coef * a
            if b:
                terms[j] = b
            else:
                terms.pop(j, None)
        return self

    def __add__(self, other: Lin | int) -> Lin:
        return Lin(dict(self.terms), self.const).add(other)

    def __sub__(self, other: Lin | int) -> Lin:
        return Lin(dict(self.terms), self.const).add(other, -1)

    def __mul__(self, k: int) -> Lin:
        if k == 0:
            return Lin()
        return Lin({j: k * a for j, a in self.terms.items()}, k * self.const)

    __rmul__ = __mul__


class Program:
    """Columns and rows of the MIP, collected in plain lists and passed to HiGHS at once.

    Each row is checked against the column bounds on the way in: a row that
    cannot be violated is left out, one that cannot be met is recorded in
    `infeasible` (a proof of infeasibility, as the windows are valid bounds).
    """

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.names: list[str] = []
        self.offset = 0
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.row_names: list[str] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        self.infeasible: list[str] = []

    def var(self, name: str, lower: float, upper: float, *, integer: bool = True) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(0.0)
        self.integer.append(integer)
        self.names.append(name)
        return len(self.names) - 1

    def le(self, name: str, expr: Lin, rhs: int = 0) -> None:
        self._row(name, expr, -INF, rhs)

    def ge(self, name: str, expr: Lin, rhs: int = 0) -> None:
        self._row(name, expr, rhs, INF)

    def eq(self, name: str, expr: Lin, rhs: int = 0) -> None:
        self._row(name, expr, rhs, rhs)

    def _row(self, name: str, expr: Lin, lower: float, upper: float) -> None:
        lower -= expr.const
        upper -= expr.const
        low = high = 0.0
        for j, a in expr.terms.items():
            if a > 0:
                low += a * self.lower[j]
                high += a * self.upper[j]
            else:
                low += a * self.upper[j]
                high += a * self.lower[j]
        if high < lower - 1e-9 or low > upper + 1e-9:
            self.infeasible.append(f"{name} cannot hold")
            return
        if low >= lower and high <= upper:
            return  # holds whatever the columns' values
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.row_names.append(name)
        self.index.extend(expr.terms)
        self.value.extend(float(a) for a in expr.terms.values())
        self.starts.append(len(self.index))

    def violation(self, values: list[float]) -> str | None:
        """The first column bound, integrality or row that `values` breaks; None if none."""
        tol = 1e-6
        for j, v in enumerate(values):
            if not self.lower[j] - tol <= v <= self.upper[j] + tol:
                return f"{self.names[j]} = {v} is outside [{self.lower[j]}, {self.upper[j]}]"
            if self.integer[j] and abs(v - round(v)) > tol:
                return f"{self.names[j]} = {v} is not an integer"
        for row, name in enumerate(self.row_names):
            first, end = self.starts[row], self.starts[row + 1]
            terms = zip(self.index[first:end], self.value[first:end], strict=True)
            activity = sum(a * values[j] for j, a in terms)
            if not self.row_lower[row] - tol <= activity <= self.row_upper[row] + tol:
                return f"{name} is {activity}, outside [{self.row_lower[row]}, {self.row_upper[row]}]"
        return None

    def dual_bound(self, row_dual: Sequence[float]) -> float:
        """The Lagrangian bound of the LP relaxation at `row_dual`: valid for any dual vector.

        With `r = c - A'y`, `min over the column box of c'x` subject to the rows
        is at least `offset + sum_i y_i * (lower_i if y_i > 0 else upper_i)
        + sum_j min(r_j * lower_j, r_j * upper_j)`, whatever `y` is (weak
        duality, the rows' sides and the columns' bounds all finite where
        used). So a bound read this way holds even when the LP solver stopped
        short of optimal or its tolerances were loose: it is proven by this
        arithmetic, not by the solver's word. A dual of the wrong sign for a
        one-sided row is taken as 0 (still a dual vector).
        """
        import numpy as np

        y = np.asarray(row_dual, dtype=float)
        lower, upper = np.asarray(self.row_lower), np.asarray(self.row_upper)
        y = np.where((y > 0) & np.isfinite(lower) | (y < 0) & np.isfinite(upper), y, 0.0)
        rows = np.repeat(np.arange(len(self.row_names)), np.diff(self.starts))
        value = np.asarray(self.value)
        reduced = np.asarray(self.cost) - np.bincount(
            np.asarray(self.index, dtype=np.int64), weights=value * y[rows], minlength=len(self.names)
        )
        col_lower, col_upper = np.asarray(self.lower), np.asarray(self.upper)
        sides = np.where(y > 0, y * np.where(np.isfinite(lower), lower, 0.0), 0.0) + np.where(
            y < 0, y * np.where(np.isfinite(upper), upper, 0.0), 0.0
        )
        low = np.where(reduced > 0, reduced * col_lower, 0.0)
        high = np.where(reduced < 0, reduced * col_upper, 0.0)
        if not (np.isfinite(low).all() and np.isfinite(high).all()):
            return -math.inf  # a column without a finite bound where its reduced cost points
        terms = np.concatenate([sides, low, high])
        # Rounding in these sums is far below this margin (about 1e-16 of each term each).
        margin = 1e-9 * float(np.abs(terms).sum()) + 1e-6
        return float(self.offset) + math.fsum(terms.tolist()) - margin

    def objective_at(self, values: Sequence[float]) -> float:
        """The objective at `values`, integer columns rounded: what HiGHS should report for them."""
        return self.offset + sum(
            c * (round(values[j]) if self.integer[j] else values[j]) for j, c in enumerate(self.cost) if c
        )

    def size(self) -> str:
        ints = sum(self.integer)
        return (
            f"{len(self.names)} columns ({ints} integer), {len(self.row_names)} rows, "
            f"{len(self.index)} nonzeros"
        )

    def lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.names)
        lp.num_row_ = len(self.row_names)
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.lower
        lp.col_upper_ = self.upper
        lp.row_lower_ = self.row_lower
        lp.row_upper_ = self.row_upper
        lp.offset_ = float(self.offset)
        lp.col_names_ = self.names
        lp.row_names_ = self.row_names
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in self.integer]
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = lp.num_col_
        matrix.num_row_ = lp.num_row_
        matrix.start_ = self.starts
        matrix.index_ = self.index
        matrix.value_ = self.value
        return lp
