"""The report page: a small template filled with the headline, the charts and the explanation table.

The page is one file that opens offline: the Vega, Vega-Lite and vega-embed
JavaScript (from vl-convert) and every chart's data are inlined. Every text
from the files is HTML-escaped; the chart specs are JSON with `<`, `>` and
`&` escaped, so that no name can close the script element.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from planner.decisions.explain import EntityExplanation, explain
from planner.formats import money
from planner.formats.schema import Instance, Plan, ValueUnit
from planner.formats.write import write_atomically
from planner.outputs.report.errors import ReportError, require_libraries
from planner.outputs.report.series import Headline, ReportData
from planner.verify import verify

if TYPE_CHECKING:
    from planner.decisions.sweep import SweepResult
    from planner.decisions.whatif import ScenarioResult, WhatIf
    from planner.outputs.report.charts import Chart

PAGE = Template("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
$style
</style>
<script>
$vega_script
</script>
</head>
<body>
<header>
<h1>$title</h1>
<p class="subtitle">$subtitle</p>
</header>
<section class="figures" aria-label="headline figures">
$figures
</section>
$notes
$whatif
$sweep
$charts
$explanation
<footer>Made by restart-planner report. Every figure is recomputed from the instance and the plan.</footer>
<script>
$embed_script
</script>
</body>
</html>
""")

STYLE = """\
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 0 auto; max-width: 1100px; padding: 16px 24px 40px; }
h1 { font-size: 24px; margin: 8px 0 2px; }
h2 { font-size: 18px; margin: 28px 0 4px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle, .caption, footer { color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.figure { flex: 1 1 200px; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px;
          background: #fafafa; }
.figure .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; }
.figure .value { font-size: 22px; font-weight: 600; margin: 2px 0; }
.figure .detail { font-size: 12px; color: #555; }
.chart { overflow-x: auto; min-height: 40px; }
.chart-error { color: #b00; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eee; }
th { background: #f3f3f3; }
td.day { white-space: nowrap; }
.held { color: #b00; } .choice { color: #555; }
footer { margin-top: 32px; font-size: 12px; }"""

# vega-embed: SVG (crisp, and testable), export buttons only (no editor link: it needs the network).
EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

EMBED_SCRIPT = Template("""\
const specs = $specs;
window.reportErrors = [];
for (const [id, spec] of Object.entries(specs)) {
  vegaEmbed("#" + id, spec, $options).catch((error) => {
    window.reportErrors.push(id + ": " + error);
    const box = document.getElementById(id);
    box.textContent = "This chart could not be drawn: " + error;
    box.className = "chart chart-error";
    console.error(error);
  });
}""")


def build_report(
    instance: Instance, plan: Plan, *, whatif: WhatIf | None = None, sweep: SweepResult | None = None
) -> str:
    """The report page of `plan` as HTML text; with `whatif` (of this plan as its base), its scenarios too,
    and with `sweep` (of this instance), the spread over its scenarios.

    `ReportError` when the plan fails `verify` or the `report` extra is missing.
    """
    page, _ = _render(instance, plan, whatif, sweep)
    return page


def write_report(
    instance: Instance,
    plan: Plan,
    path: str | Path,
    *,
    png_dir: str | Path | None = None,
    whatif: WhatIf | None = None,
    sweep: SweepResult | None = None,
) -> list[Path]:
    """Write the page to `path` (atomically) and, with `png_dir`, each chart as `<id>.png` there.

    The PNGs are drawn by vl-convert, without a browser. With `whatif`, whose
    base is `plan`, the page has a table of its scenarios; with `sweep`, the
    spread over the sweep's scenarios. Returns the files written, the page first.
    """
    page, built = _render(instance, plan, whatif, sweep)
    written = [Path(path)]
    write_atomically(Path(path), page.encode("utf-8"))
    if png_dir is not None:
        written += _write_pngs(built, Path(png_dir))
    return written


def _render(
    instance: Instance, plan: Plan, whatif: WhatIf | None = None, sweep: SweepResult | None = None
) -> tuple[str, list[Chart]]:
    require_libraries()
    from planner.outputs.report import charts  # altair: only now that it is known to be there

    check_plan(instance, plan)
    data = ReportData.compute(instance, plan)
    built = charts.build_charts(data)
    spread = []
    if sweep is not None:
        spread = charts.sweep_charts(sweep.rows, sweep.summary["lines"], instance.objective)
    title = f"Restart plan report: {instance.name}"
    page = PAGE.substitute(
        title=_e(title),
        subtitle=_e(_subtitle(instance, plan)),
        style=STYLE,
        vega_script=_script_safe(_vega_bundle()),
        figures=_figures(data.headline),
        notes=_notes(plan, data),
        whatif="" if whatif is None else _whatif(whatif),
        sweep="" if sweep is None else _sweep(instance, sweep, spread),
        charts="\n".join(_chart_section(chart) for chart in built),
        explanation=_explanation(instance, plan),
        embed_script=EMBED_SCRIPT.substitute(
            specs=_json({chart.id: _untitled(chart.spec) for chart in [*spread, *built]}),
            options=_json(EMBED_OPTIONS),
        ),
    )
    return page, [*spread, *built]


def _untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without its title: on the page the section heading says it (a PNG keeps it)."""
    return {key: value for key, value in spec.items() if key != "title"}


def _write_pngs(built: list[Chart], directory: Path) -> list[Path]:
    import vl_convert

    from planner.outputs.report.charts import vl_version

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in built:
        png = vl_convert.vegalite_to_png(chart.spec, vl_version=vl_version(), scale=2)
        target = directory / f"{chart.id}.png"
        write_atomically(target, png)
        written.append(target)
    return written


def check_plan(instance: Instance, plan: Plan) -> None:
    """`ReportError` with the checker's summary when the plan breaks the contract."""
    report = verify(instance, plan)
    if not report.ok:
        raise ReportError(f"the plan fails the checker, no report made:\n{report.summary()}")


# --- escaping -------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _json(value: Any) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_safe(code: str) -> str:
    if "</script" in code.lower():
        raise ValueError("the JavaScript bundle contains '</script'")
    return code


def _vega_bundle() -> str:
    import vl_convert

    from planner.outputs.report.charts import vl_version

    # The stub makes `snippet` required; at run time it is optional (None: the default globals).
    return vl_convert.javascript_bundle(vl_version=vl_version())  # type: ignore[call-arg]


# --- headline -------------------------------------------------------------------------------------


def _subtitle(instance: Instance, plan: Plan) -> str:
    start = f", day 0 = {instance.start_date:%a %d %b %Y}" if instance.start_date else ""
    return (
        f"{len(instance.systems)} systems, {len(instance.plants)} plants, {len(instance.lines)} lines, "
        f"{instance.horizon_days} days{start}; objective {instance.objective}, plan status {plan.status}"
    )


def _n(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def _share(part: int | None, whole: int) -> str:
    return "" if part is None or whole <= 0 else f" ({part / whole:.1%})"


def _figure(label: str, value: str, detail: str) -> str:
    return (
        f'<div class="figure"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="detail">{_e(detail)}</div></div>'
    )


def _day(day: int, on: date | None) -> str:
    return f"day {day}" + (f" ({on:%a %d %b %Y})" if on is not None else "")


def _figures(head: Headline) -> str:
    if head.all_back_day is not None and head.all_back_day < 0:
        back, back_detail = "running (since before day 0)", "every line restarted before day 0"
    elif head.all_back_day is not None:
        back = _day(head.all_back_day, head.date_of(head.all_back_day))
        back_detail = "the largest restart day"
    else:
        back = "not all lines restart"
        back_detail = f"{head.restarted} of {head.lines} lines restart within the horizon"
    gap = "n/a" if head.gap is None else f"{head.gap:.2%}"
    cards = [
        _figure(
            "lost value",
            "n/a" if head.lost_value is None else money.amount(head.value_unit, head.lost_value),
            f"against a baseline of {money.figure(head.value_unit, head.baseline_value)}"
            f"{_share(head.lost_value, head.baseline_value)}",
        ),
        _figure(
            "lost units",
            _n(head.lost_units),
            f"against a baseline of {_n(head.baseline_units)}{_share(head.lost_units, head.baseline_units)}",
        ),
        _figure("every line back", back, back_detail),
        _figure(
            "status",
            f"{head.status}, gap {gap}",
            f"{head.objective} {_n(head.value)}, proven bound {_n(head.bound)}{_measure(head)}",
        ),
    ]
    return "\n".join(cards)


def _measure(head: Headline) -> str:
    """What the objective's figures count: ' (in £100)', ' (in value units)', ' units' or ' days'."""
    if head.objective == "lost_value":
        return f" (in {money.unit_name(head.value_unit)})"
    return " units" if head.objective == "lost_units" else " days"


def _notes(plan: Plan, data: ReportData) -> str:
    notes = []
    if not plan.has_schedule:
        notes.append(f"The plan has no schedule (status {plan.status}): there is nothing to chart.")
        notes += plan.explanation or []
    elif not data.finished_goods:
        notes.append("No line makes a finished good with a value: the output curves count every line.")
    if not notes:
        return ""
    items = "\n".join(f"<li>{_e(note)}</li>" for note in notes)
    return f'<section class="notes"><ul>\n{items}\n</ul></section>'


def _chart_section(chart: Chart) -> str:
    return (
        f'<section id="section-{_e(chart.id)}">\n<h2>{_e(chart.title)}</h2>\n'
        f'<p class="caption">{_e(chart.caption)}</p>\n'
        f'<div class="chart" id="{_e(chart.id)}" role="img" aria-label="{_e(chart.title)}"></div>\n</section>'
    )


# --- what-if table ---------------------------------------------------------------------------------


def _whatif(compared: WhatIf) -> str:
    """The scenarios against this plan: what each saves, as found and as far as the bounds prove."""
    unit = compared.instance.value_unit
    in_value = compared.instance.objective == "lost_value"  # else the range is in the objective's units
    rows = [_scenario_cells(s, unit, in_value) for s in compared.scenarios]
    table = _table(["scenario", "changes", "status", "saves", "proven range", "settled?"], rows)
    unsettled = [s.name for s in compared.scenarios if s.saving is not None and not s.settled]
    warning = ""
    if unsettled:
        warning = (
            f'<p class="caption"><strong>Not settled: {_e(", ".join(unsettled))}.</strong> The proven range '
            "is wider than the saving itself, so the figure may be the searches' luck: a longer time limit "
            "narrows the range.</p>\n"
        )
    return (
        '<section id="section-whatif">\n<h2>What-ifs against this plan</h2>\n'
        '<p class="caption">"Saves": this plan\'s lost value less the scenario\'s (negative: a cost). '
        "\"Proven range\": from this plan's proven bound less the scenario's lost value to this plan's "
        "lost value less the scenario's proven bound, one figure when both are proven optimal. "
        '"Settled": the range is narrower than the saving, so its sign and size are findings.</p>\n'
        f"{warning}{table}\n</section>"
    )


def _scenario_cells(s: ScenarioResult, unit: ValueUnit | None, in_value: bool) -> list[str]:
    saves = "-" if s.saving is None else money.figure(unit, s.saving, sign=True)
    proven = "-"
    if s.least_saving is not None and s.most_saving is not None:
        ends = [money.figure(unit, v) if in_value else _n(v) for v in (s.least_saving, s.most_saving)]
        least, most = ends
        proven = least if s.least_saving == s.most_saving else f"{least} to {most}"
    settled = "-" if s.saving is None else ("yes" if s.settled else "no")
    changes = "; ".join(s.changes)
    return [s.name, "" if changes == s.name else changes, s.status, saves, proven, settled]


# --- a sweep's spread ------------------------------------------------------------------------------------


def _sweep(instance: Instance, sweep: SweepResult, spread: list[Chart]) -> str:
    """The spread over a sweep's scenarios: P10/P50/P90 of the figures and their bounds, and the charts."""
    summary = sweep.summary
    unit = instance.value_unit
    names = {
        "lost_value": "lost value",
        "lost_units": "lost units",
        "bound": f"proven bound ({instance.objective.replace('_', ' ')})",
        "kept_lost_value": "this plan kept in its order",
        "value_of_information": "value of information",
    }
    rows = []
    for key, name in names.items():
        figures = summary.get(key)
        if figures is None or figures["p50"] is None:
            continue
        money_like = key != "lost_units" and (key != "bound" or instance.objective == "lost_value")
        show = (lambda v: money.figure(unit, v)) if money_like else _n
        rows.append([name, *(show(figures[q]) for q in ("p10", "p50", "p90", "mean"))])
    statuses = ", ".join(f"{n} {status}" for status, n in summary["statuses"].items())
    table = _table(["figure", "P10", "P50", "P90", "mean"], rows)
    return (
        '<section id="section-sweep">\n'
        f"<h2>Across {summary['scenarios']} scenarios</h2>\n"
        f'<p class="caption">Uncertain: {_e(", ".join(sweep.uncertain))}. Statuses: {_e(statuses)}. '
        "Each scenario is re-optimised; its bound says how sure its figure is.</p>\n"
        f"{table}\n</section>\n" + "\n".join(_chart_section(chart) for chart in spread)
    )


# --- explanation table ----------------------------------------------------------------------------------


def _explanation(instance: Instance, plan: Plan) -> str:
    if not plan.has_schedule:
        return ""
    explained = explain(instance, plan, bottlenecks=False)
    plants = {ln.id: ln.plant for ln in instance.lines}
    lines = _table(
        ["line", "plant", "restart", "held back?", "why"],
        ([e.id, plants[e.id], *_entity_cells(e, instance.start_date)] for e in explained.lines),
    )
    systems = _table(
        ["system", "clearance starts", "held back?", "why"],
        ([e.id, *_entity_cells(e, instance.start_date)] for e in explained.systems),
    )
    return (
        '<section id="section-explanation">\n<h2>Why each line starts when it does</h2>\n'
        '<p class="caption">"Held back": a rule forbids the day before (the chain names what it waits '
        "for); otherwise the day is the optimiser's choice and the reason it gains nothing earlier is "
        f"given.</p>\n{lines}\n<details><summary>Why each system is cleared when it is</summary>\n"
        f"{systems}\n</details>\n</section>"
    )


def _entity_cells(entity: EntityExplanation, start: date | None) -> list[str]:
    """The day, whether it is held back, and the explanation sentence."""
    on = None if start is None or entity.day is None else start + timedelta(days=entity.day)
    day = "-" if entity.day is None else _day(entity.day, on)
    held = "held back" if entity.binding else "choice"
    return [day, held, entity.sentence()]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; the day and held-back columns get a class for their style."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = [
        "<tr>" + "".join(_cell(h, cell) for h, cell in zip(header, row, strict=True)) + "</tr>"
        for row in rows
    ]
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def _cell(column: str, text: str) -> str:
    css = ""
    if column in ("restart", "clearance starts"):
        css = ' class="day"'
    elif column == "held back?":
        css = ' class="held"' if text == "held back" else ' class="choice"'
    return f"<td{css}>{_e(text)}</td>"
