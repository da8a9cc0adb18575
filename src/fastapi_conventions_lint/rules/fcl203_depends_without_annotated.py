from __future__ import annotations

import ast
from typing import Dict, List, Optional, Tuple

from fastapi_conventions_lint.facts.model import DependencyDefault
from fastapi_conventions_lint.facts.names import ANNOTATED
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class DependsWithoutAnnotated(Rule):
    code = "FCL203"
    name = "depends-without-annotated"
    summary = "A parameter takes Depends(...)/Security(...) as its default instead of Annotated."
    rationale = "Annotated dependencies: prefer `Annotated` for readability and reuse."
    guide_section = "Modern FastAPI Production Practices"
    reads_links = False
    fix = Fix.SAFE
    fix_description = (
        "Rewrites `x: T = Depends(f)` as `x: Annotated[T, Depends(f)]` (`Security` alike), "
        "importing `Annotated` (from `typing_extensions` when the project allows a Python "
        "before 3.9). Safe when the project declares FastAPI 0.95 or newer (pyproject.toml, "
        "requirements*.txt, uv.lock or poetry.lock), which resolves the dependency the same "
        "way; unsafe when it declares no FastAPI version; no fix when it allows an older one."
    )

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
        ''', at=(6, 35), message="Annotated[User, Depends(...)]", note="async handler", fixed='''
            from typing import Annotated

            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items")
            async def list_items(user: Annotated[User, Depends(get_current_user)], limit: int = 10):
                return []
        '''),
        Invalid('''
            import fastapi as fa

            def get_service(*, db: Session = fa.Depends(get_db), token=fa.Security(scheme)):
                return Service(db, token)
        ''', at=[(3, 34), (3, 60)], note=(
            "keyword-only, module alias, Security; the unannotated parameter gets no fix "
            "(there is no type to put in Annotated)"
        ), fixed='''
            from typing import Annotated

            import fastapi as fa

            def get_service(
                *, db: Annotated[Session, fa.Depends(get_db)], token=fa.Security(scheme)
            ):
                return Service(db, token)
        '''),
        Invalid('''
            from fastapi.params import Depends as D

            def sync_dependency(settings: Settings = D()):
                return settings
        ''', at=(3, 42), note="aliased import from fastapi.params, sync function", fixed='''
            from typing import Annotated

            from fastapi.params import Depends as D

            def sync_dependency(settings: Annotated[Settings, D()]):
                return settings
        '''),
        Invalid('''
            from typing import Annotated as A
            from fastapi import Security as S

            def current_user(token: str = S(oauth2, scopes=["me"]), *, db: A[DB, "main"] = S(get_db)):
                return token
        ''', at=[(4, 31), (4, 80)], note=(
            "the file's own alias of Annotated is used; an existing Annotated[...] gets the "
            "dependency appended"
        ), fixed='''
            from typing import Annotated as A
            from fastapi import Security as S

            def current_user(token: A[str, S(oauth2, scopes=["me"])], *, db: A[DB, "main", S(get_db)]):
                return token
        '''),
        Invalid('''
            import typing
            from fastapi import Depends

            def get_repo(db: DB = Depends(get_db), limit: int = 10, user: User = Depends(get_user)):
                return Repository(db, user, limit)
        ''', at=[(4, 23), (4, 70)], note=(
            "`typing.Annotated` through `import typing`; `user` keeps its default: without one "
            "it would follow `limit`, which has one"
        ), fixed='''
            import typing
            from fastapi import Depends

            def get_repo(
                db: typing.Annotated[DB, Depends(get_db)],
                limit: int = 10,
                user: User = Depends(get_user),
            ):
                return Repository(db, user, limit)
        '''),
        Invalid('''
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.post("/items")
            def create_item(
                item: ItemIn,  # the body
                # who asks
                user: User = Depends(get_current_user),  # from the token
                db: Session = Depends(
                    get_db,  # one session per request
                ),
            ):
                return []
        ''', at=[(9, 18), (10, 19)], note="multi-line signature: comments stay where they are", fixed='''
            from typing import Annotated

            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.post("/items")
            def create_item(
                item: ItemIn,  # the body
                # who asks
                user: Annotated[User, Depends(get_current_user)],  # from the token
                db: Annotated[Session, Depends(
                    get_db,  # one session per request
                )],
            ):
                return []
        '''),
        Invalid('''
            from typing import Annotated
            from fastapi import Depends, Query

            async def search(q: Annotated[str, Query(max_length=50)] = Depends(parse_query)):
                return q
        ''', at=(4, 60), message="(no fix: its Annotated[...] holds a FastAPI marker already (Query))", note=(
            "no fix: FastAPI refuses a Query() in Annotated together with a Depends default, and "
            "which one was meant is for a human to decide"
        )),
        Invalid('''
            from fastapi import Depends, Query

            async def search(q: str = Query(""), user: User = Depends(get_user)):
                return q
        ''', at=(3, 51), message="(no fix: a parameter before it keeps a default, so it cannot lose its own)",
            note="no fix, and the message says why: without its default it would follow `q`, which has one"),
        Invalid('''
            from fastapi import Depends

            def handler(db=Depends(get_db)):
                return db
        ''', at=(3, 16), message="(no fix: the parameter has no type annotation to put first in Annotated[...])",
            note="sync; no annotation: no type to put first"),
    )

    def check(self, facts, settings):
        safe, no_fix = fix_safety(settings)
        fixable, why_not = _fixable(facts) if safe is not None else ({}, {})
        for default in facts.dependency_defaults:
            parameter = default.parameter
            qualname = facts.imports.qualname(default.call.func) or ""
            kind = "Security" if qualname.endswith("Security") else "Depends"
            annotation = "T" if parameter.annotation is None else ast.unparse(parameter.annotation)
            if len(annotation) > 40:
                annotation = "T"
            message = (
                f"parameter '{parameter.arg}' uses {kind}(...) as its default: declare it as "
                f"Annotated[{annotation}, {kind}(...)]"
            )
            if _is_annotated(parameter.annotation, facts):
                message = (
                    f"parameter '{parameter.arg}' uses {kind}(...) as its default: put it in "
                    f"its Annotated[...] annotation"
                )
            if default not in fixable:
                why = no_fix or (f"(no fix: {why_not[default]})" if default in why_not else "")
                yield self.report(default.call, f"{message} {why}" if why else message)
                continue
            yield self.report(
                default.call,
                message,
                description=f"move {kind}(...) into the annotation: Annotated[..., {kind}(...)]",
                append=fixable[default],
                safe=safe,
            )


def fix_safety(settings) -> Tuple[Optional[bool], str]:
    """(True: safe, False: unsafe, None: no fix; why not) from the FastAPI the project
    declares: Annotated dependencies need FastAPI 0.95 or newer."""
    from fastapi_conventions_lint.project.versions import ANNOTATED_FASTAPI, allows_below, requirement

    declared = settings.declared
    spec = declared.fastapi if declared is not None else None
    older = allows_below(spec, ANNOTATED_FASTAPI)
    if older is None:
        return False, ""  # nothing declared: the FastAPI in use is not known
    if older:
        return None, (
            f"(no fix: {requirement(spec)} in {declared.fastapi_source} allows versions before "
            f"{ANNOTATED_FASTAPI}, which do not understand Annotated dependencies)"
        )
    return True, ""


def _fixable(facts) -> Tuple[Dict[DependencyDefault, bool], Dict[DependencyDefault, str]]:
    """The defaults whose fix is valid, each with whether the annotation already is an
    `Annotated[...]` to append to; and why each of the others gets none. The parameter order is judged on the signature as it is
    after every fix in the function: a positional parameter whose default is moved into
    Annotated loses its default, which is only allowed while no positional parameter before
    it keeps one."""
    if _annotated_taken(facts):
        return {}, {default: "`Annotated` names something else here" for default in facts.dependency_defaults}
    by_function: Dict[int, List[DependencyDefault]] = {}
    for default in facts.dependency_defaults:
        by_function.setdefault(id(default.function), []).append(default)
    fixable: Dict[DependencyDefault, bool] = {}
    why_not: Dict[DependencyDefault, str] = {}
    for defaults in by_function.values():
        candidates: Dict[int, Tuple[DependencyDefault, bool]] = {}
        for default in defaults:
            append, why = _fix_shape(default.parameter.annotation, facts)
            if append is None:
                why_not[default] = why
            else:
                candidates[id(default.parameter)] = (default, append)
        arguments = defaults[0].function.args
        positional = arguments.posonlyargs + arguments.args
        first_default = len(positional) - len(arguments.defaults)
        default_before = False
        for index, parameter in enumerate(positional):
            if index < first_default:
                continue
            candidate = candidates.get(id(parameter))
            if candidate is not None and not default_before:
                continue  # may lose its default: no positional one before it keeps one
            if candidate is not None:
                why_not[candidate[0]] = (
                    "a parameter before it keeps a default, so it cannot lose its own"
                )
            default_before = True
            candidates.pop(id(parameter), None)
        fixable.update(dict(candidates.values()))
    return fixable, why_not


def _fix_shape(annotation: Optional[ast.expr], facts) -> Tuple[Optional[bool], str]:
    """(None, why) when the parameter gets no fix; else whether its annotation is an
    Annotated[...] that the dependency is appended to (nesting would mean the same: Annotated
    flattens)."""
    if annotation is None:
        return None, "the parameter has no type annotation to put first in Annotated[...]"
    if not _is_annotated(annotation, facts):
        return False, ""
    metadata = annotation.slice.elts[1:] if isinstance(annotation.slice, ast.Tuple) else []
    if not metadata:
        return None, "its annotation is not a valid Annotated[...]"
    for element in metadata:
        qualname = facts.imports.qualname(element.func) if isinstance(element, ast.Call) else None
        if qualname is not None and qualname.startswith("fastapi."):
            # FastAPI refuses a FastAPI marker in Annotated together with a Depends default;
            # which of the two was meant is for a human to decide.
            return None, f"its Annotated[...] holds a FastAPI marker already ({ast.unparse(element.func)})"
    return True, ""


def _is_annotated(annotation: Optional[ast.expr], facts) -> bool:
    return isinstance(annotation, ast.Subscript) and (
        facts.imports.qualname(annotation.value) in ANNOTATED
    )


def _annotated_taken(facts) -> bool:
    """Whether the name `Annotated` means something else in this file (so that neither an
    import of it can be added nor the name be used)."""
    imported = facts.imports.bindings.get("Annotated")
    if imported is not None and imported not in ANNOTATED:
        return True
    return "Annotated" in facts.bindings
