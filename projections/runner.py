"""Keeps the read models in step with the event log: catch up on start, then follow.

The SQLite store cannot push new events (eventsourcing 9.5), so the log
wakes the runner in-process after each save; on PostgreSQL the runner also
listens (LISTEN/NOTIFY) for what other server processes write; a slow poll
covers the rest. Each process keeps its read models in memory and pushes its
own websocket changes; the stored rows are written once per database.

An event a read model cannot apply (a "poison" event) stops that model at
the event before it, loudly, and the runner retries with a growing pause
instead of spinning.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import resolve_topic

from crisis.log import CrisisLog
from crisis.privacy.model import reveal
from projections.events import incident_of_item, preload_keys
from projections.store import ViewMoved, ViewStore
from projections.view import Batch, Doc, Forgetting, Model, View

log = logging.getLogger(__name__)

BATCH = 1000
MAX_BACKOFF = 60.0


@dataclass(frozen=True)
class Change:
    """One row as it stands at `position`: the last event in the log that changed
    it; `json` is None when the row is gone."""

    position: int
    id: str
    json: str | None
    # The batch removed personal data: earlier copies of rows (e.g. a buffer of
    # recent changes for clients that reconnect) must not be handed out again.
    forgets: bool = False
    # For a row whose model says which of its fields changed (a board header).
    fields: tuple[str, ...] | None = None


class Poisoned(Exception):
    """A read model cannot apply the event at `position`; it stays just before it."""

    def __init__(self, view: str, position: int, topic: str, error: BaseException) -> None:
        super().__init__(f"{view} cannot apply event {position} ({topic}): {error!r}")
        self.view, self.position, self.topic, self.error = view, position, topic, error


class ViewRunner:
    """One read model, its applied position, and who waits for it."""

    def __init__(self, events: CrisisLog, store: ViewStore, view: View) -> None:
        self.events = events
        self.store = store
        self.view = view
        self.lock = threading.Lock()
        self.caught_up = threading.Condition(self.lock)
        self.stalled: Poisoned | None = None
        self._pulling = threading.Lock()
        self._listeners: list[Callable[[list[Change]], object]] = []
        self._topics: dict[str, bool] = {}
        self.position: int
        self.model: Model
        self._reload()

    def on_change(self, listener: Callable[[list[Change]], object]) -> None:
        """Call `listener` with each saved batch of changes, in position order."""
        self._listeners.append(listener)

    def wait(self, position: int, timeout: float = 2.0) -> bool:
        """Block until the model has applied `position`, or the timeout passes,
        or it is stuck before it (no use waiting then)."""
        with self.caught_up:
            return (
                self.caught_up.wait_for(
                    lambda: (
                        self.position >= position
                        or (self.stalled is not None and self.stalled.position <= position)
                    ),
                    timeout,
                )
                and self.position >= position
            )

    def snapshot(
        self, row_id: str | None = None, view: Callable[[Doc], Doc | None] | None = None
    ) -> tuple[int, list[Doc]]:
        """The position and a copy of all documents (in id order, whatever the
        history), or of one; `view` picks what of each is shown (None: none of it)."""
        position, text = self.snapshot_json(row_id, view)
        return position, orjson.loads(text)

    def snapshot_json(
        self, row_id: str | None = None, view: Callable[[Doc], Doc | None] | None = None
    ) -> tuple[int, bytes]:
        """As `snapshot`, as JSON text made straight from the model (no copies)."""
        with self.lock:
            docs = self._documents(row_id)
            # One document at a time through `view`, so what it leaves out is freed as we go.
            shown = [d for d in (map(view, docs) if view else docs) if d is not None]
            return self.position, orjson.dumps(shown)

    def read(self, use: Callable[[Any], Any]) -> tuple[int, Any]:
        """Call `use` with the model while it holds still; the position and its answer.
        `use` must not keep or change what it is given."""
        with self.lock:
            return self.position, use(self.model)

    def _documents(self, row_id: str | None) -> Iterable[Doc]:
        documents = getattr(self.model, "documents", None)
        if documents is not None:
            return documents(row_id)
        rows = self.model.rows
        if row_id is None:
            return [rows[i] for i in sorted(rows)]
        return [rows[row_id]] if row_id in rows else []

    def pull(self) -> None:
        """Apply every event after our position, a batch per transaction.

        Raises Poisoned after saving everything before the poison event."""
        with self._pulling:
            for batch in self._batches():
                self.take(batch)
            self.unstall()

    def take(self, notifications: Sequence[Notification]) -> None:
        """Apply those of a batch read from the log that come after our position
        (it starts at or before the next one), in one transaction; the caller
        holds `_pulling`. Raises Poisoned after saving everything before it."""
        batch = [n for n in notifications if n.id > self.position]
        if not batch:
            return
        try:
            self._apply(batch)
        except Poisoned as poison:
            good = [n for n in batch if n.id < poison.position]
            if good:
                self._apply(good)
            with self.caught_up:
                self.stalled = poison
                self.caught_up.notify_all()
            raise

    def unstall(self) -> None:
        """Caught up with the log: no longer stuck (if it was)."""
        if self.stalled is not None:
            with self.caught_up:
                self.stalled = None

    def _batches(self) -> Iterator[Sequence[Notification]]:
        while notifications := self.events.recorder.select_notifications(
            start=self.position + 1, limit=BATCH
        ):
            yield notifications

    def _apply(self, notifications: Sequence[Notification]) -> None:
        opens = self.view.opens
        if opens:
            self.events.vault.refresh()
        with self.lock:
            changed: dict[str, int] = {}
            last = notifications[-1].id
            wanted = [n for n in notifications if n.id == last or self._wants(n.topic)]
            for n, event in zip(wanted, self._decoded(wanted), strict=True):
                try:
                    applied = reveal(event, self.events.vault) if opens else event
                    for row_id in self.model.apply(applied, n.id):
                        changed[row_id] = n.id
                except Exception as error:
                    self._reload()  # drop the half-applied batch
                    raise Poisoned(self.view.name, n.id, n.topic, error) from error
            changes = changes_of(self.model, changed)
            self._save(changes, Batch(self.position, last, applied))
            forgetting = self.model if isinstance(self.model, Forgetting) else None
            if forgetting is not None and forgetting.forgotten is not None:
                forgetting.forgotten = None
                self.store.scrub()
                changes = [replace(c, forgets=True) for c in changes]
            for step in ("settle", "shelve"):  # what was applied is saved
                getattr(self.model, step, lambda: None)()
            self.position = last
            self.caught_up.notify_all()
        for listener in self._listeners:
            listener(changes)

    def _save(self, changes: list[Change], batch: Batch) -> None:
        """The batch's rows, what the view writes to its own tables and its new
        position, in one transaction."""
        writes = self.view.writes
        try:
            self.store.save(
                self.view.name,
                batch.since,
                batch.position,
                _texts(changes),
                None if writes is None else lambda conn: writes(conn, batch, self.model),
            )
        except ViewMoved:
            pass  # another process on this database has written it already
        except Exception:
            self._reload()
            raise

    def _decoded(self, notifications: Sequence[Notification]) -> list[Any]:
        """The events, their sealed values' keys read in one go; Poisoned at
        the first that does not decode (nothing is applied yet)."""
        events = []
        for n in notifications:
            try:
                events.append(self.events.mapper.to_domain_event(n))
            except Exception as error:
                raise Poisoned(self.view.name, n.id, n.topic, error) from error
        if self.view.opens:
            preload_keys(self.events, events)
        return events

    def _wants(self, topic: str) -> bool:
        """Whether the model applies events of this topic (see `View.events`)."""
        wanted = self._topics.get(topic)
        if wanted is None:
            kinds = self.view.events
            try:
                wanted = kinds is None or resolve_topic(topic) in set(kinds())
            except Exception:  # an unknown topic: decoding it says what is wrong
                wanted = True
            self._topics[topic] = wanted
        return wanted

    def _reload(self) -> None:
        self.position, docs = self.store.load(self.view)
        self.model = self.view.model(docs)
        if hasattr(self.model, "fetch"):
            name = self.view.name
            self.model.fetch = lambda group: self.store.rows(name, group)
        if hasattr(self.model, "origin"):
            self.model.origin = partial(incident_of_item, self.events)


def changes_of(model: Any, changed: dict[str, int]) -> list[Change]:
    """The rows changed (each with the position of its last event), as they
    stand in the model now, in position order."""
    fields = getattr(model, "fields", None)
    return [
        Change(p, i, _text(_row(model, i)), fields=_fields(fields, i))
        for i, p in sorted(changed.items(), key=lambda c: c[1])
    ]


def _texts(changes: list[Change]) -> dict[str, str | None]:
    return {c.id: c.json for c in changes}


def _row(model: Any, row_id: str) -> Doc | None:
    row = getattr(model, "row", None)
    return row(row_id) if row is not None else model.rows.get(row_id)


def _text(row: Doc | None) -> str | None:
    return None if row is None else orjson.dumps(row).decode()


def _fields(fields: Callable[[str], set[str]] | None, row_id: str) -> tuple[str, ...] | None:
    """The changed fields of a row that is a whole group (a board header)."""
    if fields is None or "/" in row_id:
        return None
    return tuple(sorted(fields(row_id)))


class Projections:
    """The read models of one process that follow the log (`View.follows`), on one thread."""

    def __init__(
        self,
        events: CrisisLog,
        store: ViewStore,
        views: list[View],
        poll_seconds: float = 1.0,
    ) -> None:
        self.events = events
        self.store = store
        self.poll_seconds = poll_seconds
        self.runners = {v.name: ViewRunner(events, store, v) for v in views if v.follows}
        self.backoff = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._subscription: Any = None

    def __getitem__(self, name: str) -> ViewRunner:
        return self.runners[name]

    def start(self) -> None:
        """Catch up, then follow the log on a thread, woken by each save."""
        self.events.on_saved(lambda _position: self._wake.set())
        self.catch_up()
        self._thread = threading.Thread(target=self._follow, name="projections", daemon=True)
        self._thread.start()
        if isinstance(self.events.recorder, PostgresApplicationRecorder):
            threading.Thread(target=self._listen, name="projections-listen", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._subscription is not None:
            self._subscription.stop()
        if self._thread:
            self._thread.join(timeout=5)

    def _listen(self) -> None:
        """On PostgreSQL, wake on every event any process writes (LISTEN/NOTIFY),
        so several servers on one database all push the same changes."""
        while not self._stop.is_set():
            try:
                with self.events.recorder.subscribe(gt=self.events.max_position()) as sub:
                    self._subscription = sub
                    for _notification in sub:
                        self._wake.set()
            except Exception:  # the database went away: retry; the poll covers the gap
                if not self._stop.is_set():
                    log.exception("lost the PostgreSQL subscription; retrying")
                    self._stop.wait(self.poll_seconds)

    def pull(self) -> None:
        """Bring every read model up to the end of the log; raises the first failure.

        Each batch is read from the log once and handed to every model in turn
        (each applies what comes after its own position); a model that fails
        takes no more batches in this pass, the others go on."""
        failure: Exception | None = None
        with contextlib.ExitStack() as held:
            pulling = list(self.runners.values())
            for runner in pulling:
                held.enter_context(runner._pulling)
            while pulling:
                start = min(r.position for r in pulling) + 1
                batch = self.events.recorder.select_notifications(start=start, limit=BATCH)
                if not batch:
                    break
                for runner in list(pulling):
                    try:
                        runner.take(batch)
                    except Exception as error:
                        failure = failure or error
                        pulling.remove(runner)
            for runner in pulling:
                runner.unstall()
        if failure:
            raise failure

    def wait(self, position: int, timeout: float = 2.0) -> bool:
        """Block until every read model has applied `position` (within one timeout)."""
        deadline = time.monotonic() + timeout
        return all(
            r.wait(position, max(0.0, deadline - time.monotonic())) for r in self.runners.values()
        )

    def status(self) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "position": r.position,
                "stalled_at": r.stalled.position if r.stalled else None,
            }
            for name, r in self.runners.items()
        }

    def _follow(self) -> None:
        while not self._stop.is_set():
            if self.backoff:
                self._stop.wait(self.backoff)  # saves do not wake us while backing off
            else:
                self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            self.catch_up()

    def catch_up(self) -> None:
        """Pull; on failure log it and pause longer before each retry."""
        try:
            self.pull()
        except Exception as error:
            first = not self.backoff
            self.backoff = min(max(self.backoff * 2, 1.0), MAX_BACKOFF)
            if first:
                log.exception("read models stalled: %s", error)
            else:
                log.error("read models still stalled (retry in %.0f s): %s", self.backoff, error)
        else:
            if self.backoff:
                log.warning("read models caught up again")
            self.backoff = 0.0
