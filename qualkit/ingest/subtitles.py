"""Subtitle transcripts (.vtt, .srt) as Zoom, Teams and Otter export them.

Cues are parsed here (header, NOTE/STYLE/REGION blocks, cue ids, `-->` timings with optional hours and cue
settings); the speaker comes from a `<v Name>` voice tag or a `Name:` prefix. Consecutive cues of one speaker merge
into one turn, and `Transcript.text` is written as "Name: utterance" blocks separated by blank lines, so it reads
like a transcript and every turn span points at an utterance.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.base import ReadOptions, make_transcript, read_bytes, require_text
from qualkit.ingest.decode import decode_bytes
from qualkit.ingest.speakers import UNLABELLED_SPEAKER, accept, assign_roles, match_label, speaker_key
from qualkit.transcript import Transcript, Turn

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Cue:
    line: int  # 1-based line number of the timing line
    start_s: float
    end_s: float
    speaker: str | None
    text: str


def _seconds(groups: tuple[str | None, ...]) -> float:
    h, m, s, frac = groups
    if int(m) >= 60 or int(s) >= 60:
        raise ValueError("minutes and seconds must be below 60")
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + (int(frac.ljust(3, "0")) / 1000 if frac else 0.0)


def _timing(path: Path, lineno: int, line: str) -> tuple[float, float]:
    m = _TIMING.match(line)
    problem = None
    if m:
        try:
            start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        except ValueError as e:
            problem = str(e)
        else:
            if end < start:
                problem = "the cue ends before it starts"
            else:
                return start, end
    raise InputError(path, f"line {lineno}: cannot read the cue timing {line.strip()!r}"
                           f"{f' ({problem})' if problem else ''}; expected e.g. '00:01:02.500 --> 00:01:05.000'")


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            current.append((n, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def parse_cues(path: Path, text: str) -> list[Cue]:
    """Every cue with its timing, raw speaker (voice tag) and tag-free text; InputError names a broken line."""
    blocks = _blocks(text)
    if blocks and blocks[0][0][1].lstrip("\ufeff").startswith("WEBVTT"):
        header = blocks.pop(0)
        # a WEBVTT header block may run straight into the first cue when the blank line is missing
        for k, (_, line) in enumerate(header):
            if "-->" in line:
                blocks.insert(0, header[k - 1 if k >= 2 else k:])  # keep a cue id, never the WEBVTT line
                break
    cues: list[Cue] = []
    for block in blocks:
        first = block[0][1].strip()
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            continue
        timing_at = next((k for k, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            if any("-->" in line for _, line in block):
                n, line = next((n, line) for n, line in block if "-->" in line)
                _timing(path, n, line)  # raises with the line number
            if cues:  # stray text after a blank line inside a cue: keep it with that cue
                prev = cues[-1]
                extra = _clean(" ".join(line for _, line in block))
                cues[-1] = Cue(prev.line, prev.start_s, prev.end_s, prev.speaker, f"{prev.text} {extra}".strip())
                continue
            raise InputError(path, f"line {block[0][0]}: expected a cue timing such as "
                                   f"'00:00:01.000 --> 00:00:04.000', found {first!r}")
        n, line = block[timing_at]
        start, end = _timing(path, n, line)
        raw = " ".join(ln.strip() for _, ln in block[timing_at + 1:])
        voice = _VOICE.search(raw)
        speaker = " ".join(html.unescape(voice.group(1)).split()) if voice else None
        cues.append(Cue(n, start, end, speaker, _clean(raw)))
    return cues


def _clean(raw: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", raw)).split())


def _split_prefix(cues: list[Cue], interviewers) -> list[tuple[Cue, str | None, str]]:
    """(cue, speaker, utterance): voice tags win; a `Name:` prefix counts when it is an accepted label."""
    shapes = []
    for cue in cues:
        found = None if cue.speaker else match_label(cue.text, 0, len(cue.text))
        shapes.append(found)
    counts = Counter(speaker_key(f[0]) for f in shapes if f)
    out = []
    for cue, found in zip(cues, shapes):
        if cue.speaker:
            out.append((cue, cue.speaker, cue.text))
        elif found and accept(found[0], counts[speaker_key(found[0])], interviewers):
            out.append((cue, found[0], cue.text[found[1]:].strip()))
        else:
            out.append((cue, None, cue.text))
    return out


def read_subtitles(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript from a .vtt/.srt; InputError for broken timings (with the line number) or no cues."""
    fmt = path.suffix.lower().lstrip(".")
    text = decode_bytes(read_bytes(path), path, options.encoding)
    require_text(path, text)
    cues = [c for c in parse_cues(path, text) if c.text]
    if not cues:
        raise InputError(path, "is empty: it has no subtitle cues with text")
    items = _split_prefix(cues, options.interviewers)
    labelled = any(speaker for _, speaker, _ in items)

    # merge consecutive cues of one speaker; a cue without a speaker continues the previous one
    merged: list[list] = []  # [speaker, [utterances], start_s, end_s]
    for cue, speaker, utterance in items:
        if not utterance:
            continue
        if merged and labelled and (speaker is None or speaker_key(speaker) == speaker_key(merged[-1][0])):
            merged[-1][1].append(utterance)
            merged[-1][3] = cue.end_s
        else:
            merged.append([speaker or UNLABELLED_SPEAKER, [utterance], cue.start_s, cue.end_s])

    roles = assign_roles([(sp, " ".join(u)) for sp, u, _, _ in merged], options.interviewers) if labelled else {}
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for speaker, utterances, start_s, end_s in merged:
        if parts:
            parts.append("\n\n")
            pos += 2
        prefix = f"{speaker}: " if labelled else ""
        utterance = " ".join(utterances)
        parts.append(prefix + utterance)
        start = pos + len(prefix)
        pos = start + len(utterance)
        role = roles[speaker_key(speaker)] if labelled else "participant"
        turns.append(Turn(speaker, role, start, pos, utterance, start_s, end_s))
    return [make_transcript(path, source_path, fmt, "".join(parts), turns, labelled)]
