"""Incident commands over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.commands import Accepted, Command, Short, done
from api.deps import allowed
from crisis.incidents import service
from crisis.log import Saved
from crisis.people.model import Actor

router = APIRouter(prefix="/api", tags=["incidents"])


class OpenIncident(Command):
    kind: Short = Field(examples=["boil-water notice"])
    title: Short
    areas: list[Short] = Field(min_length=1, max_length=50)
    department: Short = Field(examples=["vav"], description="The responsible department.")
    severity: str = Field("moderate", max_length=20, examples=["severe"])
    phase: str = Field(
        "active", max_length=20, description="reported (not yet confirmed) or active."
    )
    supporting: list[Short] = Field(
        [], max_length=20, description="Supporting departments; they may submit facts too."
    )


class IncidentChange(Command):
    version: int | None = Field(None, description="The version you saw; refused if stale.")


class ChangePhase(IncidentChange):
    phase: str = Field(max_length=20)
    reason: str = Field("", max_length=2000, description="Required when moving back.")


class ChangeSeverity(IncidentChange):
    severity: str = Field(max_length=20, examples=["extreme"])


class ChangeAreas(IncidentChange):
    areas: list[Short] = Field(min_length=1, max_length=50)


class AssignDepartment(IncidentChange):
    department: Short
    reason: str = Field(max_length=2000)


class SupportingDepartments(IncidentChange):
    departments: list[Short] = Field(max_length=20)


class CrisisMode(IncidentChange):
    on: bool
    sla_minutes: int | None = Field(
        None, description="Answer target in wall-clock minutes (default 60, or as set before)."
    )


class FourEyes(IncidentChange):
    on: bool


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
    """Move the incident to another phase; moving back (reopening) needs a reason."""
    return _change(request, service.change_phase, actor, incident_id, body)


@router.post("/incidents/{incident_id}/severity", response_model=Accepted)
def change_severity(
    incident_id: UUID,
    body: ChangeSeverity,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    return _change(request, service.change_severity, actor, incident_id, body)


@router.post("/incidents/{incident_id}/areas", response_model=Accepted)
def change_areas(
    incident_id: UUID,
    body: ChangeAreas,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    """Replace the list of affected areas."""
    return _change(request, service.change_areas, actor, incident_id, body)


@router.post("/incidents/{incident_id}/department", response_model=Accepted)
def assign_department(
    incident_id: UUID,
    body: AssignDepartment,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    """Hand the responsibility (and future facts) to another department, with a reason."""
    return _change(request, service.assign_department, actor, incident_id, body)


@router.post("/incidents/{incident_id}/supporting", response_model=Accepted)
def set_supporting_departments(
    incident_id: UUID,
    body: SupportingDepartments,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    """Replace the list of supporting departments."""
    return _change(request, service.set_supporting_departments, actor, incident_id, body)


@router.post("/incidents/{incident_id}/crisis-mode", response_model=Accepted)
def switch_crisis_mode(
    incident_id: UUID,
    body: CrisisMode,
    actor: Annotated[Actor, Depends(allowed("change_incident"))],
    request: Request,
) -> Accepted:
    """Crisis mode counts the inquiry SLA in wall-clock minutes against the incident's target."""
    return _change(request, service.switch_crisis_mode, actor, incident_id, body)


@router.post("/incidents/{incident_id}/four-eyes", response_model=Accepted)
def switch_four_eyes(
    incident_id: UUID,
    body: FourEyes,
    actor: Annotated[Actor, Depends(allowed("switch_four_eyes"))],
    request: Request,
) -> Accepted:
    """Editor only. When on, a post's approver may not be its author."""
    return _change(request, service.switch_four_eyes, actor, incident_id, body)


def _change(
    request: Request,
    command: Callable[..., Saved],
    actor: Actor,
    incident_id: UUID,
    body: BaseModel,
) -> Accepted:
    return done(request, lambda log: command(log, actor, incident_id, **body.model_dump()))
