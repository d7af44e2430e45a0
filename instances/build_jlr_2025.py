"""Write instances/jlr-2025.json: JLR's restart after the 1 September 2025 cyber attack.

Deterministic: the same script writes the same bytes. Every number below is
explained, with its source or the word *assumed*, in instances/jlr-2025.md;
the short comments here only say where each one comes from ("R" is
../shared/research/jlr-2025.md).

    python instances/build_jlr_2025.py            # writes instances/jlr-2025.json
    python instances/build_jlr_2025.py --check    # exit 1 if the JSON on disk differs
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

START = date(2025, 9, 1)  # day 0, a Monday: the first day no plant built a car (R)
HORIZON = 120  # days 0..119 = Mon 1 Sep .. Mon 29 Dec 2025


def day(d: date) -> int:
    return (d - START).days


# --- calendars: public holidays on weekdays inside the horizon ---------------------------

UK_HOLIDAYS = [day(date(2025, 12, 25)), day(date(2025, 12, 26))]  # Christmas, Boxing Day
SK_HOLIDAYS = [day(date(2025, 12, d)) for d in (24, 25, 26)]
IN_HOLIDAYS = [  # Maharashtra
    day(date(2025, 10, 2)),  # Gandhi Jayanti / Dussehra
    day(date(2025, 10, 21)),  # Diwali (Lakshmi Puja)
    day(date(2025, 10, 22)),  # Diwali (Balipratipada)
    day(date(2025, 11, 5)),  # Guru Nanak Jayanti
    day(date(2025, 12, 25)),  # Christmas
]
BR_HOLIDAYS = [day(date(2025, 11, 20)), day(date(2025, 12, 25))]  # Consciencia Negra, Christmas
CN_HOLIDAYS = [day(date(2025, 10, d)) for d in (1, 2, 3, 6, 7, 8)]  # National Day week

# --- money: £100 per vehicle -----------------------------------------------------------
# Contribution lost per vehicle = CMC's £21.6k average x (list price / FY25-volume-weighted
# average list price). List prices: approximate 2025 UK "from" prices (assumed).

CMC_PER_VEHICLE = 21_600  # £108m a week / ~5,000 vehicles a week (R, derived)
FY25 = {  # model: (FY25 wholesale (R), assumed list price in £k)
    "range-rover": (76_715, 108),
    "range-rover-sport": (79_862, 80),
    "velar": (23_787, 54),
    "f-pace": (13_500, 52),  # assumed share of 19,038 "other Jaguar" (R: 12-15k)
    "evoque": (44_240, 37),
    "discovery-sport": (19_593, 37),
    "defender": (115_404, 58),
    "discovery": (14_433, 62),
}
AVG_PRICE = sum(v * p for v, p in FY25.values()) / sum(v for v, _ in FY25.values())


def value(*models: str) -> int:
    """Contribution per vehicle in £100, volume-weighted over the models built on one line."""
    volume = sum(FY25[m][0] for m in models)
    price = sum(FY25[m][0] * FY25[m][1] for m in models) / volume
    return round(CMC_PER_VEHICLE * price / AVG_PRICE / 100)


RR = value("range-rover")
RRS = value("range-rover-sport")
VF = value("velar", "f-pace")
ED = value("evoque", "discovery-sport")
DD = value("defender", "discovery")
CKD_SHARE = 50  # % of the vehicle contribution a CKD vehicle is worth to JLR (assumed)
CJLR_SHARE = 50  # JLR's share of the joint venture (assumed = its 50 % equity)

# --- resources: security and commissioning crews (all assumed) ---------------------------

FIT = "forensic-it"
SAP = "sap-team"
OT = "ot-specialists"

RESOURCES: list[JSON] = [
    # forensic IT incident-response teams: JLR + IT outsourcer, then third-party
    # specialists and NCSC support join (R: 2-4 parallel clearance slots, assumed range)
    {
        "id": FIT,
        "capacity": 2,
        "capacity_changes": [{"day": 7, "capacity": 3}, {"day": 14, "capacity": 4}],
    },
    # SAP basis/security specialists (R: the attackers showed SAP screenshots)
    {"id": SAP, "capacity": 1, "capacity_changes": [{"day": 14, "capacity": 2}]},
    # OT / industrial-control security specialists for the plant segments
    {"id": OT, "capacity": 2, "capacity_changes": [{"day": 14, "capacity": 3}]},
    # plant commissioning engineers (R: test runs a couple of days before production)
    {"id": "commissioning", "capacity": 6},
]

# --- systems (all assumed: no system map was published) ----------------------------------


def f(duration: int, teams: int = 1) -> JSON:
    """A mode using forensic IT teams."""
    return {"duration_days": duration, "demand": {FIT: teams}}


def o(duration: int, teams: int = 1) -> JSON:
    """A mode using OT specialists."""
    return {"duration_days": duration, "demand": {OT: teams}}


def s(duration: int, teams: int = 1, fit: int = 0) -> JSON:
    """A mode using SAP specialists (and forensic IT teams when `fit`)."""
    demand = {SAP: teams}
    if fit:
        demand[FIT] = fit
    return {"duration_days": duration, "demand": demand}


def system(sid: str, name: str, after: list[str], *modes: JSON) -> JSON:
    out: JSON = {"id": sid, "name": name}
    if after:
        out["after"] = after
    if len(modes) == 1:
        out.update(modes[0])
    else:
        out["modes"] = list(modes)
    return out


CORE = ["ad-identity", "net-core"]
CONT = ["containment"]
SYSTEMS: list[JSON] = [
    # IT core: contain and scope first, then rebuild identity and the network core
    system("containment", "Containment and forensic scoping of the whole estate", [], f(8, 2)),
    system("ad-identity", "Identity: directory, privileged access, credential reset", CONT, f(14), f(8, 2)),
    system("net-core", "Network core, firewalls and remote access", CONT, f(10), f(6, 2)),
    system("dc-hosting", "Data-centre hosting and virtualisation platform", ["net-core"], f(6)),
    # business systems
    system("sap-erp", "SAP ERP (materials, finance)", ["ad-identity", "dc-hosting"], s(14, 1, 1), s(9, 2, 1)),
    system("calloffs", "Supplier call-offs / EDI (parts ordering)", ["sap-erp"], s(4)),
    system("supplier-payments", "Supplier invoicing and payments", ["sap-erp"], s(6), s(3, 2)),
    system("prod-scheduling", "Vehicle order bank, build sequencing to the plants", ["sap-erp"], s(3)),
    system("loc-wms", "Logistics Operations Centre warehouse system", CORE, f(5)),
    system("ckd-export", "CKD export logistics (Pune, Itatiaia)", ["loc-wms", "sap-erp"], f(4)),
    system("eu-wan", "Nitra site network link (EU WAN)", ["net-core"], f(3)),
    # per-site MES / IT segments
    system("mes-epmc", "Wolverhampton EPMC MES", CORE, f(4)),
    system("mes-bac", "Hams Hall BAC MES", CORE, f(3)),
    system("mes-cb", "Castle Bromwich press shop MES", CORE, f(3)),
    system("mes-sol", "Solihull MES", CORE, f(6), f(3, 2)),
    system("mes-hal", "Halewood MES", CORE, f(6), f(3, 2)),
    system("mes-nit", "Nitra MES", ["ad-identity", "eu-wan"], f(6), f(3, 2)),
    system("it-pune", "Pune CKD plant IT link and MES", CORE, f(4)),
    system("it-ita", "Itatiaia CKD plant IT link and MES", CORE, f(4)),
    # per-area OT segments (line controllers, PLC/SCADA): isolated networks, cleared
    # in parallel once containment is done
    system("ot-epmc-i4", "EPMC 4-cylinder line controllers", CONT, o(5)),
    system("ot-epmc-i6", "EPMC 6-cylinder line controllers", CONT, o(5)),
    system("ot-bac", "Hams Hall BAC line controllers", CONT, o(4)),
    system("ot-cb", "Castle Bromwich press controllers", CONT, o(4)),
    system("ot-sol-press", "Solihull press controllers", CONT, o(4)),
    system("ot-sol-body", "Solihull body shop controllers", CONT, o(6), o(3, 2)),
    system("ot-sol-paint", "Solihull paint shop controllers", CONT, o(5)),
    system("ot-sol-mla", "Solihull MLA trim & final controllers (RR, RRS)", CONT, o(5)),
    system("ot-sol-velar", "Solihull second-line trim & final controllers (Velar, F-Pace)", CONT, o(5)),
    system("ot-hal-press", "Halewood press controllers", CONT, o(4)),
    system("ot-hal-body", "Halewood body shop controllers", CONT, o(6), o(3, 2)),
    system("ot-hal-paint", "Halewood paint shop controllers", CONT, o(5)),
    system("ot-hal-ta", "Halewood trim & final controllers", CONT, o(5)),
    system("ot-nit-body", "Nitra body shop controllers", CONT, o(6), o(3, 2)),
    system("ot-nit-paint", "Nitra paint shop controllers", CONT, o(5)),
    system("ot-nit-ta", "Nitra trim & final controllers", CONT, o(5)),
]

# --- plants: headcounts (R), one production pool each, all staff available from day 0 --

PLANTS = [
    ("solihull", "Solihull (press, body, paint, T&F, LOC)", 9_500, UK_HOLIDAYS),
    ("halewood", "Halewood (press, body, paint, T&F)", 3_750, UK_HOLIDAYS),
    ("castle-bromwich", "Castle Bromwich (stamping)", 800, UK_HOLIDAYS),
    ("wolverhampton", "Wolverhampton EPMC (i54, engines)", 1_050, UK_HOLIDAYS),
    ("hams-hall", "Hams Hall Battery Assembly Centre", 300, UK_HOLIDAYS),
    ("nitra", "Nitra, Slovakia (body, paint, T&F)", 4_400, SK_HOLIDAYS),
    ("pune", "Pune, India (Tata Motors, CKD assembly)", 300, IN_HOLIDAYS),
    ("itatiaia", "Itatiaia, Brazil (CKD assembly)", 350, BR_HOLIDAYS),
    ("changshu", "Changshu, China (CJLR joint venture)", 6_000, CN_HOLIDAYS),
]

# --- materials ------------------------------------------------------------------------------


def finished(mid: str, name: str, val: int) -> JSON:
    return {"id": mid, "name": name, "value": val}


def made(mid: str, name: str, on_hand: int) -> JSON:
    return {"id": mid, "name": name, "on_hand": on_hand}


def bought(mid: str, name: str, on_hand: int, per_day: int, ordering: str, lead: int) -> JSON:
    supply = {"per_day": per_day, "ordering_system": ordering, "lead_days": lead}
    return {"id": mid, "name": name, "on_hand": on_hand, "supply": supply}


MATERIALS: list[JSON] = [
    # finished vehicles (value > 0), £100 per vehicle
    finished("range-rover", "Range Rover", RR),
    finished("range-rover-sport", "Range Rover Sport", RRS),
    finished("velar-fpace", "Range Rover Velar / Jaguar F-Pace", VF),
    finished("evoque-ds", "Range Rover Evoque / Discovery Sport", ED),
    finished("defender-discovery", "Defender / Discovery", DD),
    finished("ckd-pune", "CKD vehicle built in Pune", round(CKD_SHARE * (RR + RRS + VF) / 3 / 100)),
    finished("ckd-itatiaia", "CKD vehicle built in Itatiaia", round(CKD_SHARE * ED / 100)),
    finished("cjlr-vehicle", "CJLR vehicle built in Changshu", round(CJLR_SHARE * ED / 100)),
    # intermediates (value 0); on hand = work in progress when the plants stopped (assumed)
    made("engine-i4", "Ingenium 4-cylinder engine", 450),  # ~1 day
    made("engine-i6", "Ingenium 6-cylinder engine", 1_270),  # ~1 day, incl. in transit to Nitra
    made("battery-packs", "Hams Hall battery content of one vehicle (mix-average unit)", 1_700),
    made("pressings", "Body pressings for one body (Castle Bromwich + Solihull presses)", 2_880),
    made("pressings-hal", "Body pressings for one Halewood body", 580),  # 2 days
    made("biw-sol", "Solihull body-in-white", 290),  # ~1 shift
    made("painted-sol", "Solihull painted body", 290),
    made("biw-hal", "Halewood body-in-white", 144),
    made("painted-hal", "Halewood painted body (600-body store)", 300),  # half full
    made("biw-nit", "Nitra body-in-white", 190),
    made("painted-nit", "Nitra painted body", 190),
    made("kit", "LOC parts kit for one vehicle", 580),  # half a day
    made("ckd-kit-sol", "CKD kit for Pune: Solihull painted body, 6-cyl engine, parts", 600),  # at sea
    made("ckd-kit-hal", "CKD kit for Itatiaia: Halewood painted body, 4-cyl engine, parts", 240),
    # bought parts by supplier cluster: on hand, per calendar day (weekly use / 7 + ~5 %),
    # ordering system, lead days (R: suppliers back 3-10 days after call-offs, assumed)
    bought("steel-coil", "Steel and aluminium coil, one body set", 17_400, 1_300, "calloffs", 5),
    bought("engine-components", "Engine castings and components, one set", 3_450, 1_300, "calloffs", 3),
    bought("cells", "Battery cells and modules, one vehicle set", 8_500, 1_275, "calloffs", 7),
    bought("parts-uk-tier1", "UK tier-1 supplier parts, one vehicle set", 1_200, 870, "calloffs", 3),
    bought("parts-uk-smes", "Small UK suppliers' parts, one vehicle set", 2_300, 870, "supplier-payments", 5),
    bought("parts-eu", "European supplier parts, one vehicle set", 5_200, 1_300, "calloffs", 4),
    bought("parts-global", "Rest-of-world parts (sea/air), one vehicle set", 17_250, 1_300, "calloffs", 10),
    bought("semis", "Semiconductors and electronic modules, one vehicle set", 25_900, 1_300, "calloffs", 10),
]

# --- lines ------------------------------------------------------------------------------------

COMM: JSON = {"days": 2, "demand": {"commissioning": 1}}  # R: test runs a couple of days before
COMM_TA: JSON = {"days": 3, "demand": {"commissioning": 2}}  # trim & final: bigger test build


def ramp(*steps: tuple[int, int]) -> list[int]:
    """(percent, days) steps -> one percent per calendar day after the restart."""
    return [p for p, n in steps for _ in range(n)]


# R: one shift first (a third of a 3-shift line), normal rates 4-6 weeks later
RAMP_3 = ramp((33, 7), (50, 7), (67, 7), (83, 14))  # 3-shift trim & final: 5 weeks
RAMP_2 = ramp((50, 14), (75, 21))  # 2-shift line: one shift = 50 %, 5 weeks
RAMP_1 = ramp((50, 14), (75, 14))  # 1-shift CKD lines: 4 weeks (assumed)
RAMP_FAST = ramp((33, 7), (67, 7))  # engines, packs, presses, body, paint, LOC: 2 weeks (assumed)


def line(
    lid: str,
    name: str,
    *,
    plant: str,
    output: str,
    rate: int,
    shifts: int,
    crew: int,
    inputs: dict[str, int],
    systems: list[str],
    ramp_up: list[int],
    baseline: int | None = None,
    commissioning: JSON | None = COMM,
    fixed_restart: int | None = None,
) -> JSON:
    out: JSON = {
        "id": lid,
        "name": name,
        "plant": plant,
        "output": output,
        "rate_per_shift": rate,
        "max_shifts": shifts,
    }
    if baseline is not None:
        out["baseline_shifts"] = baseline
    out["crew_per_shift"] = {"production": crew}
    if inputs:
        out["inputs"] = inputs
    if systems:
        out["systems"] = systems
    if ramp_up:
        out["ramp_up_percent"] = ramp_up
    if commissioning:
        out["commissioning"] = commissioning
    if fixed_restart is not None:
        out["fixed_restart"] = fixed_restart
    return out


TA_PARTS = {"battery-packs": 1, "kit": 1}  # every UK trim & final line, per vehicle
LOC_PARTS = {"parts-uk-tier1": 1, "parts-uk-smes": 1, "parts-eu": 1, "parts-global": 1, "semis": 1}
NITRA_PARTS = {"battery-packs": 1, "parts-eu": 1, "parts-global": 1, "semis": 1}  # bought direct

# Every JLR line needs SAP (production orders, material postings), its site's MES and its
# OT segment; trim & final and CKD assembly also need the build schedule (all assumed).
# Rates: FY25 wholesale / ~230 days (R, derived); upstream lines sized to what they feed.
LINES: list[JSON] = [
    # Wolverhampton EPMC: every Ingenium engine, incl. those for Nitra and the CKD kits
    line("epmc-i4", "EPMC Ingenium 4-cylinder engines", plant="wolverhampton", output="engine-i4",
         rate=151, shifts=3, crew=150, inputs={"engine-components": 1},
         systems=["sap-erp", "mes-epmc", "ot-epmc-i4"], ramp_up=RAMP_FAST),
    line("epmc-i6", "EPMC Ingenium 6-cylinder engines", plant="wolverhampton", output="engine-i6",
         rate=424, shifts=3, crew=200, inputs={"engine-components": 1},
         systems=["sap-erp", "mes-epmc", "ot-epmc-i6"], ramp_up=RAMP_FAST),
    # Hams Hall: battery content for every UK and Nitra vehicle
    line("bac-packs", "Hams Hall battery pack assembly", plant="hams-hall", output="battery-packs",
         rate=566, shifts=3, crew=100, inputs={"cells": 1},
         systems=["sap-erp", "mes-bac", "ot-bac"], ramp_up=RAMP_FAST),
    # presses: 2 shifts a day before the attack, a third possible to rebuild stock (assumed)
    line("cb-press", "Castle Bromwich press shop", plant="castle-bromwich", output="pressings",
         rate=320, shifts=3, baseline=2, crew=250, inputs={"steel-coil": 1},
         systems=["sap-erp", "mes-cb", "ot-cb"], ramp_up=RAMP_FAST),
    line("sol-press", "Solihull press shop", plant="solihull", output="pressings",
         rate=400, shifts=3, baseline=2, crew=120, inputs={"steel-coil": 1},
         systems=["sap-erp", "mes-sol", "ot-sol-press"], ramp_up=RAMP_FAST),
    line("sol-body", "Solihull body shop", plant="solihull", output="biw-sol",
         rate=290, shifts=3, crew=450, inputs={"pressings": 1},
         systems=["sap-erp", "mes-sol", "ot-sol-body"], ramp_up=RAMP_FAST),
    line("sol-paint", "Solihull paint shop", plant="solihull", output="painted-sol",
         rate=290, shifts=3, crew=300, inputs={"biw-sol": 1},
         systems=["sap-erp", "mes-sol", "ot-sol-paint"], ramp_up=RAMP_FAST),
    line("sol-loc", "Logistics Operations Centre kitting (UK lines and CKD)", plant="solihull",
         output="kit", rate=386, shifts=3, crew=400, inputs=LOC_PARTS,
         systems=["sap-erp", "loc-wms"], ramp_up=RAMP_FAST),
    # Solihull trim & final (3 shifts, R)
    line("sol-rr", "Solihull MLA trim & final: Range Rover", plant="solihull", output="range-rover",
         rate=112, shifts=3, crew=700, inputs={"painted-sol": 1, "engine-i6": 1, **TA_PARTS},
         systems=["mes-sol", "ot-sol-mla", "prod-scheduling"], ramp_up=RAMP_3, commissioning=COMM_TA),
    line("sol-rrs", "Solihull MLA trim & final: Range Rover Sport", plant="solihull",
         output="range-rover-sport",
         rate=116, shifts=3, crew=700, inputs={"painted-sol": 1, "engine-i6": 1, **TA_PARTS},
         systems=["mes-sol", "ot-sol-mla", "prod-scheduling"], ramp_up=RAMP_3, commissioning=COMM_TA),
    line("sol-velar", "Solihull second line: Velar and F-Pace", plant="solihull", output="velar-fpace",
         rate=55, shifts=3, crew=350, inputs={"painted-sol": 1, "engine-i4": 1, **TA_PARTS},
         systems=["mes-sol", "ot-sol-velar", "prod-scheduling"], ramp_up=RAMP_3, commissioning=COMM_TA),
    # CKD packing at the LOC: painted body + engine + parts kit, shipped to Pune / Itatiaia
    line("ckd-pack-sol", "LOC CKD packing for Pune (Solihull models)", plant="solihull",
         output="ckd-kit-sol", rate=20, shifts=1, crew=20,
         inputs={"painted-sol": 1, "engine-i6": 1, "kit": 1}, systems=["ckd-export"], ramp_up=[]),
    line("ckd-pack-hal", "LOC CKD packing for Itatiaia (Halewood models)", plant="solihull",
         output="ckd-kit-hal", rate=8, shifts=1, crew=20,
         inputs={"painted-hal": 1, "engine-i4": 1, "kit": 1}, systems=["ckd-export"], ramp_up=[]),
    # Halewood: "two-plus" shifts (R), modelled as 2
    line("hal-press", "Halewood press shop", plant="halewood", output="pressings-hal",
         rate=300, shifts=2, baseline=1, crew=100, inputs={"steel-coil": 1},
         systems=["sap-erp", "mes-hal", "ot-hal-press"], ramp_up=RAMP_FAST),
    line("hal-body", "Halewood body shop", plant="halewood", output="biw-hal",
         rate=144, shifts=2, crew=350, inputs={"pressings-hal": 1},
         systems=["sap-erp", "mes-hal", "ot-hal-body"], ramp_up=RAMP_FAST),
    line("hal-paint", "Halewood paint shop", plant="halewood", output="painted-hal",
         rate=144, shifts=2, crew=250, inputs={"biw-hal": 1},
         systems=["sap-erp", "mes-hal", "ot-hal-paint"], ramp_up=RAMP_FAST),
    line("hal-ta", "Halewood trim & final: Evoque and Discovery Sport", plant="halewood",
         output="evoque-ds",
         rate=140, shifts=2, crew=1_000, inputs={"painted-hal": 1, "engine-i4": 1, **TA_PARTS},
         systems=["mes-hal", "ot-hal-ta", "prod-scheduling"], ramp_up=RAMP_2, commissioning=COMM_TA),
    # Nitra: bodies from UK pressings, engines from Wolverhampton, parts direct (3 shifts, R)
    line("nit-body", "Nitra body shop", plant="nitra", output="biw-nit",
         rate=190, shifts=3, crew=300, inputs={"pressings": 1},
         systems=["sap-erp", "mes-nit", "ot-nit-body"], ramp_up=RAMP_FAST),
    line("nit-paint", "Nitra paint shop", plant="nitra", output="painted-nit",
         rate=190, shifts=3, crew=250, inputs={"biw-nit": 1},
         systems=["sap-erp", "mes-nit", "ot-nit-paint"], ramp_up=RAMP_FAST),
    line("nit-ta", "Nitra trim & final: Defender and Discovery", plant="nitra",
         output="defender-discovery",
         rate=189, shifts=3, crew=800, inputs={"painted-nit": 1, "engine-i6": 1, **NITRA_PARTS},
         systems=["mes-nit", "ot-nit-ta", "prod-scheduling"], ramp_up=RAMP_3, commissioning=COMM_TA),
    # CKD plants: kits shipped from the UK (those at sea at day 0 are on hand)
    line("pune-ckd", "Pune CKD assembly", plant="pune", output="ckd-pune",
         rate=20, shifts=1, crew=250, inputs={"ckd-kit-sol": 1},
         systems=["it-pune", "prod-scheduling", "ckd-export"], ramp_up=RAMP_1),
    line("ita-ckd", "Itatiaia CKD assembly", plant="itatiaia", output="ckd-itatiaia",
         rate=8, shifts=1, crew=300, inputs={"ckd-kit-hal": 1},
         systems=["it-ita", "prod-scheduling", "ckd-export"], ramp_up=RAMP_1),
    # Changshu: own IT and engine plant, reportedly kept running (R): restarted a year ago
    line("chs-ta", "CJLR Changshu assembly (never stopped)", plant="changshu", output="cjlr-vehicle",
         rate=109, shifts=2, crew=1_500, inputs={}, systems=[], ramp_up=[],
         commissioning=None, fixed_restart=-365),
]  # fmt: skip


def instance() -> JSON:
    return {
        "format": "restart-instance/1",
        "name": "jlr-2025",
        "start_date": START.isoformat(),
        "horizon_days": HORIZON,
        "objective": "lost_value",
        "value_unit": {"currency": "GBP", "scale": 100},  # values are contribution in £100 (jlr-2025.md)
        "resources": RESOURCES,
        "systems": SYSTEMS,
        "plants": [
            {
                "id": pid,
                "name": name,
                "workdays": [0, 1, 2, 3, 4],
                "closed_days": closed,
                "staff": {"production": staff},
            }
            for pid, name, staff, closed in PLANTS
        ],
        "materials": MATERIALS,
        "lines": LINES,
    }


def main() -> int:
    target = Path(__file__).with_name("jlr-2025.json")
    text = json.dumps(instance(), indent=2) + "\n"
    if "--check" in sys.argv[1:]:
        if not target.exists() or target.read_text() != text:
            print(f"{target} is not what {Path(__file__).name} writes", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
