"""Command routes: each turns a request into one application-service call.

Plain `def` routes, because the event store is synchronous (they run in the
threadpool). The response waits, within a bound, until the board has applied
the change, so the person who acted sees it on their board at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import current_actor, runtime
from crisis.facts import service as facts
from crisis.incidents import service as incidents
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.posts import service as posts

router = APIRouter(prefix="/api", tags=["commands"])
ActorDep = Annotated[Actor, Depends(current_actor)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenIncident(Command):
    kind: Short = Field(examples=["boil-water notice"])
    title: Short
    areas: list[Short] = Field(min_length=1, max_length=50)
    department: Short = Field(examples=["vav"])
    severity: str = Field("moderate", examples=["severe"])


class ChangePhase(Command):
    phase: str
    reason: str = Field("", max_length=2000)
    version: int | None = None


class SubmitFact(Command):
    text: Text
    verify: bool = Field(False, description="The submitter vouches for the fact at once.")


class Versioned(Command):
    version: int | None = Field(None, description="The version you saw; refused if stale.")


class DraftPost(Command):
    channel: Short = Field(examples=["website"])
    text: Text
    cites: list[UUID] = Field(min_length=1, max_length=50)
    links_to: UUID | None = Field(None, description="The website post this post builds on.")


class Accepted(BaseModel):
    id: UUID
    version: int
    position: int


def _done(request: Request, act: Callable[[CrisisLog], Saved]) -> Accepted:
    rt = runtime(request)
    saved = act(rt.log)
    rt.board.wait(saved.position)
    return Accepted(id=saved.id, version=saved.version, position=saved.position)


@router.post("/incidents", status_code=201, response_model=Accepted)
def open_incident(body: OpenIncident, actor: ActorDep, request: Request) -> Accepted:
    return _done(request, lambda log: incidents.open_incident(log, actor, **body.model_dump()))


@router.post("/incidents/{incident_id}/phase", response_model=Accepted)
def change_phase(incident_id: UUID, body: ChangePhase, actor: ActorDep, request: Request) -> Accepted:
    return _done(
        request, lambda log: incidents.change_phase(log, actor, incident_id, **body.model_dump())
    )


@router.post("/incidents/{incident_id}/facts", status_code=201, response_model=Accepted)
def submit_fact(incident_id: UUID, body: SubmitFact, actor: ActorDep, request: Request) -> Accepted:
    return _done(
        request,
        lambda log: facts.submit_fact(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/facts/{fact_id}/verify", response_model=Accepted)
def verify_fact(fact_id: UUID, actor: ActorDep, request: Request, body: Versioned | None = None) -> Accepted:
    version = body.version if body else None
    return _done(request, lambda log: facts.verify_fact(log, actor, fact_id, version))


@router.post("/facts/{fact_id}/approve", response_model=Accepted)
def approve_fact(fact_id: UUID, actor: ActorDep, request: Request, body: Versioned | None = None) -> Accepted:
    version = body.version if body else None
    return _done(request, lambda log: facts.approve_fact(log, actor, fact_id, version))


@router.post("/incidents/{incident_id}/posts", status_code=201, response_model=Accepted)
def draft_post(incident_id: UUID, body: DraftPost, actor: ActorDep, request: Request) -> Accepted:
    return _done(
        request,
        lambda log: posts.draft_post(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/posts/{post_id}/approve", response_model=Accepted)
def approve_post(post_id: UUID, actor: ActorDep, request: Request, body: Versioned | None = None) -> Accepted:
    version = body.version if body else None
    return _done(request, lambda log: posts.approve_post(log, actor, post_id, version))


@router.post("/posts/{post_id}/publish", response_model=Accepted)
def publish_post(post_id: UUID, actor: ActorDep, request: Request, body: Versioned | None = None) -> Accepted:
    version = body.version if body else None
    return _done(request, lambda log: posts.publish_post(log, actor, post_id, version))
