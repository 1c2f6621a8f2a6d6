"""Incident commands over HTTP."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Short, done
from api.deps import allowed
from crisis.incidents import service
from crisis.people.model import Actor

router = APIRouter(prefix="/api", tags=["incidents"])


class OpenIncident(Command):
    kind: Short = Field(examples=["boil-water notice"])
    title: Short
    areas: list[Short] = Field(min_length=1, max_length=50)
    department: Short = Field(examples=["vav"])
    severity: str = Field("moderate", max_length=20, examples=["severe"])


class ChangePhase(Command):
    phase: str = Field(max_length=20)
    reason: str = Field("", max_length=2000)
    version: int | None = None


@router.post("/incidents", status_code=201, response_model=Accepted)
def open_incident(
    body: OpenIncident, actor: Annotated[Actor, Depends(allowed("open_incident"))], request: Request
) -> Accepted:
    return done(request, lambda log: service.open_incident(log, actor, **body.model_dump()))


@router.post("/incidents/{incident_id}/phase", response_model=Accepted)
def change_phase(
    incident_id: UUID,
    body: ChangePhase,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    return done(
        request, lambda log: service.change_phase(log, actor, incident_id, **body.model_dump())
    )
