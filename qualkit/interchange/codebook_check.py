"""Imported codebooks (.qdc, .qdpx, Taguette tags) pass the same validation as a YAML or CSV codebook.

Another tool may allow what qualkit's codebook does not (names that differ only in case, empty names, a
parent cycle); accepting them silently would give a project whose own codebook export then fails
`qualkit codebook check`. One rule, `qualkit.codebook.validate`, reports every problem at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..codebook.model import Code, Codebook
from ..codebook.validate import validate_codebook_dict
from ..errors import CodebookError


def checked_codebook(name: str | None, codes: Sequence[Code], path, *, unit: str = "code",
                     numbers: Sequence[int] | None = None) -> Codebook:
    """`codes` as a Codebook named `name` (else the file's stem), or CodebookError listing every problem as
    `<file>:<unit> <n> -> <code>: message`; `numbers` are what the messages call each code (default 1, 2, ...:
    its position in the file; Taguette passes tag ids)."""
    numbers = list(numbers) if numbers is not None else list(range(1, len(codes) + 1))
    entries = []
    for c in codes:
        entry = {k: v for k, v in c.to_dict().items() if k == "name" or v not in (None, "", [])}
        entries.append(entry)
    data = {"name": name or Path(str(path)).stem, "codes": entries}
    lines = {("codes", i): n for i, n in enumerate(numbers)}
    problems = validate_codebook_dict(data, path=str(path), lines=lines, unit=unit, require_definition=False)
    if problems:
        raise CodebookError(path, problems)
    return Codebook(name=data["name"], codes=tuple(codes), source_path=str(path))
