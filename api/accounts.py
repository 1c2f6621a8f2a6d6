"""People who log in: argon2 password hashes, sessions and bearer tokens.

Credentials live outside the event log, since they must be revocable and
never replayed; the events record only who acted.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, create_engine, select

from crisis.people.model import Actor, Role

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), unique=True, nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("department", String(20)),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so the answer takes as long.
_DUMMY_HASH = _hasher.hash("not-a-password")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        metadata.create_all(self.engine)

    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        department: str | None = None,
    ) -> Actor:
        if (role is Role.DEPARTMENT) != (department is not None):
            raise ValueError("a department user belongs to exactly one department")
        user_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(
                users.insert().values(
                    id=user_id,
                    username=username,
                    display_name=display_name,
                    role=role.value,
                    department=department,
                    password_hash=_hasher.hash(password),
                    active=True,
                )
            )
        return Actor(user_id, display_name, role, department)

    def authenticate(self, username: str, password: str) -> Actor | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except VerificationError:
            return None
        return _actor(row) if row and row.active else None

    def open_session(self, actor: Actor) -> str:
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                sessions.insert().values(
                    token_hash=_digest(token),
                    user_id=actor.id,
                    created_at=datetime.now(timezone.utc),
                )
            )
        return token

    def actor_for(self, token: str) -> Actor | None:
        query = (
            select(users)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == _digest(token), users.c.active)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _actor(row) if row else None

    def close_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == _digest(token)))


def _actor(row) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(row.id, row.display_name, Role(row.role), row.department)
