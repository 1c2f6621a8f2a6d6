"""The board as it stood at any moment of the log, for post-incident review.

Computed by the same board code that fed the live board. Checkpoints of the
whole board every `EVERY` log positions make any moment the nearest
checkpoint plus a short tail, instead of a pass over the whole log. A
checkpoint stores only the incidents that changed since the one before it (a
board of years holds hundreds of closed incidents), so writing one costs what
changed, and the board at a checkpoint is each incident's latest stored doc.

A replay of one incident (what the review page shows) restores only that
incident's doc and applies only its events from the tail, so its cost does
not grow with the number of incidents the log holds.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    and_,
    func,
    select,
)

from crisis.log import CrisisLog
from crisis.privacy.model import reveal
from projections import board
from projections.events import decoded
from projections.store import ViewStore
from projections.view import Batch

EVERY = 5000
BATCH = 2000

metadata = MetaData()
checkpoints = Table(
    "replay_checkpoints",
    metadata,
    Column("position", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("layout", Integer, nullable=False),
)
# An incident's doc as it stood at a checkpoint, stored when it changed since the one before.
checkpoint_docs = Table(
    "replay_checkpoint_docs",
    metadata,
    Column("incident", String(64), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("layout", Integer, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)


@dataclass
class Moment:
    """The board at `position`, and the event that made it so; with `incident`,
    only that incident's part of the board (the others are left out)."""

    position: int
    at: str | None
    board: board.Board
    event: Any = None
    incident: str | None = None

    def about(self, event: Any) -> bool:
        """Whether the event changes what this moment holds: any, unless scoped
        to one incident; then the incident itself, its items and what names it."""
        if self.incident is None:
            return True
        origin = str(event.originator_id)
        return (
            origin == self.incident
            or self.board.owner.get(origin) == self.incident
            or str(getattr(event, "incident_id", "")) == self.incident
        )

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
        """Checkpoint the board at `position` (as a replay passes it)."""
        with self.engine.begin() as conn:
            save_checkpoint(conn, position, at, state)

    def latest(self, position: int) -> int:
        """The position of the latest checkpoint at or before `position` (0: none)."""
        with self.engine.connect() as conn:
            return latest_checkpoint(conn, position)

    def nearest(
        self, position: int | None, at: datetime | None, incident: str | None = None
    ) -> Moment:
        """The latest checkpoint at or before the moment, or the empty board;
        with `incident`, only that incident's doc."""
        query = select(checkpoints).where(checkpoints.c.layout == board.LAYOUT)
        if position is not None:
            query = query.where(checkpoints.c.position <= position)
        if at is not None:
            query = query.where(checkpoints.c.at <= utc_iso(at))
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(checkpoints.c.position.desc()).limit(1)).first()
            if row is None:
                return Moment(0, None, board.Board(), incident=incident)
            docs = self._docs(conn, row.position, incident)
        return Moment(row.position, row.at, board.Board(docs), incident=incident)

    @staticmethod
    def _docs(conn: Any, position: int, incident: str | None) -> dict[str, Any]:
        """Each incident's (or the one's) latest doc stored at or before `position`."""
        d = checkpoint_docs.c
        latest = select(d.incident, func.max(d.position).label("position")).where(
            d.layout == board.LAYOUT, d.position <= position
        )
        if incident is not None:
            latest = latest.where(d.incident == incident)
        newest = latest.group_by(d.incident).subquery()
        query = select(d.incident, d.doc).join(
            newest, and_(d.incident == newest.c.incident, d.position == newest.c.position)
        )
        return {r.incident: json.loads(zlib.decompress(r.doc)) for r in conn.execute(query)}


def latest_checkpoint(conn: Connection, position: int) -> int:
    """The position of the latest checkpoint at or before `position` (0: none)."""
    query = select(func.max(checkpoints.c.position)).where(
        checkpoints.c.layout == board.LAYOUT, checkpoints.c.position <= position
    )
    return conn.execute(query).scalar() or 0


def save_checkpoint(conn: Connection, position: int, at: str, state: board.Board) -> None:
    """Checkpoint the board at `position`: the incidents changed since the
    latest checkpoint before it (every doc carries the position of the last
    event that changed it)."""
    before = latest_checkpoint(conn, position - 1)
    changed = {
        h["id"]: state.document(h["id"]) for h in list(state.headers()) if h["position"] > before
    }
    conn.execute(checkpoints.delete().where(checkpoints.c.position == position))
    conn.execute(checkpoint_docs.delete().where(checkpoint_docs.c.position == position))
    conn.execute(checkpoints.insert().values(position=position, at=at, layout=board.LAYOUT))
    if changed:
        conn.execute(
            checkpoint_docs.insert(),
            [
                {
                    "incident": incident,
                    "position": position,
                    "layout": board.LAYOUT,
                    "doc": zlib.compress(orjson.dumps(doc), 1),
                }
                for incident, doc in changed.items()
            ],
        )


def keep_checkpoints(conn: Connection, batch: Batch, state: board.Board) -> None:
    """The live board leaves a checkpoint each time it passes a multiple of
    `EVERY`, in the transaction that saves it (`View.writes`), so a review of
    any moment is a checkpoint plus a short tail. When the batch removed
    personal data, the checkpoints from then on, which hold it, go first;
    replays write them again, without it, as they pass."""
    if state.forgotten is not None:
        since = utc_iso(datetime.fromisoformat(state.forgotten))
        conn.execute(checkpoints.delete().where(checkpoints.c.at >= since))
    if batch.since // EVERY != batch.position // EVERY:
        save_checkpoint(conn, batch.position, utc_iso(batch.last.at), state)


def utc_iso(at: datetime) -> str:
    """Event times are stored in UTC, so their ISO strings sort as times."""
    return at.astimezone(UTC).isoformat()


def board_at(
    log: CrisisLog,
    store: ViewStore,
    position: int | None = None,
    at: datetime | None = None,
    incident: str | None = None,
) -> Moment:
    """The board (or one incident's part of it) after the last event at or
    before `position` / `at`."""
    saved = Checkpoints(store)
    return advance(log, saved, saved.nearest(position, at, incident), position, at)


class Saves(Protocol):
    """Where `advance` leaves checkpoints (`Checkpoints`, or nowhere)."""

    def save(self, position: int, at: str, state: board.Board) -> None: ...


def advance(
    log: CrisisLog,
    saved: Saves,
    moment: Moment,
    position: int | None = None,
    at: datetime | None = None,
) -> Moment:
    """Move `moment` forward, in place, to the last event at or before `position` / `at`,
    saving a checkpoint at every multiple of `EVERY` it passes (a whole board only)."""
    log.vault.refresh()
    while True:
        notifications = log.recorder.select_notifications(
            start=moment.position + 1, limit=BATCH, stop=position
        )
        for n, event in zip(notifications, decoded(log, notifications), strict=True):
            if at is not None and event.at > at:
                return moment
            if moment.about(event):
                moment.board.apply(reveal(event, log.vault), n.id)
            moment.position, moment.at, moment.event = n.id, utc_iso(event.at), event
            if n.id % EVERY == 0 and moment.incident is None:
                saved.save(n.id, moment.at, moment.board)
        if len(notifications) < BATCH:
            return moment
