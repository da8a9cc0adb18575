"""`rules` and `explain`: the rules reference from the rule classes (rendered by docs.py, which
also writes docs/rules.md)."""

from __future__ import annotations

import argparse
import json
import sys

from fastapi_conventions_lint.commands.common import EXIT_CLEAN, fail


def run_rules(args: argparse.Namespace) -> int:
    """Every rule: code, name, fix, cross-file fix, scope and whether it is on by default."""
    from fastapi_conventions_lint.docs import rule_record, rules_table
    from fastapi_conventions_lint.rules import ALL_RULES

    if args.format == "json":
        sys.stdout.write(json.dumps([rule_record(rule) for rule in ALL_RULES], indent=2) + "\n")
    else:
        sys.stdout.write(rules_table(ALL_RULES))
    return EXIT_CLEAN


def run_explain(args: argparse.Namespace) -> int:
    """One rule's page: summary, rationale, where it runs, its fix and its examples."""
    from fastapi_conventions_lint.docs import find_rule, render_rule

    rule = find_rule(args.code)
    if rule is None:
        return fail(f"unknown rule {args.code!r}: `fastapi-conventions-lint rules` lists the codes")
    sys.stdout.write(render_rule(rule, level=1))
    return EXIT_CLEAN
