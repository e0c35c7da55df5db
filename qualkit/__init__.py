"""qualkit: qualitative interview analysis. The AI suggests; the researcher decides; every decision is kept.

The public API is imported lazily so that `import qualkit` (and `qualkit --help`) stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "Transcript": "qualkit.transcript", "Turn": "qualkit.transcript",
    "Segment": "qualkit.segment", "segment_transcript": "qualkit.segment",
    "Code": "qualkit.codebook", "Codebook": "qualkit.codebook", "load_codebook": "qualkit.codebook",
    "Decision": "qualkit.coding", "Coding": "qualkit.coding", "Run": "qualkit.run",
    "Suggestion": "qualkit.suggest.model", "Theme": "qualkit.themes.model",
    "Snapshot": "qualkit.snapshot", "Memo": "qualkit.snapshot",
    "Store": "qualkit.store", "Project": "qualkit.project", "ingest": "qualkit.project",
    "import_codings": "qualkit.project", "project_status": "qualkit.project",
    "read_file": "qualkit.ingest",
    "QualkitError": "qualkit.errors", "InputError": "qualkit.errors", "CodebookError": "qualkit.errors",
    "ProjectError": "qualkit.errors", "ReingestError": "qualkit.errors",
}
__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'qualkit' has no attribute {name!r}")
