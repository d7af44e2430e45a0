"""The problem as the models see it: indexed data, decisions, sizes and generated instances."""
