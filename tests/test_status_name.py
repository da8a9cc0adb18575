"""FCL401's fix writes `status.HTTP_...`: only where the name `status` is free for fastapi's
module, or is it already. What counts as another use of the name: a binding or a read of it,
not a keyword argument called `status`, a string, or `status.HTTP_...` itself."""

from __future__ import annotations

import pytest

from conftest import run_cli

_RAISE = "from fastapi import HTTPException\n{head}\n\ndef fail():\n    raise HTTPException(status_code=404)\n{tail}\n"
_REFUSED = "(no fix: `status` names something else here)"


@pytest.mark.parametrize("head, tail, free", [
    ("", "\nresponse = dict(status='ok')", True),
    ("", "\nLABEL = 'status'  # status of the run", True),
    ("from fastapi import status", "\nOK = status.HTTP_200_OK", True),
    ("from starlette import status", "\nOK = status.HTTP_200_OK", True),
    ("", "\ndef handler(status):\n    return status", False),
    ("", "\nstatus = 1", False),
    ("", "\ndef status():\n    return 1", False),
    ("", "\nclass status:\n    pass", False),
    ("", "\ntry:\n    pass\nexcept Exception as status:\n    pass", False),
    ("import os as status", "", False),
    ("", "\nfor status in range(3):\n    pass", False),
    ("", "\ndef reset():\n    global status\n    status = 0", False),
    ("", "\ncheck = lambda status: status", False),
    ("", "\nCODES = [status for status in range(3)]", False),
    ("from fastapi import status", "\nWORD = status", True),  # the module itself
    ("", "\nWORD = status", False),  # not imported: some other `status`
])
def test_the_name_is_free_unless_the_code_binds_or_reads_it(write, capsys, head, tail, free):
    path = write("app/errors.py", _RAISE.format(head=head, tail=tail))
    code, out, err = run_cli(["check", "--no-cache", "--select", "FCL401", str(path)], capsys)
    assert "FCL401" in out, err
    assert (_REFUSED not in out) is free, out
