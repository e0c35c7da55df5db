"""Taguette import: byte offsets over HTML become character offsets into Transcript.text."""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from shared_data import shared_path

from qualkit.errors import InputError
from qualkit.interchange.taguette import html_to_text, read_taguette, read_taguette_highlights


# The subset of Taguette's schema (alembic 09c662cd9483) the importer reads.
SCHEMA = """
CREATE TABLE users (login VARCHAR(30) PRIMARY KEY, created DATETIME NOT NULL);
CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL,
    description TEXT NOT NULL, created DATETIME NOT NULL);
CREATE TABLE documents (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(200) NOT NULL, description TEXT NOT NULL,
    filename VARCHAR(200) NOT NULL, created DATETIME NOT NULL, project_id INTEGER NOT NULL,
    text_direction VARCHAR(13) NOT NULL, contents TEXT NOT NULL);
CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, date DATETIME NOT NULL, user_login VARCHAR(30) NOT NULL,
    project_id INTEGER NOT NULL, document_id INTEGER, payload TEXT NOT NULL);
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL, path VARCHAR(200) NOT NULL,
    description TEXT NOT NULL);
CREATE TABLE highlights (id INTEGER PRIMARY KEY AUTOINCREMENT, document_id INTEGER NOT NULL,
    start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, snippet TEXT NOT NULL);
CREATE TABLE highlight_tags (highlight_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,
    PRIMARY KEY (highlight_id, tag_id));
"""

DOC1 = ("<p>Interviewer: Did the draft help?</p>\n"
        "<p>Participant: Yes &amp; no, the caf\u00e9 analogy \u2014 \u2018verify\u2019 first.</p>\n"
        "<p>Participant: I checked every reply \U0001F600 before sending.</p>")


def _bspan(text: str, fragment: str) -> tuple[int, int]:
    """UTF-8 byte span of `fragment` in `text`: how Taguette stores a highlight."""
    i = text.index(fragment)
    start = len(text[:i].encode("utf-8"))
    return start, start + len(fragment.encode("utf-8"))


def make_taguette(path: Path, *, extra_project=False, highlights=None) -> Path:
    """A small Taguette export: two documents (one named like the other), accents, entities, an emoji,
    a merged tag, an untagged highlight and a command log."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO users VALUES ('ana', '2024-01-01 09:00:00')")
    conn.execute("INSERT INTO projects VALUES (1, 'Drafts pilot', '', '2024-01-01 09:00:00')")
    if extra_project:
        conn.execute("INSERT INTO projects VALUES (2, 'Other', '', '2024-01-01 09:00:00')")
    doc2 = "<h2>Notes</h2>\n<p>Second file, same name.</p>"
    for i, (name, html) in enumerate([("P1.docx", DOC1), ("P1.txt", doc2)], start=1):
        conn.execute("INSERT INTO documents VALUES (?, ?, '', ?, '2024-01-01 09:00:00', 1, 'LEFT_TO_RIGHT', ?)",
                     (i, name, name, html))
    conn.executemany("INSERT INTO tags VALUES (?, 1, ?, ?)", [
        (1, "Verification", "Checking AI output before use."),
        (3, "Ambivalence", "Mixed feelings about the tool."),
    ])
    text1 = html_to_text(DOC1)
    rows = highlights or [
        (1, 1, *_bspan(text1, "Yes & no, the caf\u00e9 analogy \u2014 \u2018verify\u2019 first."), [3]),
        (2, 1, *_bspan(text1, "I checked every reply \U0001F600 before sending."), [1, 3]),
        (3, 2, *_bspan(html_to_text(doc2), "Second file"), []),
    ]
    for hid, did, s, e, tags in rows:
        conn.execute("INSERT INTO highlights VALUES (?, ?, ?, ?, ?)", (hid, did, s, e, "<p>snippet</p>"))
        conn.executemany("INSERT INTO highlight_tags VALUES (?, ?)", [(hid, t) for t in tags])
    log = [
        ("2024-01-02 10:00:00.5", "ana", {"type": "tag_add", "tag_id": 2, "tag_path": "Checking"}),
        ("2024-01-02 10:01:00", "ana", {"type": "highlight_add", "highlight_id": 1, "start_offset": 0,
                                        "end_offset": 1, "tags": [3]}),
        # highlight 2 first got tag 2, later merged into tag 1 (Verification); tag 3 came with a later edit
        ("2024-01-02 10:02:00", "ben", {"type": "highlight_add", "highlight_id": 2, "start_offset": 0,
                                        "end_offset": 1, "tags": [2]}),
        ("2024-01-03 11:00:00", "ana", {"type": "tag_merge", "src_tag_id": 2, "dest_tag_id": 1}),
        ("2024-01-04 12:00:00", "ana", {"type": "highlight_add", "highlight_id": 2, "start_offset": 0,
                                        "end_offset": 1, "tags": [1, 3]}),
    ]
    conn.executemany("INSERT INTO commands (date, user_login, project_id, document_id, payload) "
                     "VALUES (?, ?, 1, 1, ?)", [(d, u, json.dumps(p)) for d, u, p in log])
    conn.commit()
    conn.close()
    return path


def test_html_to_text_keeps_text_nodes_and_unescapes():
    assert html_to_text("<p>a &lt;10um &amp; b</p>\n<h3>c</h3>") == "a <10um & b\nc"


def test_small_project_offsets_are_characters(tmp_path):
    snap = read_taguette(make_taguette(tmp_path / "p.sqlite3"))
    assert [t.id for t in snap.transcripts] == ["P1", "P1-2"]
    t = snap.transcript("P1")
    assert t.text == html_to_text(DOC1) and t.format == "taguette"
    assert snap.codebook.names == ["Verification", "Ambivalence"]
    assert snap.codebook["Verification"].definition == "Checking AI output before use."
    got = sorted((c.transcript_id, t.text[c.char_start:c.char_end], c.code) for c in snap.codings)
    assert got == [
        ("P1", "I checked every reply \U0001F600 before sending.", "Ambivalence"),
        ("P1", "I checked every reply \U0001F600 before sending.", "Verification"),
        ("P1", "Yes & no, the caf\u00e9 analogy \u2014 \u2018verify\u2019 first.", "Ambivalence"),
    ]
    assert all(c.origin == "import" for c in snap.codings)
    assert len(snap.decisions) == 3 and all(d.source == "import:p.sqlite3" for d in snap.decisions)


def test_coder_and_time_come_from_the_command_log(tmp_path):
    snap = read_taguette(make_taguette(tmp_path / "p.sqlite3"))
    by = {(c.char_start, c.code): (c.coder, c.at) for c in snap.codings}
    start2 = snap.transcript("P1").text.index("I checked")
    # Verification reached highlight 2 through the merged tag 2, applied by ben
    assert by[(start2, "Verification")] == ("ben", "2024-01-02T10:02:00+00:00")
    assert by[(start2, "Ambivalence")] == ("ana", "2024-01-04T12:00:00+00:00")
    start1 = snap.transcript("P1").text.index("Yes &")
    assert by[(start1, "Ambivalence")] == ("ana", "2024-01-02T10:01:00+00:00")


def test_untagged_highlight_is_read_but_not_coded(tmp_path):
    path = make_taguette(tmp_path / "p.sqlite3")
    hs = read_taguette_highlights(path)
    assert [(h.id, h.transcript_id, h.text, h.tags) for h in hs][2] == (3, "P1-2", "Second file", ())
    assert all(c.transcript_id != "P1-2" for c in read_taguette(path).codings)


def test_no_command_log_falls_back_to_taguette_coder(tmp_path):
    path = make_taguette(tmp_path / "p.sqlite3")
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE commands")
    conn.commit()
    conn.close()
    assert {(c.coder, c.at) for c in read_taguette(path).codings} == {("taguette", "")}


def test_offset_inside_a_multibyte_character_is_refused(tmp_path):
    s, _ = _bspan(html_to_text(DOC1), "\u00e9")
    path = make_taguette(tmp_path / "p.sqlite3", highlights=[(7, 1, s + 1, s + 5, [1])])
    with pytest.raises(InputError, match=r"p\.sqlite3: highlight 7 in document 'P1.docx': offset \d+ falls "
                                         r"inside a multi-byte character"):
        read_taguette(path)


def test_offset_past_the_end_is_refused(tmp_path):
    path = make_taguette(tmp_path / "p.sqlite3", highlights=[(9, 1, 0, 10_000, [1])])
    with pytest.raises(InputError, match=r"highlight 9 in document 'P1.docx': offset 10000 is outside the "
                                         r"document \(\d+ bytes\)"):
        read_taguette(path)


def test_several_projects_need_a_project_id(tmp_path):
    path = make_taguette(tmp_path / "p.sqlite3", extra_project=True)
    with pytest.raises(InputError, match=r"expected exactly one project, found 2: 1 \(Drafts pilot\), "
                                         r"2 \(Other\); pass project_id"):
        read_taguette(path)
    assert len(read_taguette(path, project_id=1).transcripts) == 2


def test_not_a_taguette_file(tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("just some text, not a database " * 10)
    with pytest.raises(InputError, match=r"notes\.sqlite3: not a SQLite database"):
        read_taguette(junk)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(InputError, match=r"not a Taguette project: missing table\(s\) projects, documents, tags, "
                                         r"highlights, highlight_tags"):
        read_taguette(other)
    with pytest.raises(InputError, match=r"missing\.sqlite3: file not found"):
        read_taguette(tmp_path / "missing.sqlite3")


def test_import_does_not_modify_the_file(tmp_path):
    path = make_taguette(tmp_path / "p.sqlite3")
    before = path.read_bytes()
    read_taguette(path)
    assert path.read_bytes() == before


@pytest.fixture
def serdif() -> Path:
    """The SERDIF study's Taguette database (shared data); missing fails the test naming ../shared."""
    return shared_path("benchmarks/serdif-usability/SERDIF_P2_ThematicAnalysis.sqlite3")


@pytest.mark.slow
def test_serdif_project_counts(serdif):
    snap = read_taguette(serdif)
    assert len(snap.transcripts) == 17
    assert len({t.id for t in snap.transcripts}) == 17 and "P1_GMT20211118" in {t.id for t in snap.transcripts}
    assert len(snap.codebook.codes) == 22
    assert all(c.definition for c in snap.codebook.codes)
    assert snap.codebook["Query process clear"].definition == "The query process and execution is clear."
    highlights = read_taguette_highlights(serdif)
    assert len(highlights) == 1794
    # 1,793 highlights carry at least one of the 22 tags (one is untagged); 1,930 (highlight, tag) pairs
    assert sum(1 for h in highlights if h.tags) == 1793
    assert len(snap.codings) == 1930
    assert {c.coder for c in snap.codings} == {"admin"}
    assert all(c.at.startswith("2022-") for c in snap.codings)


@pytest.mark.slow
def test_serdif_sample_spans_match_taguette_snippets(serdif):
    snap = read_taguette(serdif)
    highlights = read_taguette_highlights(serdif)
    sample = random.Random(20240601).sample(highlights, 30)
    for h in sample:
        t = snap.transcript(h.transcript_id)
        assert t.text[h.char_start:h.char_end] == html_to_text(h.snippet_html), h.id
    # the sample must exercise the byte/char difference: this file has curly quotes before most highlights
    assert any(len(t.text[:h.char_start].encode()) != h.char_start
               for h in sample for t in [snap.transcript(h.transcript_id)])
    spans = {(c.transcript_id, c.char_start, c.char_end) for c in snap.codings}
    assert all((h.transcript_id, h.char_start, h.char_end) in spans for h in sample if h.tags)


@pytest.mark.slow
def test_serdif_every_highlight_matches_its_snippet(serdif):
    snap = read_taguette(serdif)
    texts = {t.id: t.text for t in snap.transcripts}
    bad = [h.id for h in read_taguette_highlights(serdif)
           if texts[h.transcript_id][h.char_start:h.char_end] != html_to_text(h.snippet_html)]
    assert bad == []
