"""Rumour and watch-list commands, with the rules that span aggregates: a
correction is a published post or an answered inquiry of the same incident,
and it rests on approved facts."""

from __future__ import annotations

from uuid import UUID

from crisis.errors import Conflict, NotFound, Refused
from crisis.facts.service import citable_fact
from crisis.incidents.model import Incident
from crisis.inquiries.model import Inquiry
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.posts.model import Post
from crisis.rumours.model import Rumour, WatchList


def record_rumour(
    log: CrisisLog,
    actor: Actor,
    *,
    incident_id: UUID,
    claim: str,
    channel: str,
    where: str,
    reach: int,
) -> Saved:
    """Record a rumour where it was first seen, with an estimate of how many saw it."""
    actor.require("handle_rumour")
    log.load(Incident, incident_id).require_open()
    rumour = Rumour.record(
        incident_id=incident_id,
        claim=claim,
        channel=channel,
        where=where,
        reach=reach,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(rumour)


def sight_rumour(
    log: CrisisLog,
    actor: Actor,
    rumour_id: UUID,
    *,
    channel: str,
    where: str,
    reach: int,
    inquiry_id: UUID | None = None,
    version: int | None = None,
) -> Saved:
    """Another sighting; its reach adds to the rumour's. `inquiry_id` links an
    inquiry the watch list flagged as this rumour."""
    actor.require("handle_rumour")
    rumour = log.load(Rumour, rumour_id, version)
    if inquiry_id is not None and log.load(Inquiry, inquiry_id).incident_id != rumour.incident_id:
        raise Refused("inquiry_of_other_incident")
    rumour.sight(
        channel=channel,
        where=where,
        reach=reach,
        inquiry_id=inquiry_id,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(rumour)


def assess_rumour(
    log: CrisisLog,
    actor: Actor,
    rumour_id: UUID,
    *,
    assessment: str,
    note: str = "",
    version: int | None = None,
) -> Saved:
    actor.require("handle_rumour")
    rumour = log.load(Rumour, rumour_id, version)
    rumour.assess(assessment, note, by=actor.as_record(), at=log.clock.now())
    return log.record(rumour)


def correct_rumour(
    log: CrisisLog,
    actor: Actor,
    rumour_id: UUID,
    *,
    post_id: UUID | None = None,
    inquiry_id: UUID | None = None,
    version: int | None = None,
) -> Saved:
    """Record that a published post, or an answer to an inquiry, corrected the
    rumour; the correction cites the facts that post or answer rests on."""
    actor.require("handle_rumour")
    rumour = log.load(Rumour, rumour_id, version)
    if (post_id is None) == (inquiry_id is None):
        raise Refused("correction_needs_one_source")
    if post_id is not None:
        post = log.load(Post, post_id)
        if post.incident_id != rumour.incident_id:
            raise Refused("post_of_other_incident")
        if not post.is_published:
            raise Refused("correction_not_published")
        via, ref, cites = "post", post_id, list(post.cites)
    elif inquiry_id is not None:  # exactly one of the two, as checked above
        inquiry = log.load(Inquiry, inquiry_id)
        if inquiry.incident_id != rumour.incident_id:
            raise Refused("inquiry_of_other_incident")
        if not inquiry.is_answered:
            raise Refused("correction_not_answered")
        via, ref, cites = "inquiry", inquiry_id, list(inquiry.answer_cites)
    for fact_id in cites:
        citable_fact(log, fact_id, rumour.incident_id)
    rumour.correct(via, ref, cites, by=actor.as_record(), at=log.clock.now())
    return log.record(rumour)


def close_rumour(
    log: CrisisLog, actor: Actor, rumour_id: UUID, *, resolution: str, version: int | None = None
) -> Saved:
    actor.require("handle_rumour")
    rumour = log.load(Rumour, rumour_id, version)
    rumour.close(resolution, by=actor.as_record(), at=log.clock.now())
    return log.record(rumour)


def watch_list_of(log: CrisisLog, incident_id: UUID) -> WatchList | None:
    try:
        return log.load(WatchList, WatchList.create_id(incident_id))
    except NotFound:
        return None


def add_watch_phrase(log: CrisisLog, actor: Actor, incident_id: UUID, *, phrase: str) -> Saved:
    actor.require("edit_watch_list")
    log.load(Incident, incident_id)
    by, at = actor.as_record(), log.clock.now()
    watch = watch_list_of(log, incident_id) or WatchList(incident_id=incident_id, by=by, at=at)
    watch.add(phrase, by=by, at=at)
    return log.record(watch)


def remove_watch_phrase(log: CrisisLog, actor: Actor, incident_id: UUID, *, phrase: str) -> Saved:
    actor.require("edit_watch_list")
    log.load(Incident, incident_id)
    watch = watch_list_of(log, incident_id)
    if watch is None:
        raise Conflict("phrase_not_watched", phrase=phrase)
    watch.remove(phrase, by=actor.as_record(), at=log.clock.now())
    return log.record(watch)
