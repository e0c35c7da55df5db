"""Import a Taguette project (its SQLite export, ``.sqlite3``) as a Snapshot.

Taguette keeps each document as HTML and each highlight as UTF-8 *byte* offsets into the document's text:
all text nodes concatenated (newlines between paragraphs included), tags stripped, entities unescaped.
We rebuild that text, make it ``Transcript.text``, and convert the byte offsets into character offsets,
so ``transcript.text[coding.char_start:coding.char_end]`` is exactly the highlighted text.

The import is read-only and pure: the database is opened with ``mode=ro`` and nothing is written anywhere.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePath
from urllib.parse import quote

from ..codebook.model import Code, Codebook
from ..coding import Decision, codings_from_decisions
from ..errors import InputError
from ..ids import stable_id
from ..snapshot import Snapshot
from ..transcript import Transcript
from .codebook_check import checked_codebook
from .turns import turns_for

__all__ = ["read_taguette", "read_taguette_highlights", "TaguetteHighlight", "html_to_text"]

DEFAULT_CODER = "taguette"
# Extensions Taguette users upload; anything else after a dot is part of the document's name ("Interview 3.b").
_DOC_EXTENSIONS = {".txt", ".odt", ".docx", ".doc", ".pdf", ".html", ".htm", ".md", ".rtf", ".epub", ".vtt", ".srt"}
_REQUIRED_TABLES = ("projects", "documents", "tags", "highlights", "highlight_tags")


@dataclass(frozen=True)
class TaguetteHighlight:
    """One Taguette highlight converted to character offsets; `tags` are tag paths (may be empty)."""

    id: int
    transcript_id: str
    char_start: int
    char_end: int
    text: str
    snippet_html: str  # Taguette's cached snippet, kept for verification
    tags: tuple[str, ...]
    coder: str
    at: str


class _TextCollector(HTMLParser):
    def __init__(self):
        # convert_charrefs: entities are unescaped inside the data, exactly as the browser/html5lib sees them
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text Taguette counts offsets in: every text node of `html` in order, tags dropped, entities unescaped."""
    parser = _TextCollector()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _iso_utc(value) -> str:
    """Taguette stores naive UTC datetimes ('2022-02-03 08:19:45.931643'); return ISO 8601 with +00:00."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat()


def _document_id(name: str, taken: set[str]) -> str:
    stem = name.strip()
    suffix = PurePath(stem).suffix
    if suffix.lower() in _DOC_EXTENSIONS and len(stem) > len(suffix):
        stem = stem[: -len(suffix)]
    stem = stem or "document"
    candidate, n = stem, 1
    while candidate in taken:  # Taguette allows two documents with one name; our ids must be unique
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate)
    return candidate


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise InputError(path, "file not found (expected a Taguette project export, .sqlite3)")
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        raise InputError(path, f"not a SQLite database ({e}); export the project from Taguette as SQLite") from e
    missing = [t for t in _REQUIRED_TABLES if t not in tables]
    if missing:
        conn.close()
        raise InputError(path, f"not a Taguette project: missing table(s) {', '.join(missing)}")
    return conn


def _choose_project(conn, path: Path, project_id: int | None) -> tuple[int, str]:
    projects = conn.execute("SELECT id, name FROM projects ORDER BY id").fetchall()
    if project_id is not None:
        for pid, name in projects:
            if pid == project_id:
                return pid, name
        raise InputError(path, f"no project with id {project_id}; projects: "
                         + ", ".join(f"{pid} ({name})" for pid, name in projects))
    if len(projects) != 1:
        listing = ", ".join(f"{pid} ({name})" for pid, name in projects) or "none"
        raise InputError(path, f"expected exactly one project, found {len(projects)}: {listing}; pass project_id")
    return projects[0]


def _byte_to_char(raw: bytes, offset: int, path: Path, hid: int, doc_name: str) -> int:
    if offset < 0 or offset > len(raw):
        raise InputError(path, f"highlight {hid} in document {doc_name!r}: offset {offset} is outside the "
                         f"document ({len(raw)} bytes)")
    try:
        return len(raw[:offset].decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(path, f"highlight {hid} in document {doc_name!r}: offset {offset} falls inside a "
                         "multi-byte character") from e


def _authorship(conn, project_id: int, has_commands: bool):
    """Map highlight id -> list of (tag ids, user, date) from highlight_add commands, in log order.

    Tag ids are followed through later tag merges so a command that applied a since-merged tag still counts.
    """
    if not has_commands:
        return {}
    adds: dict[int, list[tuple[set[int], str, str]]] = {}
    merged: dict[int, int] = {}
    rows = conn.execute("SELECT date, user_login, payload FROM commands WHERE project_id = ? ORDER BY id",
                        (project_id,))
    for date, user, payload in rows:
        try:
            p = json.loads(payload)
        except (TypeError, ValueError, RecursionError):
            continue  # an unreadable log entry only costs us authorship, never the coding itself
        if not isinstance(p, dict):
            continue  # likewise a payload that is not an object (a list, a number, null)
        kind = p.get("type")
        if kind == "tag_merge" and _is_id(p.get("src_tag_id")) and _is_id(p.get("dest_tag_id")):
            merged[p["src_tag_id"]] = p["dest_tag_id"]
        elif kind == "highlight_add" and _is_id(p.get("highlight_id")):
            tags = p.get("tags")
            tags = {t for t in tags if _is_id(t)} if isinstance(tags, list) else set()
            adds.setdefault(p["highlight_id"], []).append(
                (tags, user if isinstance(user, str) else "", date))

    def resolve(tag: int) -> int:
        seen = set()
        while tag in merged and tag not in seen:
            seen.add(tag)
            tag = merged[tag]
        return tag

    return {hid: [({resolve(t) for t in tags}, user, date) for tags, user, date in entries]
            for hid, entries in adds.items()}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require(path: Path, where: str, column: str, value, kind: type):
    """A column Taguette always fills: None or another type is a damaged file, reported as such (an
    IntegrityError or TypeError deep inside would leave the researcher with nothing to go on)."""
    if kind is int and not _is_id(value) or kind is str and not isinstance(value, str):
        wanted = "a whole number" if kind is int else "text"
        got = "NULL" if value is None else f"{value!r} ({type(value).__name__})"
        raise InputError(path, f"{where}: {column} is {got}, expected {wanted}; the Taguette file is damaged "
                               "(export it from Taguette again)")
    return value


def _who_when(entries, tag_id: int | None) -> tuple[str, str]:
    """The first command that applied this tag to the highlight, else the highlight's latest command."""
    if not entries:
        return DEFAULT_CODER, ""
    chosen = entries[-1]
    if tag_id is not None:
        for e in entries:
            if tag_id in e[0]:
                chosen = e
                break
    return chosen[1] or DEFAULT_CODER, _iso_utc(chosen[2])


def _read(path, project_id):
    path = Path(path)
    conn = _connect(path)
    try:
        pid, project_name = _choose_project(conn, path, project_id)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        tags = conn.execute("SELECT id, path, description FROM tags WHERE project_id = ? ORDER BY id",
                            (pid,)).fetchall()
        docs = conn.execute("SELECT id, name, description, contents FROM documents WHERE project_id = ? "
                            "ORDER BY id", (pid,)).fetchall()
        highlights = conn.execute(
            "SELECT h.id, h.document_id, h.start_offset, h.end_offset, h.snippet FROM highlights h "
            "JOIN documents d ON d.id = h.document_id WHERE d.project_id = ? ORDER BY h.id", (pid,)).fetchall()
        hl_tags: dict[int, list[int]] = {}
        for hid, tid in conn.execute("SELECT highlight_id, tag_id FROM highlight_tags ORDER BY highlight_id, tag_id"):
            hl_tags.setdefault(hid, []).append(tid)
        authorship = _authorship(conn, pid, "commands" in tables)
    except sqlite3.DatabaseError as e:
        raise InputError(path, f"cannot read the Taguette project: {e}") from e
    finally:
        conn.close()

    for tid, tpath, desc in tags:
        _require(path, f"tag {tid}", "path (its name)", tpath, str)
    tag_path = {tid: tpath for tid, tpath, _ in tags}
    project_name = project_name if isinstance(project_name, str) and project_name.strip() else path.stem
    codes = [Code(name=tpath, definition=desc if isinstance(desc, str) else "") for _, tpath, desc in tags]
    codebook = (checked_codebook(project_name, codes, path, unit="tag", numbers=[t[0] for t in tags]) if codes
                else Codebook(name=project_name, codes=(), source_path=str(path)))

    taken: set[str] = set()
    transcripts, by_doc = [], {}
    for did, name, description, contents in docs:
        _require(path, f"document {did}", "name", name, str)
        _require(path, f"document {did} ({name!r})", "contents", contents, str)
        text = html_to_text(contents)
        turns, labelled = turns_for(text)
        t = Transcript(id=_document_id(name, taken), source_path=str(path), format="taguette", text=text,
                       turns=turns, attributes={"description": description} if isinstance(description, str)
                       and description else {},
                       labelled=labelled)
        transcripts.append(t)
        by_doc[did] = (t, text.encode("utf-8"), name)

    out: list[TaguetteHighlight] = []
    for hid, did, start, end, snippet in highlights:
        t, raw, name = by_doc[did]
        _require(path, f"highlight {hid} in document {name!r}", "start_offset", start, int)
        _require(path, f"highlight {hid} in document {name!r}", "end_offset", end, int)
        if start > end:
            raise InputError(path, f"highlight {hid} in document {name!r}: start {start} is after end {end}")
        if start == end:  # quotes nothing: refused as import-codings and .qdpx selections are
            raise InputError(path, f"highlight {hid} in document {name!r} is empty (start and end are both "
                                   f"{start}); it quotes no text")
        cs = _byte_to_char(raw, start, path, hid, name)
        ce = _byte_to_char(raw, end, path, hid, name)
        tids = [tid for tid in hl_tags.get(hid, []) if tid in tag_path]
        coder, at = _who_when(authorship.get(hid), None)
        out.append(TaguetteHighlight(hid, t.id, cs, ce, t.text[cs:ce], snippet if isinstance(snippet, str) else "",
                                     tuple(tag_path[t_] for t_ in tids),
                                     coder, at))
    return project_name, codebook, transcripts, out, hl_tags, tag_path, authorship


def read_taguette_highlights(path, project_id: int | None = None) -> list[TaguetteHighlight]:
    """Every highlight of the project (tagged or not) with character offsets, in Taguette id order.

    Raises InputError (naming the file, and the highlight/document where relevant) when the file is not a
    Taguette project or an offset does not fit its document.
    """
    return _read(path, project_id)[3]


def read_taguette(path, project_id: int | None = None) -> Snapshot:
    """Import a Taguette project export (.sqlite3) as a Snapshot.

    - transcripts: one per document, id = document name without its extension (made unique), text = the
      document's plain text (HTML tags stripped, entities unescaped);
    - codebook: the project's tags in id order (name = tag path, definition = tag description);
    - codings: one per (highlight, tag), origin "import", coder = the Taguette user who applied the tag
      (from the command log; "taguette" if not recorded), at = when (ISO 8601 UTC; "" if not recorded);
      each backed by an "apply" Decision with source "import:<file name>" in `decisions`.
    A highlight without tags carries no code and so yields no coding (see `read_taguette_highlights`).
    `project_id` is only needed for a database holding several projects.
    Raises InputError naming the file and the problem.
    """
    path = Path(path)
    name, codebook, transcripts, highlights, hl_tags, tag_path, authorship = _read(path, project_id)
    source = f"import:{path.name}"
    decisions = []
    for h in highlights:
        for tid in hl_tags.get(h.id, []):
            if tid not in tag_path:
                continue
            coder, at = _who_when(authorship.get(h.id), tid)
            decisions.append(Decision(
                id=stable_id("taguette", path.name, h.id, tid), transcript_id=h.transcript_id,
                char_start=h.char_start, char_end=h.char_end, code=tag_path[tid], verdict="apply",
                coder=coder, at=at, source=source))
    codings = codings_from_decisions(decisions)
    return Snapshot(name=name, transcripts=tuple(transcripts), codebook=codebook, codings=tuple(codings),
                    decisions=tuple(decisions))
