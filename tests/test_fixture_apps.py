"""The two sample applications in fixtures/, checked end to end.

- fixtures/clean_app follows every convention: no diagnostic, exit 0, and it really runs as a
  FastAPI application (the routes it declares are served).
- fixtures/violations_app breaks every rule; each offending line carries a trailing
  `# expect: CODE[, CODE...]` comment, and both hosts (the CLI and flake8) must report exactly
  the declared (file, line, code) set: nothing missing, nothing extra.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterable, Set, Tuple

from conftest import FIXTURES, parse_output, run_cli, run_flake8
from fastapi_conventions_lint.rules import ALL_RULES, Scope

CLEAN_APP = FIXTURES / "clean_app"
VIOLATIONS_APP = FIXTURES / "violations_app"

Expected = Set[Tuple[str, int, str]]

# `# expect: FCL001` or `# expect: FCL001, FCL006` at the end of a line. Both hosts read the
# same project model, so a router nested in a router of another module is exempt in both.
# `# expect: FCL303 [cli]`: a file rule that only the CLI sees there, from another module.
_CODES = r"[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*"
EXPECT_COMMENT = re.compile(rf"#\s*expect:\s*(?P<codes>{_CODES})\s*(?P<cli>\[cli\])?\s*$")

ALL_CODES = {rule.code for rule in ALL_RULES}
# flake8 runs the rules answered from one file; the CLI also reports FCL900 (Scope.CLI) and the
# whole-app rules (Scope.PROJECT).
FLAKE8_CODES = {rule.code for rule in ALL_RULES if rule.scope is Scope.FILE}


def expected_from_comments(root: Path, host: str = "cli") -> Expected:
    expected: Expected = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = EXPECT_COMMENT.search(line)
            if match and not (match["cli"] and host == "flake8"):
                codes = match["codes"]
                for code in re.split(r"\s*,\s*", codes.strip()):
                    expected.add((relative, number, code))
    return expected


def reported_set(output: str, root: Path, codes: Iterable[str] = ALL_CODES, cwd: str = ".") -> Expected:
    """(path from `root`, line, code) of each diagnostic; `cwd`: the directory the run's
    relative paths are relative to."""
    wanted = set(codes)
    found: Expected = set()
    for item in parse_output(output):
        if item.code not in wanted:
            continue
        relative = Path(cwd, item.path).resolve().relative_to(root.resolve()).as_posix()
        found.add((relative, item.line, item.code))
    return found


def diff(expected: Expected, reported: Expected) -> str:
    missing = sorted(expected - reported)
    extra = sorted(reported - expected)
    lines = []
    if missing:
        lines.append("declared by `# expect:` but not reported:")
        lines.extend(f"  {path}:{line}: {code}" for path, line, code in missing)
    if extra:
        lines.append("reported but not declared by `# expect:`:")
        lines.extend(f"  {path}:{line}: {code}" for path, line, code in extra)
    return "\n".join(lines)


# -- the expectations themselves --------------------------------------------------------------


def test_violations_app_declares_every_rule_broken():
    expected = expected_from_comments(VIOLATIONS_APP)
    declared_codes = {code for _, _, code in expected}
    assert declared_codes == ALL_CODES, f"rules never broken: {sorted(ALL_CODES - declared_codes)}"
    files = {path for path, _, _ in expected}
    assert len(files) >= 8, files


def test_clean_app_declares_nothing():
    assert expected_from_comments(CLEAN_APP) == set()


# -- the CLI, in process ----------------------------------------------------------------------


def test_cli_finds_nothing_in_clean_app(capsys):
    code, out, err = run_cli(["check", str(CLEAN_APP)], capsys)
    assert parse_output(out) == [], out
    assert "All checks passed!" in out
    assert "Traceback" not in err, err
    assert code == 0


def test_cli_reports_exactly_the_expected_violations(capsys):
    code, out, err = run_cli(["check", str(VIOLATIONS_APP)], capsys)
    assert "Traceback" not in err, err
    expected = expected_from_comments(VIOLATIONS_APP)
    reported = reported_set(out, VIOLATIONS_APP)
    assert reported == expected, diff(expected, reported) + "\n\nfull output:\n" + out
    assert code == 1
    summary = f"Found {len(parse_output(out))} violations in"
    assert summary in out, out


# -- flake8 -----------------------------------------------------------------------------------


def test_flake8_reports_the_same_violations_except_cli_only_ones():
    process = run_flake8(["--select", "FCL", str(VIOLATIONS_APP)])
    assert "Traceback" not in process.stderr, process.stderr
    expected = {
        item for item in expected_from_comments(VIOLATIONS_APP, "flake8") if item[2] in FLAKE8_CODES
    }
    reported = reported_set(process.stdout, VIOLATIONS_APP, ALL_CODES)
    assert reported == expected, diff(expected, reported) + "\n\nfull output:\n" + process.stdout
    assert "FCL900" not in process.stdout
    assert process.returncode == 1


def test_flake8_finds_nothing_in_clean_app():
    process = run_flake8(["--select", "FCL", str(CLEAN_APP)])
    assert "Traceback" not in process.stderr, process.stderr
    assert process.stdout == "", process.stdout
    assert process.returncode == 0


# -- the installed command --------------------------------------------------------------------


def test_console_script_passes_clean_app():
    script = shutil.which("fastapi-conventions-lint")
    if script is None:  # the script sits next to this interpreter in a virtualenv
        script = str(Path(sys.executable).with_name("fastapi-conventions-lint"))
    process = subprocess.run(
        [script, "check", str(CLEAN_APP)], capture_output=True, text=True, cwd=FIXTURES.parent
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert parse_output(process.stdout) == []
    assert "All checks passed!" in process.stdout


def test_console_script_fails_violations_app():
    script = shutil.which("fastapi-conventions-lint") or str(
        Path(sys.executable).with_name("fastapi-conventions-lint")
    )
    process = subprocess.run(
        [script, "check", "fixtures/violations_app"], capture_output=True, text=True, cwd=FIXTURES.parent
    )
    assert process.returncode == 1, process.stdout + process.stderr
    reported = reported_set(process.stdout, VIOLATIONS_APP, cwd=str(FIXTURES.parent))
    assert reported == expected_from_comments(VIOLATIONS_APP)


# -- clean_app is a real FastAPI application --------------------------------------------------

CLEAN_ROUTES = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/health/version"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/admin/discord/config"),
    ("POST", "/api/v1/capabilities/persona/chat"),
    ("GET", "/api/v1/capabilities/persona/profile"),
    ("GET", "/api/v1/capabilities/calendar/events"),
    ("POST", "/api/v1/capabilities/calendar/events"),
    ("DELETE", "/api/v1/capabilities/calendar/events/{event_id}"),
    ("GET", "/api/v1/capabilities/calendar/timezones"),
    ("GET", "/api/v1/services/storage/files"),
    ("GET", "/api/v1/services/storage/admin/usage"),
    ("GET", "/api/v1/preferences/{key}"),
    ("PUT", "/api/v1/preferences/{key}"),
    ("DELETE", "/api/v1/preferences/{key}"),
}

_LIST_ROUTES = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import fastapi.routing
    from fastapi.routing import APIRoute
    from server.main import app

    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    entries = list(flatten(app.routes)) if flatten else list(app.routes)
    routes = []
    for entry in entries:
        route = getattr(entry, "original_route", entry)
        if isinstance(route, APIRoute):
            for method in sorted(entry.methods):
                # The effective tags (a nested router's include the parent's).
                routes.append([method, entry.path, sorted(getattr(entry, "tags", route.tags))])
    print(json.dumps(routes))
''')


def test_clean_app_imports_with_fastapi_and_serves_its_routes():
    process = subprocess.run(
        [sys.executable, "-c", _LIST_ROUTES, str(CLEAN_APP / "src")],
        capture_output=True, text=True, cwd=FIXTURES.parent,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # leave no __pycache__ in fixtures/
    )
    assert process.returncode == 0, process.stderr
    routes = json.loads(process.stdout)
    served = {(method, path) for method, path, _tags in routes}
    assert CLEAN_ROUTES <= served, f"missing routes: {sorted(CLEAN_ROUTES - served)}"
    # Every route is grouped in the OpenAPI docs, the nested router's through its parent.
    untagged = [(method, path) for method, path, tags in routes if not tags]
    assert untagged == [], untagged
    # No prefix is applied twice anywhere.
    assert not [path for _, path, _ in routes if path.count("/api/v1") > 1]
