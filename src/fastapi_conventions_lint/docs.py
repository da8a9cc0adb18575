"""The rules reference, rendered from the rule classes: the `rules` listing (text or JSON), the
`explain` page of one rule and docs/rules.md, which is every rule's `explain` page under one
title. Regenerate the file after changing a rule:

    python -m fastapi_conventions_lint.docs docs/rules.md

(without a path, the document goes to standard output). tests/test_rules_docs.py fails when the
committed file differs from what this module produces."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.rules import ALL_RULES, Fix, Invalid, Rule, Scope, Valid
from fastapi_conventions_lint.rules.base import GUIDE
from fastapi_conventions_lint.selection import CodeSelection

DOC_PATH = "docs/rules.md"
REGENERATE = f"python -m fastapi_conventions_lint.docs {DOC_PATH}"

_RUNS_IN = {
    Scope.FILE: "both hosts",
    Scope.PROJECT: "CLI only",
    Scope.CLI: "CLI only",
}

_FLAKE8_HOST = "The flake8 host answers what a file and the modules it imports can tell"

_WHERE = {
    Scope.FILE: (
        "Both hosts: the CLI (`check`, `fix`) and the flake8 plugin. "
        f"{_FLAKE8_HOST}: flake8 hands it one file at a time. The CLI reads the whole project "
        "first, so it also knows what other modules say about a file (that its router is "
        "included into a router elsewhere, and so is nested)."
    ),
    Scope.PROJECT: (
        "The CLI only (`check`, `fix`). This is a whole-app rule: it needs every module's "
        f"include chain, which the CLI's project pass links. {_FLAKE8_HOST}, not what the "
        "rest of the application does with it, so the flake8 plugin does not report this code."
    ),
    Scope.CLI: (
        "The CLI only: this is the CLI's own report of a file it could not read, decode or "
        f"parse, made before any rule runs. {_FLAKE8_HOST}; flake8 reports such files itself, "
        "as E902 (unreadable) or E999 (syntax error)."
    ),
}


# -- rule data ------------------------------------------------------------------------------


def default_on(rule: Rule) -> bool:
    """Whether the default settings (select = ["FCL"]) report the rule."""
    return CodeSelection.from_settings(Settings()).enabled(rule.code)


def anchor(rule: Rule) -> str:
    """The rule's section in docs/rules.md, as GitHub slugs its `## FCL001 name` heading."""
    return f"{rule.code.lower()}-{rule.name}"


def rule_url(rule: Rule) -> str:
    """docs/rules.md#fcl001-hardcoded-router-prefix: relative to the repository root."""
    return f"{DOC_PATH}#{anchor(rule)}"


def find_rule(code: str, rules: Sequence[Rule] = ALL_RULES) -> Optional[Rule]:
    """A rule by code (any case) or by name."""
    wanted = code.strip()
    for rule in rules:
        if rule.code.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None


def rule_record(rule: Rule) -> Dict[str, object]:
    """One rule as `rules --format json` lists it."""
    moves = rule.cross_file_fix
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "fix": rule.fix.value,
        "cross_file_fix": None if moves is None else {
            "safety": moves.safety.value, "description": moves.description,
        },
        "scope": rule.scope.value,
        "default": "on" if default_on(rule) else "off",
    }


def rules_table(rules: Sequence[Rule] = ALL_RULES) -> str:
    """The `rules` listing: an aligned table, one rule a line."""
    header = ("CODE", "NAME", "FIX", "CROSS-FILE FIX", "SCOPE", "DEFAULT")
    rows = [header] + [
        (
            rule.code,
            rule.name,
            rule.fix.value,
            rule.cross_file_fix.safety.value if rule.cross_file_fix else "-",
            rule.scope.value,
            "on" if default_on(rule) else "off",
        )
        for rule in rules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n"
        for row in rows
    )


# -- Markdown -------------------------------------------------------------------------------


def _code(text: str) -> str:
    """Inline code that may itself contain backticks."""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if "`" in text or text.startswith(" ") or text.endswith(" ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _block(text: str) -> List[str]:
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return [f"{fence}python", *text.rstrip("\n").split("\n"), fence] if text.strip() else [
        "*(an empty file)*"
    ]


def _where(example: Invalid) -> str:
    if example.is_project:
        places = [f"{name}:{line}:{col}" for name, line, col in example.locations]
    else:
        places = [f"{line}:{col}" for line, col in example.positions]
    return ", ".join(_code(place) for place in places)


def _fix_label(safety: Fix) -> str:
    if safety is Fix.SAFE:
        return "safe: applied by `fix` or `check --fix`"
    return "unsafe: applied only with `--unsafe-fixes`"


def _fix_section(rule: Rule) -> List[str]:
    lines: List[str] = []
    if rule.fix is Fix.NONE:
        lines.append(
            "No per-file fix." if rule.cross_file_fix else
            "No automatic fix: the message says what to change."
        )
    else:
        lines.append(f"**Fix** ({_fix_label(rule.fix)}). {rule.fix_description}")
    moves = rule.cross_file_fix
    if moves is not None:
        lines += [
            "",
            f"**Cross-file move** ({_fix_label(moves.safety)}). It edits two files, the one "
            f"with the `include_router` call and the router's module, in the CLI's project "
            f"pass, before the per-file fixes. {moves.description}",
        ]
    if rule.fix is not Fix.NONE or moves is not None:
        lines += ["", "`fix --diff` previews the fixes without writing; flake8 never fixes."]
    return lines


def _example(kind: str, number: int, example: Union[Valid, Invalid], rule: Rule) -> List[str]:
    title = f"**{kind} {number}**"
    if example.note:
        title += f": {example.note}"
    lines = [title, ""]
    if isinstance(example, Invalid):
        found = f"Reported at {_where(example)}"
        if example.message:
            found += f"; the message contains {_code(example.message)}"
        lines += [found + ".", ""]
    if example.config:
        lines += ["With this configuration:", "", "```toml", "[tool.fastapi-conventions-lint]",
                  *example.config_toml.splitlines(), "```", ""]
    lines += _block(example.code)
    if isinstance(example, Invalid) and not example.is_project and rule.fix is not Fix.NONE:
        fixed = example.fixed_code
        if fixed is None:
            lines += ["", "No fix applies here."]
        else:
            command = "fix" if rule.fix is Fix.SAFE else "fix --unsafe-fixes"
            lines += ["", f"After `{command}`:", "", *_block(fixed)]
    return lines + [""]


def render_rule(rule: Rule, level: int = 2) -> str:
    """A rule's page in Markdown: what `explain` prints (level 1) and its section of
    docs/rules.md (level 2)."""
    h = "#" * level
    scope = rule.scope.value
    facts = [
        f"- Fix: {rule.fix.value}"
        + (f"; cross-file move: {rule.cross_file_fix.safety.value}" if rule.cross_file_fix else ""),
        f"- Runs in: {_RUNS_IN[rule.scope]} (scope: {scope})",
        f"- Default: {'on' if default_on(rule) else 'off'}",
    ]
    if rule.guide_section:
        source = (
            f"From the FastAPI development guide ({_code(GUIDE)}), section "
            f'"{rule.guide_section}".'
        )
    else:
        source = "The linter's own rule: it enforces no sentence of the style guide."
    lines = [
        f"{h} {rule.code} {rule.name}",
        "",
        rule.summary,
        "",
        *facts,
        "",
        f"{h}# Why",
        "",
        f"> {rule.rationale}",
        "",
        source,
        "",
        f"{h}# Where it runs",
        "",
        _WHERE[rule.scope],
        "",
        f"{h}# Fix",
        "",
        *_fix_section(rule),
        "",
        f"{h}# Examples",
        "",
        "Valid code, on which the rule stays silent:",
        "",
    ]
    for number, example in enumerate(rule.VALID, 1):
        lines += _example("Valid", number, example, rule)
    lines += ["Invalid code, where it reports (line:column):", ""]
    for number, example in enumerate(rule.INVALID, 1):
        lines += _example("Invalid", number, example, rule)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_doc(rules: Sequence[Rule] = ALL_RULES) -> str:
    """docs/rules.md."""
    table = ["| code | name | fix | scope | default | summary |", "| --- | --- | --- | --- | --- | --- |"]
    for rule in rules:
        fix = rule.fix.value + (
            f" (cross-file move: {rule.cross_file_fix.safety.value})" if rule.cross_file_fix else ""
        )
        summary = rule.summary.replace("|", "\\|")
        table.append(
            f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {fix} | {rule.scope.value} "
            f"| {'on' if default_on(rule) else 'off'} | {summary} |"
        )
    head = [
        "# Rules",
        "",
        f"<!-- Generated from the rule classes in src/fastapi_conventions_lint/rules/: do not "
        f"edit. Regenerate with `{REGENERATE}`. -->",
        "",
        "Every rule of fastapi-conventions-lint, as `fastapi-conventions-lint explain CODE` "
        "prints it. `fastapi-conventions-lint rules` lists them.",
        "",
        *table,
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(render_rule(rule) for rule in rules)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(arg.startswith("-") for arg in args):
        sys.stderr.write(f"usage: python -m fastapi_conventions_lint.docs [PATH]  (e.g. {DOC_PATH})\n")
        return 2
    text = render_doc()
    if args:
        path = Path(args[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover - tests call main()
    sys.exit(main())
