"""Fixes: diagnostics carry fix intents; LibCST codemods, one per rule, rewrite only the files
that have something to fix; every result is re-parsed and re-checked before it is kept."""
