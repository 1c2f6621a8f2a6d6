"""Idempotency keys: a command sent again with the same `Idempotency-Key` gets
the first answer and writes nothing (as Stripe's API and the IETF draft
"The Idempotency-Key HTTP Header Field").

A key belongs to one person (or integration) and is kept at least KEEP (24
hours) in the accounts database, on SQLite or PostgreSQL. Its life:

- claimed before the command runs (a second request with the key while the
  first runs is told to wait);
- the items and versions the command is about to write are noted just before
  the log saves them (`crisis.log.recording`);
- the answer is stored once given; a 5xx answer releases the key (nothing
  was written, the retry runs the command).

If the server dies between the log's save and the stored answer, a retry
after LEASE finds the key still claimed: if the noted writes are in the log,
the command was carried out and the retry is told so (status 200, the item
and its version, `"recovered": true`); if not, the command runs again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from access.schema import aware, idempotency_keys
from crisis.clock import Clock
from crisis.log import Write

KEEP = timedelta(hours=48)
# Longer than any command takes: a store connection (5 s at most) and the
# read-your-writes wait (2 s at most).
LEASE = timedelta(seconds=10)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    """What to do with a request: run it (`run`), answer it from the store
    (`answer`), or refuse it (`refusal`: reused or in_progress), or check
    whether a dead server's writes reached the log (`writes`)."""

    run: bool = False
    answer: Answer | None = None
    refusal: str | None = None
    writes: list[Write] | None = None


class IdempotencyKeys:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def claim(self, actor_id: str, key: str, fingerprint: str) -> Claim:
        now = self.clock.now()
        row = self._row(actor_id, key)
        if row is not None and aware(row.created_at) < now - KEEP:
            self.release(actor_id, key)
            row = None
        if row is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        idempotency_keys.insert().values(
                            actor_id=actor_id, key=key, fingerprint=fingerprint, created_at=now
                        )
                    )
                return Claim(run=True)
            except IntegrityError:  # claimed by a request that came in at the same moment
                row = self._row(actor_id, key)
                if row is None:
                    return Claim(refusal="idempotency_key_in_progress")
        if row.fingerprint != fingerprint:
            return Claim(refusal="idempotency_key_reused")
        if row.status is not None:
            return Claim(answer=Answer(row.status, row.content_type, row.body))
        if aware(row.created_at) > now - LEASE:
            return Claim(refusal="idempotency_key_in_progress")
        return Claim(writes=[tuple(w) for w in json.loads(row.writes or "[]")])

    def retake(self, actor_id: str, key: str) -> None:
        """A dead server's claim, whose writes are not in the log: run it anew."""
        with self.engine.begin() as conn:
            conn.execute(
                idempotency_keys.update()
                .where(*self._is(actor_id, key))
                .values(created_at=self.clock.now(), writes=None)
            )

    def noting(self, actor_id: str, key: str) -> Callable[[Iterable[Write]], None]:
        """The hook the log calls with what it is about to save."""

        def note(writes: Iterable[Write]) -> None:
            with self.engine.begin() as conn:
                conn.execute(
                    idempotency_keys.update()
                    .where(*self._is(actor_id, key))
                    .values(writes=json.dumps(list(writes)))
                )

        return note

    def answer(self, actor_id: str, key: str, answer: Answer) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                idempotency_keys.update()
                .where(*self._is(actor_id, key))
                .values(status=answer.status, content_type=answer.content_type, body=answer.body)
            )

    def release(self, actor_id: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(idempotency_keys).where(*self._is(actor_id, key)))

    def sweep(self) -> int:
        """Forget keys older than KEEP."""
        with self.engine.begin() as conn:
            done = conn.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.created_at < self.clock.now() - KEEP
                )
            )
        return done.rowcount

    def _row(self, actor_id: str, key: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(idempotency_keys).where(*self._is(actor_id, key))).first()

    @staticmethod
    def _is(actor_id: str, key: str) -> tuple:
        return (idempotency_keys.c.actor_id == actor_id, idempotency_keys.c.key == key)
