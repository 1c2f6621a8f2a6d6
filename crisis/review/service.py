"""Review commands: pin a key moment of an incident's history, or remove a pin."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from crisis.errors import NotFound, Refused
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.review.model import Review


def pin_moment(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, position: int, note: str
) -> Saved:
    """Pin the moment at log `position`, which must be an event of this incident."""
    actor.require("pin_moment")
    log.load(Incident, incident_id)
    if incident_at(log, position) != incident_id:
        raise Refused("pin_not_of_incident", position=position)
    by, at = actor.as_record(), log.clock.now()
    review = review_of(log, incident_id) or Review(incident_id=incident_id, by=by, at=at)
    review.pin(position, note, by=by, at=at)
    return log.record(review)


def remove_pin(log: CrisisLog, actor: Actor, incident_id: UUID, *, position: int) -> Saved:
    actor.require("pin_moment")
    review = review_of(log, incident_id)
    if review is None:
        raise NotFound("pin_not_found", position=position)
    review.remove_pin(position, by=actor.as_record(), at=log.clock.now())
    return log.record(review)


def review_of(log: CrisisLog, incident_id: UUID) -> Review | None:
    try:
        return log.load(Review, Review.create_id(incident_id))
    except NotFound:
        return None


def incident_at(log: CrisisLog, position: int) -> UUID | None:
    """The incident the event at `position` belongs to, if any."""
    if position < 1:
        return None
    found = log.recorder.select_notifications(start=position, limit=1, stop=position)
    if not found:
        return None
    return incident_of(log, log.mapper.to_domain_event(found[0]))


def incident_of(log: CrisisLog, event: Any) -> UUID | None:
    """An incident's own events, the events that name their incident, and the
    later events of an item, whose aggregate names it."""
    if isinstance(event, Incident.Event):
        return event.originator_id
    incident_id = getattr(event, "incident_id", None)
    if incident_id is not None:
        return incident_id
    try:
        item: object = log.repository.get(event.originator_id)
    except AggregateNotFoundError:
        return None
    return getattr(item, "incident_id", None)
