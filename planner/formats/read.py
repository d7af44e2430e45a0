"""Reading instance and plan files, with every problem located."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.errors import InstanceError
from planner.formats.schema import (
    INSTANCE_FORMAT,
    MAX_DRAWN,
    PLAN_FORMAT,
    SWEEP_FORMAT,
    Instance,
    Plan,
    Sweep,
)

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
_PATTERNS = {r"^[A-Z]{3}$": "a currency is a three-letter ISO 4217 code, such as GBP, EUR or USD"}
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
    return parse_model(Instance, text, source)


def load_plan(path: str | Path) -> Plan:
    """Read and validate a `restart-plan/1` file."""
    return _load(Plan, path)


def parse_plan(text: str | bytes, source: str | None = None) -> Plan:
    return parse_model(Plan, text, source)


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a `restart-sweep/1` file."""
    return parse_sweep(read_file(path), source=str(path))


def parse_sweep(text: str | bytes, source: str | None = None) -> Sweep:
    """Validate the text of a `restart-sweep/1` file; each path may be uncertain once."""
    sweep = parse_model(Sweep, text, source)
    first: dict[str, int] = {}
    problems = []
    if sweep.samples * len(sweep.uncertain) > MAX_DRAWN:
        problems.append(
            f"samples: {sweep.samples} samples of {len(sweep.uncertain)} values are more than "
            f"{MAX_DRAWN:,} values drawn"
        )
    for k, item in enumerate(sweep.uncertain):
        if item.path in first:
            problems.append(f"uncertain[{k}].path: '{item.path}' is uncertain[{first[item.path]}] already")
        first.setdefault(item.path, k)
    if problems:
        raise InstanceError(problems, source=source)
    return sweep


def _load(model: type[M], path: str | Path) -> M:
    return parse_model(model, read_file(path), str(path))


MAX_FILE_BYTES = 64 * 2**20
"""The largest file read. The largest instance the planner solves (`planner.problem.sizes`) and
its plan with every line producing every day fit in well under 64 MiB; a larger file is
not one of ours, and parsing it would take gigabytes of memory."""

MAX_DEPTH = 32
"""The deepest nesting of lists and objects read. Both formats nest at most 5 deep
(`lines[i].commissioning.demand`); past 32 a file is not one of ours, and deeper
nesting would run the JSON parsers out of stack."""


def read_file(path: str | Path) -> bytes:
    """The bytes of a file to be parsed; `InstanceError` if it cannot be read or is too large."""
    source = str(path)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise InstanceError([_too_large(size)], source=source)
            text = file.read(MAX_FILE_BYTES + 1)  # a file that grows while read, or a pipe
    except OSError as err:
        raise InstanceError([f"cannot read the file: {err.strerror or err}"], source=source) from None
    if len(text) > MAX_FILE_BYTES:
        raise InstanceError([_too_large(len(text))], source=source)
    return text


def _too_large(size: int) -> str:
    return f"the file has {size:,} bytes; the planner reads files of at most {MAX_FILE_BYTES:,}"


def parse_model(model: type[M], text: str | bytes, source: str | None = None) -> M:
    """Validate a JSON file's text as `model`; `InstanceError` lists every problem with its place."""
    text = _checked_text(text, source)
    raw, problems = read_json(text)
    _check_format(model, raw, source)
    try:
        parsed = model.model_validate_json(text)
    except ValidationError as err:
        problems += located_problems(err)
        if model is Instance and raw is not None:
            # Best effort on a file already known to be broken: its field errors stand.
            with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
                problems += _references_despite(err, raw)
        raise InstanceError(problems, source=source) from None
    except InstanceError as err:
        raise InstanceError(problems + err.problems, source=source) from None
    if problems:
        raise InstanceError(problems, source=source)
    return parsed


def _checked_text(text: str | bytes, source: str | None) -> bytes:
    """The file's bytes, once they are known to be UTF-8 JSON text of a size the planner reads."""
    if isinstance(text, str):
        text = text.encode()
    if len(text) > MAX_FILE_BYTES:
        raise InstanceError([_too_large(len(text))], source=source)
    text = text.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as some editors write
    if not text.strip():
        raise InstanceError(["the file is empty"], source=source)
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as err:
        problem = f"the file is not UTF-8 text (byte {err.start}): save it as UTF-8"
        raise InstanceError([problem], source=source) from None
    too_deep = _nesting_problem(text)
    if too_deep:
        raise InstanceError([too_deep], source=source)
    return text


def read_json(text: bytes) -> tuple[Any, list[str]]:
    """The file's JSON value and its keys given twice in one object, each located.

    pydantic, like Python's json module, keeps the last of a repeated key
    without a word; a repeated `capacity` is a typo that changes the plan, so
    it is an error. The value is None where the text is not JSON: pydantic
    then says where. `text` must have passed the nesting check.
    """
    repeats = 0

    def make_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeats
        made = dict(pairs)
        if len(made) == len(pairs):
            return made
        repeats += 1
        return _Repeating(pairs)

    try:
        raw = json.loads(text, object_pairs_hook=make_object)
    except ValueError:
        return None, []
    if not repeats:
        return raw, []
    return raw, [f"{place(loc)}: given {n} times in one object; give it once" for loc, n in _repeated(raw)]


class _Repeating(dict[str, Any]):
    """A JSON object given some key more than once (the last one is kept, as everywhere)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.repeated = {key: n for key, n in Counter(key for key, _ in pairs).items() if n > 1}


def _repeated(value: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple[int | str, ...], int]]:
    if isinstance(value, _Repeating):
        for key, count in value.repeated.items():
            yield (*loc, key), count
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _repeated(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _repeated(item, (*loc, i))


# A JSON string, its loop unrolled (five times quicker than the plain alternation).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]', re.DOTALL)
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _nesting_problem(text: bytes) -> str | None:
    """A located problem if lists and objects nest deeper than `MAX_DEPTH`, else None.

    Counting the brackets outside strings is quick; only a file that is too
    deep is read a second time, token by token, to say where.
    """
    brackets = _STRING.sub(b"", text).translate(None, _NOT_BRACKETS)
    if len(brackets) <= MAX_DEPTH or max(itertools.accumulate(map(_STEP.__getitem__, brackets))) <= MAX_DEPTH:
        return None
    # Each open container: its kind and where the next value goes (a key or an index).
    stack: list[list[Any]] = []
    last_string: str | None = None
    for token in _TOKEN.finditer(text):
        kind = token[0][:1]
        if kind in (b"[", b"{"):
            if len(stack) == MAX_DEPTH:
                return _too_deep([frame[1] for frame in stack], text, token.start())
            stack.append([kind, 0 if kind == b"[" else "?"])
        elif kind in (b"]", b"}"):
            if stack:
                stack.pop()
        elif kind == b",":
            if stack and stack[-1][0] == b"[":
                stack[-1][1] += 1
        elif kind == b":":
            if stack and last_string is not None:
                stack[-1][1] = last_string
        else:
            last_string = json.loads(token[0], strict=False)  # control characters: pydantic says so
    return None  # the counting was fooled by broken strings: the parsers will say what is wrong


def _too_deep(loc: list[int | str], text: bytes, offset: int) -> str:
    line = text.count(b"\n", 0, offset) + 1
    column = offset - (text.rfind(b"\n", 0, offset) + 1) + 1
    shown = place(tuple(loc[:8])) + ("..." if len(loc) > 8 else "")
    return (
        f"{shown}: lists and objects nested more than {MAX_DEPTH} deep (at line {line} column {column}); "
        "the format nests at most 5 deep"
    )


def _check_format(model: type[M], raw: Any, source: str | None) -> None:
    """One clear message for a plan given as an instance (or the reverse), not ten."""
    expected = {Instance: INSTANCE_FORMAT, Plan: PLAN_FORMAT, Sweep: SWEEP_FORMAT}.get(model)
    found = raw.get("format") if isinstance(raw, dict) else None
    if expected and found in (INSTANCE_FORMAT, PLAN_FORMAT, SWEEP_FORMAT) and found != expected:
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


def _references_despite(err: ValidationError, raw: Any) -> list[str]:
    """The whole-file problems that field errors would otherwise hide.

    A bad number is replaced by 1 (valid for every count here) and an unknown
    field removed; an item with any other field error is left out. The reference
    rules then run on the result; places are mapped back to the file's positions,
    and references to left-out items are not reported as unknown.
    """
    if any(detail["type"] == "json_invalid" for detail in err.errors()):
        return []
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
        ctx: dict[str, Any] = detail.get("ctx", {})
        pattern = _PATTERNS.get(str(ctx.get("pattern"))) if kind == "string_pattern_mismatch" else None
        bound = _BOUNDS.get(kind, "{msg}").format(msg=detail["msg"], **ctx)
        message = pattern or _MESSAGES.get(kind) or bound
        if kind == "value_error":  # a validator's own sentence, already in the file's terms
            problems.append(f"{place(detail['loc'])}: {ctx.get('error', detail['msg'])}")
            continue
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
