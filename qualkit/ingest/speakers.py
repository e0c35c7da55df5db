"""The plain-text speaker parser every text-like format shares, and how speakers get their roles.

A label is recognised at the start of a line: `Interviewer:`, `P01:`, `Dr. Smith:`, `**Name:**`, `**Name**:`,
`[00:01:02] Name:`, `Name (00:01:02):`, `Name 00:01:02`. Role words and participant ids are labels on sight; any
other name must look like a name (short, capitalised words) and recur, so that "One thing I noticed: it was slow"
or a one-off "Location: Dublin" stays part of the utterance.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from qualkit.transcript import Role, Turn

UNLABELLED_SPEAKER = "Participant"  # speaker of text that carries no label (fallback and one-sided transcripts)

INTERVIEWER_WORDS = frozenset({"interviewer", "moderator", "int", "i", "q", "ai", "assistant", "facilitator",
                               "researcher", "question"})
PARTICIPANT_WORDS = frozenset({"participant", "respondent", "user", "a", "interviewee", "answer"})
_ROLE_WORD = re.compile(r"^([a-z]+)[ _-]?\d*$")
# P01, Speaker 2, [PERSON_1]: labels even when seen once
_ID_LABEL = re.compile(r"^(?:p[ _-]?\d+|speaker[ _-]?\d+|\[[a-z]+_\d+\])$")
_PARTICIPANT_ID = re.compile(r"^p[ _-]?\d+$")

# Words that start ordinary "Heading: text" lines, never a speaker name.
_NOT_NAMES = frozenset("""
note notes nb ps example examples update edit warning tip step task source link total result results topic comment
comments transcript interview summary date time location duration title subject re tags keywords setting context
background important also however therefore so and but then yes no well okay ok oh because now here there what why
how who when where which the this that these those it its my our we they he she you your if one two first second
finally next agenda attendees present absent recording file audio video page section part chapter figure table
definition reason problem solution conclusion overview objective goal goals purpose method methods
at by from to until since before after around about in on for of with during between
""".split())
_PARTICLES = frozenset({"van", "von", "de", "da", "di", "del", "der", "den", "la", "le", "du", "bin", "al", "ten",
                        "ter", "st.", "y"})

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# A name, or a de-identification placeholder such as [PERSON_1] (qualkit deidentify writes those as labels).
_NAME = r"(?:\[[A-Z]+_\d+\]|[^\W\d_][\w.'’\- ]{0,39}?)"
_COLON_LABEL = re.compile(rf"""
    [ \t]*
    (?:[\[(]?(?P<ts1>{_TS})[\])]?[ \t]+)?        # [00:01:02] Name:
    (?P<b1>\*\*)?
    (?P<name>{_NAME})
    [ \t]*(?:[\[(](?P<ts2>{_TS})[\])][ \t]*)?   # Name (00:01:02):
    (?P<b2>\*\*)?
    :
    (?P<b3>\*\*)?
    """, re.X)
_TIME_LABEL = re.compile(rf"[ \t]*(?P<name>{_NAME})[ \t]+[\[(]?(?P<ts>{_TS})[\])]?(?=[ \t]|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Label:
    """A speaker label found at the start of a line; the utterance starts at `content_start`."""

    line: int
    line_start: int
    line_end: int
    name: str
    key: str
    content_start: int
    start_s: float | None


def speaker_key(name: str) -> str:
    """The identity of a speaker: 'MODERATOR' and 'Moderator' are one person."""
    return " ".join(name.split()).casefold()


def role_hint(name: str, interviewers: Iterable[str] = ()) -> Role | None:
    """The role a label announces by itself (role words, P01, the `interviewers` names), else None."""
    key = speaker_key(name)
    if key in {speaker_key(n) for n in interviewers}:
        return "interviewer"
    if _PARTICIPANT_ID.match(key):
        return "participant"
    m = _ROLE_WORD.match(key)
    if m:
        word = m.group(1)
        if word in INTERVIEWER_WORDS:
            return "interviewer"
        if word in PARTICIPANT_WORDS:
            return "participant"
        is_i, is_p = _typo_of(word, INTERVIEWER_WORDS), _typo_of(word, PARTICIPANT_WORDS)
        if is_i != is_p:  # a typo close to both (Intervieweer) says nothing
            return "interviewer" if is_i else "participant"
    return None


def _typo_of(word: str, vocabulary: frozenset[str]) -> bool:
    """One typo (a letter dropped, added, swapped or changed) away from a long role word: 'Particpant'."""
    if len(word) < 7:
        return False
    return any(abs(len(word) - len(v)) <= 1 and len(v) >= 7 and _within_one_edit(word, v) for v in vocabulary)


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _looks_like_name(name: str) -> bool:
    """Short, capitalised words (or ALL CAPS), no digits: 'Jane Doe', 'Dr. Smith', 'MODERATOR', 'Ana de la Cruz'."""
    words = name.split()
    if not 1 <= len(words) <= 4 or len(name) > 40:
        return False
    if words[0].casefold().rstrip(".") in _NOT_NAMES:
        return False
    for i, w in enumerate(words):
        if any(c.isdigit() for c in w):
            return False
        if w.casefold() in _PARTICLES and i > 0:
            continue
        if not w[0].isupper():
            return False
    return True


def seconds(ts: str | None) -> float | None:
    """'01:02:03.5' -> 3723.5; 'mm:ss' and 'h:mm:ss' with '.' or ',' fractions."""
    if not ts:
        return None
    parts = ts.replace(",", ".").split(":")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total


def match_label(text: str, start: int, end: int) -> tuple[str, int, float | None] | None:
    """(name, content_start, start_s) if text[start:end] (one line) opens with a label shape, else None.

    Shape only: whether the name is accepted as a speaker is decided over the whole text (see `accept`).
    """
    m = _TIME_LABEL.match(text, start, end)  # first: in "Speaker 1  0:03" the colon belongs to the time
    # "Name 0:03" must end its line; "Name 00:01:02 text" needs a full h:mm:ss ("At 10:30 we met" is prose)
    if m and (not text[m.end():end].strip() or m.group("ts").count(":") == 2):
        name = m.group("name").strip()
        if name:
            return name, m.end(), seconds(m.group("ts"))
    m = _COLON_LABEL.match(text, start, end)
    if m:
        bolds = sum(1 for g in ("b1", "b2", "b3") if m.group(g))
        if (bolds == 0 or (bolds == 2 and m.group("b1"))) and not (m.group("b2") and m.group("b3")):
            name = m.group("name").strip()
            if name:
                return name, m.end(), seconds(m.group("ts1") or m.group("ts2"))
    return None


def accept(name: str, count: int, interviewers: Iterable[str] = ()) -> bool:
    """Is a label shape with this name (seen `count` times in the text) a speaker label?"""
    key = speaker_key(name)
    if role_hint(name, interviewers) is not None or _ID_LABEL.match(key):
        return True
    return count >= 2 and _looks_like_name(name)


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding its terminator (LF, CRLF or lone CR)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def find_labels(text: str, interviewers: Sequence[str] = ()) -> list[Label]:
    """Every accepted label in the text, in order."""
    lines = lines_of(text)
    shapes = []
    for i, (a, b) in enumerate(lines):
        # cheap pre-filter: a label needs a colon (Name:, Name 00:01) within its first ~70 characters
        if text.find(":", a, min(b, a + 70)) < 0:
            continue
        found = match_label(text, a, b)
        if found:
            shapes.append((i, a, b, *found))
    counts = Counter(speaker_key(s[3]) for s in shapes)
    labels = [Label(i, a, b, name, speaker_key(name), cs, ts) for i, a, b, name, cs, ts in shapes
              if accept(name, counts[speaker_key(name)], interviewers)]
    return _drop_quoted(labels, interviewers)


def _drop_quoted(labels: list[Label], interviewers: Sequence[str]) -> list[Label]:
    """Drop names that only occur inside one participant turn: a participant quoting a dialogue
    ("Me: ... / Chosen AI: ...") between `User:` and the next `AI:` is part of what the participant said."""
    hinted = [(k, role_hint(lb.name, interviewers)) for k, lb in enumerate(labels)]
    hinted = [(k, r) for k, r in hinted if r is not None]
    if len(hinted) < 2:
        return labels
    gap_of: dict[int, int] = {}  # label index -> index in `hinted` of the hinted label before it
    h = -1
    for k in range(len(labels)):
        while h + 1 < len(hinted) and hinted[h + 1][0] <= k:
            h += 1
        gap_of[k] = h
    gaps_by_key: dict[str, set[int]] = {}
    for k, lb in enumerate(labels):
        if role_hint(lb.name, interviewers) is None:
            gaps_by_key.setdefault(lb.key, set()).add(gap_of[k])
    quoted = {key for key, gaps in gaps_by_key.items()
              if len(gaps) == 1 and (g := next(iter(gaps))) >= 0 and g + 1 < len(hinted)
              and hinted[g][1] == "participant"}
    return [lb for lb in labels if lb.key not in quoted]


def stripped_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span with surrounding whitespace removed (start == end when it is all whitespace)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def assign_roles(speakers: Sequence[tuple[str, str]], interviewers: Sequence[str] = ()) -> dict[str, Role]:
    """Role per speaker key, from (speaker name, utterance) pairs in order.

    Role words, participant ids and `interviewers` decide first. Otherwise, with 2+ speakers and no known
    interviewer, the unknown speaker who asks most (share of turns ending in '?', shrunk towards 0 for speakers
    with few turns) and speaks least is the interviewer; everyone else, and a lone speaker, is a participant.
    """
    names: dict[str, str] = {}
    turns: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for name, utterance in speakers:
        key = speaker_key(name)
        names.setdefault(key, name)
        turns[key] += 1
        questions[key] += utterance.rstrip().endswith("?")
        words[key] += len(utterance.split())
    roles: dict[str, Role] = {}
    unknown = []
    for key, name in names.items():
        hint = role_hint(name, interviewers)
        if hint:
            roles[key] = hint
        else:
            unknown.append(key)
    if unknown and len(names) >= 2 and "interviewer" not in roles.values():
        total_words = sum(words.values()) or 1

        def score(k: str) -> float:
            return questions[k] / (turns[k] + 2) - words[k] / total_words

        roles[max(unknown, key=score)] = "interviewer"
    for key in unknown:
        roles.setdefault(key, "participant")
    return roles


def _paragraph_turns(text: str) -> list[Turn]:
    """One participant turn per blank-line separated paragraph (the no-labels fallback)."""
    turns = []
    para_start = None
    lines = lines_of(text)
    for a, b in lines + [(len(text), len(text))]:
        blank = not text[a:b].strip()
        if blank or (a, b) == (len(text), len(text)):
            if para_start is not None:
                s, e = stripped_span(text, para_start, a if blank else b)
                if e > s:
                    turns.append(Turn(UNLABELLED_SPEAKER, "participant", s, e, text[s:e]))
                para_start = None
        elif para_start is None:
            para_start = a
    return turns


def _is_header(text: str, start: int, end: int) -> bool:
    """Short text before the first label (a title, a date line) is not anyone's speech."""
    lines = [ln for ln in _LINE_BREAK.split(text[start:end]) if ln.strip()]
    return len(lines) <= 3 and all(len(ln.strip()) <= 100 for ln in lines)


def parse_speaker_turns(text: str, *, interviewers: Sequence[str] = ()) -> tuple[list[Turn], bool]:
    """Split a transcript's text into speaker turns; returns (turns, labelled).

    Every turn satisfies `text[turn.char_start:turn.char_end] == turn.text` (label excluded, whitespace stripped);
    turns are in order and do not overlap. Lines without a label continue the previous turn. When every label is
    an interviewer's (think-aloud notes: only `MODERATOR:` is labelled), an interviewer turn is its label's line
    and the unlabelled text between them is the participant's. Text before the first label is dropped when it is
    a short header, else it becomes a participant turn. No labels at all: one participant turn per paragraph,
    labelled=False.
    """
    labels = find_labels(text, interviewers)
    if not labels:
        return _paragraph_turns(text), False

    hints = {lb.key: role_hint(lb.name, interviewers) for lb in labels}
    one_sided = all(h == "interviewer" for h in hints.values())
    spans: list[tuple[str | None, int, int, float | None]] = []  # (speaker name or None = unlabelled, start, end, ts)
    lines = lines_of(text)

    if one_sided:
        prev_end = 0
        for lb in labels:
            if lb.line_start < prev_end:  # the label line was consumed as the previous label's content
                continue
            spans.append((None, prev_end, lb.line_start, None))
            end = lb.line_end
            if not text[lb.content_start:end].strip():  # "MODERATOR:" alone: the question is the next line
                for a, b in lines[lb.line + 1:]:
                    if text[a:b].strip():
                        end = b
                        break
            spans.append((lb.name, lb.content_start, end, lb.start_s))
            prev_end = end
        spans.append((None, prev_end, len(text), None))
    else:
        first = labels[0]
        if not _is_header(text, 0, first.line_start):
            spans.append((None, 0, first.line_start, None))
        for lb, nxt in zip(labels, labels[1:] + [None]):
            end = nxt.line_start if nxt else len(text)
            spans.append((lb.name, lb.content_start, end, lb.start_s))

    pieces = []
    for name, a, b, ts in spans:
        s, e = stripped_span(text, a, b)
        if e > s:
            pieces.append((name or UNLABELLED_SPEAKER, name is None, s, e, ts))
    roles = assign_roles([(n, text[s:e]) for n, unl, s, e, _ in pieces if not unl], interviewers)
    turns = [Turn(n, "participant" if unl else roles[speaker_key(n)], s, e, text[s:e], ts)
             for n, unl, s, e, ts in pieces]
    return turns, True
