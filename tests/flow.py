"""The boil-water flow against the application services, and the board built
from the same log, for domain tests to build on."""

from __future__ import annotations

from typing import Any

import pytest

from crisis.facts.service import approve_fact, submit_fact
from crisis.incidents.service import open_incident
from crisis.log import CrisisLog
from crisis.posts.service import approve_post, draft_post, publish_post
from projections.board import Board
from projections.events import opened_event


def incident(log: CrisisLog, people: dict, **overrides: Any) -> Any:
    fields = {
        "kind": "boil-water notice",
        "title": "Kokevarsel",
        "areas": ["Grorud"],
        "department": "vav",
        "severity": "severe",
        **overrides,
    }
    return open_incident(log, people["comms"], **fields).id


def fact(log: CrisisLog, people: dict, incident_id: Any, text: str = "Kok vannet.") -> Any:
    fact_id = submit_fact(log, people["vav"], incident_id=incident_id, text=text, verify=True).id
    approve_fact(log, people["comms"], fact_id)
    return fact_id


def draft(
    log: CrisisLog, people: dict, incident_id: Any, facts: list, channel: str = "website", **kw: Any
) -> Any:
    text = kw.pop("text", "Kok vannet før du drikker det.")
    author = people[kw.pop("by", "comms")]
    return draft_post(
        log,
        author,
        incident_id=incident_id,
        channel=channel,
        text=text,
        cites=facts,
        **kw,
    )


def published(log: CrisisLog, people: dict, incident_id: Any, facts: list, **kw: Any) -> Any:
    post = draft(log, people, incident_id, facts, **kw).id
    approve_post(log, people["editor"], post)
    publish_post(log, people["comms"], post)
    return post


def website_post(
    log: CrisisLog, people: dict, incident_id: Any, facts: list, publish: bool = True
) -> Any:
    """A website post approved by the editor and, unless told not to, published."""
    post = draft(log, people, incident_id, facts, text="Kok.").id
    approve_post(log, people["editor"], post)
    if publish:
        publish_post(log, people["comms"], post)
    return post


def board_of(log: CrisisLog) -> Board:
    """The board as the projection builds it from the whole log."""
    board = Board()
    for n in log.recorder.select_notifications(start=1, limit=100_000):
        board.apply(opened_event(log, n), n.id)
    return board


def doc(log: CrisisLog, incident_id: Any) -> dict:
    return board_of(log).incidents[str(incident_id)]


def refuses(log: CrisisLog, error: type, code: str, command) -> Any:  # type: ignore[no-untyped-def]
    """The command is refused with `code` and writes nothing."""
    before = log.max_position()
    with pytest.raises(error) as caught:
        command()
    assert caught.value.code == code
    assert log.max_position() == before
    return caught.value
