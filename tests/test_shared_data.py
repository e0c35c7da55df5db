"""The shared benchmark data helper: a missing path fails the test with the path and the fix."""
import re

import pytest
from shared_data import SHARED, shared_path


def test_a_missing_shared_path_fails_naming_it():
    with pytest.raises(pytest.fail.Exception, match=re.escape(
            f"{SHARED / 'benchmarks/no-such-corpus'} not found: the shared benchmark data must sit beside the "
            "repository as ../shared (CI has it)")):
        shared_path("benchmarks/no-such-corpus")


def test_a_present_shared_path_is_returned():
    assert shared_path("benchmarks") == SHARED / "benchmarks"
