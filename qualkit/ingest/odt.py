"""OpenDocument transcripts (.odt): content.xml read with lxml, one line per paragraph in document order."""
from __future__ import annotations

from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.archive import open_document_zip, read_member, refuse_dtd
from qualkit.ingest.base import ReadOptions, check_size
from qualkit.ingest.text import transcript_from_text
from qualkit.transcript import Transcript

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_P, _H = f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"
_S, _TAB, _BR = f"{{{_TEXT_NS}}}s", f"{{{_TEXT_NS}}}tab", f"{{{_TEXT_NS}}}line-break"
# Footnotes and reviewer comments are not what anyone said.
_SKIP = {f"{{{_TEXT_NS}}}note", f"{{{_OFFICE_NS}}}annotation", f"{{{_TEXT_NS}}}tracked-changes"}
# <text:s text:c="N"/> is N spaces. Word processors write runs of a few dozen; a document's runs together above
# this are a damaged or hostile file (c="2000000000" alone would be 2 GB of spaces), refused before allocating.
MAX_SPACES = 1_000_000


class _Spaces:
    """The running total of <text:s> spaces in one document, refusing bad or implausible counts."""

    def __init__(self, path: Path):
        self.path, self.total = path, 0

    def take(self, raw: str | None) -> str:
        raw = "1" if raw is None or not raw.strip() else raw.strip()
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise InputError(self.path, f"is not a valid .odt file: content.xml has <text:s text:c={raw[:40]!r}/>, "
                                        "but the space count must be a whole number of at least 1; open it in your "
                                        "word processor and save it again")
        n = int(raw[:12]) if len(raw) <= 12 else MAX_SPACES + 1  # a 13-digit count is over the limit anyway
        self.total += n
        if self.total > MAX_SPACES:
            raise InputError(self.path, f"is not a valid .odt file: content.xml asks for more than {MAX_SPACES:,} "
                                        f"spaces in <text:s> runs (one asks for {raw[:20]}); refusing it as damaged "
                                        "or hostile")
        return " " * n


def _inline(el, out: list[str], spaces: _Spaces) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if tag == _S:
            out.append(spaces.take(child.get(f"{{{_TEXT_NS}}}c")))
        elif tag == _TAB:
            out.append("\t")
        elif tag == _BR:
            out.append("\n")
        elif tag not in _SKIP and isinstance(tag, str):
            _inline(child, out, spaces)
        if child.tail:
            out.append(child.tail)


def _paragraphs(el, lines: list[str], spaces: _Spaces) -> None:
    for child in el:
        if child.tag in (_P, _H):
            out: list[str] = []
            _inline(child, out, spaces)
            lines.append("".join(out))
        elif child.tag not in _SKIP and isinstance(child.tag, str):
            _paragraphs(child, lines, spaces)


def odt_text(path: Path) -> str:
    """The document body's text, paragraphs (including those in lists and tables) joined with "\\n"."""
    from lxml import etree

    check_size(path)
    with open_document_zip(path, ".odt", "content.xml") as zf:
        data = read_member(zf, path, ".odt", "content.xml")
    refuse_dtd(path, ".odt", "content.xml", data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(path, f"is not a valid .odt file: content.xml is not well-formed XML ({e})") from None
    body = root.find(f"{{{_OFFICE_NS}}}body")
    lines: list[str] = []
    _paragraphs(body if body is not None else root, lines, _Spaces(path))
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def read_odt(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript from an .odt; InputError for broken archives, bad XML and documents without text."""
    return [transcript_from_text(path, source_path, "odt", odt_text(path), options)]
