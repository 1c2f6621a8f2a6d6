"""Incident commands."""

from __future__ import annotations

from uuid import UUID

from crisis.errors import Refused
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor


def open_incident(
    log: CrisisLog,
    actor: Actor,
    *,
    kind: str,
    title: str,
    areas: list[str],
    department: str,
    severity: str,
) -> Saved:
    actor.require("open_incident")
    if department not in DEPARTMENTS:
        raise Refused("unknown_department", department=department)
    incident = Incident.open(
        kind=kind,
        title=title,
        areas=areas,
        department=department,
        severity=severity,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(incident)


def change_phase(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, phase: str, reason: str, version: int | None
) -> Saved:
    actor.require("change_incident")
    incident = log.load(Incident, incident_id, version)
    incident.change_phase(phase, reason, by=actor.as_record(), at=log.clock.now())
    return log.record(incident)
