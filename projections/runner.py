"""Keeps the board in step with the event log: catch up on start, then follow.

The SQLite store cannot push new events (eventsourcing 9.5), so the log
wakes the runner in-process after each save; a slow poll covers anything
written by another process.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder

from crisis.log import CrisisLog
from projections import board
from projections.store import ViewStore

log = logging.getLogger(__name__)

VIEW = "board"
BATCH = 1000


@dataclass(frozen=True)
class Change:
    """One incident as it stands at `position` in the log."""

    position: int
    incident: dict[str, Any]


class BoardRunner:
    def __init__(self, events: CrisisLog, store: ViewStore, poll_seconds: float = 1.0) -> None:
        self.events = events
        self.store = store
        self.poll_seconds = poll_seconds
        self.lock = threading.Lock()
        self.caught_up = threading.Condition(self.lock)
        self._reload()
        self._listeners: list[Callable[[list[Change]], None]] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._subscription: Any = None
        events.on_saved(lambda _position: self._wake.set())

    def on_change(self, listener: Callable[[list[Change]], None]) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self.pull()
        self._thread = threading.Thread(target=self._follow, name="board-runner", daemon=True)
        self._thread.start()
        if isinstance(self.events.recorder, PostgresApplicationRecorder):
            threading.Thread(target=self._listen, name="board-listen", daemon=True).start()

    def _listen(self) -> None:
        """On PostgreSQL, wake on every event any process writes (LISTEN/NOTIFY),
        so several servers on one database all push the same changes."""
        while not self._stop.is_set():
            try:
                with self.events.recorder.subscribe(gt=self.position) as subscription:
                    self._subscription = subscription
                    for _notification in subscription:
                        self._wake.set()
                        if self._stop.is_set():
                            return
            except Exception:  # the database went away: retry; the poll covers the gap
                log.exception("lost the PostgreSQL subscription; retrying")
                self._stop.wait(self.poll_seconds)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._subscription is not None:
            self._subscription.stop()
        if self._thread:
            self._thread.join(timeout=5)

    def wait(self, position: int, timeout: float = 2.0) -> bool:
        """Block until the board has applied `position`, or the timeout passes."""
        with self.caught_up:
            return self.caught_up.wait_for(lambda: self.position >= position, timeout)

    def snapshot(self, incident_id: str | None = None) -> tuple[int, list[dict[str, Any]]]:
        with self.lock:
            docs = self.board.incidents.values()
            if incident_id is not None:
                docs = [d for d in docs if d["id"] == incident_id]
            return self.position, copy.deepcopy(list(docs))

    def pull(self) -> None:
        """Apply every event after our position, a batch per transaction."""
        while True:
            notifications = self.events.recorder.select_notifications(
                start=self.position + 1, limit=BATCH
            )
            if not notifications:
                return
            self._apply(notifications)

    def _apply(self, notifications: list[Any]) -> None:
        changed: set[str] = set()
        with self.lock:
            try:
                for n in notifications:
                    incident_id = self.board.apply(self.events.mapper.to_domain_event(n), n.id)
                    if incident_id:
                        changed.add(incident_id)
            except Exception:
                self._reload()  # drop the half-applied batch; it is retried whole
                raise
            position = notifications[-1].id
            docs = {i: self.board.incidents[i] for i in changed}
            self.store.save(VIEW, self.position, position, docs)
            self.position = position
            changes = [Change(position, copy.deepcopy(d)) for d in docs.values()]
            self.caught_up.notify_all()
        for listener in self._listeners:
            listener(changes)

    def _reload(self) -> None:
        self.position, docs = self.store.load(VIEW, board.LAYOUT)
        self.board = board.Board(docs)

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.pull()
            except Exception:  # keep following; the next wake retries
                log.exception("board projection failed to apply events")
