from __future__ import annotations

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class UnusedNoqa(Rule):
    """Reported by the engine itself (suppression.unused_noqa), which sees every diagnostic of
    the file before `noqa` removes any; `check` has nothing to add."""

    code = "FCL901"
    name = "unused-noqa"
    summary = (
        "A `# noqa: FCL...` code that suppresses nothing on its line, or that no rule has: it "
        "would hide a future violation no one meant to allow."
    )
    rationale = (
        "A baseline (`check --add-noqa`) should shrink as code is fixed: a `noqa` code whose "
        "violation is gone is noise that would also hide the next one."
    )
    guide_section = ""
    fix = Fix.SAFE
    fix_description = (
        "Removes the unused codes from the comment; a `# noqa:` left without codes goes, the "
        "rest of the comment stays. Safe: nothing it suppressed is reported again. Codes of "
        "other tools (`E501`) are never touched, nor codes of rules that did not run (not "
        "selected; in flake8, the whole-app rules)."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001, E501
            helper = object()  # noqa
        ''', note="a code that suppresses something; another tool's code; a bare noqa"),
        Valid('''
            from fastapi import HTTPException

            raise HTTPException(404)  # noqa: FCL401, FCL9  # noqa: FCL901
        ''', note="suppressed itself"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])  # noqa: FCL001
            LIMIT = 10  # keep it small  # noqa: FCL101,E501
        ''', at=[(4, 63), (5, 30)], message="reported nothing here",
            note="a violation since fixed; a code next to another tool's (fixed when FCL001 and "
                 "FCL101 run too: their silence is what counts)"),
        Invalid('''
            import fastapi

            NAME = "x"  # noqa: FCL999
            OTHER = "y"  # why  # noqa: FCL1O1, E501
        ''', at=[(3, 13), (4, 21)], message="is no rule", fixed='''
            import fastapi

            NAME = "x"
            OTHER = "y"  # why  # noqa: E501
        ''', note="codes no rule has (a letter O for a zero)"),
    )

    def check(self, facts, settings):
        return ()
