"""The recent-projects list of the start page: a small JSON file per user (~/.qualkit/recent.json, or
$QUALKIT_RECENT), newest first; folders that are no longer projects drop out when read."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..atomic import write_text
from ..project.project import CONFIG

RECENT_ENV = "QUALKIT_RECENT"
KEEP = 12


def recent_file() -> Path:
    return Path(os.environ.get(RECENT_ENV) or Path.home() / ".qualkit" / "recent.json")


def recent_projects() -> list[dict]:
    """[{"path", "name"}] of projects opened lately, newest first, only those that still exist."""
    try:
        items = json.loads(recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # no list yet, or a damaged one: the start page just shows none
    return [i for i in items if isinstance(i, dict) and (Path(str(i.get("path", ""))) / CONFIG).is_file()]


def remember(path: str | Path, name: str) -> None:
    """Put a project at the top of the list (best effort: an unwritable home folder does not stop the app)."""
    path = str(Path(path).resolve())
    items = [{"path": path, "name": name}] + [i for i in recent_projects() if i.get("path") != path]
    try:
        recent_file().parent.mkdir(parents=True, exist_ok=True)
        write_text(recent_file(), json.dumps(items[:KEEP], indent=1) + "\n")
    except OSError:
        pass
