"""Import a REFI-QDA project (.qdpx) as a Snapshot: ours or another tool's (NVivo, ATLAS.ti, MAXQDA, QualCoder...).

Pure and defensive: the archive is checked entry by entry (see `safe_read`) and read in memory; nothing is
extracted or written. Anything that does not fit (a selection past the end of its text, a CodeRef to no code,
a source we cannot read) is an InputError naming the file, the element and the problem.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path, PurePath

from ..codebook.model import Codebook
from ..coding import Decision, codings_from_decisions
from ..errors import InputError
from ..ids import stable_id
from ..snapshot import Memo, Snapshot
from ..transcript import Transcript
from .codebook_check import checked_codebook
from .qdpx_export import AI_NOTE_GUID, MEMO_MARK
from .refi_codes import normalise_guid, read_codes
from .safe_read import MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, SafeZip, kid, kids, local, parse_xml
from .turns import turns_for

__all__ = ["import_qdpx"]

DEFAULT_CODER = "refi-qda"
_TEXT_EXTENSIONS = {".txt", ".docx", ".doc", ".odt", ".rtf", ".pdf", ".md", ".html", ".htm"}
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_AI = normalise_guid(AI_NOTE_GUID)


def _source_id(name: str, taken: set[str]) -> str:
    stem = name.strip()
    suffix = PurePath(stem).suffix
    if suffix.lower() in _TEXT_EXTENSIONS and len(stem) > len(suffix):
        stem = stem[: -len(suffix)]
    candidate, n = stem or "source", 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate)
    return candidate


def _int(el, attr: str, path, where: str) -> int:
    raw = el.get(attr)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InputError(path, f"project.qde: {where} has {attr}={raw!r}, expected a whole number") from None


def _values(el, variables: dict[str, str], path, where: str) -> dict[str, str]:
    out = {}
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        g = normalise_guid(ref.get("targetGUID") if ref is not None else None)
        if g not in variables:
            raise InputError(path, f"project.qde: {where} has a VariableValue for unknown variable GUID {g!r}")
        value = next((c.text or "" for c in vv if local(c) in _VALUE_TAGS), "")
        out[variables[g]] = value
    return out


def _text_of(src, zf: SafeZip, path, label: str) -> str:
    content = kid(src, "PlainTextContent")
    if content is not None:
        return content.text or ""
    ptp = (src.get("plainTextPath") or "").strip()
    if not ptp:
        raise InputError(path, f"project.qde: text source {label} has neither PlainTextContent nor plainTextPath")
    if not ptp.startswith("internal://"):
        raise InputError(path, f"project.qde: text source {label} points to an external file ({ptp}); "
                               "export the project again with its sources embedded")
    name = ptp[len("internal://"):]
    entry = zf.find(f"Sources/{name}") or zf.find(name)
    if entry is None:
        raise InputError(path, f"project.qde: text source {label} refers to {ptp}, but the archive has no "
                               f"entry Sources/{name}")
    raw = zf.read(entry)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"{entry}: text of source {label} is not UTF-8 ({e})") from e
    return text[1:] if text.startswith("\ufeff") else text  # a BOM is not part of the positions


def import_qdpx(path, *, max_entry_bytes: int = MAX_ENTRY_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES,
                max_ratio: float = MAX_RATIO) -> Snapshot:
    """Read a .qdpx as a Snapshot.

    - codebook from CodeBook (nesting -> parent; descriptions split as `import_qdc` does);
    - one Transcript per TextSource (id = source name without extension, made unique; text from
      PlainTextContent or Sources/...; participant = the Case whose SourceRef names it; attributes = the
      source's VariableValues);
    - participants = Cases (name -> VariableValues);
    - codings from PlainTextSelection/Coding (span = start/endPosition; coder = the User's name, else
      "refi-qda"; at = creationDateTime) and whole-source Codings; origin "ai" for codings that qualkit marked
      as AI-suggested, else "import"; each backed by an "apply" Decision with source "import:<file name>";
    - memos from Notes, attached where their NoteRefs are.
    Raises InputError naming the file and the problem for unsafe archives (entry names, sizes, bombs),
    DOCTYPE/malformed XML, a missing project.qde, non-text sources, selections outside their text and
    CodeRefs to unknown codes. Never writes anything.
    """
    path = Path(path)
    with SafeZip(path, max_entry_bytes=max_entry_bytes, max_total_bytes=max_total_bytes, max_ratio=max_ratio) as zf:
        entry = zf.find("project.qde")
        if entry is None:
            listing = ", ".join(zf.names[:5]) or "nothing"
            raise InputError(path, f"no project.qde in the archive (it holds {listing}); is this a REFI-QDA "
                                   ".qdpx project?")
        root = parse_xml(zf.read(entry), path, "project.qde")
        if local(root) != "Project":
            raise InputError(path, f"project.qde: root element is <{local(root)}>, expected <Project>")
        return _project(root, zf, path)


def _project(root, zf: SafeZip, path: Path) -> Snapshot:
    users = {}
    users_el = kid(root, "Users")
    for u in kids(users_el, "User") if users_el is not None else []:
        users[normalise_guid(u.get("guid"))] = u.get("name") or u.get("id") or normalise_guid(u.get("guid"))

    def user(g) -> str:
        g = normalise_guid(g)
        return users.get(g, g) if g else DEFAULT_CODER

    codes, code_by_guid, code_notes = [], {}, {}
    cb = kid(root, "CodeBook")
    if cb is not None and kid(cb, "Codes") is not None:
        codes, code_by_guid, code_notes = read_codes(kid(cb, "Codes"), path, "project.qde")
    project_name = root.get("name") or path.stem

    variables = {}
    vars_el = kid(root, "Variables")
    for v in kids(vars_el, "Variable") if vars_el is not None else []:
        variables[normalise_guid(v.get("guid"))] = v.get("name") or normalise_guid(v.get("guid"))

    participants: dict[str, dict[str, str]] = {}
    participant_of_source: dict[str, str] = {}
    cases_el = kid(root, "Cases")
    for case in kids(cases_el, "Case") if cases_el is not None else []:
        name = case.get("name") or normalise_guid(case.get("guid"))
        participants[name] = _values(case, variables, path, f"case {name!r}")
        for ref in kids(case, "SourceRef"):
            # a source in several cases keeps the first: a transcript has one participant
            participant_of_source.setdefault(normalise_guid(ref.get("targetGUID")), name)

    transcripts, decisions = [], []
    memo_targets: dict[str, tuple[str, str]] = {}
    for code_name, refs in code_notes.items():
        for g in refs:
            memo_targets.setdefault(g, ("code", code_name))
    for g in (normalise_guid(r.get("targetGUID")) for r in kids(root, "NoteRef")):
        memo_targets.setdefault(g, ("project", project_name))
    source = f"import:{path.name}"
    taken: set[str] = set()
    sources_el = kid(root, "Sources")
    for src in list(sources_el) if sources_el is not None else []:
        kind = local(src)
        label = repr(src.get("name") or src.get("guid"))
        if kind in _OTHER_SOURCES:
            raise InputError(path, f"project.qde: source {label} is a {kind}; qualkit imports text sources only "
                                   "(convert it to text in the tool that wrote the file, or remove it)")
        if kind != "TextSource":
            continue
        sg = normalise_guid(src.get("guid"))
        text = _text_of(src, zf, path, label)
        tid = _source_id(src.get("name") or sg, taken)
        turns, labelled = turns_for(text)
        transcripts.append(Transcript(
            id=tid, source_path=f"{path}!{src.get('plainTextPath') or 'project.qde'}", format="refi-qda",
            text=text, turns=turns, participant_id=participant_of_source.get(sg),
            attributes=_values(src, variables, path, f"source {label}"), labelled=labelled))
        for r in kids(src, "NoteRef"):
            memo_targets.setdefault(normalise_guid(r.get("targetGUID")), ("transcript", tid))

        def add(coding_el, start, end, sel_el, where):
            ref = kid(coding_el, "CodeRef")
            target = normalise_guid(ref.get("targetGUID") if ref is not None else None)
            if target not in code_by_guid:
                raise InputError(path, f"project.qde: {where} in source {label} has a CodeRef to unknown code "
                                       f"GUID {target or '(none)'!r}; the CodeBook does not define it")
            who = coding_el.get("creatingUser") or (sel_el.get("creatingUser") if sel_el is not None else None)
            when = coding_el.get("creationDateTime") or (sel_el.get("creationDateTime") if sel_el is not None
                                                         else None) or ""
            ai = any(normalise_guid(n.get("targetGUID")) == _AI for n in kids(coding_el, "NoteRef"))
            decisions.append((Decision(
                id=stable_id("refi-qda-import", path.name, normalise_guid(coding_el.get("guid")), tid, start, end,
                             target),
                transcript_id=tid, char_start=start, char_end=end, code=code_by_guid[target], verdict="apply",
                coder=user(who), at=when, source=source), ai))

        for sel in kids(src, "PlainTextSelection"):
            where = f"selection {sel.get('guid')!r}"
            start = _int(sel, "startPosition", path, where)
            end = _int(sel, "endPosition", path, where)
            if not 0 <= start < end:
                # an empty selection quotes nothing; import-codings refuses the same (start < end)
                raise InputError(path, f"project.qde: {where} in source {label} runs from {start} to {end}; a "
                                       "selection needs start < end (it quotes no text otherwise)")
            if end > len(text):
                raise InputError(path, f"project.qde: {where} in source {label} ends at {end}, past the end of "
                                       f"its text ({len(text)} characters)")
            for coding in kids(sel, "Coding"):
                add(coding, start, end, sel, f"coding {coding.get('guid')!r}")
            for r in kids(sel, "NoteRef"):
                memo_targets.setdefault(normalise_guid(r.get("targetGUID")),
                                        ("segment", stable_id("refi-qda-selection", tid, start, end)))
        for coding in kids(src, "Coding"):  # coding of the whole source
            add(coding, 0, len(text), None, f"coding {coding.get('guid')!r}")

    memos = []
    notes_el = kid(root, "Notes")
    for note in kids(notes_el, "Note") if notes_el is not None else []:
        g = normalise_guid(note.get("guid"))
        if g == _AI:
            continue
        desc = kid(note, "Description")
        kind, target = memo_targets.get(g, ("project", project_name))
        if desc is not None and (desc.text or "").startswith(MEMO_MARK):
            kind, _, target = desc.text[len(MEMO_MARK):].partition(" ")  # qualkit wrote the exact target
        memos.append(Memo(id=note.get("name") or g, target_kind=kind, target_id=target,
                          text=_text_of(note, zf, path, repr(note.get("name") or g)),
                          author=user(note.get("creatingUser")) if note.get("creatingUser") else "",
                          at=note.get("creationDateTime") or ""))

    ai_ids = {d.id for d, ai in decisions if ai}
    codings = [dataclasses.replace(c, origin="ai") if c.decision_id in ai_ids else c
               for c in codings_from_decisions(d for d, _ in decisions)]
    codebook = (checked_codebook(project_name, codes, path) if codes
                else Codebook(name=project_name, codes=(), source_path=str(path)))  # a project may have no codes
    return Snapshot(name=project_name, transcripts=tuple(transcripts), codebook=codebook,
                    codings=tuple(codings), participants=participants,
                    decisions=tuple(d for d, _ in decisions), memos=tuple(memos))

