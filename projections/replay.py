"""The board as it stood at any moment of the log, for post-incident review.

Computed by the same board code that fed the live board. Checkpoints of the
whole board every `EVERY` log positions make any moment the nearest
checkpoint plus a short tail, instead of a pass over the whole log.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, select

from crisis.log import CrisisLog
from projections import board
from projections.events import opened_event
from projections.store import ViewStore

EVERY = 5000
BATCH = 2000

metadata = MetaData()
checkpoints = Table(
    "board_checkpoints",
    metadata,
    Column("position", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("layout", Integer, nullable=False),
    Column("state", LargeBinary, nullable=False),
)


@dataclass
class Moment:
    """The board at `position`, and the event that made it so."""

    position: int
    at: str | None
    board: board.Board
    event: Any = None

    def as_json(self, incident: str | None = None) -> dict[str, Any]:
        """In id order, as the live board gives them (`ViewRunner.snapshot`)."""
        rows = self.board.incidents
        docs = [rows[i] for i in sorted(rows) if incident in (None, i)]
        return {"position": self.position, "at": self.at, "incidents": docs}


class Checkpoints:
    def __init__(self, store: ViewStore) -> None:
        self.engine = store.engine
        metadata.create_all(self.engine)

    def save(self, position: int, at: str, state: board.Board) -> None:
        blob = zlib.compress(json.dumps(state.incidents).encode(), 1)
        with self.engine.begin() as conn:
            conn.execute(checkpoints.delete().where(checkpoints.c.position == position))
            conn.execute(
                checkpoints.insert().values(
                    position=position, at=at, layout=board.LAYOUT, state=blob
                )
            )

    def drop_from(self, at: str) -> None:
        """Delete the checkpoints at or after time `at` (UTC ISO): they hold personal
        data removed since. Replays write them again, without it, as they pass."""
        with self.engine.begin() as conn:
            conn.execute(checkpoints.delete().where(checkpoints.c.at >= at))

    def latest(self, position: int) -> int:
        """The position of the latest checkpoint at or before `position` (0: none)."""
        query = select(checkpoints.c.position).where(
            checkpoints.c.layout == board.LAYOUT, checkpoints.c.position <= position
        )
        with self.engine.connect() as conn:
            found = conn.execute(query.order_by(checkpoints.c.position.desc()).limit(1)).first()
        return found.position if found else 0

    def nearest(self, position: int | None, at: datetime | None) -> Moment:
        """The latest checkpoint at or before the moment, or the empty board."""
        query = select(checkpoints).where(checkpoints.c.layout == board.LAYOUT)
        if position is not None:
            query = query.where(checkpoints.c.position <= position)
        if at is not None:
            query = query.where(checkpoints.c.at <= utc_iso(at))
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(checkpoints.c.position.desc()).limit(1)).first()
        if row is None:
            return Moment(0, None, board.Board())
        return Moment(row.position, row.at, board.Board(json.loads(zlib.decompress(row.state))))


def utc_iso(at: datetime) -> str:
    """Event times are stored in UTC, so their ISO strings sort as times."""
    return at.astimezone(timezone.utc).isoformat()


def board_at(
    log: CrisisLog,
    store: ViewStore,
    position: int | None = None,
    at: datetime | None = None,
) -> Moment:
    """The board after the last event at or before `position` / `at`."""
    saved = Checkpoints(store)
    return advance(log, saved, saved.nearest(position, at), position, at)


def advance(
    log: CrisisLog,
    saved: Checkpoints,
    moment: Moment,
    position: int | None = None,
    at: datetime | None = None,
) -> Moment:
    """Move `moment` forward, in place, to the last event at or before `position` / `at`,
    saving a checkpoint at every multiple of `EVERY` it passes."""
    log.vault.refresh()
    while True:
        notifications = log.recorder.select_notifications(
            start=moment.position + 1, limit=BATCH, stop=position
        )
        for n in notifications:
            event = opened_event(log, n)
            if at is not None and event.at > at:
                return moment
            moment.board.apply(event, n.id)
            moment.position, moment.at, moment.event = n.id, utc_iso(event.at), event
            if n.id % EVERY == 0:
                saved.save(n.id, moment.at, moment.board)
        if len(notifications) < BATCH:
            return moment
