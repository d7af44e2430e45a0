"""The CP-SAT model: variables, constraints C1..C7, objective (models/formulation.md)."""

from planner.cpsat.model import Decisions, RestartModel

__all__ = ["Decisions", "RestartModel"]
