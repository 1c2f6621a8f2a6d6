"""Saved replies over HTTP: an incident's approved answers kept for reuse."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Short, Text, done
from api.deps import allowed
from crisis.people.model import Actor
from crisis.replies import service

router = APIRouter(prefix="/api", tags=["inquiries"])


class SaveReply(Command):
    title: Short = Field(examples=["Gjelder det min adresse?"])
    text: Text
    cites: list[UUID] = Field(
        default_factory=list, max_length=50, description="The approved facts it rests on."
    )


class RemoveReply(Command):
    reply_id: UUID


@router.post("/incidents/{incident_id}/saved-replies", status_code=201, response_model=Accepted)
def save_reply(
    incident_id: UUID,
    body: SaveReply,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    """Keep a reply for the inbox of this incident; answers with the reply's id.
    The board lists them in the incident's `saved_replies`."""
    return done(
        request, lambda log: service.save_reply(log, actor, incident_id, **body.model_dump())
    )


@router.post("/incidents/{incident_id}/saved-replies/remove", response_model=Accepted)
def remove_reply(
    incident_id: UUID,
    body: RemoveReply,
    actor: Annotated[Actor, Depends(allowed("handle_inquiry"))],
    request: Request,
) -> Accepted:
    return done(
        request,
        lambda log: service.remove_reply(log, actor, incident_id, reply_id=body.reply_id),
    )
