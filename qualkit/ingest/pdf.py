"""PDF transcripts via pdfplumber: page text without running headers, footers, page numbers and margin line
numbers (MAXQDA/Word exports number every paragraph in the left margin), then the shared speaker parser."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.base import ReadOptions, check_size
from qualkit.ingest.speakers import match_label
from qualkit.ingest.text import transcript_from_text
from qualkit.transcript import Transcript

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?\s*$|^\s*[-–]\s*\d{1,4}\s*[-–]\s*$",
                          re.IGNORECASE)
_EDGE = 2  # headers and footers live in the first and last lines of a page

# Work limits, checked on the page content streams before pdfminer interprets them: pdfminer spends about 50 us
# per operator in Python, so a 20 KB file whose flate stream inflates to 5 million `q Q` operators would run for
# minutes. A dense transcript page has a few thousand operators and well under 1 MB of content.
MAX_PAGE_CONTENT_BYTES = 8 * 1024 * 1024
MAX_PAGE_OPERATORS = 100_000
MAX_DOCUMENT_OPERATORS = 5_000_000  # about 300 dense pages
# Content-stream operators are bare keywords (q, Q, cm, Tj, BT, re, f*, ', "...); numbers, /names, (strings) and
# <hex> are operands. Strings are removed first so the words of the text are not counted as operators.
_PDF_STRING = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>", re.S)
_PDF_OPERATOR = re.compile(rb"(?<![^\s\[\]()<>{}/%])(?:[A-Za-z][A-Za-z0-9*]{0,2}|'|\")(?![^\s\[\]()<>{}/%])")


class _Budget:
    """Bounded inflation and an operator count per page and per document; InputError when a limit is passed."""

    def __init__(self, path: Path):
        self.path, self.total = path, 0

    def _bytes(self, stream) -> bytes:
        import zlib
        from pdfminer.psparser import LIT

        filters = stream.get_filters()
        if [f for f, _ in filters] in ([LIT("FlateDecode")], [LIT("Fl")]):
            try:  # inflate at most one byte past the limit: a bomb costs its limit, never its claimed size
                return zlib.decompressobj().decompress(stream.rawdata or b"", MAX_PAGE_CONTENT_BYTES + 1)
            except zlib.error:
                return b""  # pdfminer reports (or tolerates) a corrupt stream itself
        return stream.get_data() or b""

    def page(self, number: int, streams) -> None:
        size = ops = 0
        for stream in streams:
            data = self._bytes(stream)
            size += len(data)
            if size > MAX_PAGE_CONTENT_BYTES:
                raise InputError(self.path, f"page {number} has over {MAX_PAGE_CONTENT_BYTES // 1024 // 1024} MB of "
                                            "drawing instructions, far more than a page of text needs; refusing it "
                                            "(a damaged file or a decompression bomb)")
            ops += len(_PDF_OPERATOR.findall(_PDF_STRING.sub(b" ", data)))
        self.total += ops
        if ops > MAX_PAGE_OPERATORS or self.total > MAX_DOCUMENT_OPERATORS:
            what = (f"page {number} has {ops:,} drawing operators (limit {MAX_PAGE_OPERATORS:,} a page)"
                    if ops > MAX_PAGE_OPERATORS else
                    f"its pages have over {MAX_DOCUMENT_OPERATORS:,} drawing operators in all")
            raise InputError(self.path, f"{what}, far more than text needs; refusing it (a damaged file or a "
                                        "decompression bomb); export the transcript as text or .docx instead")


def _content_streams(page) -> list:
    """The page's content streams and the form XObjects it can draw (one level: what a transcript uses)."""
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import LIT

    streams = [s for s in (resolve1(c) for c in page.page_obj.contents) if isinstance(s, PDFStream)]
    xobjects = resolve1((resolve1(page.page_obj.resources) or {}).get("XObject")) or {}
    for x in xobjects.values() if isinstance(xobjects, dict) else ():
        x = resolve1(x)
        if isinstance(x, PDFStream) and x.get("Subtype") == LIT("Form"):
            streams.append(x)
    return streams


def _margin_number_cutoff(page) -> float | None:
    """x below which digit-only words are margin line numbers, or None when the page has no such column."""
    # from chars, not words: word extraction would double the cost of reading the page
    line_start: dict[int, float] = {}
    for c in page.chars:
        if not c["text"].isspace() and not c["text"].isdigit():
            row = round(c["top"])
            line_start[row] = min(line_start.get(row, c["x0"]), c["x0"])
    if not line_start:
        return None
    left = Counter(round(x) for x in line_start.values()).most_common(1)[0][0]
    cutoff = left - 2
    margin_rows = {round(c["top"]) for c in page.chars if c["text"].isdigit() and c["x1"] < cutoff}
    return cutoff if len(margin_rows) >= 3 else None


def _page_lines(page) -> list[str]:
    # keep only what is printed on the page: some exporters park line numbers below the page box
    page = page.filter(lambda o: o.get("object_type") != "char"
                       or (o["top"] >= 0 and o["bottom"] <= page.height + 1 and o["x0"] >= 0
                           and o["x1"] <= page.width + 1))
    cutoff = _margin_number_cutoff(page)
    if cutoff is not None:
        page = page.filter(lambda o: not (o.get("object_type") == "char" and o["x1"] < cutoff
                                          and o["text"].isdigit()))
    return (page.extract_text() or "").split("\n")


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def _is_label(line: str) -> bool:
    return match_label(line, 0, len(line)) is not None


def strip_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages (running headers/footers)."""
    edge_counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_norm(ln) for ln in lines[:_EDGE] + lines[-_EDGE:] if ln.strip()}
        edge_counts.update(edges)
    threshold = max(3, 0.6 * len(pages))
    repeated = {n for n, c in edge_counts.items() if len(pages) >= 3 and c >= threshold}
    out = []
    for lines in pages:
        kept = []
        for i, ln in enumerate(lines):
            at_edge = i < _EDGE or i >= len(lines) - _EDGE
            if at_edge and (_PAGE_NUMBER.match(ln) or (_norm(ln) in repeated and not _is_label(ln))):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def pdf_text(path: Path) -> str:
    """The transcript text of a PDF, pages joined with "\\n"."""
    import pdfplumber

    check_size(path)
    try:
        with pdfplumber.open(str(path)) as pdf:
            budget = _Budget(path)
            for number, page in enumerate(pdf.pages, start=1):
                budget.page(number, _content_streams(page))
            pages = [_page_lines(p) for p in pdf.pages]
    except InputError:
        raise
    except Exception as e:  # pdfminer raises many types (PDFSyntaxError, PSEOF, KeyError...) for broken files
        raise InputError(path, f"cannot be read as a PDF ({type(e).__name__}: {e}); it may be truncated, "
                               "encrypted or not a PDF") from None
    text = "\n".join(ln.rstrip() for lines in strip_page_furniture(pages) for ln in lines)
    if not text.strip():
        raise InputError(path, "is empty: the PDF has no extractable text (a scanned image?); run OCR on it "
                               "or export the transcript as text")
    return text


def read_pdf(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript from a .pdf; InputError for unreadable PDFs and PDFs without a text layer."""
    return [transcript_from_text(path, source_path, "pdf", pdf_text(path), options)]
