from __future__ import annotations

from fastapi_conventions_lint.facts.handler_body import complexity
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid

_BRANCHY = '''
from fastapi import APIRouter

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["prices"])

@router.get("/price")
{kind}def price(kind: str, qty: int):
    if kind == "a":
        base = 1
    elif kind == "b":
        base = 2
    elif kind == "c":
        base = 3
    else:
        base = 4
    if qty > 10 and kind != "c":
        base -= 1
    for _ in range(qty):
        if base < 0:
            break
    while qty > 100:
        qty -= 1
    return base * qty
'''


class ComplexRouteHandler(Rule):
    code = "FCL103"
    name = "complex-route-handler"
    summary = "A route handler's McCabe complexity exceeds `max-handler-complexity` (6)."
    rationale = (
        "Business logic is explicit: important rules live in named functions/classes "
        "(use cases), not inline."
    )
    guide_section = "Maintainability Principles"
    reads_links = False

    VALID = (
        Valid('''
            from fastapi import APIRouter, HTTPException, status

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items/{item_id}")
            async def get_item(item_id: str):
                item = await service.get_item(item_id)
                if not item:
                    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
                if item.owner_id != user.id and not user.is_admin:
                    raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)
                return item
        ''', note="the style guide's own error-handling example"),
        Valid(_BRANCHY.replace('@router.get("/price")\n', "").format(kind=""),
              note="not a route handler"),
        Valid(_BRANCHY.format(kind="").replace("qty: int):", "qty: int):  # noqa: FCL103"),
              note="suppressed"),
    )
    INVALID = (
        Invalid(_BRANCHY.format(kind="async "), at=(6, 1), message="complexity 8 (limit 6)"),
        Invalid(_BRANCHY.format(kind=""), at=(6, 1), note="sync handler"),
    )

    def check(self, facts, settings):
        limit = settings.max_handler_complexity
        for handler in facts.handlers:
            score = complexity(handler.node)
            if score > limit:
                yield self.report(
                    handler.node,
                    f"route handler '{handler.node.name}' has McCabe complexity {score} "
                    f"(limit {limit}): move the decisions into a named use case",
                )
