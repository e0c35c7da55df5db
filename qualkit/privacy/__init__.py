"""De-identification of transcripts: consistent placeholders, offset maps for codings, a private mapping file."""
from .deid import DeidResult, Replacement, ReportRow, deidentify, write_private
from .detect import KINDS
from .names import NameCandidate, candidate_names
from .offsets import Edit, OffsetMap
from .workflow import DeidFilesResult, deidentify_files

__all__ = ["KINDS", "DeidFilesResult", "DeidResult", "Edit", "NameCandidate", "OffsetMap", "Replacement", "ReportRow",
           "candidate_names", "deidentify", "deidentify_files", "write_private"]
