"""The linter's own source is clean under its own rules (it mentions fastapi everywhere, so
every file goes through the full pipeline)."""

from conftest import ROOT, run_cli


def test_own_source_gives_no_diagnostics(capsys):
    code, out, err = run_cli(["check", str(ROOT / "src"), str(ROOT / "bench")], capsys)
    assert code == 0, out
    assert out.strip().endswith("All checks passed!")
