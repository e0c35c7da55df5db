import pytest
from project_data import P01, P02

from qualkit.project import Project


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
