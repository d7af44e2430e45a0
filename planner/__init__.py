"""restart-planner: plan the phased restart of a manufacturer after a cyber attack.

from planner import load_instance, solve, verify

instance = load_instance("instances/jlr-2025.json")
result = solve(instance, time_limit=60, workers=2, seed=0)
report = verify(instance, result.plan)

Decision support: `explain(instance, plan)` (why each line starts when it
does, and the bottlenecks), `conflicts(instance)` (why there is no plan),
`whatif(instance, ["resources.forensics.capacity=+1"])` and `marginal(instance)`
(what a change is worth), `replan(instance, plan, today)` (re-plan from today).
"""

from planner.decisions.changes import Scenario, apply_changes, load_scenarios
from planner.decisions.explain import Explanation, explain
from planner.decisions.replan import Replan, replan
from planner.decisions.whatif import WhatIf, marginal, whatif
from planner.diagnosis.conflicts import ConflictReport, conflicts
from planner.errors import InstanceError, PlannerError, SolveError
from planner.formats.read import load_instance, load_plan, parse_instance, parse_plan
from planner.formats.schema import Instance, Line, Material, Plan, Plant, Resource, System
from planner.solve import Result, solve
from planner.verify import VerifyReport, Violation, verify

__all__ = [
    "ConflictReport",
    "Explanation",
    "Instance",
    "InstanceError",
    "Line",
    "Material",
    "Plan",
    "PlannerError",
    "Plant",
    "Replan",
    "Resource",
    "Result",
    "Scenario",
    "SolveError",
    "System",
    "VerifyReport",
    "Violation",
    "WhatIf",
    "apply_changes",
    "conflicts",
    "explain",
    "load_instance",
    "load_plan",
    "load_scenarios",
    "marginal",
    "parse_instance",
    "parse_plan",
    "replan",
    "solve",
    "verify",
    "whatif",
]
