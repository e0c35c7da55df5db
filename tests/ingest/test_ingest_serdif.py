"""The 17 real SERDIF think-aloud transcripts (.odt): only MODERATOR is labelled; the rest is the participant."""
from __future__ import annotations

import zipfile

from shared_data import shared_path

from qualkit.ingest import read_file


def test_all_serdif_transcripts():
    files = sorted(shared_path("benchmarks/serdif-usability/raw").glob("*.odt"))
    assert len(files) == 17
    for f in files:
        [t] = read_file(f)
        t.check_spans()
        assert t.format == "odt" and t.participant_id == f.stem.split("_")[0] and t.labelled
        moderator = [x for x in t.turns if x.speaker == "MODERATOR"]
        # every "MODERATOR:" paragraph in the document is one interviewer turn
        content = zipfile.ZipFile(f).read("content.xml").decode("utf-8")
        assert len(moderator) == content.count("MODERATOR:") > 0, f.name
        assert all(x.role == "interviewer" and "\n" not in x.text for x in moderator)
        others = [x for x in t.turns if x.speaker != "MODERATOR"]
        assert others and all((x.speaker, x.role) == ("Participant", "participant") for x in others)
        # nothing is lost: turns plus labels cover all of the text except whitespace
        covered = "".join(x.text for x in t.turns) + "MODERATOR:" * len(moderator)
        assert sorted(covered.replace(" ", "").replace("\t", "").replace("\n", "")) == sorted(
            t.text.replace(" ", "").replace("\t", "").replace("\n", ""))
