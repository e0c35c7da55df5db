"""Store: the project database behind SQLAlchemy. SQLite (WAL) by default; any SQLAlchemy URL works.

Every public write is one transaction. Decisions, memos, theme verdicts and codebook versions are appended only.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np
import sqlalchemy as sa

from ..clock import now
from ..codebook.model import Codebook
from ..coding import VERDICTS, Coding, Decision, codings_from_decisions
from ..errors import ProjectError
from ..run import Run
from ..segment.model import Segment
from ..snapshot import Memo, Snapshot
from ..suggest.model import Suggestion
from ..themes.model import Theme
from ..transcript import Transcript, Turn
from . import migrations
from . import schema as T


def _readonly_sqlite(url: str) -> sa.Engine:
    """A SQLite engine that cannot write: `mode=ro`, or `immutable=1` when the file or its folder is not writable
    (a WAL database opened with mode=ro needs to create its -shm file; in a read-only folder nobody can write the
    database anyway, so reading it as immutable is safe)."""
    import sqlite3
    from pathlib import Path
    from urllib.parse import quote

    db = Path(sa.engine.make_url(url).database or "")
    if not db.is_file():
        raise ProjectError(f"cannot open project database {db}: the file does not exist")
    writable = os.access(db, os.W_OK) and os.access(db.parent, os.W_OK)
    uri = f"file:{quote(str(db.resolve()))}?" + ("mode=ro" if writable else "immutable=1")
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=60,
                                                                         check_same_thread=False),
                            poolclass=sa.pool.NullPool)


def _engine(url: str, read_only: bool = False) -> sa.Engine:
    if url.startswith("sqlite") and read_only:
        return _readonly_sqlite(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # Take over transaction control so BEGIN IMMEDIATE serialises writers instead of failing mid-way.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = sa.create_engine(url, pool_pre_ping=True)
    return engine.execution_options(postgresql_readonly=True) if read_only and url.startswith("postgres") else engine


# Writers on PostgreSQL take this transaction-level advisory lock, so they serialise as BEGIN IMMEDIATE makes
# them on SQLite: a check made inside a transaction still holds when its write commits.
_PG_WRITE_LOCK = 0x716B5752


class Store:
    """One project's database. `Store(url)` connects and migrates; use the methods, never raw SQL outside.

    `read_only=True` (commands that only read: status, report, export, agreement) opens it so that nothing can be
    written, which also works for a project in a read-only folder; an outdated schema is migrated first when the
    database is writable, else refused."""

    def __init__(self, url: str, *, create: bool = True, read_only: bool = False):
        self.url = url
        self.read_only = read_only
        self._local = threading.local()
        try:
            if read_only:
                self.engine = _engine(url, read_only=True)
                with self._connect() as conn:
                    version = migrations.current_version(conn)
                if version == 0:
                    raise ProjectError(f"no qualkit project in database {self.safe_url}: run `qualkit init` first")
                if version < migrations.SCHEMA_VERSION:
                    Store(url).close()  # migrate once with a writable connection (ProjectError if it cannot)
                return
            self.engine = _engine(url)
            with self.engine.begin() as conn:
                if not create and migrations.current_version(conn) == 0:
                    raise ProjectError(f"no qualkit project in database {self.safe_url}: run `qualkit init` first")
                migrations.migrate(conn)
        except sa.exc.SQLAlchemyError as e:
            if "readonly database" in str(e):
                raise self._read_only_error() from e
            raise ProjectError(f"cannot open project database {self.safe_url}: {e.__class__.__name__}: "
                               f"{str(e).splitlines()[0]}") from e

    def _read_only_error(self) -> ProjectError:
        return ProjectError(f"project database {self.safe_url} is read-only (file or folder permissions) and this "
                            "command writes to it: make it writable; status, report, export and agreement only "
                            "read and work as it is")

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden (for messages)."""
        try:
            return sa.engine.make_url(self.url).render_as_string(hide_password=True)
        except Exception:
            return "<database>"

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction. Store writes called inside an open one (same thread) join it, so a workflow
        can check and write, or write several things, all or nothing: `with store.transaction(): ...`."""
        if self.read_only:
            raise ProjectError(f"project database {self.safe_url} was opened read-only; this command cannot write")
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except sa.exc.OperationalError as e:
            if "readonly database" in str(e):
                raise self._read_only_error() from e
            raise

    @contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """A connection to read with: inside an open transaction (same thread) that one, so a workflow reads its
        own writes and never waits on its own lock (every SQLite connection begins IMMEDIATE); else a new one."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as conn:
            yield conn

    # -- transcripts and segments -------------------------------------------------------------------------
    def transcript_hashes(self) -> dict[str, str]:
        with self._connect() as conn:
            return dict(conn.execute(sa.select(T.transcripts.c.id, T.transcripts.c.content_hash)).all())

    def put_transcripts(self, items: Sequence[tuple[Transcript, str, Sequence[Segment]]],
                        participants: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Insert or replace transcripts (with their content hash) and their segments in ONE transaction."""
        stamp = now()
        with self.transaction() as conn:
            for transcript, content_hash, segs in items:
                conn.execute(T.segments.delete().where(T.segments.c.transcript_id == transcript.id))
                conn.execute(T.transcripts.delete().where(T.transcripts.c.id == transcript.id))
                conn.execute(T.transcripts.insert().values(
                    id=transcript.id, source_path=transcript.source_path, format=transcript.format,
                    participant_id=transcript.participant_id, content_hash=content_hash, text=transcript.text,
                    turns=[_turn_row(t) for t in transcript.turns], attributes=dict(transcript.attributes),
                    labelled=transcript.labelled, ingested_at=stamp))
                if segs:
                    conn.execute(T.segments.insert(), [_segment_row(s) for s in segs])
            if participants:
                self._put_participants(conn, participants)

    def put_segments(self, transcript_id: str, segs: Sequence[Segment]) -> None:
        with self.transaction() as conn:
            conn.execute(T.segments.delete().where(T.segments.c.transcript_id == transcript_id))
            if segs:
                conn.execute(T.segments.insert(), [_segment_row(s) for s in segs])

    def transcripts(self) -> list[Transcript]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(T.transcripts).order_by(T.transcripts.c.id)).mappings().all()
        return [_transcript(r) for r in rows]

    def transcript(self, transcript_id: str) -> Transcript:
        with self._connect() as conn:
            row = conn.execute(sa.select(T.transcripts).where(T.transcripts.c.id == transcript_id)).mappings().first()
        if row is None:
            raise ProjectError(f"no transcript {transcript_id!r} in this project")
        return _transcript(row)

    def segments(self, transcript_id: str | None = None, role: str | None = None) -> list[Segment]:
        q = sa.select(T.segments).order_by(T.segments.c.transcript_id, T.segments.c.idx)
        if transcript_id is not None:
            q = q.where(T.segments.c.transcript_id == transcript_id)
        if role is not None:
            q = q.where(T.segments.c.role == role)
        with self._connect() as conn:
            return [_segment(r) for r in conn.execute(q).mappings()]

    def segment_units(self) -> set[str]:
        with self._connect() as conn:
            return {r[0] for r in conn.execute(sa.select(T.segments.c.unit).distinct())}

    # -- participants ---------------------------------------------------------------------------------------
    def put_participants(self, participants: Mapping[str, Mapping[str, str]]) -> None:
        with self.transaction() as conn:
            self._put_participants(conn, participants)

    @staticmethod
    def _put_participants(conn, participants):
        for pid, attrs in participants.items():
            old = conn.execute(sa.select(T.participants.c.attributes).where(T.participants.c.id == pid)).first()
            merged = {**(old[0] if old else {}), **{k: str(v) for k, v in attrs.items()}}
            conn.execute(T.participants.delete().where(T.participants.c.id == pid))
            conn.execute(T.participants.insert().values(id=pid, attributes=merged))

    def participants(self) -> dict[str, dict[str, str]]:
        with self._connect() as conn:
            return {r.id: dict(r.attributes) for r in conn.execute(sa.select(T.participants))}

    # -- codebook ------------------------------------------------------------------------------------------
    def put_codebook(self, codebook: Codebook, *, by: str = "") -> bool:
        """Append the codebook as the current version; False (nothing written) if identical to the current one."""
        current = self.codebook()
        if current is not None and current.hash == codebook.hash:
            return False
        with self.transaction() as conn:
            conn.execute(T.codebooks.insert().values(
                hash=codebook.hash, name=codebook.name, version=codebook.version, body=codebook.to_dict(),
                source_path=codebook.source_path, saved_at=now(), saved_by=by))
        return True

    def codebook(self) -> Codebook | None:
        with self._connect() as conn:
            row = conn.execute(sa.select(T.codebooks).order_by(T.codebooks.c.seq.desc()).limit(1)).mappings().first()
        return Codebook.from_dict(row["body"], source_path=row["source_path"]) if row else None

    def codebook_history(self) -> list[dict]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(T.codebooks.c.seq, T.codebooks.c.hash, T.codebooks.c.name,
                                          T.codebooks.c.version, T.codebooks.c.saved_at, T.codebooks.c.saved_by)
                                .order_by(T.codebooks.c.seq)).mappings().all()
        return [dict(r) for r in rows]

    # -- decisions (append-only) ------------------------------------------------------------------------------
    def record(self, decisions: Decision | Iterable[Decision]) -> list[Decision]:
        """Append one or many decisions in one transaction; returns them with their log position (`seq`)."""
        batch = [decisions] if isinstance(decisions, Decision) else list(decisions)
        for d in batch:
            if d.verdict not in VERDICTS:
                raise ValueError(f"unknown verdict {d.verdict!r}: one of {', '.join(VERDICTS)}")
            if not d.coder.strip():
                raise ValueError("a decision needs a coder name")
        if not batch:
            return []
        with self.transaction() as conn:
            out = []
            for d in batch:
                seq = conn.execute(T.decisions.insert().values(_decision_row(d))).inserted_primary_key[0]
                out.append(Decision(**{**d.__dict__, "seq": seq}))
        return out

    def decisions(self, coder: str | None = None, transcript_id: str | None = None) -> list[Decision]:
        q = sa.select(T.decisions).order_by(T.decisions.c.seq)
        if coder is not None:
            q = q.where(T.decisions.c.coder == coder)
        if transcript_id is not None:
            q = q.where(T.decisions.c.transcript_id == transcript_id)
        with self._connect() as conn:
            return [_decision(r) for r in conn.execute(q).mappings()]

    def codings(self, coder: str | None = None) -> list[Coding]:
        """Current codings, replayed from the decision log with code renames and merges applied."""
        return codings_from_decisions(self.decisions(coder=coder), self.renames())

    def rename_code(self, old: str, new: str, *, coder: str, kind: str = "rename") -> None:
        """Record that `old` is now called `new` (kind rename) or was merged into `new` (kind merge)."""
        if kind not in ("rename", "merge"):
            raise ValueError(f"unknown kind {kind!r}: rename or merge")
        if old == new:
            raise ValueError("a code cannot be renamed to itself")
        with self.transaction() as conn:
            conn.execute(T.code_renames.insert().values(old=old, new=new, kind=kind, coder=coder, at=now()))

    def renames(self) -> dict[str, str]:
        with self._connect() as conn:
            return {r.old: r.new for r in conn.execute(sa.select(T.code_renames).order_by(T.code_renames.c.seq))}

    def coders(self) -> list[str]:
        with self._connect() as conn:
            return sorted(r[0] for r in conn.execute(sa.select(T.decisions.c.coder).distinct()))

    # -- runs, suggestions, themes ------------------------------------------------------------------------------
    def put_run(self, run: Run, suggestions: Sequence[Suggestion] = (), themes: Sequence[Theme] = ()) -> None:
        with self.transaction() as conn:
            # A deterministic run (same inputs and seed) is replaced whole; children first for the foreign keys.
            conn.execute(T.suggestions.delete().where(T.suggestions.c.run_id == run.id))
            conn.execute(T.themes.delete().where(T.themes.c.run_id == run.id))
            conn.execute(T.runs.delete().where(T.runs.c.id == run.id))
            # the store's own counter orders runs: writers are serialised, so max + 1 is unique and "latest" is
            # the run stored last, even when two share a start time
            seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(T.runs.c.seq), 0) + 1)).scalar_one()
            conn.execute(T.runs.insert().values(
                id=run.id, seq=seq, kind=run.kind, started_at=run.started_at, finished_at=run.finished_at, model=run.model,
                model_version=run.model_version, codebook_hash=run.codebook_hash, seed=run.seed,
                params=dict(run.params), notes=run.notes))
            if suggestions:
                conn.execute(T.suggestions.insert(), [dict(
                    run_id=run.id, id=s.id, segment_id=s.segment_id, transcript_id=s.transcript_id,
                    char_start=s.char_start, char_end=s.char_end, code=s.code, score=float(s.score),
                    explanation=_jsonable(s.explanation)) for s in suggestions])
            if themes:
                conn.execute(T.themes.insert(), [dict(
                    run_id=run.id, id=t.id, label=t.label, keywords=list(t.keywords), segment_ids=list(t.segment_ids),
                    quote_ids=list(t.quote_ids), spread=dict(t.spread)) for t in themes])

    def runs(self, kind: str | None = None) -> list[Run]:
        """Runs (of `kind`), in the order they were stored: the last is the latest."""
        q = sa.select(T.runs).order_by(T.runs.c.seq)
        if kind:
            q = q.where(T.runs.c.kind == kind)
        with self._connect() as conn:
            return [Run(id=r.id, kind=r.kind, started_at=r.started_at, model=r.model, model_version=r.model_version,
                        codebook_hash=r.codebook_hash, seed=r.seed, params=r.params, finished_at=r.finished_at,
                        notes=r.notes) for r in conn.execute(q)]

    def latest_run(self, kind: str) -> Run | None:
        runs = self.runs(kind)
        return runs[-1] if runs else None

    def suggestions(self, run_id: str | None = None) -> list[Suggestion]:
        """Suggestions of a run (default: the latest suggest run)."""
        if run_id is None:
            run = self.latest_run("suggest")
            if run is None:
                return []
            run_id = run.id
        with self._connect() as conn:
            rows = conn.execute(sa.select(T.suggestions).where(T.suggestions.c.run_id == run_id)
                                .order_by(T.suggestions.c.transcript_id, T.suggestions.c.char_start,
                                          T.suggestions.c.code)).mappings().all()
        return [Suggestion.from_stored(r["explanation"], id=r["id"], run_id=r["run_id"], segment_id=r["segment_id"],
                                       transcript_id=r["transcript_id"], char_start=r["char_start"],
                                       char_end=r["char_end"], code=r["code"], score=r["score"]) for r in rows]

    def count_suggestions(self, run_id: str | None = None) -> int:
        """How many suggestions a run has (default: the latest suggest run), without loading them."""
        if run_id is None:
            run = self.latest_run("suggest")
            if run is None:
                return 0
            run_id = run.id
        with self._connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(T.suggestions)
                                .where(T.suggestions.c.run_id == run_id)).scalar_one()

    def themes(self, run_id: str | None = None) -> list[Theme]:
        """Candidate themes of a run (default: the latest themes run), with their status from the theme events."""
        if run_id is None:
            run = self.latest_run("themes")
            if run is None:
                return []
            run_id = run.id
        with self._connect() as conn:
            rows = conn.execute(sa.select(T.themes).where(T.themes.c.run_id == run_id)).mappings().all()
            status = {r.theme_id: r.action for r in conn.execute(
                sa.select(T.theme_events.c.theme_id, T.theme_events.c.action).order_by(T.theme_events.c.seq))}
        return [Theme(id=r["id"], run_id=r["run_id"], label=r["label"], keywords=tuple(r["keywords"]),
                      segment_ids=tuple(r["segment_ids"]), quote_ids=tuple(r["quote_ids"]), spread=r["spread"],
                      status=status.get(r["id"], "candidate")) for r in rows]

    def record_theme_event(self, theme_id: str, action: str, coder: str, detail: Mapping | None = None) -> None:
        if action not in ("promoted", "dismissed", "candidate"):
            raise ValueError(f"unknown theme action {action!r}")
        with self.transaction() as conn:
            conn.execute(T.theme_events.insert().values(theme_id=theme_id, action=action, coder=coder, at=now(),
                                                        detail=dict(detail or {})))

    # -- memos ---------------------------------------------------------------------------------------------
    def add_memo(self, memo: Memo) -> None:
        with self.transaction() as conn:
            conn.execute(T.memos.insert().values(id=memo.id, target_kind=memo.target_kind, target_id=memo.target_id,
                                                 text=memo.text, author=memo.author, at=memo.at))

    def memos(self) -> list[Memo]:
        """Current memos: the latest version of each memo id (edits append a new version)."""
        with self._connect() as conn:
            rows = conn.execute(sa.select(T.memos).order_by(T.memos.c.seq)).mappings().all()
        latest = {r["id"]: r for r in rows}
        return [Memo(id=r["id"], target_kind=r["target_kind"], target_id=r["target_id"], text=r["text"],
                     author=r["author"], at=r["at"]) for r in latest.values() if r["text"]]

    # -- embedding cache (qualkit.embed.EmbeddingCache) -----------------------------------------------------------
    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(hashes))
        with self._connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                q = sa.select(T.embeddings.c.text_hash, T.embeddings.c.vector).where(
                    T.embeddings.c.model_id == model_id, T.embeddings.c.text_hash.in_(chunk))
                for h, blob in conn.execute(q):
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.transaction() as conn:
            existing = set()
            keys = list(vectors)
            for i in range(0, len(keys), 500):
                existing |= {r[0] for r in conn.execute(sa.select(T.embeddings.c.text_hash).where(
                    T.embeddings.c.model_id == model_id, T.embeddings.c.text_hash.in_(keys[i:i + 500])))}
            rows = [dict(model_id=model_id, text_hash=h, vector=np.asarray(v, dtype=np.float32).tobytes())
                    for h, v in vectors.items() if h not in existing]
            if rows:
                conn.execute(T.embeddings.insert(), rows)

    # -- whole-project views --------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self._connect() as conn:
            def n(table, *where):
                return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
            return {"transcripts": n(T.transcripts), "participants": n(T.participants),
                    "segments": n(T.segments), "participant_segments": n(T.segments, T.segments.c.role == "participant"),
                    "decisions": n(T.decisions), "embeddings": n(T.embeddings)}

    def snapshot(self, name: str = "qualkit project") -> Snapshot:
        codebook = self.codebook() or Codebook(name="(none)", codes=())
        return Snapshot(name=name, transcripts=tuple(self.transcripts()), codebook=codebook,
                        codings=tuple(self.codings()), participants=self.participants(),
                        segments=tuple(self.segments()), decisions=tuple(self.decisions()),
                        memos=tuple(self.memos()), runs=tuple(self.runs()))

    def integrity_check(self) -> list[str]:
        """Problems found (empty when sound): database-level check plus qualkit's own invariants."""
        problems = []
        with self._connect() as conn:
            if conn.dialect.name == "sqlite":
                result = conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()
                if result != "ok":
                    problems.append(f"sqlite integrity_check: {result}")
            texts = dict(conn.execute(sa.select(T.transcripts.c.id, T.transcripts.c.text)).all())
            for r in conn.execute(sa.select(T.segments.c.id, T.segments.c.transcript_id, T.segments.c.char_start,
                                            T.segments.c.char_end, T.segments.c.text)):
                if texts.get(r.transcript_id, "")[r.char_start:r.char_end] != r.text:
                    problems.append(f"segment {r.id} does not match its transcript text")
        return problems


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _turn_row(t: Turn) -> dict:
    return {"speaker": t.speaker, "role": t.role, "char_start": t.char_start, "char_end": t.char_end,
            "start_s": t.start_s, "end_s": t.end_s}


def _transcript(r) -> Transcript:
    text = r["text"]
    turns = tuple(Turn(speaker=t["speaker"], role=t["role"], char_start=t["char_start"], char_end=t["char_end"],
                       text=text[t["char_start"]:t["char_end"]], start_s=t["start_s"], end_s=t["end_s"])
                  for t in r["turns"])
    return Transcript(id=r["id"], source_path=r["source_path"], format=r["format"], text=text, turns=turns,
                      participant_id=r["participant_id"], attributes=dict(r["attributes"]), labelled=r["labelled"])


def _segment_row(s: Segment) -> dict:
    return dict(id=s.id, transcript_id=s.transcript_id, unit=s.unit, idx=s.index, speaker=s.speaker, role=s.role,
                char_start=s.char_start, char_end=s.char_end, text=s.text, turn_index=s.turn_index,
                question=s.question)


def _segment(r) -> Segment:
    return Segment(id=r["id"], transcript_id=r["transcript_id"], unit=r["unit"], index=r["idx"], speaker=r["speaker"],
                   role=r["role"], char_start=r["char_start"], char_end=r["char_end"], text=r["text"],
                   turn_index=r["turn_index"], question=r["question"])


def _decision_row(d: Decision) -> dict:
    return dict(id=d.id, transcript_id=d.transcript_id, char_start=d.char_start, char_end=d.char_end, code=d.code,
                verdict=d.verdict, coder=d.coder, at=d.at, segment_id=d.segment_id, suggestion_id=d.suggestion_id,
                source=d.source, note=d.note)


def _decision(r) -> Decision:
    return Decision(id=r["id"], transcript_id=r["transcript_id"], char_start=r["char_start"], char_end=r["char_end"],
                    code=r["code"], verdict=r["verdict"], coder=r["coder"], at=r["at"], segment_id=r["segment_id"],
                    suggestion_id=r["suggestion_id"], source=r["source"], note=r["note"], seq=r["seq"])
