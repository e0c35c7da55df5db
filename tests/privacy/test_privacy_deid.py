import json
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualkit.coding import Decision
from qualkit.errors import QualkitError
from qualkit.ingest import parse_speaker_turns, read_file
from qualkit.privacy import OffsetMap, candidate_names, deidentify
from qualkit.privacy.offsets import Edit
from qualkit.privacy.workflow import REPORT_NAME, deidentify_files
from qualkit.transcript import Transcript


def tr(tid, text):
    turns, labelled = parse_speaker_turns(text)
    return Transcript(tid, f"{tid}.txt", "txt", text, tuple(turns), participant_id=tid, labelled=labelled)


def only(text, **kw):
    r = deidentify([tr("T", text)], **kw)
    return r, r.transcripts[0].text


@pytest.mark.parametrize("original, kind", [
    ("jane.doe@example.org", "EMAIL"),
    ("j_o+qual@mail.nhs.uk", "EMAIL"),
    ("https://clinic.example.com/staff?id=4", "URL"),
    ("www.maplehollow.org", "URL"),
    ("020 7946 0958", "PHONE"),
    ("+44 7700 900123", "PHONE"),
    ("(212) 555-0147", "PHONE"),
    ("555-0147", "PHONE"),
    ("12/03/2024", "DATE"),
    ("2024-03-12", "DATE"),
    ("March 5th, 2023", "DATE"),
    ("5 March 2023", "DATE"),
    ("3rd of June", "DATE"),
    ("SW1A 1AA", "POSTCODE"),
    ("M1 1AE", "POSTCODE"),
])
def test_each_kind_is_replaced(original, kind):
    r, text = only(f"P01: You can reach me, it's {original} if you need it.\n")
    assert original not in text
    assert f"[{kind}_1]" in text
    assert r.mapping[f"[{kind}_1]"] == original


@pytest.mark.parametrize("sentence, original, kind", [
    ("I lived in Boston, MA 02115 back then.", "02115", "POSTCODE"),
    ("The zip code 90210-1234 was on it.", "90210-1234", "POSTCODE"),
    ("Our office moved to 10115 Berlin last year.", "10115", "POSTCODE"),
    ("It was at 1012 AB Amsterdam, near the station.", "1012 AB", "POSTCODE"),
    ("Her MRN: 12345678 was on the draft.", "12345678", "RECORD"),
    ("The NHS number 943 476 5919 was in the message.", "943 476 5919", "RECORD"),
    ("His patient ID is AB-123456 as I recall.", "AB-123456", "RECORD"),
    ("The SSN 078-05-1120 showed up in the reply.", "078-05-1120", "RECORD"),
])
def test_postcodes_and_record_numbers_in_context(sentence, original, kind):
    r, text = only(f"P01: {sentence}\n")
    assert original not in text, text
    assert r.mapping[f"[{kind}_1]"] == original
    if kind == "RECORD":
        assert any(w in text for w in ("MRN", "NHS number", "patient ID", "SSN"))  # the label stays readable


@pytest.mark.parametrize("safe", [
    "In 2019 we started, and by 2021 it was everywhere.",
    "We had 2019-2020 as the pilot years.",
    "The clinic opens at 10:30 and I see 25 patients.",
    "About 1,200 messages a month, 40 percent of them refills.",
    "I may say yes, and March on.",
    "Articles are typically between 500-2000 words, depending.",  # found in a real corpus
    "It's maybe a 60-30-10 split between the three.",
    "The reaction to the 2025 Snow White film surprised me.",
    "Rates were 7.250% with a 9953-2-1 buydown.",
])
def test_ordinary_numbers_and_words_are_left_alone(safe):
    r, text = only(f"P01: {safe}\n")
    assert text == f"P01: {safe}\n"
    assert r.replacements == ()


def test_same_original_same_placeholder_across_the_corpus():
    a = tr("A", "P01: Mail me at ana@example.org or call 020 7946 0958.\n")
    b = tr("B", "P02: I wrote to ANA@example.org, and bob@example.org, and rang 020-7946-0958.\n")
    r = deidentify([a, b])
    ta, tb = (t.text for t in r.transcripts)
    assert "[EMAIL_1]" in ta and "[PHONE_1]" in ta
    assert tb == "P02: I wrote to [EMAIL_1], and [EMAIL_2], and rang [PHONE_1].\n"
    assert r.mapping["[EMAIL_2]"] == "bob@example.org"
    # re-running gives the same result: placeholders are numbered by first appearance
    assert deidentify([a, b]).transcripts == r.transcripts


def test_speaker_names_replaced_in_labels_text_and_turns_but_roles_and_ids_kept():
    text = ("Interviewer: Thanks for coming, Sarah.\n\nSarah Jones: Happy to. Call me Sarah.\n\n"
            "Interviewer: And Mr. Jones?\n\nSarah Jones: He is my husband. SARAH JONES, signing off.\n\n"
            "P02: I am someone else.\n")
    r = deidentify([tr("T", text)])
    t = r.transcripts[0]
    assert "Sarah" not in t.text and "Jones" not in t.text and "SARAH" not in t.text
    assert t.text.startswith("Interviewer: Thanks for coming, [PERSON_1].")
    assert "Mr. [PERSON_1]?" in t.text  # the title stays, the name goes
    assert [x.speaker for x in t.turns] == ["Interviewer", "[PERSON_1]", "Interviewer", "[PERSON_1]", "P02"]
    assert r.mapping == {"[PERSON_1]": "Sarah Jones"}
    t.check_spans()


def test_names_from_participants_and_confirmed_names(tmp_path):
    csv = tmp_path / "participants.csv"
    csv.write_text("id,name,group\nP01,Amara Okafor,clinician\n", encoding="utf-8")
    text = ("Interviewer: Amara, what about Dr. Lindqvist at Maple Hollow?\n\n"
            "P01: Okafor is my name, and Lindqvist was great; Maple Hollow is small. I will trust it.\n")
    r = deidentify([tr("P01", text)], participants=str(csv), confirmed_names=["Lindqvist", "Maple Hollow", "Will"])
    out = r.transcripts[0].text
    for gone in ("Amara", "Okafor", "Lindqvist", "Maple Hollow"):
        assert gone not in out
    assert "I will trust it" in out  # confirmed names match whole words in their own case, not "will"
    assert r.mapping["[PERSON_1]"] == "Amara Okafor"
    assert {r.mapping[p] for p in ("[PERSON_2]", "[PERSON_3]")} == {"Lindqvist", "Maple Hollow"}


def test_candidate_names_proposes_names_and_skips_common_words():
    a = tr("A", "Interviewer: Tell me about the trust.\n\nP01: The Trust board, yes. I spoke with Dr. Patel and "
                "then Rosalind about it. So Rosalind said the NHS would pay.\n")
    b = tr("B", "Priya: I work with Rosalind.\n\nInterviewer: OK.\n\nPriya: Yes.\n")
    found = {c.name: c for c in candidate_names([a, b])}
    assert found["Rosalind"].count == 3 and found["Rosalind"].transcripts == ("A", "B")
    assert found["Patel"].reason == "after a title"
    assert found["Priya"].reason == "speaker label"
    assert "Trust" not in found  # "trust" appears in lower case: a word, not a name
    assert "NHS" not in found and "So" not in found and "The" not in found and "Interviewer" not in found
    assert "Dr. Patel" in found["Patel"].example


def test_candidate_names_trims_phrases_and_skips_acronyms_and_jargon():
    t = tr("A", "P01: Hi Maria. I work at a community clinic, Maple Hollow Family Practice, with a PhD, checking "
                "A1c and CTs on AI-drafted notes. Our family practice is small. I told Tomasz about the NHS.\n")
    found = {c.name for c in candidate_names([t])}
    assert {"Maple Hollow", "Maria", "Tomasz"} <= found
    assert not found & {"Maple Hollow Family Practice", "Hi Maria", "PhD", "A1c", "CTs", "AI-drafted", "NHS", "Hi"}


def test_offsets_of_overlapping_and_surrounding_spans():
    text = "P01: I met Jane Doe yesterday and Jane again.\n"
    r = deidentify([tr("T", text)], confirmed_names=["Jane Doe"])
    new = r.transcripts[0].text
    assert new == "P01: I met [PERSON_1] yesterday and [PERSON_1] again.\n"
    m = r.offset_maps["T"]
    s = text.index("yesterday")
    assert new[slice(*m.map(s, s + 9))] == "yesterday"
    # a span that cuts into a name is widened to the whole placeholder
    ns, ne = m.map(text.index("Doe"), text.index("yesterday") + 9)
    assert new[ns:ne] == "[PERSON_1] yesterday"
    assert m.overlaps(text.index("Doe"), text.index("Doe") + 1)
    assert not m.overlaps(s, s + 9)
    with pytest.raises(ValueError, match="outside the original text"):
        m.map(0, len(text) + 1)


def test_remap_decisions_keeps_the_coded_text():
    text = "Interviewer: And then?\n\nP01: Call 020 7946 0958, I read every draft before it goes out.\n"
    r = deidentify([tr("T", text)])
    s = text.index("I read")
    d = Decision("d1", "T", s, s + len("I read every draft"), "oversight", "apply", "ana", "2026-01-01T00:00:00")
    other = Decision("d2", "X", 3, 9, "c", "apply", "ana", "2026-01-01T00:00:00")
    nd, same = r.remap_decisions([d, other])
    assert r.transcripts[0].text[nd.char_start:nd.char_end] == "I read every draft"
    assert same == other


def test_mapping_file_is_private_atomic_json_and_never_in_a_project(tmp_path):
    r, _ = only("Anna Berg: write to anna@example.org.\n\nInterviewer: Thanks?\n\nAnna Berg: Bye.\n", salt="s3cret")
    with pytest.raises(QualkitError, match=r"mapping\.json: folder .*private does not exist; create it first"):
        r.write_mapping(tmp_path / "private" / "mapping.json")  # one writer, one rule: folders are never invented
    (tmp_path / "private").mkdir()
    path = r.write_mapping(tmp_path / "private" / "mapping.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "qualkit-deid-mapping/1"
    assert doc["placeholders"]["[PERSON_1]"]["original"] == "Anna Berg"
    assert doc["placeholders"]["[EMAIL_1]"] == {"kind": "EMAIL", "original": "anna@example.org",
                                                "forms": ["anna@example.org"], "count": 1,
                                                "fingerprint": r.fingerprint("[EMAIL_1]")}
    assert [p.name for p in path.parent.iterdir()] == ["mapping.json"]  # no temp file left behind
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "qualkit.json").write_text("{}")
    with pytest.raises(QualkitError, match=r"mapping.json: is inside the qualkit project .*proj; .*outside"):
        r.write_mapping(tmp_path / "proj" / "exports" / "mapping.json")


def test_salted_fingerprints_link_separate_batches_without_originals():
    a = deidentify([tr("A", "P01: mail x@example.org\n")], salt="team-salt")
    b = deidentify([tr("B", "P02: first y@example.org then x@example.org\n")], salt="team-salt")
    assert a.fingerprint("[EMAIL_1]") == b.fingerprint("[EMAIL_2]") != b.fingerprint("[EMAIL_1]")
    assert deidentify([tr("A", "P01: mail x@example.org\n")], salt="other").fingerprint("[EMAIL_1]") \
        != a.fingerprint("[EMAIL_1]")
    assert deidentify([tr("A", "P01: mail x@example.org\n")]).fingerprint("[EMAIL_1]") == ""


def test_report_lists_kind_placeholder_count_and_excerpt_without_originals():
    r, _ = only("P01: I emailed bo@example.org twice: bo@example.org. Born 1 May 1970.\n")
    rows = r.report()
    assert [(x.kind, x.placeholder, x.count) for x in rows] == [("EMAIL", "[EMAIL_1]", 2), ("DATE", "[DATE_1]", 1)]
    assert "I emailed [EMAIL_1] twice" in rows[0].excerpt
    csv_text = r.report_csv()
    assert "bo@example.org" not in csv_text and "1970" not in csv_text
    assert csv_text.splitlines()[0] == "kind,placeholder,count,transcripts,excerpt"


def test_deidentify_files_workflow(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "P01.txt").write_text("Interviewer: Hi Maria?\n\nMaria Lopez: Hi. Mail maria@example.org.\n\n"
                                 "Interviewer: Thanks?\n\nMaria Lopez: Bye.\n", encoding="utf-8")
    (src / "P02.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How is Maria?\n\n"
                                 "00:00:04.000 --> 00:00:06.000\n<v Tom Reed>Fine, call 07700 900123.\n",
                                 encoding="utf-8")
    (src / "participants.csv").write_text("id,name,group\nP01,Maria Lopez,clinician\nP02,Tom Reed,developer\n",
                                          encoding="utf-8")
    out, mapping = tmp_path / "out", tmp_path / "private" / "map.json"
    mapping.parent.mkdir()
    res = deidentify_files([src], out=out, mapping=mapping, names=["Reed"])
    assert sorted(p.name for p in out.iterdir()) == ["P01.txt", "P02.txt", REPORT_NAME, "participants.csv"]
    all_out = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for secret in ("Maria", "Lopez", "Tom", "Reed", "maria@example.org", "07700"):
        assert secret not in all_out
    assert (out / "participants.csv").read_text(encoding="utf-8") == "id,group\nP01,clinician\nP02,developer\n"
    assert stat.S_IMODE(os.stat(mapping).st_mode) == 0o600
    again = read_file(out / "P01.txt")[0]
    assert again.text == res.result.transcripts[0].text  # byte for byte: the offset maps apply to the files
    with pytest.raises(QualkitError, match=r"map.json: the mapping file must not be inside the output folder"):
        deidentify_files([src], out=out, mapping=out / "map.json")
    with pytest.raises(QualkitError, match=r"the output folder holds input file"):
        deidentify_files([src], out=src, mapping=mapping)


# -- offsets survive: any coded span that does not overlap a replacement maps to the same text -----------------
_IDENTIFIERS = st.sampled_from(["jane@example.org", "020 7946 0958", "12/03/2024", "SW1A 1AA", "MRN 12345678",
                                "https://x.example.com/a", "Jane Doe", "Doe", "March 5th, 2023", "+1 (212) 555-0147"])
_WORDS = st.sampled_from(["I", "read", "every", "draft", "the", "patients", "trust", "it", "well,", "um", "so",
                          "2019", "\n", "\n\n", "P01:", "Interviewer:", "?", "10:30", "a"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_WORDS, _IDENTIFIERS), min_size=1, max_size=60), st.data())
def test_spans_not_touching_a_replacement_map_to_the_same_text(tokens, data):
    text = " ".join(tokens)
    t = tr("T", text)
    r = deidentify([t], confirmed_names=["Jane Doe"])
    new = r.transcripts[0]
    new.check_spans()
    m = r.offset_maps["T"]
    assert m.new_length == len(new.text)
    for _ in range(10):
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, len(text)))
        ns, ne = m.map(a, b)
        assert 0 <= ns <= ne <= len(new.text)
        if not m.overlaps(a, b):
            assert new.text[ns:ne] == text[a:b]
        else:  # widened to whole placeholders: the coded text is still inside the mapped span
            assert any(rep.new_start < ne and ns < rep.new_end for rep in r.replacements) or ns == ne
    # every replacement's placeholder sits exactly where the map says
    for rep in r.replacements:
        assert new.text[rep.new_start:rep.new_end] == rep.placeholder
        assert text[rep.old_start:rep.old_end] == rep.original


def test_offset_map_unit():
    m = OffsetMap([Edit(2, 4, 2, 7), Edit(6, 7, 9, 9)], 10)  # "abXYcdZefg" -> "ab[P_1]cdefg" (Z deleted)
    assert m.new_length == 12
    assert m.map(0, 2) == (0, 2)
    assert m.map(4, 6) == (7, 9)
    assert m.map(3, 5) == (2, 8)
    assert m.map(7, 10) == (9, 12)


def test_deidentified_file_reads_back_with_placeholder_speakers(tmp_path):
    src = tmp_path / "P01.txt"
    src.write_text("Interviewer: Hi Maria?\n\nMaria Lopez: Hi.\n\nInterviewer: Thanks?\n\nMaria Lopez: Bye.\n",
                   encoding="utf-8")
    res = deidentify_files([src], out=tmp_path / "out", mapping=tmp_path / "map.json")
    again = read_file(tmp_path / "out" / "P01.txt")[0]
    assert [(t.speaker, t.role) for t in again.turns] == [(t.speaker, t.role) for t in res.result.transcripts[0].turns]
