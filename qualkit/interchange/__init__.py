"""Interchange with other QDA tools: Taguette import, REFI-QDA (.qdc/.qdpx) export and import.

Importers are pure (they return a Snapshot or Codebook, or raise InputError naming the file and problem);
exporters write one file atomically and give the same bytes for the same input.
"""
from .qdc import export_qdc, import_qdc
from .qdpx_export import export_qdpx
from .qdpx_import import import_qdpx
from .taguette import read_taguette, read_taguette_highlights

__all__ = ["read_taguette", "read_taguette_highlights", "export_qdc", "import_qdc", "export_qdpx", "import_qdpx"]
