"""dump_yaml_codebook -> load gives the same codebook back."""
from pathlib import Path

import pytest

from qualkit.codebook import Code, Codebook, dump_yaml_codebook, load_codebook, load_yaml_codebook

SHIPPED = Path(__file__).parents[2] / "codebooks" / "ai_in_medicine.yaml"
SERDIF_FINAL = Path(__file__).parent.parent / "data" / "codebook" / "serdif" / "codebook_20220303_8.csv"


def roundtrip(cb: Codebook, tmp_path) -> Codebook:
    path = tmp_path / "out.yaml"
    path.write_text(dump_yaml_codebook(cb), encoding="utf-8")
    return load_yaml_codebook(path)


def test_shipped_codebook_round_trips(tmp_path):
    cb = load_codebook(SHIPPED)
    again = roundtrip(cb, tmp_path)
    assert again == cb
    assert again.hash == cb.hash
    assert [c.to_dict() for c in again.codes] == [c.to_dict() for c in cb.codes]


def test_csv_codebook_with_multiline_description_round_trips(tmp_path):
    cb = load_codebook(SERDIF_FINAL)
    assert roundtrip(cb, tmp_path) == cb


def test_tricky_text_round_trips(tmp_path):
    cb = Codebook(
        name="Test: a #b",
        version="1.10",
        codes=(
            Code("Yes", "no", examples=("yes", "42", "- dash", "# hash", "quote \"x\" 'y'", "null", "a: b",
                                         "ünïcödé — dash", "[bracketed]"),
                 keywords=("true", "b c"), color="#1f77b4", include="~", exclude="@at"),
            Code("2024", "line one\nline two\n  indented", parent="Yes", counterexamples=("{not: a map}",)),
        ),
    )
    text = dump_yaml_codebook(cb)
    assert roundtrip(cb, tmp_path) == cb
    assert "&" not in text and "*" not in text  # no anchors: our own loader would refuse them


@pytest.mark.parametrize("version", ["1", "2024-03-01", "0.9"])
def test_versions_round_trip(tmp_path, version):
    cb = Codebook(name="x", codes=(Code("A", "d"),), version=version)
    assert roundtrip(cb, tmp_path).version == version


def test_dump_leaves_out_empty_optional_fields():
    text = dump_yaml_codebook(Codebook(name="x", codes=(Code("A", "d"),)))
    assert text == "name: x\nversion: 1\ncodes:\n  - name: A\n    definition: d\n"
