"""Plain view-model functions for the app: they take project data and return strings, rows and lists.

No Streamlit here, so every one is tested directly. HTML is built only by `transcript_html`, which escapes
every piece of transcript text, speaker and code name it puts on the page.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..codebook.model import Codebook
from ..coding import Coding
from ..segment.model import Segment
from ..suggest.model import Suggestion
from ..transcript import Transcript

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
ALL = "(all)"


def code_colors(codebook: Codebook) -> dict[str, str]:
    """Code -> '#rrggbb': the code's own colour, else its parent's, else a palette colour by position.

    Only well-formed hex colours are used, because the value goes into a style attribute.
    """
    out: dict[str, str] = {}
    for i, c in enumerate(codebook.codes):
        if c.color and _HEX.match(c.color):
            out[c.name] = c.color
        elif c.parent and c.parent in out:
            out[c.name] = out[c.parent]
        else:
            out[c.name] = PALETTE[i % len(PALETTE)]
    return out


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _text(text: str) -> str:
    return _esc(text).replace("\n", "<br>")


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    code: str
    label: str  # tooltip
    pending: bool


def transcript_html(transcript: Transcript, codings: Iterable[Coding], pending: Iterable[Suggestion] = (),
                    colors: Mapping[str, str] | None = None) -> str:
    """The transcript as HTML: one block per turn (interviewer turns styled apart), accepted/applied codings as
    coloured highlights followed by their code names, pending suggestions underlined dashed with '?code'.

    Overlapping codings are split at every boundary so each stretch shows all the codes covering it.
    """
    colors = dict(colors or {})
    marks = [_Mark(c.char_start, c.char_end, c.code, f"{c.code} ({c.coder}, {c.origin})", False)
             for c in codings if c.transcript_id == transcript.id]
    marks += [_Mark(s.char_start, s.char_end, s.code, f"suggested: {s.code} ({s.score:.2f})", True)
              for s in pending if s.transcript_id == transcript.id]
    parts = [f'<div class="qk-transcript" data-transcript="{_esc(transcript.id)}">']
    for turn in transcript.turns:
        role = "interviewer" if turn.role == "interviewer" else "participant"
        parts.append(f'<div class="qk-turn qk-{role}"><span class="qk-speaker">{_esc(turn.speaker)}</span> '
                     f'<span class="qk-text">')
        parts.append(_turn_body(transcript.text, turn.char_start, turn.char_end, marks, colors))
        parts.append("</span></div>")
    parts.append("</div>")
    return "".join(parts)


def _turn_body(text: str, start: int, end: int, marks: Sequence[_Mark], colors: Mapping[str, str]) -> str:
    inside = [m for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end} | {max(start, min(end, p)) for m in inside for p in (m.start, m.end)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = _text(text[a:b])
        coded = sorted({m.code for m in inside if not m.pending and m.start <= a and m.end >= b})
        suggested = sorted({m.code for m in inside if m.pending and m.start <= a and m.end >= b})
        if coded or suggested:
            tip = "; ".join(sorted({m.label for m in inside if m.start <= a and m.end >= b}))
            style = []
            if coded:
                c = colors.get(coded[0], PALETTE[0])
                style.append(f"background:{_rgba(c, 0.22)};border-bottom:2px solid {c}")
            cls = "qk-coded" if coded else "qk-pending"
            if coded and suggested:
                cls += " qk-pending"
            piece = f'<mark class="{cls}" style="{";".join(style)}" title="{_esc(tip)}">{piece}</mark>'
        out.append(piece)
        # Code names follow the end of their span, so the reader sees where each coding stops.
        for m in sorted((m for m in inside if m.end == b or (b == end and m.end > end)),
                        key=lambda m: (m.pending, m.code)):
            if m.pending:
                out.append(f'<span class="qk-label qk-pending-label" title="{_esc(m.label)}">?{_esc(m.code)}</span>')
            else:
                c = colors.get(m.code, PALETTE[0])
                out.append(f'<span class="qk-label" style="background:{c}" title="{_esc(m.label)}">'
                           f'{_esc(m.code)}</span>')
    return "".join(out)


TRANSCRIPT_CSS = """
<style>
.qk-transcript {font-size: 0.98rem; line-height: 1.65;}
.qk-turn {margin: 0 0 0.8rem 0; padding: 0.35rem 0.6rem; border-radius: 0.3rem;}
.qk-interviewer {color: #555; font-style: italic; background: #f3f3f3; border-left: 3px solid #bbb;}
.qk-participant {border-left: 3px solid #4a7ab0;}
.qk-speaker {font-weight: 700; font-style: normal; margin-right: 0.3rem;}
.qk-coded {padding: 0 1px; color: inherit;}
mark.qk-pending {background: none; border-bottom: 2px dashed #999;}
mark.qk-coded.qk-pending {border-bottom-style: double;}
.qk-label {color: #fff; font-size: 0.72rem; font-style: normal; border-radius: 0.6rem; padding: 0 0.4rem;
           margin: 0 0.15rem; white-space: nowrap; vertical-align: 1px;}
.qk-pending-label {color: #666; background: #fff; border: 1px dashed #999;}
</style>
"""


def filter_transcripts(transcripts: Sequence[Transcript], participants: Mapping[str, Mapping[str, str]],
                       codings: Iterable[Coding], participant: str = ALL, group: str = ALL,
                       code: str = ALL, group_attribute: str = "group") -> list[str]:
    """Ids of the transcripts that match every filter (ALL matches anything); code: has a coding of it."""
    with_code = {c.transcript_id for c in codings if c.code == code} if code != ALL else None
    out = []
    for t in transcripts:
        pid = t.participant_id or t.id
        if participant != ALL and pid != participant:
            continue
        if group != ALL and (participants.get(pid) or {}).get(group_attribute) != group:
            continue
        if with_code is not None and t.id not in with_code:
            continue
        out.append(t.id)
    return out


def groups_of(participants: Mapping[str, Mapping[str, str]], attribute: str = "group") -> list[str]:
    return sorted({a[attribute] for a in participants.values() if a.get(attribute)})


def segment_label(segment: Segment, width: int = 70) -> str:
    """'P01 #3 · P01: I read every draft…' for pickers."""
    text = " ".join(segment.text.split())
    short = text if len(text) <= width else text[:width - 1].rstrip() + "…"
    return f"{segment.transcript_id} #{segment.index} · {segment.speaker}: {short}"


def explanation_rows(suggestion: Suggestion) -> dict:
    """The suggestion's reasons as display values: nearest text and its kind, matched keywords, components."""
    e = dict(suggestion.explanation or {})
    comps = e.get("components") or {}
    return {
        "nearest": str(e.get("nearest") or ""),
        "nearest_kind": str(e.get("nearest_kind") or ""),
        "keywords": [str(k) for k in (e.get("keywords") or [])],
        "components": [{"component": str(k), "contribution": float(v)} for k, v in comps.items()
                       if isinstance(v, (int, float))],
        "source": str(e.get("source") or ""),
    }


def progress_rows(progress, codebook: Codebook | None = None) -> list[dict]:
    """Per-code progress rows (codes with nothing to review are left out), in codebook order."""
    order = {n: i for i, n in enumerate(codebook.names)} if codebook else {}
    rows = [{"code": p.code, "reviewed": p.reviewed, "remaining": p.remaining, "accepted": p.accepted,
             "rejected": p.rejected} for p in progress.by_code.values() if p.total]
    return sorted(rows, key=lambda r: (order.get(r["code"], len(order)), r["code"]))


def segment_context(segments: Sequence[Segment], segment_id: str) -> tuple[Segment | None, Segment | None]:
    """The segments just before and after `segment_id` in its transcript (None at either end)."""
    for i, s in enumerate(segments):
        if s.id == segment_id:
            before = segments[i - 1] if i > 0 and segments[i - 1].transcript_id == s.transcript_id else None
            after = (segments[i + 1] if i + 1 < len(segments) and segments[i + 1].transcript_id == s.transcript_id
                     else None)
            return before, after
    return None, None


def theme_quotes(theme, segments_by_id: Mapping[str, Segment]) -> list[tuple[str, str]]:
    """(citation, text) for the theme's representative quotes that still exist."""
    out = []
    for sid in theme.quote_ids:
        s = segments_by_id.get(sid)
        if s is not None:
            out.append((f"{s.transcript_id} #{s.index}", " ".join(s.text.split())))
    return out


def parse_parts(text: str) -> list[tuple[str, str]]:
    """'Name: definition' per line (for splitting a code) -> [(name, definition)]; ValueError naming the line."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, definition = line.partition(":")
        if not sep or not name.strip() or not definition.strip():
            raise ValueError(f"line {i}: write each new code as 'Name: definition' (got {line.strip()!r})")
        out.append((name.strip(), definition.strip()))
    return out


def md_escape(text: str) -> str:
    """Text for st.markdown shown exactly as typed: markdown and HTML characters escaped, whitespace folded."""
    out = text.replace("\\", "\\\\")
    for ch in "*_`#[]<>|~$":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


# ---- the workspace (components.transcript_view) ------------------------------------------------------------

def origin_label(origin: str) -> str:
    return {"ai": "accepted suggestion", "human": "hand coding", "import": "imported"}.get(origin, origin)


def transcript_pieces(transcript: Transcript, codings: Sequence[Coding], pending: Sequence[Suggestion] = (),
                      colors: Mapping[str, str] | None = None, codebook: Codebook | None = None) -> dict:
    """Plain data for the transcript workspace: turns cut into pieces at every coding and suggestion boundary,
    each piece `{"s", "e", "t": transcript.text[s:e], "c": [coding indexes], "p": [pending indexes], "ends":
    codings ending here, "pends": suggestions ending here}`; codings, pending suggestions, a legend (codes in
    this transcript with counts) and the codes to offer for a selection (codebook order)."""
    colors = dict(colors or {})
    text = transcript.text
    cods = [c for c in codings if c.transcript_id == transcript.id]
    pend = [s for s in pending if s.transcript_id == transcript.id]
    color = lambda code: colors.get(code, PALETTE[0])  # noqa: E731
    coding_rows = [{"id": c.decision_id or f"{c.coder}:{c.char_start}-{c.char_end}:{c.code}", "code": c.code,
                    "color": color(c.code), "coder": c.coder, "start": c.char_start, "end": c.char_end,
                    "tip": f"{c.code} · {c.coder} · {origin_label(c.origin)} (click to open)"} for c in cods]
    pending_rows = [{"code": s.code, "segment": s.segment_id, "start": s.char_start, "end": s.char_end,
                     "tip": f"suggested: {s.code} ({s.score:.2f})"} for s in pend]
    turns = []
    for turn in transcript.turns:
        a0, b0 = turn.char_start, turn.char_end
        inside_c = [k for k, c in enumerate(coding_rows) if c["start"] < b0 and c["end"] > a0]
        inside_p = [k for k, s in enumerate(pending_rows) if s["start"] < b0 and s["end"] > a0]
        spans = [coding_rows[k] for k in inside_c] + [pending_rows[k] for k in inside_p]
        cuts = sorted({a0, b0} | {max(a0, min(b0, r[x])) for r in spans for x in ("start", "end")})
        pieces = []
        for a, b in zip(cuts, cuts[1:]):
            if b <= a:
                continue
            pieces.append({
                "s": a, "e": b, "t": text[a:b],
                "c": [k for k in inside_c if coding_rows[k]["start"] <= a and coding_rows[k]["end"] >= b],
                "p": [k for k in inside_p if pending_rows[k]["start"] <= a and pending_rows[k]["end"] >= b],
                # a label follows the end of its span (once, also for a span across turns)
                "ends": [k for k in inside_c if coding_rows[k]["end"] == b],
                "pends": [k for k in inside_p if pending_rows[k]["end"] == b],
            })
        turns.append({"speaker": turn.speaker, "role": "interviewer" if turn.role == "interviewer" else "participant",
                      "pieces": pieces})
    counts: dict[str, int] = {}
    for c in cods:
        counts[c.code] = counts.get(c.code, 0) + 1
    order = codebook.names if codebook else sorted(counts)
    legend = [{"label": f"{n} ({counts[n]})", "color": color(n), "pending": False} for n in order if n in counts]
    legend += [{"label": f"{n} ({counts[n]})", "color": color(n), "pending": False}
               for n in sorted(counts) if n not in order]
    if pend:
        legend.append({"label": f"?code: {len(pend)} pending suggestions (dashed)", "color": "", "pending": True})
    codes = [{"name": c.name, "color": color(c.name), "definition": c.definition} for c in codebook.codes] \
        if codebook else []
    return {"transcript": transcript.id, "turns": turns, "codings": coding_rows, "pending": pending_rows,
            "legend": legend, "codes": codes,
            "hint": "Select any passage with the mouse to code it · click a highlight to see or remove it · "
                    "click a ?code badge to decide that suggestion"}


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace a mouse selection picks up at either end (clamped to the text)."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def plain_reasons(suggestion: Suggestion) -> list[str]:
    """Reasons in words from what the suggestion carries (when no live model is at hand)."""
    out = []
    if suggestion.nearest:
        kind = {"decided": "a passage you coded", "example": "the codebook's example", "include":
                "the code's inclusion criteria", "theme": "a theme"}.get(suggestion.nearest_kind, "the code's definition")
        out.append(f"close to {kind}: “{_short(suggestion.nearest)}”")
    if suggestion.keywords:
        out.append("mentions " + ", ".join(f"‘{k}’" for k in suggestion.keywords))
    if suggestion.mode == "llm" and suggestion.reasoning:
        out.append(f"the language model: {suggestion.reasoning}")
    return out


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"
