"""Which names to replace: speaker labels, participants.csv name columns, and capitalised tokens proposed to
the researcher (`candidate_names`) who confirms the real ones."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..ingest.speakers import UNLABELLED_SPEAKER, role_hint
from ..transcript import Transcript
from .detect import TITLES

_SPEAKER_ID = re.compile(r"^(?:speaker|spk|p|participant|respondent|interviewee|interviewer|int)[ _-]?\d*$",
                         re.IGNORECASE)

# Capitalised words that are rarely names in interviews, whatever their capital letter says.
_COMMON = frozenset("""
i i'm i've i'd i'll ai a an the and or but so if then yes no okay ok oh um uh hmm yeah well like just really
hi hello hey thanks thank dear sorry please
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december christmas easter covid english french german spanish european american
british internet email gp nhs er icu ehr emr llm gpt chatgpt mrs mr ms dr prof interviewer participant
""".split())  # noqa: SIM905 (a word list reads better as text)

_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:van|von|de|da|del|der|la|le|du|bin|al)?\s*[A-ZÀ-ÖØ-Þ][\w'’-]*)*")
_SENTENCE_END = re.compile(r"(?:[.!?…:\"“”]\s*|\n\s*|^\s*)$")


def is_person_speaker(name: str) -> bool:
    """A speaker label that names a person ("Jane", "Dr. Smith"), not a role or an id ("Interviewer", "P01")."""
    if not name or name == UNLABELLED_SPEAKER:
        return False
    if role_hint(name) is not None or _SPEAKER_ID.match(name.strip()):
        return False
    return any(c.isalpha() for c in name)


NAME_COLUMNS = ("name", "full_name", "fullname", "first_name", "firstname", "given_name", "last_name", "lastname",
                "surname", "family_name", "participant_name", "interviewer_name", "preferred_name")


def participant_names(participants: Mapping[str, Mapping[str, str]] | str | Path | None) -> list[str]:
    """Values of name-like columns (name, first_name, surname, ...) of participants.csv (a path or what
    `qualkit.ingest.read_participants` returns)."""
    if participants is None:
        return []
    if isinstance(participants, (str, Path)):
        from ..ingest import read_participants
        participants = read_participants(participants)
    out = []
    for attrs in participants.values():
        for k, v in attrs.items():
            if k.strip().casefold().replace(" ", "_") in NAME_COLUMNS and v and v.strip():
                out.append(" ".join(v.split()))
    return list(dict.fromkeys(out))


_PRIORITY = {"speaker label": 0, "after a title": 1, "mid-sentence capital": 2}


@dataclass(frozen=True)
class NameCandidate:
    """A capitalised word or phrase that may be a person's name, with where it occurs, for the researcher."""

    name: str
    count: int
    transcripts: tuple[str, ...]
    example: str  # a short excerpt around the first occurrence
    reason: str  # speaker label | after a title | mid-sentence capital


def candidate_names(transcripts: Sequence[Transcript], *, min_count: int = 1) -> list[NameCandidate]:
    """Capitalised tokens that look like names, most frequent first, for the researcher to confirm.

    Proposes: person-like speaker labels; words after a title (Dr., Mrs., ...); capitalised words or phrases in
    the middle of a sentence that never appear in lower case anywhere in the corpus (so "Trust" is skipped if
    "trust" occurs). Nothing is replaced until the researcher passes the confirmed ones as `confirmed_names`.
    """
    lower_words: set[str] = set()
    for t in transcripts:
        lower_words.update(w for w in re.findall(r"\b[a-z][\w'’-]*", t.text))
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = defaultdict(set)
    example: dict[str, str] = {}
    reason: dict[str, str] = {}

    def add(name: str, t: Transcript, pos: int, why: str) -> None:
        counts[name] += 1
        where[name].add(t.id)
        if name not in example:
            example[name] = " ".join(t.text[max(0, pos - 30):pos + len(name) + 30].split())
        if name not in reason or _PRIORITY[why] < _PRIORITY[reason[name]]:
            reason[name] = why

    for t in transcripts:
        for turn in t.turns:
            if is_person_speaker(turn.speaker):
                add(" ".join(w for w in turn.speaker.split() if w.casefold() not in TITLES) or turn.speaker,
                    t, turn.char_start, "speaker label")
        for m in _TOKEN.finditer(t.text):
            before = t.text[max(0, m.start() - 12):m.start()]
            if re.search(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Prof|Professor|Nurse)\.?\s+$", before):
                word = m.group(0).split()[0]
                if _name_shaped(word) and word.casefold() not in _COMMON:
                    add(word if len(m.group(0).split()) == 1 else m.group(0), t, m.start(), "after a title")
                continue
            # the phrase's runs of name-shaped words that are never written in lower case:
            # "Maple Hollow Family Practice" -> "Maple Hollow" when "family" and "practice" occur as words
            pos = m.start()
            run: list[tuple[int, str]] = []
            for w in [*m.group(0).split(), None]:
                if w is not None:
                    at = t.text.index(w, pos)
                    pos = at + len(w)
                if w is not None and _name_shaped(w) and w.casefold() not in _COMMON \
                        and w.casefold() not in lower_words:
                    run.append((at, w))
                    continue
                if run:
                    start_at = run[0][0]
                    opening = _SENTENCE_END.search(t.text[max(0, start_at - 40):start_at])
                    # a capital at the start of a sentence says nothing, unless the run has 2+ words
                    if not opening or len(run) > 1:
                        add(" ".join(x for _, x in run), t, start_at, "mid-sentence capital")
                    run = []
    out = [NameCandidate(n, c, tuple(sorted(where[n])), example[n], reason.get(n, "mid-sentence capital"))
           for n, c in counts.items() if c >= min_count]
    return sorted(out, key=lambda c: (-c.count, c.name))


def _name_shaped(word: str) -> bool:
    """Capitalised letters only (apostrophes and hyphens between capitalised parts allowed): 'Okafor',
    "O'Brien", 'McAllister', 'Jean-Luc'; not 'PhD', 'A1c', 'CTs', 'AI-drafted' or acronyms like 'NHS'."""
    parts = re.split(r"[-'’]", word)
    if any(not p for p in parts) or any(c.isdigit() for c in word):
        return False
    if word.isupper():  # acronyms: NHS, GP, EHR
        return False
    for p in parts:
        if not p[0].isupper() or not p.isalpha():
            return False
        inner = p[1:]
        if any(c.isupper() for c in inner) and not re.match(r"^(?:Mc|Mac|De|Di|La|Le|Van)[A-Z][a-z]+$", p):
            return False
    return True


def known_names(transcripts: Iterable[Transcript], participants=None, confirmed: Iterable[str] = ()) -> list[str]:
    """Every name to replace: person-like speaker labels, participants.csv names and confirmed names."""
    names = []
    for t in transcripts:
        names += [" ".join(turn.speaker.split()) for turn in t.turns if is_person_speaker(turn.speaker)]
    names += participant_names(participants)
    names += [" ".join(n.split()) for n in confirmed if n and n.strip()]
    return list(dict.fromkeys(names))
