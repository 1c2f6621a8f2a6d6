"""The event log: the municipality's memory of every incident.

An eventsourcing application whose `record` turns the library's stale-save
error into a conflict the user can act on, and tells listeners (the
projections) the log position of what was just written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from crisis.clock import Clock, SystemClock
from crisis.errors import Conflict, NotFound

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Saved:
    """What a command wrote: the item, its new version, and the log position."""

    id: UUID
    version: int
    position: int


class CrisisLog(Application[UUID]):
    name = "crisis"

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None):
        super().__init__(env)
        self.clock = clock or SystemClock()
        self._listeners: list[Callable[[int], None]] = []

    def on_saved(self, listener: Callable[[int], None]) -> None:
        self._listeners.append(listener)

    def load(self, kind: type[A], item_id: UUID, version: int | None = None) -> A:
        """The aggregate, refusing a stale `version` the caller acted on."""
        try:
            item = self.repository.get(item_id)
        except AggregateNotFoundError:
            raise NotFound(f"{kind.__name__.lower()}_not_found", id=str(item_id)) from None
        if not isinstance(item, kind):
            raise NotFound(f"{kind.__name__.lower()}_not_found", id=str(item_id))
        if version is not None and version != item.version:
            raise Conflict("stale_version", current=item.version, given=version)
        return item

    def record(self, *items: Aggregate) -> Saved:
        try:
            recordings = self.save(*items)
        except IntegrityError:
            raise Conflict("changed_meanwhile", **self._current(items[-1])) from None
        position = max(r.notification.id for r in recordings)
        for listener in self._listeners:
            listener(position)
        last = items[-1]
        return Saved(last.id, last.version, position)

    def _current(self, item: Aggregate) -> dict[str, int]:
        """The stored version of an item someone else saved first, for the 409."""
        try:
            return {"current": self.repository.get(item.id).version}
        except AggregateNotFoundError:
            return {}

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0
