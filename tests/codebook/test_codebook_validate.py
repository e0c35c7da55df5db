"""Each validation problem, with its exact message and line, and many problems reported at once."""
from pathlib import Path

import pytest

from qualkit.codebook import parse_yaml_codebook, validate_codebook_dict
from qualkit.codebook.validate import codebook_from_dict
from qualkit.errors import CodebookError, QualkitError

DATA = Path(__file__).parent.parent / "data" / "codebook"
VALID_KEYS = "name, definition, include, exclude, examples, counterexamples, keywords, parent, color"


def problems(text: str) -> list[str]:
    with pytest.raises(CodebookError) as info:
        parse_yaml_codebook(text, "cb.yaml")
    assert info.value.path == "cb.yaml"
    return info.value.problems


def one_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_valid_minimal_codebook_loads():
    cb = parse_yaml_codebook("name: Tiny\ncodes:\n  - name: A\n    definition: |\n      Means A.\n", "tiny.yaml")
    assert cb.name == "Tiny"
    assert cb.version == "1"
    assert cb.names == ["A"]
    assert cb["A"].definition == "Means A."  # block scalar's trailing newline stripped
    assert cb.source_path == "tiny.yaml"


def test_missing_codebook_name_defaults_to_file_stem():
    cb = parse_yaml_codebook("codes:\n  - name: A\n    definition: d\n", "dir/my_codes.yaml")
    assert cb.name == "my_codes"


def test_version_kept_as_written():
    cb = parse_yaml_codebook("name: x\nversion: 1.10\ncodes:\n  - name: A\n    definition: d\n")
    assert cb.version == "1.10"


def test_duplicate_names_case_insensitive_name_both_lines():
    text = ("name: x\ncodes:\n"
            "  - name: Human oversight\n    definition: d\n"
            "  - name: Other\n    definition: d\n"
            "  - name: HUMAN OVERSIGHT\n    definition: d\n")
    assert one_problem(text) == (
        "cb.yaml:7 -> HUMAN OVERSIGHT: duplicate code name; 'Human oversight' is already defined at line 3 "
        "(names are compared ignoring case)")


def test_unknown_parent_suggests_close_name():
    text = ("name: x\ncodes:\n"
            "  - name: Ethical safeguards\n    definition: d\n"
            "  - name: Human oversight\n    definition: d\n    parent: Ethical safegaurds\n")
    assert one_problem(text) == ("cb.yaml:7 -> Human oversight: unknown parent 'Ethical safegaurds'; did you mean "
                                 "'Ethical safeguards'?")


def test_unknown_parent_differing_only_in_case_suggests_exact_name():
    text = ("name: x\ncodes:\n"
            "  - name: Ethics\n    definition: d\n"
            "  - name: Child\n    definition: d\n    parent: ethics\n")
    assert one_problem(text) == "cb.yaml:7 -> Child: unknown parent 'ethics'; did you mean 'Ethics'?"


def test_unknown_parent_without_close_match_says_what_to_do():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    parent: Zebra\n"
    assert one_problem(text) == ("cb.yaml:5 -> A: unknown parent 'Zebra'; add a code named 'Zebra' or remove the "
                                 "parent")


def test_cyclic_parents_name_the_cycle_once():
    text = ("name: x\ncodes:\n"
            "  - name: A\n    definition: d\n    parent: B\n"
            "  - name: B\n    definition: d\n    parent: C\n"
            "  - name: C\n    definition: d\n    parent: A\n"
            "  - name: D\n    definition: d\n    parent: A\n")
    assert one_problem(text) == "cb.yaml:5 -> A: cyclic parents: A -> B -> C -> A; a code cannot be its own ancestor"


def test_code_that_is_its_own_parent_is_a_cycle():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    parent: A\n"
    assert one_problem(text) == "cb.yaml:5 -> A: cyclic parents: A -> A; a code cannot be its own ancestor"


def test_missing_definition():
    text = "name: x\ncodes:\n  - name: A\n    examples: [a quote]\n"
    assert one_problem(text) == "cb.yaml:3 -> A: missing definition; say in a sentence or two what this code means"


@pytest.mark.parametrize("value", ['""', "", "'   '"])
def test_empty_definition(value):
    text = f"name: x\ncodes:\n  - name: A\n    definition: {value}\n"
    assert one_problem(text) == "cb.yaml:4 -> A: empty definition; say in a sentence or two what this code means"


def test_missing_name():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n  - definition: nameless\n"
    assert one_problem(text) == "cb.yaml:5 -> code 2: missing name; every code needs `name:`"


def test_empty_name():
    text = "name: x\ncodes:\n  - name: ''\n    definition: d\n"
    assert one_problem(text) == "cb.yaml:3 -> code 1: empty name; every code needs a name"


def test_number_as_name_says_to_quote_it():
    text = "name: x\ncodes:\n  - name: 2024\n    definition: d\n"
    assert one_problem(text) == "cb.yaml:3 -> code 1: name must be text; got a number (put it in quotes)"


@pytest.mark.parametrize("colour", ['"#12345"', '"red"', '"#12345g"', '"1f77b4"'])
def test_bad_colour(colour):
    text = f"name: x\ncodes:\n  - name: A\n    definition: d\n    color: {colour}\n"
    value = colour.strip('"')
    assert one_problem(text) == f"cb.yaml:5 -> A: bad color '{value}'; use #RRGGBB, e.g. \"#1f77b4\""


def test_unquoted_colour_is_a_yaml_comment_and_the_message_says_so():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    color: #1f77b4\n"
    assert one_problem(text) == ('cb.yaml:5 -> A: empty color; in YAML a bare # starts a comment, so quote the '
                                 'colour: color: "#1f77b4"')


def test_good_colour_accepted_in_either_case():
    text = 'name: x\ncodes:\n  - name: A\n    definition: d\n    color: "#1F77b4"\n'
    assert parse_yaml_codebook(text)["A"].color == "#1F77b4"


def test_unknown_key_suggests_closest_and_lists_valid_keys():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    exmaples: [q]\n"
    assert one_problem(text) == (f"cb.yaml:5 -> A: unknown key 'exmaples'; did you mean 'examples'? Valid keys: "
                                 f"{VALID_KEYS}")


def test_unknown_key_without_close_match_lists_valid_keys():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    zzz: 1\n"
    assert one_problem(text) == f"cb.yaml:5 -> A: unknown key 'zzz' Valid keys: {VALID_KEYS}"


def test_unknown_top_level_key():
    text = "name: x\ncode:\n  - name: A\n    definition: d\n"
    assert problems(text) == [
        "cb.yaml:1 -> codebook: no 'codes' list; add `codes:` followed by a list of codes, each with a name and a "
        "definition",
        "cb.yaml:2 -> codebook: unknown key 'code'; did you mean 'codes'? Valid keys: name, version, codes",
    ]


def test_examples_as_single_string_is_wrong_type():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    examples: I read every draft.\n"
    assert one_problem(text) == ("cb.yaml:5 -> A: examples must be a list of strings; got text (write one '- ' item "
                                 "per line, or [\"...\", \"...\"])")


def test_examples_with_a_number_item():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    examples:\n      - fine\n      - 42\n"
    assert one_problem(text) == ("cb.yaml:7 -> A: examples must be a list of strings; item 2 is a number "
                                 "(put it in quotes)")


def test_keywords_with_a_mapping_item():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    keywords:\n      - a: b\n"
    assert one_problem(text) == ("cb.yaml:6 -> A: keywords must be a list of strings; item 1 is a mapping "
                                 "(key: value pairs)")


def test_definition_must_be_text():
    text = "name: x\ncodes:\n  - name: A\n    definition: [a, b]\n"
    assert one_problem(text) == "cb.yaml:4 -> A: definition must be text; got a list"


def test_missing_codes_list():
    assert one_problem("name: x\nversion: 2\n") == (
        "cb.yaml:1 -> codebook: no 'codes' list; add `codes:` followed by a list of codes, each with a name and a "
        "definition")


def test_codes_not_a_list():
    assert one_problem("name: x\ncodes:\n  A: d\n") == (
        "cb.yaml:2 -> codebook: 'codes' must be a list of codes (each item starting with '- name:'); got a mapping "
        "(key: value pairs)")


@pytest.mark.parametrize("codes", ["[]", ""])
def test_empty_codebook(codes):
    found = one_problem(f"name: x\ncodes: {codes}\n")
    if codes:
        assert found == ("cb.yaml:2 -> codebook: the codebook is empty: 'codes' has no codes; add at least one code "
                         "with a name and a definition")
    else:  # `codes:` with nothing after it is null, not a list
        assert found == ("cb.yaml:2 -> codebook: 'codes' must be a list of codes (each item starting with "
                         "'- name:'); got nothing (empty value)")


def test_code_item_not_a_mapping():
    assert one_problem("name: x\ncodes:\n  - Human oversight\n") == (
        "cb.yaml:3 -> code 1: each code must be a mapping with at least name and definition; got text")


def test_top_level_not_a_mapping():
    assert one_problem("- a\n- b\n") == (
        "cb.yaml:1 -> codebook: the file must be a mapping with keys name, version and codes; got a list")


def test_repeated_key_in_a_code():
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    definition: e\n"
    assert one_problem(text) == "cb.yaml:5 -> A: key 'definition' appears twice (first at line 4); keep one"


def test_many_problems_reported_at_once_in_file_order():
    path = DATA / "many_problems.yaml"
    with pytest.raises(CodebookError) as info:
        parse_yaml_codebook(path.read_text(encoding="utf-8"), str(path))
    p = str(path)
    assert info.value.problems == [
        f"{p}:6 -> Human oversight: unknown key 'exmaples'; did you mean 'examples'? Valid keys: {VALID_KEYS}",
        f"{p}:7 -> human oversight: duplicate code name; 'Human oversight' is already defined at line 4 "
        f"(names are compared ignoring case)",
        f"{p}:9 -> code 3: missing name; every code needs `name:`",
        f"{p}:12 -> Orphan: unknown parent 'Ethical safegaurds'; add a code named 'Ethical safegaurds' or remove "
        f"the parent",
        f"{p}:13 -> No definition: missing definition; say in a sentence or two what this code means",
        f"{p}:15 -> Empty definition: empty definition; say in a sentence or two what this code means",
        f"{p}:18 -> Bad colour: bad color '#12345'; use #RRGGBB, e.g. \"#1f77b4\"",
        f"{p}:21 -> Examples as text: examples must be a list of strings; got text (write one '- ' item per line, "
        f"or [\"...\", \"...\"])",
        f"{p}:24 -> Alpha: cyclic parents: Alpha -> Beta -> Alpha; a code cannot be its own ancestor",
    ]
    message = str(info.value)
    assert message.startswith(f"{p}: 9 problems in codebook\n  {p}:6 -> Human oversight")
    assert isinstance(info.value, QualkitError) and isinstance(info.value, ValueError)


def test_validate_codebook_dict_on_plain_data_without_lines():
    data = {"name": "x", "codes": [{"name": "A", "definition": "d", "parent": "B"}]}
    assert validate_codebook_dict(data, "mem") == [
        "mem -> A: unknown parent 'B'; add a code named 'B' or remove the parent"]
    good = {"name": "x", "codes": [{"name": " A ", "definition": " d ", "examples": [" q "]}]}
    assert validate_codebook_dict(good) == []
    cb = codebook_from_dict(good, default_name="unused")
    assert cb["A"].definition == "d" and cb["A"].examples == ("q",)


def test_validate_without_required_definition_accepts_empty():
    data = {"codes": [{"name": "A", "definition": ""}]}
    assert validate_codebook_dict(data, require_definition=False) == []
    assert validate_codebook_dict(data) == [
        "<codebook> -> A: empty definition; say in a sentence or two what this code means"]
