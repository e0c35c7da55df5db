"""Named errors. Every error a user can cause is a ValueError subclass that says where and what to do."""
from __future__ import annotations


class QualkitError(ValueError):
    """Base for every error caused by input or project state (never by a bug)."""


class InputError(QualkitError):
    """A file that cannot be read as what it claims to be: names the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class CodebookError(QualkitError):
    """A codebook with one or more problems; `problems` lists every one as `[file:line -> code] message`."""

    def __init__(self, path, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        n = len(self.problems)
        super().__init__(f"{self.path}: {n} problem{'s' if n != 1 else ''} in codebook\n{lines}")


class ProjectError(QualkitError):
    """The project (directory or database) is missing, not initialised or in a state that refuses the request."""


class ReingestError(ProjectError):
    """A changed file whose transcript already has codings: ingesting it would orphan them."""
