"""A post: one message on one channel, citing the facts it rests on.

Social posts link to the website post they build on, since the website is
the canonical channel and is published first.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from crisis.errors import Conflict, Refused


class Post(Aggregate):
    @event("Drafted")
    def __init__(
        self,
        *,
        incident_id: UUID,
        channel: str,
        text: str,
        cites: list[UUID],
        links_to: UUID | None,
        by: dict,
        at: datetime,
    ) -> None:
        self.incident_id = incident_id
        self.channel = channel
        self.text = text
        self.cites = cites
        self.links_to = links_to
        self.status = "draft"

    @classmethod
    def draft(cls, **fields: object) -> Post:
        if not str(fields["text"]).strip():
            raise Refused("post_text_required")
        if not fields["cites"]:
            raise Refused("post_needs_facts")
        return cls(**fields)

    def approve(self, by: dict, at: datetime) -> None:
        if self.status != "draft":
            raise Conflict("post_not_draft", status=self.status)
        self._approved(by=by, at=at)

    @event("Approved")
    def _approved(self, by: dict, at: datetime) -> None:
        self.status = "approved"

    def publish(self, by: dict, at: datetime) -> None:
        if self.status == "draft":
            raise Refused("post_not_approved")
        if self.status != "approved":
            raise Conflict("post_already_published", status=self.status)
        self._published(by=by, at=at)

    @event("Published")
    def _published(self, by: dict, at: datetime) -> None:
        self.status = "published"

    @property
    def is_published(self) -> bool:
        return self.status == "published"
