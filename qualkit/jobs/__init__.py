"""Work the app hands off: background runs with progress and cancel (runner, ai), and bringing files into a
project one by one with a result line each (intake). A library: nothing here draws."""
from .ai import llm_suggest_task, shared_embedder, suggest_task, themes_task
from .intake import (ADDED, REFUSED, UNCHANGED, UPDATED, FileResult, Upload, import_upload, ingest_uploads,
                     preview_csv, put_codebook_file, put_participants_file)
from .runner import CANCELLED, DONE, FAILED, RUNNING, Cancelled, Job, JobManager, JobStatus, Progress, one_line

__all__ = ["ADDED", "CANCELLED", "DONE", "FAILED", "REFUSED", "RUNNING", "UNCHANGED", "UPDATED", "Cancelled",
           "FileResult", "Job", "JobManager", "JobStatus", "Progress", "Upload", "import_upload", "ingest_uploads",
           "llm_suggest_task",
           "one_line", "preview_csv", "put_codebook_file", "put_participants_file", "shared_embedder",
           "suggest_task", "themes_task"]
