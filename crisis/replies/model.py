"""An incident's library of saved replies.

Comms answers the same question many times in a crisis. A saved reply is a
text with the approved facts it rests on, kept per incident (the facts are
the incident's) and shared by everyone in the inbox. It is event-sourced like
the watch list, so the review sees which replies were on hand when. Using one
still goes through the answer command, which checks its facts again.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, NotFound, Refused

_LIBRARY = UUID("3d0c5b8e-2a61-4f7e-9b1d-7c4e2f9a8b35")
MAX_REPLIES = 200


class ReplyLibrary(Accountable):
    """One per incident, its id derived from the incident's (no lookup table)."""

    @staticmethod
    def create_id(incident_id: UUID) -> UUID:
        return uuid5(_LIBRARY, str(incident_id))

    class Started(Accountable.Created):
        incident_id: UUID

    @event(Started)
    def __init__(self, *, incident_id: UUID, by: dict, at: datetime) -> None:
        self.incident_id = incident_id
        self.replies: dict[UUID, str] = {}  # id -> title

    def save(self, title: str, text: str, cites: list[UUID], by: dict, at: datetime) -> UUID:
        title = " ".join(title.split())
        if not title:
            raise Refused("reply_title_required")
        if not text.strip():
            raise Refused("saved_reply_text_required")
        if any(t.casefold() == title.casefold() for t in self.replies.values()):
            raise Conflict("reply_title_taken", title=title)
        if len(self.replies) >= MAX_REPLIES:
            raise Refused("reply_library_full", max=MAX_REPLIES)
        reply_id = uuid4()
        self._saved(
            incident_id=self.incident_id,
            reply_id=reply_id,
            title=title,
            text=text,
            cites=list(dict.fromkeys(cites)),
            by=by,
            at=at,
        )
        return reply_id

    class ReplySaved(Accountable.Event):
        incident_id: UUID
        reply_id: UUID
        title: str
        text: str
        cites: list[UUID]

    @event(ReplySaved)
    def _saved(
        self,
        incident_id: UUID,
        reply_id: UUID,
        title: str,
        text: str,
        cites: list[UUID],
        by: dict,
        at: datetime,
    ) -> None:
        self.replies[reply_id] = title

    def remove(self, reply_id: UUID, by: dict, at: datetime) -> None:
        if reply_id not in self.replies:
            raise NotFound("reply_not_found", id=str(reply_id))
        self._removed(incident_id=self.incident_id, reply_id=reply_id, by=by, at=at)

    class ReplyRemoved(Accountable.Event):
        incident_id: UUID
        reply_id: UUID

    @event(ReplyRemoved)
    def _removed(self, incident_id: UUID, reply_id: UUID, by: dict, at: datetime) -> None:
        del self.replies[reply_id]
