"""Deterministic generator of realistic restart instances (`restart-instance/1`).

`generate(size, seed)` builds the estate of a car maker after a cyber attack,
the same for the same arguments (`random.Random(seed)`, no set iteration, no
clock): `instance_json(generate(size, seed))` is byte-identical run after run.

The structure follows the real case (../shared/research/jlr-2025.md):

- plants: vehicle plants with a press -> body -> paint -> final assembly chain
  (one to three models each), powertrain plants whose engines and battery
  packs feed the vehicle plants' assembly, stand-alone stamping plants (large
  sizes), CKD plants (kits in, vehicles out; one of them, with its own IT,
  never stopped: its line restarted before day 0);
- systems: a core (containment, identity, network, hosting, backups) that
  everything depends on, the ERP with one call-off (ordering) system per
  supplier region, payments behind a bank's assurance (a clearance with no
  team), order bank, logistics, per-plant networks, MES and OT segments and
  per-line controllers; an `after` DAG; some systems with two or three modes
  (one team slow, two teams fast, an external team arriving later);
- resources: two to four kinds of security team whose capacity steps up as
  help arrives, and commissioning engineers;
- materials: supplier clusters (steel, paint, castings, cells,
  semiconductors, CKD kits, per-plant tier-1 parts) delivered once the
  supplier is back and the cluster's ordering system is cleared, plus a lead
  time, with a recovering supply; intermediates (pressings, bodies, painted
  bodies, engines, packs) of value 0; vehicles valued in £100 of contribution;
- staff pools per plant recalled in steps, calendars from `start_date` with
  the region's bank holidays.

Capacities, staff and supply are calibrated from the generated demand so that
security teams, staff and parts each bind somewhere and lines restart spread
over the horizon. Everything that is forced (`fixed_start`, a positive
`fixed_restart`, a running line) is checked by a small schedule-generation
pass, so every instance has a feasible plan under `lost_value`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from planner.formats.schema import Instance

__all__ = ["SIZES", "Size", "generate", "instance_json"]


@dataclass(frozen=True)
class Size:
    """The targets of one size; a generated instance's counts come close to them."""

    name: str
    days: int
    lines: int
    systems: int
    materials: int
    plants: int
    powertrain_plants: int
    ckd_plants: int
    press_plants: int
    regions: int
    security_kinds: int  # kinds of security team, 2..4
    durations: tuple[int, int]  # clearance days, shortest..longest
    detailed_ot: bool  # a site network and an OT segment per shop (else one OT segment a plant)


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 14, 3, 6, 7, 2, 1, 0, 0, 1, 2, (1, 3), False),
    "small": Size("small", 30, 8, 20, 20, 3, 1, 0, 0, 1, 3, (1, 5), False),
    "medium": Size("medium", 60, 20, 50, 50, 6, 1, 1, 0, 2, 4, (2, 7), False),
    "large": Size("large", 120, 40, 150, 150, 10, 2, 2, 1, 3, 4, (2, 10), True),
    "xl": Size("xl", 365, 100, 400, 300, 24, 3, 3, 2, 4, 4, (3, 10), True),
}

# --- the world: regions, towns, models, commodities -----------------------------------------

_FIXED_HOLIDAYS: dict[str, list[tuple[int, int]]] = {
    "uk": [(1, 1), (12, 25), (12, 26)],
    "sk": [(1, 1), (1, 6), (5, 1), (5, 8), (7, 5), (8, 29), (9, 1), (9, 15), (11, 1), (11, 17),
           (12, 24), (12, 25), (12, 26)],
    "in": [(1, 26), (8, 15), (10, 2), (12, 25)],
    "br": [(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (11, 20), (12, 25)],
    "cn": [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3), (10, 6), (10, 7)],
}  # fmt: skip
_TOWNS: dict[str, list[str]] = {
    "uk": ["Ashcombe", "Brackley", "Castleton", "Dunmore", "Elmridge", "Fenwick", "Greyhaven", "Hartwell",
           "Ironbridge", "Kingsmead", "Larkfield", "Northgate", "Oakhurst", "Redcliffe"],
    "sk": ["Trnava", "Zvolen", "Senec", "Piestany", "Martin", "Lucenec", "Nove-Zamky", "Poprad"],
    "in": ["Chakan", "Sanand", "Hosur", "Pithampur", "Manesar", "Oragadam", "Halol", "Dharwad"],
    "br": ["Resende", "Sorocaba", "Camacari", "Betim", "Anapolis", "Taubate", "Jacarei", "Gravatai"],
    "cn": ["Changshu", "Tiexi", "Wuhu", "Xiangtan", "Anting", "Huadu", "Yizheng", "Ningde"],
}  # fmt: skip
_MODELS = [
    "Aurora", "Ranger", "Vista", "Nomad", "Summit", "Tundra", "Pioneer", "Breeze", "Atlas", "Orion",
    "Sierra", "Meridian", "Comet", "Harbor", "Quest", "Falcon", "Kestrel", "Mistral", "Solstice",
    "Voyager", "Zephyr", "Cirrus", "Granite", "Highland", "Lynx", "Marlin", "Nimbus", "Osprey", "Puma",
    "Raven", "Sable", "Talon", "Umber", "Valiant", "Wessex", "Yukon", "Argent", "Bastion", "Cobalt",
    "Drake", "Ember", "Fjord", "Glacier", "Heron", "Ibex", "Jaguarundi", "Kodiak", "Lancer", "Monarch",
    "Nova", "Onyx", "Pinnacle", "Regent", "Scout", "Tempest", "Ventura", "Warden", "Xenon", "Zenith",
]  # fmt: skip
# Tier-1 commodities a vehicle plant buys per plant: (id, name, units per vehicle, shop).
_COMMODITIES: list[tuple[str, str, int, str]] = [
    ("seats", "seats (sequenced)", 1, "assembly"),
    ("harness", "wiring harnesses", 1, "assembly"),
    ("tyres-wheels", "tyres and wheels", 5, "assembly"),
    ("cockpit", "cockpit modules", 1, "assembly"),
    ("glazing", "glazing", 1, "assembly"),
    ("bumpers", "bumpers and fascias", 2, "assembly"),
    ("interior-trim", "interior trim", 1, "assembly"),
    ("lamps", "lamps", 4, "assembly"),
    ("axles", "axles and suspension", 2, "assembly"),
    ("brakes", "brake systems", 1, "assembly"),
    ("body-fasteners", "body fasteners and brackets", 1, "body"),
    ("exhaust", "exhaust systems", 1, "assembly"),
    ("fuel-system", "fuel systems", 1, "assembly"),
    ("steering", "steering systems", 1, "assembly"),
    ("hvac", "HVAC modules", 1, "assembly"),
    ("infotainment", "infotainment units", 1, "assembly"),
    ("airbags", "airbags and restraints", 1, "assembly"),
    ("door-modules", "door modules", 4, "assembly"),
    ("sealers", "sealers and adhesives", 1, "body"),
    ("headliners", "headliners", 1, "assembly"),
    ("carpets", "carpets and acoustics", 1, "assembly"),
    ("mirrors", "mirrors", 2, "assembly"),
    ("seatbelts", "seat belts", 1, "assembly"),
    ("cooling", "radiators and cooling", 1, "assembly"),
    ("driveshafts", "drive shafts", 2, "assembly"),
    ("batteries-12v", "12 V batteries", 1, "assembly"),
    ("sunroofs", "sunroofs", 1, "assembly"),
    ("sub-assemblies", "welded sub-assemblies", 1, "body"),
    ("fluids", "fluids", 1, "assembly"),
    ("badges", "badges and labels", 1, "assembly"),
    ("wipers", "wiper systems", 1, "assembly"),
    ("underbody", "underbody shields", 1, "assembly"),
]

_IT = "forensic-it"
_OT = "ot-security"
_ERP = "erp-team"
_EXT = "external-ir"
_COMM = "commissioning-engineers"
_SHOPS = ("press", "body", "paint", "assembly")


# --- the generator's own records -------------------------------------------------------------


@dataclass
class _System:
    id: str
    name: str
    after: list[str]
    modes: list[tuple[int, dict[str, int]]]
    release_day: int = 0
    cleared: bool = False
    fixed_start: int | None = None


@dataclass
class _Plant:
    id: str
    name: str
    kind: str  # vehicle, powertrain, ckd, press
    region: str
    workdays: list[int]
    models: int = 0
    own_press: bool = False
    paint_lines: int = 0
    engine_lines: int = 0
    battery: bool = False
    press_lines: int = 0
    closed_days: list[int] = field(default_factory=list)
    staff: dict[str, int] = field(default_factory=dict)
    staff_changes: list[tuple[int, str, int]] = field(default_factory=list)
    running: bool = False  # never stopped: its own IT, its lines restarted before day 0


@dataclass
class _Supply:
    per_day: int
    from_day: int
    ordering_system: str | None
    lead_days: int
    changes: list[tuple[int, int]]


@dataclass
class _Material:
    id: str
    name: str
    value: int = 0
    on_hand: int = 0
    supply: _Supply | None = None
    region: str = "uk"
    critical: bool = False  # a scarce cluster (slow recovery)


@dataclass
class _Line:
    id: str
    name: str
    plant: _Plant
    shop: str  # press, body, paint, assembly, engine, battery, ckd
    output: str
    rate: int
    max_shifts: int
    baseline: int
    crew: dict[str, int] = field(default_factory=dict)
    inputs: dict[str, int] = field(default_factory=dict)
    systems: list[str] = field(default_factory=list)
    ramp: list[int] = field(default_factory=list)
    commissioning: tuple[int, dict[str, int]] | None = None
    after_lines: list[str] = field(default_factory=list)
    release_day: int = 0
    fixed_restart: int | None = None

    @property
    def weekly(self) -> int:
        """Units a week at baseline."""
        return self.rate * self.baseline * len(self.plant.workdays)


@dataclass
class _Resource:
    id: str
    capacity: int
    changes: list[tuple[int, int]] = field(default_factory=list)

    def profile(self, horizon: int) -> list[int]:
        caps, value = [], self.capacity
        steps = dict(self.changes)
        for day in range(horizon):
            value = steps.get(day, value)
            caps.append(value)
        return caps


class _Usage:
    """Day-by-day resource usage, for placing forced activities where they fit."""

    def __init__(self, resources: list[_Resource], horizon: int) -> None:
        self.horizon = horizon
        self.cap = {r.id: r.profile(horizon) for r in resources}
        self.used = {r.id: [0] * horizon for r in resources}

    def copy(self) -> _Usage:
        other = _Usage([], self.horizon)
        other.cap = self.cap
        other.used = {res: list(days) for res, days in self.used.items()}
        return other

    def fits(self, demand: dict[str, int], start: int, duration: int) -> bool:
        if start < 0 or start + duration > self.horizon:
            return False
        return all(
            self.used[res][t] + amount <= self.cap[res][t]
            for res, amount in demand.items()
            for t in range(start, start + duration)
        )

    def reserve(self, demand: dict[str, int], start: int, duration: int) -> None:
        for res, amount in demand.items():
            for t in range(start, start + duration):
                self.used[res][t] += amount

    def earliest(self, demand: dict[str, int], ready: int, duration: int) -> int | None:
        for start in range(ready, self.horizon - duration + 1):
            if self.fits(demand, start, duration):
                return start
        return None


# --- the generator ---------------------------------------------------------------------------


class _Generator:
    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = Random(seed)
        self.horizon = size.days
        self.compact = size.name == "tiny"
        self.plants: list[_Plant] = []
        self.lines: list[_Line] = []
        self.materials: dict[str, _Material] = {}
        self.systems: dict[str, _System] = {}
        self.resources: dict[str, _Resource] = {}
        self.used_names: set[str] = set()
        self.models = list(_MODELS)
        self.rng.shuffle(self.models)
        self.start = date(2024, 1, 1) + timedelta(days=self.rng.randint(0, 3 * 365))
        self.regions = ["uk", *self.rng.sample(["sk", "in", "br", "cn"], size.regions - 1)]
        self.core: list[str] = []  # the systems every plant's MES waits for

    # -- small helpers --

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def between(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def day_between(self, low: float, high: float) -> int:
        """A day in [low, high] x horizon, at least 1 and before the last day."""
        lo = max(1, round(low * self.horizon))
        hi = max(lo, min(self.horizon - 2, round(high * self.horizon)))
        return self.rng.randint(lo, hi)

    def town(self, region: str) -> str:
        for name in _TOWNS[region]:
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{_TOWNS[region][0]}-{len(self.used_names)}"
        self.used_names.add(name)
        return name

    def model_name(self) -> str:
        return self.models.pop() if self.models else f"Model-{len(self.lines)}"

    def duration(self, part: str = "any") -> int:
        low, high = self.size.durations
        mid = (low + high) // 2
        if part == "long":
            return self.rng.randint(mid, high)
        if part == "short":
            return self.rng.randint(low, max(low, mid))
        return self.rng.randint(low, high)

    # -- the instance --

    def build(self) -> dict[str, Any]:
        self.make_resources()
        self.make_plants()
        self.make_lines()
        self.make_core_systems()
        self.make_plant_systems()
        self.make_materials()
        self.calibrate_capacity()
        self.make_staff()
        self.make_calendars()
        self.make_line_details()
        self.force_decisions()
        return self.emit()

    # -- resources (capacities are calibrated later) --

    def make_resources(self) -> None:
        kinds = [_IT, _OT, _ERP, _EXT][: self.size.security_kinds]
        for kind in [*kinds, _COMM]:
            self.resources[kind] = _Resource(kind, 1)

    # -- plants --

    def make_plants(self) -> None:
        size, rng = self.size, self.rng
        five, six, seven = [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5], list(range(7))
        powertrain = size.powertrain_plants if not self.compact else rng.randint(0, 1)
        vehicles = size.plants - size.powertrain_plants - size.ckd_plants - size.press_plants
        for k in range(vehicles):
            region = "uk" if k == 0 else rng.choice(self.regions)
            town = self.town(region)
            plant = _Plant(slug(town), f"{town} vehicle plant", "vehicle", region, five)
            plant.workdays = six if self.chance(0.2) else five
            plant.models = 1
            plant.paint_lines = 1
            plant.own_press = not self.compact and (size.press_plants == 0 or k % 2 == 0)
            if size.name == "small":
                plant.own_press = self.chance(0.5)
            self.plants.append(plant)
        for k in range(powertrain):
            region = "uk" if k == 0 else self.regions[k % len(self.regions)]
            town = self.town(region)
            battery = not self.compact and self.chance(0.75)
            kind = "engine and battery plant" if battery else "engine plant"
            plant = _Plant(slug(town), f"{town} {kind}", "powertrain", region, five)
            plant.workdays = rng.choice([five, six, seven]) if not self.compact else five
            plant.engine_lines = 1 if vehicles <= 3 else rng.randint(1, 2)
            plant.battery = battery
            self.plants.append(plant)
        for _ in range(size.press_plants):
            town = self.town("uk")
            plant = _Plant(slug(town), f"{town} stamping plant", "press", "uk", five)
            plant.press_lines = rng.randint(1, 2)
            self.plants.append(plant)
        overseas = [r for r in self.regions if r != "uk"] or ["uk"]
        for k in range(size.ckd_plants):
            region = overseas[k % len(overseas)]
            town = self.town(region)
            plant = _Plant(slug(town), f"{town} CKD assembly plant", "ckd", region, five)
            plant.workdays = six if self.chance(0.3) else five
            plant.running = k == 0
            self.plants.append(plant)
        self.fill_models()

    def line_count(self) -> int:
        count = 0
        for p in self.plants:
            if p.kind == "vehicle":
                count += int(p.own_press) + p.paint_lines + 2 * p.models
            elif p.kind == "powertrain":
                count += p.engine_lines + int(p.battery)
            elif p.kind == "press":
                count += p.press_lines
            else:
                count += 1
        return count

    def fill_models(self) -> None:
        """Add models (a body line and an assembly line each) until the line target is met."""
        target = self.size.lines
        while self.line_count() < target - 1:
            room = [p for p in self.plants if p.kind == "vehicle" and p.models < 3]
            if not room:
                break
            plant = self.rng.choice(room)
            plant.models += 1
            if plant.models == 3:
                plant.paint_lines = 2

    # -- lines and what they make --

    def add_material(self, mid: str, name: str, **kw: Any) -> _Material:
        mat = _Material(mid, name, **kw)
        self.materials[mid] = mat
        return mat

    def add_line(self, plant: _Plant, shop: str, suffix: str, name: str, output: str, **kw: Any) -> _Line:
        lid = f"{plant.id}-{shop}{suffix}"
        line = _Line(lid, f"{plant.name.split(' ')[0]} {name}", plant, shop, output, **kw)
        self.lines.append(line)
        return line

    def sized(self, weekly: float, baseline: int, plant: _Plant, slack: tuple[float, float]) -> int:
        """Rate per shift that meets `weekly` units at `baseline` shifts, with some slack."""
        return max(1, math.ceil(weekly * self.between(*slack) / (baseline * len(plant.workdays))))

    def make_lines(self) -> None:
        rng = self.rng
        pt_plants = [p for p in self.plants if p.kind == "powertrain"]
        press_plants = [p for p in self.plants if p.kind == "press"]
        engine_users: dict[str, list[_Line]] = {
            f"engine-{p.id}-{k}": [] for p in pt_plants for k in range(1, p.engine_lines + 1)
        }
        battery_users: dict[str, list[_Line]] = {f"battery-{p.id}": [] for p in pt_plants}
        pressing_users: dict[str, list[_Line]] = {p.id: [] for p in press_plants}
        vehicle_plants = [p for p in self.plants if p.kind == "vehicle"]
        for plant in vehicle_plants:
            assemblies: list[_Line] = []
            for _ in range(plant.models):
                model = self.model_name()
                vid = f"veh-{slug(model)}"
                self.add_material(vid, f"{model} (built at {plant.name.split(' ')[0]})")
                self.materials[vid].value = rng.randint(8, 40) * 10
                max_shifts = rng.choice([2, 3, 3])
                line = self.add_line(
                    plant,
                    "assembly",
                    f"-{slug(model)}",
                    f"trim and final assembly, {model}",
                    vid,
                    rate=rng.randint(30, 140),
                    max_shifts=max_shifts,
                    baseline=max_shifts - int(self.chance(0.4)),
                )
                assemblies.append(line)
            weekly = sum(a.weekly for a in assemblies)
            if plant.paint_lines:
                self.add_material(f"painted-{plant.id}", f"painted bodies, {plant.name}")
            self.add_material(f"body-{plant.id}", f"bodies in white, {plant.name}")
            for k, asm in enumerate(assemblies):
                base = asm.baseline
                body = self.add_line(
                    plant,
                    "body",
                    f"-{chr(97 + k)}",
                    f"body shop {chr(65 + k)}",
                    f"body-{plant.id}",
                    rate=self.sized(asm.weekly, base, plant, (1.03, 1.1)),
                    max_shifts=asm.max_shifts,
                    baseline=base,
                )
                asm.inputs[f"painted-{plant.id}"] = 1
                if plant.own_press:
                    body.inputs[f"pressings-{plant.id}"] = 1
                elif press_plants:
                    if k == 0:  # the least-loaded stamping plant serves this plant
                        source = min(press_plants, key=lambda p: len(pressing_users[p.id]))
                    body.inputs[f"pressings-{source.id}"] = 1
                    pressing_users[source.id].append(body)
            for k in range(plant.paint_lines):
                self.add_line(
                    plant,
                    "paint",
                    "" if plant.paint_lines == 1 else f"-{chr(97 + k)}",
                    "paint shop" if plant.paint_lines == 1 else f"paint shop {chr(65 + k)}",
                    f"painted-{plant.id}",
                    rate=self.sized(weekly / plant.paint_lines, 3, plant, (1.04, 1.12)),
                    max_shifts=3,
                    baseline=3,
                    inputs={f"body-{plant.id}": 1},
                )
            if plant.own_press:
                self.add_material(f"pressings-{plant.id}", f"pressing sets, {plant.name}")
                self.add_line(
                    plant,
                    "press",
                    "",
                    "press shop",
                    f"pressings-{plant.id}",
                    rate=self.sized(weekly, 2, plant, (1.05, 1.15)),
                    max_shifts=3,
                    baseline=2,
                )
            for asm in assemblies:
                if pt_plants:
                    self.power(asm, pt_plants, engine_users, battery_users)
        # Shops are listed upstream first: press, body, paint, assembly.
        order = {"press": 0, "body": 1, "paint": 2, "assembly": 3}
        self.lines.sort(key=lambda ln: (vehicle_plants.index(ln.plant), order[ln.shop]))

        for pt in pt_plants:
            # Every pack line gets a customer: a plug-in hybrid if need be.
            pack = f"battery-{pt.id}"
            ice = [u for k in range(1, pt.engine_lines + 1) for u in engine_users[f"engine-{pt.id}-{k}"]]
            if pt.battery and not battery_users[pack] and ice:
                ice[0].inputs[pack] = 1
                battery_users[pack].append(ice[0])
            for k in range(1, pt.engine_lines + 1):
                engine = f"engine-{pt.id}-{k}"
                weekly = sum(u.weekly for u in engine_users[engine]) or 500
                label = ["I4", "I6"][k - 1]
                self.add_material(engine, f"{label} engines from {pt.name.split(' ')[0]}")
                base = rng.choice([2, 3])
                self.add_line(
                    pt,
                    "engine",
                    f"-{label.lower()}",
                    f"{label} engine line",
                    engine,
                    rate=self.sized(weekly, base, pt, (1.04, 1.12)),
                    max_shifts=3,
                    baseline=base,
                )
            if pt.battery:
                weekly = sum(u.weekly for u in battery_users[pack]) or 300
                self.add_material(pack, f"battery packs from {pt.name.split(' ')[0]}")
                self.add_line(
                    pt,
                    "battery",
                    "",
                    "battery pack assembly",
                    pack,
                    rate=self.sized(weekly, 3, pt, (1.04, 1.12)),
                    max_shifts=3,
                    baseline=3,
                )
        for press in (p for p in self.plants if p.kind == "press"):
            weekly = sum(u.weekly for u in pressing_users[press.id]) or 2000
            self.add_material(f"pressings-{press.id}", f"pressing sets from {press.name}")
            for k in range(press.press_lines):
                self.add_line(
                    press,
                    "press",
                    f"-{k + 1}",
                    f"press line {k + 1}",
                    f"pressings-{press.id}",
                    rate=self.sized(weekly / press.press_lines, 2, press, (1.05, 1.15)),
                    max_shifts=3,
                    baseline=2,
                )
        for ckd in (p for p in self.plants if p.kind == "ckd"):
            model = self.model_name()
            vid = f"veh-{slug(model)}-ckd"
            self.add_material(vid, f"{model} (CKD, {ckd.name.split(' ')[0]})", value=rng.randint(6, 15) * 10)
            max_shifts = rng.choice([1, 2])
            self.add_line(
                ckd,
                "ckd",
                "",
                "CKD assembly",
                vid,
                rate=rng.randint(5, 25),
                max_shifts=max_shifts,
                baseline=1,
            )

        for line in self.lines:
            crew_per_unit = {
                "press": (0.3, 0.6),
                "body": (1.0, 2.0),
                "paint": (0.8, 1.2),
                "assembly": (4.0, 6.0),
                "engine": (0.4, 0.8),
                "battery": (0.3, 0.6),
                "ckd": (6.0, 10.0),
            }[line.shop]
            production = max(12, round(line.rate * self.between(*crew_per_unit)))
            line.crew = {
                "production": production,
                "maintenance": max(2, round(production * self.between(0.04, 0.1))),
            }

    def power(
        self,
        asm: _Line,
        pt_plants: list[_Plant],
        engine_users: dict[str, list[_Line]],
        battery_users: dict[str, list[_Line]],
    ) -> None:
        """Engines and/or packs for an assembly line from the least-loaded (local) powertrain plant."""

        def load(pt: _Plant) -> int:
            engines = sum(len(engine_users[f"engine-{pt.id}-{k}"]) for k in range(1, pt.engine_lines + 1))
            return engines + len(battery_users[f"battery-{pt.id}"])

        local = [p for p in pt_plants if p.region == asm.plant.region] or pt_plants
        pt = min(local, key=load)
        kind = self.rng.choice(["ice", "ice", "phev", "bev"]) if pt.battery else "ice"
        if kind != "bev":
            engines = [f"engine-{pt.id}-{k}" for k in range(1, pt.engine_lines + 1)]
            engine = min(engines, key=lambda e: len(engine_users[e]))
            asm.inputs[engine] = 1
            engine_users[engine].append(asm)
        if kind != "ice":
            asm.inputs[f"battery-{pt.id}"] = 1
            battery_users[f"battery-{pt.id}"].append(asm)

    # -- systems --

    def add_system(
        self, sid: str, name: str, after: list[str], team: str | None, days: int, *, modes: float = 0.0
    ) -> _System:
        """A clearance by one `team` (none: waiting on an outsider), sometimes also faster ways."""
        options: list[tuple[int, dict[str, int]]] = [(days, {team: 1} if team else {})]
        if team and days >= 2 and self.chance(modes):
            options.append((math.ceil(days * 0.55), {team: 2}))
            if _EXT in self.resources and self.chance(0.4):
                options.append((math.ceil(days * 0.6), {_EXT: 1}))
        system = _System(sid, name, after, options)
        self.systems[sid] = system
        return system

    def make_core_systems(self) -> None:
        d = self.duration
        erp_team = _ERP if _ERP in self.resources else _IT
        if self.compact:
            self.add_system("core-it", "Core IT: identity, network, hosting", [], _IT, d("long"), modes=0.7)
            self.add_system("erp", "ERP with supplier call-offs", ["core-it"], erp_team, d(), modes=0.5)
            self.core = ["core-it"]
            return
        if self.size.name == "small":
            self.add_system("identity", "Identity and privileged access", [], _IT, d("long"), modes=0.6)
            self.add_system("network", "Network core and firewalls", [], _IT, d("long"), modes=0.6)
            self.add_system("backup-restore", "Offline backup vault and restore platform", [], _IT, d())
            self.add_system("erp", "ERP", ["identity", "backup-restore"], erp_team, d("long"), modes=0.5)
            self.core = ["identity", "network"]
        else:
            containment = self.add_system(
                "containment", "Containment and forensic scoping of the estate", [], _IT, d("long")
            )
            containment.modes = [(containment.modes[0][0] + 2, {_IT: 1}), (containment.modes[0][0], {_IT: 2})]
            self.add_system("backup-restore", "Offline backup vault and restore platform", [], _IT, d())
            self.add_system(
                "identity", "Identity and privileged access", ["containment"], _IT, d("long"), modes=0.7
            )
            self.add_system(
                "network",
                "Network core, firewalls, remote access",
                ["containment"],
                _IT,
                d("long"),
                modes=0.7,
            )
            self.add_system("dc-hosting", "Data-centre hosting", ["network", "backup-restore"], _IT, d())
            erp = self.add_system(
                "erp", "ERP (materials, finance)", ["identity", "dc-hosting"], erp_team, d("long"), modes=0.5
            )
            erp.modes = [(days, {**demand, _IT: 1}) for days, demand in erp.modes]
            self.core = ["identity", "network"]
            for region in self.regions[1:] if self.size.detailed_ot else []:
                self.add_system(
                    f"wan-{region}", f"Wide-area link to {region.upper()} sites", ["network"], _IT, d()
                )
        self.add_system(
            "bank-assurance", "Bank's assurance before payment files are accepted", [self.core[0]], None, d()
        )
        for region in self.regions:
            after = ["erp"] + ([f"wan-{region}"] if f"wan-{region}" in self.systems else [])
            self.add_system(
                f"calloffs-{region}",
                f"Supplier call-offs / EDI, {region.upper()}",
                after,
                erp_team,
                d(),
                modes=0.4,
            )
        self.add_system(
            "payments", "Supplier invoicing and payments", ["erp", "bank-assurance"], erp_team, d(), modes=0.4
        )
        if self.size.name == "small":
            return
        self.add_system(
            "order-bank", "Vehicle order bank and build sequencing", ["erp"], erp_team, d("short")
        )
        self.add_system(
            "logistics-wms", "Logistics centre warehouse system", ["identity", "network"], _IT, d()
        )
        if any(p.kind == "ckd" for p in self.plants):
            self.add_system("ckd-export", "CKD export logistics", ["logistics-wms", "erp"], _IT, d("short"))
        fillers = [
            ("email", "E-mail and collaboration", ["identity"]),
            ("dealer-portal", "Dealer portal and parts catalogue", ["erp"]),
            ("registration", "Wholesale finance and vehicle registration", ["erp"]),
            ("aftersales", "Aftersales parts logistics", ["logistics-wms"]),
            ("hr-payroll", "HR and payroll", ["identity"]),
            ("plm", "Engineering data (PLM)", ["dc-hosting"]),
        ]
        count = {"medium": 2, "large": 5, "xl": 6}[self.size.name]
        for sid, name, after in fillers[:count]:
            self.add_system(sid, name, after, _IT, d())

    def make_plant_systems(self) -> None:
        d = self.duration
        segment: dict[tuple[str, str], str] = {}
        for plant in self.plants:
            short = plant.name.split(" ")[0]
            if self.compact:
                self.add_system(
                    f"mes-{plant.id}", f"{short} MES and OT network", self.core, _OT, d(), modes=0.4
                )
                continue
            if self.size.detailed_ot:
                wan = f"wan-{plant.region}"
                net = self.add_system(
                    f"site-net-{plant.id}",
                    f"{short} site network",
                    [wan if wan in self.systems else "network"],
                    _IT,
                    d("short"),
                )
                self.add_system(f"mes-{plant.id}", f"{short} MES", ["identity", net.id], _OT, d(), modes=0.5)
                shops = list(dict.fromkeys(ln.shop for ln in self.lines if ln.plant is plant))
                for shop in shops:
                    sid = f"ot-{plant.id}-{shop}"
                    self.add_system(sid, f"{short} {shop} OT segment", [net.id], _OT, d(), modes=0.3)
                    segment[plant.id, shop] = sid
            else:
                self.add_system(f"mes-{plant.id}", f"{short} MES", self.core, _OT, d(), modes=0.5)
                sid = f"ot-{plant.id}"
                self.add_system(sid, f"{short} OT network segment", ["network"], _OT, d(), modes=0.3)
                for shop in (*_SHOPS, "engine", "battery", "ckd"):
                    segment[plant.id, shop] = sid
        # The per-line controllers take what is left of the system target.
        budget = max(0, self.size.systems - len(self.systems))
        per_line = [0] * len(self.lines)
        for k in range(min(budget, len(self.lines))):
            per_line[k] = 1
        for _ in range(budget - len(self.lines)):
            per_line[self.rng.randrange(len(self.lines))] += 1
        if budget < len(self.lines):
            self.rng.shuffle(per_line)
        for line, count in zip(self.lines, per_line, strict=True):
            plant = line.plant
            parent = segment.get((plant.id, line.shop), f"mes-{plant.id}")
            line.systems = [f"mes-{plant.id}"] + ([parent] if parent != f"mes-{plant.id}" else [])
            for k in range(count):
                sid = f"ctl-{line.id}" + (f"-{k + 1}" if count > 1 else "")
                label = "line controllers" if count == 1 else f"line controllers, cell {k + 1}"
                self.add_system(sid, f"{line.name}: {label}", [parent], _OT, d("short"), modes=0.2)
                line.systems.append(sid)
            if line.shop == "assembly" and "order-bank" in self.systems:
                line.systems.append("order-bank")

    # -- bought parts --

    def buy(self, line: _Line, mid: str, name: str, units: int = 1, region: str | None = None) -> None:
        """`line` consumes `units` of the bought cluster `mid` per unit it makes."""
        if mid not in self.materials:
            self.add_material(mid, name, region=region or line.plant.region)
        line.inputs[mid] = units

    def make_materials(self) -> None:
        """Supplier clusters: the base ones, then per-plant tier-1 clusters up to the target."""
        rng = self.rng
        for line in self.lines:
            plant, region = line.plant, line.plant.region
            if line.shop == "press":
                self.buy(line, f"steel-{region}", f"steel coil ({region.upper()})")
            elif line.shop == "body" and not any(m.startswith("pressings-") for m in line.inputs):
                self.buy(line, f"stampings-{region}", f"bought stampings ({region.upper()})")
            elif line.shop == "paint":
                self.buy(line, f"paint-{region}", f"paint and sealers ({region.upper()})")
            elif line.shop == "engine":
                self.buy(line, f"castings-{plant.id}", f"blocks and heads for {plant.name}")
                self.buy(line, f"engine-parts-{region}", f"engine components ({region.upper()})")
            elif line.shop == "battery":
                self.buy(line, f"cells-{plant.id}", f"battery cells for {plant.name}", region="cn")
            elif line.shop == "ckd":
                self.buy(line, f"ckd-kits-{plant.id}", f"CKD kits shipped to {plant.name}", region="uk")
                self.buy(line, f"local-parts-{plant.id}", f"locally sourced parts for {plant.name}")
            elif line.shop == "assembly":
                if not any(m.startswith(("engine-", "battery-")) for m in line.inputs):
                    self.buy(line, "engines-bought", "engines bought from a partner")
                if not self.compact:
                    self.buy(line, "semiconductors", "semiconductors and ECUs (global)", region="cn")
        vehicle_plants = [p for p in self.plants if p.kind == "vehicle"]
        budget = max(0, self.size.materials - len(self.materials))
        per_plant = [0] * len(vehicle_plants)
        for k in range(budget):
            per_plant[k if k < len(per_plant) else rng.randrange(len(per_plant))] += 1
        for plant, count in zip(vehicle_plants, per_plant, strict=True):
            for cid, name, units, shop in _COMMODITIES[:count]:
                for line in self.lines:
                    if line.plant is plant and line.shop == shop:
                        self.buy(line, f"{cid}-{plant.id}", f"{name} for {plant.name}", units)
        outputs = {ln.output for ln in self.lines}
        for mat in self.materials.values():
            if mat.id in outputs:
                self.intermediate_stock(mat)
            else:
                self.make_supply(mat)

    def weekly_use(self, mid: str) -> float:
        return float(sum(ln.inputs[mid] * ln.weekly for ln in self.lines if mid in ln.inputs))

    def intermediate_stock(self, mat: _Material) -> None:
        """A buffer between shops (a painted-body store, engines at the plant): up to two days."""
        if mat.value > 0 or self.chance(0.4):
            return
        mat.on_hand = round(self.weekly_use(mat.id) / 5 * self.between(0.2, 2.0))

    def make_supply(self, mat: _Material) -> None:
        rng, horizon = self.rng, self.horizon
        weekly = self.weekly_use(mat.id)
        full = max(1, math.ceil(weekly / 7))
        daily = weekly / 5
        stem = mat.id.split("-")[0]
        mat.critical = mat.id == "semiconductors" or stem in ("cells", "ckd") or self.chance(0.12)
        overseas = stem in ("cells", "semiconductors", "ckd")
        if self.compact:
            ordering: str | None = "erp"
        elif stem == "ckd" and "ckd-export" in self.systems:
            ordering = "ckd-export"
        elif self.chance(0.1):
            ordering = None  # vendor-managed inventory: the supplier sees the line side itself
        elif self.chance(0.15):
            ordering = "payments"  # a cash-strapped supplier ships once paid
        else:
            ordering = f"calloffs-{mat.region if f'calloffs-{mat.region}' in self.systems else 'uk'}"
        scale = min(1.0, horizon / 60)
        lead = rng.randint(4, 12) if overseas else rng.randint(1, 4)
        lead = max(1, round(lead * scale)) if ordering else 0
        if mat.critical:
            per_day = max(1, round(full * self.between(0.25, 0.5)))
            first = self.day_between(0.1, 0.3)
            second = self.day_between(0.35, 0.6)
            changes = [(first, round(full * self.between(0.6, 0.85)))]
            if second > first:
                changes.append((second, round(full * self.between(1.0, 1.15))))
            from_day = self.day_between(0.03, 0.2)
            on_hand = round(daily * self.between(0.5, 2.0))
        else:
            per_day = max(1, round(full * self.between(0.85, 1.05)))
            changes = (
                [(self.day_between(0.1, 0.4), round(full * self.between(1.1, 1.3)))]
                if self.chance(0.3)
                else []
            )
            from_day = 0 if self.chance(0.5) else self.day_between(0.0, 0.1)
            on_hand = round(daily * self.between(1.5, 5.0))
        if stem == "ckd":
            on_hand = round(daily * self.between(8, 20) * scale)  # kits at sea when the attack came
        mat.on_hand = on_hand
        mat.supply = _Supply(per_day, from_day, ordering, lead, changes)

    # -- calibration of the security teams --

    def needed_systems(self) -> list[str]:
        wanted = [s for ln in self.lines for s in ln.systems]
        wanted += [
            m.supply.ordering_system for m in self.materials.values() if m.supply and m.supply.ordering_system
        ]
        seen: dict[str, None] = {}
        stack = list(reversed(wanted))
        while stack:
            sid = stack.pop()
            if sid in seen:
                continue
            seen[sid] = None
            stack.extend(self.systems[sid].after)
        return [s for s in self.systems if s in seen]

    def calibrate_capacity(self) -> None:
        """Capacity so that clearing what production needs takes about half the horizon."""
        needed = self.needed_systems()
        for kind, res in self.resources.items():
            if kind == _COMM:
                continue
            if kind == _EXT:
                res.capacity = 0
                res.changes = [(self.day_between(0.08, 0.2), self.rng.randint(1, 2))]
                continue
            work = sum(
                days * demand.get(kind, 0) for sid in needed for days, demand in self.systems[sid].modes[:1]
            )
            share = self.between(0.45, 0.65) if self.compact else self.between(0.35, 0.55)
            average = work / (share * self.horizon)
            final = max(1, math.ceil(average * 1.3))
            start = max(1, round(final * self.between(0.35, 0.6)))
            middle = max(start, round((start + final) / 2))
            res.capacity = start
            first, second = self.day_between(0.05, 0.12), self.day_between(0.15, 0.3)
            for day, cap in ((first, middle), (second, final)):
                last = res.changes[-1][1] if res.changes else res.capacity
                if cap > last and (not res.changes or day > res.changes[-1][0]):
                    res.changes.append((day, cap))
        # A single-mode system needing two teams must fit from day 0.
        for sid in needed:
            modes = self.systems[sid].modes
            for kind in self.resources:
                need = min(demand.get(kind, 0) for _, demand in modes)
                if need > self.resources[kind].capacity:
                    self.resources[kind].capacity = need

    # -- staff --

    def make_staff(self) -> None:
        rng = self.rng
        agency_plant = None
        if self.size.name not in ("tiny", "small"):
            agency_plant = rng.choice([p for p in self.plants if p.kind == "vehicle"])
            for line in self.lines:
                if line.plant is agency_plant and line.shop == "assembly":
                    line.crew["agency"] = max(5, round(line.crew["production"] * self.between(0.1, 0.25)))
        for plant in self.plants:
            lines = [ln for ln in self.lines if ln.plant is plant]
            pools = list(dict.fromkeys(pool for ln in lines for pool in ln.crew))
            for pool in pools:
                full = sum(ln.crew.get(pool, 0) * ln.baseline for ln in lines)
                biggest = max(ln.crew.get(pool, 0) for ln in lines)
                if pool == "agency":
                    plant.staff[pool] = 0  # let go during the shutdown, rehired in one go
                    plant.staff_changes.append(
                        (self.day_between(0.15, 0.35), pool, math.ceil(full * self.between(0.9, 1.05)))
                    )
                    continue
                if pool == "maintenance":
                    plant.staff[pool] = max(biggest, math.ceil(full * self.between(0.5, 0.8)))
                    if self.chance(0.6):
                        plant.staff_changes.append(
                            (self.day_between(0.1, 0.3), pool, math.ceil(full * self.between(1.0, 1.2)))
                        )
                    continue
                start = max(biggest, math.ceil(full * self.between(0.3, 0.5)))
                final = max(start + 1, math.ceil(full * self.between(0.95, 1.05)))
                steps = {"tiny": 1, "small": 2, "medium": 2, "large": 3, "xl": 4}[self.size.name]
                days = sorted(set(self.day_between(0.08, 0.6) for _ in range(steps)))
                plant.staff[pool] = start
                for k, day in enumerate(days, start=1):
                    plant.staff_changes.append((day, pool, start + round((final - start) * k / len(days))))
            plant.staff_changes.sort()

    def staff_on(self, plant: _Plant, pool: str, day: int) -> int:
        count = plant.staff.get(pool, 0)
        for change_day, change_pool, headcount in sorted(plant.staff_changes):
            if change_pool == pool and change_day <= day:
                count = headcount
        return count

    # -- calendars --

    def make_calendars(self) -> None:
        weekday0 = self.start.weekday()
        for plant in self.plants:
            holidays = set(_FIXED_HOLIDAYS[plant.region])
            for day in range(self.horizon):
                when = self.start + timedelta(days=day)
                weekday = (weekday0 + day) % 7
                fixed = (when.month, when.day) in holidays
                floating = plant.region == "uk" and weekday == 0 and _uk_bank_monday(when)
                if (fixed or floating) and weekday in plant.workdays:
                    plant.closed_days.append(day)
            if self.chance(0.25):  # a site closure: power maintenance, a local holiday
                day = self.rng.randrange(self.horizon)
                if day not in plant.closed_days and (weekday0 + day) % 7 in plant.workdays:
                    plant.closed_days.append(day)
            plant.closed_days.sort()
        if not any(p.closed_days for p in self.plants):
            plant = self.rng.choice(self.plants)
            day = next(
                d for d in range(self.horizon // 2, self.horizon) if (weekday0 + d) % 7 in plant.workdays
            )
            plant.closed_days.append(day)

    # -- ramp-up, commissioning, order of restart --

    def make_line_details(self) -> None:
        rng, horizon = self.rng, self.horizon
        # Two to four weeks to full rate at most (research: 4-6 weeks to normal volumes,
        # mostly lost to staff and parts, which the instance models on their own).
        ramp_days = min(21, max(2, round(horizon * self.between(0.08, 0.15))))
        for line in self.lines:
            if line.shop != "press" or self.chance(0.3):
                length = min(28, max(2, round(ramp_days * self.between(0.6, 1.4))))
                levels = rng.choice([[33, 67], [25, 50, 75], [50, 80]])
                line.ramp = [levels[min(len(levels) - 1, k * len(levels) // length)] for k in range(length)]
            if self.chance(0.75):
                days = rng.randint(1, 2 if horizon < 60 else 3)
                demand = {_COMM: 2 if line.shop == "assembly" and self.chance(0.5) else 1}
                line.commissioning = (days, demand if self.chance(0.9) else {})
            siblings = [ln for ln in self.lines if ln.plant is line.plant]
            upstream = {"body": "press", "paint": "body", "assembly": "paint"}.get(line.shop)
            chance = {"body": 0.3, "paint": 0.5, "assembly": 0.3}.get(line.shop, 0.0)
            if upstream and self.chance(chance):
                line.after_lines = [ln.id for ln in siblings if ln.shop == upstream][:1]
            if self.chance(0.06):
                line.release_day = self.day_between(0.05, 0.3)
        commissioned = [ln for ln in self.lines if ln.commissioning and ln.commissioning[1]]
        comm = self.resources[_COMM]
        comm.capacity = max(2, math.ceil(len(commissioned) * self.between(0.08, 0.15)))
        if self.size.name not in ("tiny",):
            comm.changes = [(self.day_between(0.2, 0.4), comm.capacity + rng.randint(1, 2))]

    # -- forced decisions, placed where a plan exists --

    def force_decisions(self) -> None:
        usage = _Usage(list(self.resources.values()), self.horizon)
        rng = self.rng
        big = self.size.name in ("medium", "large", "xl")
        # A plant with its own IT never stopped: its systems are cleared, its line runs.
        for plant in self.plants:
            if plant.kind == "ckd" and plant.running:
                self.run_plant(plant)
        if self.size.name == "small" and self.chance(0.5):
            pt = next((p for p in self.plants if p.kind == "powertrain"), None)
            if pt is not None:
                self.run_plant(pt)
        controllers = [s for s in self.systems.values() if s.id.startswith("ctl-") and not s.cleared]
        for system in controllers:
            if self.chance(0.04):
                system.cleared = True  # an isolated cell, verified clean before day 0
        if not self.compact and not any(s.cleared for s in self.systems.values()) and controllers:
            rng.choice(controllers).cleared = True
        # Work in progress at day 0 (or a start already agreed) on roots of the DAG.
        roots = [s for s in self.systems.values() if not s.after and not s.cleared and s.release_day == 0]
        for system in roots:
            if system.id in ("containment", "core-it", "backup-restore") and self.chance(0.6 if big else 0.3):
                start = 0 if system.id != "backup-restore" else rng.randint(0, 3)
                days, demand = system.modes[0]
                if usage.fits(demand, start, days):
                    usage.reserve(demand, start, days)
                    system.fixed_start = start
        if big and not any(s.fixed_start is not None for s in self.systems.values()):
            system = self.systems["containment"]
            days, demand = system.modes[0]
            if usage.fits(demand, 0, days):
                usage.reserve(demand, 0, days)
                system.fixed_start = 0
        # Systems waiting for something outside (a forensic image, a vendor patch).
        for sid in self.needed_systems():
            system = self.systems[sid]
            if not system.cleared and system.fixed_start is None and self.chance(0.05):
                system.release_day = self.day_between(0.05, 0.25)
        if big and not any(s.release_day for s in self.systems.values()):
            free = [sid for sid in self.needed_systems() if self.systems[sid].after]
            free = [sid for sid in free if not self.systems[sid].cleared]
            self.systems[rng.choice(free)].release_day = self.day_between(0.05, 0.25)
        # A restart already decided: pinned where the generator can show it is possible.
        if big or self.chance(0.5):
            self.pin_a_restart(usage)
        unpinned = [ln for ln in self.lines if ln.fixed_restart is None]
        if big and not any(ln.release_day for ln in unpinned):
            rng.choice(unpinned).release_day = self.day_between(0.05, 0.3)  # a repair, a union ballot

    def run_plant(self, plant: _Plant) -> None:
        plant.running = True
        lines = [ln for ln in self.lines if ln.plant is plant]
        for line in lines[:1]:
            line.fixed_restart = -self.rng.randint(1, len(line.ramp) + 10)
            line.commissioning = None
            line.after_lines = []
            line.release_day = 0
        for sid in (s for ln in lines for s in ln.systems):
            if sid == f"mes-{plant.id}" or sid.startswith(("ctl-", f"ot-{plant.id}")):
                self.systems[sid].cleared = True
        # A line that runs needs one shift's crew on every working day from day 0.
        running = [ln for ln in lines if ln.fixed_restart is not None]
        for pool in plant.staff:
            need = sum(ln.crew.get(pool, 0) for ln in running)
            plant.staff[pool] = max(plant.staff[pool], need)

    def pin_a_restart(self, usage: _Usage) -> None:
        candidates = [
            ln
            for ln in self.lines
            if ln.fixed_restart is None
            and not ln.plant.running
            and ln.shop in ("press", "engine", "body", "battery")
        ]
        self.rng.shuffle(candidates)
        for line in candidates:
            trial = usage.copy()
            ready = self.place_ancestors(line.systems, trial)
            if ready is None:
                continue
            days, demand = line.commissioning or (0, {})
            start = trial.earliest(demand, ready, days)
            if start is None:
                continue
            earliest = start + days
            if earliest > self.horizon - 2:
                continue
            restart = earliest + self.rng.randint(0, min(4, self.horizon - 1 - earliest))
            while not trial.fits(demand, restart - days, days):
                restart -= 1  # never below `earliest`, where it fits
            if any(self.staff_on(line.plant, pool, restart) < n for pool, n in line.crew.items()):
                continue
            trial.reserve(demand, restart - days, days)
            usage.used = trial.used
            line.fixed_restart = restart
            line.after_lines = []
            line.release_day = 0
            for other in self.lines:
                if line.id in other.after_lines and other.fixed_restart is not None:
                    other.after_lines.remove(line.id)
            return

    def place_ancestors(self, roots: list[str], usage: _Usage) -> int | None:
        """Place the clearances `roots` need (one feasible way); the day all of them have ended."""
        order: list[str] = []
        seen: set[str] = set()

        def visit(sid: str) -> None:
            if sid in seen:
                return
            seen.add(sid)
            for pred in self.systems[sid].after:
                visit(pred)
            order.append(sid)

        for sid in roots:
            visit(sid)
        end: dict[str, int] = {}
        for sid in order:
            system = self.systems[sid]
            if system.cleared:
                end[sid] = 0
                continue
            ready = max([system.release_day, *(end[p] for p in system.after)])
            if system.fixed_start is not None:
                end[sid] = system.fixed_start + system.modes[0][0]  # reserved already
                if system.fixed_start < ready:
                    return None
                continue
            best: tuple[int, int, dict[str, int]] | None = None
            for days, demand in system.modes:
                start = usage.earliest(demand, ready, days)
                if start is not None and (best is None or start + days < best[0] + best[1]):
                    best = (start, days, demand)
            if best is None:
                return None
            usage.reserve(best[2], best[0], best[1])
            end[sid] = best[0] + best[1]
        return max([0, *(end[s] for s in roots)])

    # -- the file --

    def emit(self) -> dict[str, Any]:
        resources = []
        for res in self.resources.values():
            item: dict[str, Any] = {"id": res.id, "capacity": res.capacity}
            if res.changes:
                item["capacity_changes"] = [{"day": d, "capacity": c} for d, c in res.changes]
            resources.append(item)
        systems = []
        for sys in self.systems.values():
            item = {"id": sys.id, "name": sys.name}
            if sys.after:
                item["after"] = sys.after
            if sys.release_day:
                item["release_day"] = sys.release_day
            if len(sys.modes) == 1:
                item["duration_days"], item["demand"] = sys.modes[0]
            else:
                item["modes"] = [{"duration_days": d, "demand": dem} for d, dem in sys.modes]
            if sys.cleared:
                item["cleared"] = True
            if sys.fixed_start is not None:
                item["fixed_start"] = sys.fixed_start
            systems.append(item)
        plants = []
        for plant in self.plants:
            item = {"id": plant.id, "name": plant.name}
            if plant.workdays != [0, 1, 2, 3, 4]:
                item["workdays"] = plant.workdays
            if plant.closed_days:
                item["closed_days"] = plant.closed_days
            item["staff"] = plant.staff
            if plant.staff_changes:
                item["staff_changes"] = [
                    {"day": d, "pool": p, "headcount": n} for d, p, n in plant.staff_changes
                ]
            plants.append(item)
        materials = []
        for mat in self.materials.values():
            item = {"id": mat.id, "name": mat.name}
            if mat.on_hand:
                item["on_hand"] = mat.on_hand
            if mat.value:
                item["value"] = mat.value
            if mat.supply is not None:
                sup = mat.supply
                supply: dict[str, Any] = {"per_day": sup.per_day}
                if sup.from_day:
                    supply["from_day"] = sup.from_day
                if sup.ordering_system:
                    supply["ordering_system"] = sup.ordering_system
                if sup.lead_days:
                    supply["lead_days"] = sup.lead_days
                if sup.changes:
                    supply["changes"] = [{"day": d, "per_day": n} for d, n in sup.changes]
                item["supply"] = supply
            materials.append(item)
        lines = []
        for line in self.lines:
            item = {
                "id": line.id,
                "name": line.name,
                "plant": line.plant.id,
                "output": line.output,
                "rate_per_shift": line.rate,
                "max_shifts": line.max_shifts,
            }
            if line.baseline != line.max_shifts:
                item["baseline_shifts"] = line.baseline
            item["crew_per_shift"] = line.crew
            item["inputs"] = line.inputs
            item["systems"] = line.systems
            if line.ramp:
                item["ramp_up_percent"] = line.ramp
            if line.commissioning:
                item["commissioning"] = {"days": line.commissioning[0], "demand": line.commissioning[1]}
            if line.after_lines:
                item["after_lines"] = line.after_lines
            if line.release_day:
                item["release_day"] = line.release_day
            if line.fixed_restart is not None:
                item["fixed_restart"] = line.fixed_restart
            lines.append(item)
        return {
            "format": "restart-instance/1",
            "name": f"{self.size.name}-s{self.seed}",
            "start_date": self.start.isoformat(),
            "horizon_days": self.horizon,
            "objective": "lost_value",
            "value_unit": {"currency": "GBP", "scale": 100},  # vehicles are valued in £100
            "resources": resources,
            "systems": systems,
            "plants": plants,
            "materials": materials,
            "lines": lines,
        }


def _uk_bank_monday(when: date) -> bool:
    """The first and last Monday of May and the last Monday of August (a Monday is given)."""
    last = (when + timedelta(days=7)).month != when.month
    return (when.month == 5 and (when.day <= 7 or last)) or (when.month == 8 and last)


def slug(text: str) -> str:
    return text.lower().replace(" ", "-")


# --- the API ---------------------------------------------------------------------------------


def generate(size: str, seed: int) -> Instance:
    """A realistic restart instance of `size` (a key of `SIZES`), the same for the same seed."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: one of {', '.join(SIZES)}")
    data = _Generator(SIZES[size], seed).build()
    return Instance.model_validate(data)


def instance_json(instance: Instance) -> str:
    """The file text of an instance: the fields it was given, in the schema's order."""
    return json.dumps(instance.model_dump(mode="json", exclude_unset=True), indent=2) + "\n"
