"""De-identification of transcripts: consistent placeholders, offset maps for codings, a private mapping file."""
from .deid import DeidResult, Replacement, ReportRow, deidentify, write_private
from .detect import KINDS
from .names import NameCandidate, candidate_names
from .offsets import Edit, OffsetMap

__all__ = ["deidentify", "DeidResult", "Replacement", "ReportRow", "OffsetMap", "Edit", "candidate_names",
           "NameCandidate", "KINDS", "write_private"]
