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
