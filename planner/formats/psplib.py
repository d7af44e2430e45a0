"""PSPLIB single-mode RCPSP files (`.sm`) as `restart-instance/1` instances.

The mapping is the one ../shared/spec/PROBLEM.md names for `makespan`: every
job is a single-mode system (`j1`..`jN`, the file's numbering, the dummy source
and sink kept as zero-day systems), every renewable resource a resource
(`R1`..`Rk`), and one line `project` needs every system, so its restart day is
the project's makespan. The plant works every day and has no staff. A
non-renewable resource that no job uses is left out; one that a job uses is
not supported, nor are multiple modes (`.mm` files).

The file is parsed by the `psplib` package; before that, a scan of the file
finds its sections and rows so that every problem is reported with its line
(`line 19 (job 2): 3 modes ...`), which `psplib` itself cannot do.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psplib  # type: ignore[import-untyped]
from pydantic import ValidationError

from planner.errors import InstanceError
from planner.formats.read import located_problems
from planner.formats.schema import Instance

MAX_HORIZON = 3650  # the schema's limit on horizon_days

_SECTIONS = ("PRECEDENCE RELATIONS", "REQUESTS/DURATIONS", "AVAILABILITIES")
_SYSTEM_PLACE = re.compile(r"^systems\[(\d+)\]((?:\.\w+)*): (.*)$", re.DOTALL)
_JOBS_HEADER = re.compile(r"^jobs \(incl\. supersource/sink\s*\)\s*:\s*(\S+)")


@dataclass(frozen=True)
class Bound:
    """What is known of one instance's optimal makespan."""

    name: str
    ub: int  # best known makespan
    lb: int | None  # best proven lower bound; None when none is published
    optimal: bool  # lb == ub: `ub` is the optimum


def from_psplib(path: str | Path, name: str | None = None) -> Instance:
    """Read a PSPLIB single-mode file as an instance whose `makespan` optimum is the RCPSP optimum.

    `name` defaults to the file's stem (`j301_1`, as in the PSPLIB tables).
    Multi-mode files, non-renewable resources with a nonzero demand and
    malformed files raise `InstanceError`, every problem with its line.
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise InstanceError([f"cannot read the file: {err.strerror or err}"], source=source) from None
    except UnicodeDecodeError as err:
        raise InstanceError([f"the file is not text (byte {err.start})"], source=source) from None

    layout = _Layout.scan(text)
    if layout.problems:
        raise InstanceError(layout.problems, source=source)
    try:
        project = psplib.parse(path, instance_format="psplib")
    except (ValueError, IndexError) as err:  # what the scan did not foresee
        raise InstanceError([f"not a PSPLIB file: {err}"], source=source) from None

    problems = _unsupported(project, layout)
    if problems:
        raise InstanceError(problems, source=source)
    try:
        return _instance(project, name if name is not None else path.stem)
    except ValidationError as err:
        # a number beyond the schema's limits
        raise InstanceError([layout.locate(p) for p in located_problems(err)], source=source) from None
    except InstanceError as err:  # a cycle of successors, found by the schema
        raise InstanceError([layout.locate(p) for p in err.problems], source=source) from None


def to_json(instance: Instance) -> str:
    """The instance file's text, fields at their default left out."""
    return instance.model_dump_json(indent=2, exclude_defaults=True) + "\n"


def known_bounds(csv_path: str | Path) -> dict[str, Bound]:
    """Instance name -> `Bound`, from a table with columns `instance,ub,lb,optimal` (bounds.csv)."""
    bounds: dict[str, Bound] = {}
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), start=2):
            try:
                bounds[row["instance"]] = Bound(
                    name=row["instance"],
                    ub=int(row["ub"]),
                    lb=int(row["lb"]) if row["lb"] else None,
                    optimal=row["optimal"] == "1",
                )
            except (KeyError, TypeError, ValueError) as err:
                raise InstanceError([f"line {row_number}: bad row ({err})"], source=str(csv_path)) from None
    return bounds


# --- conversion -----------------------------------------------------------------


def _instance(project: psplib.ProjectInstance, name: str) -> Instance:
    renewable = [(k, res) for k, res in enumerate(project.resources) if res.renewable]
    resource_ids = {k: f"R{number}" for number, (k, _) in enumerate(renewable, start=1)}
    predecessors: list[list[int]] = [[] for _ in project.activities]
    for job, activity in enumerate(project.activities):
        for successor in activity.successors:
            predecessors[successor].append(job)

    systems: list[dict[str, Any]] = []
    for job, activity in enumerate(project.activities):
        mode = activity.modes[0]
        system: dict[str, Any] = {
            "id": f"j{job + 1}",
            "name": f"job {job + 1}",
            "after": [f"j{p + 1}" for p in sorted(set(predecessors[job]))],
            "duration_days": mode.duration,
        }
        demand = {resource_ids[k]: mode.demands[k] for k in resource_ids if mode.demands[k] > 0}
        if demand:
            system["demand"] = demand
        systems.append(system)
    # The serial schedule (one job after another) ends at the sum of the durations.
    horizon = min(sum(s["duration_days"] for s in systems) + 1, MAX_HORIZON)
    # Validated as a whole so that a problem has its place (`systems[3].duration_days`).
    return Instance.model_validate(
        {
            "format": "restart-instance/1",
            "name": name,
            "horizon_days": horizon,
            "objective": "makespan",
            "resources": [{"id": resource_ids[k], "capacity": res.capacity} for k, res in renewable],
            "systems": systems,
            "plants": [{"id": "site", "name": "Project site", "workdays": [0, 1, 2, 3, 4, 5, 6]}],
            "materials": [{"id": "done", "name": "Project done", "value": 0}],
            "lines": [
                {
                    "id": "project",
                    "name": "Project",
                    "plant": "site",
                    "output": "done",
                    "rate_per_shift": 1,
                    "systems": [s["id"] for s in systems],
                }
            ],
        }
    )


def _unsupported(project: psplib.ProjectInstance, layout: _Layout) -> list[str]:
    """Multiple modes and non-renewable demand, at the job's or the mode's line."""
    problems = []
    names = layout.resource_names
    mode_row = 0
    for job, activity in enumerate(project.activities):
        here = f"line {layout.job_lines[job]} (job {job + 1})"
        if len(activity.modes) > 1:
            problems.append(
                f"{here}: {len(activity.modes)} modes; only single-mode files (.sm) are supported"
            )
        for number, mode in enumerate(activity.modes, start=1):
            used = [
                f"{names[k]} ({amount})"
                for k, (res, amount) in enumerate(zip(project.resources, mode.demands, strict=True))
                if not res.renewable and amount > 0
            ]
            if used:
                problems.append(
                    f"line {layout.mode_lines[mode_row]} (job {job + 1}, mode {number}): uses the "
                    f"non-renewable {', '.join(used)}; non-renewable resources are not supported"
                )
            mode_row += 1
    return problems


# --- the scan that locates problems -----------------------------------------------


@dataclass
class _Layout:
    """Line numbers (1-based) of the job and mode rows, the resources' names, the problems found."""

    job_lines: list[int] = field(default_factory=list)
    mode_lines: list[int] = field(default_factory=list)
    resource_names: list[str] = field(default_factory=list)
    modes_per_job: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def scan(cls, text: str) -> _Layout:
        # The same rows psplib reads: non-blank lines, each section's rows between
        # its column header(s) and the separator line before the next section.
        lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        layout = cls()
        found = {}
        for section in _SECTIONS:
            at = next((i for i, (_, line) in enumerate(lines) if section in line), None)
            if at is None:
                layout.problems.append(f"no '{section}' section: not a PSPLIB file")
            else:
                found[section] = at
        if len(found) == 0:
            layout.problems = [f"none of the sections {', '.join(_SECTIONS)}: not a PSPLIB file"]
        if layout.problems:
            return layout
        prec, req, avail = (found[s] for s in _SECTIONS)
        if not prec < req < avail or avail + 2 >= len(lines):
            layout.problems.append(
                f"line {lines[prec][0]}: the sections are not in PSPLIB order "
                "(PRECEDENCE RELATIONS, REQUESTS/DURATIONS, RESOURCEAVAILABILITIES with its two rows)"
            )
            return layout
        layout._resources(lines[avail + 1], lines[avail + 2])
        if layout.problems:  # the width of every request row would be wrong too
            return layout
        layout._jobs(lines, lines[prec + 2 : req - 1])
        layout._modes(lines[req + 3 : avail - 1])
        return layout

    def _resources(self, header: tuple[int, str], capacities: tuple[int, str]) -> None:
        kinds = re.findall(r"([A-Za-z]+)\s*(\d+)", header[1])
        self.resource_names = [f"{kind} {number}" for kind, number in kinds]
        for kind, number in kinds:
            if kind not in ("R", "N"):
                self._add(
                    header[0],
                    f"resource '{kind} {number}': only renewable (R) and non-renewable (N) are known",
                )
        values = self._numbers(capacities)
        if values is not None and len(values) != len(kinds):
            self._add(capacities[0], f"{len(values)} capacities for {len(kinds)} resources")

    def _jobs(self, lines: Sequence[tuple[int, str]], rows: Sequence[tuple[int, str]]) -> None:
        self.job_lines = [n for n, _ in rows]
        for n, line in lines:
            match = _JOBS_HEADER.match(line)
            if match and match[1] != str(len(rows)):
                self._add(n, f"{match[1]} jobs announced, {len(rows)} rows of PRECEDENCE RELATIONS")
        self.modes_per_job = []
        for job, row in enumerate(rows, start=1):
            values = self._numbers(row)
            if values is None:
                self.modes_per_job.append(1)
                continue
            if len(values) < 3:
                self._add(row[0], "expected jobnr., #modes, #successors and the successors")
                self.modes_per_job.append(1)
                continue
            number, modes, count, *successors = values
            self.modes_per_job.append(modes)
            if number != job:
                self._add(row[0], f"job number {number}, expected {job}")
            if modes < 1:
                self._add(row[0], f"job {job} has {modes} modes")
            if count != len(successors):
                self._add(row[0], f"{count} successors announced, {len(successors)} given")
            for successor in successors:
                if not 1 <= successor <= len(rows) or successor == job:
                    self._add(row[0], f"successor {successor} is not another job (1..{len(rows)})")

    def _modes(self, rows: Sequence[tuple[int, str]]) -> None:
        self.mode_lines = [n for n, _ in rows]
        expected = sum(self.modes_per_job)
        if len(rows) != expected:
            where = rows[0][0] if rows else self.job_lines[-1] if self.job_lines else 1
            self._add(where, f"{len(rows)} rows of REQUESTS/DURATIONS, expected {expected} (one a mode)")
            return
        width = len(self.resource_names)
        at = 0
        for job, modes in enumerate(self.modes_per_job, start=1):
            for mode in range(1, modes + 1):
                n, _ = rows[at]
                values = self._numbers(rows[at])
                at += 1
                # A job's first mode row starts with the job number, the others do not.
                columns = width + (3 if mode == 1 else 2)
                if values is not None and len(values) != columns:
                    self._add(
                        n,
                        f"job {job} mode {mode}: {len(values)} numbers, expected {columns} "
                        f"({'jobnr., ' if mode == 1 else ''}mode, duration and one request a resource)",
                    )

    def _numbers(self, row: tuple[int, str]) -> list[int] | None:
        n, line = row
        values = []
        for token in line.split():
            try:
                value = int(token)
            except ValueError:
                if token.startswith("*"):
                    self._add(n, "a row of numbers is missing before this separator line")
                else:
                    self._add(n, f"expected whole numbers, got '{token[:20]}'")
                return None
            if value < 0:
                self._add(n, f"negative number {value}")
                return None
            values.append(value)
        return values

    def locate(self, problem: str) -> str:
        """`systems[2].duration_days: ...` (a place in the converted instance) -> its line in the file.

        Precedence problems go to the job's PRECEDENCE RELATIONS row, the others
        to its REQUESTS/DURATIONS row (a single-mode job has one).
        """
        match = _SYSTEM_PLACE.match(problem)
        if match is None or int(match[1]) >= min(len(self.job_lines), len(self.mode_lines)):
            return problem
        job, attribute, message = int(match[1]), match[2] or "", match[3]
        if attribute in ("", ".after"):
            return f"line {self.job_lines[job]} (job {job + 1}): {message}"
        return f"line {self.mode_lines[job]} (job {job + 1}, {attribute[1:]}): {message}"

    def _add(self, line: int, message: str) -> None:
        self.problems.append(f"line {line}: {message}")
