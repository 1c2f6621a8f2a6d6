"""Post commands over HTTP."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Short, Text, Versioned, done, version_of
from api.deps import allowed
from crisis.people.model import Actor
from crisis.posts import service

router = APIRouter(prefix="/api", tags=["posts"])


class DraftPost(Command):
    channel: Short = Field(examples=["website"])
    text: Text
    cites: list[UUID] = Field(min_length=1, max_length=50)
    links_to: UUID | None = Field(None, description="The website post this post builds on.")


@router.post("/incidents/{incident_id}/posts", status_code=201, response_model=Accepted)
def draft_post(
    incident_id: UUID,
    body: DraftPost,
    actor: Annotated[Actor, Depends(allowed("draft_post"))],
    request: Request,
) -> Accepted:
    return done(
        request,
        lambda log: service.draft_post(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/posts/{post_id}/approve", response_model=Accepted)
def approve_post(
    post_id: UUID,
    actor: Annotated[Actor, Depends(allowed("approve_post"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    return done(request, lambda log: service.approve_post(log, actor, post_id, version_of(body)))


@router.post("/posts/{post_id}/publish", response_model=Accepted)
def publish_post(
    post_id: UUID,
    actor: Annotated[Actor, Depends(allowed("publish_post"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    return done(request, lambda log: service.publish_post(log, actor, post_id, version_of(body)))
