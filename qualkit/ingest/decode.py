"""Bytes -> str for text-like transcripts: UTF-8 (with or without BOM), UTF-16/32 with BOM, UTF-16 without BOM,
then cp1252 as a last resort. Newlines come back normalised to "\\n"."""
from __future__ import annotations

import codecs
import re

from qualkit.errors import InputError

# Magic numbers of formats people drop into a transcripts folder by mistake (or rename to .txt).
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "zip/Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Word/Excel"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!", "RAR"),
    (b"\x7fELF", "executable"),
    (b"ID3", "MP3"),
    (b"fLaC", "FLAC"),
    (b"OggS", "Ogg"),
)
_RIFF_OR_MP4 = (b"RIFF", b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x1cftyp", b"\x00\x00\x00\x20ftyp")

_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return _NEWLINES.sub("\n", text)


def _binary(path, kind: str | None) -> InputError:
    what = f" ({kind} data)" if kind else ""
    return InputError(path, f"looks like a binary file{what}, not a text transcript; "
                            "save it as .txt (UTF-8), or use its real extension (.docx, .odt, .pdf)")


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NULs sit on one parity only (mostly-Latin UTF-16 text), else None."""
    n = len(sample) // 2
    if n < 2:
        return None
    even = sample[0:2 * n:2].count(0)
    odd = sample[1:2 * n:2].count(0)
    if odd >= 0.3 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.3 * n and odd <= 0.02 * n:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path) -> str:
    """Decode a text transcript's bytes; raise InputError(path, ...) for binary or undecodable data.

    Order: binary magic -> BOMs (UTF-32, UTF-8, UTF-16) -> UTF-16 by NUL pattern -> NULs mean binary ->
    UTF-8 -> cp1252. The result has "\\n" line endings and no BOM. Emptiness is the caller's check.
    """
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _binary(path, kind)
    if any(data.startswith(m) for m in _RIFF_OR_MP4):
        raise _binary(path, "audio/video")

    encoding: str | None = None
    body = data
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            encoding, body = enc, data[len(bom):]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data[:65536])
    if encoding is not None:
        try:
            return normalise_newlines(body.decode(encoding))
        except UnicodeDecodeError as e:
            raise InputError(path, f"cannot decode as {encoding} (byte offset {e.start}): the file is damaged or "
                                   "not text; re-save it as UTF-8") from None
    if b"\x00" in data:
        raise _binary(path, None)
    try:
        return normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as utf8_error:
        try:
            return normalise_newlines(data.decode("cp1252"))
        except UnicodeDecodeError as e:
            bad = data[e.start]
            raise InputError(path, f"cannot decode the text: it is not UTF-8, UTF-16 or cp1252 (byte 0x{bad:02x} at "
                                   f"offset {e.start}; UTF-8 failed at offset {utf8_error.start}); "
                                   "re-save it as UTF-8") from None
