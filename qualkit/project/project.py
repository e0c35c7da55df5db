"""Project: a directory holding `qualkit.json` (settings) and, by default, its SQLite database.

The database may live elsewhere (`--db URL`, `QUALKIT_DB`), e.g. PostgreSQL for a team. A SQLite URL with a
relative path (`sqlite:///team.db`) means a file in the project folder, wherever the command is run from: the
same project must open the same database from any current directory. Opening (not `init`) never creates a
database: a SQLite file that is not there is an error, not a new empty project.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..atomic import PROJECT_CONFIG, check_target, write_text
from ..errors import ProjectError
from ..store import Store, now

CONFIG = PROJECT_CONFIG
DB_FILE = "qualkit.db"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file, escaped (a folder named `study?A` or `100%` stays one path)."""
    return sa.engine.URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def database_url(project_dir: Path, db: str | None) -> str:
    """The URL the project's store opens: `db` (relative SQLite paths resolved against the project folder),
    else the project's own `qualkit.db`."""
    if not db:
        return sqlite_url((project_dir / DB_FILE).resolve())
    try:
        url = sa.engine.make_url(db)
    except sa.exc.ArgumentError as e:
        raise ProjectError(f"--db {db!r}: not a database URL ({e}); e.g. sqlite:////abs/path/qualkit.db or "
                           "postgresql://user@host/dbname") from None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return db
    path = Path(url.database).expanduser()
    return sqlite_url((project_dir / path).resolve() if not path.is_absolute() else path)


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
        return cls.open(path, db=db, create=True)

    @classmethod
    def open(cls, path: str | Path = ".", *, db: str | None = None, read_only: bool = False,
             create: bool = False) -> "Project":
        """Open an existing project; ProjectError naming the fix if there is none.

        `read_only`: for commands that only read (the database is opened so nothing can be written; a project
        in a read-only folder still opens). `create` (used by `init`): a missing SQLite file is created.
        """
        path = Path(path)
        config = path / CONFIG
        if not config.exists():
            raise ProjectError(f"{path}: not a qualkit project (no {CONFIG}): run `qualkit init {path}` first")
        try:
            settings = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ProjectError(f"{config}: unreadable project settings: {e}") from e
        if not isinstance(settings, dict):
            raise ProjectError(f"{config}: unreadable project settings: expected a JSON object ({{\"name\": ...}}), "
                               f"got {type(settings).__name__}; restore the file or run `qualkit init {path}` in a "
                               "new folder")
        configured = settings.get("db")
        if configured is not None and not isinstance(configured, str):
            raise ProjectError(f"{config}: \"db\" must be a database URL (text), got {type(configured).__name__}")
        url = database_url(path, db or os.environ.get("QUALKIT_DB") or configured)
        if not create and url.startswith("sqlite"):
            file = sa.engine.make_url(url).database
            if file and file != ":memory:" and not Path(file).exists():
                raise ProjectError(f"{path}: the project's database {file} does not exist (moved or deleted?); "
                                   "restore it, or pass --db with its location")
        name = settings.get("name")
        return cls(path=path, store=Store(url, read_only=read_only),
                   name=name if isinstance(name, str) and name else path.name)

    def own_files(self) -> list[tuple[Path, str]]:
        """Files no export may overwrite: the settings, the SQLite database and the ingested transcripts' sources
        (as (path, description) pairs for `qualkit.atomic.check_target`)."""
        files = [(self.path / CONFIG, f"the settings file of the qualkit project {self.path}")]
        if self.store.url.startswith("sqlite"):
            db = sa.engine.make_url(self.store.url).database
            if db and db != ":memory:":
                files.append((Path(db), f"the database of the qualkit project {self.path}"))
                files += [(Path(db + j), f"a journal file of the database of the qualkit project {self.path}")
                          for j in ("-wal", "-shm", "-journal")]
        for t in self.store.transcripts():
            if t.source_path and "!" not in t.source_path:  # "archive!member" sources are not files
                files.append((Path(t.source_path), f"the source file of transcript {t.id!r} in this project"))
        return files

    def check_output(self, path) -> Path:
        """`path` as a target for an export or report of this project (QualkitError if it may not be written)."""
        return check_target(path, protected=self.own_files())

    def close(self) -> None:
        self.store.close()
