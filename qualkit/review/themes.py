"""Theme verdicts: promote a candidate theme to a code (its quotes then go through review) or dismiss it."""
from __future__ import annotations

from ..codebook.model import Code, Codebook
from ..ids import stable_id
from ..run import Run
from ..store import Store
from ..suggest.model import PROMOTED_SCORE, Suggestion
from ..themes.model import Theme
from ._common import ReviewError, check_coder, now
from .codebook_edits import add_code
from .queue import PROMOTED_RUN


def _check_candidate(store: Store, theme: Theme) -> None:
    current = {t.id: t.status for t in store.themes(theme.run_id)}
    status = current.get(theme.id, theme.status)
    if status != "candidate":
        raise ReviewError(f"theme {theme.label!r} was already {status}")


def promote_theme(store: Store, theme: Theme, code_name: str, definition: str, coder: str,
                  parent: str | None = None) -> tuple[Codebook, list[Suggestion]]:
    """Add a code for the theme and queue the theme's quotes as pending suggestions of that code.

    The quotes land in a new run of kind 'promoted-theme', so they are reviewed (accepted or rejected) like any
    suggestion: promoting a theme codes nothing by itself. Returns the new codebook and the queued suggestions.
    One transaction: the new code, the queued quotes and the theme's verdict are written together or not at all.
    """
    coder = check_coder(coder)
    if not (definition or "").strip():
        raise ReviewError(f"promoting theme {theme.label!r} needs a definition for code {code_name!r}")
    with store.transaction():  # the candidate check too: two people promoting one theme cannot both succeed
        _check_candidate(store, theme)
        return _promote(store, theme, code_name, definition, coder, parent)


def _promote(store: Store, theme: Theme, code_name: str, definition: str, coder: str,
             parent: str | None) -> tuple[Codebook, list[Suggestion]]:
    codebook = add_code(store, Code(name=code_name.strip(), definition=definition.strip(),
                                    keywords=tuple(theme.keywords), parent=parent or None), coder)
    segments = {s.id: s for s in store.segments()}
    started = now()
    run = Run(id=stable_id(PROMOTED_RUN, theme.run_id, theme.id, code_name, started), kind=PROMOTED_RUN,
              started_at=started, finished_at=started, model=f"theme:{theme.run_id}",
              codebook_hash=codebook.hash, params={"theme_id": theme.id, "theme_label": theme.label},
              notes=f"quotes of theme {theme.label!r} promoted to code {code_name!r} by {coder}")
    suggestions = []
    for sid in theme.quote_ids:
        seg = segments.get(sid)
        if seg is None:
            continue  # the segment was re-segmented away since the theme run
        suggestions.append(Suggestion(
            id=stable_id("suggestion", run.id, seg.id, code_name), run_id=run.id, segment_id=seg.id,
            transcript_id=seg.transcript_id, char_start=seg.char_start, char_end=seg.char_end, code=code_name,
            # no model scored these quotes: at the threshold, they come early in the informative order
            score=PROMOTED_SCORE, threshold=PROMOTED_SCORE, mode="promoted-theme", theme=theme.label,
            keywords=tuple(theme.keywords), nearest_kind="theme"))
    store.put_run(run, suggestions=suggestions)
    store.record_theme_event(theme.id, "promoted", coder, {"code": code_name, "run_id": run.id})
    return codebook, suggestions


def dismiss_theme(store: Store, theme: Theme, coder: str, reason: str = "") -> None:
    """Mark a candidate theme dismissed (an event; the theme and its run stay in the project)."""
    coder = check_coder(coder)
    with store.transaction():
        _check_candidate(store, theme)
        store.record_theme_event(theme.id, "dismissed", coder, {"reason": reason} if reason else {})
