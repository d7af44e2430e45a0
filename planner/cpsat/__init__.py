"""The CP-SAT model: variables, constraints C1..C7, objective (models/formulation.md)."""

from planner.cpsat.model import RestartModel
from planner.problem.decisions import Decisions, decisions_from_plan

__all__ = ["Decisions", "RestartModel", "decisions_from_plan"]
