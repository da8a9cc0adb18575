"""FCL201's fix in a real project: `async with ManagedDependencies(X, **kw) as deps:` when the
configured `managed-dependencies` module is a file of the project (found under the config's
root or its src/, else upward from the checked file), try/finally otherwise; never without
--unsafe-fixes. The rule examples cover the try/finally form and FCL202's fix, since their
project has no such module."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import parse_output, run_cli
from fastapi_conventions_lint import engine
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic, FixIntent
from fastapi_conventions_lint.fix.apply import fix_text
from fastapi_conventions_lint.fix.codemods import FixContext
from fastapi_conventions_lint.fix.codemods.lifecycle import module_in_project
from fastapi_conventions_lint.selection import CodeSelection

TABLE = '[tool.fastapi-conventions-lint]\nselect = ["FCL2"]\n'

ROUTER = '''\
"""Items."""
from fastapi import APIRouter

from server.config import api_config

router = APIRouter(prefix=f"{api_config.V1_PREFIX}/items", tags=["items"])


@router.get("")
async def list_items(user: User) -> list:
    # one set of dependencies per request
    deps = ItemDependencies.from_settings(user_email=user.email)  # per user
    await deps.initialize()
    service = ItemService(deps)
    return await service.list_items()
'''

ROUTER_MANAGED = '''\
"""Items."""
from fastapi import APIRouter

from server.config import api_config
from server.core.api_utils import ManagedDependencies

router = APIRouter(prefix=f"{api_config.V1_PREFIX}/items", tags=["items"])


@router.get("")
async def list_items(user: User) -> list:
    # one set of dependencies per request
    async with ManagedDependencies(
        ItemDependencies, user_email=user.email
    ) as deps:  # per user
        service = ItemService(deps)
        return await service.list_items()
'''

ROUTER_TRY_FINALLY = '''\
"""Items."""
from fastapi import APIRouter

from server.config import api_config

router = APIRouter(prefix=f"{api_config.V1_PREFIX}/items", tags=["items"])


@router.get("")
async def list_items(user: User) -> list:
    # one set of dependencies per request
    deps = ItemDependencies.from_settings(user_email=user.email)  # per user
    await deps.initialize()
    try:
        service = ItemService(deps)
        return await service.list_items()
    finally:
        await deps.cleanup()
'''


def _project(
    root: Path,
    *,
    pyproject: str = TABLE,
    module: str = "src/server/core/api_utils.py",
    source: str = ROUTER,
) -> Path:
    """A small project: pyproject.toml, the context manager's module, one router file."""
    root.mkdir(parents=True, exist_ok=True)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if module:
        path = root / module
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("class ManagedDependencies:\n    pass\n\n\nManaged = ManagedDependencies\n", encoding="utf-8")
    router = root / "src" / "capabilities" / "items" / "router.py"
    router.parent.mkdir(parents=True, exist_ok=True)
    router.write_text(textwrap.dedent(source), encoding="utf-8")
    return router


def _fix(path: Path, capsys, *options: str):
    return run_cli(["fix", "--unsafe-fixes", *options, str(path)], capsys)


def test_managed_form_when_the_module_is_in_the_project(tmp_path, capsys):
    router = _project(tmp_path)
    code, out, err = _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_MANAGED
    assert code == 0, (out, err)
    assert parse_output(out) == []
    # A second run changes nothing.
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_MANAGED


def test_managed_form_with_a_package_module_at_the_root(tmp_path, capsys):
    router = _project(tmp_path, module="server/core/api_utils/__init__.py")
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_MANAGED


def test_managed_form_found_in_the_project_without_a_configured_root(tmp_path, capsys):
    # No [tool.fastapi-conventions-lint] table: the module is found under the project's src/.
    router = _project(tmp_path / "project", pyproject="[project]\nname = 'items'\n")
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_MANAGED


def test_try_finally_when_the_module_does_not_define_the_class(tmp_path, capsys):
    router = _project(tmp_path, module="src/server/core/api_utils.py")
    (tmp_path / "src/server/core/api_utils.py").write_text("class Other:\n    pass\n", encoding="utf-8")
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_TRY_FINALLY


def test_try_finally_when_the_module_is_not_in_the_project(tmp_path, capsys):
    router = _project(tmp_path, module="")
    code, out, _ = _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_TRY_FINALLY
    assert code == 0 and parse_output(out) == []


def test_try_finally_when_the_module_is_outside_the_configured_root(tmp_path, capsys):
    # The module exists, but in a sibling of the project, not under its root or src/.
    _project(tmp_path / "other")
    router = _project(tmp_path / "project", module="")
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == ROUTER_TRY_FINALLY


def test_configured_context_manager_and_an_existing_alias(tmp_path, capsys):
    source = '''\
    from fastapi import APIRouter
    from app.lifecycle import Managed as M


    async def job(**options):
        deps = pkg.JobDeps.from_settings(
            retries=3,
            **options,
        )
        await deps.initialize()
        yield deps
    '''
    router = _project(
        tmp_path,
        pyproject=TABLE + 'managed-dependencies = "app.lifecycle:Managed"\n',
        module="app/lifecycle.py",
        source=source,
    )
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == textwrap.dedent('''\
    from fastapi import APIRouter
    from app.lifecycle import Managed as M


    async def job(**options):
        async with M(
            pkg.JobDeps,
            retries=3,
            **options,
        ) as deps:
            yield deps
    ''')


@pytest.mark.parametrize("source, reason", [
    ('''\
    from fastapi import APIRouter


    def job():
        deps = JobDeps.from_settings()
        deps.initialize()
        run(deps)
    ''', "a sync function cannot use async with"),
    ('''\
    from fastapi import APIRouter


    async def job():
        deps = JobDeps.from_settings("positional")
        await deps.initialize()
        await run(deps)
    ''', "the context manager takes keyword arguments only"),
    ('''\
    from fastapi import APIRouter


    async def job():
        deps = JobDeps.from_settings()
        log("between")
        await deps.initialize()
        await run(deps)
    ''', "a statement between the creation and initialize()"),
    ('''\
    import asyncio
    from fastapi import APIRouter


    async def job():
        deps = JobDeps.from_settings()
        await asyncio.wait_for(deps.initialize(), 5)
        await run(deps)
    ''', "dropping initialize() would drop its timeout"),
    ('''\
    from fastapi import APIRouter


    class ManagedDependencies:
        pass


    async def job():
        deps = JobDeps.from_settings()
        await deps.initialize()
        await run(deps)
    ''', "the name means something else in the file"),
    ('''\
    from fastapi import APIRouter

    ManagedDependencies = None


    async def job():
        deps = JobDeps.from_settings()
        await deps.initialize()
        await run(deps)
    ''', "the name is assigned in the file"),
])
def test_try_finally_when_the_shape_does_not_allow_the_managed_form(source, reason, tmp_path, capsys):
    router = _project(tmp_path, source=source)
    _fix(router, capsys)
    fixed = router.read_text(encoding="utf-8")
    assert "ManagedDependencies(" not in fixed, reason
    assert "finally:\n" in fixed and "cleanup()" in fixed, reason
    assert "import ManagedDependencies" not in fixed, reason


def test_no_fix_for_fcl201_without_unsafe_fixes(tmp_path, capsys):
    router = _project(tmp_path)
    code, out, err = run_cli(["fix", "--diff", str(router)], capsys)
    assert router.read_text(encoding="utf-8") == ROUTER
    assert "+++" not in out and "---" not in out
    assert code == 0, (out, err)
    code, out, _ = run_cli(["fix", str(router)], capsys)
    assert router.read_text(encoding="utf-8") == ROUTER
    assert code == 1
    assert [(item.line, item.code) for item in parse_output(out)] == [(13, "FCL201")]
    assert "1 violation can be fixed with --unsafe-fixes." in out


def test_diff_with_unsafe_fixes_shows_the_managed_form(tmp_path, capsys):
    router = _project(tmp_path)
    code, out, _ = run_cli(["fix", "--diff", "--unsafe-fixes", str(router)], capsys)
    assert router.read_text(encoding="utf-8") == ROUTER
    assert code == 1
    assert "+from server.core.api_utils import ManagedDependencies\n" in out
    assert (
        "+    async with ManagedDependencies(\n"
        "+        ItemDependencies, user_email=user.email\n"
        "+    ) as deps:  # per user\n" in out
    )
    assert "-    await deps.initialize()\n" in out


def test_fcl202_fix_is_safe(tmp_path, capsys):
    source = '''\
    from fastapi import APIRouter


    async def close_period(work):
        deps = BillingDependencies.from_settings()
        await deps.initialize()
        result = await work(deps)
        await deps.cleanup()
        return result
    '''
    router = _project(tmp_path, source=source)
    code, out, _ = run_cli(["fix", str(router)], capsys)
    assert code == 0, out
    assert router.read_text(encoding="utf-8") == textwrap.dedent('''\
    from fastapi import APIRouter


    async def close_period(work):
        deps = BillingDependencies.from_settings()
        await deps.initialize()
        try:
            result = await work(deps)
        finally:
            await deps.cleanup()
        return result
    ''')


def test_module_lookup_stops_at_the_project_root(tmp_path):
    # Above a folder with src/ (or pyproject.toml, or .git) nothing is looked at.
    (tmp_path / "server" / "core").mkdir(parents=True)
    (tmp_path / "server" / "core" / "api_utils.py").write_text("", encoding="utf-8")
    project = tmp_path / "project"
    (project / "src" / "app").mkdir(parents=True)
    filename = str(project / "src" / "app" / "main.py")
    assert not module_in_project(Settings(), filename, "server.core.api_utils")
    (project / "src" / "server" / "core").mkdir(parents=True)
    (project / "src" / "server" / "core" / "api_utils.py").write_text("", encoding="utf-8")
    assert module_in_project(Settings(), filename, "server.core.api_utils")


@pytest.mark.parametrize("value, expected", [
    ("3", "a string"),
    ('"ManagedDependencies"', "'module:object'"),
])
def test_managed_dependencies_key_is_validated(value, expected, tmp_path, capsys):
    router = _project(tmp_path, pyproject=TABLE + f"managed-dependencies = {value}\n")
    code, out, err = run_cli(["check", str(router)], capsys)
    assert code == 2
    assert "managed-dependencies" in err and expected in err


def test_managed_form_keeps_the_comments_of_the_dropped_initialize(tmp_path, capsys):
    source = """\
from fastapi import APIRouter


async def warm_up():
    deps = WarmDeps.from_settings()
    # connect early
    await deps.initialize()  # and nothing else
"""
    router = _project(tmp_path, source=source)
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == """\
from fastapi import APIRouter

from server.core.api_utils import ManagedDependencies


async def warm_up():
    async with ManagedDependencies(WarmDeps) as deps:
        # connect early
        # and nothing else
        pass
"""


# ---- shapes, one file at a time, without the CLI ------------------------------------------

def _fix_text(text, codes=("FCL2",), diagnostics=None):
    settings = Settings()
    return fix_text(
        text, "example.py", settings, CodeSelection(list(codes)),
        FixContext(settings, "example.py"), unsafe=True, diagnostics=diagnostics,
    )


def test_fcl202_cleanup_right_after_initialize_gets_an_empty_try():
    outcome = _fix_text("""\
def job():
    deps = JobDeps()
    deps.initialize()

    deps.cleanup()
    log("done")
""")
    assert outcome.text == """\
def job():
    deps = JobDeps()
    deps.initialize()

    try:
        pass
    finally:
        deps.cleanup()
    log("done")
"""


NO_FIX = {
    "fcl202-shared-line-after-initialize":
        "def job():\n    deps = JobDeps()\n    deps.initialize(); run(deps)\n    deps.cleanup()\n",
    "fcl202-shared-line-with-cleanup":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    run(deps); deps.cleanup()\n",
    "fcl202-del":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    del deps\n    deps.cleanup()\n",
    "fcl202-import":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    import deps\n    deps.cleanup()\n",
    "fcl202-def":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    def deps(): pass\n    deps.cleanup()\n",
    "fcl202-nonlocal":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n"
        "    def reset():\n        nonlocal deps\n        deps = None\n    deps.cleanup()\n",
    "fcl202-except-as":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n"
        "    try:\n        run()\n    except E as deps:\n        pass\n    deps.cleanup()\n",
    "fcl202-cleanup-between":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n"
        "    if failed:\n        deps.cleanup()\n    deps.cleanup()\n",
    "fcl202-into-a-container":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    pool.append(deps)\n    deps.cleanup()\n",
    "fcl201-initialize-in-another-block":
        "def job(ready):\n    deps = JobDeps()\n    if ready:\n        deps.initialize()\n    run(deps)\n",
    "fcl201-shared-line":
        "def job():\n    deps = JobDeps(); deps.initialize()\n    run(deps)\n",
    "fcl201-bound-again":
        "def job():\n    deps = JobDeps()\n    deps.initialize()\n    deps = None\n",
}


@pytest.mark.parametrize("text", list(NO_FIX.values()), ids=list(NO_FIX))
def test_no_fix_for_shapes_a_rewrite_could_break(text):
    reported = engine.check_text(text, "example.py", Settings(), CodeSelection(["FCL2"]))
    assert reported and all(diagnostic.fix is None for diagnostic in reported), reported
    assert _fix_text(text).text == text


def _stale(code, line, col, **payload):
    """A diagnostic whose payload no longer matches the code (the codemod must not guess)."""
    return Diagnostic(line, col, code, "stale", fix=FixIntent(True, "stale", payload))


STALE = """\
async def job():
    deps = JobDeps.from_settings()
    await deps.initialize()
    await run(deps)
    await deps.cleanup()
"""


def test_fcl202_codemod_skips_an_anchor_outside_the_cleanups_block():
    outcome = _fix_text(STALE, diagnostics=[_stale("FCL202", 5, 10, anchor=99, cleanup=5)])
    assert outcome.text == STALE
    assert list(outcome.failures.values()) == [
        "initialize() is not in the same block, before the cleanup"
    ]


def test_fcl201_codemod_skips_an_initialize_before_the_creation():
    payload = {"var": "deps", "creation": 3, "initialize": 2, "await": True, "managed": None}
    outcome = _fix_text(STALE, diagnostics=[_stale("FCL201", 3, 10, **payload)])
    assert outcome.text == STALE
    assert list(outcome.failures.values()) == [
        "initialize() is not a statement of its own after the creation"
    ]


def test_fcl201_codemod_falls_back_when_the_creation_is_not_from_settings():
    # The payload asks for the managed form, but the creation line is not
    # `deps = X.from_settings(...)`: the codemod does not guess, it writes try/finally.
    managed = {"module": "server.core.api_utils", "reference": "M", "import": None}
    payload = {"var": "deps", "creation": 2, "initialize": 3, "await": True, "managed": managed}
    text = "async def job():\n    log('x')\n    await deps.initialize()\n"
    outcome = _fix_text(text, codes=("FCL201",), diagnostics=[_stale("FCL201", 3, 10, **payload)])
    assert "async with" not in outcome.text


def test_managed_form_does_not_open_its_body_with_a_blank_line(tmp_path, capsys):
    source = """\
from fastapi import APIRouter


async def job():
    deps = JobDeps.from_settings(mode="batch")
    await deps.initialize()

    # the work
    await run(deps)
"""
    router = _project(tmp_path, source=source)
    _fix(router, capsys)
    assert router.read_text(encoding="utf-8") == """\
from fastapi import APIRouter

from server.core.api_utils import ManagedDependencies


async def job():
    async with ManagedDependencies(JobDeps, mode="batch") as deps:
        # the work
        await run(deps)
"""
