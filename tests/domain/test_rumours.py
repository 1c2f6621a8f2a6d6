"""Rumours and the watch list, against the services, a real log and the board projection."""

from __future__ import annotations

from uuid import uuid4

import pytest

from crisis.errors import Conflict, Forbidden, NotFound, Refused
from crisis.inquiries.service import answer_inquiry, receive_inquiry
from crisis.rumours.service import (
    add_watch_phrase,
    assess_rumour,
    close_rumour,
    correct_rumour,
    record_rumour,
    remove_watch_phrase,
    sight_rumour,
)
from projections.board.rumours import open_rumours
from tests.flow import doc as board_doc
from tests.flow import fact as approved_fact
from tests.flow import incident, refuses, website_post

CLAIM = "Vannet er giftig selv etter koking"


@pytest.fixture
def inc(log, people):
    return incident(log, people)


def rumour(log, people, inc, reach=300, assessment=None):
    r = record_rumour(
        log,
        people["comms"],
        incident_id=inc,
        claim=CLAIM,
        channel="facebook",
        where="Grorud nabolagsgruppe",
        reach=reach,
    ).id
    if assessment:
        assess_rumour(log, people["comms"], r, assessment=assessment, note="Motsies av fakta")
    return r


def test_sightings_add_up_on_the_board(log, people, inc, clock):
    first_seen = clock.now()
    r = rumour(log, people, inc, reach=300)
    clock.advance(minutes=5)
    sight_rumour(log, people["comms"], r, channel="x", where="@lokalavis", reach=1200)
    sight_rumour(log, people["editor"], r, channel="facebook", where="Stovner", reach=50)
    item = board_doc(log, inc)["rumours"][str(r)]
    assert item["reach"] == 1550
    assert [s["reach"] for s in item["sightings"]] == [300, 1200, 50]
    assert item["sightings"][1]["channel"] == "x" and item["sightings"][2]["by"] == "Ola Redaktør"
    assert item["first_seen_at"] == first_seen.isoformat()
    assert item["assessment"] == "checking" and item["status"] == "open"


def test_claim_is_required_and_reach_cannot_be_negative(log, people, inc):
    refuses(
        log,
        Refused,
        "rumour_claim_required",
        lambda: record_rumour(
            log, people["comms"], incident_id=inc, claim=" ", channel="x", where="", reach=1
        ),
    )
    r = rumour(log, people, inc)
    refuses(
        log,
        Refused,
        "reach_not_negative",
        lambda: sight_rumour(log, people["comms"], r, channel="x", where="", reach=-5),
    )


def test_department_users_do_not_handle_rumours(log, people, inc):
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: record_rumour(
            log, people["vav"], incident_id=inc, claim=CLAIM, channel="x", where="", reach=1
        ),
    )


def test_assessment_must_be_known(log, people, inc):
    r = rumour(log, people, inc)
    refuses(
        log,
        Refused,
        "unknown_assessment",
        lambda: assess_rumour(log, people["comms"], r, assessment="fake"),
    )
    for assessment in ("false", "misleading", "true", "unverifiable", "checking"):
        assess_rumour(log, people["comms"], r, assessment=assessment)
    assert board_doc(log, inc)["rumours"][str(r)]["assessment"] == "checking"


def test_correction_by_published_post_records_minutes_since_first_sighting(log, people, inc, clock):
    fact = approved_fact(log, people, inc)
    r = rumour(log, people, inc, assessment="false")
    clock.advance(minutes=42)
    post = website_post(log, people, inc, [fact])
    correct_rumour(log, people["comms"], r, post_id=post)
    item = board_doc(log, inc)["rumours"][str(r)]
    assert item["minutes_to_correction"] == 42
    assert item["corrected_at"] == clock.now().isoformat()
    assert item["corrections"] == [
        {
            "via": "post",
            "ref": str(post),
            "at": clock.now().isoformat(),
            "by": "Kari Kommunikasjon",
            "cites": [{"fact": str(fact), "revision": 1}],
        }
    ]
    # A second correction elsewhere keeps the first time as the key figure.
    clock.advance(minutes=30)
    correct_rumour(log, people["comms"], r, post_id=website_post(log, people, inc, [fact]))
    item = board_doc(log, inc)["rumours"][str(r)]
    assert item["minutes_to_correction"] == 42 and len(item["corrections"]) == 2


def test_correction_needs_a_published_post_of_the_same_incident(log, people, inc):
    fact = approved_fact(log, people, inc)
    r = rumour(log, people, inc, assessment="false")
    draft = website_post(log, people, inc, [fact], publish=False)
    refuses(
        log,
        Refused,
        "correction_not_published",
        lambda: correct_rumour(log, people["comms"], r, post_id=draft),
    )
    other = incident(log, people)
    elsewhere = website_post(log, people, other, [approved_fact(log, people, other)])
    refuses(
        log,
        Refused,
        "post_of_other_incident",
        lambda: correct_rumour(log, people["comms"], r, post_id=elsewhere),
    )
    refuses(
        log,
        NotFound,
        "post_not_found",
        lambda: correct_rumour(log, people["comms"], r, post_id=uuid4()),
    )


def test_correction_names_exactly_one_source(log, people, inc):
    r = rumour(log, people, inc, assessment="false")
    refuses(
        log,
        Refused,
        "correction_needs_one_source",
        lambda: correct_rumour(log, people["comms"], r),
    )


def test_rumour_is_assessed_before_it_is_corrected_and_a_true_one_is_not(log, people, inc):
    post = website_post(log, people, inc, [approved_fact(log, people, inc)])
    r = rumour(log, people, inc)
    refuses(
        log,
        Refused,
        "rumour_not_assessed",
        lambda: correct_rumour(log, people["comms"], r, post_id=post),
    )
    assess_rumour(log, people["comms"], r, assessment="true")
    refuses(
        log,
        Refused,
        "rumour_is_true",
        lambda: correct_rumour(log, people["comms"], r, post_id=post),
    )


def test_correction_by_an_answered_inquiry_cites_its_facts(log, people, inc):
    fact = approved_fact(log, people, inc)
    r = rumour(log, people, inc, assessment="misleading")
    inquiry = receive_inquiry(
        log, people["comms"], incident_id=inc, channel="facebook", handle="@per", text="Giftig?"
    ).id
    refuses(
        log,
        Refused,
        "correction_not_answered",
        lambda: correct_rumour(log, people["comms"], r, inquiry_id=inquiry),
    )
    answer_inquiry(log, people["comms"], inquiry, text="Nei, kokt vann er trygt.", cites=[fact])
    correct_rumour(log, people["comms"], r, inquiry_id=inquiry)
    correction = board_doc(log, inc)["rumours"][str(r)]["corrections"][0]
    assert correction["via"] == "inquiry" and correction["ref"] == str(inquiry)
    assert correction["cites"] == [{"fact": str(fact), "revision": 1}]
    refuses(
        log,
        Conflict,
        "already_corrected_by",
        lambda: correct_rumour(log, people["comms"], r, inquiry_id=inquiry),
    )


def test_closing_needs_a_resolution_and_ends_the_rumour(log, people, inc):
    r = rumour(log, people, inc)
    refuses(
        log,
        Refused,
        "rumour_resolution_required",
        lambda: close_rumour(log, people["comms"], r, resolution="  "),
    )
    close_rumour(log, people["comms"], r, resolution="Ingen nye observasjoner etter rettelsen.")
    doc = board_doc(log, inc)
    assert doc["rumours"][str(r)]["status"] == "closed"
    assert doc["rumours"][str(r)]["resolution"].startswith("Ingen nye")
    assert open_rumours(doc) == []
    refuses(
        log,
        Conflict,
        "rumour_closed",
        lambda: sight_rumour(log, people["comms"], r, channel="x", where="", reach=1),
    )


def test_open_rumours_widest_reach_first(log, people, inc, clock):
    small = rumour(log, people, inc, reach=10)
    clock.advance(minutes=1)
    wide = rumour(log, people, inc, reach=5000)
    assert [x["id"] for x in open_rumours(board_doc(log, inc))] == [str(wide), str(small)]


def receive(log, people, inc, text):
    return receive_inquiry(
        log, people["comms"], incident_id=inc, channel="facebook", handle="@kari", text=text
    ).id


def test_watch_list_flags_matching_inquiries_ignoring_case(log, people, inc):
    add_watch_phrase(log, people["comms"], inc, phrase="giftig")
    add_watch_phrase(log, people["comms"], inc, phrase="hele  byen")
    flagged = receive(log, people, inc, "Er vannet GIFTIG selv om jeg koker det?")
    spaced = receive(log, people, inc, "Gjelder det HELE\nbyen?")
    plain = receive(log, people, inc, "Når kan vi drikke vannet igjen?")
    doc = board_doc(log, inc)
    assert doc["watch_list"] == ["giftig", "hele byen"]
    assert doc["inquiries"][str(flagged)]["watch_match"] == "giftig"
    assert doc["inquiries"][str(spaced)]["watch_match"] == "hele byen"
    assert doc["inquiries"][str(plain)]["watch_match"] is None


def test_removed_phrase_no_longer_flags(log, people, inc):
    add_watch_phrase(log, people["comms"], inc, phrase="giftig")
    remove_watch_phrase(log, people["comms"], inc, phrase="GIFTIG")
    later = receive(log, people, inc, "Er vannet giftig?")
    doc = board_doc(log, inc)
    assert doc["watch_list"] == [] and doc["inquiries"][str(later)]["watch_match"] is None


def test_watch_list_refuses_duplicates_and_unknown_phrases(log, people, inc):
    refuses(
        log,
        Conflict,
        "phrase_not_watched",
        lambda: remove_watch_phrase(log, people["comms"], inc, phrase="giftig"),
    )
    add_watch_phrase(log, people["comms"], inc, phrase="Giftig")
    refuses(
        log,
        Conflict,
        "phrase_already_watched",
        lambda: add_watch_phrase(log, people["comms"], inc, phrase="giftig"),
    )
    refuses(
        log,
        Refused,
        "watch_phrase_required",
        lambda: add_watch_phrase(log, people["comms"], inc, phrase="   "),
    )
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: add_watch_phrase(log, people["reviewer"], inc, phrase="kokevarsel"),
    )


def test_flagged_inquiry_confirmed_as_a_sighting_is_linked(log, people, inc):
    add_watch_phrase(log, people["comms"], inc, phrase="giftig")
    inquiry = receive(log, people, inc, "Naboen sier vannet er giftig")
    r = rumour(log, people, inc, reach=100)
    sight_rumour(
        log, people["comms"], r, channel="facebook", where="innboks", reach=1, inquiry_id=inquiry
    )
    doc = board_doc(log, inc)
    assert doc["inquiries"][str(inquiry)]["rumour"] == str(r)
    assert doc["rumours"][str(r)]["sightings"][1]["inquiry"] == str(inquiry)
    elsewhere = rumour(log, people, incident(log, people))
    refuses(
        log,
        Refused,
        "inquiry_of_other_incident",
        lambda: sight_rumour(
            log,
            people["comms"],
            elsewhere,
            channel="x",
            where="",
            reach=1,
            inquiry_id=inquiry,
        ),
    )
