"""Interchange with other QDA tools: Taguette import, REFI-QDA (.qdc/.qdpx) export and import."""
from .taguette import read_taguette, read_taguette_highlights

__all__ = ["read_taguette", "read_taguette_highlights"]
