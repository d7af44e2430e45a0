"""The CP-SAT model: variables, constraints C1..C7, objective (models/formulation.md)."""

from planner.cpsat.model import RestartModel, decisions_from_plan
from planner.plans import Decisions

__all__ = ["Decisions", "RestartModel", "decisions_from_plan"]
