"""Load a codebook from any supported file, choosing the reader by extension."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .csv_reader import load_csv_codebook
from .model import Codebook
from .yaml_reader import load_yaml_codebook

# Extension -> reader. Other formats (REFI-QDA .qdc) register here the same way.
LOADERS: dict[str, Callable[[str | Path], Codebook]] = {
    ".yaml": load_yaml_codebook,
    ".yml": load_yaml_codebook,
    ".csv": load_csv_codebook,
}


def load_codebook(path) -> Codebook:
    """Load a codebook (.yaml, .yml, .csv). Raises InputError for an unsupported or unreadable file and
    CodebookError listing every problem in its content."""
    suffix = Path(path).suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise InputError(path, f"unsupported codebook format '{suffix or '(no extension)'}'; use one of "
                               f"{', '.join(sorted(LOADERS))}")
    return loader(path)
