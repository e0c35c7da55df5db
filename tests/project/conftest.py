import pytest
import sqlalchemy as sa

from qualkit.project import Project
from qualkit.store import schema

P01 = """Interviewer: Could you tell me about your role?

P01: I'm a family physician. I read every draft before it goes out, always.

Interviewer: And the patients?

P01: Some of them think I typed it myself, which worries me a little.
"""

P02 = """Interviewer: What do you optimise for?

P02: Throughput, honestly. How many patients we can move through the clinic.
"""


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "transcripts"
    d.mkdir()
    (d / "P01.txt").write_text(P01, encoding="utf-8")
    (d / "P02.txt").write_text(P02, encoding="utf-8")
    (d / "participants.csv").write_text("id,group,role\nP01,clinician,GP\nP02,developer,ML engineer\n",
                                        encoding="utf-8")
    return d


@pytest.fixture
def project(tmp_path):
    p = Project.init(tmp_path / "proj")
    yield p
    p.close()


def dump(project):
    """Every row of every table: to assert that a failed command left the store exactly as it was."""
    with project.store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in schema.metadata.sorted_tables}
