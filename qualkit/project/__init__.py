"""Project-level workflows over the store: init/open, ingest, import codings, status."""
from .codings_io import ImportReport, import_codings
from .import_project import ProjectImportReport, import_project, read_foreign
from .ingest import IngestReport, content_hash, ingest
from .project import Project
from .status import Status, project_status

__all__ = ["Project", "ingest", "IngestReport", "content_hash", "import_codings", "ImportReport",
           "project_status", "Status", "import_project", "read_foreign", "ProjectImportReport"]
