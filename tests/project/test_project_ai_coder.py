"""The tool as a second coder: only above-threshold suggestions, in memory, never in the store."""
import pytest
from fakes import FakeEmbedder
from project_data import dump

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Decision
from qualkit.errors import QualkitError
from qualkit.pipeline import run_suggest
from qualkit.project import ingest
from qualkit.project.ai_coder import AI_CODER, ai_codings, snapshot_with_ai
from qualkit.run import Run
from qualkit.suggest.model import Suggestion

CODEBOOK = Codebook("cb", (Code("Oversight", "A person reads and approves every AI draft.",
                                examples=("I read every draft before it goes out.",)),
                           Code("Throughput", "Patients moved through the clinic.",
                                examples=("How many patients we can move through the clinic.",))))


@pytest.fixture
def coded(project, corpus):
    ingest(project, [corpus])
    project.store.put_codebook(CODEBOOK)
    return project


def test_ai_codings_are_the_above_threshold_suggestions_of_the_run(coded):
    segs = coded.store.segments(role="participant")
    run = Run(id="r1", kind="suggest", started_at="2026-01-01T00:00:00+00:00")
    made = [Suggestion(f"s{i}", "r1", seg.id, seg.transcript_id, seg.char_start, seg.char_end, code, score,
                       threshold=threshold)
            for i, (seg, code, score, threshold) in enumerate([(segs[0], "Oversight", 0.6, 0.6),  # at: above
                                                               (segs[0], "Throughput", 0.59, 0.6),
                                                               (segs[1], "Throughput", 0.2, 0.1)])]
    coded.store.put_run(run, suggestions=made)
    got = ai_codings(coded)
    assert [(c.transcript_id, c.char_start, c.char_end, c.code, c.suggestion_id, c.segment_id) for c in got] == [
        (s.transcript_id, s.char_start, s.char_end, s.code, s.id, s.segment_id) for s in (made[0], made[2])]
    assert {(c.coder, c.origin) for c in got} == {(AI_CODER, "ai")}
    later, _ = run_suggest(coded, FakeEmbedder())  # the latest run by default; an earlier one by id
    assert {c.suggestion_id for c in ai_codings(coded, "r1")} == {"s0", "s2"}
    assert {c.suggestion_id for c in ai_codings(coded)} <= {s.id for s in coded.store.suggestions(later.id)}


def test_snapshot_with_ai_adds_them_in_memory_only(coded):
    run_suggest(coded, FakeEmbedder())
    seg = coded.store.segments(role="participant")[0]
    coded.store.record(Decision("d1", seg.transcript_id, seg.char_start, seg.char_end, "Oversight", "apply", "ana",
                                "2026-01-01T00:00:00+00:00", segment_id=seg.id))
    before = dump(coded)
    snap = snapshot_with_ai(coded)
    assert {c.coder for c in snap.codings} == {"ana", AI_CODER}
    assert len([c for c in snap.codings if c.coder == AI_CODER]) == len(ai_codings(coded))
    assert dump(coded) == before and {c.coder for c in coded.store.codings()} == {"ana"}


def test_snapshot_with_ai_refuses_without_suggestions_or_with_a_person_named_ai(coded):
    with pytest.raises(QualkitError, match=r"^no suggestions to compare with: run `qualkit suggest` first$"):
        snapshot_with_ai(coded)
    run_suggest(coded, FakeEmbedder())
    seg = coded.store.segments(role="participant")[0]
    coded.store.record(Decision("d1", seg.transcript_id, seg.char_start, seg.char_end, "Oversight", "apply", "ai",
                                "2026-01-01T00:00:00+00:00", segment_id=seg.id))
    with pytest.raises(QualkitError, match="a human coder in this project is named 'ai', the name the tool codes"):
        snapshot_with_ai(coded)
