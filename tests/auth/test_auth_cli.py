"""`qualkit user add` / `user list`, and `qualkit app --host` refusing a project without accounts."""
from click.testing import CliRunner

from qualkit.auth import sign_in
from qualkit.cli import cli
from qualkit.project import Project


def test_user_add_then_sign_in(tmp_path):
    Project.init(tmp_path / "p").close()
    r = CliRunner().invoke(cli, ["user", "add", "ana", "-p", str(tmp_path / "p"), "--password-stdin"],
                           input="a long password\n")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("created account 'ana' in ")
    r = CliRunner().invoke(cli, ["user", "add", "ana", "-p", str(tmp_path / "p")],
                           input="another pass\nanother pass\n")
    assert r.exit_code == 1 and "an account named 'ana' already exists in this project" in r.output
    r = CliRunner().invoke(cli, ["user", "add", "ben", "-p", str(tmp_path / "p"), "--password-stdin"], input="short\n")
    assert r.exit_code == 1 and "too short" in r.output
    assert CliRunner().invoke(cli, ["user", "list", "-p", str(tmp_path / "p")]).output == "ana\n"
    p = Project.open(tmp_path / "p")
    try:
        assert sign_in(p.store, "ana", "a long password") == "ana"
    finally:
        p.close()


def test_app_on_another_address_without_accounts_is_refused(tmp_path):
    Project.init(tmp_path / "p").close()
    r = CliRunner().invoke(cli, ["app", str(tmp_path / "p"), "--host", "0.0.0.0"])
    assert r.exit_code == 1
    assert "this project has no accounts yet: create one per coder with `qualkit user add NAME --project" in r.output
