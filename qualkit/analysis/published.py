"""Compare a paper's reported themes and counts with what this project reproduces.

The YAML (see published/sample_study.yaml):

    study: short title            # required
    citation: ...                 # optional
    group_attribute: group        # participant attribute holding the groups (default "group")
    themes:
      - name: Human oversight
        definition: ...           # used for fuzzy matching when neither the name nor maps_to match
        maps_to: [Human oversight]   # optional: project code names
        reported:                 # optional: "7 of 11 clinicians"
          - {group: clinician, n: 7, of: 11}

Matching, first that succeeds: exact code name (case and spacing ignored), the `maps_to` codes, then the code
whose definition is most similar by TF-IDF cosine, if at least `threshold`. Reproduced prevalence counts the
participants with any matched code or any code under it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..snapshot import Snapshot
from .views import codes_under, participant_groups


@dataclass(frozen=True)
class ReportedCount:
    group: str
    n: int
    of: int


@dataclass(frozen=True)
class ThemeMatch:
    theme: str
    definition: str
    method: str  # name | maps_to | definition | not found
    codes: tuple[str, ...]
    similarity: float | None  # for definition matches
    reported: tuple[ReportedCount, ...]
    reproduced: Mapping[str, tuple[int, int]]  # group -> (n, of), for every group reported or present
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.codes)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["reproduced"] = {g: {"n": n, "of": of} for g, (n, of) in self.reproduced.items()}
        return d


@dataclass(frozen=True)
class PublishedComparison:
    study: str
    citation: str
    group_attribute: str
    note: str
    matches: tuple[ThemeMatch, ...]

    @property
    def not_found(self) -> tuple[str, ...]:
        return tuple(m.theme for m in self.matches if not m.found)

    def to_frame(self) -> pd.DataFrame:
        """One row per published theme and group: reported and reproduced n/of/% side by side."""
        recs = []
        for m in self.matches:
            groups = list(dict.fromkeys([r.group for r in m.reported] + list(m.reproduced)))
            reported = {r.group: r for r in m.reported}
            for g in groups or [None]:
                r = reported.get(g)
                n, of = m.reproduced.get(g, (None, None))
                recs.append({"published_theme": m.theme, "match": m.method, "codes": ", ".join(m.codes),
                             "similarity": m.similarity, "group": g,
                             "reported_n": r.n if r else None, "reported_of": r.of if r else None,
                             "reported_pct": 100.0 * r.n / r.of if r and r.of else None,
                             "reproduced_n": n, "reproduced_of": of,
                             "reproduced_pct": 100.0 * n / of if of else None,
                             "notes": "; ".join(m.notes)})
        return pd.DataFrame.from_records(recs)

    def to_dict(self) -> dict:
        return {"study": self.study, "citation": self.citation, "group_attribute": self.group_attribute,
                "note": self.note, "matches": [m.to_dict() for m in self.matches],
                "not_found": list(self.not_found)}


def _norm(s: str) -> str:
    return " ".join(str(s).split()).casefold()


MAX_PUBLISHED_BYTES = 1_000_000  # a paper's themes and counts: a few KB
_WHAT = "a published-study file"


def load_published(path) -> dict:
    """Read and validate the YAML through the guarded loader the codebook uses (no tags, anchors, aliases or
    deep nesting: a 463-byte alias bomb is refused in one scan); every problem is reported at once in one
    InputError."""
    from ..codebook.safe_yaml import YamlRefused, load_guarded, read_yaml_file

    path = Path(path)
    text = read_yaml_file(path, _WHAT, MAX_PUBLISHED_BYTES)
    try:
        loaded = load_guarded(text, _WHAT, needs=5)
    except YamlRefused as e:
        raise InputError(path, "not valid YAML for a published-study file: "
                         + "; ".join(f"line {line}: {m}" if line else m for line, m in e.problems)) from None
    data = loaded[0] if loaded else None
    if loaded and loaded[1].found:
        raise InputError(path, "not valid YAML for a published-study file: "
                         + "; ".join(f"line {line}: {m}" for _, line, m in loaded[1].found))
    problems = []
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping with 'study' and 'themes'")
    if not data.get("study"):
        problems.append("[study] missing: give the study a short title")
    themes = data.get("themes")
    if not isinstance(themes, list) or not themes:
        problems.append("[themes] missing or empty: list the published themes")
        themes = []
    for i, t in enumerate(themes):
        where = f"themes[{i}]"
        if not isinstance(t, dict) or not t.get("name"):
            problems.append(f"[{where}] each theme needs a 'name'")
            continue
        where = f"themes[{i}] {t['name']!r}"
        if "maps_to" in t and not (isinstance(t["maps_to"], list) and all(isinstance(x, str) for x in t["maps_to"])):
            problems.append(f"[{where} -> maps_to] must be a list of code names")
        for j, r in enumerate(t.get("reported") or []):
            w = f"[{where} -> reported[{j}]]"
            if not isinstance(r, dict) or not r.get("group"):
                problems.append(f"{w} needs 'group', 'n' and 'of', e.g. {{group: clinician, n: 7, of: 11}}")
                continue
            n, of = r.get("n"), r.get("of")
            if not (isinstance(n, int) and isinstance(of, int) and not isinstance(n, bool) and 0 <= n <= of and of > 0):
                problems.append(f"{w} 'n' and 'of' must be whole numbers with 0 <= n <= of and of > 0 "
                                f"(got n={n!r}, of={of!r})")
    if problems:
        raise InputError(path, f"{len(problems)} problem(s) in published-study file:\n  " + "\n  ".join(problems))
    return data


def compare_published(snapshot: Snapshot, published_yaml_path, *, threshold: float = 0.25) -> PublishedComparison:
    """Match each published theme to project codes and put reported and reproduced prevalence side by side.

    Raises InputError (naming the file and every problem) for a missing or malformed YAML.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    data = load_published(published_yaml_path)
    attribute = data.get("group_attribute", "group")
    groups_of = participant_groups(snapshot, attribute)
    present = sorted({g for g in groups_of.values() if g is not None})
    by_name = {_norm(c.name): c.name for c in snapshot.codebook.codes}
    codes = snapshot.codebook.codes
    definitions = [f"{c.name}. {c.definition} {c.include}".strip() for c in codes]

    pids_with: dict[str, set[str]] = {}
    for c in snapshot.codings:
        pids_with.setdefault(c.code, set()).add(snapshot.participant_of(c.transcript_id))

    matches = []
    for t in data["themes"]:
        name, definition = str(t["name"]), str(t.get("definition") or "")
        notes, similarity = [], None
        if _norm(name) in by_name:
            method, matched = "name", [by_name[_norm(name)]]
        else:
            maps = [m for m in (t.get("maps_to") or [])]
            matched = [m for m in maps if m in snapshot.codebook or m in pids_with]
            notes += [f"maps_to code {m!r} is not in this project's codebook" for m in maps if m not in matched]
            method = "maps_to" if matched else ""
            if not matched and definition and codes:
                try:
                    vec = TfidfVectorizer(stop_words="english").fit(definitions + [f"{name}. {definition}"])
                    sims = cosine_similarity(vec.transform([f"{name}. {definition}"]), vec.transform(definitions))[0]
                except ValueError:  # nothing but stop words on either side: nothing to compare
                    sims = np.zeros(len(codes))
                best = int(sims.argmax())
                if sims[best] >= threshold:
                    method, matched, similarity = "definition", [codes[best].name], float(sims[best])
                else:
                    notes.append(f"closest code {codes[best].name!r} has definition similarity "
                                 f"{sims[best]:.3f}, below the threshold {threshold}")
            if not matched:
                method = "not found"
        under = set().union(*(codes_under(snapshot, m) if m in snapshot.codebook else {m} for m in matched)) \
            if matched else set()
        pids = set().union(*(pids_with.get(c, set()) for c in under)) if under else set()
        reported = tuple(ReportedCount(str(r["group"]), int(r["n"]), int(r["of"])) for r in t.get("reported") or [])
        reproduced = {}
        for g in list(dict.fromkeys([r.group for r in reported] + present)):
            members = {p for p, pg in groups_of.items() if pg == g}
            reproduced[g] = (len(pids & members), len(members))
            if not members:
                notes.append(f"no participant in this project has {attribute} = {g!r}")
        matches.append(ThemeMatch(name, definition, method, tuple(matched), similarity, reported, reproduced,
                                  tuple(notes)))
    return PublishedComparison(str(data["study"]), str(data.get("citation") or ""), attribute,
                               str(data.get("note") or ""), tuple(matches))
