"""Tables of the project store (SQLAlchemy Core). Changes go through migrations.py, never edited in place."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

meta = sa.Table("meta", metadata,
                sa.Column("key", sa.String(64), primary_key=True),
                sa.Column("value", sa.Text, nullable=False))

transcripts = sa.Table(
    "transcripts", metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("source_path", sa.Text, nullable=False),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("participant_id", sa.String(255)),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("turns", sa.JSON, nullable=False),
    sa.Column("attributes", sa.JSON, nullable=False),
    sa.Column("labelled", sa.Boolean, nullable=False),
    sa.Column("ingested_at", sa.String(32), nullable=False),
)

segments = sa.Table(
    "segments", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("transcript_id", sa.String(255), sa.ForeignKey("transcripts.id"), nullable=False, index=True),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("speaker", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("turn_index", sa.Integer, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
)

participants = sa.Table("participants", metadata,
                        sa.Column("id", sa.String(255), primary_key=True),
                        sa.Column("attributes", sa.JSON, nullable=False))

codebooks = sa.Table(
    "codebooks", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("hash", sa.String(32), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("source_path", sa.Text),
    sa.Column("saved_at", sa.String(32), nullable=False),
    sa.Column("saved_by", sa.String(255), nullable=False),
)

# Append-only: every human judgement. Triggers (migrations.py) refuse UPDATE and DELETE.
decisions = sa.Table(
    "decisions", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("transcript_id", sa.String(255), nullable=False, index=True),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("coder", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("segment_id", sa.String(36)),
    sa.Column("suggestion_id", sa.String(36)),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("model_version", sa.Text, nullable=False),
    sa.Column("codebook_hash", sa.String(32), nullable=False),
    sa.Column("seed", sa.Integer),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("seq", sa.Integer, unique=True),  # storing order (migration 3): runs() and latest_run() use it
)

suggestions = sa.Table(
    "suggestions", metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("segment_id", sa.String(36), nullable=False, index=True),
    sa.Column("transcript_id", sa.String(255), nullable=False),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
)

themes = sa.Table(
    "themes", metadata,
    sa.Column("run_id", sa.String(36), sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("keywords", sa.JSON, nullable=False),
    sa.Column("segment_ids", sa.JSON, nullable=False),
    sa.Column("quote_ids", sa.JSON, nullable=False),
    sa.Column("spread", sa.JSON, nullable=False),
)

# Theme verdicts (promote/dismiss) and memos are events too: appended, never edited.
theme_events = sa.Table(
    "theme_events", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("theme_id", sa.String(36), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("coder", sa.String(255), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)

memos = sa.Table(
    "memos", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False),
    sa.Column("target_kind", sa.String(16), nullable=False),
    sa.Column("target_id", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

embeddings = sa.Table(
    "embeddings", metadata,
    sa.Column("model_id", sa.String(255), primary_key=True),
    sa.Column("text_hash", sa.String(64), primary_key=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)

# Renames and merges of codes: decisions keep the name they were made under and resolve through this log.
code_renames = sa.Table(
    "code_renames", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("old", sa.Text, nullable=False),
    sa.Column("new", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # rename | merge
    sa.Column("coder", sa.String(255), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

# Sign-in accounts for an app served beyond loopback (qualkit.auth): one row per coder, salted slow hash.
accounts = sa.Table(
    "accounts", metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
)

# Every sign-in attempt, kept (rate limiting counts recent failures across processes; an audit trail).
sign_ins = sa.Table(
    "sign_ins", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False, index=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("client", sa.Text, nullable=False),
)

# Language-model answers by (server model id and digest, prompt hash): a re-run makes no calls (qualkit.llm).
llm_cache = sa.Table(
    "llm_cache", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("response", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

APPEND_ONLY = ("decisions", "theme_events", "memos", "codebooks", "code_renames", "sign_ins")
V1_APPEND_ONLY = ("decisions", "theme_events", "memos", "codebooks", "code_renames")
