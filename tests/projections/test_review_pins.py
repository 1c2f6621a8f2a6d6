"""Pinning key moments: an event of its own, never an edit of the history."""

from __future__ import annotations

from uuid import UUID

import pytest

from crisis.errors import Conflict, Forbidden, NotFound, Refused
from crisis.review.service import pin_moment, remove_pin
from projections import replay
from projections.board.audience import ALL
from projections.review import ReviewViews
from projections.store import ViewStore
from tests import flow


@pytest.fixture
def views(log, settings):
    store = ViewStore(settings.views_url)
    yield ReviewViews(log, store)
    store.close()


@pytest.fixture
def incident(log, people, clock):
    incident = flow.incident(log, people)
    clock.advance(minutes=5)
    fact = flow.fact(log, people, incident)
    clock.advance(minutes=5)
    flow.published(log, people, incident, [fact])
    return incident


def history(log, upto: int) -> list[tuple]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in log.recorder.select_notifications(start=1, limit=upto)
    ]


def test_pinning_writes_an_event_and_changes_no_history(log, people, settings, incident, views):
    end = log.max_position()
    before = history(log, end)
    boards = {p: replay.board_at(log, views.store, position=p).as_json() for p in range(1, end + 1)}

    saved = pin_moment(log, people["reviewer"], incident, position=3, note="Verifisert raskt.")

    assert saved.position == log.max_position() > end
    assert history(log, end) == before
    pinned = list(views.lines(str(incident), ["review"], shown=ALL))
    assert [line["type"] for line in pinned] == ["Review.Started", "Review.MomentPinned"]
    assert pinned[-1]["params"] == {"pinned": 3, "note": "Verifisert raskt."}
    assert views.pins(str(incident))[3]["note"] == "Verifisert raskt."
    for p, board in boards.items():
        assert replay.board_at(log, views.store, position=p).as_json() == board
    after = replay.board_at(log, views.store).as_json()["incidents"]
    assert after == boards[end]["incidents"]


def test_a_pin_is_removed_by_another_event(log, people, incident, views):
    pin_moment(log, people["reviewer"], incident, position=2, note="Fakta kom inn.")
    pin_moment(log, people["reviewer"], incident, position=4, note="Godkjent.")
    remove_pin(log, people["reviewer"], incident, position=2)
    assert list(views.pins(str(incident))) == [4]
    types = [line["type"] for line in views.lines(str(incident), ["review"], shown=ALL)]
    assert types == [
        "Review.Started",
        "Review.MomentPinned",
        "Review.MomentPinned",
        "Review.PinRemoved",
    ]


def refused(log, error, code, command):
    before = log.max_position()
    with pytest.raises(error) as caught:
        command()
    assert caught.value.code == code
    assert log.max_position() == before


def test_pinning_refusals_write_nothing(log, people, incident):
    reviewer = people["reviewer"]
    flow.incident(log, people, title="Oljeutslipp", department="bym")
    elsewhere = log.max_position()  # the other incident's opening
    refused(
        log,
        Refused,
        "pin_needs_note",
        lambda: pin_moment(log, reviewer, incident, position=2, note=" "),
    )
    refused(
        log,
        Refused,
        "pin_not_of_incident",
        lambda: pin_moment(log, reviewer, incident, position=elsewhere, note="Feil hendelse"),
    )
    refused(
        log,
        Refused,
        "pin_not_of_incident",
        lambda: pin_moment(log, reviewer, incident, position=elsewhere + 99, note="Finnes ikke"),
    )
    refused(
        log,
        NotFound,
        "incident_not_found",
        lambda: pin_moment(log, reviewer, UUID(int=1), position=1, note="Ukjent"),
    )
    refused(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: pin_moment(log, people["comms"], incident, position=2, note="Ikke min rolle"),
    )
    refused(log, NotFound, "pin_not_found", lambda: remove_pin(log, reviewer, incident, position=2))
    pin_moment(log, reviewer, incident, position=2, note="Første")
    refused(
        log,
        Conflict,
        "already_pinned",
        lambda: pin_moment(log, reviewer, incident, position=2, note="Igjen"),
    )
    refused(log, Conflict, "pin_not_found", lambda: remove_pin(log, reviewer, incident, position=3))


def test_pinning_over_http(api):
    incident = api.ok(
        "comms",
        "/api/incidents",
        {
            "kind": "boil-water notice",
            "title": "Kokevarsel",
            "areas": ["Grorud"],
            "department": "vav",
            "severity": "severe",
        },
    )["id"]
    before = api.position()
    denied = api.post("comms", f"/api/review/{incident}/pins", {"position": 1, "note": "Nei"})
    assert denied.status_code == 403
    empty = api.post("reviewer", f"/api/review/{incident}/pins", {"position": 1, "note": ""})
    assert empty.status_code == 422
    assert "begrunnelse" in empty.json()["detail"]
    assert api.position() == before
    api.ok("reviewer", f"/api/review/{incident}/pins", {"position": 1, "note": "Åpnet raskt."})
    moment = api.get("reviewer", f"/api/review/board?incident={incident}&position=1").json()
    assert moment["pin"]["note"] == "Åpnet raskt."
    api.ok("reviewer", f"/api/review/{incident}/pins/remove", {"position": 1})
    moment = api.get("reviewer", f"/api/review/board?incident={incident}&position=1").json()
    assert moment["pin"] is None
