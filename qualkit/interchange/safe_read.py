"""Defensive reading of files other tools wrote: zip archives and XML.

Imported archives come from outside (another tool, a colleague's e-mail), so we refuse what could hurt us
instead of trying to make sense of it: entry names that climb out of the archive, entries whose declared or
real size is beyond a limit, compression-ratio bombs, DTDs and external entities, malformed XML.
Every refusal is an InputError naming the file (and the entry) and the problem. Nothing is extracted to disk.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from ..errors import InputError

MAX_ENTRY_BYTES = 256 * 1024 * 1024  # one uncompressed entry; interview transcripts are kilobytes
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # the whole archive, uncompressed
MAX_RATIO = 200  # uncompressed / compressed; text compresses ~3-10x, bombs 1000x and more
_RATIO_FLOOR = 1024 * 1024  # small entries may compress well (a run of spaces) without being a bomb

_DRIVE = re.compile(r"^[A-Za-z]:")


class SafeZip:
    """A zip archive whose entry names and sizes have been checked; read entries by exact name."""

    def __init__(self, path, *, max_entry_bytes: int = MAX_ENTRY_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES,
                 max_ratio: float = MAX_RATIO):
        self.path = Path(path)
        self.max_entry_bytes = max_entry_bytes
        if not self.path.is_file():
            raise InputError(self.path, "file not found")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            raise InputError(self.path, f"not a zip archive ({e}); a .qdpx file is a zip holding project.qde") from e
        total = 0
        self.names: list[str] = []
        for info in self._zip.infolist():
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
                self.close()
                raise InputError(self.path, f"unsafe entry name {name!r} (absolute path or '..'); "
                                            "refusing to read this archive")
            if info.file_size > max_entry_bytes:
                self.close()
                raise InputError(self.path, f"entry {name!r} declares {info.file_size} bytes, over the limit of "
                                            f"{max_entry_bytes} bytes")
            if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
                self.close()
                raise InputError(self.path, f"entry {name!r} expands {info.file_size // max(info.compress_size, 1)}"
                                            f"x (over {max_ratio}x): refusing a possible zip bomb")
            total += info.file_size
            if total > max_total_bytes:
                self.close()
                raise InputError(self.path, f"archive expands to more than {max_total_bytes} bytes; refusing it")
            self.names.append(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._zip.close()

    def find(self, name: str) -> str | None:
        """The entry called `name` (exact match first, then case-insensitive), or None."""
        if name in self.names:
            return name
        lowered = [n for n in self.names if n.lower() == name.lower()]
        return lowered[0] if lowered else None

    def read(self, name: str) -> bytes:
        """The entry's bytes, never more than the size limit whatever the header claims."""
        out = bytearray()
        try:
            with self._zip.open(name) as f:
                while chunk := f.read(1 << 16):
                    out += chunk
                    if len(out) > self.max_entry_bytes:
                        raise InputError(self.path, f"entry {name!r} is larger than the limit of "
                                                    f"{self.max_entry_bytes} bytes")
        except (zipfile.BadZipFile, OSError, EOFError) as e:  # CRC mismatch, truncated archive, ...
            raise InputError(self.path, f"entry {name!r} cannot be read: {e}") from e
        except NotImplementedError as e:  # encrypted or exotic compression
            raise InputError(self.path, f"entry {name!r} cannot be read: {e}") from e
        return bytes(out)


def parse_xml(data: bytes, path, what: str) -> etree._Element:
    """Parse untrusted XML; refuse any DOCTYPE (so no DTD, no entities, no external references).

    `what` names the document in error messages ("project.qde", "codebook").
    """
    # A DOCTYPE is the only door to entity expansion and external fetches; refuse before libxml2 sees it.
    head = data.lstrip(b"\xef\xbb\xbf")
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<\x00!\x00D\x00O\x00C\x00" in head:
        raise InputError(path, f"{what}: contains a DOCTYPE/DTD, which REFI-QDA files never need; "
                               "refusing it (external entities are a security risk)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(path, f"{what}: malformed XML: {e}") from e
    if root is None:
        raise InputError(path, f"{what}: empty XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError(path, f"{what}: contains a DOCTYPE/DTD; refusing it")
    return root


def local(el) -> str:
    """An element's tag without its namespace (tools disagree on prefixes; some omit the namespace)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def kids(el, name: str) -> list:
    """Direct children called `name`, whatever their namespace."""
    return [c for c in el if local(c) == name]


def kid(el, name: str):
    found = kids(el, name)
    return found[0] if found else None
