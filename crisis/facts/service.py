"""Fact commands: the department vouches, comms approves."""

from __future__ import annotations

from uuid import UUID

from crisis.facts.model import Fact
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor


def submit_fact(
    log: CrisisLog, actor: Actor, *, incident_id: UUID, text: str, verify: bool = False
) -> Saved:
    """Submit a fact for the incident's responsible department; `verify` lets
    the submitter vouch for it in the same step."""
    incident = log.load(Incident, incident_id)
    actor.require("submit_fact", department=incident.department)
    incident.require_open()
    fact = Fact.submit(
        incident_id=incident_id,
        department=incident.department,
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
