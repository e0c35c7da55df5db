"""evaluate() at a unit where the human's short spans are invisible: reported, or refused when nothing is left."""
from dataclasses import replace

import pytest

from fakes import FakeEmbedder
from qualkit.errors import QualkitError
from qualkit.evaluate import evaluate, unmatched_codings
from test_evaluate_agreement import snapshot


def test_unmatched_codings_counts_spans_shorter_than_half_a_segment():
    s = snapshot()
    # ann: 16 codings covering 60% of a segment, and one covering 3 characters of segment A2
    assert unmatched_codings(s, s.segments, ["Privacy", "Burnout"], "ann") == (1, 17)
    assert unmatched_codings(s, s.segments, ["Burnout"], "other") == (0, 1)


def test_report_states_the_unit_and_how_many_codings_it_could_not_see():
    rep = evaluate(snapshot(), FakeEmbedder(), human_coder="ann", fractions=(0.0,), seeds=(0,))
    assert ("unit turn: a segment carries a human code when one of 'ann''s codings covers at least half of it; "
            "1 of 17 codings cover no segment") in rep.notes
    assert not any(n.startswith("warning") for n in rep.notes)  # 1 of 17 is below the warning level


def test_mostly_invisible_codings_warn_and_all_invisible_is_an_error():
    s = snapshot()
    short = tuple(replace(c, char_end=c.char_start + 3) for c in s.codings)  # 3-character spans: cover no segment
    keep = tuple(c for c in s.codings if c.coder == "ann")[:4]
    rep = evaluate(replace(s, codings=keep + short), FakeEmbedder(), human_coder="ann", fractions=(0.0,),
                   seeds=(0,))
    assert ("warning: 81% of the human codings are invisible at unit turn (spans shorter than half a segment): "
            "evaluate with a finer unit (sentence or paragraph)") in rep.notes
    with pytest.raises(QualkitError, match=r"none of 'ann''s 17 codings covers at least half of any turn segment, "
                                           r"so there is nothing to compare with: evaluate with a finer unit "
                                           r"\(--unit sentence or --unit paragraph\)"):
        evaluate(replace(s, codings=short), FakeEmbedder(), human_coder="ann", fractions=(0.0,), seeds=(0,))


def test_evaluate_is_deterministic():
    a = evaluate(snapshot(), FakeEmbedder(), human_coder="ann", fractions=(0.0, 0.5), seeds=(0, 1))
    b = evaluate(snapshot(), FakeEmbedder(), human_coder="ann", fractions=(0.0, 0.5), seeds=(0, 1))
    assert a.to_json() == b.to_json()


