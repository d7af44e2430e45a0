"""Why an instance has no plan: structural reasons before any search, minimal conflicts after one."""
