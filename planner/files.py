"""Reading instance and plan files, with every problem located."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.errors import InstanceError
from planner.schema import INSTANCE_FORMAT, PLAN_FORMAT, Instance, Plan

M = TypeVar("M", bound=BaseModel)

# pydantic's wording for the most common mistakes, said in the file's terms.
_MESSAGES = {
    "missing": "missing field",
    "extra_forbidden": "unknown field",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "string_pattern_mismatch": "ids may contain only letters, digits and _ . : -",
    "too_short": "must have at least 1 item",
    "date_type": "expected a date YYYY-MM-DD",
}
_BOUNDS = {
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be greater than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "literal_error": "must be {expected}",
    "date_from_datetime_parsing": "expected a date YYYY-MM-DD ({error})",
    "date_parsing": "expected a date YYYY-MM-DD ({error})",
}


def load_instance(path: str | Path) -> Instance:
    """Read and validate a `restart-instance/1` file; `InstanceError` lists every problem."""
    return _load(Instance, path)


def parse_instance(text: str | bytes, source: str | None = None) -> Instance:
    """Validate the text of a `restart-instance/1` file."""
    return _parse(Instance, text, source)


def load_plan(path: str | Path) -> Plan:
    """Read and validate a `restart-plan/1` file."""
    return _load(Plan, path)


def parse_plan(text: str | bytes, source: str | None = None) -> Plan:
    return _parse(Plan, text, source)


def _load(model: type[M], path: str | Path) -> M:
    try:
        text = Path(path).read_bytes()
    except OSError as err:
        raise InstanceError([f"cannot read the file: {err.strerror or err}"], source=str(path)) from None
    return _parse(model, text, str(path))


def _parse(model: type[M], text: str | bytes, source: str | None) -> M:
    if isinstance(text, str):
        text = text.encode()
    text = text.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as some editors write
    if not text.strip():
        raise InstanceError(["the file is empty"], source=source)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as err:
        problem = f"the file is not UTF-8 text (byte {err.start}): save it as UTF-8"
        raise InstanceError([problem], source=source) from None
    _check_format(model, text, source)
    try:
        return model.model_validate_json(text)
    except ValidationError as err:
        problems = located_problems(err)
        if model is Instance:
            # Best effort on a file already known to be broken: its field errors stand.
            with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
                problems += _references_despite(err, text)
        raise InstanceError(problems, source=source) from None
    except InstanceError as err:
        raise InstanceError(err.problems, source=source) from None


def _check_format(model: type[M], text: bytes, source: str | None) -> None:
    """One clear message for a plan given as an instance (or the reverse), not ten."""
    expected = {Instance: INSTANCE_FORMAT, Plan: PLAN_FORMAT}.get(model)
    try:
        found = json.loads(text).get("format")
    except (ValueError, AttributeError):
        return  # pydantic reports the JSON or shape problem itself
    if expected and found in (INSTANCE_FORMAT, PLAN_FORMAT) and found != expected:
        raise InstanceError([f"format: this is a {found} file, not {expected}"], source=source)


_LISTS = {
    "resources": "resource",
    "systems": "system",
    "plants": "plant",
    "materials": "material",
    "lines": "line",
}
_PLACE = re.compile(r"\b(resources|systems|plants|materials|lines)\[(\d+)\]")
_UNKNOWN = re.compile(r"unknown (resource|system|plant|material|line) '([^']*)'")


_REPAIRABLE = {
    "int_type",
    "int_parsing",
    "int_from_float",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "extra_forbidden",
}


def _references_despite(err: ValidationError, text: bytes) -> list[str]:
    """The whole-file problems that field errors would otherwise hide.

    A bad number is replaced by 1 (valid for every count here) and an unknown
    field removed; an item with any other field error is left out. The reference
    rules then run on the result; places are mapped back to the file's positions,
    and references to left-out items are not reported as unknown.
    """
    if any(detail["type"] == "json_invalid" for detail in err.errors()):
        return []
    raw = json.loads(text)
    flawed = set()
    for detail in err.errors():
        loc = detail["loc"]
        if len(loc) > 2 and loc[0] in _LISTS:
            flawed.add(f"{loc[0]}[{loc[1]}]")
        if detail["type"] in _REPAIRABLE and len(loc) > 2:
            _repair(raw, loc, remove=detail["type"] == "extra_forbidden")
    try:
        Instance.model_validate(raw)
        problems = []
    except InstanceError as found:
        problems = found.problems
    except ValidationError as again:
        problems = _references_without(again, raw)
    # On an item with a field error, only dangling references are sure to be
    # news: its cross-field rules may just echo the field error.
    return [p for p in problems if _UNKNOWN.search(p) or _item(p) not in flawed]


def _item(problem: str) -> str | None:
    """'lines[3]' for 'lines[3].plant: ...'."""
    match = _PLACE.match(problem)
    return match[0] if match else None


def _repair(raw: Any, loc: tuple[int | str, ...], *, remove: bool) -> None:
    *path, last = loc
    for part in path:
        raw = raw[part]
    if remove:
        del raw[last]
    else:
        raw[last] = 1


def _references_without(err: ValidationError, raw: dict[str, Any]) -> list[str]:
    bad: dict[str, set[int]] = {name: set() for name in _LISTS}
    for detail in err.errors():
        loc = detail["loc"]
        if len(loc) < 2 or loc[0] not in _LISTS or not isinstance(loc[1], int):
            return []  # a top-level field is wrong: the references cannot be judged
        bad[str(loc[0])].add(loc[1])
    positions: dict[str, list[int]] = {}
    left_out: set[tuple[str, str]] = set()
    for name, kind in _LISTS.items():
        items = raw.get(name, [])
        positions[name] = [i for i in range(len(items)) if i not in bad[name]]
        raw[name] = [items[i] for i in positions[name]]
        left_out |= {(kind, items[i].get("id")) for i in bad[name] if isinstance(items[i], dict)}
    try:
        Instance.model_validate(raw)
        return []
    except InstanceError as found:
        problems = found.problems
    except ValidationError:
        return []

    def original(match: re.Match[str]) -> str:
        return f"{match[1]}[{positions[match[1]][int(match[2])]}]"

    kept = [p for p in problems if not any(m.groups() in left_out for m in _UNKNOWN.finditer(p))]
    return [_PLACE.sub(original, p) for p in kept]


def located_problems(err: ValidationError) -> list[str]:
    """`lines[3].plant: message` for each pydantic error."""
    problems = []
    for detail in err.errors():
        kind = detail["type"]
        if kind == "json_invalid":
            problems.append(f"invalid JSON: {detail['ctx'].get('error', detail['msg'])}")
            continue
        ctx = detail.get("ctx", {})
        message = _MESSAGES.get(kind) or _BOUNDS.get(kind, "{msg}").format(msg=detail["msg"], **ctx)
        if kind not in ("missing", "extra_forbidden") and "input" in detail:
            message += f", got {_show(detail['input'])}"
        problems.append(f"{place(detail['loc'])}: {message}")
    return problems


def place(loc: tuple[int | str, ...]) -> str:
    """('lines', 3, 'plant') -> 'lines[3].plant'."""
    text = ""
    for part in loc:
        if part == "[key]":
            continue  # pydantic's marker for "the key, not the value" of a map
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _show(value: Any) -> str:
    """The value as the file spells it: null, true, "3" (not None, True, '3')."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
