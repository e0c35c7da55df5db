"""The shipped codebooks/ai_in_medicine.yaml: the names other engineers code against, and its quality bar."""
import re
from pathlib import Path

import pytest

from qualkit.codebook import load_codebook, warnings

SHIPPED = Path(__file__).parents[2] / "codebooks" / "ai_in_medicine.yaml"

THEMES = {
    "Oversight and verification": ["Human oversight", "Verification of AI output"],
    "Transparency and trust": ["Transparency and consent", "Patient understanding of AI", "Explainability"],
    "Privacy and equity": ["Privacy and data security", "Bias and equity"],
    "Responsibility": ["Responsibility and liability"],
    "What AI should optimise": ["Efficiency and throughput", "Accuracy focus", "Doctor-patient relationship"],
    "Clinical work and risk": ["Workflow burden and burnout", "Errors and confabulation",
                               "Over-reliance and deskilling"],
    "Ethics in practice": ["Informal ethics learning", "Institutional guidelines", "Commercial pressure",
                           "Interdisciplinary collaboration"],
}
CHILDREN = [c for children in THEMES.values() for c in children]


@pytest.fixture(scope="module")
def cb():
    return load_codebook(SHIPPED)


def test_seven_themes_with_exactly_the_agreed_children(cb):
    assert cb.name == "AI in medicine"
    assert [c.name for c in cb.children(None)] == list(THEMES)
    for theme, children in THEMES.items():
        assert [c.name for c in cb.children(theme)] == children
    assert len(CHILDREN) == 18
    assert sorted(cb.names) == sorted(list(THEMES) + CHILDREN)
    assert all(cb.root_of(name) == theme for theme, kids in THEMES.items() for name in kids)


def test_themes_have_definitions(cb):
    for theme in THEMES:
        assert len(cb[theme].definition) > 60, theme


@pytest.mark.parametrize("name", CHILDREN)
def test_every_child_code_meets_the_bar(cb, name):
    code = cb[name]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", code.definition) if s]
    assert 2 <= len(sentences) <= 3, sentences
    assert code.include and code.exclude
    assert len(code.examples) >= 3 and len(set(code.examples)) == len(code.examples)
    assert len(code.counterexamples) >= 1
    assert 4 <= len(code.keywords) <= 8
    assert re.fullmatch(r"#[0-9a-f]{6}", code.color)
    # Examples are quotes in an interviewee's voice, not lists of keywords.
    assert all(len(e.split()) >= 6 for e in code.examples), code.examples
    # Each exclusion points the coder to a neighbouring code that exists.
    pointed = re.findall(r"\(([^()]+)\)", code.exclude)
    assert pointed and all(p in cb for p in pointed), pointed


def test_colours_are_distinct(cb):
    colours = [c.color for c in cb.codes]
    assert None not in colours
    assert len(set(colours)) == len(colours)


def test_examples_are_not_shared_between_codes(cb):
    seen = {}
    for code in cb.codes:
        for quote in code.examples:
            assert quote not in seen, (quote, seen.get(quote), code.name)
            seen[quote] = code.name


def test_no_warnings_for_the_shipped_codebook(cb):
    assert warnings(cb) == []
