"""Validate a codebook given as plain data (dicts, lists, strings) and build a Codebook from it.

Both file formats (YAML, CSV) are read into the same plain shape and checked here, so every
format reports problems the same way: every problem at once, each as
`path:line -> <code name>: message` (`path:row N -> ...` for CSV rows).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence

from .model import Code, Codebook

TOP_LEVEL_KEYS = ("name", "version", "codes")
CODE_KEYS = ("name", "definition", "include", "exclude", "examples", "counterexamples", "keywords", "parent",
             "color")
TEXT_KEYS = ("include", "exclude")
LIST_KEYS = ("examples", "counterexamples", "keywords")
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Codebooks nest a theme, codes and sub-codes: 3-5 levels. Far deeper chains are mistakes, and exporters that
# nest elements by parent (REFI-QDA) would write XML other tools refuse to read.
MAX_LEVELS = 32

# Letters that look like Latin ones. Enough to catch a code name retyped on a Cyrillic or Greek keyboard layout
# (Unicode's full confusables table, TR39, is not in the standard library); mixed scripts are flagged as well.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсухіјѕԁӏІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκνρτυχ",
                            "ABEKMHOPCTXaeopcyxijsdlIJSABEZHIKMNOPTYXoknptux")
# Invisible format characters: zero-width space/joiners, word joiner, BOM, soft hyphen, bidirectional controls.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Of those, the ones that have no place in a name. Not the joiners U+200C/U+200D (Persian and Indic words, emoji
# sequences need them), nor LRM/RLM inside a mixed-direction name (at either end they only hide a twin).
_SUSPICIOUS = re.compile(r"[\u00ad\u180e\u200b\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
                         r"|^[\u200e\u200f]|[\u200e\u200f]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def name_key(name: str) -> str:
    """What makes two code names "the same" to a reader: Unicode-normalised (NFKC: `Café` typed two ways is one
    name), invisible characters removed, case ignored, look-alike Cyrillic/Greek letters read as Latin."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).translate(_LOOKALIKES).casefold()


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    n = unicodedata.name(ch, "")
    return next((s for s in ("LATIN", "CYRILLIC", "GREEK") if n.startswith(s)), "OTHER")


def name_problem(name: str) -> str | None:
    """Why a code name would fool a reader (invisible or control characters, a word mixing Latin with Cyrillic
    or Greek letters), else None."""
    bad = _SUSPICIOUS.search(name) or _CONTROL.search(name)
    if bad:
        ch = bad.group()
        return (f"the name contains the invisible character U+{ord(ch):04X} "
                f"{unicodedata.name(ch, 'control character')} at position {bad.start() + 1}; delete it")
    for word in re.findall(r"\w+", name):
        scripts = {_script(ch) for ch in word} - {None, "OTHER"}
        if "LATIN" in scripts and len(scripts) > 1:
            odd = next(ch for ch in word if _script(ch) in scripts - {"LATIN"})
            return (f"the word {word!r} mixes Latin letters with {unicodedata.name(odd).split()[0].title()} ones "
                    f"({odd!r} is U+{ord(odd):04X} {unicodedata.name(odd)}); retype it")
    return None


# Subject used in messages about the file as a whole rather than one code.
CODEBOOK_SUBJECT = "codebook"

Location = tuple  # ("codes", 3, "examples", 1): a path into the plain data


def _kind(value) -> str:
    """A researcher-readable name for a YAML value's type."""
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping (key: value pairs)"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__


def _quote_hint(value) -> str:
    # A bare 2024 or true is read as a number or a boolean; quoting makes it text.
    return " (put it in quotes)" if isinstance(value, (bool, int, float)) else ""


def _unknown_key(key, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}'{hint} Valid keys: {', '.join(valid)}"


class _Reporter:
    """Formats problems with the file and line (or row) they come from."""

    def __init__(self, path: str, lines: Mapping[Location, int] | None, unit: str):
        self.path = path
        self.lines = lines or {}
        self.unit = unit
        self._found: list[tuple[int, str]] = []

    @property
    def problems(self) -> list[str]:
        """Every problem, in file order (cross-code checks run last but belong where they occur)."""
        return [message for _, message in sorted(self._found, key=lambda f: f[0])]

    def line(self, loc: Location) -> int | None:
        # Fall back to the nearest enclosing location that has a line (a missing key has none).
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def where(self, loc: Location) -> str:
        n = self.line(loc)
        if n is None:
            return self.path
        return f"{self.path}:{n}" if self.unit == "line" else f"{self.path}:{self.unit} {n}"

    def ref(self, loc: Location) -> str:
        n = self.line(loc)
        return f"{self.unit} {n}" if n is not None else "earlier"

    def add(self, loc: Location, subject: str, message: str) -> None:
        self._found.append((self.line(loc) or 0, f"{self.where(loc)} -> {subject}: {message}"))


def validate_codebook_dict(data, path: str = "<codebook>", lines: Mapping[Location, int] | None = None,
                           *, unit: str = "line", require_definition: bool = True) -> list[str]:
    """Check a codebook in plain form ({"name", "version", "codes": [{"name", "definition", ...}]}).

    `lines` maps locations such as ("codes", 2, "parent") to line (or row) numbers; `unit` is the word
    used for them ("line" for YAML, "row" for CSV). Returns every problem found, formatted
    `path:line -> <code name>: message`; an empty list means `codebook_from_dict` will succeed.
    `require_definition=False` accepts empty definitions (Taguette exports often have them).
    """
    rep = _Reporter(str(path), lines, unit)
    top = CODEBOOK_SUBJECT
    if not isinstance(data, Mapping):
        rep.add((), top, f"the file must be a mapping with keys name, version and codes; got {_kind(data)}")
        return rep.problems

    for key in data:
        if key not in TOP_LEVEL_KEYS:
            rep.add((key,), top, _unknown_key(key, TOP_LEVEL_KEYS))
    if "name" in data and not (isinstance(data["name"], str) and data["name"].strip()):
        rep.add(("name",), top, f"name must be non-empty text; got {_kind(data['name'])}")
    if "version" in data and (isinstance(data["version"], bool)
                              or not isinstance(data["version"], (str, int, float))
                              or not str(data["version"]).strip()):
        rep.add(("version",), top, f"version must be a number or text such as 1 or '2024-03'; got "
                                   f"{_kind(data['version'])}")

    if "codes" not in data:
        rep.add((), top, "no 'codes' list; add `codes:` followed by a list of codes, each with a name and a "
                         "definition")
        return rep.problems
    codes = data["codes"]
    if not isinstance(codes, list):
        rep.add(("codes",), top, f"'codes' must be a list of codes (each item starting with '- name:'); got "
                                 f"{_kind(codes)}")
        return rep.problems
    if not codes:
        rep.add(("codes",), top, "the codebook is empty: 'codes' has no codes; add at least one code with a name "
                                 "and a definition")
        return rep.problems

    named: list[tuple[int, str]] = []  # (index, name) of codes whose name is usable
    for i, entry in enumerate(codes):
        loc = ("codes", i)
        if not isinstance(entry, Mapping):
            rep.add(loc, f"code {i + 1}", f"each code must be a mapping with at least name and definition; got "
                                          f"{_kind(entry)}")
            continue
        name = entry.get("name")
        good_name = isinstance(name, str) and bool(name.strip())
        subject = name.strip() if good_name else f"code {i + 1}"
        if "name" not in entry:
            rep.add(loc, subject, "missing name; every code needs `name:`")
        elif name is None or (isinstance(name, str) and not name.strip()):
            rep.add(loc + ("name",), subject, "empty name; every code needs a name")
        elif not isinstance(name, str):
            rep.add(loc + ("name",), subject, f"name must be text; got {_kind(name)}{_quote_hint(name)}")
        if good_name:
            named.append((i, name.strip()))
            fooled = name_problem(name.strip())
            if fooled:
                rep.add(loc + ("name",), subject, fooled)

        for key in entry:
            if key not in CODE_KEYS:
                rep.add(loc + (key,), subject, _unknown_key(key, CODE_KEYS))

        definition = entry.get("definition")
        if definition is not None and not isinstance(definition, str):
            rep.add(loc + ("definition",), subject, f"definition must be text; got {_kind(definition)}")
        elif require_definition and "definition" not in entry:
            rep.add(loc, subject, "missing definition; say in a sentence or two what this code means")
        elif require_definition and not (definition or "").strip():
            rep.add(loc + ("definition",), subject, "empty definition; say in a sentence or two what this code "
                                                     "means")

        for key in TEXT_KEYS:
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                rep.add(loc + (key,), subject, f"{key} must be text; got {_kind(value)}")

        for key in LIST_KEYS:
            value = entry.get(key)
            if value is None:
                continue
            if not isinstance(value, list):
                rep.add(loc + (key,), subject, f"{key} must be a list of strings; got {_kind(value)} (write one "
                                               f"'- ' item per line, or [\"...\", \"...\"])")
                continue
            for j, item in enumerate(value):
                if not isinstance(item, str):
                    rep.add(loc + (key, j), subject, f"{key} must be a list of strings; item {j + 1} is "
                                                     f"{_kind(item)}{_quote_hint(item)}")
                elif not item.strip():
                    rep.add(loc + (key, j), subject, f"{key} item {j + 1} is empty")

        if "parent" in entry:
            parent = entry["parent"]
            if parent is not None and not isinstance(parent, str):
                rep.add(loc + ("parent",), subject, f"parent must be the name of another code; got {_kind(parent)}")
            elif isinstance(parent, str) and not parent.strip():
                rep.add(loc + ("parent",), subject, "empty parent; remove `parent:` for a top-level code")

        if "color" in entry:
            color = entry["color"]
            if color is None:
                rep.add(loc + ("color",), subject, "empty color; in YAML a bare # starts a comment, so quote the "
                                                   "colour: color: \"#1f77b4\"")
            elif not (isinstance(color, str) and COLOR_RE.match(color.strip())):
                rep.add(loc + ("color",), subject, f"bad color {color!r}; use #RRGGBB, e.g. \"#1f77b4\"")

    _check_names_and_parents(codes, named, rep)
    return rep.problems


def _check_names_and_parents(codes: list, named: list[tuple[int, str]], rep: _Reporter) -> None:
    """Cross-code checks: duplicate names, unknown parents, cyclic parents."""
    first: dict[str, int] = {}  # name_key -> index of its first definition
    for i, name in named:
        key = name_key(name)
        if key in first:
            j = first[key]
            other = codes[j]["name"].strip()
            how = ("names are compared ignoring case" if name.casefold() == other.casefold() else
                   "they look the same: names are compared ignoring case, invisible characters, Unicode "
                   "normalisation and look-alike letters")
            rep.add(("codes", i, "name"), name,
                    f"duplicate code name; '{other}' is already defined at {rep.ref(('codes', j, 'name'))} ({how})")
        else:
            first[key] = i
    exact = {codes[i]["name"].strip(): i for i in first.values()}

    parent_of: dict[str, str] = {}
    for i, name in named:
        if first.get(name_key(name)) != i:
            continue  # a duplicate: already reported, and its parent would be ambiguous
        parent = codes[i].get("parent")
        if not isinstance(parent, str) or not parent.strip():
            continue
        parent = parent.strip()
        if parent in exact:
            parent_of[name] = parent
            continue
        ci = [n for n in exact if n.lower() == parent.lower()]
        close = ci or difflib.get_close_matches(parent, list(exact), n=1, cutoff=0.6)
        hint = (f"did you mean '{close[0]}'?" if close
                else f"add a code named '{parent}' or remove the parent")
        rep.add(("codes", i, "parent"), name, f"unknown parent '{parent}'; {hint}")

    # One walk per chain, never revisiting a resolved code: linear in the number of codes (a 3,000-deep chain
    # once took minutes with a path list searched at every step).
    depth: dict[str, int] = {}  # resolved codes: levels below the top (0 = top-level)
    for _, start in named:
        if start in depth:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node in parent_of and node not in depth and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = parent_of[node]
        if node in on_path:  # the walk came back to itself: a cycle
            cycle = path[on_path[node]:]
            # Name the cycle from the member that comes first in the file, so the message is stable.
            k = min(range(len(cycle)), key=lambda m: exact[cycle[m]])
            ordered = cycle[k:] + cycle[:k]
            shown = ordered if len(ordered) <= 8 else ordered[:4] + [f"... ({len(ordered) - 6} more)"] + ordered[-2:]
            chain = " -> ".join(shown + [ordered[0]])  # a 3,000-code cycle stays a readable line
            rep.add(("codes", exact[ordered[0]], "parent"), ordered[0],
                    f"cyclic parents: {chain}; a code cannot be its own ancestor")
            for member in cycle:
                depth[member] = -1  # reported once; codes under a cycle have no depth
            path = path[:on_path[node]]
            base = -1
        else:
            if node not in depth:
                depth[node] = 0  # a top-level code (or an unknown parent, reported above)
            base = depth[node]
        for member in reversed(path):
            base = -1 if base < 0 else base + 1
            depth[member] = base
            if base == MAX_LEVELS + 1:  # reported at the first code past the limit, not at each below it
                rep.add(("codes", exact[member], "parent"), member,
                        f"is {base} levels below its top-level code; a code hierarchy deeper than {MAX_LEVELS} "
                        "levels is a mistake (check the parent names)")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def codebook_from_dict(data: Mapping, default_name: str, source_path: str | None = None) -> Codebook:
    """Build a Codebook from plain data that `validate_codebook_dict` accepted.

    Text is stripped of surrounding whitespace (block scalars end in a newline); a missing
    codebook name becomes `default_name`, a missing version "1".
    """
    codes = []
    for entry in data["codes"]:
        fields = {k: _clean(v) for k, v in entry.items() if v is not None}
        for key in LIST_KEYS:
            if key in fields:
                fields[key] = tuple(item.strip() for item in fields[key])
        fields.setdefault("definition", "")
        if fields.get("parent") == "":
            fields.pop("parent")
        for key in ("name", "parent"):  # one spelling of `Café`, however the editor composed the é
            if key in fields:
                fields[key] = unicodedata.normalize("NFC", fields[key])
        codes.append(Code(**fields))
    name = _clean(data.get("name")) or default_name
    version = data.get("version")
    return Codebook(name=name, codes=tuple(codes), version=str(version).strip() if version is not None else "1",
                    source_path=source_path)
