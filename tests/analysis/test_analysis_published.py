import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snapshot_fixture import DPR, EFF, HO, OPTIMISE, make_snapshot  # noqa: E402

from qualkit.analysis import compare_published  # noqa: E402
from qualkit.errors import InputError  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

SMALL = """
study: Small study
group_attribute: group
themes:
  - name: human OVERSIGHT
    reported: [{group: clinician, n: 2, of: 3}]
  - name: Throughput first
    maps_to: [Efficiency and throughput, Not a code]
    reported: [{group: developer, n: 2, of: 2}]
  - name: Relationship with patients
    definition: AI should protect the doctor-patient relationship, trust and time with patients.
  - name: Ethics training
    definition: Formal courses in bioethics for engineers.
  - name: Optimisation
    maps_to: [What AI should optimise]
"""


def write(tmp_path, text):
    p = tmp_path / "paper.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_matching_order_and_reproduced_counts(tmp_path):
    r = compare_published(make_snapshot(), write(tmp_path, SMALL))
    m = {x.theme: x for x in r.matches}
    assert (m["human OVERSIGHT"].method, m["human OVERSIGHT"].codes) == ("name", (HO,))
    assert m["human OVERSIGHT"].reproduced == {"clinician": (3, 3), "developer": (1, 2)}
    t = m["Throughput first"]
    assert (t.method, t.codes) == ("maps_to", (EFF,))
    assert t.reproduced["developer"] == (2, 2) and t.reproduced["clinician"] == (1, 3)
    assert "maps_to code 'Not a code' is not in this project's codebook" in t.notes
    rel = m["Relationship with patients"]
    assert rel.method == "definition" and rel.codes == (DPR,) and rel.similarity > 0.25
    assert m["Ethics training"].method == "not found" and not m["Ethics training"].found
    assert "closest code" in m["Ethics training"].notes[0]
    # a theme code counts participants with any code under it: P1, P2 (DPR/EFF), P4, P5
    assert m["Optimisation"].codes == (OPTIMISE,)
    assert m["Optimisation"].reproduced == {"clinician": (2, 3), "developer": (2, 2)}
    assert r.not_found == ("Ethics training",)


def test_frame_puts_reported_beside_reproduced(tmp_path):
    df = compare_published(make_snapshot(), write(tmp_path, SMALL)).to_frame()
    row = df[(df.published_theme == "human OVERSIGHT") & (df.group == "clinician")].iloc[0]
    assert (row.reported_n, row.reported_of, row.reproduced_n, row.reproduced_of) == (2, 3, 3, 3)
    assert row.reported_pct == pytest.approx(200 / 3) and row.reproduced_pct == 100.0


def test_every_problem_reported_at_once(tmp_path):
    bad = """
themes:
  - definition: no name
  - name: X
    maps_to: Human oversight
    reported:
      - {group: clinician, n: 12, of: 11}
      - {n: 1, of: 2}
"""
    with pytest.raises(InputError) as e:
        compare_published(make_snapshot(), write(tmp_path, bad))
    msg = str(e.value)
    assert msg.startswith(str(tmp_path / "paper.yaml") + ": 5 problem(s)")
    assert "[study] missing" in msg
    assert "[themes[0]] each theme needs a 'name'" in msg
    assert "[themes[1] 'X' -> maps_to] must be a list of code names" in msg
    assert "[themes[1] 'X' -> reported[0]] 'n' and 'of' must be whole numbers with 0 <= n <= of" in msg
    assert "(got n=12, of=11)" in msg
    assert "[themes[1] 'X' -> reported[1]] needs 'group'" in msg


def test_missing_and_unparsable_files(tmp_path):
    with pytest.raises(InputError, match="nope.yaml: file not found"):
        compare_published(make_snapshot(), tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="not valid YAML"):
        compare_published(make_snapshot(), write(tmp_path, "themes: [unclosed"))


def test_shipped_sample_study_matches_the_sample_codebook():
    from qualkit.codebook.load import load_codebook

    cb = load_codebook(REPO / "codebooks" / "ai_in_medicine.yaml")
    r = compare_published(make_snapshot(codebook=cb), REPO / "published" / "sample_study.yaml")
    assert "illustrative" in r.note.lower()
    assert len(r.matches) == 8
    methods = {m.theme: m.method for m in r.matches}
    assert methods["Human oversight"] == "name"
    assert methods["The doctor-patient relationship comes first"] == "definition"
    assert list(methods.values()).count("maps_to") == 5
    for m in r.matches:  # every maps_to in the shipped file names a real code
        assert not any("not in this project's codebook" in n for n in m.notes)
    assert r.not_found == ("Organisational incentives and institutional structures",)
