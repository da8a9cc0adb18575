"""Whitespace LibCST drops (a form feed in a statement's indentation, a last lone CR) is put
back by the fix engine (fix/codemods/lossless.py), or the rewrite is refused."""

import libcst as cst
import pytest

from fastapi_conventions_lint.fix.codemods.lossless import column_shifts, may_lose, put_back

TEXTS = [
    "x = 1\r",
    "x = 1\r\r\r",
    "x = 1\r# last\r",
    "def f():\r    pass\r",
    "\x0cx = 1\n",
    "\x0c\x0cx = 1\n",
    "x = 1\n \x0cy = 2\n",
    "def f():\n    x = 1\n\x0c    return x\n",
    "x = 1\n\x0cy = 2\r\x0cz = 3\r",
    's = "\x0c"\r',
]


@pytest.mark.parametrize("text", TEXTS)
def test_libcst_loses_something_of_each_text_and_all_of_it_comes_back(text):
    unchanged = cst.parse_module(text).code
    assert may_lose(text) and unchanged != text
    assert put_back(text, unchanged, unchanged) == text


def test_columns_on_a_line_with_a_page_break_are_counted_as_ast_counts_them():
    text = "x = 1\n\x0c\x0cy = 2\n"
    assert column_shifts(text, cst.parse_module(text).code) == {2: 2}


def test_a_loss_of_another_kind_refuses_the_rewrite():
    assert put_back("x = 1\n\x0cy = 2\n", "x = 1\nz = 2\n", "x = 1\nz = 2\n") is None
    assert put_back("x = 1\n\x0cy = 2\n", "x = 1\n", "x = 1\n") is None
