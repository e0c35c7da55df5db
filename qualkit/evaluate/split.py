"""A fixed development / held-out split of a study's transcripts, so that what is tuned is not what is reported.

Parameters are tuned (benchmarks/eval_serdif.py --ablations, calibrate_zero_shot.py) on the development set: the
sample study and the development half of SERDIF. Figures are reported (README, `qualkit eval --split held-out`)
on the held-out half only. The halves are fixed by the transcripts' ids, not by a seed: sorted by a salted hash of
the id, the first floor(n/2) are development, the rest held out. The same study always splits the same way.
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import QualkitError
from ..ids import text_hash
from ..snapshot import Snapshot

SPLITS = ("development", "held-out")
_SALT = "qualkit development split v1"  # changing it would re-split every study: never do it after reporting


def split_transcripts(transcript_ids) -> dict[str, tuple[str, ...]]:
    """{"development": ids, "held-out": ids}, each sorted; development is the smaller half when n is odd."""
    ranked = sorted(set(transcript_ids), key=lambda t: (text_hash(f"{_SALT}\x1f{t}"), t))
    half = len(ranked) // 2
    return {"development": tuple(sorted(ranked[:half])), "held-out": tuple(sorted(ranked[half:]))}


def restrict(snapshot: Snapshot, split: str) -> Snapshot:
    """The snapshot with only the transcripts (and their segments, codings, decisions) of `split`.
    QualkitError naming the splits for an unknown one, or when the study is too small to split."""
    if split not in SPLITS:
        raise QualkitError(f"unknown split {split!r}: choose {' or '.join(SPLITS)}")
    ids = [t.id for t in snapshot.transcripts]
    if len(ids) < 4:
        raise QualkitError(f"snapshot {snapshot.name!r} has {len(ids)} transcript(s): a development/held-out split "
                           "needs at least 4 (2 in each half, one to learn from and one to test on)")
    keep = set(split_transcripts(ids)[split])
    return replace(snapshot, name=f"{snapshot.name} ({split})",
                   transcripts=tuple(t for t in snapshot.transcripts if t.id in keep),
                   segments=tuple(s for s in snapshot.segments if s.transcript_id in keep),
                   codings=tuple(c for c in snapshot.codings if c.transcript_id in keep),
                   decisions=tuple(d for d in snapshot.decisions if d.transcript_id in keep))
