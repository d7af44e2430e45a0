"""The `restart-planner` command line: commands, their errors, progress and summary."""
