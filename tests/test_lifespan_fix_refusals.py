"""When FCL301 offers no lifespan, its message says why, and `fix` leaves the file as it is."""

from __future__ import annotations

import textwrap

import pytest

from conftest import run_cli
from test_fix_runtime import make

_HANDLER = '''

    async def connect():
        pass
'''

CASES = [
    ("app = FastAPI(**options)\napp.router.add_event_handler('startup', connect)\n",
     "the app's arguments include `**...` or `lifespan=`"),
    ("apps = [FastAPI()]\napps[0].router.add_event_handler('startup', connect)\n", None),
    ("class Holder:\n    app = FastAPI(on_startup=[connect])\n",
     "the app is not made at the module's top level or in a top-level function's body"),
    ("app = FastAPI()\nif True:\n    app.router.add_event_handler('startup', connect)\n",
     "a registration is not made where the app is"),
    ("lifespan = None\napp = FastAPI(on_startup=[connect])\n", "the module already has a name `lifespan`"),
    ("asynccontextmanager = None\napp = FastAPI(on_startup=[connect])\n",
     "`asynccontextmanager` names something else here"),
    ("EVENT = 'startup'\napp = FastAPI()\napp.router.add_event_handler(EVENT, connect)\n",
     "the event is not a literal `startup` or `shutdown`"),
    ("HANDLERS = [connect]\napp = FastAPI(on_startup=HANDLERS)\n", "on_startup=: the handlers are not written out"),
    ("app = FastAPI(on_startup=[print])\n", "`print` is not a function of this module"),
    ("app = FastAPI()\n\n\n@app.on_event('startup')\n@traced\nasync def warm():\n    pass\n",
     "`warm` has other decorators"),
    ("def make():\n    async def inner():\n        pass\n    app = FastAPI(on_startup=[inner])\n    return app\n",
     "`inner` is not a function of this module"),
]


@pytest.mark.parametrize("tail,reason", CASES)
def test_no_fix_and_the_reason(tmp_path, capsys, tail, reason):
    text = "from fastapi import FastAPI\n" + textwrap.dedent(_HANDLER) + "\n\n" + tail
    root = make(tmp_path / "app", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nselect = ["FCL301"]\n',
        "main.py": text,
    })
    code, out, _ = run_cli(["check", str(root)], capsys)
    if reason is None:
        assert "FCL301" not in out  # no app the file can name: nothing to say
    else:
        assert "(no fix: " in out and reason in out, out
    run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert (root / "main.py").read_text(encoding="utf-8") == text
