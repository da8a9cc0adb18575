"""The rules reference: `rules` (text and JSON), `explain` for every code, docs/rules.md kept
current with the rule classes, and README's tables checked against the same rule data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from types import SimpleNamespace
from typing import Dict, List

import pytest

from conftest import ROOT, run_cli
from fastapi_conventions_lint import docs
from fastapi_conventions_lint.rules import ALL_RULES, Fix, Invalid, Scope

DOC = ROOT / "docs" / "rules.md"
README = ROOT / "README.md"
CODES = [rule.code for rule in ALL_RULES]
WHOLE_APP = {"FCL007", "FCL008", "FCL009", "FCL010", "FCL012"}


def _github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, each
    space a `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _first_lines(example) -> List[str]:
    """The first line of each file of an example (one for a one-file example)."""
    texts = example.sources.values() if example.is_project else [example.code]
    return [text.split("\n", 1)[0] for text in texts]


# -- rules ----------------------------------------------------------------------------------


def test_rules_text_is_an_aligned_table_of_every_rule(capsys):
    code, out, err = run_cli(["rules"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "FIX", "CROSS-FILE", "FIX", "SCOPE", "DEFAULT"]
    assert len(lines) == len(ALL_RULES) + 1
    columns = [lines[0].index(title) for title in ("NAME", "FIX", "CROSS-FILE", "SCOPE", "DEFAULT")]
    for line, rule in zip(lines[1:], ALL_RULES):
        cells = line.split()
        moves = rule.cross_file_fix.safety.value if rule.cross_file_fix else "-"
        assert cells == [rule.code, rule.name, rule.fix.value, moves, rule.scope.value, "on"], line
        for start in columns:  # every cell starts under its title
            assert line[start - 2:start] == "  " and line[start] != " ", (line, start)


def test_rules_json_lists_every_rule_with_its_data(capsys):
    code, out, err = run_cli(["rules", "--format", "json"], capsys)
    assert code == 0 and err == ""
    records = json.loads(out)
    assert [record["code"] for record in records] == CODES
    for record, rule in zip(records, ALL_RULES):
        assert set(record) == {"code", "name", "summary", "fix", "cross_file_fix", "scope", "default"}
        assert record["name"] == rule.name
        assert record["summary"] == rule.summary
        assert record["fix"] in ("safe", "unsafe", "none") and record["fix"] == rule.fix.value
        assert record["scope"] in ("file", "project", "cli") and record["scope"] == rule.scope.value
        assert record["default"] == "on"  # the default select is FCL
    by_code = {record["code"]: record for record in records}
    assert {code for code, record in by_code.items() if record["scope"] == "project"} == WHOLE_APP
    assert by_code["FCL900"]["scope"] == "cli"
    # A per-file fix and a cross-file move can differ in safety: both are stated.
    assert by_code["FCL003"]["fix"] == "unsafe"
    assert by_code["FCL003"]["cross_file_fix"]["safety"] == "safe"
    assert by_code["FCL005"]["fix"] == "none"
    assert by_code["FCL005"]["cross_file_fix"]["safety"] == "safe"
    assert "prefix=" in by_code["FCL005"]["cross_file_fix"]["description"]
    assert {code for code, record in by_code.items() if record["cross_file_fix"]} == {"FCL003", "FCL005"}


def test_default_on_follows_the_default_selection():
    assert all(docs.default_on(rule) for rule in ALL_RULES)
    assert not docs.default_on(SimpleNamespace(code="XYZ001"))  # not matched by select = ["FCL"]


# -- explain --------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=CODES)
def test_explain_shows_everything_about_every_rule(rule, capsys):
    code, out, err = run_cli(["explain", rule.code], capsys)
    assert code == 0 and err == ""
    assert out.startswith(f"# {rule.code} {rule.name}\n")
    assert rule.summary in out
    assert rule.rationale in out
    if rule.guide_section:
        assert rule.guide_section in out
    assert f"Fix: {rule.fix.value}" in out
    if rule.fix is not Fix.NONE:
        assert rule.fix_description in out
    if rule.cross_file_fix is not None:
        assert rule.cross_file_fix.description in out
        assert "Cross-file move" in out
    assert "The flake8 host answers what a file and the modules it imports can tell" in out
    if rule.code in WHOLE_APP or rule.code == "FCL900":
        assert "CLI only" in out and "both hosts" not in out.lower()
    else:
        assert "Both hosts" in out
    for example in (*rule.VALID, *rule.INVALID):
        for line in _first_lines(example):
            assert line in out
        if example.note:
            assert example.note in out
    for example in rule.INVALID:
        if isinstance(example, Invalid) and example.fixed_code is not None:
            assert example.fixed_code in out


def test_explain_shows_fixed_sources_and_where_each_example_reports(capsys):
    _, out, _ = run_cli(["explain", "FCL001"], capsys)
    assert "Reported at `3:27`; the message contains" in out
    assert "After `fix`:" in out
    assert 'router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/mongodb", tags=["data"])' in out
    _, out, _ = run_cli(["explain", "FCL002"], capsys)
    assert "After `fix --unsafe-fixes`:" in out and "unsafe: applied only with `--unsafe-fixes`" in out
    _, out, _ = run_cli(["explain", "FCL008"], capsys)  # a multi-file example
    assert "# file: main.py" in out and re.search(r"Reported at `main\.py:\d+:\d+`", out)
    _, out, _ = run_cli(["explain", "FCL005"], capsys)
    assert "No per-file fix." in out and "safe: applied by `fix`" in out
    _, out, _ = run_cli(["explain", "FCL900"], capsys)
    assert "*(an empty file)*" in out and "E902" in out and "E999" in out
    assert "not from the style guide" in out or "no sentence of the style guide" in out


def test_explain_takes_any_case_and_the_rule_name(capsys):
    _, expected, _ = run_cli(["explain", "FCL001"], capsys)
    for spelling in ("fcl001", "Fcl001", "hardcoded-router-prefix"):
        code, out, _ = run_cli(["explain", spelling], capsys)
        assert code == 0 and out == expected


@pytest.mark.parametrize("unknown", ["FCL999", "E501", "no-such-rule"])
def test_explain_of_an_unknown_code_is_one_line_and_exit_2(unknown, capsys):
    code, out, err = run_cli(["explain", unknown], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("fastapi-conventions-lint: error: ")
    assert unknown in err and "fastapi-conventions-lint rules" in err


def test_help_lists_the_rules_commands(capsys):
    with pytest.raises(SystemExit):
        run_cli(["--help"], capsys)
    out = capsys.readouterr().out
    assert "rules" in out and "explain" in out


# -- docs/rules.md --------------------------------------------------------------------------


def test_docs_rules_md_is_current():
    expected = docs.render_doc()
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if committed != expected:
        old, new = committed.splitlines(), expected.splitlines()
        line = next((n for n, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(
            f"docs/rules.md is stale (first difference at line {line + 1}): regenerate it with "
            f"`{docs.REGENERATE}` from the repository root and commit the result",
            pytrace=False,
        )


def test_docs_have_one_linkable_section_per_rule_with_what_explain_shows():
    text = docs.render_doc()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [f"{rule.code} {rule.name}" for rule in ALL_RULES]
    for rule in ALL_RULES:
        # The form other outputs link to (the JSON/SARIF `url`):
        # docs/rules.md#fcl001-hardcoded-router-prefix.
        expected = f"{rule.code.lower()}-{rule.name}"
        assert _github_slug(f"{rule.code} {rule.name}") == docs.anchor(rule) == expected
        assert docs.rule_url(rule) == f"docs/rules.md#{rule.code.lower()}-{rule.name}"
        assert f"](#{docs.anchor(rule)})" in text  # the table at the top links to it
        explained = docs.render_rule(rule, level=1)
        section = docs.render_rule(rule, level=2)
        assert section in text
        # The same page as `explain` prints, one heading level down.
        assert re.sub(r"(?m)^#(#+ )", r"\1", section) == explained


def test_docs_prose_is_markdown_safe():
    """Rule prose is shown as Markdown: dunder names and <placeholders> must be in backticks, or
    GitHub renders them as bold text or drops them as HTML tags."""
    for rule in ALL_RULES:
        texts = [rule.summary, rule.rationale, rule.fix_description]
        texts += [rule.cross_file_fix.description] if rule.cross_file_fix else []
        texts += [example.note for example in (*rule.VALID, *rule.INVALID)]
        for text in texts:
            outside_code = re.sub(r"`[^`]*`", "", text)
            assert "__" not in outside_code and "<" not in outside_code, (rule.code, text)


def test_every_fix_is_described():
    for rule in ALL_RULES:
        assert bool(rule.fix_description) == (rule.fix is not Fix.NONE), rule.code
        if rule.cross_file_fix is not None:
            assert rule.cross_file_fix.safety is not Fix.NONE and rule.cross_file_fix.description
    assert {rule.code for rule in ALL_RULES if rule.cross_file_fix} == {"FCL003", "FCL005"}


def test_docs_generator_writes_the_file_and_standard_output(tmp_path, capsys):
    target = tmp_path / "out" / "rules.md"
    assert docs.main([str(target)]) == 0
    assert target.read_bytes() == docs.render_doc().encode("utf-8")
    assert docs.main([]) == 0
    assert capsys.readouterr().out == docs.render_doc()
    assert docs.main(["--check"]) == 2
    assert "usage" in capsys.readouterr().err


def test_docs_generator_runs_as_a_module(tmp_path):
    target = tmp_path / "rules.md"
    process = subprocess.run(
        [sys.executable, "-m", "fastapi_conventions_lint.docs", str(target)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr
    assert target.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


# -- README ---------------------------------------------------------------------------------


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def _table_rows(text: str) -> List[List[str]]:
    """The cells of the table rows that start with a rule code."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if re.match(r"\|\s*FCL\d{3}\s*\|", line)
    ]


def test_readme_rules_table_matches_the_rules():
    rows = _table_rows(_section(README.read_text(encoding="utf-8"), "Rules"))
    found = []
    for code, name, *_ in rows:
        link = re.fullmatch(r"\[([a-z0-9-]+)\]\(([^)]+)\)", name)
        if link:
            name, target = link.groups()
            assert target == f"docs/rules.md#{code.lower()}-{name}", (code, target)
        found.append((code, name))
    assert found == [(rule.code, rule.name) for rule in ALL_RULES]


def test_readme_fix_tables_match_the_rules():
    fixing = _section(README.read_text(encoding="utf-8"), "Fixing")
    per_file, cross_file = fixing.split("Two fixes edit two files", 1)
    safety: Dict[str, str] = {}
    for code, _, said in _table_rows(per_file):
        safety[code] = said.split()[0].rstrip(":")
    assert safety == {rule.code: rule.fix.value for rule in ALL_RULES if rule.fix is not Fix.NONE}
    moves = {code: said.split()[0].rstrip(":") for code, _, said in _table_rows(cross_file)}
    assert moves == {
        rule.code: rule.cross_file_fix.safety.value for rule in ALL_RULES if rule.cross_file_fix
    }


def test_readme_says_which_rules_run_in_the_cli_only():
    text = README.read_text(encoding="utf-8")
    whole_app = sorted(rule.code for rule in ALL_RULES if rule.scope is Scope.PROJECT)
    assert whole_app == sorted(WHOLE_APP)
    assert f"{_code_runs(whole_app)} are whole-app rules" in text


def _code_runs(codes):
    """`FCL007-FCL010 and FCL012`: runs of consecutive codes, as the README names them."""
    runs = []
    for code in codes:
        if runs and int(code[3:]) == int(runs[-1][-1][3:]) + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    names = [run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def test_changelog_names_every_rule():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.1.0" in text
    for rule in ALL_RULES:
        assert rule.code in text or any(
            f"{a.code}-{b.code}" in text
            for a in ALL_RULES for b in ALL_RULES if a.code <= rule.code <= b.code
        ), rule.code


def test_markdown_helpers_survive_backticks_in_rule_data():
    assert docs._code("a`b") == "`` a`b ``"
    assert docs._code("x") == "`x`"
    assert docs._block("s = '```'\n") == ["````python", "s = '```'", "````"]
    assert docs._block("\n") == ["*(an empty file)*"]
