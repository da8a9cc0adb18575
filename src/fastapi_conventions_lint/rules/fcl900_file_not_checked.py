from __future__ import annotations

from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


class FileNotChecked(Rule):
    """Reported by the CLI itself while reading, parsing and analysing; flake8 reports
    E902/E999 for the first two, and the plugin FCL900 for a file its analysis failed on."""

    code = "FCL900"
    name = "file-not-checked"
    summary = (
        "A file could not be read, decoded, parsed or analysed (too large or nested too deeply "
        "for memory or the stack, or a fault of this tool), so it was not checked; the run goes on."
    )
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
