import itertools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/fakes.py, tests/pgserver.py

import pgserver  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_db_names = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session. Not installed fails the test, never skips it (CI has PostgreSQL;
    `-m "not slow"` leaves these tests out)."""
    if not pgserver.available():
        pytest.fail(f"PostgreSQL is not installed (no initdb in {pgserver.PG_BIN} or on PATH): scripts/test.sh "
                    "installs it (apt-get install -y postgresql)", pytrace=False)
    server = pgserver.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path):
    """The store's tests run against both back ends."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'q.db'}"
    return request.getfixturevalue("postgres").create_database(f"t{next(_db_names)}")
