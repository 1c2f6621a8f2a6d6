"""Inquiry commands: intake from staff and from channel integrations, and
handling (triage, assignment, replies, referral, escalation, moderation)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from crisis.channels import Channel
from crisis.channels.service import find_channel
from crisis.errors import Conflict, Refused
from crisis.facts.service import citable_fact
from crisis.incidents.model import Incident
from crisis.inquiries.model import Inquiry, external_inquiry_id
from crisis.log import CrisisLog, Saved
from crisis.people.model import PERMISSIONS, Actor
from crisis.rumours.service import watch_list_of

MAX_BATCH = 500
_RACES = 3  # a concurrent delivery of the same messages: re-check and try again


def receive_inquiry(
    log: CrisisLog,
    actor: Actor,
    *,
    incident_id: UUID,
    channel: str,
    handle: str,
    text: str,
    external_id: str | None = None,
) -> Saved:
    """Staff register an inquiry by hand. With the channel's message id
    (`external_id`), a later webhook delivery of the same message adds nothing."""
    actor.require("receive_inquiry")
    log.load(Incident, incident_id).require_open()
    find_channel(log, channel)
    if external_id and _exists(log, external_inquiry_id(channel, external_id)):
        raise Conflict("inquiry_already_received")
    watch = watch_list_of(log, incident_id)
    inquiry = Inquiry.receive(
        log.vault,
        incident_id=incident_id,
        channel=channel,
        external_id=external_id,
        handle=handle,
        text=text,
        watch_match=watch.match(text) if watch else None,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(inquiry)


@dataclass(frozen=True)
class Message:
    """One message a channel integration delivers: the handle is all we keep of the person."""

    incident_id: UUID
    external_id: str
    handle: str
    text: str


@dataclass(frozen=True)
class Intake:
    """What a delivery added: per message its inquiry id and whether it was new."""

    results: list[tuple[str, UUID, bool]]
    position: int

    @property
    def accepted(self) -> int:
        return sum(new for _, _, new in self.results)

    @property
    def duplicates(self) -> int:
        return len(self.results) - self.accepted


def receive_delivery(log: CrisisLog, channel: str, messages: Sequence[Message]) -> Intake:
    """A batch from a channel integration, saved in one transaction.

    The caller has authenticated the channel (the webhook signature). Each
    message's id comes from (channel, external id), so the event store itself
    refuses a second copy: the first attempt saves every message unchecked (a
    delivery is new as a rule); if the store refuses it (a retried delivery, or
    two racing), each message is checked and only the new ones are saved.
    """
    if len(messages) > MAX_BATCH:
        raise Refused("batch_too_large", size=len(messages), max=MAX_BATCH)
    source = find_channel(log, channel)
    watches = {}
    for incident_id in dict.fromkeys(m.incident_id for m in messages):
        log.load(Incident, incident_id).require_open()
        watches[incident_id] = watch_list_of(log, incident_id)
    by, at = _integration(source), log.clock.now()
    ids = [external_inquiry_id(channel, m.external_id) for m in messages]
    log.vault.preload(ids)
    for attempt in range(_RACES + 1):
        new: dict[UUID, Inquiry] = {}
        for inquiry_id, m in zip(ids, messages, strict=True):
            if inquiry_id in new or (attempt and _exists(log, inquiry_id)):
                continue
            watch = watches[m.incident_id]
            new[inquiry_id] = Inquiry.receive(
                log.vault,
                incident_id=m.incident_id,
                channel=channel,
                external_id=m.external_id,
                handle=m.handle,
                text=m.text,
                watch_match=watch.match(m.text) if watch else None,
                by=by,
                at=at,
            )
        try:
            position = log.record(*new.values()).position if new else log.max_position()
        except Conflict:
            continue
        first = set(new)
        results = []
        for inquiry_id, m in zip(ids, messages, strict=True):
            results.append((m.external_id, inquiry_id, inquiry_id in first))
            first.discard(inquiry_id)
        return Intake(results, position)
    raise Conflict("changed_meanwhile")


def triage_inquiry(
    log: CrisisLog, actor: Actor, inquiry_id: UUID, *, category: str, version: int | None = None
) -> Saved:
    return _change(log, actor, inquiry_id, version, lambda i, by, at: i.triage(category, by, at))


def assign_inquiry(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    *,
    assignee: Actor | None = None,
    version: int | None = None,
) -> Saved:
    """Give the inquiry to a person who may answer it (by default the actor)."""
    actor.require("handle_inquiry")
    person = assignee or actor
    if person.role not in PERMISSIONS["handle_inquiry"]:
        raise Refused("assignee_cannot_answer", name=person.name)
    record = {"id": person.id, "name": person.name}
    return _change(log, actor, inquiry_id, version, lambda i, by, at: i.assign(record, by, at))


def send_holding_reply(
    log: CrisisLog, actor: Actor, inquiry_id: UUID, *, text: str, version: int | None = None
) -> Saved:
    """A holding reply ("received, we will come back when we have checked")
    stops the first-response clock, not the answer clock."""
    return _change(
        log, actor, inquiry_id, version, lambda i, by, at: i.send_holding_reply(text, by, at)
    )


def answer_inquiry(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    *,
    text: str,
    cites: list[UUID],
    version: int | None = None,
) -> Saved:
    def answer(inquiry: Inquiry, by: dict, at: datetime) -> None:
        for fact_id in cites:
            citable_fact(log, fact_id, inquiry.incident_id)
        inquiry.answer(text, cites, by, at)

    return _change(log, actor, inquiry_id, version, answer)


MAX_GROUP = 100


def answer_group(
    log: CrisisLog,
    actor: Actor,
    inquiry_ids: Sequence[UUID],
    *,
    text: str,
    cites: list[UUID],
) -> Saved:
    """One approved reply to a group of near-identical inquiries that staff
    confirmed: each gets its own answer, all saved in one transaction, so a
    refusal for any one of them (closed meanwhile, case handling) writes nothing."""
    actor.require("handle_inquiry")
    ids = list(dict.fromkeys(inquiry_ids))
    if not ids:
        raise Refused("group_empty")
    if len(ids) > MAX_GROUP:
        raise Refused("group_too_large", size=len(ids), max=MAX_GROUP)
    inquiries = [log.load(Inquiry, i) for i in ids]
    incident_id = inquiries[0].incident_id
    if any(i.incident_id != incident_id for i in inquiries):
        raise Refused("group_of_several_incidents")
    for fact_id in cites:
        citable_fact(log, fact_id, incident_id)
    by, at = actor.as_record(), log.clock.now()
    for inquiry in inquiries:
        inquiry.answer(text, cites, by, at)
    return log.record(*inquiries)


def refer_inquiry(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    *,
    to: str,
    reply: str,
    version: int | None = None,
) -> Saved:
    return _change(log, actor, inquiry_id, version, lambda i, by, at: i.refer(to, reply, by, at))


def escalate_inquiry(
    log: CrisisLog, actor: Actor, inquiry_id: UUID, *, reason: str, version: int | None = None
) -> Saved:
    return _change(log, actor, inquiry_id, version, lambda i, by, at: i.escalate(reason, by, at))


def moderate_inquiry(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    *,
    action: str,
    reason: str,
    block: bool = False,
    fake_profile: bool = False,
    version: int | None = None,
) -> Saved:
    return _change(
        log,
        actor,
        inquiry_id,
        version,
        lambda i, by, at: i.moderate(action, reason, block, fake_profile, by, at),
        permission="moderate_inquiry",
    )


def set_archive_worthy(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    *,
    worthy: bool = True,
    reason: str = "",
    version: int | None = None,
) -> Saved:
    return _change(
        log,
        actor,
        inquiry_id,
        version,
        lambda i, by, at: i.set_archive_worthy(worthy, reason, by, at),
    )


def _change(
    log: CrisisLog,
    actor: Actor,
    inquiry_id: UUID,
    version: int | None,
    act: Callable[[Inquiry, dict, datetime], None],
    permission: str = "handle_inquiry",
) -> Saved:
    actor.require(permission)
    inquiry = log.load(Inquiry, inquiry_id, version)
    act(inquiry, actor.as_record(), log.clock.now())
    return log.record(inquiry)


def _integration(channel: Channel) -> dict[str, str]:
    """Who is recorded as the sender of a webhook delivery: the channel's integration."""
    return {
        "id": f"integration:{channel.key}",
        "name": f"{channel.name} (integrasjon)",
        "role": "integration",
    }


def _exists(log: CrisisLog, item_id: UUID) -> bool:
    return bool(log.recorder.select_events(item_id, limit=1))
