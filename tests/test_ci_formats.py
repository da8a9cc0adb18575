"""The formats other CI systems read: `gitlab` (Code Quality), `junit` and `pylint`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import run_cli
from test_fix_runtime import make

_APP = '''
    from fastapi import APIRouter, HTTPException

    router = APIRouter(prefix="/items", tags=["items"])


    @router.get("")
    def items() -> list:
        raise HTTPException(404)
        raise HTTPException(404)
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make(tmp_path / "proj", {"app/__init__.py": "", "app/items.py": _APP, "app/clean.py": "x = 1\n"})
    monkeypatch.chdir(root)
    return root


def test_gitlab_code_quality_issues(project, capsys):
    code, out, err = run_cli(["check", "--output-format", "gitlab", "app"], capsys)
    assert code == 1 and err == ""  # stdout is the report and nothing else
    issues = json.loads(out)
    assert [(i["check_name"], i["location"]["positions"]["begin"]["line"]) for i in issues] == [
        ("FCL001", 3), ("FCL401", 8), ("FCL401", 9),
    ]
    assert all(i["location"]["path"] == "app/items.py" and i["severity"] == "major" for i in issues)
    assert issues[0]["description"].startswith("FCL001 hardcoded router prefix")
    # Two identical lines keep distinct fingerprints; a fingerprint survives lines moving.
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 3
    (project / "app/items.py").write_text("\n\n" + (project / "app/items.py").read_text())
    moved = json.loads(run_cli(["check", "--output-format", "gitlab", "app"], capsys)[1])
    assert [i["fingerprint"] for i in moved] == fingerprints


def test_gitlab_of_a_clean_run_is_an_empty_list(project, capsys):
    assert run_cli(["check", "--output-format", "gitlab", "app/clean.py"], capsys)[:2] == (0, "[]\n")


def test_junit_has_a_failing_case_per_violation_and_a_passing_one_when_clean(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "junit", "app"], capsys)
    suites = ElementTree.fromstring(out)
    suite = suites.find("testsuite")
    assert suite.get("tests") == suite.get("failures") == "3"
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [
        "app/items.py:3:27 FCL001", "app/items.py:8:25 FCL401", "app/items.py:9:25 FCL401",
    ]
    assert cases[1].find("failure").get("type") == "FCL401"
    code, out, _ = run_cli(["check", "--output-format", "junit", "app/clean.py"], capsys)
    suite = ElementTree.fromstring(out).find("testsuite")
    assert code == 0 and suite.get("failures") == "0" and suite.find("testcase").find("failure") is None


def test_pylint_lines(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "pylint", "app"], capsys)
    assert out.splitlines()[0].startswith("app/items.py:3: [FCL001] hardcoded router prefix")
    assert len(out.splitlines()) == 3
