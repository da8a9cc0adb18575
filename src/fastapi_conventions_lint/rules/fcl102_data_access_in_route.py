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
    reads_links = False

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
        Valid('''
            from typing import Annotated

            import aiohttp
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["webhooks"])

            @router.delete("/webhooks/{hook_id}")
            async def remove_webhook(
                hook_id: str, session: Annotated[aiohttp.ClientSession, Depends(http_session)]
            ):
                await session.delete(f"{HOOKS_URL}/{hook_id}")
        ''', note="a handle's name, but an HTTP client's type"),
        Valid('''
            import httpx as http
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["mirrors"])

            @router.delete("/mirrors/{name}")
            async def unpublish(name: str):
                async with http.AsyncClient() as session:
                    await session.delete(f"{MIRROR_URL}/{name}")
        ''', note="a local made from an HTTP client class, through a module alias"),
        Valid('''
            from fastapi import APIRouter, HTTPException

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["collections"])

            @router.get("/collections/{collection}")
            def get_collection(collection: str):
                if collection.find("/") >= 0:
                    raise HTTPException(status_code=400)
                return service.get_collection(collection)
        ''', note="a path parameter typed str"),
        Valid('''
            from typing import List

            from fastapi import APIRouter
            from pydantic import BaseModel

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["albums"])

            class Collection(BaseModel):
                photos: List[str] = []

                def add(self, photo: str) -> None:
                    self.photos.append(photo)

            @router.post("/albums/preview")
            def preview(photo: str, collection: Collection):
                collection.add(photo)
                return collection
        ''', note="a class of the same file that is no session type"),
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
        Invalid(files={
            "deps.py": '''
                from typing import Annotated

                from fastapi import Depends
                from sqlalchemy.orm import Session

                from db import get_db

                SessionDep = Annotated[Session, Depends(get_db)]
            ''',
            "routes/items.py": '''
                from fastapi import APIRouter
                from sqlalchemy import text

                from deps import SessionDep

                router = APIRouter(prefix="/items", tags=["items"])


                @router.get("")
                def list_items(s: SessionDep):
                    return s.execute(text("SELECT id, name FROM items")).all()
            ''',
        }, at=("routes/items.py", 11, 12), message="s.execute()",
           note="an alias defined in another module"),
        Invalid(files={
            "app/db.py": '''
                from typing import Annotated

                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession

                AsyncSessionDep = Annotated[AsyncSession, Depends(get_session)]
            ''',
            "app/deps/__init__.py": '''
                from ..db import AsyncSessionDep

                __all__ = ["AsyncSessionDep"]
            ''',
            "app/routers/users.py": '''
                from fastapi import APIRouter

                from app.deps import AsyncSessionDep as Store
                from app.models import User

                router = APIRouter(prefix="/users", tags=["users"])


                @router.post("")
                async def create_user(name: str, store: Store):
                    store.add(User(name=name))
                    await store.commit()
            ''',
        }, at=("app/routers/users.py", 11, 5), message="store.add()",
           note="re-exported by a package, imported under another name"),
        Invalid(files={
            "app/database.py": '''
                class Database:
                    def execute(self, sql: str):
                        ...
            ''',
            "app/routes.py": '''
                from fastapi import APIRouter, Depends

                from app.database import Database

                router = APIRouter(prefix="/reports", tags=["reports"])


                @router.get("")
                def reports(db: Database = Depends(get_database)):
                    return db.execute("SELECT * FROM reports")
            ''',
        }, at=("app/routes.py", 10, 12), message="db.execute()",
           note="a class of the project may wrap a session: the name decides"),
        Invalid('''
            from typing import Annotated

            from asyncpg import Pool
            from fastapi import APIRouter, Depends

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["orders"])

            @router.get("/orders")
            async def list_orders(pool: Annotated[Pool, Depends(get_pool)]):
                return await pool.fetch("SELECT * FROM orders")
        ''', at=(10, 18), message="pool.fetch()", note="a connection pool's type, whatever its name"),
        Invalid('''
            from fastapi import APIRouter, Depends
            from pymongo.asynchronous.collection import AsyncCollection

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["users"])

            @router.get("/users/{user_id}")
            async def get_user(user_id: str, users: "AsyncCollection | None" = Depends(users_of)):
                return await users.find_one({"_id": user_id})
        ''', at=(8, 18), message="users.find_one()", note="an optional type, as a string"),
        Invalid('''
            from fastapi import APIRouter
            from sqlmodel import Session

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["heroes"])

            @router.post("/heroes")
            def create_hero(hero: Hero):
                with Session(engine) as s:
                    s.add(hero)
                    s.commit()
                return hero
        ''', at=(9, 9), message="s.add()", note="a session made in the handler"),
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
