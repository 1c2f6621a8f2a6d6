"""A fact: a statement the responsible department vouches for.

The department submits and verifies it (a named person answers for it);
comms approves it before anything published may cite it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from crisis.errors import Conflict, Refused


class Fact(Aggregate):
    @event("Submitted")
    def __init__(
        self, *, incident_id: UUID, department: str, text: str, by: dict, at: datetime
    ) -> None:
        self.incident_id = incident_id
        self.department = department
        self.text = text
        self.status = "submitted"
        self.verified_by: dict | None = None
        self.approved_by: dict | None = None

    @classmethod
    def submit(cls, **fields: object) -> Fact:
        if not str(fields["text"]).strip():
            raise Refused("fact_text_required")
        return cls(**fields)

    def verify(self, by: dict, at: datetime) -> None:
        if self.status != "submitted":
            raise Conflict("fact_not_awaiting_verification", status=self.status)
        self._verified(by=by, at=at)

    @event("Verified")
    def _verified(self, by: dict, at: datetime) -> None:
        self.status = "verified"
        self.verified_by = by

    def approve(self, by: dict, at: datetime) -> None:
        if self.status == "submitted":
            raise Refused("fact_not_verified")
        if self.status != "verified":
            raise Conflict("fact_not_awaiting_approval", status=self.status)
        self._approved(by=by, at=at)

    @event("Approved")
    def _approved(self, by: dict, at: datetime) -> None:
        self.status = "approved"
        self.approved_by = by

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"
