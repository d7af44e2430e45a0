"""restart-planner."""
