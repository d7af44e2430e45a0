"""Amounts of value as people read them: in the instance's `value_unit`, never in a guessed currency.

Values in a file are integers in its own unit: JLR-2025's are in £100 a
vehicle (`value_unit: {"currency": "GBP", "scale": 100}`), so its lost value
13,595,739 is £1,359,573,900. Every output for people (the summary, explain,
whatif, the report, the workbook) says amounts through here; without a
`value_unit` they are "value units", never "£". Files and JSON output keep
the file's integers, with the unit beside them.
"""

from __future__ import annotations

from typing import Any

from planner.formats.schema import ValueUnit

_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}


def amount(unit: ValueUnit | None, value: float) -> str:
    """13,595,739 in £100 -> '£1,359,573,900'; without a unit '13,595,739 value units'."""
    return figure(unit, value) if unit is not None else f"{_number(value)} value units"


def figure(unit: ValueUnit | None, value: float, *, sign: bool = False) -> str:
    """An amount for a table whose heading names the unit: '£1,359,573,900', or '13,595,739'.

    With `sign`, a gain or loss: '+£8,340,700', '-£8,340,700', '+83,407'.
    """
    plus = "+" if sign and value > 0 else ""
    if unit is None:
        return f"{plus}{'-' if value < 0 else ''}{_number(abs(value))}"
    return plus + _money(unit.currency, value * unit.scale)


def heading(unit: ValueUnit | None) -> str:
    """What a column of `figure`s is in: '£' or 'value units'."""
    return "value units" if unit is None else _SYMBOLS.get(unit.currency, unit.currency)


def per(unit: ValueUnit | None, value: float, what: str) -> str:
    """The value of one `what`: '£69,506 per extra team-day' or '695.06 value units per extra team-day'."""
    return f"{amount(unit, value)} per {what}"


def unit_name(unit: ValueUnit | None) -> str:
    """What one unit of value is: '£100', '£', or 'value units'."""
    if unit is None:
        return "value units"
    return (
        _money(unit.currency, unit.scale) if unit.scale != 1 else _SYMBOLS.get(unit.currency, unit.currency)
    )


def unit_json(unit: ValueUnit | None) -> dict[str, Any] | None:
    """The unit as JSON output carries it beside the file's integers (None: value units)."""
    return None if unit is None else unit.model_dump()


def affixes(unit: ValueUnit | None) -> tuple[str, str]:
    """What `figure` writes before and after the digits: ('£', ''), ('', ' CHF'), or ('', '')."""
    return ("", "") if unit is None else _affixes(unit.currency)


def _affixes(currency: str) -> tuple[str, str]:
    symbol = _SYMBOLS.get(currency)
    return (symbol, "") if symbol else ("", f" {currency}")


def _money(currency: str, value: float) -> str:
    before, after = _affixes(currency)
    sign = "-" if value < 0 else ""
    return f"{sign}{before}{_number(abs(value))}{after}"


def _number(value: float) -> str:
    """At most two decimals, none when whole: 2,000 / 12.5 / 0.33."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
