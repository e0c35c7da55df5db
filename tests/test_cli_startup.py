"""`qualkit --help` starts fast: the CLI module imports click and nothing heavy until a command runs."""
import subprocess
import sys

HEAVY = ("numpy", "pandas", "sqlalchemy", "sklearn", "scipy", "onnxruntime", "torch", "qualkit.export")


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom qualkit.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='qualkit')\nexcept SystemExit:\n    pass\n"
            f"print('imported:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands:" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "imported:", "`qualkit --help` " + r.stdout.splitlines()[-1]


def test_export_help_still_lists_the_registry_formats():
    from click.testing import CliRunner

    from qualkit.cli import cli
    from qualkit.export import FORMATS

    r = CliRunner().invoke(cli, ["export", "--help"])
    assert r.exit_code == 0, r.output
    assert "[" + "|".join(FORMATS) + "]" in r.output.replace("\n", "").replace(" ", "")
