"""The event log: the municipality's memory of every incident.

An eventsourcing application whose `record` turns the library's stale-save
error into a conflict the user can act on, and tells listeners (the
projections) the log position of what was just written.

It also holds the vault: the key store for residents' personal data, which
lives outside the log (`crisis.privacy.model`). The composition root
(`server.runtime.open_log`) passes the server's key store in; a log in memory
gets a vault in memory, and a stored log without a vault is refused (its
personal data would be sealed under keys that vanish with the process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from crisis.clock import Clock, SystemClock
from crisis.errors import Conflict, NotFound
from crisis.privacy.memory import MemoryVault
from crisis.privacy.model import SealedAsDict, Vault

A = TypeVar("A", bound=Aggregate)
Write = tuple[str, int, str]  # item id, version, event time (ISO)
# Told what a command is about to save, just before the save (the caller's
# context, e.g. an idempotency key noting what its command writes).
recording: ContextVar[Callable[[list[Write]], None] | None] = ContextVar("recording", default=None)
GROUP_MAX = 500  # commands saved together in one transaction, at most


@dataclass(frozen=True)
class Saved:
    """What a command wrote: the item, its new version, and the log position;
    plus any advice (not refusals) the rules gave, as `{"code", "params"}`."""

    id: UUID
    version: int
    position: int
    warnings: tuple[dict, ...] = ()


class _Pending:
    """One caller's events waiting to be committed."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.position = 0
        self.error: Exception | None = None
        self.done = threading.Event()

    def fail(self, error: Exception) -> None:
        self.error = error
        self.done.set()


class CrisisLog(Application[UUID]):
    name = "crisis"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        vault: Vault | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock or SystemClock()
        self.vault: Vault = vault or _memory_vault(self.env)
        self._listeners: list[Callable[[int], None]] = []
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leading = False

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(SealedAsDict())

    def close(self) -> None:
        super().close()
        self.vault.close()

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Every save, grouped or not, first keeps the keys its events were
        sealed with (one key store transaction, `Vault.keep`): no event
        reaches the log before its key."""
        self.vault.keep(processing_event.events)
        return super()._record(processing_event)

    def on_saved(self, listener: Callable[[int], None]) -> None:
        self._listeners.append(listener)

    def load(self, kind: type[A], item_id: UUID, version: int | None = None) -> A:
        """The aggregate, refusing a stale `version` the caller acted on."""
        try:
            item: object = self.repository.get(item_id)
        except AggregateNotFoundError:
            raise NotFound(f"{kind.__name__.lower()}_not_found", id=str(item_id)) from None
        if not isinstance(item, kind):
            raise NotFound(f"{kind.__name__.lower()}_not_found", id=str(item_id))
        if version is not None and version != item.version:
            raise Conflict("stale_version", current=item.version, given=version)
        return item

    def record(self, *items: Aggregate) -> Saved:
        """Save the items' new events in one transaction.

        Concurrent callers are grouped: whoever finds no commit under way
        leads, saving everything queued in one transaction (group commit),
        which multiplies throughput on a busy store. A batch that hits a
        conflict is retried caller by caller, so only the stale one fails.
        """
        pending = _Pending([e for item in items for e in item.collect_events()])
        note = recording.get()
        if note is not None and pending.events:
            note([_write(e) for e in pending.events])
        with self._queue_lock:
            self._queue.append(pending)
        while not pending.done.wait(0 if self._try_to_lead() else 0.05):
            pass
        if pending.error is not None:
            raise pending.error
        last = items[-1]
        return Saved(last.id, last.version, pending.position)

    def _try_to_lead(self) -> bool:
        with self._queue_lock:
            if self._leading:
                return False
            self._leading = True
        try:
            while True:
                with self._queue_lock:
                    batch, self._queue = self._queue[:GROUP_MAX], self._queue[GROUP_MAX:]
                    if not batch:
                        # Step down in the same breath as finding the queue empty:
                        # a caller queued after this leads itself, none is stranded.
                        self._leading = False
                        return True
                self._commit(batch)
        except BaseException:
            with self._queue_lock:
                self._leading = False
            raise

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            recordings = self.save(*(e for p in batch for e in p.events))
        except IntegrityError:
            if len(batch) > 1:
                for pending in batch:
                    self._commit([pending])
                return
            stale = batch[0].events[-1].originator_id
            batch[0].fail(Conflict("changed_meanwhile", **self._current(stale)))
            return
        except Exception as exc:  # the callers report it; the leader carries on
            for pending in batch:
                pending.fail(exc)
            return
        positions = iter(r.notification.id for r in recordings)
        for pending in batch:
            pending.position = max((next(positions) for _ in pending.events), default=0)
        for listener in self._listeners:
            listener(recordings[-1].notification.id)
        for pending in batch:
            pending.done.set()

    def holds(self, writes: list[Write]) -> bool:
        """Whether every one of these writes is in the log (the same event, not
        another saved at that version since)."""
        for item_id, version, at in writes:
            found = self.recorder.select_events(UUID(item_id), gt=version - 1, lte=version, limit=1)
            if not found or _write(self.mapper.to_domain_event(found[0]))[2] != at:
                return False
        return True

    def _current(self, item_id: UUID) -> dict[str, int]:
        """The stored version of an item someone else saved first, for the 409."""
        try:
            return {"current": self.repository.get(item_id).version}
        except AggregateNotFoundError:
            return {}

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0


def _memory_vault(env: Mapping[str, str]) -> Vault:
    if env.get("PERSISTENCE_MODULE", "eventsourcing.popo") != "eventsourcing.popo":
        raise ValueError("a stored event log needs its key store: pass vault=")
    return MemoryVault()


def _write(event: Any) -> Write:
    return (str(event.originator_id), event.originator_version, event.timestamp.isoformat())
