"""Reading instance and plan files, with every problem located."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.errors import InstanceError
from planner.schema import Instance, Plan

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
    try:
        return model.model_validate_json(text)
    except ValidationError as err:
        raise InstanceError(located_problems(err), source=source) from None
    except InstanceError as err:
        raise InstanceError(err.problems, source=source) from None


def located_problems(err: ValidationError) -> list[str]:
    """`lines[3].plant: message` for each pydantic error."""
    problems = []
    for detail in err.errors():
        kind = detail["type"]
        if kind == "json_invalid":
            problems.append(f"invalid JSON: {detail['ctx'].get('error', detail['msg'])}")
            continue
        message = _MESSAGES.get(kind, detail["msg"])
        if kind not in ("missing", "extra_forbidden") and "input" in detail:
            message += f", got {_show(detail['input'])}"
        problems.append(f"{place(detail['loc'])}: {message}")
    return problems


def place(loc: tuple[int | str, ...]) -> str:
    """('lines', 3, 'plant') -> 'lines[3].plant'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."
