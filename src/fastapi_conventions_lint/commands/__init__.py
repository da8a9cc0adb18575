"""The commands behind the CLI: check/fix, and routes."""
