"""Word transcripts (.docx) via python-docx: paragraphs (and table cells, in document order) joined with "\\n"."""
from __future__ import annotations

from pathlib import Path

from qualkit.errors import InputError
from qualkit.ingest.archive import open_document_zip, read_member, refuse_dtd
from qualkit.ingest.base import ReadOptions, check_size
from qualkit.ingest.text import transcript_from_text
from qualkit.transcript import Transcript


def docx_text(path: Path) -> str:
    """The document's text: one line per paragraph; bold labels such as **Name:** are just their characters."""
    import docx  # python-docx; imported here so text-only users need not load it
    from docx.table import Table

    check_size(path)
    with open_document_zip(path, ".docx", "word/document.xml") as zf:  # bomb/truncation checks before python-docx
        refuse_dtd(path, ".docx", "word/document.xml", read_member(zf, path, ".docx", "word/document.xml"))
    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml errors ... for broken packages
        raise InputError(path, f"is not a valid .docx file ({type(e).__name__}: {e}); "
                               "open it in Word and save it again") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat the same cell object
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
        else:
            lines.append(block.text)
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def read_docx(path: Path, source_path: str, options: ReadOptions) -> list[Transcript]:
    """One Transcript from a .docx; InputError for truncated/non-zip files, missing word/document.xml,
    zip bombs and documents without text."""
    return [transcript_from_text(path, source_path, "docx", docx_text(path), options)]
