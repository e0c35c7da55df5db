"""`launch`: run the Streamlit app on a project, bound to this machine, with no usage statistics sent."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import ProjectError
from ..project.project import CONFIG

ENTRY = Path(__file__).with_name("entry.py")
PROJECT_ENV = "QUALKIT_PROJECT"


def streamlit_command(port: int = 8501, host: str = "127.0.0.1", entry: Path = ENTRY) -> list[str]:
    """The `streamlit run` command line: loopback by default, headless, no telemetry, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", str(entry),
            "--server.port", str(int(port)), "--server.address", host, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal"]


def launch(project_dir: str | Path | None = None, port: int = 8501, host: str = "127.0.0.1") -> int:
    """Serve the review app for `project_dir` (None: the sample study) until interrupted; returns the exit code.

    Raises ProjectError if `project_dir` is not a qualkit project.
    """
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if project_dir is not None:
        path = Path(project_dir).resolve()
        if not (path / CONFIG).exists():
            raise ProjectError(f"{project_dir}: not a qualkit project (no {CONFIG}): run `qualkit init {project_dir}`"
                               f" first, or run `qualkit app` without a folder to open the sample study")
        env[PROJECT_ENV] = str(path)
    else:
        env.pop(PROJECT_ENV, None)
    print(f"qualkit app: http://{host}:{int(port)}  (Ctrl+C to stop)", flush=True)
    try:
        return subprocess.call(streamlit_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0
