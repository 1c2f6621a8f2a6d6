"""A post: one message on one channel, citing the facts it rests on.

Social posts link to the website post they build on, since the website is
the canonical channel and is published first. A post records the revision
of each fact it cites, so a later correction of the fact can be followed up.
An erroneous published post is retracted with a reason, together with an
apology post on the same channel that `corrects` it; both stay in history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused


class Post(Accountable):
    class Drafted(Accountable.Created):
        incident_id: UUID
        channel: str
        text: str
        cites: list[UUID]
        revisions: list[int]  # the revision of each cited fact, in the order of `cites`
        links_to: UUID | None
        corrects: UUID | None  # the retracted post this apology corrects
        warnings: list[dict]  # advice given at drafting, see crisis.posts.limits
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            # Before fact corrections existed every fact was at its first revision.
            state["revisions"] = [1] * len(state["cites"])
            state["corrects"] = None
            state["warnings"] = []

    @event(Drafted)
    def __init__(
        self,
        *,
        incident_id: UUID,
        channel: str,
        text: str,
        cites: list[UUID],
        revisions: list[int],
        links_to: UUID | None,
        corrects: UUID | None,
        warnings: list[dict],
        by: dict,
        at: datetime,
    ) -> None:
        self.incident_id = incident_id
        self.channel = channel
        self.text = text
        self.cites = list(cites)
        self.revisions = list(revisions)
        self.links_to = links_to
        self.corrects = corrects
        self.warnings = list(warnings)
        self.author = by
        self.status = "draft"
        self.corrected_by: UUID | None = None

    @classmethod
    def draft(cls, **fields: Any) -> Post:
        if not str(fields["text"]).strip():
            raise Refused("post_text_required")
        if not fields["cites"] and fields.get("corrects") is None:
            raise Refused("post_needs_facts")
        return cls(**fields)

    def approve(self, by: dict, at: datetime, four_eyes: bool = False) -> None:
        if self.status != "draft":
            raise Conflict("post_not_draft", status=self.status)
        if four_eyes and by["id"] == self.author["id"]:
            raise Refused("four_eyes")
        self._approved(by=by, at=at)

    class Approved(Accountable.Event):
        pass

    @event(Approved)
    def _approved(self, by: dict, at: datetime) -> None:
        self.status = "approved"

    def publish(self, by: dict, at: datetime) -> None:
        if self.status == "draft":
            raise Refused("post_not_approved")
        if self.status != "approved":
            raise Conflict("post_already_published", status=self.status)
        self._published(by=by, at=at)

    class Published(Accountable.Event):
        pass

    @event(Published)
    def _published(self, by: dict, at: datetime) -> None:
        self.status = "published"

    def require_retractable(self, reason: str) -> None:
        if self.status != "published":
            raise Conflict("post_not_published", status=self.status)
        if not reason.strip():
            raise Refused("retraction_needs_reason")

    def retract(self, reason: str, apology: UUID, by: dict, at: datetime) -> None:
        self.require_retractable(reason)
        self._retracted(reason=reason, apology=apology, by=by, at=at)

    class Retracted(Accountable.Event):
        reason: str
        apology: UUID

    @event(Retracted)
    def _retracted(self, reason: str, apology: UUID, by: dict, at: datetime) -> None:
        self.status = "retracted"
        self.corrected_by = apology

    def discard(self, reason: str, by: dict, at: datetime) -> None:
        """Drop a post that was never published, e.g. one resting on a corrected fact."""
        if self.status not in ("draft", "approved"):
            raise Conflict("post_not_discardable", status=self.status)
        if not reason.strip():
            raise Refused("discard_needs_reason")
        self._discarded(reason=reason, by=by, at=at)

    class Discarded(Accountable.Event):
        reason: str

    @event(Discarded)
    def _discarded(self, reason: str, by: dict, at: datetime) -> None:
        self.status = "discarded"

    def cited_revision(self, fact_id: UUID) -> int | None:
        """The revision of the fact this post rests on, if it cites it."""
        return dict(zip(self.cites, self.revisions, strict=True)).get(fact_id)

    @property
    def is_published(self) -> bool:
        return self.status == "published"
