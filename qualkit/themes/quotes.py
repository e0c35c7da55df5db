"""Representative quotes and per-group spread of a theme.

`participants` maps a transcript id (segments carry `transcript_id`) to its attributes; the attribute
`participant_id` (if present) names the participant, else the transcript id is the participant, and the
attribute `group` names the group (default "all"). This matches `Snapshot.participants` when transcripts
are named after their participants.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..segment.model import Segment

DEFAULT_GROUP = "all"


def participant_of(seg: Segment, participants: Mapping[str, Mapping[str, str]] | None) -> str:
    attrs = (participants or {}).get(seg.transcript_id) or {}
    return str(attrs.get("participant_id") or seg.transcript_id)


def group_of(seg: Segment, participants: Mapping[str, Mapping[str, str]] | None) -> str:
    attrs = (participants or {}).get(seg.transcript_id) or {}
    if not attrs.get("group") and attrs.get("participant_id"):
        attrs = (participants or {}).get(str(attrs["participant_id"])) or attrs
    return str(attrs.get("group") or DEFAULT_GROUP)


def spread(members: Sequence[Segment], participants) -> dict[str, int]:
    """group -> number of distinct participants with at least one segment in the theme (sorted by group)."""
    seen: dict[str, set[str]] = {}
    for s in members:
        seen.setdefault(group_of(s, participants), set()).add(participant_of(s, participants))
    return {g: len(seen[g]) for g in sorted(seen)}


def pick_quotes(members: Sequence[Segment], vectors: np.ndarray, participants, n_max: int = 5,
                n_min: int = 3) -> tuple[str, ...]:
    """3-5 segment ids close to the theme centroid, spread over groups first, then participants.

    Greedy over segments ranked by cosine similarity to the centroid: take the best not-yet-used group, then
    the best not-yet-used participant, then the best remaining, until `n_max` quotes or all groups and
    participants are covered and `n_min` is reached. Deterministic: ties are broken by segment id.
    """
    if not members:
        return ()
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centroid = v.mean(axis=0)
    sims = v @ centroid
    ranked = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 6), members[i].id))
    chosen: list[int] = []
    groups: set[str] = set()
    people: set[str] = set()
    for rule in ("group", "participant", "any"):
        for i in ranked:
            if len(chosen) >= n_max:
                break
            if i in chosen:
                continue
            g, p = group_of(members[i], participants), participant_of(members[i], participants)
            if rule == "group" and g in groups:
                continue
            if rule == "participant" and p in people:
                continue
            if rule == "any" and len(chosen) >= n_min:
                break
            chosen.append(i)
            groups.add(g)
            people.add(p)
    # most representative first, so a UI showing only one shows the best
    chosen.sort(key=lambda i: ranked.index(i))
    return tuple(members[i].id for i in chosen)
