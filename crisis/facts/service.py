"""Fact commands: the department vouches and corrects, comms approves and follows up."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from crisis.errors import NotFound, Refused
from crisis.facts.model import Fact
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor


def submit_fact(
    log: CrisisLog, actor: Actor, *, incident_id: UUID, text: str, verify: bool = False
) -> Saved:
    """Submit a fact for the submitter's department, which must be the incident's
    responsible or a supporting department; `verify` lets the submitter vouch
    for it in the same step."""
    incident = log.load(Incident, incident_id)
    department = actor.department if incident.involves(actor.department) else incident.department
    actor.require("submit_fact", department=department)
    incident.require_open()
    fact = Fact.submit(
        incident_id=incident_id,
        department=department,
        text=text,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    if verify:
        fact.verify(by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def verify_fact(log: CrisisLog, actor: Actor, fact_id: UUID, version: int | None = None) -> Saved:
    fact = log.load(Fact, fact_id, version)
    actor.require("verify_fact", department=fact.department)
    fact.verify(by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def approve_fact(log: CrisisLog, actor: Actor, fact_id: UUID, version: int | None = None) -> Saved:
    actor.require("approve_fact")
    fact = log.load(Fact, fact_id, version)
    fact.approve(by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def correct_fact(
    log: CrisisLog, actor: Actor, fact_id: UUID, *, text: str, reason: str, version: int | None
) -> Saved:
    """A new revision from the owning department; comms must approve it again."""
    fact = log.load(Fact, fact_id, version)
    actor.require("correct_fact", department=fact.department)
    fact.correct(text, reason, by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def withdraw_fact(
    log: CrisisLog, actor: Actor, fact_id: UUID, *, reason: str, version: int | None
) -> Saved:
    fact = log.load(Fact, fact_id, version)
    actor.require("withdraw_fact", department=fact.department)
    fact.withdraw(reason, by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def follow_up(log: CrisisLog, actor: Actor, fact_id: UUID, *, item_id: UUID, note: str) -> Saved:
    """Record that an item (a post, an answer) resting on an older revision of
    the fact has been checked and dealt with; the board drops it from follow-up."""
    actor.require("follow_up_fact")
    fact = log.load(Fact, fact_id)
    try:
        item = log.load(Aggregate, item_id)
    except NotFound:
        raise NotFound("item_not_found", id=str(item_id)) from None
    if getattr(item, "incident_id", None) != fact.incident_id:
        raise Refused("item_of_other_incident")
    # Items that cite facts offer `cited_revision(fact_id)`; others are taken on trust.
    revision_of = getattr(item, "cited_revision", lambda _fact_id: 0)
    fact.follow_up(item_id, revision_of(fact_id), note, by=actor.as_record(), at=log.clock.now())
    return log.record(fact)


def citable_fact(log: CrisisLog, fact_id: UUID, incident_id: UUID) -> Fact:
    """A fact a post or answer may cite: approved, current, of the same incident."""
    fact = log.load(Fact, fact_id)
    if fact.incident_id != incident_id:
        raise Refused("fact_of_other_incident")
    if fact.is_withdrawn:
        raise Refused("fact_withdrawn_cited", fact=fact.text[:60])
    if not fact.is_approved:
        raise Refused("fact_not_approved", fact=fact.text[:60])
    return fact
