"""Coding actions: every call appends Decisions to the store at once (nothing is held back for a "save").

accept/reject answer a suggestion; apply_code/remove_code are hand coding; undo_last takes back the coder's
latest action. Code names are resolved through the rename log first, so a suggestion made under an old name
is decided under the current one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..coding import Decision, latest_verdicts, resolve
from ..segment.model import Segment
from ..store import Store
from ..suggest.model import Suggestion
from ._common import ReviewError, check_code, check_coder, current_codebook, event_id, now


@dataclass(frozen=True)
class Span:
    """A hand-picked stretch of a transcript: `transcript.text[char_start:char_end]`."""

    transcript_id: str
    char_start: int
    char_end: int


def _decision(target, code: str, verdict: str, coder: str, at: str, *, note: str = "",
              suggestion_id: str | None = None) -> Decision:
    segment_id = target.segment_id if isinstance(target, Suggestion) else (
        target.id if isinstance(target, Segment) else None)
    return Decision(
        id=event_id("decision", coder, at, target.transcript_id, target.char_start, target.char_end, code, verdict),
        transcript_id=target.transcript_id, char_start=target.char_start, char_end=target.char_end, code=code,
        verdict=verdict, coder=coder, at=at, segment_id=segment_id, suggestion_id=suggestion_id, note=note)


def _suggested_code(store: Store, suggestion: Suggestion) -> str:
    """The suggestion's code under its current name; ReviewError if the code left the codebook."""
    code = resolve(suggestion.code, store.renames())
    codebook = current_codebook(store)
    if code not in codebook:
        raise ReviewError(f"suggestion {suggestion.id} is for code {suggestion.code!r}, which is no longer in the "
                          f"codebook: reject it, or replace it with a current code")
    return code


def accept(store: Store, suggestion: Suggestion, coder: str, note: str = "") -> Decision:
    """Accept a suggestion: its code becomes a coding of `coder` (origin ai). Returns the recorded Decision."""
    coder = check_coder(coder)
    code = _suggested_code(store, suggestion)
    return store.record(_decision(suggestion, code, "accept", coder, now(), note=note,
                                  suggestion_id=suggestion.id))[0]


def reject(store: Store, suggestion: Suggestion, coder: str, note: str = "") -> Decision:
    """Reject a suggestion (kept as a decision: rejections are evidence too). Works for retired codes."""
    coder = check_coder(coder)
    code = resolve(suggestion.code, store.renames())
    return store.record(_decision(suggestion, code, "reject", coder, now(), note=note,
                                  suggestion_id=suggestion.id))[0]


def replace(store: Store, suggestion: Suggestion, new_code: str, coder: str, note: str = "") -> list[Decision]:
    """Reject the suggested code and apply `new_code` to the same span, as one action (one undo takes both back)."""
    coder = check_coder(coder)
    check_code(current_codebook(store), new_code)
    old = resolve(suggestion.code, store.renames())
    if old == new_code:
        raise ReviewError(f"replace needs a different code than the suggested one ({new_code!r}): use accept")
    at = now()
    return store.record([
        _decision(suggestion, old, "reject", coder, at, note=note, suggestion_id=suggestion.id),
        _decision(suggestion, new_code, "apply", coder, at, note=note or f"replaces suggested {old}",
                  suggestion_id=suggestion.id)])


def _check_span(store: Store, target: Segment | Span) -> None:
    if isinstance(target, Segment):
        return
    text = store.transcript(target.transcript_id).text  # ProjectError naming the transcript if unknown
    if not 0 <= target.char_start < target.char_end <= len(text):
        raise ReviewError(f"span {target.char_start}-{target.char_end} is outside transcript "
                          f"{target.transcript_id!r} (0-{len(text)}) or empty")


def apply_code(store: Store, target: Segment | Span, code: str, coder: str, note: str = "") -> Decision:
    """Hand-code a segment or span with `code` (origin human)."""
    coder = check_coder(coder)
    check_code(current_codebook(store), code)
    _check_span(store, target)
    return store.record(_decision(target, code, "apply", coder, now(), note=note))[0]


def remove_code(store: Store, target: Segment | Span, code: str, coder: str, note: str = "") -> Decision:
    """Take `code` off a segment or span for `coder` (the earlier decisions stay in the log)."""
    coder = check_coder(coder)
    _check_span(store, target)
    code = resolve(code, store.renames())
    return store.record(_decision(target, code, "remove", coder, now(), note=note))[0]


def _key(d: Decision, renames) -> tuple:
    return (d.transcript_id, d.char_start, d.char_end, resolve(d.code, renames))


def undoable(decisions: Iterable[Decision], renames: dict[str, str] | None = None) -> list[list[Decision]]:
    """The coder's actions still in force, oldest first; an action is the decisions recorded together.

    An `undo` takes its (span, code) back to pending, so every earlier action on that key stops being undoable.
    """
    stack: list[Decision] = []
    for d in decisions:
        if d.verdict == "undo":
            k = _key(d, renames)
            stack = [x for x in stack if _key(x, renames) != k]
        else:
            stack.append(d)
    actions: list[list[Decision]] = []
    for d in stack:
        if actions and actions[-1][0].at == d.at:
            actions[-1].append(d)
        else:
            actions.append([d])
    return actions


def undo_last(store: Store, coder: str) -> list[Decision]:
    """Append `undo` decisions for `coder`'s latest action still in force; [] when there is nothing to undo.

    Calling it again walks further back. Undo returns a span and code to pending (it does not restore an
    older verdict), matching how `codings_from_decisions` replays the log.
    """
    coder = check_coder(coder)
    renames = store.renames()
    actions = undoable(store.decisions(coder=coder), renames)
    if not actions:
        return []
    at = now()
    undos = [Decision(id=event_id("decision", coder, at, d.transcript_id, d.char_start, d.char_end, d.code, "undo"),
                      transcript_id=d.transcript_id, char_start=d.char_start, char_end=d.char_end,
                      code=resolve(d.code, renames), verdict="undo", coder=coder, at=at, segment_id=d.segment_id,
                      suggestion_id=d.suggestion_id, note=f"undo {d.verdict}")
             for d in actions[-1]]
    return store.record(undos)


def pending_from(suggestions: Sequence[Suggestion], decisions: Iterable[Decision],
                 renames: dict[str, str] | None, codes: Iterable[str] | None = None) -> list[Suggestion]:
    """The suggestions this coder's `decisions` leave undecided (pure; `pending` reads the store).

    A suggestion is decided once any verdict of the coder is in force on its span and (current) code; a
    suggestion whose code has left the codebook (`codes` given) is not offered.
    """
    state = latest_verdicts(decisions, renames)
    decided = {k[1:] for k in state}
    allowed = set(codes) if codes is not None else None
    out, seen = [], set()
    for s in suggestions:
        code = resolve(s.code, renames)
        key = (s.transcript_id, s.char_start, s.char_end, code)
        if key in decided or key in seen or (allowed is not None and code not in allowed):
            continue
        seen.add(key)
        out.append(s)
    return out


def bulk_accept(store: Store, suggestions: Sequence[Suggestion], code: str, min_score: float, coder: str) -> int:
    """Accept every still-pending suggestion for `code` scoring at least `min_score`, as one action; returns n."""
    coder = check_coder(coder)
    codebook = current_codebook(store)
    check_code(codebook, code)
    renames = store.renames()
    todo = [s for s in pending_from(suggestions, store.decisions(coder=coder), renames, codebook.names)
            if resolve(s.code, renames) == code and s.score >= min_score]
    at = now()
    store.record([_decision(s, code, "accept", coder, at, note=f"bulk accept score >= {min_score:g}",
                            suggestion_id=s.id) for s in todo])
    return len(todo)
