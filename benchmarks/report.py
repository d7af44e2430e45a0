"""Tables of a benchmark run: one CSV row per (instance, method), a markdown summary."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from benchmarks.methods import Row


def frame(rows: list[Row]) -> pd.DataFrame:
    records = [asdict(r) | {"gap": r.gap, "gap_to_best": r.gap_to_best} for r in rows]
    return pd.DataFrame.from_records(records)


def problems(rows: list[Row], proven: dict[tuple[str, str], int]) -> list[str]:
    """Results that cannot be right: a plan the checker rejects, or beating a proven optimum."""
    found = []
    for r in rows:
        if r.verified is False:
            found.append(f"{r.instance} {r.method}: the plan fails planner.verify")
        optimum = proven.get((r.suite, r.instance))
        if optimum is not None and r.objective is not None:
            if r.objective < optimum:
                found.append(f"{r.instance} {r.method}: {r.objective} beats the proven optimum {optimum}")
            if r.status == "optimal" and r.objective != optimum:
                found.append(f"{r.instance} {r.method}: claims optimal {r.objective}, proven {optimum}")
    return found


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per suite and method: how many solved, at the best known, the mean gap, the time."""
    table = table.assign(
        found=table["objective"].notna(),
        at_best=table["objective"].notna() & (table["objective"] == table["best_known"]),
        proven_optimal=table["status"] == "optimal",
    )
    grouped = table.groupby(["suite", "method"], sort=False)
    return grouped.agg(
        instances=("instance", "count"),
        found=("found", "sum"),
        proven_optimal=("proven_optimal", "sum"),
        at_best_known=("at_best", "sum"),
        mean_gap_to_best=("gap_to_best", "mean"),
        mean_own_gap=("gap", "mean"),
        total_time=("time", "sum"),
        mean_time_to_best=("time_to_best", "mean"),
    ).reset_index()


def markdown(table: pd.DataFrame) -> str:
    """A plain markdown table (no extra dependency)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            if pd.isna(value):
                return ""
            return f"{value:.4f}" if abs(value) < 1 else f"{value:.2f}"
        return "" if value is None or value is pd.NA else str(value)

    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in table.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """One row an instance: best known, then objective and time of each method."""
    wide = table.pivot_table(
        index="instance", columns="method", values=["objective", "time"], aggfunc="first"
    )
    wide.columns = [f"{method} {what}" for what, method in wide.columns]
    for column in wide.columns:
        if column.endswith(" objective"):  # integers; a method without a plan leaves a gap
            wide[column] = wide[column].round().astype("Int64")
    known = table.groupby("instance", sort=False)["best_known"].first()
    return pd.concat([known, wide], axis=1).reset_index()


def write(rows: list[Row], out: Path, stem: str, header: str) -> str:
    out.mkdir(parents=True, exist_ok=True)
    table = frame(rows)
    table.to_csv(out / f"{stem}.csv", index=False)
    text = [header, "", markdown(summary(table))]
    if table["instance"].nunique() <= 60:
        text += ["", markdown(side_by_side(table))]
    body = "\n".join(text) + "\n"
    (out / f"{stem}.md").write_text(body)
    return body
