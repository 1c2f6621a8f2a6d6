"""A fact: a statement the responsible department vouches for.

The department submits and verifies it (a named person answers for it);
comms approves it before anything published may cite it. The department
corrects it (a new revision, which the corrector vouches for and comms
approves again) or withdraws it, each with a reason; every revision stays in
the log. What cited an older revision needs follow-up; comms records each
follow-up here, so the fact carries the trail of its consequences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused

FINAL = "withdrawn"


class Fact(Accountable):
    class Submitted(Accountable.Created):
        incident_id: UUID
        department: str
        text: str

    @event(Submitted)
    def __init__(
        self, *, incident_id: UUID, department: str, text: str, by: dict, at: datetime
    ) -> None:
        self.incident_id = incident_id
        self.department = department
        self.text = text
        self.status = "submitted"
        self.revision = 1
        self.changes = 0  # corrections and withdrawals so far
        self.followed_up: dict[str, int] = {}  # item id -> `changes` when it was followed up
        self.verified_by: dict | None = None
        self.approved_by: dict | None = None

    @classmethod
    def submit(cls, **fields: Any) -> Fact:
        if not str(fields["text"]).strip():
            raise Refused("fact_text_required")
        return cls(**fields)

    def verify(self, by: dict, at: datetime) -> None:
        if self.status != "submitted":
            raise Conflict("fact_not_awaiting_verification", status=self.status)
        self._verified(by=by, at=at)

    class Verified(Accountable.Event):
        pass

    @event(Verified)
    def _verified(self, by: dict, at: datetime) -> None:
        self.status = "verified"
        self.verified_by = by

    def approve(self, by: dict, at: datetime) -> None:
        if self.status == "submitted":
            raise Refused("fact_not_verified")
        if self.status != "verified":
            raise Conflict("fact_not_awaiting_approval", status=self.status)
        self._approved(by=by, at=at)

    class Approved(Accountable.Event):
        pass

    @event(Approved)
    def _approved(self, by: dict, at: datetime) -> None:
        self.status = "approved"
        self.approved_by = by

    def correct(self, text: str, reason: str, by: dict, at: datetime) -> None:
        self._require_current()
        if not text.strip():
            raise Refused("fact_text_required")
        if text.strip() == self.text.strip():
            raise Refused("fact_text_unchanged")
        if not reason.strip():
            raise Refused("correction_needs_reason")
        self._corrected(text=text, reason=reason, revision=self.revision + 1, by=by, at=at)

    class Corrected(Accountable.Event):
        text: str
        reason: str
        revision: int

    @event(Corrected)
    def _corrected(self, text: str, reason: str, revision: int, by: dict, at: datetime) -> None:
        self.text = text
        self.revision = revision
        self.status = "verified"  # the corrector vouches for it; comms approves it again
        self.verified_by = by
        self.approved_by = None
        self.changes += 1

    def withdraw(self, reason: str, by: dict, at: datetime) -> None:
        self._require_current()
        if not reason.strip():
            raise Refused("withdrawal_needs_reason")
        self._withdrawn(reason=reason, by=by, at=at)

    class Withdrawn(Accountable.Event):
        reason: str

    @event(Withdrawn)
    def _withdrawn(self, reason: str, by: dict, at: datetime) -> None:
        self.status = FINAL
        self.changes += 1

    def follow_up(
        self, item_id: UUID, cited: int | None, note: str, by: dict, at: datetime
    ) -> None:
        """Record that an item citing revision `cited` (None: it does not cite this
        fact; 0: unknown) has been checked and dealt with after a change."""
        if self.revision == 1 and self.status != FINAL:
            raise Refused("fact_never_changed")
        if cited is None:
            raise Refused("item_does_not_cite_fact")
        if cited == self.revision and self.status != FINAL:
            raise Refused("item_cites_current_revision")
        if not note.strip():
            raise Refused("follow_up_needs_note")
        if self.followed_up.get(str(item_id)) == self.changes:
            raise Conflict("already_followed_up")
        self._followed_up(item_id=item_id, note=note, by=by, at=at)

    class FollowedUp(Accountable.Event):
        item_id: UUID
        note: str

    @event(FollowedUp)
    def _followed_up(self, item_id: UUID, note: str, by: dict, at: datetime) -> None:
        self.followed_up[str(item_id)] = self.changes

    def _require_current(self) -> None:
        if self.status == FINAL:
            raise Conflict("fact_withdrawn")

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == FINAL
