"""Red-team B (issues 18 and 17): hostile inputs that were not in the corpus, each through the command line in a
forked child with a timeout and an address-space limit. A refused input must give exit code 1, no traceback, one
first line `Error: <file>: <problem>` with the message below, and a store identical before and after; an odd
input that should succeed must succeed with the right result. Small inputs are tests/data/bad/rb_* (regenerate
with tests/data/bad/_generate.py); big ones are generated here in tmp_path. The table is in tests/data/bad/README.md.
"""
from __future__ import annotations

import csv
import os
import re
import zipfile

import pytest
from refusal_checks import project_dir  # noqa: F401  (the fixture)
from refusal_checks import BAD, Case, case_is_refused, refused, run_cli
from reliability_helpers import run_forked  # tests/reliability/reliability_helpers.py

from qualkit.project import Project


CASES = [
    # text decoding: never a silent guess
    Case("rb_nul_bytes.txt", "ingest", r"looks like a binary file, not a text transcript"),
    Case("rb_lone_surrogate.txt", "ingest", r"is not UTF-8 text \(byte 0xed on line 3\); re-save it as UTF-8, or "
                                            r"name its encoding with --encoding"),
    Case("rb_zero_width_only.txt", "ingest", r"is empty: there is no transcript text in it"),
    Case("rb_pdf_renamed.txt", "ingest", r"looks like a binary file \(PDF data\), not a text transcript"),
    Case("rb_docx_renamed.txt", "ingest", r"looks like a binary file \(zip/Office data\), not a text transcript"),
    Case("rb_cp1251.txt", "ingest", r"is not UTF-8 text \(byte 0xca on line 1 and 1 more line\(s\)\); re-save it as "
                                    r"UTF-8, or name its encoding with --encoding \(e\.g\. --encoding cp1252 for "
                                    r"Windows Western European text, --encoding cp1251 for Cyrillic\); qualkit does "
                                    r"not guess encodings"),
    Case("rb_mixed_cp1252.txt", "ingest", r"is not UTF-8 text \(byte 0xe9 on line 4\); the rest of the file is "
                                          r"UTF-8, so those lines were probably pasted from another program"),
    Case("rb_utf16_odd_length.txt", "ingest", r"cannot decode as utf-16-le \(byte offset 170\): the file is damaged"),
    # documents
    Case("rb_no_document_xml.docx", "ingest", r"is not a valid \.docx file: the archive has no word/document\.xml"),
    Case("rb_xxe.docx", "ingest", r"is not a valid \.docx file: word/document\.xml contains a DOCTYPE/DTD, which "
                                  r"\.docx files never need; refusing it"),
    Case("rb_xxe.odt", "ingest", r"is not a valid \.odt file: content\.xml contains a DOCTYPE/DTD, which \.odt "
                                 r"files never need; refusing it"),
    Case("rb_deep_spans.odt", "ingest", r"is not a valid \.odt file: content\.xml is not well-formed XML "
                                        r"\(Excessive depth in document: 256"),
    Case("rb_odt_space_bomb.odt", "ingest", r"is not a valid \.odt file: content\.xml asks for more than 1,000,000 "
                                            r"spaces in <text:s> runs \(one asks for 2000000000\)"),
    Case("rb_odt_space_abc.odt", "ingest", r"is not a valid \.odt file: content\.xml has <text:s text:c='abc'/>, "
                                           r"but the space count must be a whole number of at least 1"),
    Case("rb_pdf_bomb.pdf", "ingest", r"page 1 has over 8 MB of drawing instructions, far more than a page of text "
                                      r"needs; refusing it \(a damaged file or a decompression bomb\)"),
    Case("rb_pdf_operators.pdf", "ingest", r"page 1 has 300,006 drawing operators \(limit 100,000 a page\), far more "
                                           r"than text needs"),
    # tables and subtitles
    Case("rb_duplicate_header.csv", "ingest", r"the header names the column 'text' twice \(columns 2 and 3\); a "
                                              r"reader would silently keep only the last one"),
    Case("rb_duplicate_ids.csv", "ingest", r"row 2: duplicate id 'P01' \(first used in row 1\); ids must be unique"),
    Case("rb_unclosed_quote.csv", "ingest", r"is not a readable CSV file: the row starting on line 2: a quoted cell "
                                            r"opens there and is never closed"),
    Case("rb_all_answers_empty.csv", "ingest", r"is empty: the text column 'text' is empty in every row \(3 row\(s\): "
                                               r"1, 2, 3\)"),
    Case("rb_no_cues.vtt", "ingest", r"is empty: it has no subtitle cues with text"),
    # codebooks: names that look the same are the same
    Case("rb_confusable_cyrillic.yaml", "codebook",
         r"rb_confusable_cyrillic\.yaml:5 -> Оversight: the word 'Оversight' mixes Latin letters with Cyrillic ones "
         r"\('О' is U\+041E CYRILLIC CAPITAL LETTER O\); retype it\n.*rb_confusable_cyrillic\.yaml:5 -> Оversight: "
         r"duplicate code name; 'Oversight' is already defined at line 3 \(they look the same"),
    Case("rb_zero_width_name.yaml", "codebook",
         r"rb_zero_width_name\.yaml:5 -> Oversight\u200b: the name contains the invisible character U\+200B ZERO WIDTH "
         r"SPACE at position 10; delete it\n.*duplicate code name; 'Oversight' is already defined at line 3"),
    Case("rb_nfd_duplicate.yaml", "codebook", r"rb_nfd_duplicate\.yaml:5 -> Cafe\u0301 talk: duplicate code name; "
                                              "'Caf\u00e9 talk' is already defined at line 3"),
    Case("rb_bidi_name.yaml", "codebook", r"the name contains the invisible character U\+202E RIGHT-TO-LEFT OVERRIDE "
                                          r"at position 1; delete it"),
    # the published-study YAML goes through the codebook's guarded loader
    Case("rb_published_alias_bomb.yaml", "published", r"not valid YAML for a published-study file: line 2: YAML "
                                                      r"anchors and aliases \(&name, \*name\) are not allowed in a "
                                                      r"published-study file \(found 42, first at line 2\)"),
    Case("rb_published_python_tag.yaml", "published", r"line 1: YAML tag '!!python/object/apply:os\.system' is not "
                                                      r"allowed in a published-study file"),
    # imports and codings (redteam-a owns the import side; these inputs were not in the corpus)
    Case("rb_missing_source.qdpx", "import", r"project\.qde: text source 'P02 interview\.txt' refers to "
                                             r"internal://5E000000-0000-4000-8000-000000000002\.txt, but the archive "
                                             r"has no entry Sources/"),
    Case("rb_corrupt_taguette.sqlite3", "import", r"not a SQLite database \(file is not a database\); export the "
                                                  r"project from Taguette as SQLite"),
    Case("rb_codings_backwards.csv", "codings", r"1 bad row\(s\), nothing imported:\n  row 2: span 40-10 "),
]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_hostile_input_is_refused_clearly(case, project_dir):
    case_is_refused(case, project_dir)


SUCCEED = {"rb_survey_empty_row.csv", "rb_overlapping.srt", "rb_rtl_text.txt", "rb_control_chars.txt"}


def test_every_rb_file_is_a_case_and_a_readme_row():
    files = {p.name for p in BAD.glob("rb_*")}
    assert files == {c.file for c in CASES} | SUCCEED
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for name in files | {"rb_deep_chain.yaml", "rb_cycle_3000.yaml", "rb_5000_codes.yaml", "rb_100k_cues.vtt",
                         "rb_50mb_cell.csv", "rb_link_out/"}:
        assert f"`{name}`" in readme, name


def _cli(args, timeout=120):
    r = run_forked(run_cli, args, timeout=timeout)
    assert r.exitcode is not None, f"still running after {timeout} s"
    return r


# ---- odd but valid: must succeed -------------------------------------------------------------------------------

def test_survey_with_an_empty_answer_skips_it_with_one_line(project_dir):
    r = _cli(["ingest", str(BAD / "rb_survey_empty_row.csv"), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    assert f"note: {BAD / 'rb_survey_empty_row.csv'}: skipped 1 row(s) whose text column 'text' is empty: row(s) 7" \
        in r.stdout.splitlines()
    project = Project.open(project_dir)
    try:
        ids = {t.id for t in project.store.transcripts()}
        assert {f"r{n}" for n in range(1, 11) if n != 7} <= ids and "r7" not in ids
    finally:
        project.close()


def test_overlapping_subtitle_times_keep_file_order(project_dir):
    r = _cli(["ingest", str(BAD / "rb_overlapping.srt"), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        t = project.store.transcript("rb_overlapping")
        assert [(x.speaker, x.text, x.start_s) for x in t.turns] == [
            ("Interviewer", "Do you read them?", 1.0), ("P01", "Yes, every one.", 3.0),
            ("Interviewer", "All of them?", 2.0)]
    finally:
        project.close()


def test_right_to_left_text_is_kept_exactly(project_dir):
    r = _cli(["ingest", str(BAD / "rb_rtl_text.txt"), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        t = project.store.transcript("rb_rtl_text")
        assert t.text == (BAD / "rb_rtl_text.txt").read_text(encoding="utf-8")
        assert [x.speaker for x in t.turns] == ["Interviewer", "P01"]
    finally:
        project.close()


def test_an_encoding_named_by_the_researcher_is_used(tmp_path):
    from qualkit.errors import InputError, QualkitError
    from qualkit.ingest import read_file
    [t] = read_file(BAD / "rb_cp1251.txt", encoding="cp1251")
    assert t.text == "Interviewer: Как дела?\n\nP01: Привет, всё хорошо.\n"
    with pytest.raises(InputError, match=r"rb_cp1251\.txt: cannot decode as ascii: byte 0xca on line 1 is not ascii "
                                         r"text; check the --encoding you gave"):
        read_file(BAD / "rb_cp1251.txt", encoding="ascii")
    with pytest.raises(QualkitError, match=r"unknown text encoding 'klingon'; use a name such as utf-8, cp1252"):
        read_file(BAD / "rb_cp1251.txt", encoding="klingon")


def test_ingest_encoding_option(project_dir):
    r = _cli(["ingest", str(BAD / "rb_cp1251.txt"), "--encoding", "cp1251", "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        assert "Привет" in project.store.transcript("rb_cp1251").text
    finally:
        project.close()


# ---- generated big or structural inputs --------------------------------------------------------------------------

def _chain(n: int, cycle: bool) -> str:
    lines = ["name: Deep", "codes:"]
    for i in range(n):
        parent = f"C{i - 1}" if i else (f"C{n - 1}" if cycle else None)
        lines += [f"  - name: C{i}", f"    definition: level {i}"] + ([f"    parent: {parent}"] if parent else [])
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("cycle", [False, True], ids=["rb_deep_chain.yaml", "rb_cycle_3000.yaml"])
def test_a_3000_deep_parent_chain_is_checked_in_linear_time(tmp_path, project_dir, cycle):
    path = tmp_path / ("rb_cycle_3000.yaml" if cycle else "rb_deep_chain.yaml")
    path.write_text(_chain(3000, cycle), encoding="utf-8")
    message = (r"C0: cyclic parents: C0 -> C2999 -> C2998 -> C2997 -> \.\.\. \(2994 more\) -> C2 -> C1 -> C0; a code "
               r"cannot be its own ancestor" if cycle else
               r"C33: is 33 levels below its top-level code; a code hierarchy deeper than 32 levels is a mistake")
    refused(path, project_dir, ["codebook", "check", str(path)], message, timeout=60)


def test_a_codebook_of_5000_codes_loads(tmp_path):
    path = tmp_path / "rb_5000_codes.yaml"
    lines = ["name: Wide", "codes:"]
    for i in range(5000):
        lines += [f"  - name: Code {i}", f"    definition: what code {i} means", f"    examples: [a {i}, b {i}]"]
        lines += [f"    parent: Code {i % 50}"] if i >= 50 else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = _cli(["codebook", "check", str(path)], timeout=120)
    assert r.exitcode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"{path}: ok: 'Wide' v1, 5000 codes (50 with sub-codes)"


def test_a_vtt_with_100000_cues_is_read(tmp_path, project_dir):
    path = tmp_path / "rb_100k_cues.vtt"
    cues = [f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000 --> {i // 3600:02d}:{i // 60 % 60:02d}:"
            f"{i % 60:02d}.900\n<v {'Interviewer' if i % 2 else 'P01'}>word {i}\n" for i in range(100_000)]
    path.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    r = _cli(["ingest", str(path), "-p", str(project_dir)], timeout=300)
    assert r.exitcode == 0, r.stderr
    project = Project.open(project_dir)
    try:
        t = project.store.transcript("rb_100k_cues")
        assert len(t.turns) == 100_000 and t.turns[-1].text == "word 99999"
    finally:
        project.close()


@pytest.mark.slow  # writes and reads 50 MB
def test_a_50_mb_csv_cell_is_read(tmp_path):
    # The reader only: segmenting one 50 MB line trips NLTK's regex time guard in qualkit/segment (reported in
    # /work/notes/requests.md; not this test's module), so the CLI end-to-end is not asserted here.
    path = tmp_path / "rb_50mb_cell.csv"
    sentence = "I read every draft before it goes out, and then I check it again. "
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,text\nP50,\"P50: " + sentence * (50 * 1024 * 1024 // len(sentence)) + "\"\n")

    def read():
        from qualkit.ingest import read_file
        [t] = read_file(path)
        assert t.id == "P50" and len(t.text) > 50_000_000 and t.turns[0].speaker == "P50"

    r = run_forked(read, timeout=300)
    assert r.exitcode == 0, r.stderr


def test_folder_ingest_does_not_follow_links_out_of_the_folder(tmp_path, project_dir):
    folder = tmp_path / "rb_link_out"
    folder.mkdir()
    (folder / "P01b.txt").write_text("Interviewer: Hello?\n\nP01b: I read every draft.\n", encoding="utf-8")
    secret = tmp_path / "outside.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(secret, folder / "P05.txt")
    os.symlink(folder / "P01b.txt", folder / "P01c.txt")  # a link inside the folder is the same file, read once
    r = _cli(["ingest", str(folder), "-p", str(project_dir)])
    assert r.exitcode == 0, r.stderr
    assert (f"note: {folder / 'P05.txt'}: skipped: it is a link to {secret}, outside {folder}; copy the file into "
            "the folder or name it explicitly to ingest it") in r.stdout.splitlines()
    project = Project.open(project_dir)
    try:
        ids = {t.id for t in project.store.transcripts()}
        assert "P05" not in ids and "P01b" in ids
        assert not any("root:x" in t.text for t in project.store.transcripts())
    finally:
        project.close()


def test_two_ingests_at_once_both_land_whole(tmp_path, project_dir):
    import multiprocessing as mp
    files = []
    for k in range(2):
        f = tmp_path / f"batch{k}"
        f.mkdir()
        for i in range(20):
            (f / f"B{k}_{i:02d}.txt").write_text(f"Interviewer: Question {i}?\n\nB{k}_{i:02d}: " + "answer " * 200
                                                 + "\n", encoding="utf-8")
        files.append(f)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=run_cli, args=(["ingest", str(f), "-p", str(project_dir)],)) for f in files]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    project = Project.open(project_dir)
    try:
        ids = {t.id for t in project.store.transcripts()}
        assert {f"B{k}_{i:02d}" for k in range(2) for i in range(20)} <= ids
        assert project.store.integrity_check() == []
    finally:
        project.close()


# ---- hostile text reaching the exports -------------------------------------------------------------------------

BELL_CODE = "Bell\x07code"
SCRIPT_CODE = "<script>alert('code')</script>"


@pytest.fixture
def hostile_project(tmp_path):
    """A project whose transcript holds a form feed, a vertical tab, a bell and HTML, with codes named the same
    way (a codebook imported from another tool is not validated by qualkit's YAML reader)."""
    from qualkit.codebook import Code, Codebook
    from qualkit.project import import_codings, ingest
    proj = tmp_path / "proj"
    project = Project.init(proj)
    ingest(project, [BAD / "rb_control_chars.txt"])
    project.store.put_codebook(Codebook("Hostile", (Code(BELL_CODE, "rings\x0c"), Code(SCRIPT_CODE, "runs"))))
    text = project.store.transcript("rb_control_chars").text
    start = text.index("<script>")
    rows = tmp_path / "codings.csv"
    with open(rows, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["document", "start_char", "end_char", "code", "coder"])
        w.writerow(["rb_control_chars", 13, text.index("?"), BELL_CODE, "ana"])
        w.writerow(["rb_control_chars", start, start + 40, SCRIPT_CODE, "ana"])
        w.writerow(["rb_control_chars", start, start + 40, BELL_CODE, "bo"])
    import_codings(project, rows)
    project.close()
    return proj


@pytest.mark.parametrize("fmt, suffix", [("xlsx", ".xlsx"), ("docx", ".docx"), ("qdc", ".qdc"), ("qdpx", ".qdpx"),
                                         ("markdown", ".md"), ("html", ".html")])
def test_control_characters_and_html_survive_every_export(hostile_project, tmp_path, fmt, suffix):
    out = tmp_path / f"out{suffix}"
    r = _cli(["export", "--format", fmt, "--out", str(out), "-p", str(hostile_project)], timeout=180)
    assert r.exitcode == 0, r.stderr
    if fmt == "xlsx":
        import openpyxl
        cells = [c.value for ws in openpyxl.load_workbook(out) for row in ws.iter_rows() for c in row]
        assert "Bell code" in cells  # the bell became one space: same length, so quotes keep their offsets
    elif fmt == "docx":
        from docx import Document
        body = "\n".join(p.text for p in Document(str(out)).paragraphs)
        assert "Bell code" in body or any("Bell code" in c.text for t in Document(str(out)).tables
                                          for row in t.rows for c in row.cells)
    elif fmt == "qdc":
        from qualkit.interchange import import_qdc
        assert import_qdc(out).names == ["Bell code", SCRIPT_CODE]
    elif fmt == "qdpx":
        with zipfile.ZipFile(out) as z:
            qde = z.read("project.qde").decode("utf-8")
            [src] = [n for n in z.namelist() if n.startswith("Sources/")]
            source = z.read(src).decode("utf-8")
        assert 'name="Bell code"' in qde and "&lt;script&gt;" in qde
        assert source.startswith("Interviewer: Page one page two vertical bell?")  # one for one: offsets kept
    elif fmt == "markdown":
        from markdown_it import MarkdownIt
        text = out.read_text(encoding="utf-8")
        assert "<script>" not in text
        rendered = MarkdownIt("commonmark").enable("table").render(text)
        assert "<script>" not in rendered and "<b>" not in rendered and 'href="javascript' not in rendered
        assert "&lt;script&gt;alert('code')&lt;/script&gt;" in rendered
    else:  # html: plotly's own <script> tags are there; none from the transcript or the codebook
        text = out.read_text(encoding="utf-8")
        assert "<script>alert(" not in text and "<b>every</b>" not in text


def test_report_prints_no_raw_html(hostile_project):
    r = _cli(["report", "-p", str(hostile_project)], timeout=180)
    assert r.exitcode == 0, r.stderr
    assert "<script>" not in r.stdout and "\\<script\\>alert('code')\\</script\\>" in r.stdout


def test_html_report_escapes_text_and_code_names(hostile_project, tmp_path):
    out = tmp_path / "r.html"
    r = _cli(["export", "--format", "html", "--out", str(out), "-p", str(hostile_project)], timeout=180)
    assert r.exitcode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(" not in html and "&lt;script&gt;alert(&#x27;code&#x27;)&lt;/script&gt;" in html
    assert not re.search(r"<b>every</b>", html)


def test_deidentify_says_which_empty_answers_it_skipped(tmp_path):
    r = _cli(["deidentify", str(BAD / "rb_survey_empty_row.csv"), "--out", str(tmp_path / "out"), "--mapping",
              str(tmp_path / "mapping.json")])
    assert r.exitcode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == (f"note: {BAD / 'rb_survey_empty_row.csv'}: skipped 1 row(s) whose text "
                                         "column 'text' is empty: row(s) 7")
    assert "IngestNote" not in r.stderr  # a note line, not a Python warning
    assert len(list((tmp_path / "out").glob("*.txt"))) == 9
