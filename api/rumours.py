"""Rumour and watch-list commands over HTTP."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Short, Text, Versioned, done
from api.deps import allowed, runtime
from crisis.errors import NotFound
from crisis.people.model import Actor
from crisis.rumours import service
from projections.board.audience import audience
from projections.board.rumours import open_rumours

router = APIRouter(prefix="/api", tags=["rumours"])

Where = Annotated[
    str, Field("", max_length=500, description="The group, thread or page where it was seen.")
]
Reach = Annotated[
    int, Field(ge=0, le=100_000_000, description="Estimated number of people who saw it.")
]
Note = Annotated[str, Field("", max_length=2000)]


class RecordRumour(Command):
    claim: Text = Field(examples=["Vannet er giftig selv etter koking"])
    channel: Short = Field(
        examples=["facebook"], description="One of our channels, or another place it lives."
    )
    where: Where
    reach: Reach = 0


class SightRumour(Versioned):
    channel: Short
    where: Where
    reach: Reach = 0
    inquiry_id: UUID | None = Field(None, description="The inquiry where it was seen, if any.")


class AssessRumour(Versioned):
    assessment: str = Field(
        max_length=40,
        examples=["false"],
        description="false, misleading, true, unverifiable or checking",
    )
    note: Note


class CorrectRumour(Versioned):
    post_id: UUID | None = Field(None, description="A published post of the incident.")
    inquiry_id: UUID | None = Field(None, description="An answered inquiry of the incident.")


class CloseRumour(Versioned):
    resolution: Note = Field(description="How it ended; required.")


class WatchPhrase(Command):
    phrase: Short = Field(examples=["giftig"])


@router.post("/incidents/{incident_id}/rumours", status_code=201, response_model=Accepted)
def record_rumour(
    incident_id: UUID,
    body: RecordRumour,
    actor: Annotated[Actor, Depends(allowed("handle_rumour"))],
    request: Request,
) -> Accepted:
    """Record a rumour where it was seen, with an estimate of its reach."""
    return done(
        request,
        lambda log: service.record_rumour(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/rumours/{rumour_id}/sightings", response_model=Accepted)
def sight_rumour(
    rumour_id: UUID,
    body: SightRumour,
    actor: Annotated[Actor, Depends(allowed("handle_rumour"))],
    request: Request,
) -> Accepted:
    """Another sighting: its reach adds to the rumour's."""
    return done(
        request, lambda log: service.sight_rumour(log, actor, rumour_id, **body.model_dump())
    )


@router.post("/rumours/{rumour_id}/assess", response_model=Accepted)
def assess_rumour(
    rumour_id: UUID,
    body: AssessRumour,
    actor: Annotated[Actor, Depends(allowed("handle_rumour"))],
    request: Request,
) -> Accepted:
    return done(
        request, lambda log: service.assess_rumour(log, actor, rumour_id, **body.model_dump())
    )


@router.post("/rumours/{rumour_id}/correct", response_model=Accepted)
def correct_rumour(
    rumour_id: UUID,
    body: CorrectRumour,
    actor: Annotated[Actor, Depends(allowed("handle_rumour"))],
    request: Request,
) -> Accepted:
    """Record the published post or the answer that corrected the rumour (give one)."""
    return done(
        request, lambda log: service.correct_rumour(log, actor, rumour_id, **body.model_dump())
    )


@router.post("/rumours/{rumour_id}/close", response_model=Accepted)
def close_rumour(
    rumour_id: UUID,
    body: CloseRumour,
    actor: Annotated[Actor, Depends(allowed("handle_rumour"))],
    request: Request,
) -> Accepted:
    return done(
        request, lambda log: service.close_rumour(log, actor, rumour_id, **body.model_dump())
    )


@router.post("/incidents/{incident_id}/watch-list", response_model=Accepted)
def add_watch_phrase(
    incident_id: UUID,
    body: WatchPhrase,
    actor: Annotated[Actor, Depends(allowed("edit_watch_list"))],
    request: Request,
) -> Accepted:
    """Watch for a word or phrase: matching inquiries are flagged as possible rumours."""
    return done(
        request, lambda log: service.add_watch_phrase(log, actor, incident_id, phrase=body.phrase)
    )


@router.post("/incidents/{incident_id}/watch-list/remove", response_model=Accepted)
def remove_watch_phrase(
    incident_id: UUID,
    body: WatchPhrase,
    actor: Annotated[Actor, Depends(allowed("edit_watch_list"))],
    request: Request,
) -> Accepted:
    return done(
        request,
        lambda log: service.remove_watch_phrase(log, actor, incident_id, phrase=body.phrase),
    )


@router.get("/incidents/{incident_id}/rumours")
def list_open_rumours(
    incident_id: UUID, actor: Annotated[Actor, Depends(allowed("view_board"))], request: Request
) -> dict[str, Any]:
    """Open rumours, widest reach first, then oldest."""
    actor.require("view_board")
    position, docs = runtime(request).board.snapshot(str(incident_id), audience(actor).view)
    if not docs:
        raise NotFound("incident_not_found", id=str(incident_id))
    return {"position": position, "rumours": open_rumours(docs[0])}
