"""The plan report: one self-contained HTML page (and PNG charts) for the people who decide.

    from planner.outputs.report import write_report
    write_report(instance, plan, "report.html", png_dir="charts")

Headline figures, the recovery curve against the baseline, the Gantts of
clearance and restarts, staff, crews and stock over time, and why each line
starts when it does. Every figure is recomputed from the instance and the plan
(`series`); the charts are Vega-Lite built with altair (`charts`), the page a
small template (`html`). altair and vl-convert are the optional `report` extra,
imported only when a report is made.
"""

from planner.outputs.report.errors import ReportError
from planner.outputs.report.html import build_report, write_report
from planner.outputs.report.series import ReportData

__all__ = ["ReportData", "ReportError", "build_report", "write_report"]
