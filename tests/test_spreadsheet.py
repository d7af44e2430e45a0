"""Spreadsheets: the template and its README, the lossless round trip, located errors, plan sheets."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
import openpyxl

from planner.cli.spreadsheet import export, import_xlsx, template
from planner.errors import InstanceError, PlannerError
from planner.formats.read import load_instance, parse_instance
from planner.formats.schema import Instance, Line, Material, Plan, Plant, Resource, System
from planner.outputs.spreadsheet import INSTANCE_SHEETS, Sheet, read_workbook, write_template, write_workbook
from planner.outputs.spreadsheet.read import MAX_UNPACKED_BYTES

from helpers import EXAMPLES, instance, solve_checked, tiny

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = [ROOT / "instances" / "jlr-2025.json", *sorted((ROOT / "instances" / "generated").glob("*.json"))]
ALL = INSTANCES + sorted(EXAMPLES.glob("*.json"))
SMALL = ROOT / "instances" / "generated" / "small-s1.json"

Exported = tuple[Instance, Plan, dict[str, pd.DataFrame]]


def _book(tmp_path: Path, inst: Instance | None = None) -> Path:
    path = tmp_path / "book.xlsx"
    write_workbook(inst if inst is not None else instance(tiny()), path)
    return path


def _edit(path: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def _problems(path: Path) -> list[str]:
    with pytest.raises(InstanceError) as err:
        read_workbook(path)
    return err.value.problems


# --- the round trip -------------------------------------------------------------------


@pytest.mark.parametrize("source", ALL, ids=lambda p: p.stem)
def test_round_trip_gives_an_equal_instance(source: Path, tmp_path: Path) -> None:
    inst = load_instance(source)
    assert read_workbook(_book(tmp_path, inst)) == inst


def test_a_system_without_demand_comes_back_with_an_empty_demand(tmp_path: Path) -> None:
    data = tiny(systems=[{"id": "s", "name": "s", "duration_days": 2}])
    back = read_workbook(_book(tmp_path, instance(data)))
    assert back.systems[0].demand == {}  # the one liberty: no demand and {} are the same single mode
    assert back.systems[0].mode_list == instance(data).systems[0].mode_list


def test_a_plant_without_workdays_round_trips(tmp_path: Path) -> None:
    data = tiny(plants=[{"id": "p", "name": "p", "workdays": []}])
    assert read_workbook(_book(tmp_path, instance(data))).plants[0].workdays == []


# --- the template and its README ---------------------------------------------------------


def test_template_has_a_sheet_per_entity_and_a_readme_describing_every_column(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["README", "settings"]
    assert set(book.sheetnames) >= {s.name for s in INSTANCE_SHEETS}
    readme = {(row[0], row[1]) for row in book["README"].iter_rows(min_row=2, values_only=True)}
    described = {(row[0], row[5]) for row in book["README"].iter_rows(min_row=2, values_only=True)}
    for ws in book.worksheets[1:]:
        assert (ws.title, None) in readme, f"sheet {ws.title} is not described"
        headers = [cell.value for cell in ws[1]]
        assert all((ws.title, header) in readme for header in headers), ws.title
        assert ws.max_row == (7 if ws.title == "settings" else 1)  # headers (and setting names) only
    settings = [row[0] for row in book["settings"].iter_rows(min_row=2, values_only=True)]
    assert all(("settings", name) in readme for name in settings)
    assert all(meaning for _, meaning in described)


@pytest.mark.parametrize("sheet", [s for s in INSTANCE_SHEETS if s.role == "entity"], ids=lambda s: s.name)
def test_readme_says_required_exactly_where_the_contract_does(sheet: Sheet) -> None:
    models: dict[str, type[BaseModel]] = {
        "resources": Resource,
        "systems": System,
        "plants": Plant,
        "materials": Material,
        "lines": Line,
    }
    model = models[sheet.name]
    for col in sheet.columns:
        if len(col.field_path) == 1:
            assert model.model_fields[col.name].is_required() == (col.default is None), col.name


def test_an_empty_template_names_the_settings_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    assert _problems(path) == [
        "settings!B2: missing value of 'name' (required)",
        "settings!B4: missing value of 'horizon_days' (required)",
    ]


# --- located errors ------------------------------------------------------------------------


def test_an_unknown_plant_is_named_at_its_cell(tmp_path: Path) -> None:
    path = _book(tmp_path, load_instance(SMALL))
    _edit(path, "lines", "C7", "hallewood")
    assert "lines!C7: unknown plant 'hallewood'" in _problems(path)


def test_a_word_in_a_number_column_is_named_at_its_cell(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "lines", "E2", "fast")
    assert _problems(path) == ['lines!E2: expected a whole number, got "fast"']


def test_a_fraction_is_not_a_whole_number(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "resources", "B2", 1.5)
    assert _problems(path) == ["resources!B2: expected a whole number, got 1.5"]


def test_an_empty_required_cell_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "lines", "C2", None)
    assert _problems(path) == ["lines!C2: missing value (required)"]


def test_a_number_out_of_range_is_named_at_its_cell(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "demand", "D2", -1)
    assert _problems(path) == ["demand!D2: must be at least 0, got -1"]


def test_unknown_columns_and_sheets_are_named_and_notes_are_not_read(tmp_path: Path) -> None:
    path = _book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["lines"]["N1"] = "colour"
    book["lines"]["O1"] = "_note"
    book["lines"]["O2"] = "to check with the plant"
    book.create_sheet("Sheet1")
    book.create_sheet("_scratch")["A1"] = "anything"
    book.save(path)
    problems = _problems(path)
    assert len(problems) == 2
    assert problems[0].startswith("lines!N1: unknown column 'colour'")
    assert problems[1].startswith("Sheet1: unknown sheet")


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "lines", "C1", None)
    problems = _problems(path)
    assert "lines: missing column 'plant' (required)" in problems
    assert "lines!C2: a value in a column without a header" in problems


def test_a_row_of_an_unknown_entity_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["staff"].append(["hallewood", "production", 10])
    book.save(path)
    assert _problems(path) == ["staff!A2: unknown plant 'hallewood' (not on the plants sheet)"]


def test_a_pool_unknown_to_the_plant_is_named_at_the_crew_row(tmp_path: Path) -> None:
    data = tiny()
    data["plants"][0]["staff"] = {"production": 5}
    data["lines"][0]["crew_per_shift"] = {"production": 2}
    path = _book(tmp_path, instance(data))
    _edit(path, "crew", "B2", "maintenance")
    problems = _problems(path)
    assert problems == ["crew!B2: unknown pool 'maintenance' (not in the staff of plant 'p')"]


def test_a_repeated_key_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["demand"].append(["s", None, "team", 2])
    book.save(path)
    assert _problems(path) == ["demand!C3: a second row for resource 'team' (also demand!C2)"]


def test_a_cycle_is_named_at_the_after_cell(tmp_path: Path) -> None:
    data = tiny()
    data["systems"] += [{"id": "t", "name": "t", "duration_days": 1, "demand": {}, "after": ["s"]}]
    path = _book(tmp_path, instance(data))
    _edit(path, "systems", "C2", "t")
    assert _problems(path) == ["systems!C2: cycle s -> t -> s"]


def test_a_bad_weekday_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "plants", "C2", "Mon, Funday")
    assert _problems(path)[0].startswith("plants!C2: expected weekdays separated by commas")


def test_weekdays_by_name_or_number(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "plants", "C2", "monday, Tuesday, 4")
    assert read_workbook(path).plants[0].workdays == [0, 1, 4]


def test_numbers_typed_into_text_cells_are_read_as_text(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "systems", "B2", 42)
    _edit(path, "resources", "B2", "3")
    inst = read_workbook(path)
    assert inst.systems[0].name == "42"
    assert inst.resources[0].capacity == 3


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_text("not a workbook")
    assert _problems(path)[0].startswith("cannot read the workbook")


def test_the_value_unit_round_trips_and_a_bad_currency_is_named_at_its_cell(tmp_path: Path) -> None:
    inst = instance(tiny(value_unit={"currency": "GBP", "scale": 100}))
    path = _book(tmp_path, inst)
    assert read_workbook(path) == inst
    settings = {
        row[0]: row[1] for row in openpyxl.load_workbook(path)["settings"].iter_rows(values_only=True)
    }
    assert (settings["value_currency"], settings["value_scale"]) == ("GBP", 100)
    _edit(path, "settings", "B6", "pounds")
    [problem] = _problems(path)
    assert problem.startswith("settings!B6: a currency is a three-letter ISO 4217 code"), problem


def test_a_damaged_workbook_is_refused_with_the_damage_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    members[sheet] = members[sheet][: len(members[sheet]) // 2]  # XML cut in half
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    [problem] = _problems(path)
    assert problem.startswith("cannot read the workbook, it is damaged: ParseError"), problem


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unopened(tmp_path: Path) -> None:
    path = _book(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("padding.bin", b"\0" * (MAX_UNPACKED_BYTES + 1))  # compresses to about 65 kB
    [problem] = _problems(path)
    assert problem.startswith("the workbook unpacks to "), problem


def test_a_stray_cell_far_from_the_table_is_refused_before_its_rows_are_read(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "lines", "XFD1048576", "x")
    [problem] = _problems(path)
    assert problem.startswith("lines: its used range A1:XFD1048576 holds 17,179,869,184 cells"), problem


def test_a_formula_without_a_saved_value_is_named_at_its_cell(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "resources", "B2", "=1+1")  # openpyxl saves no value: nothing calculated it
    problems = _problems(path)
    assert problems[0].startswith("resources!B2: a formula without a saved value"), problems


def test_names_that_look_like_formulas_are_written_as_text_and_read_back_unchanged(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.com","click")'
    data = tiny()
    data["lines"][0]["name"] = hostile
    data["materials"][0]["name"] = "@SUM(1+1)"
    path = _book(tmp_path, instance(data))
    cell = openpyxl.load_workbook(path)["lines"]["B2"]
    assert (cell.value, cell.data_type) == (hostile, "s")
    assert read_workbook(path) == instance(data)


def test_without_openpyxl_the_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(PlannerError, match=r"pip install 'restart-planner\[xlsx\]'"):
        write_template(tmp_path / "template.xlsx")
    assert not list(tmp_path.iterdir())


# --- the commands ------------------------------------------------------------------------


def _run(command: object, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(command, list(args))  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def test_template_command_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "restart.xlsx"
    code, _, _ = _run(template, "-o", str(out))
    assert code == 0
    assert "README" in openpyxl.load_workbook(out).sheetnames


def test_export_then_import_gives_the_same_instance(tmp_path: Path) -> None:
    book, out = tmp_path / "jlr.xlsx", tmp_path / "jlr.json"
    assert _run(export, "xlsx", str(INSTANCES[0]), "-o", str(book))[0] == 0
    code, _, _ = _run(import_xlsx, str(book), "-o", str(out))
    assert code == 0
    assert load_instance(out) == load_instance(INSTANCES[0])


def test_import_of_a_bad_workbook_exits_2_names_the_cell_and_writes_nothing(tmp_path: Path) -> None:
    book, out = _book(tmp_path, load_instance(SMALL)), tmp_path / "instance.json"
    _edit(book, "lines", "C7", "hallewood")
    code, stdout, stderr = _run(import_xlsx, str(book), "-o", str(out))
    assert code == 2
    assert "lines!C7: unknown plant 'hallewood'" in stderr
    assert "problem" in stderr and "Traceback" not in stderr
    assert not out.exists() and stdout == ""


def test_import_without_output_prints_the_instance(tmp_path: Path) -> None:
    code, stdout, _ = _run(import_xlsx, str(_book(tmp_path)))
    assert code == 0
    assert parse_instance(stdout) == instance(tiny())


def test_export_of_a_plan_for_another_instance_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(solve_checked(tiny()).plan.to_json())
    out = tmp_path / "book.xlsx"
    code, _, stderr = _run(export, "xlsx", str(EXAMPLES / "02-modes.json"), str(plan), "-o", str(out))
    assert code == 2
    assert "fails the checker" in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left


# --- the plan's sheets -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    inst = load_instance(SMALL)
    plan = solve_checked(inst, time_limit=20).plan
    folder = tmp_path_factory.mktemp("plan")
    (folder / "plan.json").write_text(plan.to_json())
    book = folder / "book.xlsx"
    code, _, _ = _run(export, "xlsx", str(SMALL), str(folder / "plan.json"), "-o", str(book))
    assert code == 0
    assert read_workbook(book) == inst  # the plan's sheets are not read as instance data
    return inst, plan, pd.read_excel(book, sheet_name=None)


def test_restarts_sheet_equals_the_plan(exported: Exported) -> None:
    _, plan, sheets = exported
    restarts = sheets["restarts"]
    got = {r.line: None if pd.isna(r.restart_day) else int(r.restart_day) for r in restarts.itertuples()}
    assert got == {ln.id: ln.restart_day for ln in plan.lines}
    assert int(restarts["lost_value"].sum()) == plan.lost_value


def test_production_sheet_sums_to_the_plan(exported: Exported) -> None:
    _, plan, sheets = exported
    expected: dict[str, int] = {}
    for row in plan.production:
        expected[row.line] = expected.get(row.line, 0) + row.units
    assert sheets["production"].groupby("line")["units"].sum().to_dict() == expected
    units = sheets["restarts"].set_index("line")["units"].to_dict()
    assert {line: units[line] for line in expected} == expected


def test_clearance_sheet_equals_the_plan(exported: Exported) -> None:
    _, plan, sheets = exported
    clearance = sheets["clearance"].set_index("system")
    for system in plan.systems:
        start = clearance.loc[system.id, "start_day"]
        assert (None if pd.isna(start) else int(start)) == system.start_day


def test_stock_never_negative_and_staff_within_headcount(
    exported: Exported,
) -> None:
    inst, _, sheets = exported
    stock, staff = sheets["stock"], sheets["staff_use"]
    assert (stock["stock"] >= 0).all()
    assert len(stock) == len(inst.materials) * inst.horizon_days
    assert (staff["used"] <= staff["headcount"]).all()
    assert staff["used"].sum() > 0


def test_plan_sheet_holds_the_headline(exported: Exported) -> None:
    _, plan, sheets = exported
    figures = dict(zip(sheets["plan"]["figure"], sheets["plan"]["value"], strict=True))
    assert figures["status"] == plan.status
    assert int(figures["lost_value"]) == plan.lost_value
    assert figures["value_unit"] in ("value units", "£100")  # JLR's values are in £100


def test_exported_plan_workbook_has_a_readme_row_for_every_plan_sheet(
    exported: Exported,
) -> None:
    _, _, sheets = exported
    described = set(sheets["README"]["sheet"])
    assert {"plan", "restarts", "clearance", "production", "staff_use", "stock"} <= described


def test_supply_changes_without_a_supply_name_the_missing_rate(tmp_path: Path) -> None:
    path = _book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["supply_changes"].append(["car", 3, 10])
    book.save(path)
    assert _problems(path) == ["materials!E2: missing value (required)"]


def test_modes_are_numbered_in_row_order(tmp_path: Path) -> None:
    modes = [{"duration_days": 2, "demand": {"team": 1}}, {"duration_days": 1, "demand": {"team": 2}}]
    path = _book(tmp_path, instance(tiny(systems=[{"id": "s", "name": "s", "modes": modes}])))
    _edit(path, "modes", "B3", 2)
    assert _problems(path) == [
        "modes!B3: expected mode 1 (modes of 's' are numbered 0, 1, 2... in row order)"
    ]


def test_demand_of_a_mode_that_does_not_exist_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    _edit(path, "demand", "B2", 0)  # s has duration_days: its demand has no mode
    assert _problems(path)[0].startswith("demand!B2: system 's' has no mode 0 on the modes sheet")


def test_a_folder_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    code, _, stderr = _run(template, "-o", str(tmp_path / "missing" / "book.xlsx"))
    assert code == 2
    assert "cannot write" in stderr
