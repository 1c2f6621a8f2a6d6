"""Situation report and archive export commands. The figures a report freezes
are worked out from the read side by the caller (the domain knows no
projection) and passed in."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from crisis.errors import NotFound
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.sitreps.model import Sitreps


def sitreps_of(log: CrisisLog, incident_id: UUID) -> Sitreps | None:
    try:
        return log.load(Sitreps, Sitreps.create_id(incident_id))
    except NotFound:
        return None


def _book(log: CrisisLog, incident_id: UUID, by: dict, at: datetime) -> Sitreps:
    log.load(Incident, incident_id)
    return sitreps_of(log, incident_id) or Sitreps(incident_id=incident_id, by=by, at=at)


def save_draft(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    *,
    number: int,
    sections: dict[str, str],
    next_report_at: datetime | None = None,
) -> Saved:
    actor.require("draft_sitrep")
    by, at = actor.as_record(), log.clock.now()
    book = _book(log, incident_id, by, at)
    book.save_draft(number, sections, next_report_at, by=by, at=at)
    return log.record(book)


def issue(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    *,
    number: int,
    period_from: datetime,
    period_to: datetime,
    figures: dict,
) -> Saved:
    actor.require("issue_sitrep")
    by, at = actor.as_record(), log.clock.now()
    book = _book(log, incident_id, by, at)
    book.issue(number, period_from, period_to, figures, by=by, at=at)
    return log.record(book)


def record_export(log: CrisisLog, actor: Actor, incident_id: UUID, *, position: int) -> Saved:
    actor.require("export_archive")
    by, at = actor.as_record(), log.clock.now()
    book = _book(log, incident_id, by, at)
    book.record_export(position, by=by, at=at)
    return log.record(book)
