"""Accounts and sign-in for an app served beyond this machine: one account per coder, kept in the project's
database (tables `accounts` and the append-only `sign_ins`, schema v2), so every process and every browser
session of a team sees the same accounts and the same count of failed attempts.

The name an account signs in with is the coder every decision of that session is recorded under.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..errors import QualkitError
from ..store import Store, now
from ..store import schema as T
from .passwords import DUMMY, MIN_LENGTH, hash_password, verify_password

MAX_FAILURES = 5           # failed attempts for one name ...
WINDOW = timedelta(minutes=15)  # ... within this long (since its last success) lock that name for the rest of it
NAME = re.compile(r"^[\w][\w .@'-]{0,99}$")


class AuthError(QualkitError):
    """An account cannot be created, or a sign-in is refused; the message says why and what to do."""


class RateLimited(AuthError):
    """Too many failed sign-ins for a name lately."""


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise AuthError(f"account name {name!r} is not usable: use letters, digits, spaces, . @ ' - (up to 100)")
    return name


def add_account(store: Store, name: str, password: str, *, by: str = "") -> str:
    """Create the account `name`; returns the name. AuthError if it exists or the password is too short."""
    name = _clean_name(name)
    if len(password or "") < MIN_LENGTH:
        raise AuthError(f"the password for {name!r} is too short: use at least {MIN_LENGTH} characters")
    with store.transaction() as conn:
        if conn.execute(sa.select(T.accounts.c.name).where(T.accounts.c.name == name)).first():
            raise AuthError(f"an account named {name!r} already exists in this project")
        conn.execute(T.accounts.insert().values(name=name, password_hash=hash_password(password),
                                                created_at=now(), created_by=by or name))
    return name


def account_names(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.select(T.accounts.c.name)))


def has_accounts(store: Store) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(T.accounts)).scalar_one() > 0


def _recent_failures(conn, name: str, at: datetime) -> list[datetime]:
    since = (at - WINDOW).isoformat(timespec="seconds")
    rows = conn.execute(sa.select(T.sign_ins.c.at, T.sign_ins.c.ok).where(
        T.sign_ins.c.name == name, T.sign_ins.c.at >= since).order_by(T.sign_ins.c.seq)).all()
    failures: list[datetime] = []
    for stamp, ok in rows:
        failures = [] if ok else failures + [datetime.fromisoformat(stamp)]
    return failures


def sign_in(store: Store, name: str, password: str, *, client: str = "", at: datetime | None = None) -> str:
    """Check `name` and `password`; returns the account name (the coder of the session). Every attempt is
    recorded. Raises AuthError for a wrong name or password (one message for both, so names cannot be probed)
    and RateLimited after MAX_FAILURES failures within WINDOW (the password is then not even checked)."""
    at = at or datetime.now(timezone.utc)
    name = (name or "").strip()
    with store.engine.connect() as conn:
        failures = _recent_failures(conn, name, at)
        row = conn.execute(sa.select(T.accounts.c.password_hash).where(T.accounts.c.name == name)).first()
    if len(failures) >= MAX_FAILURES:
        wait = max(1, int((failures[-MAX_FAILURES] + WINDOW - at).total_seconds() // 60) + 1)
        _record(store, name, False, client, at)
        raise RateLimited(f"too many failed sign-ins for {name!r}: try again in {wait} minute(s)")
    ok = verify_password(password or "", row[0] if row else DUMMY) and row is not None
    _record(store, name, ok, client, at)
    if not ok:
        left = MAX_FAILURES - len(failures) - 1
        raise AuthError(f"wrong name or password ({left} attempt(s) left before a {int(WINDOW.seconds // 60)}-"
                        "minute wait)")
    return name


def _record(store: Store, name: str, ok: bool, client: str, at: datetime) -> None:
    with store.transaction() as conn:
        conn.execute(T.sign_ins.insert().values(name=name[:255], at=at.isoformat(timespec="seconds"), ok=ok,
                                                client=client[:200]))
