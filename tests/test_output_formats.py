"""`check --output-format` and `--statistics`: every format on a small project of its own
(golden files under tests/golden/formats/), SARIF on the violations fixture (validated against
the SARIF 2.1.0 schema shipped in tests/data/, and stable across runs), FCL_OUTPUT_FORMAT, and
the terminal form of `text`. Set FCL_UPDATE_GOLDEN=1 to rewrite the golden files."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, run_cli, write_config_module
from fastapi_conventions_lint import __version__
from fastapi_conventions_lint.report import github, output_format
from fastapi_conventions_lint.report.common import github_slug, rule_url
from fastapi_conventions_lint.rules import ALL_RULES

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "formats"
SARIF_SCHEMA = HERE / "data" / "sarif-schema-2.1.0.json"
VIOLATIONS_APP = FIXTURES / "violations_app"
ESCAPE = "\033["

# A small project: a non-ASCII line (columns count characters), a safe fix (FCL001), an
# unsafe one (FCL003), no fix (FCL102), a file that cannot be decoded (FCL900), and a file
# whose name and message need escaping in a workflow command (`,` and `%`).
PROJECT = {
    "pyproject.toml": b"[tool.fastapi-conventions-lint]\n",
    "app/__init__.py": b"",
    "app/main.py": (
        "from fastapi import FastAPI\n"
        "\n"
        "from app.users import r\u00e9sum\u00e9s\n"
        "\n"
        "app = FastAPI(docs_url=None, redoc_url=None)\n"
        "app.include_router(r\u00e9sum\u00e9s)\n"
    ).encode("utf-8"),
    "app/users.py": (
        "from fastapi import APIRouter\n"
        "\n"
        "# Les r\u00e9sum\u00e9s des utilisateurs.\n"
        "r\u00e9sum\u00e9s = APIRouter(prefix=\"/api/v1/r\u00e9sum\u00e9s\")\n"
        "\n"
        "\n"
        "@r\u00e9sum\u00e9s.get(\"/\")\n"
        "async def list_resumes(db) -> list:\n"
        "    return await db.execute(\"SELECT * FROM r\u00e9sum\u00e9s\")\n"
    ).encode("utf-8"),
    "app/billing/offers,old.py": (
        b"from fastapi import APIRouter\n"
        b"\n"
        b'router = APIRouter(prefix="/api/v1/50%off", tags=["offers"])\n'
    ),
    "app/latin1.py": b'from fastapi import APIRouter\nlabel = "caf\xe9"\n',
}
USERS_LINE_4 = 'r\u00e9sum\u00e9s = APIRouter(prefix="/api/v1/r\u00e9sum\u00e9s")'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The project above, as the working directory."""
    root = tmp_path / "formats_app"
    for name, data in PROJECT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    write_config_module(root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("FCL_OUTPUT_FORMAT", raising=False)
    return root


def _golden(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("FCL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="")
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, "\n" + "".join(
        difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "actual")
    )


# ---- golden files -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "golden, options",
    [
        ("concise.txt", ["--output-format", "concise"]),
        ("json.json", ["--output-format", "json"]),
        ("json-lines.jsonl", ["--output-format", "json-lines"]),
        ("github.txt", ["--output-format", "github"]),
        ("statistics.txt", ["--statistics"]),
        ("statistics.json", ["--statistics", "--output-format", "json"]),
    ],
)
def test_format_matches_its_golden_file(project, capsys, golden, options):
    code, out, err = run_cli(["check", *options, "app"], capsys)
    _golden(golden, out)
    assert code == 1
    assert err == ""


def test_concise_is_the_text_lines_without_the_summary(project, capsys):
    _, text, _ = run_cli(["check", "app"], capsys)
    code, concise, _ = run_cli(["check", "--output-format", "concise", "app"], capsys)
    assert code == 1
    assert text == concise + "Found 5 violations in 3 files.\n[*] 2 fixable with `fix`.\n"
    assert "Found" not in concise


def test_json_fields_locations_in_characters_fix_and_url(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "json", "app"], capsys)
    records = json.loads(out)
    assert code == 1
    assert [(r["filename"], r["code"]) for r in records] == [
        ("app/billing/offers,old.py", "FCL001"),
        ("app/latin1.py", "FCL900"),
        ("app/users.py", "FCL003"),
        ("app/users.py", "FCL001"),
        ("app/users.py", "FCL102"),
    ]
    prefix = next(r for r in records if r["filename"] == "app/users.py" and r["code"] == "FCL001")
    # The string literal on the non-ASCII line, in 1-based characters (not UTF-8 bytes).
    literal = '"/api/v1/r\u00e9sum\u00e9s"'
    start = USERS_LINE_4.index(literal)
    assert prefix["location"] == {"row": 4, "column": start + 1}
    assert prefix["end_location"] == {"row": 4, "column": start + len(literal) + 1}
    assert prefix["fix"] == {
        "applicability": "safe",
        "message": 'replace with f"{api_config.V1_PREFIX}/r\u00e9sum\u00e9s"',
        "edits": [],
    }
    assert prefix["url"] == "docs/rules.md#fcl001-hardcoded-router-prefix"
    tags = next(r for r in records if r["code"] == "FCL003")
    assert tags["fix"] is None  # no tag to name it by: a non-ASCII segment, a file named users.py
    assert {r["code"]: r["fix"] for r in records}["FCL102"] is None
    not_checked = next(r for r in records if r["code"] == "FCL900")
    assert not_checked["location"] == not_checked["end_location"] == {"row": 2, "column": 1}


def test_json_lines_are_the_json_records_one_per_line(project, capsys):
    _, whole, _ = run_cli(["check", "--output-format", "json", "app"], capsys)
    code, lines, _ = run_cli(["check", "--output-format", "json-lines", "app"], capsys)
    assert code == 1
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(whole)


def test_json_of_a_clean_project_is_an_empty_list(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "json", "app/main.py"], capsys)
    assert (code, out) == (0, "[]\n")
    code, out, _ = run_cli(["check", "--output-format", "json-lines", "app/main.py"], capsys)
    assert (code, out) == (0, "")


def test_github_escapes_properties_and_message(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "github", "app/billing"], capsys)
    assert code == 1
    assert out == (
        "::error file=app/billing/offers%2Cold.py,line=3,endLine=3,col=27,endColumn=43,"
        'title=FCL001::hardcoded router prefix "/api/v1/50%25off": '
        'use f"{api_config.V1_PREFIX}/50%25off"\n'
    )
    assert github.escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert github.escape_property("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A"


def test_github_paths_are_relative_to_the_working_directory(project, capsys):
    code, out, _ = run_cli(["check", "--output-format", "github", str(project / "app" / "users.py")], capsys)
    assert code == 1
    assert out.splitlines()[0].startswith("::error file=app/users.py,line=4,")


def test_statistics_replace_the_diagnostics_and_count_fixes(project, capsys):
    code, out, _ = run_cli(["check", "--statistics", "app"], capsys)
    assert code == 1
    rows = [line.split() for line in out.splitlines()[1:-1]]
    # count, code, name, fixable by `fix`, fixable by `fix --unsafe-fixes`
    assert rows == [
        ["2", "FCL001", "hardcoded-router-prefix", "2", "2"],
        ["1", "FCL003", "router-missing-tags", "0", "0"],
        ["1", "FCL102", "data-access-in-route", "0", "0"],
        ["1", "FCL900", "file-not-checked", "0", "0"],
    ]
    assert "app/users.py" not in out
    assert out.endswith("Found 5 violations in 3 files.\n")


def test_statistics_as_json_lines(project, capsys):
    code, out, _ = run_cli(["check", "--statistics", "--output-format", "json-lines", "app"], capsys)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert records[0] == {
        "code": "FCL001", "name": "hardcoded-router-prefix", "count": 2, "fixable": 2,
        "fixable_with_unsafe_fixes": 2, "url": "docs/rules.md#fcl001-hardcoded-router-prefix",
    }
    assert sum(record["count"] for record in records) == 5


# ---- choosing the format --------------------------------------------------------------------

def test_environment_variable_chooses_the_format_and_the_option_wins(project, capsys, monkeypatch):
    monkeypatch.setenv("FCL_OUTPUT_FORMAT", "concise")
    code, out, _ = run_cli(["check", "app/users.py"], capsys)
    assert code == 1
    assert out.startswith("app/users.py:4:11: FCL003 ")
    assert "Found" not in out
    code, out, _ = run_cli(["check", "--output-format", "json", "app/users.py"], capsys)
    assert [record["code"] for record in json.loads(out)] == ["FCL003", "FCL001", "FCL102"]
    monkeypatch.setenv("FCL_OUTPUT_FORMAT", "")
    _, out, _ = run_cli(["check", "app/users.py"], capsys)
    assert out.endswith("Found 3 violations in 1 file.\n[*] 1 fixable with `fix`.\n")


def test_unknown_format_in_the_environment_is_a_usage_error(project, capsys, monkeypatch):
    monkeypatch.setenv("FCL_OUTPUT_FORMAT", "xml")
    code, out, err = run_cli(["check", "app"], capsys)
    assert code == 2
    assert out == ""
    assert err == (
        "fastapi-conventions-lint: error: FCL_OUTPUT_FORMAT='xml' is not an output format; "
        "use one of: text, concise, json, json-lines, github, sarif, gitlab, junit, pylint\n"
    )
    assert output_format("sarif", {"FCL_OUTPUT_FORMAT": "xml"}) == "sarif"  # the option wins


def test_unknown_format_option_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli(["check", "--output-format", "xml", "app"], capsys)
    assert exit_.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# ---- fix runs -------------------------------------------------------------------------------

def test_fix_reports_what_remains_in_the_chosen_format(project, capsys):
    code, out, err = run_cli(["fix", "--output-format", "json", "app"], capsys)
    records = json.loads(out)  # nothing but the JSON on stdout
    assert code == 1
    assert sorted(r["code"] for r in records) == ["FCL003", "FCL102", "FCL900"]
    assert err == "Fixed 2 violations in 2 files.\n"
    assert 'prefix=f"{api_config.V1_PREFIX}/50%off"' in (project / "app/billing/offers,old.py").read_text()


def test_check_fix_with_statistics_counts_what_remains(project, capsys):
    code, out, err = run_cli(["check", "--fix", "--unsafe-fixes", "--statistics", "app"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Fixed 2 violations in 2 files."
    # FCL003's tag cannot be named (a non-ASCII prefix segment, a file named users.py).
    assert [line.split() for line in lines[2:-1]] == [
        ["1", "FCL003", "router-missing-tags", "0", "0"],
        ["1", "FCL102", "data-access-in-route", "0", "0"],
        ["1", "FCL900", "file-not-checked", "0", "0"],
    ]
    assert lines[-1] == "Found 3 violations in 2 files."
    assert err == ""


def test_diff_ignores_the_output_format(project, capsys):
    code, out, err = run_cli(["fix", "--diff", "--output-format", "json", "app/billing"], capsys)
    assert code == 1
    assert out.startswith("--- app/billing/offers,old.py\n+++ app/billing/offers,old.py\n")
    assert err.endswith("Would fix 1 violation in 1 file.\n")


# ---- SARIF ----------------------------------------------------------------------------------

def _sarif(capsys, *paths: str) -> tuple:
    code, out, err = run_cli(["check", "--output-format", "sarif", *paths], capsys)
    return code, out, json.loads(out)


def _validate(log: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    assert "uri" in checker.checkers  # rfc3987 installed: URIs are checked, not waved through
    jsonschema.Draft4Validator(schema, format_checker=checker).validate(log)


def test_the_schema_check_refuses_a_relative_help_uri(project, capsys):
    _, _, log = _sarif(capsys, "app")
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/rules.md#fcl001"
    with pytest.raises(jsonschema.ValidationError, match="is not a 'uri'"):
        _validate(log)


@pytest.fixture
def violations_app(tmp_path, monkeypatch):
    app = tmp_path / "violations_app"
    shutil.copytree(VIOLATIONS_APP, app)
    monkeypatch.chdir(app)
    monkeypatch.delenv("FCL_OUTPUT_FORMAT", raising=False)
    return app


def test_sarif_of_the_violations_app_is_valid_and_stable(violations_app, capsys):
    code, first, log = _sarif(capsys, "src")
    _validate(log)
    assert code == 1
    _, second, _ = _sarif(capsys, "src")
    assert first == second  # byte for byte: no timestamps, a stable order

    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("fastapi-conventions-lint", __version__)
    assert "informationUri" not in driver
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    fcl001 = driver["rules"][0]
    assert fcl001["name"] == "hardcoded-router-prefix"
    # No relative helpUri (not a URI); the documentation travels in `help`.
    assert "helpUri" not in fcl001
    assert fcl001["help"]["markdown"].startswith("### FCL001 hardcoded-router-prefix")
    assert "VALID" in fcl001["help"]["markdown"] or "Valid" in fcl001["help"]["markdown"]
    assert fcl001["shortDescription"]["text"] and fcl001["fullDescription"]["text"]
    assert fcl001["defaultConfiguration"] == {"level": "error"}

    results = run["results"]
    _, text, _ = run_cli(["check", "--output-format", "concise", "src"], capsys)
    assert results and len(results) == len(text.splitlines())  # one result a diagnostic
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == violations_app.resolve().as_uri() + "/"
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (violations_app / location["artifactLocation"]["uri"]).is_file()
    keys = [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"],
         r["locations"][0]["physicalLocation"]["region"]["startColumn"])
        for r in results
    ]
    assert keys == sorted(keys)
    fingerprints = [r["partialFingerprints"]["fastapiConventionsLint/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)

    concise_first = text.splitlines()[0]
    first_result = results[0]
    region = first_result["locations"][0]["physicalLocation"]["region"]
    uri = first_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert concise_first.startswith(f"{uri}:{region['startLine']}:{region['startColumn']}: {first_result['ruleId']} ")


def test_sarif_fingerprints_survive_lines_moving(violations_app, capsys):
    """GitHub code scanning matches an alert across commits by its fingerprint: inserting
    lines above a finding moves its region, not its fingerprint."""
    _, _, before = _sarif(capsys, "src")
    router = violations_app / "src/capabilities/reports/router.py"
    router.write_text("# a comment\n# and another\n" + router.read_text(encoding="utf-8"), encoding="utf-8")
    _, _, after = _sarif(capsys, "src")

    def findings(log):
        return {
            r["partialFingerprints"]["fastapiConventionsLint/v1"]: (
                r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]
            )
            for r in log["runs"][0]["results"]
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("reports/router.py")
        }

    moved, unmoved = findings(after), findings(before)
    assert moved.keys() == unmoved.keys() and len(moved) >= 3
    assert all(moved[key] == (code, line + 2) for key, (code, line) in unmoved.items())


def test_sarif_columns_on_a_non_ascii_line_and_paths_outside_the_working_directory(
    project, capsys, monkeypatch
):
    code, _, log = _sarif(capsys, "app/users.py")
    _validate(log)
    assert code == 1
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    region = log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]
    literal = '"/api/v1/r\u00e9sum\u00e9s"'
    start = USERS_LINE_4.index(literal) + 1
    assert region == {"startLine": 4, "startColumn": start, "endLine": 4, "endColumn": start + len(literal)}

    monkeypatch.chdir(project / "app" / "billing")
    code, _, log = _sarif(capsys, "../users.py", "offers,old.py")
    _validate(log)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]]
    assert {"uri": "offers%2Cold.py", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": (project / "app" / "users.py").as_uri()} in locations


def test_sarif_from_standard_input_fingerprints_the_given_text(project, capsys, monkeypatch):
    import io
    import types

    text = PROJECT["app/users.py"].replace(b"prefix=", b"tags=['cv'], prefix=")
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(text)))
    code, _, log = _sarif(capsys, "-", "--stdin-filename", "app/users.py")
    _validate(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["FCL001", "FCL102"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/users.py"
    # The fingerprint is of the line read from standard input, not of the file on disk.
    from fastapi_conventions_lint.report.sarif import fingerprint

    line = text.decode("utf-8").splitlines()[3]
    assert results[0]["partialFingerprints"]["fastapiConventionsLint/v1"] == fingerprint(
        "FCL001", "app/users.py", line, 1
    )


# ---- text on a terminal ---------------------------------------------------------------------

def _on_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


def _strip_colour(text: str) -> str:
    return re.sub(r"\033\[[0-9;]*m", "", text)


def test_text_on_a_terminal_shows_the_line_and_carets_in_colour(project, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _on_a_terminal(monkeypatch)
    code, out, _ = run_cli(["check", "--select", "FCL001", "app/users.py"], capsys)
    assert code == 1
    assert ESCAPE in out
    lines = _strip_colour(out).splitlines()
    assert lines[0] == (  # [*]: a safe fix
        'app/users.py:4:28: FCL001 [*] hardcoded router prefix "/api/v1/r\u00e9sum\u00e9s": '
        'use f"{api_config.V1_PREFIX}/r\u00e9sum\u00e9s"'
    )
    assert lines[1] == f"4 | {USERS_LINE_4}"
    # The carets start under the 28th character of the source line and cover the literal.
    literal = '"/api/v1/r\u00e9sum\u00e9s"'
    source_at = lines[1].index("|") + 2
    assert lines[2].index("^") - source_at == 27 == USERS_LINE_4.index(literal)
    assert lines[2].strip(" |") == "^" * len(literal)
    assert lines[-2:] == ["Found 1 violation in 1 file.", "[*] 1 fixable with `fix`."]


def test_no_color_removes_the_escape_codes(project, capsys, monkeypatch):
    _on_a_terminal(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run_cli(["check", "app"], capsys)
    assert code == 1
    assert ESCAPE not in out
    assert "9 |     return await db.execute(" in out
    # The undecodable file has no source line to show.
    assert "app/latin1.py:2:1: FCL900 could not decode as utf-8" in out
    after = out.split("app/latin1.py:2:1:")[1].splitlines()
    assert after[1].startswith("app/users.py:4:11: FCL003")


def test_text_off_a_terminal_is_unchanged(project, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run_cli(["check", "app/billing"], capsys)
    assert code == 1
    assert out == (
        'app/billing/offers,old.py:3:27: FCL001 hardcoded router prefix "/api/v1/50%off": '
        'use f"{api_config.V1_PREFIX}/50%off"\n'
        "Found 1 violation in 1 file.\n"
        "[*] 1 fixable with `fix`.\n"
    )


def test_terminal_carets_align_under_tabs_and_wide_characters(tmp_path, capsys, monkeypatch):
    source = (
        "from fastapi import APIRouter\n"
        "\n"
        '\u8def\u7531 = APIRouter(prefix="/api/v1/users", tags=["users"])  # \x1b[31m red?\n'
        "other = APIRouter(\n"
        '\tprefix="/api/v1/items", tags=["items"],\n'
        ")\n"
    )
    (tmp_path / "wide.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    _on_a_terminal(monkeypatch)
    code, out, _ = run_cli(["check", "--select", "FCL001", "wide.py"], capsys)
    assert code == 1
    lines = out.splitlines()
    # Two double-width characters take four columns; the escape character in the comment
    # is shown as `?` instead of reaching the terminal.
    assert lines[1] == '3 | \u8def\u7531 = APIRouter(prefix="/api/v1/users", tags=["users"])  # ?[31m red?'
    assert lines[2] == "  | " + " " * len("    " + " = APIRouter(prefix=") + "^" * len('"/api/v1/users"')
    assert lines[5] == '5 | \tprefix="/api/v1/items", tags=["items"],'
    assert lines[6] == "  | \t       " + "^" * len('"/api/v1/items"')
    assert ESCAPE not in out


def test_terminal_underlines_the_first_line_of_a_node_that_spans_lines(tmp_path, capsys, monkeypatch):
    # `e` and a combining accent are one column on screen.
    source = 'from fastapi import APIRouter\n\ne\u0301 = APIRouter(\n    prefix="/api/v1/users",\n)\n'
    (tmp_path / "multi.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    _on_a_terminal(monkeypatch)
    code, out, _ = run_cli(["check", "--select", "FCL003", "multi.py"], capsys)
    assert code == 1
    assert out.splitlines()[1:4] == [
        "3 | e\u0301 = APIRouter(",
        "  |     ^^^^^^^^^^",
        "",
    ]


def test_sarif_of_unnamed_standard_input(project, capsys, monkeypatch):
    import io
    import types

    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(PROJECT["app/billing/offers,old.py"])))
    code, _, log = _sarif(capsys, "-")
    _validate(log)
    assert code == 1
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "-"}


# ---- the rules reference --------------------------------------------------------------------

def test_urls_point_at_the_github_anchor_of_each_rule_heading():
    for rule in ALL_RULES:
        heading = f"{rule.code} {rule.name}"  # docs/rules.md: `## FCL001 hardcoded-router-prefix`
        assert rule_url(rule.code) == f"docs/rules.md#{github_slug(heading)}"
    assert rule_url("FCL001") == "docs/rules.md#fcl001-hardcoded-router-prefix"
    assert github_slug("FCL001 Hardcoded router prefix (v2)!") == "fcl001-hardcoded-router-prefix-v2"
