"""What an include_router call serves: the outer prefix it adds, and whether the included
router's own prefix repeats it (FCL002, and FCL005 which fires only when FCL002 does not)."""

from __future__ import annotations

import ast
from typing import Optional

from fastapi_conventions_lint.facts.model import FileFacts, IncludeFact


def made_by_the_app(include: IncludeFact, facts: FileFacts) -> bool:
    """Whether an include_router call is one an app's code makes with FastAPI's method, as far
    as can be told: its receiver or its router is a router or app (of the file, or linked in
    from another module), or the file imports FastAPI or Starlette; and it is not a router
    class's own `include_router` handing on what its caller gives. A message broker's or a bot
    framework's `include_router`, in a file that imports neither, is not."""
    if include.forwards:
        return False
    return include.receiver is not None or include.router is not None or facts.uses_fastapi


def reads_own_prefix(call: ast.Call, prefix: Optional[ast.expr], function: Optional[ast.AST]) -> bool:
    """Whether an include's `prefix=` is the receiver's or the included router's own prefix
    read back from it (`prefix=router.prefix`, or a name the enclosing function binds once,
    before the call, to that): code that moves where a router's prefix is applied, as a
    class-based view helper does (`prefix = router.prefix; router.prefix = ""; router.
    include_router(view, prefix=prefix)`). The router defines its prefix; the include only
    hands it on. A name is followed in a function only: a module's is not walked per include."""
    if isinstance(prefix, ast.Name) and function is not None:
        prefix = _bound_once_before(function, prefix.id, call.lineno)
    if not isinstance(prefix, ast.Attribute) or prefix.attr != "prefix":
        return False
    owners = [call.func.value] if isinstance(call.func, ast.Attribute) else []
    owners += call.args[:1] + [keyword.value for keyword in call.keywords if keyword.arg == "router"]
    read = ast.dump(prefix.value)
    return any(ast.dump(owner) == read for owner in owners)


def _bound_once_before(function: ast.AST, name: str, line: int) -> Optional[ast.expr]:
    """The value of the one binding of `name` in `function`, a plain `name = value` before
    `line`; None when it is bound otherwise (a loop, a `with`), more than once, or after."""
    stores, value = 0, None
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            stores += 1
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and node.lineno < line
            and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name
        ):
            value = node.value
    return value if stores == 1 else None


def outer_prefix(include: IncludeFact) -> Optional[str]:
    """The receiver router's own prefix followed by the call's `prefix=`; None if unknown."""
    receiver = include.receiver
    own = ""
    if receiver is not None and not receiver.is_app:
        resolved = receiver.prefix.resolved
        if resolved is None:
            return None
        own = resolved
    call = include.prefix.resolved
    return None if call is None else own + call


def doubled_path(include: IncludeFact) -> Optional[str]:
    """The served path when the router's own prefix starts with the outer prefix on a
    segment boundary (so the outer part appears twice); None when it does not."""
    if include.router is None or include.router.prefix.absent:
        return None
    outer = outer_prefix(include)
    if not outer:
        return None
    inner = include.router.prefix
    known = inner.resolved_head
    complete = inner.resolved is not None
    if not known.startswith(outer):
        return None
    boundary = known[len(outer):len(outer) + 1]
    if boundary == "/" or (boundary == "" and complete) or outer.endswith("/"):
        return outer + inner.display()
    return None
