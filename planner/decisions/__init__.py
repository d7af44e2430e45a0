"""The recovery team's questions: explain a plan, what-if changes, re-plan from a day."""
