"""Incidents on the board: what, where, how severe, which phase, who owns the facts.

Incident doc fields kept here:
  kind, title, areas, severity, opened_at, opened_by
  phase; phases: [{"phase", "reason", "by", "at"}], every phase change, the opening first
  department, department_name: the responsible department (owns the facts)
  supporting: [{"key", "name"}]: supporting departments, who may submit facts too
  crisis_mode (bool), sla_minutes (the crisis-mode inquiry target, default 60)
  four_eyes (bool): a post's approver may not be its author
  facts, posts, follow_up: see facts.py and posts.py
"""

from __future__ import annotations

from crisis.incidents.model import DEFAULT_SLA_MINUTES, Incident
from crisis.people.departments import DEPARTMENTS
from projections.board import Board, Doc, handles, iso, person


@handles(Incident.Opened)
def opened(board: Board, e: Incident.Opened) -> Doc:
    doc: Doc = {
        "id": str(e.originator_id),
        "kind": e.kind,
        "title": e.title,
        "areas": list(e.areas),
        "department": e.department,
        "department_name": _name(e.department),
        "supporting": _departments(e.supporting),
        "severity": e.severity,
        "phase": e.phase,
        "phases": [_phase(e, e.phase, "")],
        "crisis_mode": False,
        "sla_minutes": DEFAULT_SLA_MINUTES,
        "four_eyes": False,
        "opened_at": iso(e.at),
        "opened_by": person(e.by),
        "facts": {},
        "posts": {},
        "follow_up": [],
    }
    board.adopt(doc, new=True)
    return doc


@handles(Incident.PhaseChanged)
def phase_changed(board: Board, e: Incident.PhaseChanged) -> Doc:
    doc = _doc(board, e)
    doc["phase"] = e.phase
    doc["phases"].append(_phase(e, e.phase, e.reason))
    return doc


@handles(Incident.SeverityChanged)
def severity_changed(board: Board, e: Incident.SeverityChanged) -> Doc:
    return _set(board, e, severity=e.severity)


@handles(Incident.AreasChanged)
def areas_changed(board: Board, e: Incident.AreasChanged) -> Doc:
    return _set(board, e, areas=list(e.areas))


@handles(Incident.DepartmentAssigned)
def department_assigned(board: Board, e: Incident.DepartmentAssigned) -> Doc:
    supporting = [d for d in _doc(board, e)["supporting"] if d["key"] != e.department]
    return _set(
        board,
        e,
        department=e.department,
        department_name=_name(e.department),
        supporting=supporting,
    )


@handles(Incident.SupportingDepartmentsChanged)
def supporting_changed(board: Board, e: Incident.SupportingDepartmentsChanged) -> Doc:
    return _set(board, e, supporting=_departments(e.departments))


@handles(Incident.CrisisModeSwitched)
def crisis_mode_switched(board: Board, e: Incident.CrisisModeSwitched) -> Doc:
    return _set(board, e, crisis_mode=e.on, sla_minutes=e.sla_minutes)


@handles(Incident.FourEyesSwitched)
def four_eyes_switched(board: Board, e: Incident.FourEyesSwitched) -> Doc:
    return _set(board, e, four_eyes=e.on)


def _doc(board: Board, e: Incident.Event) -> Doc:
    return board.incidents[str(e.originator_id)]


def _set(board: Board, e: Incident.Event, **fields: object) -> Doc:
    doc = _doc(board, e)
    doc.update(fields)
    return doc


def _phase(e: Incident.Event, phase: str, reason: str) -> Doc:
    return {"phase": phase, "reason": reason, "by": person(e.by), "at": iso(e.at)}


def _name(department: str) -> str:
    return DEPARTMENTS.get(department, department)


def _departments(keys: list[str]) -> list[Doc]:
    return [{"key": key, "name": _name(key)} for key in keys]
