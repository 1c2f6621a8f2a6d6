"""A post-incident review: the moments of an incident's history a reviewer pins as key.

The history itself is never edited. Pinning a moment (a log position, with a
note saying why it matters) and removing a pin are events of their own, so
the review is as traceable as the incident it looks back on. One review per
incident, its id derived from the incident's, so no lookup table is needed.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused

MAX_NOTE = 2000
_REVIEW = UUID("3c0d9a4e-7b21-4f5e-8d6a-2e9b1f7c4a58")


class Review(Accountable):
    @staticmethod
    def create_id(incident_id: UUID) -> UUID:
        return uuid5(_REVIEW, str(incident_id))

    class Started(Accountable.Created):
        incident_id: UUID

    @event(Started)
    def __init__(self, *, incident_id: UUID, by: dict, at: datetime) -> None:
        self.incident_id = incident_id
        self.pins: dict[int, str] = {}  # log position -> note

    def pin(self, position: int, note: str, by: dict, at: datetime) -> None:
        if not note.strip():
            raise Refused("pin_needs_note")
        if position in self.pins:
            raise Conflict("already_pinned", position=position)
        self._moment_pinned(
            incident_id=self.incident_id, position=position, note=note.strip(), by=by, at=at
        )

    class MomentPinned(Accountable.Event):
        incident_id: UUID
        position: int
        note: str

    @event(MomentPinned)
    def _moment_pinned(
        self, incident_id: UUID, position: int, note: str, by: dict, at: datetime
    ) -> None:
        self.pins[position] = note

    def remove_pin(self, position: int, by: dict, at: datetime) -> None:
        if position not in self.pins:
            raise Conflict("pin_not_found", position=position)
        self._pin_removed(incident_id=self.incident_id, position=position, by=by, at=at)

    class PinRemoved(Accountable.Event):
        incident_id: UUID
        position: int

    @event(PinRemoved)
    def _pin_removed(self, incident_id: UUID, position: int, by: dict, at: datetime) -> None:
        del self.pins[position]
