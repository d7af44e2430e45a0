"""The HTML report (`planner.outputs.report`): its series recompute the plan, the page is self-contained,
the PNGs are written, bad input is refused, and the page renders in headless Chromium.

Plans come from `solve_checked` (one worker, seed 0, verified) on the spec's
examples, and from the greedy method on the JLR scenario (fast, verified here).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.report import report
from planner.formats.read import load_instance
from planner.formats.schema import Instance, Plan
from planner.outputs.report import ReportData, ReportError, build_report, write_report
from planner.outputs.report import errors as report_errors
from planner.outputs.report.series import TOTAL, clearance_frame, recovery_frame, restart_frame, staff_frame
from planner.solve import solve
from planner.verify import verify

from helpers import EXAMPLES, instance, solve_checked, stated_optima, tiny

JLR = Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VALUED_EXAMPLES = [
    "01-precedence-and-one-team.json",
    "02-modes.json",
    "03-ramp-up-and-commissioning.json",
    "04-staff-and-shifts.json",
    "05-parts-gate-and-lead-time.json",
    "06-intermediate-material-chain.json",
    "07-calendar-and-after-lines.json",
]
CHART_TITLES = [
    "Recovery curve: cumulative value against baseline",
    "Cumulative output against baseline, per plant",
    "Daily output against baseline, per plant",
    "Clearance of systems, by crew",
    "Line restarts: commissioning, ramp-up, running",
    "Staff in use against headcount, per plant and pool",
]


@pytest.fixture(scope="module")
def jlr() -> tuple[Instance, Plan]:
    """The JLR scenario with its greedy plan (verified)."""
    inst = load_instance(JLR)
    plan = solve(inst, method="greedy", workers=1, seed=0).plan
    assert verify(inst, plan).ok
    return inst, plan


@pytest.fixture(scope="module")
def jlr_files(jlr: tuple[Instance, Plan], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("jlr")
    _, plan = jlr
    (folder / "plan.json").write_text(plan.to_json())
    return JLR, folder / "plan.json"


@pytest.fixture(scope="module")
def jlr_page(jlr: tuple[Instance, Plan], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "report.html"
    write_report(*jlr, path)
    return path


def solved_example(name: str) -> tuple[Instance, Plan]:
    inst = load_instance(EXAMPLES / name)
    return inst, solve_checked(inst).plan


# --- series --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUED_EXAMPLES)
def test_recovery_curve_loss_equals_the_plans_lost_value_and_units(name: str) -> None:
    inst, plan = solved_example(name)
    total = recovery_frame(inst, plan).query("plant == @TOTAL").iloc[-1]
    assert total["cum_baseline_units"] - total["cum_units"] == plan.lost_units
    assert total["cum_baseline_value"] - total["cum_value"] == plan.lost_value


def test_recovery_curve_of_jlr_recomputes_the_loss_per_plant(jlr: tuple[Instance, Plan]) -> None:
    inst, plan = jlr
    frame = recovery_frame(inst, plan)
    last = frame.groupby("plant").last()
    plants = last.drop(index=TOTAL)
    assert (plants["cum_baseline_value"] - plants["cum_value"]).sum() == plan.lost_value
    assert last.loc[TOTAL, "cum_baseline_units"] - last.loc[TOTAL, "cum_units"] == plan.lost_units


@pytest.mark.parametrize("source", ["04-staff-and-shifts.json", "jlr"])
def test_staff_use_never_exceeds_headcount(source: str, jlr: tuple[Instance, Plan]) -> None:
    inst, plan = jlr if source == "jlr" else solved_example(source)
    frame = staff_frame(inst, plan)
    assert not frame.empty
    assert (frame["used"] <= frame["headcount"]).all()
    assert frame["used"].max() > 0


def test_clearance_gantt_rows_match_the_plans_systems(jlr: tuple[Instance, Plan]) -> None:
    inst, plan = jlr
    rows = {r.system: (r.mode, r.start_day, r.end_day) for r in clearance_frame(inst, plan).itertuples()}
    cleared = {s.id: (s.mode, s.start_day, s.end_day) for s in plan.systems if s.start_day is not None}
    assert rows == cleared


def test_restart_gantt_has_commissioning_then_ramp_up_then_running() -> None:
    inst, plan = solved_example("03-ramp-up-and-commissioning.json")
    (restart,) = [ln.restart_day for ln in plan.lines]
    assert restart is not None
    phases = {r.phase: (r.start_day, r.end_day) for r in restart_frame(inst, plan).itertuples()}
    (line,) = inst.lines
    assert phases["commissioning"] == (restart - line.commissioning_days, restart)
    assert phases["ramp-up"] == (restart, restart + len(line.ramp_up_percent))
    assert phases["running"] == (restart + len(line.ramp_up_percent), inst.horizon_days)


def test_headline_of_jlr_gives_every_line_back_on_the_makespan(jlr: tuple[Instance, Plan]) -> None:
    inst, plan = jlr
    head = ReportData.compute(inst, plan).headline
    assert head.all_back_day == plan.makespan
    assert head.lost_value == plan.lost_value
    assert head.gap is not None and head.gap >= 0


# --- the page ------------------------------------------------------------------------------------


def test_page_is_self_contained(jlr_page: Path) -> None:
    page = jlr_page.read_text()
    assert "vegaEmbed" in page
    markup = re.sub(r"(?is)(<script\b[^>]*>).*?</script>", r"\1</script>", page)  # the inlined code out
    assert not re.search(r"(?i)<script\b[^>]*\bsrc\s*=", markup)
    assert not re.search(r"(?i)<link\b", markup)
    assert not re.search(r"(?i)\b(src|href)\s*=\s*[\"']?(https?:)?//", markup)
    for title in CHART_TITLES:
        assert f"<h2>{title}</h2>" in page
    assert "Why each line starts when it does" in page


def test_page_escapes_names_from_the_files() -> None:
    name = "</script><b>x & y</b>"
    inst = instance(tiny(name=name))
    plan = solve_checked(inst).plan
    page = build_report(inst, plan)
    assert name not in page
    assert "&lt;/script&gt;&lt;b&gt;x &amp; y&lt;/b&gt;" in page
    assert page.lower().count("</script>") == 2  # the bundle's and the charts' own


def test_the_headline_says_the_lost_value_in_the_instances_unit_and_never_a_guessed_one() -> None:
    for value_unit, lost in ((None, "20 value units"), ({"currency": "GBP", "scale": 100}, "£2,000")):
        inst = instance(tiny() | ({"value_unit": value_unit} if value_unit else {}))
        page = build_report(inst, solve_checked(inst).plan)
        assert f'<div class="value">{html.escape(lost)}</div>' in page
        assert ("£" in page) == (value_unit is not None)


def test_plan_without_schedule_gives_a_page_without_charts() -> None:
    inst = instance(tiny(lines=[]))
    plan = Plan(
        instance=inst.name,
        status="unknown",
        objective={"kind": "lost_value", "value": None, "bound": None},  # type: ignore[arg-type]
        lost_value=None,
        lost_units=None,
        makespan=None,
        explanation=["no plan was found within the time limit"],
    )
    assert verify(inst, plan).ok
    page = build_report(inst, plan)
    assert "no plan was found within the time limit" in page
    assert 'class="chart"' not in page


def test_missing_libraries_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_errors, "LIBRARIES", ("altair", "no_such_library_for_the_test"))
    inst = instance(tiny())
    with pytest.raises(ReportError, match=r"pip install 'restart-planner\[report\]'"):
        build_report(inst, solve_checked(inst).plan)


# --- the command ---------------------------------------------------------------------------------


def test_command_writes_the_page_and_nonempty_pngs(jlr_files: tuple[Path, Path], tmp_path: Path) -> None:
    instance_path, plan_path = jlr_files
    out = tmp_path / "report.html"
    args = [str(instance_path), str(plan_path), "-o", str(out), "--png", str(tmp_path / "png")]
    result = CliRunner().invoke(report, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 100_000
    pngs = sorted((tmp_path / "png").glob("*.png"))
    assert {p.stem for p in pngs} >= {"recovery-value", "clearance", "restarts", "staff", "stock"}
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 1000


@pytest.mark.parametrize("defect", ["instance-as-plan", "bad-json", "missing-file"])
def test_command_refuses_bad_input_with_exit_2(
    defect: str, jlr_files: tuple[Path, Path], tmp_path: Path
) -> None:
    instance_path, _ = jlr_files
    bad = tmp_path / "plan.json"
    if defect == "instance-as-plan":
        bad.write_text(instance_path.read_text())
    elif defect == "bad-json":
        bad.write_text("{not json")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(report, [str(instance_path), str(bad), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert not out.exists()


def test_command_refuses_a_plan_that_fails_the_checker_with_exit_1(
    jlr_files: tuple[Path, Path], tmp_path: Path
) -> None:
    instance_path, plan_path = jlr_files
    document = json.loads(plan_path.read_text())
    document["lost_value"] += 1
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(document))
    out = tmp_path / "report.html"
    result = CliRunner().invoke(report, [str(instance_path), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "C8 plan: lost_value" in result.output
    assert not out.exists()


def test_command_requires_an_output(jlr_files: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(report, [str(p) for p in jlr_files])
    assert result.exit_code == 2
    assert "--output" in result.output


# --- in a real browser ---------------------------------------------------------------------------


def _in_chromium(page_path: Path, screenshot: Path) -> tuple[list[str], dict[str, int], list[str]]:
    """Open the page in headless Chromium: the errors seen, the marks of each chart, the headings."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="Python Playwright is not installed")
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    errors: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(page_path.as_uri())
            page.wait_for_function(
                "[...document.querySelectorAll('.chart')].every(c => c.querySelector('svg.marks'))",
                timeout=60_000,
            )
            marks = page.evaluate(
                "Object.fromEntries([...document.querySelectorAll('.chart')]"
                ".map(c => [c.id, c.querySelectorAll('svg.marks path, svg.marks rect').length]))"
            )
            headings = page.locator("h2").all_inner_texts()
            errors += page.evaluate("window.reportErrors")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return errors, marks, headings


def test_page_renders_in_headless_chromium(jlr_page: Path, tmp_path: Path) -> None:
    """Every chart draws an SVG with marks, the titles are there, and no JavaScript error occurs."""
    errors, marks, headings = _in_chromium(jlr_page, tmp_path / "report.png")
    assert errors == []
    assert set(marks) >= {"recovery-value", "recovery-cumulative", "clearance", "restarts", "staff"}
    assert all(count > 5 for count in marks.values()), marks
    assert set(CHART_TITLES) <= set(headings)
    assert (tmp_path / "report.png").stat().st_size > 50_000


# --- what-ifs ------------------------------------------------------------------------------------


def _whatif_rows(page: str) -> list[list[str]]:
    section = page[page.index('<section id="section-whatif">') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<tr>(.*?)</tr>", section)[1:]  # the header row first
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]


def test_the_whatif_table_gives_each_saving_with_its_proven_range() -> None:
    from planner.decisions.whatif import whatif

    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    compared = whatif(inst, ["resources.sec-team.capacity=+1"], time_limit=5, workers=1, seed=0)
    assert verify(inst, compared.base.plan).ok
    (scenario,) = compared.scenarios
    assert verify(scenario.instance, scenario.plan).ok
    assert scenario.status == "optimal" and compared.base.status == "optimal"
    assert compared.base.plan.objective.value == stated_optima()["01-precedence-and-one-team.json"][1]
    assert scenario.plan.objective.value == solve_checked(scenario.instance).plan.objective.value
    page = build_report(inst, compared.base.plan, whatif=compared)
    saving = scenario.saving
    assert saving is not None and saving > 0
    assert _whatif_rows(page) == [
        ["resources.sec-team.capacity=+1", "", "optimal", f"+{saving:,}", f"{saving:,}", "yes"]
    ]
    assert "Not settled" not in page


def test_the_whatif_table_says_plainly_which_savings_are_not_settled() -> None:
    from dataclasses import replace

    from planner.decisions.whatif import whatif

    inst = load_instance(EXAMPLES / "01-precedence-and-one-team.json")
    compared = whatif(inst, ["resources.sec-team.capacity=+1"], time_limit=5, workers=1, seed=0)
    (scenario,) = compared.scenarios
    assert verify(inst, compared.base.plan).ok and verify(scenario.instance, scenario.plan).ok
    assert compared.base.plan.objective.value == stated_optima()["01-precedence-and-one-team.json"][1]
    assert scenario.saving is not None
    # As a search cut short would leave it: the proven range wider than the saving.
    wide = replace(scenario, least_saving=-scenario.saving, most_saving=3 * scenario.saving)
    page = build_report(inst, compared.base.plan, whatif=replace(compared, scenarios=(wide,)))
    (row,) = _whatif_rows(page)
    assert row[4] == f"{-scenario.saving:,} to {3 * scenario.saving:,}" and row[5] == "no"
    assert "Not settled: resources.sec-team.capacity=+1." in html.unescape(page)


def test_a_page_without_whatif_has_no_whatif_section() -> None:
    inst = instance(tiny())
    assert 'id="section-whatif"' not in build_report(inst, solve_checked(inst).plan)


# --- a sweep's spread ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Example 05, its optimal plan, and a finished sweep of 8 of its scenarios: instance, plan, sweep dir."""
    from concurrent.futures import ThreadPoolExecutor

    from planner.decisions.sweep import run_sweep
    from planner.formats.read import parse_sweep

    folder = tmp_path_factory.mktemp("swept")
    path = EXAMPLES / "05-parts-gate-and-lead-time.json"
    inst, plan = solved_example(path.name)
    (folder / "plan.json").write_text(plan.to_json())
    sweep = parse_sweep(
        json.dumps(
            {
                "format": "restart-sweep/1",
                "samples": 8,
                "seed": 3,
                "uncertain": [
                    {"path": "systems.erp.duration_days", "triangular": [2, 3, 6]},
                    {"path": "materials.wheel.supply.lead_days", "uniform": [0, 4]},
                ],
            }
        )
    )
    with ThreadPoolExecutor(1) as pool:
        run_sweep(inst, sweep, folder / "sweep", pool, time_limit=5, base_plan=plan, keep=True)
    return path, folder / "plan.json", folder / "sweep"


def test_a_sweeps_spread_shows_its_percentiles_and_charts(swept: tuple[Path, Path, Path]) -> None:
    from planner.decisions.sweep import load_result
    from planner.formats.read import load_plan

    path, plan_path, sweep_dir = swept
    result = load_result(sweep_dir)
    page = build_report(load_instance(path), load_plan(plan_path), sweep=result)
    section = page[page.index('<section id="section-sweep">') :]
    section = section[: section.index("</section>")]
    assert "Across 8 scenarios" in section
    cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", section)]
    first = cells[: cells.index("lost units")]
    p50 = result.summary["lost_value"]["p50"]
    assert first[0] == "lost value" and str(p50) in first[2].replace(",", "")
    assert "value of information" in cells
    assert 'id="sweep-spread"' in page and 'id="sweep-back-by"' in page
    specs = json.loads(re.search(r"const specs = (\{.*?\});\nwindow", page, re.DOTALL).group(1))
    assert {"sweep-spread", "sweep-back-by"} <= set(specs)


def test_the_report_command_refuses_a_sweep_of_another_instance(
    swept: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, sweep_dir = swept
    other = EXAMPLES / "01-precedence-and-one-team.json"
    inst = load_instance(other)
    (tmp_path / "plan.json").write_text(solve_checked(inst).plan.to_json())
    args = [
        str(other),
        str(tmp_path / "plan.json"),
        "-o",
        str(tmp_path / "r.html"),
        "--sweep",
        str(sweep_dir),
    ]
    result = CliRunner().invoke(report, args)
    assert result.exit_code == 2
    assert "a sweep of another instance" in result.output and not (tmp_path / "r.html").exists()


def test_the_report_command_shows_a_sweep(swept: tuple[Path, Path, Path], tmp_path: Path) -> None:
    path, plan_path, sweep_dir = swept
    args = [str(path), str(plan_path), "-o", str(tmp_path / "r.html"), "--sweep", str(sweep_dir)]
    result = CliRunner().invoke(report, args)
    assert result.exit_code == 0, result.output
    assert '<section id="section-sweep">' in (tmp_path / "r.html").read_text()


def test_a_sweeps_charts_render_in_headless_chromium(swept: tuple[Path, Path, Path], tmp_path: Path) -> None:
    path, plan_path, sweep_dir = swept
    args = [str(path), str(plan_path), "-o", str(tmp_path / "r.html"), "--sweep", str(sweep_dir)]
    assert CliRunner().invoke(report, args).exit_code == 0
    errors, marks, headings = _in_chromium(tmp_path / "r.html", tmp_path / "r.png")
    assert errors == []
    assert marks["sweep-spread"] > 0 and marks["sweep-back-by"] > 0, marks
    assert "Across 8 scenarios" in headings
