"""Inquiries on the board, and the response load per channel.

Incident doc part `inquiries`, keyed by inquiry id:
  channel, handle, text, external_id (the resident's personal data: None
  once removed, which the pages show as "[removed]"), received_at (ISO),
  received_by,
  category (None until triaged), priority (0 photo removal, 1 sensitive
  personal information or abuse, 2 the rest; sort ascending),
  assigned_to ({id, name} or None), watch_match (the watched phrase the text
  matched, or None: a possible rumour sighting), rumour (id of the rumour it
  was confirmed as a sighting of, or None),
  holding_reply / answer ({text, signature, at} or None), cites (the answer's
  facts: [{fact, revision}], as posts cite them), referral ({to, reply,
  signature, at} or None), escalation ({reason, by, at} or None),
  moderation ({action, reason (what the person was told), blocked,
  fake_profile, by, at} or None), archive_worthy, archive_reason,
  status (open | answered | referred | moderated), first_response_at (the
  first holding reply, answer, referral or moderation), closed_at (the first
  answer, referral or moderation), updated_at,
  erased ({reason: request | retention, note, by, at} or None: handle, text
  and external_id are gone), redacted ({reason, by, at} or None: the text is
  gone, as sensitive personal information).

The events reach the board with their sealed values opened
(`crisis.privacy.model.reveal`); once the keys are deleted they open as None,
so a rebuild or a replay of any moment shows the same as the live board did
when it applied the erasure.

What depends on the time of reading (received in the last 15 minutes, at
risk, breached, due for erasure) is not stored: `load_per_channel(doc, now)`,
`queue(doc, now)`, `follow_up(doc, person_id, now)` and
`due_for_erasure(doc, now, days)` compute it from the stored times.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from crisis.inquiries.model import NO_ANSWER_NEEDED, NORMAL_PRIORITY, Inquiry
from crisis.sla import (
    AT_RISK,
    BREACHED,
    DEFAULT_CRISIS_TARGET_MINUTES,
    Policy,
    sla_state,
    state_at,
)
from projections.board import Board, Doc, handles, iso, item_part, person, time_of
from projections.board.facts import citations

PART = item_part("inquiries")
CLOSED = ("answered", "referred", "moderated")
# Incident doc fields for the SLA policy, kept by the incidents module; absent
# means normal service (working time) and the default crisis target.
CRISIS_MODE, SLA_TARGET = "crisis_mode", "sla_minutes"


@handles(Inquiry.Received, header=False)
def received(board: Board, e: Inquiry.Received) -> Doc:
    return board.add_item(
        PART,
        e,
        {
            "channel": e.channel,
            "handle": e.handle,
            "text": e.text,
            "external_id": e.external_id,
            "received_at": iso(e.at),
            "received_by": person(e.by),
            "category": None,
            "priority": NORMAL_PRIORITY,
            "assigned_to": None,
            "watch_match": e.watch_match,
            "rumour": None,
            "holding_reply": None,
            "answer": None,
            "cites": [],
            "referral": None,
            "escalation": None,
            "moderation": None,
            "archive_worthy": False,
            "archive_reason": "",
            "status": "open",
            "first_response_at": None,
            "closed_at": None,
            "updated_at": iso(e.at),
            "erased": None,
            "redacted": None,
        },
    )


@handles(Inquiry.Triaged, header=False)
def triaged(board: Board, e: Inquiry.Triaged) -> Doc:
    return _update(board, e, category=e.category, priority=e.priority)


@handles(Inquiry.Assigned, header=False)
def assigned(board: Board, e: Inquiry.Assigned) -> Doc:
    return _update(board, e, assigned_to=dict(e.assignee))


@handles(Inquiry.HoldingReplySent, header=False)
def holding_reply_sent(board: Board, e: Inquiry.HoldingReplySent) -> Doc:
    return _update(board, e, holding_reply=_signed(e.text, e), responded=True)


@handles(Inquiry.Answered, header=False)
def answered(board: Board, e: Inquiry.Answered) -> Doc:
    return _update(
        board,
        e,
        answer=_signed(e.text, e),
        cites=citations(board, e.cites),
        status="answered",
        closes=True,
    )


@handles(Inquiry.Referred, header=False)
def referred(board: Board, e: Inquiry.Referred) -> Doc:
    return _update(
        board, e, referral={"to": e.to, **_signed(e.reply, e)}, status="referred", closes=True
    )


@handles(Inquiry.Escalated, header=False)
def escalated(board: Board, e: Inquiry.Escalated) -> Doc:
    return _update(board, e, escalation={"reason": e.reason, "by": person(e.by), "at": iso(e.at)})


@handles(Inquiry.Moderated, header=False)
def moderated(board: Board, e: Inquiry.Moderated) -> Doc:
    moderation = {
        "action": e.action,
        "reason": e.reason,
        "blocked": e.blocked,
        "fake_profile": e.fake_profile,
        "by": person(e.by),
        "at": iso(e.at),
    }
    return _update(board, e, moderation=moderation, status="moderated", closes=True)


@handles(Inquiry.Erased, header=False)
def erased(board: Board, e: Inquiry.Erased) -> Doc:
    board.forgot(board.item(PART, e)["received_at"])
    record = {"reason": e.reason, "note": e.note, "by": person(e.by), "at": iso(e.at)}
    return _update(board, e, handle=None, text=None, external_id=None, erased=record)


@handles(Inquiry.TextRedacted, header=False)
def text_redacted(board: Board, e: Inquiry.TextRedacted) -> Doc:
    board.forgot(board.item(PART, e)["received_at"])
    record = {"reason": e.reason, "by": person(e.by), "at": iso(e.at)}
    return _update(board, e, text=None, redacted=record)


@handles(Inquiry.ArchiveWorthinessSet, header=False)
def archive_worthiness_set(board: Board, e: Inquiry.ArchiveWorthinessSet) -> Doc:
    return _update(board, e, archive_worthy=e.worthy, archive_reason=e.reason)


def _signed(text: str, e: Any) -> Doc:
    return {"text": text, "signature": e.signature, "at": iso(e.at)}


def _update(
    board: Board, e: Inquiry.Event, *, responded: bool = False, closes: bool = False, **fields: Any
) -> Doc:
    """Set fields; a reply or removal starts the first response, a closing act ends the wait."""
    item = board.item(PART, e)
    item.update(fields, updated_at=iso(e.at))
    if (responded or closes) and item["first_response_at"] is None:
        item["first_response_at"] = iso(e.at)
    if closes and item["closed_at"] is None:
        item["closed_at"] = iso(e.at)
    return board.incident_of(item)


# Read-time views: pure functions of a board doc and the time of reading.


def policy_of(incident: Doc) -> Policy:
    return Policy(
        crisis_mode=bool(incident.get(CRISIS_MODE, False)),
        crisis_target_minutes=int(incident.get(SLA_TARGET) or DEFAULT_CRISIS_TARGET_MINUTES),
    )


def needs_answer(item: Doc) -> bool:
    return item["category"] not in NO_ANSWER_NEEDED


def in_backlog(item: Doc) -> bool:
    """Open and still owed an answer (a holding reply does not take it off)."""
    return item["status"] == "open" and needs_answer(item)


def inquiry_sla(item: Doc, policy: Policy, now: datetime) -> Doc | None:
    """Both clocks of one inquiry: first response (a holding reply stops it) and
    answer (only an answer, referral or removal stops it). None if no answer is owed."""
    if not needs_answer(item):
        return None
    received = time_of(item["received_at"])
    return {
        "first_response": sla_state(
            received, time_of(item["first_response_at"]), now, policy
        ).as_dict(),
        "answer": sla_state(received, time_of(item["closed_at"]), now, policy).as_dict(),
    }


def queue(incident: Doc, now: datetime) -> list[Doc]:
    """Open inquiries, photo removal requests first, then oldest first, each with its SLA."""
    policy = policy_of(incident)
    items = [i for i in incident.get(PART, {}).values() if i["status"] == "open"]
    items.sort(key=lambda i: (i["priority"], i["received_at"]))
    return [{**i, "sla": inquiry_sla(i, policy, now)} for i in items]


def follow_up(incident: Doc, person_id: str, now: datetime) -> list[Doc]:
    """A handler's list: their open inquiries that got only a holding reply, or were escalated."""
    return [
        i
        for i in queue(incident, now)
        if (i["assigned_to"] or {}).get("id") == person_id
        and (i["holding_reply"] is not None or i["escalation"] is not None)
    ]


def due_for_erasure(incident: Doc, now: datetime, days: int) -> Iterator[str]:
    """Ids of inquiries whose personal data is due for erasure: the incident was
    closed at least `days` ago, and they are neither archive-worthy nor erased."""
    if not closed_before(incident, now - timedelta(days=days)):
        return
    for item in incident.get(PART, {}).values():
        if not item["archive_worthy"] and item["erased"] is None:
            yield item["id"]


def closed_before(incident: Doc, moment: datetime) -> bool:
    """Whether the incident (its header will do) is closed, and was at or before `moment`."""
    phases = incident["phases"]
    return incident["phase"] == "closed" and bool(phases) and time_of(phases[-1]["at"]) <= moment


def load_per_channel(incident: Doc, now: datetime) -> dict[str, Doc]:
    """Per channel: received in the last 15 and 60 minutes, backlog (open, owed
    an answer), the oldest of those, how many of them are at risk or breached
    (answer clock), and how many were answered, referred or moderated."""
    policy = policy_of(incident)
    load: dict[str, Doc] = {}
    for item in incident.get(PART, {}).values():
        received = time_of(item["received_at"])
        if received > now:
            continue
        channel = load.setdefault(item["channel"], _empty())
        channel["received_15m"] += now - received <= timedelta(minutes=15)
        channel["received_60m"] += now - received <= timedelta(minutes=60)
        if item["status"] in CLOSED:
            channel[item["status"]] += 1
        if in_backlog(item):
            channel["backlog"] += 1
            oldest = channel["oldest_waiting_at"]
            if oldest is None or received < time_of(oldest):
                channel["oldest_waiting_at"] = item["received_at"]
            state = state_at(received, None, now, policy)
            if state in (AT_RISK, BREACHED):
                channel[state] += 1
    for channel in load.values():
        if channel["oldest_waiting_at"]:
            waited = now - time_of(channel["oldest_waiting_at"])
            channel["oldest_waiting_minutes"] = round(waited.total_seconds() / 60, 1)
    return load


def _empty() -> Doc:
    return {
        "received_15m": 0,
        "received_60m": 0,
        "backlog": 0,
        "oldest_waiting_at": None,
        "oldest_waiting_minutes": None,
        "at_risk": 0,
        "breached": 0,
        "answered": 0,
        "referred": 0,
        "moderated": 0,
    }
