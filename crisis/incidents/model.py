"""An incident: what happened, where, who owns the facts, and how far along it is.

One responsible department owns the facts (the line principle); supporting
departments may submit facts of their own. Crisis mode switches the inquiry
SLA from working hours to wall-clock minutes against the incident's target.
Four eyes: when on, a post's approver may not be its author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.errors import Conflict, Refused

SEVERITIES = ("minor", "moderate", "severe", "extreme")
PHASES = ("reported", "active", "monitoring", "resolved", "closed")
OPENING_PHASES = ("reported", "active")
DEFAULT_SLA_MINUTES = 60
MAX_SLA_MINUTES = 7 * 24 * 60


class Incident(Accountable):
    class Opened(Accountable.Created):
        kind: str
        title: str
        areas: list[str]
        department: str
        severity: str
        phase: str
        supporting: list[str]
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["phase"] = "active"  # the only opening phase before v2
            state["supporting"] = []

    @event(Opened)
    def __init__(
        self,
        *,
        kind: str,
        title: str,
        areas: list[str],
        department: str,
        severity: str,
        phase: str,
        supporting: list[str],
        by: dict,
        at: datetime,
    ) -> None:
        self.kind = kind
        self.title = title
        self.areas = list(areas)
        self.department = department
        self.supporting = list(supporting)
        self.severity = severity
        self.phase = phase
        self.opened_at = at
        self.crisis_mode = False
        self.sla_minutes = DEFAULT_SLA_MINUTES
        self.four_eyes = False
        self.closed_at: datetime | None = None

    @classmethod
    def open(cls, **fields: Any) -> Incident:
        if not str(fields["title"]).strip():
            raise Refused("title_required")
        _require_areas(fields["areas"])
        fields["areas"] = distinct_areas(fields["areas"])
        _require_severity(fields["severity"])
        if fields["phase"] not in OPENING_PHASES:
            raise Refused("opening_phase_invalid", phase=fields["phase"])
        _require_supporting(fields["department"], fields["supporting"])
        return cls(**fields)

    def involves(self, department: str | None) -> bool:
        return department == self.department or department in self.supporting

    def change_phase(self, phase: str, reason: str, by: dict, at: datetime) -> None:
        if phase not in PHASES:
            raise Refused("unknown_phase", phase=phase)
        if phase == self.phase:
            raise Conflict("phase_unchanged", phase=phase)
        if PHASES.index(phase) < PHASES.index(self.phase) and not reason.strip():
            raise Refused("reopen_needs_reason")
        self._phase_changed(phase=phase, reason=reason, by=by, at=at)

    class PhaseChanged(Accountable.Event):
        phase: str
        reason: str

    @event(PhaseChanged)
    def _phase_changed(self, phase: str, reason: str, by: dict, at: datetime) -> None:
        self.phase = phase
        # The retention time for residents' personal data runs from here.
        self.closed_at = at if phase == "closed" else None

    def change_severity(self, severity: str, by: dict, at: datetime) -> None:
        self.require_open()
        _require_severity(severity)
        self._require_change(self.severity, severity)
        self._severity_changed(severity=severity, by=by, at=at)

    class SeverityChanged(Accountable.Event):
        severity: str

    @event(SeverityChanged)
    def _severity_changed(self, severity: str, by: dict, at: datetime) -> None:
        self.severity = severity

    def change_areas(self, areas: list[str], by: dict, at: datetime) -> None:
        self.require_open()
        _require_areas(areas)
        areas = distinct_areas(areas)
        self._require_change(self.areas, areas)
        self._areas_changed(areas=areas, by=by, at=at)

    class AreasChanged(Accountable.Event):
        areas: list[str]

    @event(AreasChanged)
    def _areas_changed(self, areas: list[str], by: dict, at: datetime) -> None:
        self.areas = list(areas)

    def assign_department(self, department: str, reason: str, by: dict, at: datetime) -> None:
        """Hand the responsibility to another department; facts already given keep their owner."""
        self.require_open()
        self._require_change(self.department, department)
        if not reason.strip():
            raise Refused("reassignment_needs_reason")
        self._department_assigned(department=department, reason=reason, by=by, at=at)

    class DepartmentAssigned(Accountable.Event):
        department: str
        reason: str

    @event(DepartmentAssigned)
    def _department_assigned(self, department: str, reason: str, by: dict, at: datetime) -> None:
        self.supporting = [d for d in self.supporting if d != department]
        self.department = department

    def set_supporting(self, departments: list[str], by: dict, at: datetime) -> None:
        self.require_open()
        _require_supporting(self.department, departments)
        self._require_change(self.supporting, list(departments))
        self._supporting_changed(departments=list(departments), by=by, at=at)

    class SupportingDepartmentsChanged(Accountable.Event):
        departments: list[str]

    @event(SupportingDepartmentsChanged)
    def _supporting_changed(self, departments: list[str], by: dict, at: datetime) -> None:
        self.supporting = list(departments)

    def switch_crisis_mode(self, on: bool, sla_minutes: int | None, by: dict, at: datetime) -> None:
        self.require_open()
        minutes = self.sla_minutes if sla_minutes is None else sla_minutes
        if not 1 <= minutes <= MAX_SLA_MINUTES:
            raise Refused("sla_minutes_invalid", max=MAX_SLA_MINUTES)
        self._require_change((self.crisis_mode, self.sla_minutes), (on, minutes))
        self._crisis_mode_switched(on=on, sla_minutes=minutes, by=by, at=at)

    class CrisisModeSwitched(Accountable.Event):
        on: bool
        sla_minutes: int

    @event(CrisisModeSwitched)
    def _crisis_mode_switched(self, on: bool, sla_minutes: int, by: dict, at: datetime) -> None:
        self.crisis_mode = on
        self.sla_minutes = sla_minutes

    def switch_four_eyes(self, on: bool, by: dict, at: datetime) -> None:
        self.require_open()
        self._require_change(self.four_eyes, on)
        self._four_eyes_switched(on=on, by=by, at=at)

    class FourEyesSwitched(Accountable.Event):
        on: bool

    @event(FourEyesSwitched)
    def _four_eyes_switched(self, on: bool, by: dict, at: datetime) -> None:
        self.four_eyes = on

    def require_open(self) -> None:
        if self.phase == "closed":
            raise Refused("incident_closed")

    @staticmethod
    def _require_change(current: object, wanted: object) -> None:
        """A command that would change nothing is refused, so the log holds no empty events."""
        if current == wanted:
            raise Conflict("incident_unchanged")


def _require_areas(areas: list[str]) -> None:
    if not areas or not all(str(a).strip() for a in areas):
        raise Refused("areas_required")


def distinct_areas(areas: list[str]) -> list[str]:
    """Each area once, trimmed, in the order given: "Alna" and " alna" are one
    area on the public page, in CAP messages and in the figures."""
    seen: dict[str, str] = {}
    for area in areas:
        seen.setdefault(str(area).strip().casefold(), str(area).strip())
    return list(seen.values())


def _require_severity(severity: object) -> None:
    if severity not in SEVERITIES:
        raise Refused("unknown_severity", severity=severity)


def _require_supporting(responsible: object, supporting: object) -> None:
    departments = list(supporting)  # type: ignore[call-overload]
    if responsible in departments:
        raise Refused("responsible_not_supporting")
    if len(set(departments)) != len(departments):
        raise Refused("supporting_duplicate")
