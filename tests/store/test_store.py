import sqlalchemy as sa
import numpy as np
import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Decision
from qualkit.errors import ProjectError
from qualkit.run import Run
from qualkit.segment import segment_transcript
from qualkit.store import SCHEMA_VERSION, Store
from qualkit.suggest.model import Suggestion
from qualkit.transcript import Transcript, Turn

TEXT = "Interviewer: Why?\n\nP01: Because I read every draft. Always."
TRANSCRIPT = Transcript("P01", "P01.txt", "txt", TEXT,
                        (Turn("Interviewer", "interviewer", 13, 17, "Why?"),
                         Turn("P01", "participant", 24, len(TEXT), TEXT[24:])), participant_id="P01")


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def decision(i, verdict="apply", coder="ana", code="Oversight"):
    return Decision(id=f"d{i}", transcript_id="P01", char_start=24, char_end=50, code=code, verdict=verdict,
                    coder=coder, at=f"2026-01-01T00:00:0{i}")


def test_new_database_is_migrated_to_current_version(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value FROM meta WHERE key='schema_version'").scalar() == str(SCHEMA_VERSION)
    assert Store(store.url).counts()["decisions"] == 0  # reopening migrates nothing twice


def test_open_without_create_refuses_empty_database(tmp_path):
    with pytest.raises(ProjectError, match="no qualkit project in database .*run `qualkit init` first"):
        Store(f"sqlite:///{tmp_path / 'empty.db'}", create=False)


def test_transcripts_and_segments_round_trip(store):
    segs = segment_transcript(TRANSCRIPT, "sentence")
    store.put_transcripts([(TRANSCRIPT, "h1", segs)], {"P01": {"group": "clinician"}})
    assert store.transcripts() == [TRANSCRIPT]
    assert store.segments() == segs
    assert store.participants() == {"P01": {"group": "clinician"}}
    assert store.transcript_hashes() == {"P01": "h1"}
    assert store.integrity_check() == []


def test_decisions_are_append_only_at_the_database_level(store):
    store.record(decision(1))
    for sql in ("UPDATE decisions SET code='x'", "DELETE FROM decisions"):
        with pytest.raises(sa.exc.DBAPIError, match="decisions is append-only"):
            with store.transaction() as conn:
                conn.exec_driver_sql(sql)
    assert [d.code for d in store.decisions()] == ["Oversight"]


@pytest.mark.slow
def test_postgresql_refuses_truncate_on_event_tables(postgres):
    """TRUNCATE fires no row triggers, so PostgreSQL needs a statement trigger (migration 2) to keep the log."""
    store = Store(postgres.create_database("truncate"))
    try:
        store.record(decision(1))
        for table in ("decisions", "theme_events"):
            with pytest.raises(sa.exc.DBAPIError, match=f"{table} is append-only"):
                with store.transaction() as conn:
                    conn.exec_driver_sql(f"TRUNCATE {table}")
        assert [d.code for d in store.decisions()] == ["Oversight"]
    finally:
        store.close()


def test_codings_are_replayed_from_the_log(store):
    store.record([decision(1), decision(2, coder="ben"), decision(3, verdict="remove")])
    assert [(c.coder, c.code) for c in store.codings()] == [("ben", "Oversight")]
    store.record(decision(4, verdict="apply"))
    assert sorted(c.coder for c in store.codings()) == ["ana", "ben"]
    assert [d.seq for d in store.decisions()] == [1, 2, 3, 4]


def test_a_failed_batch_writes_nothing(store):
    store.record(decision(1))
    with pytest.raises(sa.exc.IntegrityError):
        store.record([decision(2), decision(1)])  # duplicate id in the same transaction
    assert [d.id for d in store.decisions()] == ["d1"]


def test_codebook_versions_are_kept(store):
    a = Codebook("cb", (Code("Oversight", "a person reviews"),))
    b = Codebook("cb", (Code("Oversight", "a person reviews the output"),), version="2")
    assert store.put_codebook(a) and not store.put_codebook(a)
    assert store.put_codebook(b)
    assert store.codebook() == b
    assert [h["version"] for h in store.codebook_history()] == ["1", "2"]


def test_runs_and_suggestions(store):
    run = Run(id="r1", kind="suggest", started_at="2026-01-01", model="m", seed=0, params={"a": 1})
    sug = Suggestion("s1", "r1", "seg", "P01", 24, 50, "Oversight", 0.8, threshold=0.3, mode="learned",
                     nearest="I read", nearest_kind="decided", keywords=("read",),
                     components={"cos": np.float32(0.5)}, decided=4)
    store.put_run(run, suggestions=[sug])
    assert store.latest_run("suggest").params == {"a": 1}
    got = store.suggestions()
    assert got == [Suggestion("s1", "r1", "seg", "P01", 24, 50, "Oversight", pytest.approx(0.8), threshold=0.3,
                              mode="learned", nearest="I read", nearest_kind="decided", keywords=("read",),
                              components={"cos": 0.5}, decided=4)]
    assert got[0].above_threshold


def test_suggestions_stored_before_typed_fields_still_load(store):
    """Rows whose explanation JSON was the untyped dict (with above_threshold; promoted-theme rows with only
    "source") load as typed suggestions."""
    from qualkit.store import schema as T
    store.put_run(Run(id="r1", kind="suggest", started_at="2026-01-01", model="m", seed=0))
    old = [{"nearest": "n", "nearest_kind": "example", "keywords": ["k"], "components": {"similarity": 0.2},
            "above_threshold": False, "threshold": 0.7, "mode": "zero-shot", "decided": 0},
           {"source": "promoted theme", "theme": "privacy", "keywords": ["data"], "components": {}, "nearest": "",
            "nearest_kind": "theme"}]
    with store.transaction() as conn:
        conn.execute(T.suggestions.insert(), [dict(run_id="r1", id=f"s{i}", segment_id="seg", transcript_id="P01",
                                                    char_start=24, char_end=50, code=f"C{i}", score=0.5,
                                                    explanation=e) for i, e in enumerate(old)])
    zs, promoted = store.suggestions("r1")
    assert (zs.mode, zs.threshold, zs.above_threshold, zs.keywords, zs.components) == (
        "zero-shot", 0.7, False, ("k",), {"similarity": 0.2})
    assert (promoted.mode, promoted.theme, promoted.threshold, promoted.keywords) == (
        "promoted-theme", "privacy", 0.5, ("data",))


def test_rerunning_a_deterministic_run_replaces_it(store):
    from qualkit.themes.model import Theme
    run = Run(id="t1", kind="themes", started_at="2026-01-01", seed=0)
    store.put_run(run, themes=[Theme("a", "t1", "A", ("x",), ("s1", "s2", "s3"), ("s1",))])
    store.put_run(run, themes=[Theme("b", "t1", "B", ("y",), ("s4", "s5", "s6"), ("s4",))])
    assert [t.label for t in store.themes()] == ["B"]
    assert len(store.runs("themes")) == 1


def test_embedding_cache(store):
    v = np.arange(4, dtype=np.float32)
    store.put_many("m", {"h1": v})
    store.put_many("m", {"h1": v, "h2": v + 1})  # existing keys are left alone
    got = store.get_many("m", ["h1", "h2", "h3"])
    assert set(got) == {"h1", "h2"} and np.array_equal(got["h2"], v + 1)
    assert store.get_many("other", ["h1"]) == {}


def test_undo_makes_a_decision_pending_again(store):
    store.record([decision(1, verdict="accept"), decision(2, verdict="undo")])
    assert store.codings() == []
    assert [d.verdict for d in store.decisions()] == ["accept", "undo"]  # both kept


def test_renamed_and_merged_codes_still_resolve(store):
    store.record([decision(1, code="Oversight"), decision(2, code="Checking", coder="ben")])
    store.rename_code("Oversight", "Human oversight", coder="ana")
    store.rename_code("Checking", "Human oversight", coder="ana", kind="merge")
    assert sorted((c.coder, c.code) for c in store.codings()) == [("ana", "Human oversight"),
                                                                  ("ben", "Human oversight")]
    assert {d.code for d in store.decisions()} == {"Oversight", "Checking"}  # the log itself is unchanged


def test_latest_run_is_the_one_stored_last_even_within_one_second(store):
    """Runs are ordered by the store's own sequence, not by a start-time string: two runs stamped with the same
    second (or a later-stored run with an earlier stamp) leave no doubt which is latest."""
    for rid in ("z", "a", "m"):
        store.put_run(Run(id=rid, kind="suggest", started_at="2026-01-01T00:00:00+00:00", seed=0))
    assert [r.id for r in store.runs("suggest")] == ["z", "a", "m"] and store.latest_run("suggest").id == "m"
    store.put_run(Run(id="early", kind="suggest", started_at="2025-12-31T23:59:59+00:00", seed=0))
    store.put_run(Run(id="a", kind="suggest", started_at="2026-01-01T00:00:00+00:00", seed=0))  # re-stored whole
    assert [r.id for r in store.runs("suggest")] == ["z", "m", "early", "a"]


def test_runs_of_a_schema_2_database_keep_their_order_after_migration(db_url):
    """Migration 3 numbers existing runs by their old order (start time, then id), on SQLite and PostgreSQL."""
    from qualkit.store import migrations, schema
    url = db_url
    old = sa.MetaData()
    for t in schema.metadata.sorted_tables:
        if t.name == "runs":
            sa.Table("runs", old, *[c.copy() for c in t.columns if c.name != "seq"])
        else:
            t.to_metadata(old)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(schema.meta.insert().values(key="schema_version", value="2"))
        for rid, at in (("b", "2026-01-01T00:00:01+00:00"), ("a", "2026-01-01T00:00:01+00:00"),
                        ("c", "2026-01-01T00:00:00+00:00")):
            conn.execute(old.tables["runs"].insert().values(id=rid, kind="suggest", started_at=at, model="",
                                                             model_version="", codebook_hash="", params={}, notes=""))
    engine.dispose()
    s = Store(url)
    try:
        assert [r.id for r in s.runs()] == ["c", "a", "b"]
        s.put_run(Run(id="d", kind="suggest", started_at="2020-01-01T00:00:00+00:00"))
        assert s.latest_run("suggest").id == "d"
        with s.engine.connect() as conn:
            assert migrations.current_version(conn) == SCHEMA_VERSION
    finally:
        s.close()


def test_the_clock_is_sub_second_and_sorts_as_time_does():
    from qualkit.clock import now
    stamps = [now() for _ in range(200)]
    assert stamps == sorted(stamps) and len(set(stamps)) > 1
    assert all(len(s) == len("2026-01-01T00:00:00.000000+00:00") and s.endswith("+00:00") for s in stamps)
    assert "2026-01-01T00:00:00+00:00" < "2026-01-01T00:00:00.000001+00:00"  # whole-second rows sort first
