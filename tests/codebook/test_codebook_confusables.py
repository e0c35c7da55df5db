"""Code names that look the same to a reader are the same name (issue 18 item 21): validation compares them by
`name_key` and flags names that would fool a reader; genuine names in any one script pass."""
import pytest

from qualkit.codebook import parse_yaml_codebook
from qualkit.codebook.validate import name_key, name_problem
from qualkit.errors import CodebookError


@pytest.mark.parametrize("a, b", [("Oversight", "\u041eversight"),  # Cyrillic capital O
                                  ("Oversight", "Oversight\u200b"),  # trailing zero-width space
                                  ("Caf\u00e9", "Cafe\u0301"),  # NFC and NFD
                                  ("Trust", "TRUST"), ("ﬁnance", "finance")])  # case; the fi ligature (NFKC)
def test_names_a_reader_cannot_tell_apart_have_one_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("name", ["Доверие", "信任", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian ZWNJ
                                  "Αλήθεια", "Human oversight", "\u05d0\u05de\u05d5\u05df", "AI \u200f\u05d0\u05de\u05d5\u05df",
                                  "β-blockers",
                                  "👩\u200d⚕️ clinicians"])
def test_genuine_names_in_one_script_pass(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name, message", [
    ("\u041eversight", "the word 'Оversight' mixes Latin letters with Cyrillic ones ('О' is U+041E CYRILLIC CAPITAL "
                       "LETTER O); retype it"),
    ("Trust\u200b", "the name contains the invisible character U+200B ZERO WIDTH SPACE at position 6; delete it"),
    ("\u202eTsurt", "the name contains the invisible character U+202E RIGHT-TO-LEFT OVERRIDE at position 1"),
    ("\u05d0\u05de\u05d5\u05df\u200f", "U+200F RIGHT-TO-LEFT MARK at position 5; delete it"),
    ("Bell\x07", "the name contains the invisible character U+0007 control character at position 5"),
    ("p\u03b1tient", "the word 'pαtient' mixes Latin letters with Greek ones"),
])
def test_names_that_would_fool_a_reader_are_flagged(name, message):
    assert message in name_problem(name)


def test_nfd_names_are_stored_nfc_so_codings_match():
    cb = parse_yaml_codebook('name: X\ncodes:\n  - name: "Cafe\u0301 talk"\n    definition: d\n'
                             '  - name: Sub\n    definition: d\n    parent: "Cafe\u0301 talk"\n', "c.yaml")
    assert cb.names == ["Caf\u00e9 talk", "Sub"] and cb["Sub"].parent == "Caf\u00e9 talk"


def test_a_case_duplicate_keeps_its_old_message():
    with pytest.raises(CodebookError, match=r"'Trust' is already defined at line 3 \(names are compared ignoring "
                                            r"case\)"):
        parse_yaml_codebook("name: X\ncodes:\n  - name: Trust\n    definition: a\n  - name: trust\n"
                            "    definition: b\n", "c.yaml")
