"""What-if changes: path assignments in the instance file's own terms.

A change is ``PATH=VALUE``. The path names a field as the file spells it, list
items addressed by their id rather than their position::

    resources.forensics.capacity=6           horizon_days=120
    materials.seats.supply.from_day=5        systems.erp.fixed_start=3
    plants.halewood.staff.production=+200    lines.nitra-ta.release_day=10
    systems.erp.modes.1.duration_days=-1     lines.x.systems=["a","b"]

Ids may contain dots: the longest known id that fits is taken. Inside a map
(``staff``, ``demand``, ``crew_per_shift``, ``inputs``) the rest of the path is
the key; inside a list of objects (``modes``, ``capacity_changes``...) a number
is a position.

The value is one of:

- ``null``: remove the field (an optional one such as ``fixed_restart``; a
  removed required field is reported as missing);
- ``+N`` / ``-N``: relative to the value in force (the file's, or the
  contract's default). On an optional field that is not set and has no default
  (``fixed_restart``, ``fixed_start``) there is nothing to be relative to, so
  the signed number is the value itself: ``fixed_restart=-3`` marks a line
  running since 3 days before day 0;
- ``+N%`` / ``-N%``: relative by a percentage; the size of the change is
  rounded up (away from zero), so any non-zero percentage of a positive
  integer changes it;
- anything else: a JSON value (``6``, ``true``, ``["a","b"]``, ``{"days": 2}``),
  and text that is not JSON is taken as a string (``objective=lost_units``).

Relative changes move a whole step function, not just its first value: a
relative change of ``resources.R.capacity`` applies to every
``capacity_changes`` value of R too, one of ``plants.P.staff.POOL`` to every
``staff_changes`` value of that pool, and one of ``materials.M.supply.per_day``
to every ``supply.changes`` value (``+2`` adds 2 to each, ``+10%`` adds 10% of
each). An absolute value sets only the field named; assign the change list
itself to reshape the step function.

Changes are applied to the instance's JSON (as the file would hold it) and the
result is validated by `parse_instance`, so every rule of the contract holds.
Each problem names the change and, for what validation finds, the place in the
user's words: ``changes[0] 'resources.forensic.capacity=6': unknown resource
'forensic' (known: forensics, ot)``.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from planner.errors import InstanceError
from planner.formats.read import parse_instance, parse_model, read_file
from planner.formats.schema import Instance, Line, Material, Mode, Plant, Resource, Supply, System

Operation = Literal["set", "add", "percent", "delete"]

_RELATIVE = re.compile(r"^([+-])(\d+)(%?)$")


@dataclass(frozen=True)
class Change:
    """One parsed ``PATH=VALUE``; `place` is where it was written (``scenarios[1].changes[0]``)."""

    text: str
    path: str
    operation: Operation
    value: Any = None  # the JSON value ("set") or the signed amount ("add", "percent")
    place: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Address:
    """What a change names: `collection` "lines", `item` "A", `fields` ("commissioning", "days").

    A top-level field has `collection` and `item` None.
    """

    collection: str | None
    item: str | None
    fields: tuple[str | int, ...]

    def __str__(self) -> str:
        head = [self.collection, self.item] if self.collection and self.item else []
        return ".".join([*head, *(str(f) for f in self.fields)])


class _ChangeError(Exception):
    """A problem with one change, before it is located (internal)."""


def parse_change(text: str, *, place: str | None = None) -> Change:
    """``PATH=VALUE`` as a `Change`; `InstanceError` when it cannot be read."""
    try:
        return _parse(text, place)
    except _ChangeError as err:
        raise InstanceError(
            [_located(place or "changes[0]", text, str(err))], subject="the changes"
        ) from None


def _parse(text: str, place: str | None) -> Change:
    path, equals, value = (part.strip() for part in text.partition("="))
    if not equals:
        raise _ChangeError("expected PATH=VALUE, for example resources.team.capacity=3")
    if not path or "" in path.split("."):
        raise _ChangeError(f"the path '{path}' has an empty part")
    if not value:
        raise _ChangeError("missing value after '=' (write null to remove the field)")
    if value == "null":
        return Change(text, path, "delete", None, place)
    relative = _RELATIVE.match(value)
    if relative:
        sign, amount, percent = relative.groups()
        signed = int(amount) if sign == "+" else -int(amount)
        return Change(text, path, "percent" if percent else "add", signed, place)
    if value.endswith("%"):
        raise _ChangeError(f"a percentage is a signed integer, e.g. +10% or -5%, not '{value}'")
    return Change(text, path, "set", _json_or_text(value), place)


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


# --- scenarios ---------------------------------------------------------------------


@dataclass(frozen=True, init=False)
class Scenario:
    """A named set of changes solved together; strings are parsed with `parse_change`."""

    name: str
    changes: tuple[Change, ...]

    def __init__(self, name: str, changes: Sequence[str | Change]) -> None:
        parsed = tuple(c if isinstance(c, Change) else parse_change(c) for c in changes)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "changes", parsed)

    @classmethod
    def single(cls, change: str | Change) -> Scenario:
        """A change as its own scenario, named after its text."""
        parsed = change if isinstance(change, Change) else parse_change(change)
        return cls(parsed.text, [parsed])


class _ScenarioEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    changes: list[str] = Field(min_length=1)


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    scenarios: list[_ScenarioEntry] = Field(min_length=1)


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file ``{"scenarios": [{"name": ..., "changes": ["PATH=VALUE", ...]}]}``."""
    return parse_scenarios(read_file(path), source=str(path))


def parse_scenarios(text: str | bytes, source: str | None = None) -> list[Scenario]:
    """The scenarios of a scenario file's text; every problem is located in the file."""
    entries = parse_model(_ScenarioFile, text, source).scenarios
    problems: list[str] = []
    scenarios: list[Scenario] = []
    first: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if entry.name in first:
            problems.append(
                f"scenarios[{i}].name: duplicate name '{entry.name}' (also scenarios[{first[entry.name]}])"
            )
        first.setdefault(entry.name, i)
        changes = []
        for k, change in enumerate(entry.changes):
            try:
                changes.append(_parse(change, f"scenarios[{i}].changes[{k}]"))
            except _ChangeError as err:
                problems.append(_located(f"scenarios[{i}].changes[{k}]", change, str(err)))
        scenarios.append(Scenario(entry.name, changes))
    if problems:
        raise InstanceError(problems, source=source)
    return scenarios


# --- applying ----------------------------------------------------------------------


def apply_changes(instance: Instance, changes: Sequence[str | Change]) -> Instance:
    """`instance` with `changes` applied in order, validated as a file would be.

    `InstanceError` lists every problem, each located by the change's place
    (``changes[k]`` unless the change says where it was written) and text.
    """
    parsed: list[Change] = []
    problems: list[str] = []
    for k, item in enumerate(changes):
        place = item.place if isinstance(item, Change) and item.place else f"changes[{k}]"
        try:
            parsed.append(_parse(item, place) if isinstance(item, str) else replace(item, place=place))
        except _ChangeError as err:
            problems.append(_located(place, str(item), str(err)))
    if problems:
        raise InstanceError(problems, subject="the changes")

    data = instance.model_dump(mode="json", exclude_unset=True)
    addresses: list[Address] = []
    for change in parsed:
        try:
            addresses.append(_apply(data, change))
        except _ChangeError as err:
            problems.append(_located(change.place, change.text, str(err)))
    if problems:
        raise InstanceError(problems, subject="the changes")
    return _revalidate(data, parsed, addresses)


def resolve(instance: Instance, change: str | Change) -> Address:
    """What `change` names in `instance` (`InstanceError` when it names nothing)."""
    parsed = parse_change(change) if isinstance(change, str) else change
    data = instance.model_dump(mode="json", exclude_unset=True)
    try:
        return _find(data, parsed.path).address
    except _ChangeError as err:
        raise InstanceError(
            [_located(parsed.place or "changes[0]", parsed.text, str(err))], subject="the changes"
        ) from None


def _located(place: str | None, text: str, message: str) -> str:
    return f"{place} '{text}': {message}"


def _revalidate(data: dict[str, Any], changes: list[Change], addresses: list[Address]) -> Instance:
    try:
        return parse_instance(json.dumps(data))
    except InstanceError as err:
        problems = [_blame(_in_user_words(p, data), changes, addresses) for p in err.problems]
        raise InstanceError(problems, subject="the changes") from None


_POSITION = re.compile(r"^(resources|systems|plants|materials|lines)\[(\d+)\]")


def _in_user_words(problem: str, data: dict[str, Any]) -> str:
    """``lines[2].plant: ...`` -> ``lines.A.plant: ...`` (ids, as the changes name items)."""

    def by_id(match: re.Match[str]) -> str:
        items = data.get(match[1], [])
        index = int(match[2])
        item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
        return f"{match[1]}.{item['id']}" if isinstance(item.get("id"), str) else match[0]

    return _POSITION.sub(by_id, problem)


def _blame(problem: str, changes: list[Change], addresses: list[Address]) -> str:
    """Put a validation problem on the last change of the item it is about (or the only change)."""
    for change, address in reversed(list(zip(changes, addresses, strict=True))):
        if problem.startswith(_subject(address)):
            return _located(change.place, change.text, problem)
    if len(changes) == 1:
        return _located(changes[0].place, changes[0].text, problem)
    return f"changes: {problem}"


def _subject(address: Address) -> str:
    """What a problem about the changed item starts with: ``lines.A.`` (or ``horizon_days:``)."""
    if address.collection is None:
        return f"{address}:"
    return f"{address.collection}.{address.item}."


# --- finding what a path names ---------------------------------------------------------

_COLLECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "resources": (Resource, "resource"),
    "systems": (System, "system"),
    "plants": (Plant, "plant"),
    "materials": (Material, "material"),
    "lines": (Line, "line"),
}
# What the keys of each map field are, for messages.
_KEYS = {"staff": "pool", "demand": "resource", "crew_per_shift": "pool", "inputs": "material"}


@dataclass
class _Target:
    """Where a change writes: `container[key]`, a field of `model` or an entry of a map held by `owner`."""

    container: dict[str, Any]
    key: str
    model: type[BaseModel] | None  # None for the entry of a map
    field: str  # the field of `owner` that is (or holds) the target
    owner: dict[str, Any]
    label: str  # "resource 'forensics'"
    address: Address

    def current(self) -> Any:
        """The value in force: the file's, else the contract's default (None when neither)."""
        if self.key in self.container:
            return self.container[self.key]
        if self.model is None:
            return None
        if self.model is Line and self.key == "baseline_shifts":
            return self.owner.get("max_shifts", 1)  # the contract's default is max_shifts
        default = self.model.model_fields[self.key].get_default(call_default_factory=True)
        return default if isinstance(default, int | str) else None

    def write(self, value: Any) -> None:
        self.container[self.key] = value
        if self.model is None:
            self.owner[self.field] = self.container  # a map the file may not have had yet

    def delete(self) -> None:
        self.container.pop(self.key, None)


def _find(data: dict[str, Any], path: str) -> _Target:
    head, _, rest = path.partition(".")
    if head in _COLLECTIONS:
        model, kind = _COLLECTIONS[head]
        item = _item(data.get(head, []), rest, head, kind)
        remainder = rest[len(item["id"]) + 1 :]
        if not remainder:
            raise _ChangeError(f"name a field of {kind} '{item['id']}' ({_fields(model)})")
        return _walk(item, model, remainder.split("."), f"{kind} '{item['id']}'", (head, item["id"]))
    if head not in Instance.model_fields:
        raise _ChangeError(f"unknown field '{head}' ({_fields(Instance)})")
    if rest:
        raise _ChangeError(f"{head} has no field '{rest}'")
    return _Target(data, head, Instance, head, data, "the instance", Address(None, None, (head,)))


def _item(items: list[dict[str, Any]], rest: str, collection: str, kind: str) -> dict[str, Any]:
    """The item whose id starts `rest` (the longest such id, as ids may hold dots)."""
    fitting = [it for it in items if rest == it["id"] or rest.startswith(it["id"] + ".")]
    if not fitting:
        wanted = rest.split(".")[0] if rest else ""
        known = ", ".join(sorted(it["id"] for it in items)) or "none"
        if not wanted:
            raise _ChangeError(f"name a {kind} after '{collection}.' (known: {known})")
        raise _ChangeError(f"unknown {kind} '{wanted}' (known: {known})")
    return max(fitting, key=lambda it: len(it["id"]))


def _walk(
    node: dict[str, Any],
    model: type[BaseModel],
    segments: list[str],
    label: str,
    prefix: tuple[str, str],
) -> _Target:
    fields: list[str | int] = []
    while True:
        name, rest = segments[0], segments[1:]
        if name not in model.model_fields:
            raise _ChangeError(f"unknown field '{name}' of {label} ({_fields(model)})")
        fields.append(name)
        if not rest:
            return _Target(node, name, model, name, node, label, Address(*prefix, tuple(fields)))
        inner = _inner(model.model_fields[name].annotation)
        if inner is dict:
            key = ".".join(rest)
            entries = node.get(name, {})  # attached to `node` when written
            address = Address(*prefix, (*fields, key))
            entry = f"{_KEYS.get(name, 'key')} '{key}' of {label}"
            return _Target(entries, key, None, name, node, entry, address)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            node, model, segments, label = _descend(node, name, inner, rest, label, fields)
            continue
        raise _ChangeError(f"{name} of {label} has no field '{rest[0]}'")


def _descend(
    node: dict[str, Any],
    name: str,
    model: type[BaseModel],
    rest: list[str],
    label: str,
    fields: list[str | int],
) -> tuple[dict[str, Any], type[BaseModel], list[str], str]:
    """One step into a nested object (``supply``) or an item of a list of objects (``modes.1``)."""
    value = node.get(name)
    if value is None:
        whole = "{...}" if model is not Mode else "[{...}]"
        raise _ChangeError(f"{label} has no {name} (set it whole, e.g. {name}={whole})")
    if isinstance(value, dict):
        return value, model, rest, f"{name} of {label}"
    index = rest[0]
    if not index.isdigit() or int(index) >= len(value):
        raise _ChangeError(f"{name} of {label} has {len(value)} item(s): give a position 0..{len(value) - 1}")
    fields.append(int(index))
    if len(rest) == 1:
        raise _ChangeError(f"name a field of {name}[{index}] of {label} ({_fields(model)})")
    return value[int(index)], model, rest[1:], f"{name}[{index}] of {label}"


def _inner(annotation: Any) -> Any:
    """The model class, `dict` or `list` a field holds (unwrapping Optional and Annotated)."""
    origin = get_origin(annotation)
    if origin is dict:
        return dict
    if origin is list:
        (item,) = get_args(annotation)
        inner = _inner(item)
        return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else list
    if origin in (Union, types.UnionType, Annotated):
        for arg in get_args(annotation):
            inner = _inner(arg)
            if inner is not None:
                return inner
        return None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _fields(model: type[BaseModel]) -> str:
    return "fields: " + ", ".join(model.model_fields)


# --- writing ---------------------------------------------------------------------------


def _apply(data: dict[str, Any], change: Change) -> Address:
    target = _find(data, change.path)
    if change.operation == "delete":
        target.delete()
    elif change.operation == "set":
        target.write(change.value)
    else:
        _relative(target, change)
    return target.address


def _relative(target: _Target, change: Change) -> None:
    current = target.current()
    amount = int(change.value)
    if current is None and target.model is None:
        known = ", ".join(str(key) for key in target.container) or "none"
        raise _ChangeError(
            f"unknown {target.label} (known: {known}), so it cannot change by {_amount(change)}"
        )
    if current is None and change.operation == "add":
        target.write(amount)  # nothing to be relative to: the signed number is the value
        return
    if not isinstance(current, int) or isinstance(current, bool):
        shown = "not set" if current is None else f"{json.dumps(current)}, not an integer"
        raise _ChangeError(f"{target.address} is {shown}, so it cannot change by {_amount(change)}")

    def shifted(value: int) -> int:
        if change.operation == "add":
            return value + amount
        size = -(-abs(value * amount) // 100)  # rounded up, away from zero
        return value + size if value * amount >= 0 else value - size

    target.write(shifted(current))
    for step, key in _steps(target):
        step[key] = shifted(step[key])


def _amount(change: Change) -> str:
    return f"{change.value:+d}{'%' if change.operation == 'percent' else ''}"


def _steps(target: _Target) -> list[tuple[dict[str, Any], str]]:
    """The step-function values a relative change of `target` moves with it."""
    owner = target.owner
    if target.model is Resource and target.key == "capacity":
        return [(step, "capacity") for step in owner.get("capacity_changes", [])]
    if target.model is Supply and target.key == "per_day":
        return [(step, "per_day") for step in owner.get("changes", [])]
    if target.model is None and target.field == "staff":
        return [(step, "headcount") for step in owner.get("staff_changes", []) if step["pool"] == target.key]
    return []
