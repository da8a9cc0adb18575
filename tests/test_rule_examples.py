"""Every rule's VALID and INVALID examples, run through both hosts: the CLI and a real
`flake8 --select FCL` process. One CLI run and one flake8 run cover all examples."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import Reported, by_file, parse_output, run_flake8
from fastapi_conventions_lint.cli import main
from fastapi_conventions_lint.rules import ALL_RULES, Scope

EXAMPLES = [
    (rule, kind, index, example)
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


def _file_name(rule, kind, index) -> str:
    return f"{rule.code}/{kind}_{index}.py"


@pytest.fixture(scope="session")
def example_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("examples")
    for rule, kind, index, example in EXAMPLES:
        path = root / _file_name(rule, kind, index)
        path.parent.mkdir(exist_ok=True)
        path.write_text(example.code, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def cli_results(example_dir) -> Dict[str, List[Reported]]:
    out = io.StringIO()
    with redirect_stdout(out):
        main(["check", str(example_dir)])
    return by_file(parse_output(out.getvalue()))


@pytest.fixture(scope="session")
def flake8_results(example_dir) -> Dict[str, List[Reported]]:
    process = run_flake8(["--select", "FCL", str(example_dir)])
    assert "Traceback" not in process.stderr, process.stderr
    return by_file(parse_output(process.stdout))


def _reported(results, example_dir, rule, kind, index):
    path = str((example_dir / _file_name(rule, kind, index)).resolve())
    return [item for item in results.get(path, []) if item.code == rule.code]


def _ids(item):
    rule, kind, index, example = item
    return f"{rule.code}-{kind}-{index}"


@pytest.mark.parametrize("host", ["cli", "flake8"])
@pytest.mark.parametrize("item", EXAMPLES, ids=[_ids(item) for item in EXAMPLES])
def test_example(item, host, example_dir, cli_results, flake8_results):
    rule, kind, index, example = item
    results = cli_results if host == "cli" else flake8_results
    reported = _reported(results, example_dir, rule, kind, index)
    if kind == "valid" or (host == "flake8" and rule.scope is Scope.CLI):
        assert reported == [], f"{rule.code} fired on code that follows the convention:\n{example.code}"
        return
    positions = sorted((item.line, item.col) for item in reported)
    assert positions == sorted(example.positions), f"{rule.code} on:\n{example.code}\ngot {reported}"
    if example.message:
        for item in reported:
            assert example.message in item.message, item.message


def test_every_rule_has_examples_of_both_kinds():
    for rule in ALL_RULES:
        assert rule.VALID and rule.INVALID, rule.code
        assert rule.rationale and rule.summary and rule.name, rule.code


# ---- fixes ------------------------------------------------------------------------------

from fastapi_conventions_lint.config import Settings  # noqa: E402
from fastapi_conventions_lint.fix.apply import applicable, fix_text  # noqa: E402
from fastapi_conventions_lint.fix.codemods import FixContext  # noqa: E402
from fastapi_conventions_lint.selection import CodeSelection  # noqa: E402

INVALID = [(rule, index, example) for rule, kind, index, example in EXAMPLES if kind == "invalid"]
INVALID_IDS = [f"{rule.code}-invalid-{index}" for rule, index, _ in INVALID]


def _fix(text, codes=("FCL",), unsafe=True):
    settings = Settings()
    return fix_text(
        text, "example.py", settings, CodeSelection(list(codes)), FixContext(settings, "example.py"),
        unsafe=unsafe,
    )


@pytest.mark.parametrize("item", INVALID, ids=INVALID_IDS)
def test_fix_rewrites_the_example_exactly(item):
    rule, index, example = item
    outcome = _fix(example.code, codes=[rule.code])
    expected = example.fixed_code if example.fixed_code is not None else example.code
    assert outcome.text == expected
    assert outcome.note is None


@pytest.mark.parametrize("item", INVALID, ids=INVALID_IDS)
def test_fixing_everything_parses_is_idempotent_and_leaves_only_unfixable(item):
    rule, index, example = item
    first = _fix(example.code)
    second = _fix(first.text)
    assert second.text == first.text and not second.applied
    assert not any(d.code == "FCL900" for d in first.remaining) or rule.code == "FCL900"
    for diagnostic in first.remaining:
        assert not applicable(diagnostic, unsafe=True) or first.failure_of(diagnostic), diagnostic
