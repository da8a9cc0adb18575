"""The commands behind the CLI: check/fix, routes, and rules/explain."""
