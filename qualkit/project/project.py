"""Project: a directory holding `qualkit.json` (settings) and, by default, its SQLite database.

The database may live elsewhere (`--db URL`, `QUALKIT_DB`), e.g. PostgreSQL for a team.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_text
from ..errors import ProjectError
from ..store import Store, now

CONFIG = "qualkit.json"
DB_FILE = "qualkit.db"


@dataclass
class Project:
    path: Path
    store: Store
    name: str

    @classmethod
    def init(cls, path: str | Path, *, db: str | None = None, name: str | None = None) -> "Project":
        """Create (or reopen) a project directory; idempotent."""
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise ProjectError(f"{path}: exists and is not a directory")
        path.mkdir(parents=True, exist_ok=True)
        config = path / CONFIG
        if not config.exists():
            settings = {"name": name or path.resolve().name, "created": now(), "db": db}
            write_text(config, json.dumps(settings, indent=2) + "\n")
        return cls.open(path, db=db)

    @classmethod
    def open(cls, path: str | Path = ".", *, db: str | None = None) -> "Project":
        """Open an existing project; ProjectError naming the fix if there is none."""
        path = Path(path)
        config = path / CONFIG
        if not config.exists():
            raise ProjectError(f"{path}: not a qualkit project (no {CONFIG}): run `qualkit init {path}` first")
        try:
            settings = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ProjectError(f"{config}: unreadable project settings: {e}") from e
        url = db or os.environ.get("QUALKIT_DB") or settings.get("db") or f"sqlite:///{(path / DB_FILE).resolve()}"
        return cls(path=path, store=Store(url), name=settings.get("name") or path.name)

    def close(self) -> None:
        self.store.close()
