"""The development / held-out split is fixed by the transcripts' ids, halves the study, and restricts everything."""
import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Coding
from qualkit.errors import QualkitError
from qualkit.evaluate import restrict, split_transcripts
from qualkit.snapshot import Snapshot
from qualkit.transcript import Transcript, Turn


def snapshot(n):
    ts = tuple(Transcript(f"T{i}", f"T{i}.txt", "txt", "P: hello there", (Turn("P", "participant", 3, 14,
                                                                              "hello there"),)) for i in range(n))
    codings = tuple(Coding(t.id, 3, 14, "A", "ana", "") for t in ts)
    return Snapshot("s", ts, Codebook("cb", (Code("A", "a"),)), codings)


def test_the_halves_are_fixed_disjoint_and_independent_of_order():
    ids = [f"T{i}" for i in range(17)]
    s = split_transcripts(ids)
    assert len(s["development"]) == 8 and len(s["held-out"]) == 9
    assert set(s["development"]) | set(s["held-out"]) == set(ids) and not set(s["development"]) & set(s["held-out"])
    assert split_transcripts(reversed(ids)) == s
    # SERDIF's split, as reported in the README (a change here would mean the held-out figures were re-tuned)
    serdif = ["P2_GMT20211119", "P3_GMT20211125", "P4_GMT20211125", "P5_GMT20211125", "P6_GMT20211126",
              "P7_GMT20211126", "P1_GMT20211118", "P8_GMT20211129", "P9_GMT20211129", "P10_GMT20211130",
              "P11_GMT20211201", "P12_GMT20211206", "P13_GMT20211203", "P14_GMT20220124", "P15_GMT20211201",
              "P16_GMT20211215", "P17_GMT20211216"]
    assert split_transcripts(serdif)["development"] == (
        "P11_GMT20211201", "P14_GMT20220124", "P16_GMT20211215", "P17_GMT20211216", "P4_GMT20211125",
        "P5_GMT20211125", "P6_GMT20211126", "P8_GMT20211129")


def test_restrict_keeps_only_the_half_and_names_it():
    snap = snapshot(10)
    held = restrict(snap, "held-out")
    dev = restrict(snap, "development")
    assert held.name == "s (held-out)" and len(held.transcripts) == len(dev.transcripts) == 5
    assert {c.transcript_id for c in held.codings} == {t.id for t in held.transcripts}
    assert not {t.id for t in held.transcripts} & {t.id for t in dev.transcripts}


def test_restrict_refuses_unknown_splits_and_tiny_studies():
    with pytest.raises(QualkitError, match="unknown split 'test': choose development or held-out"):
        restrict(snapshot(10), "test")
    with pytest.raises(QualkitError, match=r"has 3 transcript\(s\): a development/held-out split needs at least 4"):
        restrict(snapshot(3), "held-out")
