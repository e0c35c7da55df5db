"""Hostile and broken inputs through the command line: one clear error naming the file and the problem, a
non-zero exit, no traceback, bounded time (a timeout) and memory (2 GB more address space than the test process),
and the project's store exactly as it was. Some odd-but-valid inputs must succeed, with bounded segments.

The table of cases is also in tests/data/bad/README.md; keep the two in step.
"""
from __future__ import annotations

import csv

import pytest
from refusal_checks import project_dir  # noqa: F401  (the fixture)
from refusal_checks import BAD, P01, Case, case_is_refused, refused, run_cli
from reliability_helpers import run_forked  # tests/reliability/reliability_helpers.py

from qualkit.project import Project

CASES = [
    Case("empty.txt", "ingest", r"is empty: there is no transcript text in it"),
    Case("whitespace_only.txt", "ingest", r"is empty: there is no transcript text in it"),
    Case("png_renamed.txt", "ingest", r"looks like a binary file \(PNG data\), not a text transcript; save it as "
                                      r"\.txt \(UTF-8\)"),
    Case("random_binary.txt", "ingest", r"looks like a binary file, not a text transcript"),
    Case("undecodable.txt", "ingest", r"is not UTF-8 text \(byte 0x81 on line 3\); re-save it as UTF-8, or name its "
                                      r"encoding with --encoding \(e\.g\. --encoding cp1252"),
    Case("truncated.docx", "ingest", r"is not a valid \.docx file: it is not a zip archive or it is truncated"),
    Case("text_renamed.docx", "ingest", r"is not a valid \.docx file: it is not a zip archive"),
    Case("truncated.odt", "ingest", r"is not a valid \.odt file: it is not a zip archive or it is truncated"),
    Case("truncated.pdf", "ingest", r"cannot be read as a PDF \(.*\); it may be truncated, encrypted or not a PDF"),
    Case("no_text_layer.pdf", "ingest", r"is empty: the PDF has no extractable text \(a scanned image\?\); run OCR"),
    Case("zip_bomb.docx", "ingest", r"member word/document\.xml inflates \d+x to 30 MB; refusing to unpack it "
                                    r"\(possible zip bomb\)"),
    Case("broken_timestamps.vtt", "ingest", r"line 6: cannot read the cue timing '00:00:05,000 --> 00:0X:07\.000'; "
                                            r"expected e\.g\. '00:01:02\.500 --> 00:01:05\.000'"),
    Case("backwards_cue.vtt", "ingest", r"line 3: cannot read the cue timing .*\(the cue ends before it starts\)"),
    Case("minutes_over_60.srt", "ingest", r"line 2: cannot read the cue timing .*\(minutes and seconds must be "
                                          r"below 60\)"),
    Case("unsupported.rtf", "ingest", r"unsupported file type '\.rtf'; supported: \.txt, \.md, \.docx"),
    Case("no_text_column.csv", "ingest", r"has no text column \(looked for 'text'\); the columns are: 'id', 'body'"),
    Case("participants_duplicate.csv", "participants", r"row 2: duplicate id 'P01' \(first in row 1\)"),
    Case("tabs.yaml", "codebook", r"tabs\.yaml:3 -> codebook: tab character in the indentation; YAML indentation "
                                  r"must use spaces"),
    Case("alias_bomb.yaml", "codebook", r"YAML anchors and aliases \(&name, \*name\) are not allowed in a codebook"),
    Case("python_tag.yaml", "codebook", r"YAML tag '!!python/object/apply:os\.system' is not allowed in a codebook"),
    Case("cycle.yaml", "codebook", r"cycle\.yaml:4 -> A: cyclic parents: A -> B -> A; a code cannot be its own "
                                   r"ancestor"),
    Case("duplicates.yaml", "codebook", r"duplicates\.yaml:5 -> oversight: duplicate code name; 'Oversight' is "
                                        r"already defined at line 3"),
    Case("duplicates.csv", "codebook", r"duplicates\.csv:row 3 -> Oversight: duplicate code name"),
    Case("empty.yaml", "codebook", r"the file is empty; a codebook needs `name:` and a `codes:` list"),
    Case("brackets.yaml", "codebook", r"more than 200 unclosed \[ or \{ brackets"),
    Case("codings_past_end.csv", "codings", r"1 bad row\(s\), nothing imported:\n  row 2: span 10-99999 is outside "
                                            r"document 'P01' \(85 characters\)"),
    Case("codings_missing_columns.csv", "codings", r"missing column\(s\) start_char, end_char, code; a codings CSV "
                                                   r"needs document, start_char, end_char, code"),
    Case("dotdot.qdpx", "import", r"unsafe entry name '\.\./\.\./etc/evil\.txt' \(absolute path or '\.\.'\); "
                                r"refusing to read this archive"),
    Case("xxe.qdpx", "import", r"project\.qde: contains a DOCTYPE/DTD, which REFI-QDA files never need; refusing it"),
    Case("xxe.qdc", "import", r"contains a DOCTYPE/DTD, which REFI-QDA files never need; refusing it"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_bad_input_is_refused_clearly(case, project_dir):
    case_is_refused(case, project_dir)


def test_the_table_covers_every_file_and_the_readme():
    # ra_* and rb_* belong to tests/reliability/test_redteam_a.py and test_redteam_b.py, which check their own
    files = {p.name for p in BAD.iterdir() if not p.name.startswith(("_", "ra_", "rb_")) and p.name != "README.md"}
    succeed = {"utf16_no_bom.txt", "codings_formula.csv"}
    assert files == {c.file for c in CASES} | succeed
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for name in files | {"huge_200mb.txt (generated)", "long_turn.txt (generated)"}:
        assert f"`{name.split(' ')[0]}`" in readme, name


@pytest.mark.slow  # writes 200 MB
def test_huge_text_file_is_refused_before_reading(tmp_path, project_dir):
    huge = tmp_path / "huge_200mb.txt"
    line = ("P01: " + "so I read every draft before it goes out " * 20 + "\n").encode()
    with open(huge, "wb") as f:
        f.writelines(line for _ in range(200 * 1024 * 1024 // len(line) + 1))
    assert huge.stat().st_size > 200 * 1024 * 1024
    refused(huge, project_dir, ["ingest", str(huge), "-p", str(project_dir)],
            r"is 200\.\d MB, over the 100 MB limit for one transcript; split it or check that it is the right file")


def test_utf16_without_bom_succeeds(project_dir):
    r = run_forked(run_cli, ["ingest", str(BAD / "utf16_no_bom.txt"), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        t = project.store.transcript("utf16_no_bom")
        assert t.text == P01.replace("P01:", "P01:")  # decoded exactly
        assert [x.speaker for x in t.turns] == ["Interviewer", "P01"]
    finally:
        project.close()


@pytest.mark.parametrize("punctuated", [True, False], ids=["sentences", "no-punctuation"])
def test_one_100000_word_turn_succeeds_with_bounded_segments(tmp_path, project_dir, punctuated):
    words = [("draft", "patients", "inbox", "review", "time", "trust")[i % 6] for i in range(100_000)]
    if punctuated:
        words = [w + ("." if i % 17 == 16 else "") for i, w in enumerate(words)]
    f = tmp_path / "long_turn.txt"
    f.write_text("Interviewer: Tell me everything?\n\nP01: " + " ".join(words) + "\n", encoding="utf-8")
    r = run_forked(run_cli, ["ingest", str(f), "-p", str(project_dir), "--max-chars", "1200"], timeout=120)
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        segs = project.store.segments(transcript_id="long_turn")
        text = project.store.transcript("long_turn").text
        assert max(len(s.text) for s in segs) <= 1200
        assert sum(len(s.text.split()) for s in segs) == 100_000  # every word is in exactly one segment
        assert all(text[s.char_start:s.char_end] == s.text for s in segs)
    finally:
        project.close()


def test_formula_cells_are_imported_as_text_and_neutralised_on_export(tmp_path, project_dir):
    r = run_forked(run_cli, ["import-codings", str(BAD / "codings_formula.csv"), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    from qualkit import export
    project = Project.open(project_dir)
    try:
        out = export.write_report(project.store.snapshot(), tmp_path / "codings.csv")
    finally:
        project.close()
    with open(out, encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
