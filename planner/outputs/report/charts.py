"""The report's charts: Vega-Lite specifications built with altair from the series.

Each chart is returned as a `Chart`: an id (the HTML element and PNG file
name), a title, a sentence saying how to read it, and the Vega-Lite spec as a
plain dict with its data inlined, so that the page and the PNGs need nothing
from the network. This module imports altair: import it only through
`planner.outputs.report`, which checks that the `report` extra is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from planner.formats import money
from planner.outputs.report.series import PHASES, TOTAL, ReportData

BLUE = "#1f77b4"
GREY = "#7f7f7f"
RED = "#d62728"
PHASE_COLOURS = ("#ff7f0e", "#bcbd22", "#2ca02c")  # commissioning, ramp-up, running
WIDE = 760
FACET_WIDTH = 230
FACET_HEIGHT = 120


@dataclass(frozen=True)
class Chart:
    """One chart of the report: where it goes, what it is called, how to read it, its spec."""

    id: str
    title: str
    caption: str
    spec: dict[str, Any]


def vl_version() -> str:
    """The Vega-Lite version of altair's specs, as vl-convert names it (`v6_4`)."""
    return "_".join(alt.SCHEMA_VERSION.split(".")[:2])


def build_charts(report: ReportData) -> list[Chart]:
    """Every chart the data has something to show for, in the page's order."""
    makers = [
        _recovery_value,
        _recovery_cumulative,
        _recovery_daily,
        _clearance_gantt,
        _resource_use,
        _restart_gantt,
        _staff_use,
        _stock,
    ]
    # The series can be longer than altair's default cap of 5000 rows; they are
    # inlined on purpose, so that the page works offline.
    with alt.data_transformers.disable_max_rows():
        return [chart for make in makers if (chart := make(report)) is not None]


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    return chart.to_dict()


# --- recovery curve ------------------------------------------------------------------------------


def _series_colour() -> alt.Color:
    """The shared legend of output against baseline: the two lines and the band between."""
    scale = alt.Scale(domain=["baseline", "plan", "lost"], range=[GREY, BLUE, RED])
    return alt.Color("series:N", title=None, scale=scale, legend=alt.Legend(symbolOpacity=1))


def _against_baseline(frame: pd.DataFrame, baseline: str, actual: str, y_title: str) -> alt.LayerChart:
    """Output against the baseline, the loss shaded between them."""
    x = alt.X("day:Q", title="day", scale=alt.Scale(nice=False))
    colour = _series_colour()
    band = (
        alt.Chart()
        .transform_calculate(series="'lost'")
        .mark_area(opacity=0.3, interpolate="step-after")
        .encode(x=x, y=alt.Y(f"{baseline}:Q", title=y_title), y2=f"{actual}:Q", color=colour)
    )
    lines = (
        alt.Chart()
        .transform_fold([baseline, actual], as_=["measure", "amount"])
        .transform_calculate(series=f"datum.measure == '{baseline}' ? 'baseline' : 'plan'")
        .mark_line(interpolate="step-after", strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y("amount:Q", title=y_title),
            color=colour,
            strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(range=[[4, 3], [1, 0]])),
            tooltip=[alt.Tooltip("day:Q"), alt.Tooltip("series:N"), alt.Tooltip("amount:Q", format=",")],
        )
    )
    return alt.LayerChart(layer=[band, lines], data=frame)


def _by_plant(layers: alt.LayerChart, plants: list[str], title: str) -> alt.FacetChart:
    facet = alt.Facet("plant:N", title=None, sort=plants, header=alt.Header(labelFontWeight="bold"))
    chart: alt.FacetChart = (
        layers.properties(width=FACET_WIDTH, height=FACET_HEIGHT)
        .facet(facet=facet, columns=3, title=title)
        .resolve_scale(y="independent")
    )
    return chart


def _recovery_value(report: ReportData) -> Chart | None:
    frame = report.recovery[report.recovery["plant"] == TOTAL]
    if frame.empty or frame["cum_baseline_value"].max() == 0:
        return None
    title = "Recovery curve: cumulative value against baseline"
    unit = money.unit_name(report.headline.value_unit)
    chart = _against_baseline(frame, "cum_baseline_value", "cum_value", f"value (cumulative, in {unit})")
    caption = (
        "Value of finished goods made since day 0 by the plan and before the attack (baseline); "
        "the shaded area between them is the lost value."
    )
    return Chart(
        "recovery-value", title, caption, _spec(chart.properties(width=WIDE, height=260, title=title))
    )


def _recovery_cumulative(report: ReportData) -> Chart | None:
    if report.recovery.empty:
        return None
    title = "Cumulative output against baseline, per plant"
    layers = _against_baseline(report.recovery, "cum_baseline_units", "cum_units", "units (cumulative)")
    caption = "Units made since day 0, all plants first; the shaded area is the units lost."
    return Chart("recovery-cumulative", title, caption, _spec(_by_plant(layers, report.plants, title)))


def _recovery_daily(report: ReportData) -> Chart | None:
    if report.recovery.empty:
        return None
    title = "Daily output against baseline, per plant"
    layers = _against_baseline(report.recovery, "baseline_units", "units", "units a day")
    caption = "Units made each day against the daily baseline (0 on days off): ramp-up, catch-up and gaps."
    return Chart("recovery-daily", title, caption, _spec(_by_plant(layers, report.plants, title)))


# --- Gantts ----------------------------------------------------------------------------------------


def _clearance_gantt(report: ReportData) -> Chart | None:
    frame = report.clearance
    if frame.empty:
        return None
    title = "Clearance of systems, by crew"
    end = int(frame["end_day"].max())
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start_day:Q", title="day", scale=alt.Scale(domain=[0, end], nice=False)),
            x2="end_day:Q",
            y=alt.Y("system:N", title=None, sort=list(frame["system"])),
            color=alt.Color("resources:N", title="cleared by"),
            tooltip=["system", "name", "demand", "mode", "start_day", "end_day", "days"],
        )
        .properties(width=WIDE, height=alt.Step(14), title=title)
    )
    caption = "Each bar is a system's clearance (days start..end-1), coloured by the crews its mode uses."
    return Chart("clearance", title, caption, _spec(chart))


def _restart_gantt(report: ReportData) -> Chart | None:
    frame = report.restarts
    if not report.line_order:
        return None
    title = "Line restarts: commissioning, ramp-up, running"
    frame = frame.assign(last_day=frame["end_day"] - 1)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("start_day:Q", title="day", scale=alt.Scale(domain=[0, report.horizon], nice=False)),
            x2="end_day:Q",
            y=alt.Y("line:N", title=None, scale=alt.Scale(domain=report.line_order)),
            color=alt.Color(
                "phase:N", title=None, scale=alt.Scale(domain=list(PHASES), range=list(PHASE_COLOURS))
            ),
            tooltip=["line", "plant", "phase", "start_day", "last_day", "restart_day"],
        )
        .properties(width=WIDE, height=alt.Step(16), title=title)
    )
    caption = (
        "Commissioning on the days before the restart, ramp-up from the restart day, then full rate; "
        "lines ordered by restart day (a line not restarted has an empty row)."
    )
    return Chart("restarts", title, caption, _spec(chart))


# --- use against limits ----------------------------------------------------------------------------


def _use_against_limit(frame: pd.DataFrame, facet: str, used: str, limit: str, title: str) -> alt.FacetChart:
    """Use (area) against its limit (dashed line), one small chart per `facet` value."""
    x = alt.X("day:Q", title="day", scale=alt.Scale(nice=False))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=[used, limit], range=[BLUE, GREY]))
    area = (
        alt.Chart()
        .transform_calculate(series=f"'{used}'")
        .mark_area(opacity=0.5, interpolate="step-after")
        .encode(x=x, y=alt.Y(f"{used}:Q", title=None), color=colour)
    )
    line = (
        alt.Chart()
        .transform_calculate(series=f"'{limit}'")
        .mark_line(interpolate="step-after", strokeDash=[4, 3])
        .encode(
            x=x,
            y=alt.Y(f"{limit}:Q"),
            color=colour,
            tooltip=[alt.Tooltip("day:Q"), alt.Tooltip(f"{used}:Q"), alt.Tooltip(f"{limit}:Q")],
        )
    )
    header = alt.Header(labelFontWeight="bold")
    chart: alt.FacetChart = (
        alt.LayerChart(layer=[area, line], data=frame)
        .properties(width=FACET_WIDTH, height=FACET_HEIGHT)
        .facet(facet=alt.Facet(f"{facet}:N", title=None, sort=None, header=header), columns=3, title=title)
        .resolve_scale(y="independent")
    )
    return chart


def _resource_use(report: ReportData) -> Chart | None:
    if report.resources.empty:
        return None
    title = "Crews in use against capacity"
    chart = _use_against_limit(report.resources, "resource", "used", "capacity", title)
    caption = "Crews busy each day with clearance and commissioning, against the capacity in force."
    return Chart("resources", title, caption, _spec(chart))


def _staff_use(report: ReportData) -> Chart | None:
    frame = report.staff
    if frame.empty:
        return None
    title = "Staff in use against headcount, per plant and pool"
    frame = frame.assign(pool=frame["plant"] + " / " + frame["pool"])
    chart = _use_against_limit(frame, "pool", "used", "headcount", title)
    caption = (
        "People on the lines' shifts each day (crew per shift x shifts), against the headcount in force."
    )
    return Chart("staff", title, caption, _spec(chart))


def _stock(report: ReportData) -> Chart | None:
    frame = report.stock
    if frame.empty:
        return None
    binding = frame[frame["binds"]]
    shown = binding if not binding.empty else frame
    title = "Stock of the materials that bind" if not binding.empty else "Stock of the materials lines use"
    chart = _use_against_limit(shown, "material", "consumed", "stock", title)
    caption = "Units used each day and the stock left at the end of the day. " + (
        "Shown: the materials that ran out while a line using them ran below its shifts' rate."
        if not binding.empty
        else "No material ran out while a line using it could have made more."
    )
    return Chart("stock", title, caption, _spec(chart))


# --- across a sweep's scenarios ----------------------------------------------------------------------


def sweep_charts(rows: list[dict[str, Any]], lines: dict[str, Any], objective: str) -> list[Chart]:
    """The spread of a sweep (`planner.decisions.sweep`): its lost value, each line's chance to be back."""
    charts = []
    planned = [r for r in rows if r["status"] in ("optimal", "feasible")]
    values = [r[objective] for r in planned if r.get(objective) is not None]  # none under makespan
    if values:
        frame = pd.DataFrame({objective: values})
        title = f"The spread of the {objective.replace('_', ' ')} over {len(values)} scenarios"
        chart = (
            alt.Chart(frame)
            .mark_bar(color=BLUE)
            .encode(
                x=alt.X(f"{objective}:Q", bin=alt.Bin(maxbins=30), title=objective.replace("_", " ")),
                y=alt.Y("count():Q", title="scenarios"),
            )
            .properties(width=WIDE, height=180, title=title)
        )
        caption = "How many scenarios lose how much, each re-optimised; the table gives P10, P50 and P90."
        charts.append(Chart("sweep-spread", title, caption, _spec(chart)))
    cells = [
        {"line": line, "day": int(day), "back": chance}
        for line, figures in lines.items()
        for day, chance in figures["back_by"].items()
        if chance is not None
    ]
    if cells:
        title = "The chance each line is back, by the end of each week"
        chart = (
            alt.Chart(pd.DataFrame(cells))
            .mark_rect()
            .encode(
                x=alt.X("day:O", title="by the end of day"),
                y=alt.Y("line:N", title=None, sort=list(lines)),
                color=alt.Color("back:Q", title="chance", scale=alt.Scale(domain=[0, 1], scheme="blues")),
                tooltip=["line", "day", alt.Tooltip("back:Q", format=".0%")],
            )
            .properties(width=WIDE, height=alt.Step(14), title=title)
        )
        caption = "The share of scenarios in which the line has restarted by the end of that day."
        charts.append(Chart("sweep-back-by", title, caption, _spec(chart)))
    return charts
