"""REFI-QDA codebook files (.qdc, Codebook.xsd, namespace urn:QDA-XML:codebook:1.0)."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..codebook.model import Codebook
from ..export.xml_text import xml_safe_all
from ..errors import InputError
from .codebook_check import checked_codebook
from .refi_codes import CODEBOOK_NS, ORIGIN, code_elements, ordered_tree, read_codes
from .safe_read import MAX_ENTRY_BYTES, kid, local, parse_xml
from .write import write_atomic

__all__ = ["export_qdc", "import_qdc", "qdc_bytes"]


def qdc_bytes(codebook: Codebook) -> bytes:
    """The codebook as .qdc XML: nested Code elements by parent, colours, descriptions (definition plus
    include/exclude/examples/counterexamples/keywords as readable sections). Same codebook, same bytes.

    Raises QualkitError for a codebook with no codes (the schema needs one) or a colour that is not #RRGGBB.
    """
    if not codebook.codes:
        raise InputError(codebook.source_path or codebook.name, "the codebook has no codes; a .qdc needs one")
    codebook = xml_safe_all(codebook)  # control characters in names cannot be XML: one space each
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS})
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    code_elements(codes, ordered_tree(codebook.codes), CODEBOOK_NS)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def export_qdc(codebook: Codebook, path) -> Path:
    """Write `codebook` to `path` as a REFI-QDA .qdc; returns the path. The file is replaced atomically."""
    return write_atomic(Path(path), qdc_bytes(codebook))


def import_qdc(path) -> Codebook:
    """Read a REFI-QDA .qdc (ours or another tool's) as a Codebook named after the file.

    Hierarchy comes from Code nesting; a Description is split back into definition and the sections
    `export_qdc` writes (another tool's description becomes the definition). Pure: reads, never writes.
    Raises InputError naming the file for unreadable, unsafe (DOCTYPE) or malformed XML, a root that is not
    CodeBook, codes without names, two codes with one GUID, and every problem `qualkit codebook check` finds
    (CodebookError: no codes, names that differ only in case, ...).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size > MAX_ENTRY_BYTES:
        raise InputError(path, f"file is over the limit of {MAX_ENTRY_BYTES} bytes")
    root = parse_xml(path.read_bytes(), path, "codebook")
    if local(root) != "CodeBook":
        raise InputError(path, f"codebook: root element is <{local(root)}>, expected <CodeBook> "
                               f"(namespace {CODEBOOK_NS})")
    codes_el = kid(root, "Codes")
    if codes_el is None:
        raise InputError(path, "codebook: no <Codes> element")
    codes, _, _ = read_codes(codes_el, path, "codebook")
    # validated like a YAML codebook: an empty one is refused (it would replace the project's codebook with
    # nothing), and so are names that differ only in case
    return checked_codebook(path.stem, codes, path)
