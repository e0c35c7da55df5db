"""Read a YAML codebook (the researcher-facing format) with line numbers for every problem.

The YAML itself goes through the one guarded loader (`safe_yaml`: no tags, anchors, aliases or deep nesting);
this module names the problems after their codes and validates the codebook.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import CodebookError, InputError
from .model import Codebook
from .safe_yaml import YamlRefused, load_guarded
from .validate import CODEBOOK_SUBJECT, codebook_from_dict, validate_codebook_dict

# A codebook is a few hundred KB at most; refusing bigger files keeps a mistaken path (a data dump) cheap.
MAX_BYTES = 5_000_000


def _problem(path: str, line: int | None, message: str) -> str:
    where = f"{path}:{line}" if line is not None else path
    return f"{where} -> {CODEBOOK_SUBJECT}: {message}"


def decode_codebook_bytes(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) bytes to text; anything else is a CodebookError naming line and byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CodebookError(path, [_problem(path, 1, "the file is UTF-16 text; save it as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise CodebookError(path, [_problem(
            path, line, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at line {line}); save the file as UTF-8 "
                        f"(in Excel: 'CSV UTF-8'; in most editors: Save with encoding UTF-8)")]) from None


def _builder_problems(found, data, path: str) -> list[str]:
    """Refused tags and repeated keys, each named after the code it sits in."""
    out = []
    for loc, line, message in found:
        subject = CODEBOOK_SUBJECT
        if len(loc) >= 2 and loc[0] == "codes" and isinstance(data, dict):
            entry = data["codes"][loc[1]]
            name = entry.get("name") if isinstance(entry, dict) else None
            subject = name.strip() if isinstance(name, str) and name.strip() else f"code {loc[1] + 1}"
        out.append(f"{path}:{line} -> {subject}: {message}")
    return out


def parse_yaml_codebook(text: str, path: str = "<string>") -> Codebook:
    """Parse and validate YAML codebook text. Raises CodebookError listing every problem (with lines)."""
    path = str(path)
    if not text.strip():
        raise CodebookError(path, [_problem(path, 1, "the file is empty; a codebook needs `name:` and a `codes:` "
                                                     "list of codes, each with a name and a definition")])
    try:
        loaded = load_guarded(text, "a codebook", needs=4, verbatim=frozenset({"version"}))
    except YamlRefused as e:
        raise CodebookError(path, [_problem(path, line, message) for line, message in e.problems]) from None
    if loaded is None:
        raise CodebookError(path, [_problem(path, 1, "the file has only comments; a codebook needs `name:` and "
                                                     "a `codes:` list")])
    data, builder = loaded
    problems = _builder_problems(builder.found, data, path) + validate_codebook_dict(data, path, builder.lines)
    if problems:
        raise CodebookError(path, problems)
    return codebook_from_dict(data, default_name=Path(path).stem, source_path=path)


def read_codebook_bytes(path) -> bytes:
    """The file's bytes; InputError if it is missing, a directory or implausibly large for a codebook."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    if not p.is_file():
        raise InputError(p, "not a file; give the path of a codebook file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(p, f"{size:,} bytes is too large for a codebook (limit {MAX_BYTES:,}); is this the "
                            f"right file?")
    return p.read_bytes()


def load_yaml_codebook(path) -> Codebook:
    """Load a .yaml/.yml codebook. Raises InputError (unreadable) or CodebookError (every problem, with lines)."""
    raw = read_codebook_bytes(path)
    return parse_yaml_codebook(decode_codebook_bytes(raw, str(path)), str(path))
