"""Fact commands over HTTP."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Text, Versioned, done, version_of
from api.deps import allowed
from crisis.facts import service
from crisis.people.model import Actor

router = APIRouter(prefix="/api", tags=["facts"])


class SubmitFact(Command):
    text: Text
    verify: bool = Field(False, description="The submitter vouches for the fact at once.")


class CorrectFact(Versioned):
    text: Text
    reason: str = Field(max_length=2000, description="Why the fact changed; required.")


class WithdrawFact(Versioned):
    reason: str = Field(max_length=2000, description="Why the fact no longer holds; required.")


class FollowUp(Command):
    item: UUID = Field(description="The post or answer that cited an older revision.")
    note: str = Field(max_length=2000, description="What was done about it; required.")


@router.post("/incidents/{incident_id}/facts", status_code=201, response_model=Accepted)
def submit_fact(
    incident_id: UUID,
    body: SubmitFact,
    actor: Annotated[Actor, Depends(allowed("submit_fact"))],
    request: Request,
) -> Accepted:
    return done(
        request,
        lambda log: service.submit_fact(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/facts/{fact_id}/verify", response_model=Accepted)
def verify_fact(
    fact_id: UUID,
    actor: Annotated[Actor, Depends(allowed("verify_fact"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    return done(request, lambda log: service.verify_fact(log, actor, fact_id, version_of(body)))


@router.post("/facts/{fact_id}/approve", response_model=Accepted)
def approve_fact(
    fact_id: UUID,
    actor: Annotated[Actor, Depends(allowed("approve_fact"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    return done(request, lambda log: service.approve_fact(log, actor, fact_id, version_of(body)))


@router.post("/facts/{fact_id}/correct", response_model=Accepted)
def correct_fact(
    fact_id: UUID,
    body: CorrectFact,
    actor: Annotated[Actor, Depends(allowed("correct_fact"))],
    request: Request,
) -> Accepted:
    """The owning department gives a new revision; comms approves it again, and
    everything that cited the old revision is listed for follow-up."""
    return done(request, lambda log: service.correct_fact(log, actor, fact_id, **body.model_dump()))


@router.post("/facts/{fact_id}/withdraw", response_model=Accepted)
def withdraw_fact(
    fact_id: UUID,
    body: WithdrawFact,
    actor: Annotated[Actor, Depends(allowed("withdraw_fact"))],
    request: Request,
) -> Accepted:
    """The owning department withdraws the fact; everything citing it is listed for follow-up."""
    return done(
        request, lambda log: service.withdraw_fact(log, actor, fact_id, **body.model_dump())
    )


@router.post("/facts/{fact_id}/follow-up", response_model=Accepted)
def follow_up(
    fact_id: UUID,
    body: FollowUp,
    actor: Annotated[Actor, Depends(allowed("follow_up_fact"))],
    request: Request,
) -> Accepted:
    """Record that an item resting on an older revision has been checked and dealt with."""
    return done(
        request,
        lambda log: service.follow_up(log, actor, fact_id, item_id=body.item, note=body.note),
    )
