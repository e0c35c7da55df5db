"""Export a Snapshot as a REFI-QDA project (.qdpx: a zip of project.qde plus Sources/<guid>.txt).

Every GUID is uuid5 over content and the zip has fixed timestamps and order, so exporting the same
snapshot twice gives identical bytes. Positions are character (code point) offsets into the source text,
exactly qualkit's spans, and each source's text is stored as UTF-8 in Sources/.
"""
from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

from ..errors import QualkitError
from ..export.xml_text import xml_safe_all
from ..snapshot import Snapshot
from .refi_codes import ORIGIN, PROJECT_NS, code_elements, code_guid, guid, ordered_tree, xs_datetime
from .write import write_atomic

__all__ = ["export_qdpx", "qdpx_bytes", "AI_NOTE_TEXT"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest zip date: fixed so re-exports are byte-identical
AI_NOTE_GUID = guid("note", "qualkit:ai-suggested")
AI_NOTE_TEXT = ("Codings that reference this note began as a qualkit AI suggestion; the coder named as the "
                "coding's creatingUser reviewed and accepted it. All other codings were applied by hand.")
MEMO_MARK = "qualkit memo on "  # Note Description prefix that lets import_qdpx restore the memo's target


def _el(parent, tag, attrs=None, text=None):
    el = etree.SubElement(parent, f"{{{PROJECT_NS}}}{tag}", {k: v for k, v in (attrs or {}).items() if v})
    if text is not None:
        el.text = text
    return el


def _user(name: str) -> str:
    return guid("user", name)


def source_guid(transcript_id: str) -> str:
    return guid("source", transcript_id)


def project_xml(snapshot: Snapshot) -> tuple[bytes, dict[str, bytes]]:
    """(project.qde bytes, {zip entry name: source bytes}). Raises QualkitError for codings that name an
    unknown transcript or code, or whose span does not fit the transcript's text."""
    # XML cannot hold control characters (a form feed in a transcript, a bell in a code name): one replacement
    # character each, applied to the whole snapshot so names, GUIDs and offsets stay consistent
    snapshot = xml_safe_all(snapshot)
    texts = {t.id: t.text for t in snapshot.transcripts}
    codebook = snapshot.codebook
    for c in snapshot.codings:
        if c.transcript_id not in texts:
            raise QualkitError(f"coding of {c.code!r} by {c.coder!r} refers to unknown transcript "
                               f"{c.transcript_id!r}")
        if c.code not in codebook:
            raise QualkitError(f"coding in {c.transcript_id!r} [{c.char_start}:{c.char_end}] uses code {c.code!r}, "
                               "which is not in the codebook; add it to the codebook before exporting")
        if not 0 <= c.char_start <= c.char_end <= len(texts[c.transcript_id]):
            raise QualkitError(f"coding of {c.code!r} in {c.transcript_id!r} spans [{c.char_start}:{c.char_end}], "
                               f"outside its text ({len(texts[c.transcript_id])} characters)")

    # Where each memo's NoteRef goes; anything we cannot place hangs off the project.
    segments = {s.id: s for s in snapshot.segments}
    code_notes: dict[str, list[str]] = defaultdict(list)
    source_notes: dict[str, list[str]] = defaultdict(list)
    span_notes: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    project_notes: list[str] = []
    for m in snapshot.memos:
        g = guid("note", m.id)
        if m.target_kind == "code" and m.target_id in codebook:
            code_notes[m.target_id].append(g)
        elif m.target_kind == "transcript" and m.target_id in texts:
            source_notes[m.target_id].append(g)
        elif m.target_kind == "segment" and m.target_id in segments and segments[m.target_id].transcript_id in texts:
            s = segments[m.target_id]
            span_notes[(s.transcript_id, s.char_start, s.char_end)].append(g)
        else:
            project_notes.append(g)

    root = etree.Element(f"{{{PROJECT_NS}}}Project", {"name": snapshot.name, "origin": ORIGIN},
                         nsmap={None: PROJECT_NS})

    users = sorted({c.coder for c in snapshot.codings} | {m.author for m in snapshot.memos if m.author})
    if users:
        users_el = _el(root, "Users")
        for u in users:
            _el(users_el, "User", {"guid": _user(u), "name": u, "id": u})

    if codebook.codes:
        cb = _el(root, "CodeBook")
        code_elements(_el(cb, "Codes"), ordered_tree(codebook.codes), PROJECT_NS, code_notes)

    # Variables: every attribute name of a participant or a transcript; all Text so values round-trip exactly.
    variables = sorted({k for attrs in snapshot.participants.values() for k in attrs}
                       | {k for t in snapshot.transcripts for k in t.attributes})
    if variables:
        vars_el = _el(root, "Variables")
        for v in variables:
            _el(vars_el, "Variable", {"guid": guid("variable", v), "name": v, "typeOfVariable": "Text"})

    def values(parent, attrs):
        for k in sorted(attrs):
            vv = _el(parent, "VariableValue")
            _el(vv, "VariableRef", {"targetGUID": guid("variable", k)})
            _el(vv, "TextValue", text=str(attrs[k]))

    participants = sorted(set(snapshot.participants) | {t.participant_id for t in snapshot.transcripts
                                                         if t.participant_id})
    if participants:
        cases_el = _el(root, "Cases")
        for p in participants:
            case = _el(cases_el, "Case", {"guid": guid("case", p), "name": p})
            values(case, snapshot.participants.get(p) or {})
            for t in snapshot.transcripts:
                if t.participant_id == p:
                    _el(case, "SourceRef", {"targetGUID": source_guid(t.id)})

    by_span: dict[tuple[str, int, int], list] = defaultdict(list)
    for c in snapshot.codings:
        by_span[(c.transcript_id, c.char_start, c.char_end)].append(c)
    for key in span_notes:
        by_span.setdefault(key, [])
    ai_used = False
    files: dict[str, bytes] = {}
    if snapshot.transcripts:
        sources_el = _el(root, "Sources")
        for t in snapshot.transcripts:
            sg = source_guid(t.id)
            src = _el(sources_el, "TextSource", {"guid": sg, "name": t.id, "plainTextPath": f"internal://{sg}.txt"})
            files[f"Sources/{sg}.txt"] = t.text.encode("utf-8")
            for (tid, start, end) in sorted(k for k in by_span if k[0] == t.id):
                codings = sorted(by_span[(tid, start, end)], key=lambda c: (c.code, c.coder, c.at))
                dates = sorted(d for d in (xs_datetime(c.at) for c in codings) if d)
                sel = _el(src, "PlainTextSelection", {
                    "guid": guid("selection", tid, start, end), "startPosition": str(start),
                    "endPosition": str(end), "creatingUser": _user(codings[0].coder) if codings else None,
                    "creationDateTime": dates[0] if dates else None})
                for c in codings:
                    cod = _el(sel, "Coding", {"guid": guid("coding", tid, start, end, c.code, c.coder),
                                              "creatingUser": _user(c.coder),
                                              "creationDateTime": xs_datetime(c.at)})
                    _el(cod, "CodeRef", {"targetGUID": code_guid(c.code)})
                    if c.origin == "ai":
                        _el(cod, "NoteRef", {"targetGUID": AI_NOTE_GUID})
                        ai_used = True
                for n in span_notes.get((tid, start, end), []):
                    _el(sel, "NoteRef", {"targetGUID": n})
            for n in source_notes.get(t.id, []):
                _el(src, "NoteRef", {"targetGUID": n})
            values(src, t.attributes)

    if snapshot.memos or ai_used:
        notes_el = _el(root, "Notes")
        for m in snapshot.memos:
            note = _el(notes_el, "Note", {"guid": guid("note", m.id), "name": m.id,
                                          "creatingUser": _user(m.author) if m.author else None,
                                          "creationDateTime": xs_datetime(m.at)})
            _el(note, "Description", text=f"{MEMO_MARK}{m.target_kind} {m.target_id}")
            _el(note, "PlainTextContent", text=m.text)
        if ai_used:
            note = _el(notes_el, "Note", {"guid": AI_NOTE_GUID, "name": "AI-suggested codings"})
            _el(note, "PlainTextContent", text=AI_NOTE_TEXT)
    for n in project_notes:
        _el(root, "NoteRef", {"targetGUID": n})
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def qdpx_bytes(snapshot: Snapshot) -> bytes:
    """The .qdpx archive as bytes: project.qde first, then Sources/ in name order, fixed timestamps."""
    xml, files = project_xml(snapshot)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in [("project.qde", xml)] + sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine exports
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def export_qdpx(snapshot: Snapshot, path) -> Path:
    """Write `snapshot` to `path` as a REFI-QDA project (.qdpx) and return the path.

    Contents: Users (every coder and memo author), CodeBook (nested codes, colours, descriptions), Variables
    and Cases (one Case per participant with its attribute values and SourceRefs to its transcripts),
    TextSources (text in Sources/<guid>.txt) with one PlainTextSelection per coded span holding one Coding
    (creatingUser, creationDateTime, one CodeRef) per code and coder, memos as Notes with NoteRefs.
    Codings that began as AI suggestions carry a NoteRef to a note saying so.
    Raises QualkitError (before writing anything) for codings that do not fit the snapshot.
    """
    return write_atomic(Path(path), qdpx_bytes(snapshot))
