"""The cheap path of FCL203's and FCL401's fixes (fix/text_edits.py) writes exactly what their
codemods write: each case is fixed twice, once as the fix engine does it and once with the
text path turned off, and the results must be the same text. Each case also says whether the
text path is expected to take it (a plain shape) or to leave it to the codemod."""

from __future__ import annotations

import textwrap

import pytest

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.fix import text_edits
from fastapi_conventions_lint.fix.apply import fix_text
from fastapi_conventions_lint.fix.context import FixContext
from fastapi_conventions_lint.selection import CodeSelection

_ROUTER = """
        from fastapi import APIRouter, Depends

        router = APIRouter(prefix="/items", tags=["items"])

"""

CASES = {
    # FCL203: (source, taken by the text path)
    "plain, Annotated imported by the fix": (_ROUTER + """
        def get_db():
            return None


        @router.get("")
        async def list_items(db: object = Depends(get_db), limit: int = 10) -> list:
            return []
    """, True),
    "no spaces around '=', keyword-only, multi-line call": ("""
        \"\"\"Items.\"\"\"
        from typing import Annotated as A

        from fastapi import APIRouter, Depends

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(*, db: object=Depends(
            get_db,
        ), user: "User" = Depends(get_user)) -> list:
            return []
    """, True),
    "`import typing`": ("""
        import typing

        from fastapi import APIRouter, Depends

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(db: object = Depends(get_db)) -> list:
            return []
    """, True),
    "non-ASCII text before the parameter": (_ROUTER + """
        @router.get("/café")
        def café(ü: str, db: object = Depends(get_db), é: str = "é") -> list:
            return []
    """, True),
    "non-ASCII text on the parameter's line": (_ROUTER + """
        @router.get("/café")
        def café(données: object = Depends(get_db)) -> list:  # é
            return []
    """, True),
    "a positional parameter before it keeps its default (suppressed)": (_ROUTER + """
        @router.get("")
        def list_items(
            user: object = Depends(get_user),  # noqa: FCL203
            db: object = Depends(get_db),
        ) -> list:
            return []
    """, False),
    "Annotated imported under TYPE_CHECKING": ("""
        from typing import TYPE_CHECKING

        from fastapi import APIRouter, Depends

        if TYPE_CHECKING:
            from typing import Annotated

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(db: object = Depends(get_db)) -> list:
            return []
    """, False),
    "an optional import in a `try` block": ("""
        from fastapi import APIRouter, Depends

        try:
            import ujson as json
        except ImportError:
            import json

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(db: object = Depends(get_db)) -> list:
            return json.dumps([])
    """, True),
    "Annotated from typing_extensions in a `try` block": ("""
        from fastapi import APIRouter, Depends

        try:
            from typing import Annotated
        except ImportError:
            from typing_extensions import Annotated

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(db: object = Depends(get_db)) -> list:
            return []
    """, False),
    "parenthesized default": (_ROUTER + """
        @router.get("")
        def list_items(db: object = (Depends(get_db))) -> list:
            return []
    """, False),
    "comment around '='": (_ROUTER + """
        @router.get("")
        def list_items(
            db: object =  # the session
                Depends(get_db),
        ) -> list:
            return []
    """, False),
    "a line made too long": (_ROUTER + """
        @router.get("")
        def list_items(session_for_request: SessionFactory = Depends(get_db_session)) -> list:
            return []
    """, True),  # split as the codemod splits it, without the codemod's walk
    "a line made too long in a long module (its outline)": (_ROUTER + "".join(f"""
        @router.get("/{n}")
        def item_{n}({"session_for_request: SessionFactory = Depends(get_db_session)" if n == 7 else ""}) -> list:
            return [{n}]

    """ for n in range(30)), True),
    "appended to an existing Annotated": ("""
        from typing import Annotated

        from fastapi import APIRouter, Depends, Query

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(q: Annotated[str, "the query"] = Depends(get_q)) -> list:
            return []
    """, False),
    "two statements on one line in the imports": ("""
        import os; from fastapi import APIRouter, Depends

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(db: object = Depends(get_db)) -> list:
            return []
    """, False),
    # FCL401
    "status literals, `status` imported by the fix": ("""
        from fastapi import APIRouter, HTTPException

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("/{item_id}", status_code=(200))
        def read_item(item_id: int) -> dict:
            raise HTTPException(status_code=404, detail="not found")
    """, True),
    "status already imported, in a merged import": ("""
        from fastapi import (
            APIRouter,
            HTTPException,
            status,
        )

        router = APIRouter(prefix="/items", tags=["items"])


        @router.delete("/{item_id}", status_code=204)
        def delete_item(item_id: int) -> None:
            raise HTTPException(404)
    """, True),
}


def _fix(source: str, filename: str):
    settings = Settings()
    return fix_text(
        source, filename, settings, CodeSelection(["FCL203", "FCL401"]),
        FixContext(settings, filename, "typing"), unsafe=True,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_the_text_path_writes_what_the_codemod_writes(name, monkeypatch, tmp_path):
    source, taken = CASES[name]
    source = textwrap.dedent(source).lstrip("\n")
    filename = str(tmp_path / "router.py")
    answered = []
    rewrite = text_edits.rewrite

    def recording(*args):
        result = rewrite(*args)
        answered.append(result is not None)
        return result

    monkeypatch.setattr(text_edits, "rewrite", recording)
    quick = _fix(source, filename)
    assert any(answered) is taken
    monkeypatch.setattr(text_edits, "rewrite", lambda *args: None)
    codemod = _fix(source, filename)
    assert quick.text == codemod.text
    assert [(d.code, d.line) for d in quick.remaining] == [(d.code, d.line) for d in codemod.remaining]
    assert quick.failures == codemod.failures
    assert quick.applied or quick.failures, "each case has something to fix or to refuse"
    compile(quick.text, filename, "exec")
