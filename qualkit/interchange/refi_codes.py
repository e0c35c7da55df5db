"""What the REFI-QDA codebook (.qdc) and project (.qdpx) formats share: GUIDs, code trees, descriptions, dates.

GUIDs are uuid5 over content (`qualkit.ids.stable_id`), so the same codebook or project exports to the same
bytes every time, and a code has the same GUID in a .qdc and in a .qdpx.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from lxml import etree

from ..codebook.model import Code
from ..errors import InputError, QualkitError
from ..ids import stable_id
from .safe_read import kid, kids

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "qualkit"

_HEX6 = re.compile(r"^#[0-9A-Fa-f]{6}$")
_HEX3 = re.compile(r"^#[0-9A-Fa-f]{3}$")
# xs:dateTime: date 'T' time, optional fraction, optional zone
_XS_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")

# Section headers appended to a code's definition so include/exclude/examples survive a trip through
# tools that only know one Description. Written and parsed in this order.
_SECTIONS = (("include", "Include"), ("exclude", "Exclude"), ("examples", "Examples"),
             ("counterexamples", "Counterexamples"), ("keywords", "Keywords"))
_LISTS = {"examples", "counterexamples", "keywords"}
_HEADER = re.compile(r"^(Include|Exclude|Examples|Counterexamples|Keywords):[ \t]*(.*)$")


def guid(kind: str, *parts: object) -> str:
    """A stable REFI-QDA GUID for a `kind` of object (code, source, user, ...) identified by `parts`."""
    return stable_id("refi-qda", kind, *parts)


def code_guid(name: str) -> str:
    return guid("code", name)


def normalise_guid(value: str | None) -> str:
    """GUIDs may be written '{ABC...}' or 'abc...': compare them lower-case without braces."""
    return (value or "").strip().strip("{}").lower()


def colour(code: Code) -> str | None:
    """The code's colour as #RRGGBB (None when it has none); raises QualkitError for anything else."""
    if not code.color:
        return None
    c = code.color.strip()
    if _HEX6.match(c):
        return c
    if _HEX3.match(c):
        return "#" + "".join(ch * 2 for ch in c[1:])
    raise QualkitError(f"code {code.name!r}: colour {code.color!r} is not #RRGGBB; fix it in the codebook")


def xs_datetime(value: str | None) -> str | None:
    """`value` as an xs:dateTime, or None if it is empty or not a date-time (the attribute is then left out)."""
    if not value:
        return None
    if _XS_DATETIME.match(value):
        return value
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:  # qualkit records UTC
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.isoformat()


def description_of(code: Code) -> str:
    """The code's definition with include/exclude/examples/counterexamples/keywords appended as readable sections."""
    blocks = [code.definition.strip()] if code.definition.strip() else []
    for field, title in _SECTIONS:
        value = getattr(code, field)
        if not value:
            continue
        if field in _LISTS:
            items = "\n".join("- " + item.replace("\n", "\n  ") for item in value)
            blocks.append(f"{title}:\n{items}")
        else:
            blocks.append(f"{title}: {value.strip()}")
    return "\n\n".join(blocks)


def parse_description(text: str) -> dict:
    """Inverse of `description_of`: split a Description into definition and the sections we recognise.

    A description written by another tool has no section headers and becomes the definition as a whole.
    """
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out: dict = {"definition": []}
    current = "definition"
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        # a header only counts at the start or after a blank line, as description_of writes it
        if m and (i == 0 or not lines[i - 1].strip()):
            current = dict((t, f) for f, t in _SECTIONS)[m.group(1)]
            out[current] = [m.group(2)] if m.group(2) else []
            continue
        out.setdefault(current, []).append(line)
    result = {"definition": "\n".join(out.pop("definition")).strip()}
    for field, body in out.items():
        if field in _LISTS:
            items: list[str] = []
            for line in body:
                if line.startswith("- "):
                    items.append(line[2:])
                elif line.startswith("  ") and items:
                    items[-1] += "\n" + line[2:]
                elif line.strip():
                    items.append(line.strip())
            result[field] = tuple(items)
        else:
            result[field] = "\n".join(body).strip()
    return result


def ordered_tree(codes) -> list[tuple[Code, list]]:
    """Codes as a forest: top level in codebook order, children under their parent in codebook order.

    A code whose parent is not in the codebook (or that sits in a parent cycle) goes to the top level.
    """
    by_name = {c.name: c for c in codes}
    children: dict[str, list[Code]] = {}
    roots = []
    for c in codes:
        if c.parent and c.parent in by_name and c.parent != c.name:
            children.setdefault(c.parent, []).append(c)
        else:
            roots.append(c)
    placed: set[str] = set()

    def build(c):
        placed.add(c.name)
        return (c, [build(k) for k in children.get(c.name, []) if k.name not in placed])

    forest = [build(c) for c in roots]
    for c in codes:  # only codes caught in a parent cycle are left
        if c.name not in placed:
            forest.append(build(c))
    return forest


def code_elements(parent_el, forest, ns: str, note_refs: dict[str, list[str]] | None = None) -> None:
    """Append nested <Code> elements for `forest` under `parent_el` in namespace `ns`."""
    for code, kids_ in forest:
        attrs = {"guid": code_guid(code.name), "name": code.name, "isCodable": "true"}
        col = colour(code)
        if col:
            attrs["color"] = col
        el = etree.SubElement(parent_el, f"{{{ns}}}Code", attrs)
        desc = description_of(code)
        if desc:
            etree.SubElement(el, f"{{{ns}}}Description").text = desc
        for target in (note_refs or {}).get(code.name, []):
            etree.SubElement(el, f"{{{ns}}}NoteRef", {"targetGUID": target})
        code_elements(el, kids_, ns, note_refs)


def read_codes(codes_el, path, what: str) -> tuple[list[Code], dict[str, str], dict[str, list[str]]]:
    """Codes from a <Codes> element: (codes in document order, guid -> name, code name -> NoteRef GUIDs).

    Raises InputError naming the file for a code without a name or GUID, and for two codes with one GUID.
    Names are checked by the caller with the rest of the codebook (`codebook_check.checked_codebook`).
    """
    codes: list[Code] = []
    by_guid: dict[str, str] = {}
    notes: dict[str, list[str]] = {}

    def walk(el, parent: str | None):
        name = (el.get("name") or "").strip()
        g = normalise_guid(el.get("guid"))
        if not name:
            raise InputError(path, f"{what}: a Code (guid {el.get('guid')!r}) has no name")
        if not g:
            raise InputError(path, f"{what}: code {name!r} has no guid")
        if g in by_guid:
            # GUIDs compare ignoring case and braces (normalise_guid): 'c1' and 'C1' are one GUID, and a second
            # code with it would silently take over the first one's codings.
            raise InputError(path, f"{what}: codes {by_guid[g]!r} and {name!r} have the same GUID "
                                   f"{el.get('guid')!r} (GUIDs are compared ignoring case and braces); give each "
                                   "code its own GUID in the tool that wrote the file")
        desc_el = kid(el, "Description")
        parts = parse_description(desc_el.text if desc_el is not None else "")
        col = el.get("color")
        if col and _HEX3.match(col):
            col = "#" + "".join(ch * 2 for ch in col[1:])
        codes.append(Code(name=name, parent=parent, color=col or None, **parts))
        by_guid[g] = name
        refs = [normalise_guid(n.get("targetGUID")) for n in kids(el, "NoteRef")]
        if refs:
            notes[name] = refs
        for child in kids(el, "Code"):
            walk(child, name)

    for el in kids(codes_el, "Code"):
        walk(el, None)
    return codes, by_guid, notes
