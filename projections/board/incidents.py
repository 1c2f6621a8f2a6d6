"""Incidents on the board: what, where, how severe, which phase."""

from __future__ import annotations

from crisis.incidents.model import Incident
from crisis.people.departments import DEPARTMENTS
from projections.board import Board, Doc, handles, iso, person


@handles(Incident.Opened)
def opened(board: Board, e: Incident.Opened) -> Doc:
    doc = {
        "id": str(e.originator_id),
        "kind": e.kind,
        "title": e.title,
        "areas": list(e.areas),
        "department": e.department,
        "department_name": DEPARTMENTS.get(e.department, e.department),
        "severity": e.severity,
        "phase": "active",
        "phases": [{"phase": "active", "at": iso(e.at)}],  # when each phase began
        "opened_at": iso(e.at),
        "opened_by": person(e.by),
        "facts": {},
        "posts": {},
    }
    board.incidents[doc["id"]] = doc
    return doc


@handles(Incident.PhaseChanged)
def phase_changed(board: Board, e: Incident.PhaseChanged) -> Doc:
    doc = board.incidents[str(e.originator_id)]
    doc["phase"] = e.phase
    doc["phases"].append({"phase": e.phase, "at": iso(e.at)})
    return doc
