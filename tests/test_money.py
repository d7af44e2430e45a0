"""Amounts in the instance's value unit (`planner.formats.money`), and every output that says them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli.commands import main
from planner.formats.money import affixes, amount, figure, heading, per, unit_name
from planner.formats.schema import ValueUnit

from helpers import instance, solve_checked, tiny

POUNDS_100 = ValueUnit(currency="GBP", scale=100)


def test_an_amount_in_hundreds_of_pounds_is_said_in_pounds() -> None:
    assert amount(POUNDS_100, 13_595_739) == "£1,359,573,900"
    assert per(POUNDS_100, 695.06, "extra team-day") == "£69,506 per extra team-day"
    assert unit_name(POUNDS_100) == "£100"
    assert heading(POUNDS_100) == "£"


def test_without_a_value_unit_amounts_are_value_units_never_pounds() -> None:
    assert amount(None, 13_595_739) == "13,595,739 value units"
    assert per(None, 695.06, "extra team-day") == "695.06 value units per extra team-day"
    assert unit_name(None) == heading(None) == "value units"


def test_gains_and_losses_carry_their_sign() -> None:
    assert figure(POUNDS_100, -834, sign=True) == "-£83,400"
    assert figure(POUNDS_100, 834, sign=True) == "+£83,400"
    assert figure(None, 834, sign=True) == "+834"
    assert figure(None, -834, sign=True) == "-834"


def test_a_currency_without_a_symbol_is_named_by_its_code() -> None:
    assert amount(ValueUnit(currency="INR", scale=1000), 12) == "12,000 INR"
    assert unit_name(ValueUnit(currency="EUR")) == "€"


def test_the_summary_says_the_lost_value_in_the_unit_or_in_value_units(tmp_path: Path) -> None:
    for value_unit, expected in ((None, "lost value 20 value units"), (POUNDS_100, "lost value £2,000")):
        data = tiny()
        if value_unit is not None:
            data["value_unit"] = value_unit.model_dump()
        path = tmp_path / "tiny.json"
        path.write_text(instance(data).model_dump_json())
        result = CliRunner().invoke(
            main, ["solve", str(path), "-o", str(tmp_path / "p.json"), "-q", "--workers", "1"]
        )
        assert result.exit_code == 0, result.output
        assert expected in result.output
        assert ("£" in result.output) == (value_unit is not None)


def test_explain_says_the_lost_value_in_the_instances_unit() -> None:
    from planner.decisions.explain import explain

    inst = instance(tiny(value_unit={"currency": "GBP", "scale": 100}))
    answer = explain(inst, solve_checked(inst).plan, time_limit=5, workers=1)
    assert answer.text().startswith("Plan of tiny: lost_value £2,000 (optimal)")  # 20 x £100
    assert answer.to_json()["value_unit"] == {"currency": "GBP", "scale": 100}


@pytest.mark.parametrize("unit", [None, ValueUnit(currency="GBP", scale=100), ValueUnit(currency="CHF")])
def test_the_affixes_are_what_figure_writes_around_the_digits(unit: ValueUnit | None) -> None:
    before, after = affixes(unit)
    scale = 1 if unit is None else unit.scale
    assert figure(unit, 12_345) == f"{before}{12_345 * scale:,}{after}"
    assert figure(unit, -7) == f"-{before}{7 * scale:,}{after}"
