"""An incident: what happened, where, who owns the facts, and how far along it is."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate, event

from crisis.errors import Conflict, Refused

SEVERITIES = ("minor", "moderate", "severe", "extreme")
PHASES = ("reported", "active", "monitoring", "resolved", "closed")


class Incident(Aggregate):
    @event("Opened")
    def __init__(
        self,
        *,
        kind: str,
        title: str,
        areas: list[str],
        department: str,
        severity: str,
        by: dict,
        at: datetime,
    ) -> None:
        self.kind = kind
        self.title = title
        self.areas = areas
        self.department = department
        self.severity = severity
        self.phase = "active"
        self.opened_at = at

    @classmethod
    def open(cls, **fields: object) -> Incident:
        if not str(fields["title"]).strip():
            raise Refused("title_required")
        if not fields["areas"]:
            raise Refused("areas_required")
        if fields["severity"] not in SEVERITIES:
            raise Refused("unknown_severity", severity=fields["severity"])
        return cls(**fields)

    def change_phase(self, phase: str, reason: str, by: dict, at: datetime) -> None:
        if phase not in PHASES:
            raise Refused("unknown_phase", phase=phase)
        if phase == self.phase:
            raise Conflict("phase_unchanged", phase=phase)
        if PHASES.index(phase) < PHASES.index(self.phase) and not reason.strip():
            raise Refused("reopen_needs_reason")
        self._phase_changed(phase=phase, reason=reason, by=by, at=at)

    @event("PhaseChanged")
    def _phase_changed(self, phase: str, reason: str, by: dict, at: datetime) -> None:
        self.phase = phase

    def require_open(self) -> None:
        if self.phase == "closed":
            raise Refused("incident_closed")
