from __future__ import annotations

from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


class FileNotChecked(Rule):
    """Reported by the CLI itself while reading and parsing; flake8 reports E902/E999."""

    code = "FCL900"
    name = "file-not-checked"
    summary = "A file could not be read, decoded or parsed, so it was not checked."
    rationale = "A file the linter cannot read is a file whose conventions nobody checked."
    guide_section = ""
    scope = Scope.CLI

    VALID = (
        Valid(""),
        Valid('''
            from fastapi import APIRouter
            NAME = "café"
        '''),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter

            def handler(:
                pass
        ''', at=(3, 13), message="syntax error: invalid syntax"),
        Invalid('''
            # -*- coding: no-such-codec -*-
            import fastapi
        ''', at=(1, 1), message="could not decode"),
    )

    def check(self, facts, settings):
        return ()
