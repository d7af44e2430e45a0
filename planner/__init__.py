"""restart-planner: plan the phased restart of a manufacturer after a cyber attack.

from planner import load_instance, solve, verify

instance = load_instance("instances/jlr-2025.json")
result = solve(instance, time_limit=60, workers=2, seed=0)
report = verify(instance, result.plan)
"""

from planner.errors import InstanceError, PlannerError, SolveError
from planner.files import load_instance, load_plan, parse_instance, parse_plan
from planner.schema import Instance, Line, Material, Plan, Plant, Resource, System
from planner.solve import Result, solve
from planner.verify import VerifyReport, Violation, verify

__all__ = [
    "Instance",
    "InstanceError",
    "Line",
    "Material",
    "Plan",
    "PlannerError",
    "Plant",
    "Resource",
    "Result",
    "SolveError",
    "System",
    "VerifyReport",
    "Violation",
    "load_instance",
    "load_plan",
    "parse_instance",
    "parse_plan",
    "solve",
    "verify",
]
