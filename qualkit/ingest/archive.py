"""Opening the zip containers of .docx and .odt safely: truncated files and zip bombs become InputErrors."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qualkit.errors import InputError

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024  # all members together, as declared in the zip directory
MAX_RATIO = 200  # a member this much bigger than its compressed size (and large) is a bomb, not a document
_RATIO_MIN_BYTES = 20 * 1024 * 1024


def open_document_zip(path: Path, kind: str, required: str) -> zipfile.ZipFile:
    """Open `path` as a zip holding `required`; InputError if it is not a zip, lacks the member, or would
    inflate to more than MAX_UNCOMPRESSED_BYTES (declared sizes are checked before anything is decompressed)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:
        raise InputError(path, f"is not a valid {kind} file: it is not a zip archive or it is truncated ({e}); "
                               "open it in your word processor and save it again") from None
    try:
        infos = zf.infolist()
        if required not in {i.filename for i in infos}:
            raise InputError(path, f"is not a valid {kind} file: the archive has no {required}")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise InputError(path, f"declares {total / 1024 / 1024:.0f} MB of uncompressed content, over the "
                                   f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB limit; refusing to unpack it "
                                   "(possible zip bomb)")
        for i in infos:
            if i.file_size > _RATIO_MIN_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InputError(path, f"member {i.filename} inflates {i.file_size // max(i.compress_size, 1)}x "
                                       f"to {i.file_size / 1024 / 1024:.0f} MB; refusing to unpack it "
                                       "(possible zip bomb)")
    except Exception:
        zf.close()
        raise
    return zf


def read_member(zf: zipfile.ZipFile, path: Path, kind: str, name: str) -> bytes:
    """One member's bytes; a corrupt member (bad CRC, truncated data) is an InputError."""
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise InputError(path, f"is not a valid {kind} file: {name} cannot be read ({e}); "
                               "open it in your word processor and save it again") from None


_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def refuse_dtd(path: Path, kind: str, name: str, data: bytes) -> None:
    """InputError when the XML member declares a DOCTYPE: word processors never write one, and its entities are
    either external (file:///etc/passwd) or an expansion bomb. Our parsers do not resolve them, but a silently
    dropped entity is silently lost text, so the file is refused instead."""
    first = _FIRST_ELEMENT.search(data)
    if b"<!DOCTYPE" in data[:first.start() if first else len(data)]:
        raise InputError(path, f"is not a valid {kind} file: {name} contains a DOCTYPE/DTD, which {kind} files "
                               "never need; refusing it (its entities could read other files or expand without "
                               "bound)")
