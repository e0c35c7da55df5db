"""Hostile or broken YAML files: each gives one clear CodebookError naming file and line, never a crash."""
import pytest

from qualkit.codebook import load_codebook, load_yaml_codebook
from qualkit.errors import CodebookError, InputError

BILLION_LAUGHS = (
    'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"l{i}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
              for i, (a, b) in enumerate(zip("abcdefgh", "bcdefghi")))
    + "codes: *i\n"
)


def load_problems(tmp_path, content, name="cb.yaml") -> tuple[str, list[str]]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_yaml_codebook(path)
    assert info.value.path == str(path)
    return str(path), info.value.problems


def test_billion_laughs_alias_bomb_is_refused_without_expanding(tmp_path):
    p, problems = load_problems(tmp_path, BILLION_LAUGHS)
    # 9 ** 9 strings if expanded; refused from the event stream instead (no timing assertion: if it were
    # expanded, this test would exhaust memory rather than pass).
    assert problems == [f"{p}:1 -> codebook: YAML anchors and aliases (&name, *name) are not allowed in a codebook "
                        f"(found 82, first at line 1); write each value out in full"]


def test_single_harmless_anchor_is_refused_too(tmp_path):
    text = "name: x\ncodes:\n  - name: A\n    definition: &d shared\n  - name: B\n    definition: *d\n"
    p, problems = load_problems(tmp_path, text)
    assert problems == [f"{p}:4 -> codebook: YAML anchors and aliases (&name, *name) are not allowed in a codebook "
                        f"(found 2, first at line 4); write each value out in full"]


def test_tab_indentation_names_every_tab_line(tmp_path):
    text = "name: x\ncodes:\n\t- name: A\n\t  definition: d\n"
    p, problems = load_problems(tmp_path, text)
    assert problems == [
        f"{p}:3 -> codebook: tab character in the indentation; YAML indentation must use spaces",
        f"{p}:4 -> codebook: tab character in the indentation; YAML indentation must use spaces",
    ]


def test_tab_inside_quoted_text_is_fine(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text('name: x\ncodes:\n  - name: A\n    definition: "a\tb"\n', encoding="utf-8")
    assert load_yaml_codebook(path)["A"].definition == "a\tb"


def test_non_utf8_bytes_name_the_line(tmp_path):
    raw = "name: x\ncodes:\n  - name: Caf\u00e9\n    definition: d\n".encode("latin-1")
    p, problems = load_problems(tmp_path, raw)
    assert problems == [f"{p}:3 -> codebook: not UTF-8 text (byte 0xe9 at line 3); save the file as UTF-8 (in "
                        f"Excel: 'CSV UTF-8'; in most editors: Save with encoding UTF-8)"]


def test_utf16_file_is_named_as_such(tmp_path):
    p, problems = load_problems(tmp_path, "name: x\n".encode("utf-16"))
    assert problems == [f"{p}:1 -> codebook: the file is UTF-16 text; save it as UTF-8"]


def test_utf8_with_bom_is_accepted(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_bytes("\ufeffname: x\ncodes:\n  - name: Caf\u00e9\n    definition: d\n".encode("utf-8"))
    assert load_yaml_codebook(path).names == ["Caf\u00e9"]


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_empty_file(tmp_path, content):
    p, problems = load_problems(tmp_path, content)
    assert problems == [f"{p}:1 -> codebook: the file is empty; a codebook needs `name:` and a `codes:` list of "
                        f"codes, each with a name and a definition"]


def test_only_comments(tmp_path):
    p, problems = load_problems(tmp_path, "# nothing here yet\n")
    assert problems == [f"{p}:1 -> codebook: the file has only comments; a codebook needs `name:` and a `codes:` "
                        f"list"]


def test_malformed_yaml_names_line_and_parser_problem(tmp_path):
    text = "name: x\ncodes:\n  - name: A\n   definition: d\n"
    p, problems = load_problems(tmp_path, text)
    assert problems == [f"{p}:4 -> codebook: YAML syntax error: expected <block end>, but found '<block mapping "
                        f"start>' (while parsing a block collection), column 4"]


def test_unclosed_flow_list(tmp_path):
    text = "name: x\ncodes:\n  - name: A\n    definition: d\n    examples: [one, two\n"
    p, problems = load_problems(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith(f"{p}:6 -> codebook: YAML syntax error: expected ',' or ']'")


def test_two_documents_in_one_file(tmp_path):
    p, problems = load_problems(tmp_path, "name: a\n---\nname: b\n")
    assert problems == [f"{p}:2 -> codebook: YAML syntax error: but found another document (expected a single "
                        f"document in the stream), column 1"]


def test_python_object_tag_is_refused_not_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = (f"name: x\ncodes:\n  - name: !!python/object/apply:os.system ['touch {marker}']\n"
            f"    definition: d\n")
    p, problems = load_problems(tmp_path, text)
    assert problems[0] == (f"{p}:3 -> code 1: YAML tag '!!python/object/apply:os.system' is not allowed in a "
                           f"codebook; remove it (only plain text, numbers, lists and mappings)")
    assert not marker.exists()


def test_custom_tag_is_refused(tmp_path):
    p, problems = load_problems(tmp_path, "name: !secret x\ncodes:\n  - name: A\n    definition: d\n")
    assert problems == [f"{p}:1 -> codebook: YAML tag '!secret' is not allowed in a codebook; remove it (only plain "
                        f"text, numbers, lists and mappings)"]


def test_deep_flow_nesting_is_refused_before_parsing(tmp_path):
    p, problems = load_problems(tmp_path, "codes: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert problems == [f"{p}:1 -> codebook: more than 200 unclosed [ or {{ brackets: YAML nested far too deeply "
                        f"for a codebook"]


def test_deep_block_nesting_is_refused(tmp_path):
    text = "".join("  " * i + "a:\n" for i in range(60))
    p, problems = load_problems(tmp_path, text)
    assert problems == [f"{p}:33 -> codebook: YAML nested more than 32 levels deep; a codebook needs 4"]


def test_control_character(tmp_path):
    p, problems = load_problems(tmp_path, "name: x\ncodes:\n  - name: A\x01\n    definition: d\n")
    assert problems == [f"{p}:3 -> codebook: YAML syntax error: special characters are not allowed"]


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match=r"nope\.yaml: no such file$"):
        load_codebook(tmp_path / "nope.yaml")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(InputError, match=r"dir\.yaml: not a file; give the path of a codebook file$"):
        load_codebook(folder)


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 5_000_000 + b"\n")
    with pytest.raises(InputError, match=r"big\.yaml: 5,000,003 bytes is too large for a codebook \(limit "
                                         r"5,000,000\); is this the right file\?$"):
        load_codebook(path)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "codes.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"codes\.txt: unsupported codebook format '\.txt'; use one of \.csv, "
                                         r"\.yaml, \.yml$"):
        load_codebook(path)
