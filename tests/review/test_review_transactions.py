"""Multi-event review actions (rename, merge, split, promote theme) are one transaction each: a failure midway
leaves the project exactly as it was (codebook, rename log, runs, theme events)."""
import pytest
from review_data import project  # noqa: F401  (the fixture)

from qualkit.codebook.model import Code
from qualkit.review import merge_codes, promote_theme, rename_code, split_code


class Boom(RuntimeError):
    pass


def state(store):
    return (store.codebook(), store.codebook_history(), store.renames(), [r.id for r in store.runs()],
            [(t.id, t.status) for t in store.themes()], store.counts())


def fail_on(monkeypatch, store, method):
    """`store.method` raises after the action's earlier writes have been issued."""
    def boom(*args, **kwargs):
        raise Boom(f"{method} failed")
    monkeypatch.setattr(store, method, boom)


@pytest.mark.parametrize("action", [
    lambda s: rename_code(s, "Transparency", "Disclosure", "ana"),
    lambda s: merge_codes(s, ["Transparency", "Efficiency"], "Human oversight", "ana"),
    lambda s: split_code(s, "Efficiency", [Code("Speed", "Time saved."), Code("Errors", "Fewer errors.")], "ana",
                         carry_to="Speed"),
], ids=["rename", "merge", "split"])
def test_a_codebook_edit_failing_after_the_rename_log_leaves_nothing(project, monkeypatch, action):
    store = project.store
    before = state(store)
    fail_on(monkeypatch, store, "put_codebook")  # runs after rename_code has written the rename log
    with pytest.raises(Boom, match="put_codebook failed"):
        action(store)
    monkeypatch.undo()
    assert state(store) == before
    action(store)  # and the same edit then succeeds whole
    assert state(store) != before and store.renames()


def test_promoting_a_theme_failing_at_the_verdict_leaves_no_code_and_no_queued_quotes(project, monkeypatch):
    store = project.store
    theme = store.themes()[0]
    before = state(store)
    fail_on(monkeypatch, store, "record_theme_event")  # the last of the three writes
    with pytest.raises(Boom, match="record_theme_event failed"):
        promote_theme(store, theme, "Data privacy", "Where patient data goes.", "ana")
    monkeypatch.undo()
    assert state(store) == before and "Data privacy" not in store.codebook()
    codebook, queued = promote_theme(store, theme, "Data privacy", "Where patient data goes.", "ana")
    assert "Data privacy" in codebook and queued and store.themes()[0].status == "promoted"
    assert all(q.mode == "promoted-theme" and q.theme == theme.label and q.above_threshold for q in queued)
