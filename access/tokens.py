"""API tokens for integrations (a department's system, a channel's publishing
or intake system). Each is scoped to one department or one channel, shown
once when issued, stored as a hash, and revocable at once.

A department token acts as a department user of that department; a channel
token acts in the `integration` role, bound to its channel (see the matrix
in `crisis.people.model`)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Row, select

from access.schema import api_tokens, aware
from crisis.clock import Clock
from crisis.errors import NotFound, Refused
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor, Role

PREFIX = "crt_"
SCOPES = ("department", "channel")


@dataclass(frozen=True)
class Issued:
    id: str
    token: str


def is_api_token(token: str) -> bool:
    return token.startswith(PREFIX)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokens:
    def __init__(self, engine: Engine, clock: Clock, on_revoked: Callable[[], None]) -> None:
        self.engine = engine
        self.clock = clock
        self.on_revoked = on_revoked

    def issue(
        self, label: str, scope: str, value: str, by: Actor, channels: Collection[str] = ()
    ) -> Issued:
        """A new token; a channel token only for one of `channels` (the active ones)."""
        _require_scope(scope, value, channels)
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    id=token_id,
                    token_hash=digest(token),
                    label=label,
                    scope=scope,
                    scope_value=value,
                    created_at=self.clock.now(),
                    created_by=by.name,
                )
            )
        return Issued(token_id, token)

    def actor_for(self, token: str) -> Actor | None:
        query = select(api_tokens).where(
            api_tokens.c.token_hash == digest(token), api_tokens.c.revoked_at.is_(None)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        self._touch(row)
        name = f"{row.label} (API-nøkkel)"
        if row.scope == "department":
            return Actor(row.id, name, Role.DEPARTMENT, department=row.scope_value)
        return Actor(row.id, name, Role.INTEGRATION, channel=row.scope_value)

    def revoke(self, token_id: str, by: Actor) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                api_tokens.update()
                .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.clock.now(), revoked_by=by.name)
            )
        if done.rowcount == 0 and not self._exists(token_id):
            raise NotFound("token_not_found", id=token_id)
        self.on_revoked()

    def listing(self) -> list[dict[str, object]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at)).all()
        return [
            {
                "id": row.id,
                "label": row.label,
                "scope": row.scope,
                "scope_value": row.scope_value,
                "created_at": aware(row.created_at),
                "created_by": row.created_by,
                "last_used_at": row.last_used_at and aware(row.last_used_at),
                "revoked_at": row.revoked_at and aware(row.revoked_at),
                "revoked_by": row.revoked_by,
            }
            for row in rows
        ]

    def _exists(self, token_id: str) -> bool:
        with self.engine.connect() as conn:
            query = select(api_tokens.c.id).where(api_tokens.c.id == token_id)
            return conn.execute(query).first() is not None

    def _touch(self, row: Row) -> None:
        """Record use for the access review, at most once a minute (few writes)."""
        now = self.clock.now()
        last: datetime | None = row.last_used_at and aware(row.last_used_at)
        if last is None or now - last > timedelta(minutes=1):
            with self.engine.begin() as conn:
                conn.execute(
                    api_tokens.update().where(api_tokens.c.id == row.id).values(last_used_at=now)
                )


def _require_scope(scope: str, value: str, channels: Collection[str]) -> None:
    if scope == "department" and value not in DEPARTMENTS:
        raise Refused("unknown_department", department=value)
    if scope == "channel" and value not in channels:
        raise Refused("unknown_channel", channel=value)
    if scope not in SCOPES:
        raise Refused("token_scope_required")
