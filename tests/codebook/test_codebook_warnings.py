"""warnings(): advice that does not block loading (for `qualkit codebook check`)."""
from qualkit.codebook import Code, Codebook, load_codebook, warnings


def test_each_kind_of_warning_in_codebook_order():
    cb = Codebook(name="x", codes=(
        Code("Theme", ""),
        Code("Bare", "", parent="Theme"),
        Code("One", "d", examples=("only quote",), parent="Theme"),
        Code("Two", "d", examples=("a quote", "another quote"), parent="Theme"),
    ))
    assert warnings(cb) == [
        "Theme: empty definition; suggestions match segments against the definition, so write a sentence or two on "
        "what this code means",
        "Bare: empty definition; suggestions match segments against the definition, so write a sentence or two on "
        "what this code means",
        "Bare: no examples; add at least 2 short quotes that should get this code",
        "One: only 1 example; add at least 1 more short quote so suggestions do not hinge on one phrasing",
    ]


def test_codes_with_children_are_not_asked_for_examples():
    cb = Codebook(name="x", codes=(Code("Theme", "a theme"), Code("Child", "d", parent="Theme",
                                                                  examples=("q one", "q two"))))
    assert warnings(cb) == []


def test_yml_extension_loads(tmp_path):
    path = tmp_path / "codes.YML"
    path.write_text("name: x\ncodes:\n  - name: A\n    definition: d\n", encoding="utf-8")
    cb = load_codebook(path)
    assert cb.names == ["A"]
    assert warnings(cb) == ["A: no examples; add at least 2 short quotes that should get this code"]
