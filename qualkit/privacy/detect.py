"""Finding direct identifiers in text: e-mail addresses, URLs, phone numbers, dates, postcodes, record numbers
and known names. Pure functions over a string; each hit is a `Hit(kind, start, end, original)`.

The patterns aim at what interview transcripts contain (spoken-style numbers, UK/US/EU addresses, hospital
record numbers). They favour recall over precision for structured identifiers, and precision for names: a name
is replaced only when the researcher, the speaker labels or participants.csv name it (see `candidate_names`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("EMAIL", "URL", "RECORD", "DATE", "POSTCODE", "PHONE", "PERSON")  # priority when hits overlap


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    original: str


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"

PATTERNS: dict[str, list[re.Pattern]] = {
    "EMAIL": [re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")],
    "URL": [re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]", re.IGNORECASE)],
    # Record numbers: a label (kept) followed by the number (replaced: group 1). SSN-like numbers on their own.
    "RECORD": [
        re.compile(r"\b(?:MRN|NHS(?:\s+(?:no\.?|number|#))?|(?:medical\s+|patient\s+|hospital\s+|chart\s+|case\s+)"
                   r"(?:record\s+)?(?:no\.?|number|#|id)|record\s+(?:no\.?|number|#)|SSN|social\s+security\s+number)"
                   r"\s*(?:is\s+|was\s+)?[:#]?\s*([A-Z]{0,3}[-\s]?\d[\d\s-]{3,15}\d)\b", re.IGNORECASE),
        re.compile(r"\b(\d{3}-\d{2}-\d{4})\b"),
    ],
    "DATE": [
        re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
        re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"),
        re.compile(rf"\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?\b"),
        re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?\b"),
        re.compile(rf"\b{_MONTH}\.?\s+\d{{4}}\b"),
    ],
    "PHONE": [
        # +44 20 7946 0958, (212) 555-0147, 555-0147, 07700 900123, 020 7946 0958; 7 to 15 digits in groups
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,6}){1,4}(?![\w-])"),
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\(\d{1,5}\)[\s.-]?\d{3,8}(?![\w-])"),
        re.compile(r"(?<![\w+])\+?\d{10,13}(?![\w-])"),
    ],
    "POSTCODE": [
        # UK: SW1A 1AA, M1 1AE, B33 8TH, GIR 0AA
        re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"),
        # US: ZIP after a state abbreviation or the word zip ("Boston, MA 02115", "zip code 90210-1234")
        re.compile(r"(?:(?<=\b[A-Z]{2} )|(?<=\b[A-Z]{2}, )|(?<=zip )|(?<=ZIP )|(?<=zip code )|(?<=ZIP code )"
                   r"|(?<=zipcode ))\d{5}(?:-\d{4})?\b"),
        # EU: 4-5 digits (optional country prefix) before a capitalised place name: "10115 Berlin", "D-80331 München"
        re.compile(r"\b(?:[A-Z]{1,2}-)?\d{4,5}(?=\s+[A-ZÄÖÜÉ][a-zäöüßéèàç]+)"),
        # NL: "1012 AB Amsterdam"
        re.compile(r"\b[1-9]\d{3} ?[A-Z]{2}(?=\s+[A-Z][a-z]+)"),
    ],
}


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def _keep(kind: str, text: str, before: str = "") -> bool:
    """Filters a pattern cannot express: a phone has 7-15 digits; a bare year range is not a phone."""
    if kind == "PHONE":
        n = _digits(text)
        if not 7 <= n <= 15:
            return False
        # "1990 2000 2010" (years listed) and "2019-2020" are not phone numbers
        groups = re.split(r"[\s.-]+", text.strip("+()"))
        if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
            return False
        # "between 500-2000 words": two plain groups are a phone number only after a word that says so
        if len(groups) == 2 and not text.startswith(("+", "(")) and not _PHONE_CUE.search(before):
            return False
    if kind == "DATE" and (m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)):
        y, mo, d = map(int, m.groups())
        return 1900 <= y <= 2099 and 1 <= mo <= 12 and 1 <= d <= 31
    if kind == "POSTCODE" and re.fullmatch(r"(?:19|20)\d\d", text):
        return False  # "the 2025 Snow White film": a year before a capitalised word, not "2000 Antwerpen"
    if kind == "DATE" and re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
        a, b = (int(x) for x in re.split(r"[/.-]", text)[:2])
        # day/month in either order ("60-30-10" is a split, not a date)
        if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
            return False
    return True


_PHONE_CUE = re.compile(r"\b(?:call|called|phone|number|no\.?|tel\.?|telephone|mobile|cell|ring|text|fax|dial|"
                        r"reach|contact|whatsapp|extension|ext\.?)\b", re.IGNORECASE)


def pattern_hits(text: str) -> list[Hit]:
    """Every structured-identifier match (may overlap; `resolve` picks among them)."""
    hits = []
    for kind, patterns in PATTERNS.items():
        for pat in patterns:
            for m in pat.finditer(text):
                g = 1 if pat.groups else 0
                s, e = m.span(g)
                if s < 0 or e <= s:
                    continue
                original = text[s:e]
                if _keep(kind, original, text[max(0, s - 30):s]):
                    hits.append(Hit(kind, s, e, original))
    return hits


TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof", "prof.", "professor",
                    "sir", "dame", "nurse", "doctor"})


def name_variants(name: str) -> list[str]:
    """The forms of a person's name worth replacing: the full name without titles, and each part of 3+ letters
    ("Dr. Jane Doe" -> "Jane Doe", "Jane", "Doe"), longest first."""
    words = [w for w in name.split() if w.casefold() not in TITLES]
    full = " ".join(words)
    out = [full] if full else []
    if len(words) > 1:
        out += [w for w in words if len(w.strip(".'’-")) >= 3 and w[:1].isupper()]
    return sorted(dict.fromkeys(out), key=lambda v: (-len(v), v))


def _case_forms(variant: str) -> set[str]:
    # speaker labels are often ALL CAPS ("SARAH:"); a researcher may type "jane" for "Jane"
    return {variant, variant.upper(), variant.title(), variant[:1].upper() + variant[1:]}


def name_pattern(variants: Iterable[str]) -> re.Pattern | None:
    """One regex matching any variant as a whole word (case forms: as written, Title, UPPER)."""
    forms = sorted({f for v in variants if v.strip() for f in _case_forms(v.strip())}, key=len, reverse=True)
    if not forms:
        return None
    alt = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"(?<![\w@])(?:{alt})(?![\w@])")


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits in text order: higher-priority kind wins, then the longer, then the earlier."""
    rank = {k: i for i, k in enumerate(KINDS)}
    chosen: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (rank[h.kind], -(h.end - h.start), h.start)):
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        chosen.append(h)
        taken.append((h.start, h.end))
    return sorted(chosen, key=lambda h: h.start)
