"""An inquiry (henvendelse) from the public, and how it was handled.

It holds only what the reply needs: the channel, the person's handle there
and what they wrote. No names, e-mail addresses or other details are kept:
the municipality keeps no register of its audience. Even those are sealed
(`crisis.privacy.model`): the log holds ciphertext, so they can be erased on
request, when the retention time runs out, or (the text alone) when it holds
sensitive personal information, without rewriting history.

Every reply (holding reply, answer, referral) is signed with the handler's
name, since the municipality is not anonymous. Case handling never happens
on social media: such inquiries are referred, not answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused
from crisis.people.departments import DEPARTMENTS
from crisis.privacy.model import TEXT, WHO, Sealed, Vault

CATEGORIES = (
    "question",
    "possible_rumour",
    "criticism",
    "praise",
    "opinion",
    "case_handling",
    "sensitive_personal_information",
    "photo_removal_request",
    "abusive",
    "spam",
)
# Lower is sooner. Requests to be removed from a photo come first; sensitive
# personal information and abuse are removed as soon as possible.
PRIORITIES = {"photo_removal_request": 0, "sensitive_personal_information": 1, "abusive": 1}
NORMAL_PRIORITY = 2
# "I think" is not an answer: answers to questions rest on approved facts.
# (Praise gets a thank-you, criticism a professional answer, without facts.)
NEEDS_FACTS = (None, "question", "possible_rumour")
# Opinions need no answer; they leave the backlog once triaged.
NO_ANSWER_NEEDED = ("opinion",)
# Only these may be hidden or deleted; criticism and opinions stay up.
REMOVABLE = ("abusive", "spam", "sensitive_personal_information")
MODERATION_ACTIONS = ("hide", "delete")
POSTMOTTAK = "postmottak"
REFERRAL_TARGETS = (POSTMOTTAK, *DEPARTMENTS)
# Why a person's data was erased: they asked, or the retention time ran out.
ERASURE_REASONS = ("request", "retention")

_EXTERNAL = UUID("0b7e8a52-3f4c-4d6e-8c1a-6a0d5c2e9f47")


def external_inquiry_id(channel: str, external_id: str) -> UUID:
    """The same message on the same channel always gets the same id, so the
    event store itself refuses a second copy of it."""
    return uuid5(_EXTERNAL, f"{channel}\n{external_id}")


def priority_of(category: str | None) -> int:
    return PRIORITIES.get(category or "", NORMAL_PRIORITY)


class Inquiry(Accountable):
    class Received(Accountable.Created):
        """v2: the handle, the channel's message id and the text are sealed, and
        the person's pseudonymous `subject` is recorded; v1 had them in clear."""

        incident_id: UUID
        channel: str
        subject: UUID | None
        external_id: Sealed | None
        handle: Sealed
        text: Sealed
        watch_match: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            item = state["originator_id"]
            state["subject"] = None
            state["handle"] = Sealed.legacy(item, WHO, state["handle"])
            state["text"] = Sealed.legacy(item, TEXT, state["text"])
            if state["external_id"] is not None:
                state["external_id"] = Sealed.legacy(item, WHO, state["external_id"])

    @staticmethod
    def new_id(channel: str, external_id: str | None) -> UUID:
        return external_inquiry_id(channel, external_id) if external_id else uuid4()

    @event(Received)
    def __init__(
        self,
        *,
        id: UUID,
        incident_id: UUID,
        channel: str,
        subject: UUID | None,
        external_id: Sealed | None,
        handle: Sealed,
        text: Sealed,
        watch_match: str | None,
        by: dict,
        at: datetime,
    ) -> None:
        self.incident_id = incident_id
        self.channel = channel
        self.subject = subject
        self.handle = handle
        self.text = text
        self.category: str | None = None
        self.assignee: dict | None = None
        self.status = "open"  # open | answered | referred | moderated
        self.answer_cites: list[UUID] = []
        self.escalated = False
        self.moderation: str | None = None
        self.archive_worthy = False
        self.erased = False
        self.redacted = False

    @classmethod
    def receive(
        cls,
        vault: Vault,
        *,
        channel: str,
        external_id: str | None,
        handle: str,
        text: str,
        **fields: Any,
    ) -> Inquiry:
        """A new inquiry, its personal data sealed before it reaches the log."""
        if not str(text).strip():
            raise Refused("inquiry_text_required")
        if not str(handle).strip():
            raise Refused("inquiry_handle_required")
        item = cls.new_id(channel, external_id)
        subject = vault.subject(channel, handle)
        return cls(
            id=item,
            channel=channel,
            subject=subject,
            external_id=vault.seal(item, WHO, subject, external_id) if external_id else None,
            handle=vault.seal(item, WHO, subject, handle),
            text=vault.seal(item, TEXT, subject, text),
            **fields,
        )

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_answered(self) -> bool:
        return self.status == "answered"

    def triage(self, category: str, by: dict, at: datetime) -> None:
        if category not in CATEGORIES:
            raise Refused("unknown_category", category=category)
        if category == self.category:
            raise Conflict("category_unchanged", category=category)
        self._triaged(category=category, priority=priority_of(category), by=by, at=at)

    class Triaged(Accountable.Event):
        category: str
        priority: int

    @event(Triaged)
    def _triaged(self, category: str, priority: int, by: dict, at: datetime) -> None:
        self.category = category

    def assign(self, assignee: dict, by: dict, at: datetime) -> None:
        if self.assignee and self.assignee["id"] == assignee["id"]:
            raise Conflict("already_assigned", name=assignee["name"])
        self._assigned(assignee=assignee, by=by, at=at)

    class Assigned(Accountable.Event):
        assignee: dict

    @event(Assigned)
    def _assigned(self, assignee: dict, by: dict, at: datetime) -> None:
        self.assignee = assignee

    def send_holding_reply(self, text: str, by: dict, at: datetime) -> None:
        self._require_open()
        _require_text(text)
        self._holding_reply_sent(text=text, signature=by["name"], by=by, at=at)

    class HoldingReplySent(Accountable.Event):
        text: str
        signature: str

    @event(HoldingReplySent)
    def _holding_reply_sent(self, text: str, signature: str, by: dict, at: datetime) -> None:
        pass

    def answer(self, text: str, cites: list[UUID], by: dict, at: datetime) -> None:
        """Answer, signed with the handler's name; the service has checked that
        every cited fact is approved and belongs to this incident."""
        self._require_open()
        if self.category == "case_handling":
            raise Refused("never_case_handling")
        _require_text(text)
        if self.category in NEEDS_FACTS and not cites:
            raise Refused("answer_needs_facts")
        self._answered(text=text, cites=list(cites), signature=by["name"], by=by, at=at)

    class Answered(Accountable.Event):
        text: str
        cites: list[UUID]
        signature: str

    @event(Answered)
    def _answered(
        self, text: str, cites: list[UUID], signature: str, by: dict, at: datetime
    ) -> None:
        self.status = "answered"
        self.answer_cites = cites

    def refer(self, to: str, reply: str, by: dict, at: datetime) -> None:
        """Send the person to postmottak or the department that owns the matter."""
        self._require_open()
        if to not in REFERRAL_TARGETS:
            raise Refused("unknown_referral_target", to=to)
        _require_text(reply)
        self._referred(to=to, reply=reply, signature=by["name"], by=by, at=at)

    class Referred(Accountable.Event):
        to: str
        reply: str
        signature: str

    @event(Referred)
    def _referred(self, to: str, reply: str, signature: str, by: dict, at: datetime) -> None:
        self.status = "referred"

    def escalate(self, reason: str, by: dict, at: datetime) -> None:
        self._require_open()
        if not reason.strip():
            raise Refused("escalation_reason_required")
        if self.escalated:
            raise Conflict("already_escalated")
        self._escalated(reason=reason, by=by, at=at)

    class Escalated(Accountable.Event):
        reason: str

    @event(Escalated)
    def _escalated(self, reason: str, by: dict, at: datetime) -> None:
        self.escalated = True

    def moderate(
        self, action: str, reason: str, block: bool, fake_profile: bool, by: dict, at: datetime
    ) -> None:
        """Hide or delete; `reason` is what the person is told. Only fake profiles
        that spread spam are blocked; real profiles are not."""
        if action not in MODERATION_ACTIONS:
            raise Refused("unknown_moderation_action", action=action)
        if self.moderation == "delete" or self.moderation == action:
            raise Conflict("already_moderated", action=self.moderation)
        if self.category not in REMOVABLE:
            raise Refused("moderation_not_allowed", category=self.category or "-")
        if not reason.strip():
            raise Refused("moderation_reason_required")
        if block and not fake_profile:
            raise Refused("block_real_profile")
        if block and self.category != "spam":
            raise Refused("block_only_spam")
        self._moderated(
            action=action, reason=reason, blocked=block, fake_profile=fake_profile, by=by, at=at
        )

    class Moderated(Accountable.Event):
        action: str
        reason: str
        blocked: bool
        fake_profile: bool

    @event(Moderated)
    def _moderated(
        self, action: str, reason: str, blocked: bool, fake_profile: bool, by: dict, at: datetime
    ) -> None:
        self.status = "moderated"
        self.moderation = action

    def set_archive_worthy(self, worthy: bool, reason: str, by: dict, at: datetime) -> None:
        """Archive-worthiness goes by content: anything that could ground a later
        decision is filed in the case system."""
        if worthy == self.archive_worthy:
            raise Conflict("archive_flag_unchanged")
        self._archive_worthiness_set(worthy=worthy, reason=reason, by=by, at=at)

    class ArchiveWorthinessSet(Accountable.Event):
        worthy: bool
        reason: str

    @event(ArchiveWorthinessSet)
    def _archive_worthiness_set(self, worthy: bool, reason: str, by: dict, at: datetime) -> None:
        self.archive_worthy = worthy

    # Personal data. The service deletes the keys; these events tell every view
    # to drop the text at once and record why (never the text itself).

    def erase(self, reason: str, note: str, by: dict, at: datetime) -> None:
        """Erase the person's handle, message id and text from this inquiry."""
        if reason not in ERASURE_REASONS:
            raise Refused("unknown_erasure_reason", reason=reason)
        if self.erased:
            raise Conflict("already_erased")
        self._erased(reason=reason, note=note, by=by, at=at)

    class Erased(Accountable.Event):
        reason: str
        note: str

    @event(Erased)
    def _erased(self, reason: str, note: str, by: dict, at: datetime) -> None:
        self.erased = True

    def expire(
        self, closed_at: datetime | None, days: int, note: str, by: dict, at: datetime
    ) -> None:
        """Erase when the retention time after the incident closed has run out,
        unless the inquiry is archive-worthy (it goes to the case system)."""
        if self.archive_worthy:
            raise Refused("archive_worthy_kept")
        if closed_at is None or at < closed_at + timedelta(days=days):
            raise Refused("retention_not_due", days=days)
        self.erase("retention", note, by, at)

    def redact(self, reason: str, by: dict, at: datetime) -> None:
        """Remove the text (sensitive personal information), keeping who wrote it
        so the person can be told why and where to turn instead."""
        if self.erased:
            raise Conflict("already_erased")
        if self.redacted:
            raise Conflict("already_redacted")
        if not reason.strip():
            raise Refused("redaction_reason_required")
        self._text_redacted(reason=reason, by=by, at=at)

    class TextRedacted(Accountable.Event):
        reason: str

    @event(TextRedacted)
    def _text_redacted(self, reason: str, by: dict, at: datetime) -> None:
        self.redacted = True

    def _require_open(self) -> None:
        if not self.is_open:
            raise Conflict("inquiry_closed", status=self.status)


def _require_text(text: str) -> None:
    if not text.strip():
        raise Refused("reply_text_required")
