"""Incident commands."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from crisis.errors import Forbidden, Refused
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor, Role


def open_incident(
    log: CrisisLog,
    actor: Actor,
    *,
    kind: str,
    title: str,
    areas: list[str],
    department: str,
    severity: str,
    phase: str = "active",
    supporting: list[str] | None = None,
) -> Saved:
    actor.require("open_incident")
    _require_departments(department, *(supporting or []))
    incident = Incident.open(
        kind=kind,
        title=title,
        areas=list(areas),
        department=department,
        severity=severity,
        phase=phase,
        supporting=list(supporting or []),
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(incident)


def change_phase(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, phase: str, reason: str, version: int | None
) -> Saved:
    return _change(
        log, actor, incident_id, version, lambda i, **w: i.change_phase(phase, reason, **w)
    )


def change_severity(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, severity: str, version: int | None = None
) -> Saved:
    return _change(
        log, actor, incident_id, version, lambda i, **w: i.change_severity(severity, **w)
    )


def change_areas(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, areas: list[str], version: int | None = None
) -> Saved:
    return _change(log, actor, incident_id, version, lambda i, **w: i.change_areas(areas, **w))


def assign_department(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    *,
    department: str,
    reason: str,
    version: int | None = None,
) -> Saved:
    _require_departments(department)
    return _change(
        log,
        actor,
        incident_id,
        version,
        lambda i, **w: i.assign_department(department, reason, **w),
    )


def set_supporting_departments(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    *,
    departments: list[str],
    version: int | None = None,
) -> Saved:
    _require_departments(*departments)
    return _change(
        log, actor, incident_id, version, lambda i, **w: i.set_supporting(departments, **w)
    )


def switch_crisis_mode(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    *,
    on: bool,
    sla_minutes: int | None = None,
    version: int | None = None,
) -> Saved:
    return _change(
        log, actor, incident_id, version, lambda i, **w: i.switch_crisis_mode(on, sla_minutes, **w)
    )


def switch_four_eyes(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, on: bool, version: int | None = None
) -> Saved:
    """The editor, who answers for what is published, switches the approval rule
    on. Switching it off takes the administrator: otherwise one editor could
    switch it off, approve their own post and switch it on again."""
    actor.require("switch_four_eyes")
    if not on and actor.role is not Role.ADMIN:
        raise Forbidden("four_eyes_off_needs_second_person")
    incident = log.load(Incident, incident_id, version)
    incident.switch_four_eyes(on, by=actor.as_record(), at=log.clock.now())
    return log.record(incident)


def _change(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    version: int | None,
    change: Callable[..., None],
) -> Saved:
    actor.require("change_incident")
    incident = log.load(Incident, incident_id, version)
    change(incident, by=actor.as_record(), at=log.clock.now())
    return log.record(incident)


def _require_departments(*departments: str) -> None:
    for department in departments:
        if department not in DEPARTMENTS:
            raise Refused("unknown_department", department=department)
