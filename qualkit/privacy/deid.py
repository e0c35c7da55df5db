"""De-identification: replace direct identifiers with consistent placeholders, keeping offsets mappable.

    >>> result = deidentify(transcripts, participants="participants.csv", confirmed_names=["Maple Hollow"])
    >>> result.write_mapping("~/private/mapping.json")   # placeholder -> original: keep it outside the project
    >>> new_decisions = result.remap_decisions(decisions)

The same original always gets the same placeholder across the corpus (`[PERSON_1]`, `[EMAIL_2]`, ...),
numbered by first appearance, so the output is deterministic for the same input.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..atomic import write_bytes
from ..coding import Coding, Decision
from ..errors import QualkitError
from ..transcript import Transcript, Turn
from .detect import TITLES, Hit, name_pattern, name_variants, pattern_hits, resolve
from .names import is_person_speaker, known_names
from .offsets import Edit, OffsetMap

MAPPING_FORMAT = "qualkit-deid-mapping/1"


@dataclass(frozen=True)
class Replacement:
    """One replaced occurrence: `original` at old[old_start:old_end] is `placeholder` at new[new_start:new_end]."""

    transcript_id: str
    kind: str
    placeholder: str
    original: str
    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class ReportRow:
    """One placeholder in the review report. `excerpt` is de-identified text around its first occurrence."""

    kind: str
    placeholder: str
    count: int
    transcripts: tuple[str, ...]
    excerpt: str


@dataclass(frozen=True)
class DeidResult:
    transcripts: tuple[Transcript, ...]
    offset_maps: Mapping[str, OffsetMap]  # transcript id -> map from old to new offsets
    replacements: tuple[Replacement, ...]
    mapping: Mapping[str, str]  # placeholder -> original (the first form seen; PERSON: the full name)
    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # placeholder -> every original form seen
    salt: str = ""

    def fingerprint(self, placeholder: str) -> str:
        """sha256(salt, kind, original)[:16]: the same person gets the same fingerprint in batches de-identified
        separately with the same salt, so they can be linked without keeping the original. '' without a salt."""
        if not self.salt:
            return ""
        kind = placeholder.strip("[]").rsplit("_", 1)[0]
        key = _normal(kind, self.mapping[placeholder])
        return hashlib.sha256(f"{self.salt}\x1f{kind}\x1f{key}".encode()).hexdigest()[:16]

    def report(self) -> list[ReportRow]:
        """What was replaced, one row per placeholder, in order of first appearance."""
        by = defaultdict(list)
        for r in self.replacements:
            by[r.placeholder].append(r)
        texts = {t.id: t.text for t in self.transcripts}
        rows = []
        for ph, reps in by.items():
            first = reps[0]
            text = texts[first.transcript_id]
            excerpt = " ".join(text[max(0, first.new_start - 40):first.new_end + 40].split())
            rows.append(ReportRow(first.kind, ph, len(reps), tuple(dict.fromkeys(r.transcript_id for r in reps)),
                                  excerpt))
        return rows

    def report_csv(self) -> str:
        """The report as CSV text (kind, placeholder, count, transcripts, excerpt): contains no originals."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["kind", "placeholder", "count", "transcripts", "excerpt"])
        for r in self.report():
            w.writerow([r.kind, r.placeholder, r.count, " ".join(r.transcripts), r.excerpt])
        return buf.getvalue()

    def map_span(self, transcript_id: str, start: int, end: int) -> tuple[int, int]:
        return self.offset_maps[transcript_id].map(start, end)

    def remap_decisions(self, decisions: Iterable[Decision]) -> list[Decision]:
        """The decisions with spans moved to the de-identified text (transcripts not de-identified: unchanged)."""
        return self._remap(decisions)

    def remap_codings(self, codings: Iterable[Coding]) -> list[Coding]:
        return self._remap(codings)

    def _remap(self, items):
        out = []
        for x in items:
            m = self.offset_maps.get(x.transcript_id)
            if m is not None:
                s, e = m.map(x.char_start, x.char_end)
                x = replace(x, char_start=s, char_end=e)
            out.append(x)
        return out

    def mapping_document(self) -> dict:
        """What `write_mapping` writes: placeholder -> kind, original, every form seen, count (and fingerprint)."""
        counts = Counter(r.placeholder for r in self.replacements)
        return {
            "format": MAPPING_FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "warning": "Re-identifies participants. Keep it private; never put it in a project or share it.",
            "placeholders": {ph: {"kind": ph.strip("[]").rsplit("_", 1)[0], "original": orig,
                                  "forms": list(self.forms.get(ph, (orig,))), "count": counts[ph],
                                  **({"fingerprint": self.fingerprint(ph)} if self.salt else {})}
                             for ph, orig in self.mapping.items()},
        }

    def write_mapping(self, path: str | Path, *, protected=()) -> Path:
        """Write the placeholder -> original mapping as JSON, atomically, readable only by its owner (0600).

        Refuses (QualkitError) a path inside a qualkit project folder: the mapping re-identifies participants
        and must live somewhere the researcher controls, never beside the data it protects; and any path
        `qualkit.atomic.check_target` refuses (a missing folder, `protected` files such as the inputs).
        """
        path = Path(path).expanduser()
        project = _enclosing_project(path)
        if project is not None:
            raise QualkitError(f"{path}: is inside the qualkit project {project}; the de-identification mapping "
                               "re-identifies participants, so write it outside the project (e.g. ~/private/)")
        data = json.dumps(self.mapping_document(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
        return write_private(path, data, protected=protected)


def _enclosing_project(path: Path) -> Path | None:
    for folder in [path.resolve().parent, *path.resolve().parent.parents]:
        if (folder / "qualkit.json").exists():
            return folder
    return None


def write_private(path: Path, data: bytes, *, protected=()) -> Path:
    """Atomic write with mode 0600 from the first byte (the temporary file is created private)."""
    return write_bytes(path, data, mode=0o600, protected=protected)


def _normal(kind: str, original: str) -> str:
    """When two spellings are the same identifier (and so share a placeholder)."""
    s = " ".join(original.split())
    if kind in ("EMAIL", "URL"):
        return s.casefold().rstrip("/")
    if kind == "PHONE":
        return re.sub(r"\D", "", s)
    if kind in ("POSTCODE", "RECORD"):
        return re.sub(r"[\s-]", "", s).upper()
    return s.casefold()


class _Placeholders:
    def __init__(self):
        self.by_key: dict[tuple[str, str], str] = {}
        self.counters: Counter[str] = Counter()
        self.mapping: dict[str, str] = {}
        self.forms: dict[str, list[str]] = defaultdict(list)

    def get(self, kind: str, key: str, original: str, form: str | None = None) -> str:
        k = (kind, key)
        if k not in self.by_key:
            self.counters[kind] += 1
            ph = f"[{kind}_{self.counters[kind]}]"
            self.by_key[k] = ph
            self.mapping[ph] = original
        ph = self.by_key[k]
        form = form if form is not None else original
        if form not in self.forms[ph]:
            self.forms[ph].append(form)
        return ph


def deidentify(transcripts: Sequence[Transcript], *, participants=None, confirmed_names: Iterable[str] = (),
               salt: str = "") -> DeidResult:
    """Replace identifiers in every transcript with consistent placeholders.

    Replaced: names of speakers whose labels are names (not roles or ids like Interviewer, P01), names in
    name-like columns of `participants` (a participants.csv path or {id: {column: value}}), `confirmed_names`
    (see `candidate_names`), e-mail addresses, URLs, phone numbers, dates (not bare years), postcodes (UK, US
    with a state or "zip", EU and Dutch before a place name) and record numbers (MRN, NHS number, SSN, ...).
    A person's name is also replaced by its parts ("Jane Doe": "Jane", "Doe"), and a title is kept ("Dr.").

    Returns new Transcripts (text, turn spans and person-like speakers replaced; attribute values that are
    names replaced), an OffsetMap per transcript, every Replacement and the placeholder -> original mapping.
    Raises InputError (from reading participants.csv) for a bad participants file.
    """
    transcripts = list(transcripts)
    names = known_names(transcripts, participants, confirmed_names)
    variant_of: dict[str, str] = {}  # casefolded variant -> canonical name
    variants: list[str] = []
    for n in names:
        canonical = " ".join(w for w in n.split() if w.casefold() not in TITLES)
        for v in name_variants(n):
            variants.append(v)
            # a part shared by two people ("Doe") stays with the first one named
            variant_of.setdefault(" ".join(v.split()).casefold(), canonical)
    pattern = name_pattern(variants)
    ph = _Placeholders()
    out, maps, reps = [], {}, []
    for t in transcripts:
        hits = pattern_hits(t.text)
        if pattern is not None:
            hits += [Hit("PERSON", m.start(), m.end(), m.group(0)) for m in pattern.finditer(t.text)]
        hits = resolve(hits)
        pieces, edits, pos, new_len = [], [], 0, 0
        for h in hits:
            if h.kind == "PERSON":
                canonical = variant_of[" ".join(h.original.split()).casefold()]
                placeholder = ph.get("PERSON", canonical.casefold(), canonical, h.original)
            else:
                placeholder = ph.get(h.kind, _normal(h.kind, h.original), h.original)
            pieces.append(t.text[pos:h.start])
            new_len += h.start - pos
            edits.append(Edit(h.start, h.end, new_len, new_len + len(placeholder)))
            reps.append(Replacement(t.id, h.kind, placeholder, h.original, h.start, h.end, new_len,
                                    new_len + len(placeholder)))
            pieces.append(placeholder)
            new_len += len(placeholder)
            pos = h.end
        pieces.append(t.text[pos:])
        text = "".join(pieces)
        omap = OffsetMap(edits, len(t.text))
        maps[t.id] = omap

        def speaker(name: str) -> str:
            if not is_person_speaker(name):
                return name
            key = " ".join(name.split()).casefold()
            canonical = variant_of.get(key) or variant_of.get(" ".join(
                w for w in name.split() if w.casefold() not in TITLES).casefold())
            return ph.get("PERSON", canonical.casefold(), canonical, name) if canonical else name

        turns = []
        for turn in t.turns:
            s, e = omap.map(turn.char_start, turn.char_end)
            turns.append(Turn(speaker(turn.speaker), turn.role, s, e, text[s:e], turn.start_s, turn.end_s))
        attributes = {k: _scrub_value(v, variant_of, ph) for k, v in t.attributes.items()}
        new = replace(t, text=text, turns=tuple(turns), attributes=attributes)
        new.check_spans()
        out.append(new)
    return DeidResult(tuple(out), maps, tuple(reps), dict(ph.mapping), {k: tuple(v) for k, v in ph.forms.items()},
                      salt)


def _scrub_value(value: str, variant_of: Mapping[str, str], ph: _Placeholders) -> str:
    canonical = variant_of.get(" ".join(str(value).split()).casefold())
    return ph.get("PERSON", canonical.casefold(), canonical, value) if canonical else value
