"""Schema migrations: an ordered list; `meta.schema_version` records how many have run.

Add a migration by appending a function; never edit one that has shipped.
"""
from __future__ import annotations

import sqlalchemy as sa

from . import schema


V1_TABLES = ("meta", "transcripts", "segments", "participants", "codebooks", "decisions", "runs", "suggestions",
             "themes", "theme_events", "memos", "embeddings", "code_renames")


def _m1_initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.metadata.tables[t] for t in V1_TABLES])
    for table in schema.V1_APPEND_ONLY:
        _append_only(conn, table)


def _m2_accounts_llm_cache_truncate(conn: sa.Connection) -> None:
    """Sign-in accounts and their attempts, the language-model cache, and TRUNCATE refused on event tables."""
    schema.metadata.create_all(conn, tables=[schema.accounts, schema.sign_ins, schema.llm_cache])
    _append_only(conn, "sign_ins")
    if conn.dialect.name == "postgresql":
        for table in schema.APPEND_ONLY:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION qualkit_append_only()")


def _append_only(conn: sa.Connection, table: str) -> None:
    """Refuse UPDATE and DELETE on an event table at the database level, on SQLite and PostgreSQL."""
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION qualkit_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql")  # %% for the driver
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION qualkit_append_only()")


def _m3_run_order(conn: sa.Connection) -> None:
    """Runs get a storing sequence: ordered by a start time in whole seconds, two runs in one second made
    "latest" ambiguous. Existing runs are numbered in their old order (start time, then id)."""
    if "seq" not in {c["name"] for c in sa.inspect(conn).get_columns("runs")}:
        conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN seq INTEGER")
        conn.exec_driver_sql("CREATE UNIQUE INDEX ix_runs_seq ON runs (seq)")
    conn.exec_driver_sql(
        "UPDATE runs SET seq = (SELECT COUNT(*) FROM runs r2 WHERE r2.started_at < runs.started_at "
        "OR (r2.started_at = runs.started_at AND r2.id <= runs.id)) WHERE seq IS NULL")


MIGRATIONS = [_m1_initial, _m2_accounts_llm_cache_truncate, _m3_run_order]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def migrate(conn: sa.Connection) -> int:
    """Run the migrations this database has not had yet; returns the resulting version."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        from ..errors import ProjectError
        raise ProjectError(f"this project was written by a newer qualkit (schema {version}, this qualkit knows "
                           f"{SCHEMA_VERSION}): upgrade qualkit")
    for step in MIGRATIONS[version:]:
        step(conn)
    if version < SCHEMA_VERSION:
        conn.execute(schema.meta.delete().where(schema.meta.c.key == "schema_version"))
        conn.execute(schema.meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    return SCHEMA_VERSION
