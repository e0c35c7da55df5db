"""Opening a project: database URLs, read-only opening, one transaction across store calls (issue 18 items 4, 5,
7, 19, 20). Both back ends where the back end matters."""
from __future__ import annotations

import pytest

from qualkit.coding import Decision
from qualkit.errors import ProjectError
from qualkit.project import Project
from qualkit.project.project import database_url, sqlite_url
from qualkit.store import Store


def _decision(n: int) -> Decision:
    return Decision(f"d{n}", "P01", 0, 5, "Trust", "apply", "ana", "2026-01-01T00:00:00")


def test_read_only_store_reads_and_refuses_writes(db_url):
    Store(db_url).record(_decision(1))
    ro = Store(db_url, read_only=True)
    try:
        assert [d.id for d in ro.decisions()] == ["d1"]
        with pytest.raises(ProjectError, match=r"was opened read-only; this command cannot write"):
            ro.record(_decision(2))
    finally:
        ro.close()
    assert [d.id for d in Store(db_url).decisions()] == ["d1"]


def test_nested_store_writes_are_one_transaction(db_url):
    store = Store(db_url)
    with pytest.raises(RuntimeError, match="after two writes"):
        with store.transaction():
            store.record(_decision(1))
            store.put_participants({"P01": {"group": "a"}})
            raise RuntimeError("after two writes")
    assert store.decisions() == [] and store.participants() == {}
    with store.transaction():
        store.record(_decision(1))
        store.record(_decision(2))
    assert [d.id for d in store.decisions()] == ["d1", "d2"]
    store.close()


def test_read_only_open_of_a_missing_database_is_refused(tmp_path):
    with pytest.raises(ProjectError, match=r"cannot open project database .*nope\.db: the file does not exist"):
        Store(sqlite_url(tmp_path / "nope.db"), read_only=True)
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize("db, expected", [
    (None, "{p}/qualkit.db"),
    ("sqlite:///team.db", "{p}/team.db"),
    ("sqlite:///sub/team.db", "{p}/sub/team.db"),
    ("sqlite:////abs/x.db", "/abs/x.db"),
])
def test_database_url_resolves_relative_sqlite_paths_in_the_project(tmp_path, db, expected):
    import sqlalchemy as sa
    folder = tmp_path / "study?A 100%"
    url = database_url(folder, db)
    assert sa.engine.make_url(url).database == expected.format(p=folder.resolve())


def test_database_url_leaves_other_urls_alone(tmp_path):
    assert database_url(tmp_path, "postgresql://u@h/db") == "postgresql://u@h/db"
    assert database_url(tmp_path, "sqlite://") == "sqlite://"
    with pytest.raises(ProjectError, match=r"--db 'not a url': not a database URL"):
        database_url(tmp_path, "not a url")


@pytest.mark.parametrize("content, problem", [
    ("[]", r"expected a JSON object .*got list"),
    ("3", r"expected a JSON object .*got int"),
    ('{"db": 5}', r"\"db\" must be a database URL \(text\), got int"),
])
def test_settings_that_are_not_an_object_are_refused(tmp_path, content, problem):
    Project.init(tmp_path / "p").close()
    (tmp_path / "p" / "qualkit.json").write_text(content)
    with pytest.raises(ProjectError, match=problem):
        Project.open(tmp_path / "p")


def test_open_never_creates_a_deleted_database(tmp_path):
    Project.init(tmp_path / "p").close()
    (tmp_path / "p" / "qualkit.db").unlink()
    with pytest.raises(ProjectError, match=r"the project's database .*qualkit\.db does not exist \(moved or "
                                           r"deleted\?\)"):
        Project.open(tmp_path / "p")
    assert not (tmp_path / "p" / "qualkit.db").exists()
    Project.init(tmp_path / "p").close()  # init is how an empty one is made
    assert (tmp_path / "p" / "qualkit.db").exists()
