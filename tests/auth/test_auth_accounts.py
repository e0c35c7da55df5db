"""Accounts and sign-in: salted slow hashes, one message for wrong name or password, rate limiting across
Store objects (as across processes), every attempt kept."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from qualkit.auth import (MAX_FAILURES, AuthError, RateLimited, account_names, add_account, has_accounts,
                          hash_password, sign_in, verify_password)
from qualkit.store import Store
from qualkit.store import schema as T

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def test_hashes_are_salted_scrypt_and_verify():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse", a) and not verify_password("correct hors", a)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")


def test_add_account_and_sign_in(store):
    assert not has_accounts(store)
    add_account(store, "ana", "a long password", by="admin")
    assert has_accounts(store) and account_names(store) == ["ana"]
    with pytest.raises(AuthError, match="an account named 'ana' already exists"):
        add_account(store, "ana", "another password")
    with pytest.raises(AuthError, match="too short: use at least 8 characters"):
        add_account(store, "ben", "short")
    with pytest.raises(AuthError, match="is not usable"):
        add_account(store, "<script>", "long enough pw")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(T.accounts.c.password_hash)).scalar_one()
    assert "a long password" not in stored
    assert sign_in(store, "ana", "a long password", at=T0) == "ana"


def test_wrong_password_and_unknown_name_get_the_same_message(store):
    add_account(store, "ana", "a long password")
    with pytest.raises(AuthError) as wrong:
        sign_in(store, "ana", "not it", at=T0)
    with pytest.raises(AuthError) as unknown:
        sign_in(store, "nobody", "not it", at=T0)
    assert str(wrong.value) == str(unknown.value) == \
        "wrong name or password (4 attempt(s) left before a 15-minute wait)"


def test_failed_sign_ins_are_rate_limited_across_stores_and_expire(store, db_url):
    add_account(store, "ana", "a long password")
    other = Store(db_url)  # another process's view of the same database
    try:
        for i in range(MAX_FAILURES):
            with pytest.raises(AuthError):
                sign_in(store if i % 2 else other, "ana", "guess", at=T0 + timedelta(seconds=i))
        with pytest.raises(RateLimited, match=r"too many failed sign-ins for 'ana': try again in 15 minute\(s\)"):
            sign_in(other, "ana", "a long password", at=T0 + timedelta(minutes=1))  # even the right password
        assert sign_in(store, "ana", "a long password", at=T0 + timedelta(minutes=20)) == "ana"
        with store.engine.connect() as conn:
            oks = [r.ok for r in conn.execute(sa.select(T.sign_ins).order_by(T.sign_ins.c.seq))]
        assert oks == [False] * (MAX_FAILURES + 1) + [True]
        with pytest.raises(AuthError, match="4 attempt"):  # a success resets the count
            sign_in(store, "ana", "guess", at=T0 + timedelta(minutes=21))
    finally:
        other.close()


def test_sign_ins_are_append_only(store):
    add_account(store, "ana", "a long password")
    sign_in(store, "ana", "a long password", at=T0)
    with pytest.raises(sa.exc.DBAPIError):
        with store.transaction() as conn:
            conn.execute(T.sign_ins.delete())
