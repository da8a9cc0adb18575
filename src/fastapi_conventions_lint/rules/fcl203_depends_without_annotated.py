from __future__ import annotations

import ast

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class DependsWithoutAnnotated(Rule):
    code = "FCL203"
    name = "depends-without-annotated"
    summary = "A parameter takes Depends(...)/Security(...) as its default instead of Annotated."
    rationale = "Annotated dependencies: prefer `Annotated` for readability and reuse."
    guide_section = "Modern FastAPI Production Practices"
    fix = Fix.SAFE

    VALID = (
        Valid('''
            from typing import Annotated
            from fastapi import Depends

            @router.get("/items")
            def list_items(db: Annotated[Session, Depends(get_db)]):
                return []
        '''),
        Valid('''
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["x"], dependencies=[Depends(auth)])
        ''', note="a dependencies= list is not a parameter"),
        Valid('''
            from my_di import Depends

            def handler(x=Depends(thing)):
                return x
        ''', note="not FastAPI's Depends"),
        Valid('''
            from fastapi import Depends

            def get_service(db=Depends(get_db)):  # noqa: FCL203
                return Service(db)
        '''),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items")
            async def list_items(user: User = Depends(get_current_user), limit: int = 10):
                return []
        ''', at=(6, 35), message="Annotated[User, Depends(...)]"),
        Invalid('''
            import fastapi as fa

            def get_service(*, db: Session = fa.Depends(get_db), token=fa.Security(scheme)):
                return Service(db, token)
        ''', at=[(3, 34), (3, 60)], note="keyword-only, module alias, Security, unannotated"),
        Invalid('''
            from fastapi.params import Depends as D

            def sync_dependency(settings: Settings = D()):
                return settings
        ''', at=(3, 42), note="aliased import from fastapi.params"),
    )

    def check(self, facts, settings):
        for default in facts.dependency_defaults:
            parameter = default.parameter
            qualname = facts.imports.qualname(default.call.func) or ""
            kind = "Security" if qualname.endswith("Security") else "Depends"
            annotation = "T" if parameter.annotation is None else ast.unparse(parameter.annotation)
            if len(annotation) > 40:
                annotation = "T"
            yield self.report(
                default.call,
                f"parameter '{parameter.arg}' uses {kind}(...) as its default: declare it as "
                f"Annotated[{annotation}, {kind}(...)]",
            )
