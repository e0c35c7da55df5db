"""`launch`: run the Streamlit app on a project, bound to this machine unless asked otherwise, with no usage
statistics sent. Served beyond loopback, the app requires sign-in with an account kept in the project."""
from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

from ..errors import ProjectError
from ..project.project import CONFIG

ENTRY = Path(__file__).with_name("entry.py")
PROJECT_ENV = "QUALKIT_PROJECT"
SIGN_IN_ENV = "QUALKIT_SIGN_IN"  # "1": the app asks for an account instead of a coder name


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def streamlit_command(port: int = 8501, host: str = "127.0.0.1", entry: Path = ENTRY) -> list[str]:
    """The `streamlit run` command line: loopback by default, headless, no telemetry, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", str(entry),
            "--server.port", str(int(port)), "--server.address", host, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal"]


def check_served_project(project_dir: str | Path | None, host: str) -> bool:
    """Whether sign-in is required on `host`; raises ProjectError when it is and the project has no account
    (or there is no project: accounts live in a project's database)."""
    if is_loopback(host):
        return False
    if project_dir is None:
        raise ProjectError(f"serving the app on {host} needs a project with accounts: "
                           f"run `qualkit user add NAME --project DIR`, then `qualkit app DIR --host {host}`")
    from ..auth import has_accounts
    from ..project import Project
    project = Project.open(project_dir)
    try:
        if not has_accounts(project.store):
            raise ProjectError(f"{project_dir}: the app on {host} can be reached from other machines, so it asks "
                               f"everyone to sign in, and this project has no accounts yet: create one per coder "
                               f"with `qualkit user add NAME --project {project_dir}`")
    finally:
        project.close()
    return True


def launch(project_dir: str | Path | None = None, port: int = 8501, host: str = "127.0.0.1") -> int:
    """Serve the app for `project_dir` (None: the start page, to create or open a project) until interrupted;
    returns the exit code.

    Raises ProjectError if `project_dir` is not a qualkit project, or if `host` is not loopback and the project
    has no sign-in account.
    """
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop(SIGN_IN_ENV, None)
    if project_dir is not None:
        path = Path(project_dir).resolve()
        if not (path / CONFIG).exists():
            raise ProjectError(f"{project_dir}: not a qualkit project (no {CONFIG}): run `qualkit init {project_dir}`"
                               f" first, or run `qualkit app` without a folder and create a project in the app")
        env[PROJECT_ENV] = str(path)
    else:
        env.pop(PROJECT_ENV, None)
    if check_served_project(project_dir, host):
        env[SIGN_IN_ENV] = "1"
    print(f"qualkit app: http://{host}:{int(port)}  (Ctrl+C to stop)", flush=True)
    try:
        return subprocess.call(streamlit_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0
