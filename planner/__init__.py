"""restart-planner (public API being assembled)."""
