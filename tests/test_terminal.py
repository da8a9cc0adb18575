"""The CLI at a terminal: -q/-qq, -v (what was skipped and why), --help with examples on every
command, one-line errors, and the progress bar on stderr for long runs."""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fastapi_conventions_lint.report.progress as progress
from conftest import parse_output, run_cli, summary_of, write_config_module
from fastapi_conventions_lint import engine
from fastapi_conventions_lint.cli import build_parser, main
from fastapi_conventions_lint.commands.common import warn

# FCL001 and FCL006 (safe fixes) on line 3.
FIXABLE = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/data/reports/", tags=["reports"])
'''
# FCL102: no fix.
UNFIXABLE = '''\
from fastapi import APIRouter
from server.config import api_config

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["orders"])


@router.get("/orders")
def list_orders(session) -> dict:
    return session.execute("select 1")
'''
PLAIN = "def add(a, b):\n    return a + b\n"


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path, monkeypatch):
    """Run in a scratch directory: a command line that goes wrong here must never check or fix
    the repository itself."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A project: two violating files, a file no rule can care about, a text file and an
    excluded directory."""
    (tmp_path / "fixable.py").write_text(FIXABLE)
    (tmp_path / "orders.py").write_text(UNFIXABLE)
    (tmp_path / "plain.py").write_text(PLAIN)
    (tmp_path / "notes.txt").write_text("not python\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "generated.py").write_text(FIXABLE)
    return tmp_path


def _lines(text: str) -> list:
    return text.splitlines()


# ---- -q / -qq ------------------------------------------------------------------------------

def test_quiet_prints_the_violations_without_the_summary_line(tree, capsys):
    code, loud, _ = run_cli(["check", str(tree)], capsys)
    assert code == 1 and summary_of(loud) == "Found 3 violations in 2 files."

    code, out, err = run_cli(["check", "-q", str(tree)], capsys)
    assert code == 1
    assert out.splitlines() == loud.splitlines()[:-2]  # no summary, no fixable count
    assert [item.code for item in parse_output(out)] == ["FCL001", "FCL006", "FCL102"]
    assert err == ""


def test_quiet_fix_prints_what_remains_without_the_fixed_count(tree, capsys):
    write_config_module(tree)
    code, out, err = run_cli(["fix", "--quiet", str(tree)], capsys)
    assert code == 1  # FCL102 remains
    assert [item.code for item in parse_output(out)] == ["FCL102"]
    assert "Fixed" not in out + err and "Found" not in out
    assert "api_config.DATA_PREFIX" in (tree / "fixable.py").read_text()


def test_quiet_diff_prints_the_diff_without_the_would_fix_line(tree, capsys):
    code, out, err = run_cli(["fix", "--diff", "-q", str(tree)], capsys)
    assert code == 1
    assert out.startswith(f"--- {tree / 'fixable.py'}\n")
    assert "Would fix" not in err


def test_quiet_statistics_is_the_table_only(tree, capsys):
    code, out, _ = run_cli(["check", "-q", "--statistics", str(tree)], capsys)
    assert code == 1
    assert out.splitlines()[0].split()[:2] == ["COUNT", "CODE"]
    assert "Found" not in out


def test_quiet_twice_prints_nothing_and_the_exit_status_tells(tree, tmp_path, capsys):
    write_config_module(tree)
    code, out, err = run_cli(["check", "-qq", str(tree)], capsys)
    assert (code, out, err) == (1, "", "")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "plain.py").write_text(PLAIN)
    assert run_cli(["check", "-qq", str(clean)], capsys) == (0, "", "")
    # A fix still writes; the diff of a preview is not printed either.
    assert run_cli(["fix", "-qq", "--diff", str(tree)], capsys) == (1, "", "")
    assert run_cli(["fix", "-qq", str(tree)], capsys) == (1, "", "")
    assert "api_config.DATA_PREFIX" in (tree / "fixable.py").read_text()


def test_quiet_twice_still_prints_errors(tree, capsys):
    (tree / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\nmax-handler-statements = 'x'\n")
    code, out, err = run_cli(["check", "-qq", str(tree)], capsys)
    assert code == 2 and out == ""
    assert "error: invalid configuration" in err


def test_quiet_twice_still_writes_the_fixed_source_of_standard_input(monkeypatch, capsys, tmp_path):
    import io

    monkeypatch.chdir(tmp_path)
    write_config_module(tmp_path)

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(FIXABLE.encode())))
    code, out, err = run_cli(["fix", "-qq", "-", "--stdin-filename", "app.py"], capsys)
    assert code == 0
    assert "api_config.DATA_PREFIX" in out
    assert err == ""


def test_quiet_and_verbose_together_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["check", "-q", "-v", "src"])
    assert raised.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# ---- -v ------------------------------------------------------------------------------------

def test_verbose_says_what_was_skipped_and_why_on_stderr(tree, capsys):
    _, plain_out, _ = run_cli(["check", str(tree)], capsys)
    code, out, err = run_cli(["check", "-v", str(tree)], capsys)
    assert code == 1
    assert out == plain_out  # the report is the same
    lines = _lines(err)
    assert f"skipped {tree / 'build'}: excluded (matches 'build')" in lines
    assert f"skipped {tree / 'notes.txt'}: not a .py file" in lines
    assert f"skipped {tree / 'plain.py'}: mentions nothing any rule looks at (the prefilter)" in lines
    assert "settings: the defaults (no pyproject.toml with [tool.fastapi-conventions-lint] found)" in lines
    assert lines[-1] == "2 files analysed, 3 paths skipped"
    assert not any("fixable.py" in line or "orders.py" in line for line in lines)


def test_verbose_names_the_settings_file_and_its_excludes(tree, capsys):
    (tree / "pyproject.toml").write_text(
        '[tool.fastapi-conventions-lint]\nextend-exclude = ["orders.py"]\n'
    )
    code, out, err = run_cli(["check", "--verbose", str(tree)], capsys)
    assert code == 1
    lines = _lines(err)
    assert f"settings: {tree / 'pyproject.toml'}" in lines
    assert f"skipped {tree / 'orders.py'}: excluded (matches 'orders.py')" in lines
    assert f"skipped {tree / 'pyproject.toml'}: not a .py file" in lines


def test_verbose_names_a_directory_reached_twice_through_a_link(tree, capsys):
    (tree / "again").symlink_to(tree, target_is_directory=True)
    code, _, err = run_cli(["check", "-v", str(tree)], capsys)
    assert code == 1
    assert f"skipped {tree / 'again'}: already walked (a link to a directory seen before)" in _lines(err)


def test_verbose_fix_reports_the_prefilter_too(tree, capsys):
    code, _, err = run_cli(["fix", "-v", str(tree)], capsys)
    assert code == 1
    assert f"skipped {tree / 'plain.py'}: mentions nothing any rule looks at (the prefilter)" in _lines(err)


def test_a_file_named_on_the_command_line_is_never_skipped(tree, capsys):
    code, out, err = run_cli(["check", "-v", str(tree / "plain.py")], capsys)
    assert code == 0
    assert not any(line.startswith("skipped ") for line in _lines(err))
    assert _lines(err)[-1] == "1 file analysed, 0 paths skipped"


def test_without_verbose_nothing_is_said_about_skipped_files(tree, capsys):
    _, _, err = run_cli(["check", str(tree)], capsys)
    assert err == ""


# ---- --help ----------------------------------------------------------------------------------

def _command_parsers():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, dict(commands.choices)


def _help(argv) -> str:
    parser, commands = _command_parsers()
    target = commands[argv[0]] if argv else parser
    return target.format_help()


@pytest.mark.parametrize("command", sorted(_command_parsers()[1]) + [None])
def test_every_command_has_examples_in_its_help(command, capsys):
    argv = [command, "--help"] if command else ["--help"]
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^examples?:$", out, re.M), out
    examples = [
        line.split("fastapi-conventions-lint ", 1)[1]
        for line in out.split("example", 1)[1].splitlines()
        if "fastapi-conventions-lint " in line and "'" not in line
    ]
    assert examples
    parser = build_parser()
    for example in examples:
        argv = shlex.split(re.split(r"\s{2,}", example.strip())[0])
        assert argv[0] == (command or argv[0]), example
        parser.parse_args(argv)  # every example is a command line that parses


def test_check_help_lists_quiet_and_verbose(capsys):
    text = _help(["check"])
    assert "-q, --quiet" in text and "-v, --verbose" in text
    assert "-qq" in text


# ---- errors: one line, naming what to do -----------------------------------------------------

def test_no_command_is_one_line_naming_the_commands(capsys):
    code, out, err = run_cli([], capsys)
    assert code == 2 and out == ""
    assert err == (
        "fastapi-conventions-lint: error: no command given: run 'fastapi-conventions-lint check' "
        "to check this directory, or see 'fastapi-conventions-lint --help'\n"
    )


def test_an_unknown_option_names_the_commands_help(capsys):
    with pytest.raises(SystemExit):
        main(["fix", "--no-such-option", "src"])
    assert capsys.readouterr().err == (
        "fastapi-conventions-lint fix: error: unrecognized arguments: --no-such-option "
        "(see 'fastapi-conventions-lint fix --help')\n"
    )


def test_an_unknown_option_before_the_command_names_the_main_help(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--no-such-option"])
    assert raised.value.code == 2
    assert capsys.readouterr().err == (
        "fastapi-conventions-lint: error: unrecognized arguments: --no-such-option "
        "(see 'fastapi-conventions-lint --help')\n"
    )


def test_a_missing_config_file_says_what_to_do(tmp_path, capsys):
    code, _, err = run_cli(["check", "--config", str(tmp_path / "pyproject.toml"), str(tmp_path)], capsys)
    assert code == 2
    assert err == (
        f"fastapi-conventions-lint: error: --config {tmp_path / 'pyproject.toml'}: No such file or "
        f"directory; name an existing pyproject.toml, or leave --config out to use the nearest one\n"
    )


def test_an_unexpected_error_is_one_line_and_verbose_shows_the_traceback(tree, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("fastapi_conventions_lint.commands.check.CheckRun.finish", broken)
    code, _, err = run_cli(["check", str(tree)], capsys)
    assert code == 2
    assert err == (
        "fastapi-conventions-lint: error: internal error: RuntimeError: boom; run again with -v "
        "to see the traceback; please report it\n"
    )
    code, _, err = run_cli(["check", "-v", str(tree)], capsys)
    assert code == 2
    assert "Traceback (most recent call last):" in err
    assert err.endswith("fastapi-conventions-lint: error: internal error: RuntimeError: boom; please report it\n")


def test_verbose_shows_the_traceback_of_a_file_that_crashed(tree, monkeypatch, capsys):
    real = engine.analyse_path

    def analyse_path(path, *args, **kwargs):
        if path.endswith("orders.py"):
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "analyse_path", analyse_path)
    code, out, err = run_cli(["check", "-v", str(tree)], capsys)
    assert code == 2
    assert "Traceback (most recent call last):" in err
    assert f"{tree / 'orders.py'}: internal error: RuntimeError: boom" in err
    assert [(Path(item.path).name, item.code) for item in parse_output(out)][-1] == ("orders.py", "FCL900")
    assert [item.code for item in parse_output(out)] == ["FCL001", "FCL006", "FCL900"]


# ---- the progress bar ------------------------------------------------------------------------

@pytest.fixture
def terminal(monkeypatch):
    """stderr passes for a terminal, the bar shows at once, and CI is not set."""
    monkeypatch.setattr(progress, "is_tty", lambda stream: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FCL_OUTPUT_FORMAT", raising=False)


BAR = re.compile(r"\r(checking|fixing) \[[# ]+\] (\d+)/(\d+) files")


def test_the_bar_counts_files_on_stderr_and_never_on_stdout(tree, terminal, capsys):
    code, out, err = run_cli(["check", str(tree)], capsys)
    assert code == 1
    counts = [(int(done), int(total)) for _, done, total in BAR.findall(err)]
    assert counts == [(1, 3), (2, 3), (3, 3)]  # fixable.py, orders.py, plain.py
    assert not BAR.search(out) and "\r" not in out
    assert summary_of(out) == "Found 3 violations in 2 files."
    # It erases itself before the report: the line ends blank.
    *_, last, blank, end = err.split("\r")
    assert "3/3 files" in last and blank == " " * len(last) and end == ""


def test_the_bar_says_fixing_in_a_fix_run(tree, terminal, capsys):
    code, _, err = run_cli(["fix", str(tree)], capsys)
    assert code == 1
    # A bar each round: the one that fixes, then the one that finds nothing more to fix.
    assert [label for label, _, _ in BAR.findall(err)] == ["fixing"] * 6


@pytest.mark.parametrize("options, environment", [
    ([], {"CI": "true"}),
    (["--diff"], {}),
    (["--output-format", "json"], {}),
    (["--output-format", "sarif"], {}),
    ([], {"FCL_OUTPUT_FORMAT": "json"}),
    (["-q"], {}),
])
def test_no_bar_in_ci_in_diff_mode_for_machine_formats_or_when_quiet(
    tree, terminal, monkeypatch, capsys, options, environment
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    command = "fix" if "--diff" in options else "check"
    _, _, err = run_cli([command, *options, str(tree)], capsys)
    assert not BAR.search(err) and "\r" not in err


def test_no_bar_when_stderr_is_not_a_terminal(tree, monkeypatch, capsys):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)
    _, _, err = run_cli(["check", str(tree)], capsys)
    assert err == ""


def test_no_bar_for_a_run_shorter_than_the_delay(tree, monkeypatch, capsys):
    monkeypatch.setattr(progress, "is_tty", lambda stream: True)
    monkeypatch.delenv("CI", raising=False)
    assert progress.DELAY == 2.0
    _, _, err = run_cli(["check", str(tree)], capsys)
    assert err == ""


def test_messages_erase_the_bar_before_they_are_written(capsys):
    clock = iter([0.0, 5.0, 9.0]).__next__
    with progress.Progress(4, sys.stderr, clock=clock) as bar:
        bar.advance()  # at 5 s: drawn
        warn("something")
        bar.advance()  # at 9 s: drawn again
    err = capsys.readouterr().err
    drawn = "checking [" + "#" * 10 + " " * 30 + "] 1/4 files"
    assert err.startswith("\r" + drawn + "\r" + " " * len(drawn) + "\r"
                          + "fastapi-conventions-lint: warning: something\n")
    assert "2/4 files" in err


def test_the_bar_waits_for_the_delay_and_redraws_at_most_every_interval(capsys):
    times = iter([0.0, 1.0, 2.5, 2.55, 2.7, 2.71])
    bar = progress.Progress(5, sys.stderr, clock=lambda: next(times))
    for _ in range(5):
        bar.advance()
    bar.close()
    err = capsys.readouterr().err
    # 1.0 s: too early; 2.5 s: drawn; 2.55 s: too soon after; 2.7 s: drawn; 2.71 s: the last.
    assert [done for _, done, _ in BAR.findall(err)] == ["2", "4", "5"]


def test_a_narrow_terminal_gets_the_counter_only(monkeypatch):
    import os as os_module

    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: os_module.terminal_size((30, 24)))
    bar = progress.Progress(10, sys.stderr)
    bar.done = 3
    assert bar.line() == "checking 3/10 files"


def test_on_a_real_terminal_the_bar_goes_to_the_terminal_and_not_to_the_pipe(tree):
    """stderr on a pseudo-terminal, stdout on a pipe, as in `fastapi-conventions-lint check | less`."""
    script = textwrap.dedent(f"""
        import sys
        import fastapi_conventions_lint.report.progress as progress
        progress.DELAY = 0.0
        from fastapi_conventions_lint.cli import main
        sys.exit(main(["check", {str(tree)!r}]))
    """)

    def run(environment):
        controller, terminal = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env.update(environment)
        process = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=terminal, env=env,
        )
        os.close(terminal)
        shown = b""
        while True:
            ready, _, _ = select.select([controller], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            shown += chunk
        out, _ = process.communicate(timeout=60)
        os.close(controller)
        return process.returncode, out.decode(), shown.decode()

    code, out, shown = run({})
    assert code == 1
    assert "3/3 files" in shown
    assert not BAR.search(out) and "\r" not in out
    assert summary_of(out) == "Found 3 violations in 2 files."

    code, out, shown = run({"CI": "true"})
    assert code == 1
    assert shown == ""


def test_a_reader_that_stops_early_does_not_change_the_exit_status(tmp_path):
    # More output than a pipe holds (64 KiB), so that the writer meets the closed pipe.
    for number in range(1500):
        (tmp_path / f"m{number}.py").write_text(
            f'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x{number}", tags=["x"])\n'
        )
    for extra, expected in (([], 1), (["--exit-zero"], 0)):
        process = subprocess.Popen(
            [sys.executable, "-m", "fastapi_conventions_lint", "check", *extra, str(tmp_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        first = process.stdout.readline()  # as `| head -1` does
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=120) == expected
        assert b"FCL001" in first
        assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
