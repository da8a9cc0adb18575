from __future__ import annotations

from fastapi_conventions_lint.facts.data_handles import HandleTypes
from fastapi_conventions_lint.facts.handler_body import DataAccessFinder
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class DataAccessInRoute(Rule):
    code = "FCL102"
    name = "data-access-in-route"
    summary = "A route handler queries or writes the database directly instead of calling a service."
    rationale = (
        "Keep routers thin - delegate to services. Fat routers: routes doing validation, "
        "queries, and business logic."
    )
    guide_section = "Maintainability Principles"

    VALID = (
        Valid('''
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items")
            async def list_items(service: ItemService = Depends(get_service)):
                return await service.list_items()
        ''', note="a call on a service object"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.delete("/items/{item_id}")
            def delete_item(item_id: int, repo: ItemRepository):
                repo.delete_one(item_id)
                return {"deleted": item_id}
        ''', note="a repository's method with a data-access name"),
        Valid('''
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            def find_user(session: Session, user_id: int):
                return session.execute(select(User).where(User.id == user_id)).scalar_one()
        ''', note="data access in a repository function, not a handler"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items")
            async def list_items(db: Session):
                return db.query(Item).all()  # noqa: FCL102
        '''),
    )
    INVALID = (
        Invalid('''
            from typing import Annotated
            from fastapi import APIRouter, Depends
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["users"])
            SessionDep = Annotated[AsyncSession, Depends(get_session)]

            @router.get("/users")
            async def list_users(s: SessionDep):
                result = await s.execute(select(User))
                return result.scalars().all()
        ''', at=(11, 20), message="s.execute()", note="typed through an Annotated alias; first call in source order"),
        Invalid('''
            import sqlalchemy as sa
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["users"])

            @router.get("/users/count")
            def count_users():
                query = sa.select(sa.func.count())
                return service.run_query(query)
        ''', at=(8, 13), message="sqlalchemy.select()", note="a statement builder through a module alias"),
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["memories"])

            @router.get("/memories")
            async def memories(deps=None):
                collection = deps.mongo_client["app"]["memories"]
                return await collection.find({}).to_list(10)
        ''', at=(8, 18), message="collection.find()", note="a subscript of a handle, through a local name"),
        Invalid('''
            from fastapi import APIRouter, Request

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["x"])

            @router.post("/x")
            def create(request: Request):
                request.app.state.db.commit()
        ''', at=(7, 5), message="request.app.state.db.commit()"),
    )

    def check(self, facts, settings):
        if not facts.handlers:
            return
        types = HandleTypes(facts.imports, facts.bindings, facts.classes, facts.lookup)
        finder = DataAccessFinder(
            facts.imports, types, settings.data_handle_names, settings.data_access_methods,
            settings.data_access_functions,
        )
        for handler in facts.handlers:
            found = finder.first_call(handler.node)
            if found is None:
                continue
            call, described = found
            yield self.report(
                call,
                f"route handler '{handler.node.name}' calls the data layer directly ({described}): "
                f"move it into a repository or service",
            )
