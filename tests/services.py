"""Helpers for tests against the application services and a real SQLite log."""

from __future__ import annotations

from uuid import UUID

import pytest

from crisis.facts.service import approve_fact, submit_fact
from crisis.incidents.service import open_incident
from crisis.log import CrisisLog
from crisis.posts.service import approve_post, draft_post, publish_post
from projections.board import Board, Doc
from projections.events import opened_event


def incident(log: CrisisLog, people: dict) -> UUID:
    return open_incident(
        log,
        people["comms"],
        kind="boil-water notice",
        title="Kokevarsel",
        areas=["Grorud"],
        department="vav",
        severity="severe",
    ).id


def approved_fact(
    log: CrisisLog, people: dict, incident_id: UUID, text: str = "Kok vannet."
) -> UUID:
    fact = submit_fact(log, people["vav"], incident_id=incident_id, text=text, verify=True).id
    approve_fact(log, people["comms"], fact)
    return fact


def website_post(
    log: CrisisLog, people: dict, incident_id: UUID, facts: list[UUID], publish: bool = True
) -> UUID:
    post = draft_post(
        log, people["comms"], incident_id=incident_id, channel="website", text="Kok.", cites=facts
    ).id
    approve_post(log, people["editor"], post)
    if publish:
        publish_post(log, people["comms"], post)
    return post


def board_doc(log: CrisisLog, incident_id: UUID) -> Doc:
    """The incident as the board projection builds it from the whole log."""
    board = Board()
    for n in log.recorder.select_notifications(start=1, limit=100_000):
        board.apply(opened_event(log, n), n.id)
    return board.incidents[str(incident_id)]


def refuses(log: CrisisLog, error: type, code: str, command) -> None:
    """The command is refused with `code` and writes nothing."""
    before = log.max_position()
    with pytest.raises(error) as caught:
        command()
    assert caught.value.code == code
    assert log.max_position() == before
