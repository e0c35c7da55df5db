"""Documentation is tested: every CLI command has --help and appears in the README."""
from pathlib import Path

from click.testing import CliRunner

from qualkit.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands(group=cli, prefix=""):
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, full + " ")
        else:
            yield full


def test_every_command_has_help_and_is_in_the_readme():
    runner = CliRunner()
    commands = list(all_commands())
    assert len(commands) >= 6
    for name in commands:
        result = runner.invoke(cli, name.split() + ["--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output
        assert f"`qualkit {name}" in README, f"qualkit {name} is not documented in README.md"


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    assert len([line for line in block.splitlines() if line.strip()]) == 2


def test_commands_named_in_messages_exist():
    """Error messages and the app tell users what to run; each `qualkit X` they name must be a real command."""
    import re

    known = set(all_commands())
    named = set()
    for path in (Path(__file__).parents[1] / "qualkit").rglob("*.py"):
        for m in re.finditer(r"`qualkit ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", path.read_text(encoding="utf-8")):
            words = m.group(1).split()
            named.add(" ".join(words) if " ".join(words) in known else words[0])
    assert named and named <= known, named - known
