"""Inquiry commands over HTTP, and the read-time views: the queue, a
handler's follow-up list and the response load per channel.

The views depend on the time of reading (what is at risk now), so they are
computed on request from the board doc and the server's clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from access.accounts import users
from api.commands import Accepted, Command, Short, Versioned, done
from api.deps import allowed, runtime
from crisis.errors import NotFound
from crisis.inquiries import service
from crisis.people.model import PERMISSIONS, Actor, Role
from projections.board.inquiries import (
    follow_up,
    needs_answer,
    policy_of,
    queue,
)
from projections.similar import THRESHOLD, similar_groups

router = APIRouter(prefix="/api", tags=["inquiries"])

# Texts whose emptiness the domain refuses with its own sentence.
Reply = Annotated[str, Field(max_length=5000)]
Reason = Annotated[str, Field(max_length=2000)]


class ReceiveInquiry(Command):
    channel: Short = Field(examples=["facebook"])
    handle: Short = Field(
        examples=["@kari.n"],
        description="The person's handle on the channel: all we keep about them.",
    )
    text: Reply
    external_id: str | None = Field(
        None, max_length=200, description="The channel's id of the message, if known."
    )


class Triage(Versioned):
    category: str = Field(
        max_length=40,
        examples=["question"],
        description="question, possible_rumour, criticism, praise, opinion, case_handling, "
        "sensitive_personal_information, photo_removal_request, abusive or spam",
    )


class Assign(Versioned):
    assignee_id: str | None = Field(
        None, max_length=64, description="The person's user id; yourself if left out."
    )


class HoldingReply(Versioned):
    text: Reply = Field(examples=["Takk, vi har mottatt spørsmålet og kommer tilbake."])


class Answer(Versioned):
    text: Reply
    cites: list[UUID] = Field(
        default_factory=list, max_length=50, description="The approved facts it rests on."
    )


class Refer(Versioned):
    to: Short = Field(examples=["postmottak"], description="postmottak or a department key")
    reply: Reply = Field(description="What the person is told: where to turn instead.")


class Escalate(Versioned):
    reason: Reason


class Moderate(Versioned):
    action: str = Field(max_length=20, examples=["delete"], description="hide or delete")
    reason: Reason = Field(description="What the person is told about why.")
    block: bool = Field(
        False, description="Block the profile (only a fake profile spreading spam)."
    )
    fake_profile: bool = Field(False, description="The profile is fake, not a real person's.")


class AnswerGroup(Command):
    inquiries: list[UUID] = Field(
        min_length=1, max_length=100, description="The inquiries staff confirmed as one question."
    )
    text: Reply
    cites: list[UUID] = Field(
        default_factory=list, max_length=50, description="The approved facts it rests on."
    )


class ArchiveWorthy(Versioned):
    worthy: bool = True
    reason: Reason = ""


@router.post("/incidents/{incident_id}/inquiries", status_code=201, response_model=Accepted)
def receive_inquiry(
    incident_id: UUID,
    body: ReceiveInquiry,
    actor: Annotated[Actor, Depends(allowed("receive_inquiry"))],
    request: Request,
) -> Accepted:
    """Register an inquiry from the public by hand."""
    return done(
        request,
        lambda log: service.receive_inquiry(
            log, actor, incident_id=incident_id, **body.model_dump()
        ),
    )


@router.post("/inquiries/{inquiry_id}/triage", response_model=Accepted)
def triage(
    inquiry_id: UUID,
    body: Triage,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Set the category; photo removal requests go to the top of the queue."""
    return done(
        request, lambda log: service.triage_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/{inquiry_id}/assign", response_model=Accepted)
def assign(
    inquiry_id: UUID,
    body: Assign,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    assignee = _person(request, body.assignee_id) if body.assignee_id else None
    return done(
        request,
        lambda log: service.assign_inquiry(
            log, actor, inquiry_id, assignee=assignee, version=body.version
        ),
    )


@router.post("/inquiries/{inquiry_id}/holding-reply", response_model=Accepted)
def holding_reply(
    inquiry_id: UUID,
    body: HoldingReply,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Received, we will come back: stops the first-response clock, not the answer clock."""
    return done(
        request,
        lambda log: service.send_holding_reply(log, actor, inquiry_id, **body.model_dump()),
    )


@router.post("/inquiries/{inquiry_id}/answer", response_model=Accepted)
def answer(
    inquiry_id: UUID,
    body: Answer,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Answer, citing approved facts, signed with your name. Never case handling."""
    return done(
        request, lambda log: service.answer_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/answer-group", response_model=Accepted)
def answer_group(
    body: AnswerGroup, actor: Annotated[Actor, Depends(allowed("handle_inquiry"))], request: Request
) -> Accepted:
    """One approved reply to each of a confirmed group of near-identical inquiries,
    saved in one transaction: all are answered, or (on any refusal) none."""
    return done(
        request,
        lambda log: service.answer_group(
            log, actor, body.inquiries, text=body.text, cites=body.cites
        ),
    )


@router.post("/inquiries/{inquiry_id}/refer", response_model=Accepted)
def refer(
    inquiry_id: UUID,
    body: Refer,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Refer to postmottak or the department that owns the matter."""
    return done(
        request, lambda log: service.refer_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/{inquiry_id}/escalate", response_model=Accepted)
def escalate(
    inquiry_id: UUID,
    body: Escalate,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Escalate to a leader, with the reason."""
    return done(
        request, lambda log: service.escalate_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/{inquiry_id}/moderate", response_model=Accepted)
def moderate(
    inquiry_id: UUID,
    body: Moderate,
    actor: Annotated[Actor, Depends(allowed("moderate_inquiry"))],
    request: Request,
) -> Accepted:
    """Hide or delete abuse, spam or sensitive personal information, telling the person why."""
    return done(
        request, lambda log: service.moderate_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/{inquiry_id}/archive-worthy", response_model=Accepted)
def archive_worthy(
    inquiry_id: UUID,
    body: ArchiveWorthy,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Flag (or unflag) the inquiry for filing in the case system."""
    return done(
        request,
        lambda log: service.set_archive_worthy(log, actor, inquiry_id, **body.model_dump()),
    )


class ChannelLoad(BaseModel):
    received_15m: int
    received_60m: int
    backlog: int = Field(description="Open inquiries still owed an answer.")
    oldest_waiting_at: datetime | None
    oldest_waiting_minutes: float | None
    at_risk: int = Field(description="Backlog items that have used 75 % of the target.")
    breached: int
    answered: int
    referred: int
    moderated: int


class Load(BaseModel):
    position: int
    now: datetime
    crisis_mode: bool
    target_minutes: int = Field(description="Working minutes normally; wall clock in crisis mode.")
    channels: dict[str, ChannelLoad]


@router.get("/incidents/{incident_id}/load", response_model=Load)
def load(
    incident_id: UUID, actor: Annotated[Actor, Depends(allowed("view_board"))], request: Request
) -> Load:
    """The response load per channel, as of now (from counters kept as the
    inquiries change: it costs the same at any number of inquiries)."""
    actor.require("view_board")
    rt = runtime(request)
    now = rt.log.clock.now()
    position, found = rt.board.read(lambda board: board.load(str(incident_id), now))
    if found is None:
        raise NotFound("incident_not_found", id=str(incident_id))
    incident, channels = found
    policy = policy_of(incident)
    return Load(
        position=position,
        now=now,
        crisis_mode=policy.crisis_mode,
        target_minutes=policy.target_minutes,
        channels={k: ChannelLoad(**v) for k, v in channels.items()},
    )


@router.get("/incidents/{incident_id}/inquiries")
def inquiry_queue(
    incident_id: UUID, actor: Annotated[Actor, Depends(allowed("handle_inquiry"))], request: Request
) -> dict[str, Any]:
    """Open inquiries in the order to handle them, each with its SLA clocks as of now."""
    position, incident, now = _incident(request, actor, incident_id)
    return {"position": position, "now": now.isoformat(), "inquiries": queue(incident, now)}


@router.get("/incidents/{incident_id}/follow-up")
def my_follow_up(
    incident_id: UUID, actor: Annotated[Actor, Depends(allowed("handle_inquiry"))], request: Request
) -> dict[str, Any]:
    """Your open inquiries that got a holding reply but no answer yet, or were escalated."""
    position, incident, now = _incident(request, actor, incident_id)
    return {
        "position": position,
        "now": now.isoformat(),
        "inquiries": follow_up(incident, actor.id, now),
    }


@router.get("/incidents/{incident_id}/inquiries/similar")
def similar(
    incident_id: UUID,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
    threshold: Annotated[int, Query(ge=50, le=100)] = THRESHOLD,
) -> dict[str, Any]:
    """Open inquiries still owed an answer, in groups of near-identical texts
    (rapidfuzz token-sort ratio at or above `threshold`), for staff to confirm."""
    position, incident, _ = _incident(request, actor, incident_id)
    items = sorted(
        (
            i
            for i in incident.get("inquiries", {}).values()
            if i["status"] == "open"
            and needs_answer(i)
            and i["category"] != "case_handling"
            and i["text"] is not None  # removed personal data resembles nothing
        ),
        key=lambda i: i["received_at"],
    )
    return {"position": position, "groups": similar_groups(items, threshold)}


class Handler(BaseModel):
    id: str
    name: str
    role: str


@router.get("/handlers", response_model=list[Handler])
def handlers(
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))], request: Request
) -> list[Handler]:
    """The active people an inquiry can be assigned to (those who may answer)."""
    actor.require("view_board")
    roles = [r.value for r in PERMISSIONS["handle_inquiry"]]
    query = (
        select(users).where(users.c.active, users.c.role.in_(roles)).order_by(users.c.display_name)
    )
    with runtime(request).accounts.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Handler(id=r.id, name=r.display_name, role=r.role) for r in rows]


def _incident(
    request: Request, actor: Actor, incident_id: UUID
) -> tuple[int, dict[str, Any], datetime]:
    actor.require("view_board")
    rt = runtime(request)
    position, docs = rt.board.snapshot(str(incident_id))
    if not docs:
        raise NotFound("incident_not_found", id=str(incident_id))
    return position, docs[0], rt.log.clock.now()


def _person(request: Request, person_id: str) -> Actor:
    """A person who can log in, by user id."""
    accounts = runtime(request).accounts
    with accounts.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == person_id, users.c.active)).first()
    if row is None:
        raise NotFound("person_not_found", id=person_id)
    return Actor(row.id, row.display_name, Role(row.role), row.department)
