"""Saved-reply commands: the comms staff who answer inquiries keep them."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from crisis.errors import NotFound
from crisis.facts.service import citable_fact
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.replies.model import ReplyLibrary


def library_of(log: CrisisLog, incident_id: UUID) -> ReplyLibrary | None:
    try:
        return log.load(ReplyLibrary, ReplyLibrary.create_id(incident_id))
    except NotFound:
        return None


def save_reply(
    log: CrisisLog, actor: Actor, incident_id: UUID, *, title: str, text: str, cites: list[UUID]
) -> Saved:
    """Save a reply for reuse; it may cite only the incident's approved facts.
    Answers with the new reply's id."""
    actor.require("handle_inquiry")
    log.load(Incident, incident_id)
    for fact_id in cites:
        citable_fact(log, fact_id, incident_id)
    by, at = actor.as_record(), log.clock.now()
    library = library_of(log, incident_id) or ReplyLibrary(incident_id=incident_id, by=by, at=at)
    reply_id = library.save(title, text, cites, by=by, at=at)
    return replace(log.record(library), id=reply_id)


def remove_reply(log: CrisisLog, actor: Actor, incident_id: UUID, *, reply_id: UUID) -> Saved:
    actor.require("handle_inquiry")
    library = library_of(log, incident_id)
    if library is None:
        raise NotFound("reply_not_found", id=str(reply_id))
    library.remove(reply_id, by=actor.as_record(), at=log.clock.now())
    return log.record(library)
