"""The shared benchmark data the tests read (`../shared` beside the repository). Its own module: `conftest` names
collide across test folders. A missing file fails the test, never skips it: CI has the data, so a skip would only
hide that a test stopped running."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(relative: str) -> Path:
    """`SHARED / relative`, failing the calling test with the path and the fix when it is not there."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"{path} not found: the shared benchmark data must sit beside the repository as ../shared "
                    "(CI has it)", pytrace=False)
    return path
