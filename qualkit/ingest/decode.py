"""Bytes -> str for text-like transcripts: UTF-8 (with or without BOM), UTF-16/32 with BOM, UTF-16 without BOM,
or the encoding the researcher names. Anything else is refused: guessing a legacy code page (cp1252, cp1251...)
silently turns `Привет` into `Ïðèâåò`, and one pasted cp1252 line into `Ã©` everywhere. Newlines come back
normalised to "\\n"."""
from __future__ import annotations

import codecs
import re

from qualkit.errors import InputError, QualkitError

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


def check_encoding(encoding: str | None) -> str | None:
    """The codec's canonical name for a researcher-given encoding (None stays None); QualkitError if unknown."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise QualkitError(f"unknown text encoding {encoding!r}; use a name such as utf-8, cp1252 (Windows, Western "
                           "Europe), cp1251 (Windows, Cyrillic), latin-1 or utf-16") from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _not_utf8(data: bytes, path, error: UnicodeDecodeError) -> InputError:
    """Refusal for bytes that are not UTF-8: where, and whether the rest of the file is UTF-8 (a pasted line)."""
    line = _line_of(data, error.start)
    text = data.decode("utf-8", errors="replace")
    bad_lines = sorted({n for n, ln in enumerate(text.split("\n"), 1) if "\ufffd" in ln})
    more = f" and {len(bad_lines) - 1} more line(s)" if len(bad_lines) > 1 else ""
    utf8_non_ascii = any(ord(ch) > 127 and ch != "\ufffd" for ch in text)
    if utf8_non_ascii:
        why = ("the rest of the file is UTF-8, so those lines were probably pasted from another program; "
               "retype them or re-save the whole file as UTF-8")
    else:
        why = ("re-save it as UTF-8, or name its encoding with --encoding (e.g. --encoding cp1252 for Windows "
               "Western European text, --encoding cp1251 for Cyrillic); qualkit does not guess encodings")
    return InputError(path, f"is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}{more}); {why}")


def decode_bytes(data: bytes, path, encoding: str | None = None) -> str:
    """Decode a text transcript's bytes; raise InputError(path, ...) for binary or undecodable data.

    With `encoding` (a codec name the researcher gave) the bytes are decoded strictly with it (a leading BOM is
    dropped). Without it: binary magic -> BOMs (UTF-32, UTF-8, UTF-16) -> UTF-16 by NUL pattern -> NULs mean
    binary -> strict UTF-8; anything else is refused with a message naming --encoding, never guessed.
    The result has "\\n" line endings and no BOM. Emptiness is the caller's check.
    """
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _binary(path, kind)
    if any(data.startswith(m) for m in _RIFF_OR_MP4):
        raise _binary(path, "audio/video")

    if encoding is not None:
        encoding = check_encoding(encoding)
        try:
            return normalise_newlines(data.decode(encoding).removeprefix("\ufeff"))
        except UnicodeDecodeError as e:
            raise InputError(path, f"cannot decode as {encoding}: byte 0x{data[e.start]:02x} on line "
                                   f"{_line_of(data, e.start)} is not {encoding} text; check the --encoding "
                                   "you gave, or re-save the file as UTF-8") from None

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
            if encoding == "utf-8":
                raise _not_utf8(body, path, e) from None
            raise InputError(path, f"cannot decode as {encoding} (byte offset {e.start}): the file is damaged or "
                                   "not text; re-save it as UTF-8") from None
    if b"\x00" in data:
        raise _binary(path, None)
    try:
        return normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _not_utf8(data, path, e) from None
