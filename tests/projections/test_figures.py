"""The review's figures for small hand-made incidents, against values worked out
by hand (in the comments). The clock places every event at an exact time; times
are UTC, Oslo is UTC+1 in November and December."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crisis.facts.service import approve_fact, correct_fact, submit_fact
from crisis.incidents.service import change_phase, change_severity, switch_crisis_mode
from crisis.inquiries.service import (
    answer_inquiry,
    moderate_inquiry,
    receive_inquiry,
    refer_inquiry,
    send_holding_reply,
    triage_inquiry,
)
from crisis.posts.service import approve_post, draft_post, publish_post, retract_post
from crisis.review.service import pin_moment, remove_pin
from crisis.rumours.service import assess_rumour, correct_rumour, record_rumour, sight_rumour
from projections.review import ReviewViews
from projections.store import ViewStore
from tests.flow import fact, incident


@pytest.fixture
def figures_of(log, settings):
    store = ViewStore(settings.views_url)
    yield lambda incident: ReviewViews(log, store).figures(str(incident))
    store.close()


def place(clock, moment: str) -> None:
    """Move the clock forward to an exact UTC time."""
    target = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    assert target >= clock.now(), "events are placed in time order"
    clock.advance(seconds=(target - clock.now()).total_seconds())


def post(log, people, incident_id, facts, channel="website", links_to=None, text="Kok vannet."):
    post_id = draft_post(
        log,
        people["comms"],
        incident_id=incident_id,
        channel=channel,
        text=text,
        cites=facts,
        links_to=links_to,
    ).id
    approve_post(log, people["editor"], post_id)
    publish_post(log, people["comms"], post_id)
    return post_id


def inquiry(log, people, incident_id, channel="facebook", text="Gjelder det Furuset?"):
    return receive_inquiry(
        log, people["comms"], incident_id=incident_id, channel=channel, handle="@kari", text=text
    ).id


def test_first_posts_fact_pipeline_and_retraction(log, people, clock, figures_of):
    comms, editor, vav = people["comms"], people["editor"], people["vav"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    place(clock, "2026-11-23T09:05")
    a = submit_fact(log, vav, incident_id=i, text="E. coli er påvist.", verify=True).id
    never = submit_fact(log, vav, incident_id=i, text="Gjelder kanskje Furuset.").id
    place(clock, "2026-11-23T09:12")
    approve_fact(log, comms, a)
    place(clock, "2026-11-23T09:20")
    website = draft_post(log, comms, incident_id=i, channel="website", text="Kok.", cites=[a]).id
    place(clock, "2026-11-23T09:25")
    approve_post(log, editor, website)
    place(clock, "2026-11-23T09:30")
    publish_post(log, comms, website)
    place(clock, "2026-11-23T09:40")
    facebook = draft_post(
        log, comms, incident_id=i, channel="facebook", text="Kok!", cites=[a], links_to=website
    ).id
    approve_post(log, editor, facebook)
    place(clock, "2026-11-23T09:45")
    publish_post(log, comms, facebook)
    place(clock, "2026-11-23T09:50")
    correct_fact(
        log, vav, a, text="E. coli er påvist i to basseng.", reason="Nye prøver.", version=None
    )
    place(clock, "2026-11-23T10:10")
    approve_fact(log, comms, a)
    place(clock, "2026-11-23T10:15")
    x = draft_post(
        log, comms, incident_id=i, channel="x", text="Kok vannet.", cites=[a], links_to=website
    ).id
    approve_post(log, editor, x)
    place(clock, "2026-11-23T10:30")
    publish_post(log, comms, x)
    place(clock, "2026-11-23T10:40")
    apology = retract_post(
        log, comms, x, reason="Feil basseng.", apology="Vi beklager feilen.", cites=[a]
    ).id
    approve_post(log, editor, apology)
    place(clock, "2026-11-23T10:52")
    publish_post(log, comms, apology)

    f = figures_of(i)

    # Opened 09:00. Website first published 09:30 (30 min), Facebook 09:45 (45),
    # X 10:30 (90): the retracted X post counts, it was out before the apology.
    assert f["first_posts"]["website"]["minutes"] == 30.0
    assert [(c["channel"], c["minutes"]) for c in f["first_posts"]["channels"]] == [
        ("website", 30.0),
        ("facebook", 45.0),
        ("x", 90.0),
    ]
    # Revision 1: verified 09:05, approved 09:12 (7 min), first post citing it 09:30 (18).
    # Revision 2: corrected (vouched for) 09:50, approved 10:10 (20), X post 10:30 (20).
    by_fact = {fact["fact"]: fact for fact in f["facts"]}
    first, second = by_fact[str(a)]["revisions"]
    assert (first["verified_to_approved"], first["approved_to_first_post"]) == (7.0, 18.0)
    assert (second["verified_to_approved"], second["approved_to_first_post"]) == (20.0, 20.0)
    assert second["text"] == "E. coli er påvist i to basseng."
    # A fact never verified has no times at all.
    assert by_fact[str(never)]["revisions"] == [
        {
            "revision": 1,
            "text": "Gjelder kanskje Furuset.",
            "verified_at": None,
            "approved_at": None,
            "first_post_at": None,
            "verified_to_approved": None,
            "approved_to_first_post": None,
        }
    ]
    # Retracted 10:40, apology published 10:52: 12 minutes.
    [retraction] = f["retractions"]
    assert (retraction["post"], retraction["apology"]) == (str(x), str(apology))
    assert (retraction["reason"], retraction["apology_text"]) == (
        "Feil basseng.",
        "Vi beklager feilen.",
    )
    assert retraction["minutes_to_apology"] == 12.0


def test_rumours_from_first_sighting_to_correction_per_channel(log, people, clock, figures_of):
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    a = fact(log, people, i)
    website = post(log, people, i, [a])
    place(clock, "2026-11-23T09:50")
    poison = record_rumour(
        log, comms, incident_id=i, claim="Giftig", channel="facebook", where="Gruppe", reach=100
    ).id
    place(clock, "2026-11-23T10:00")
    sight_rumour(log, comms, poison, channel="x", where="Tråd", reach=50)
    place(clock, "2026-11-23T10:05")
    assess_rumour(log, comms, poison, assessment="false")
    place(clock, "2026-11-23T10:10")
    answer_post = post(log, people, i, [a], channel="facebook", links_to=website)
    place(clock, "2026-11-23T10:15")
    correct_rumour(log, comms, poison, post_id=answer_post)
    place(clock, "2026-11-23T10:20")
    city = record_rumour(
        log, comms, incident_id=i, claim="Hele byen", channel="x", where="Tråd", reach=10
    ).id
    assess_rumour(log, comms, city, assessment="misleading")
    question = inquiry(log, people, i, channel="x")
    place(clock, "2026-11-23T10:30")
    answer_inquiry(log, comms, question, text="Bare tre bydeler.", cites=[a])
    place(clock, "2026-11-23T10:40")
    correct_rumour(log, comms, city, inquiry_id=question)
    place(clock, "2026-11-23T10:45")
    correct_rumour(log, comms, city, post_id=answer_post)
    place(clock, "2026-11-23T11:00")
    sight_rumour(log, comms, city, channel="facebook", where="Kommentarer", reach=5)

    poisoned, whole_city = figures_of(i)["rumours"]
    # First seen 09:50, corrected (the Facebook post) 10:15: 25 minutes, as the board says.
    # On Facebook the same 25; on X (seen 10:00) no correction was published there.
    assert (poisoned["rumour"], poisoned["minutes"], poisoned["reach"]) == (str(poison), 25.0, 150)
    assert [(c["channel"], c["minutes"]) for c in poisoned["channels"]] == [
        ("facebook", 25.0),
        ("x", None),
    ]
    # Seen on X 10:20, the answer to the X inquiry recorded 10:40: 20 minutes. Seen on
    # Facebook only at 11:00, when the Facebook correction (10:45) was already there: 0.
    assert whole_city["minutes"] == 20.0
    assert [(c["channel"], c["minutes"]) for c in whole_city["channels"]] == [
        ("x", 20.0),
        ("facebook", 0.0),
    ]


@pytest.fixture
def responses(log, people, clock):
    """Inquiries in normal service (24 working hours), over a weekend and Christmas."""
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")  # Monday 10:00 in Oslo
    i = incident(log, people)
    a = fact(log, people, i)
    q1 = inquiry(log, people, i)  # Monday 09:00
    place(clock, "2026-11-23T09:20")
    send_holding_reply(log, comms, q1, text="Vi sjekker.")
    place(clock, "2026-11-23T10:00")
    answer_inquiry(log, comms, q1, text="Ja.", cites=[a])
    q2 = inquiry(log, people, i, channel="x")  # Monday 10:00
    place(clock, "2026-11-23T10:05")
    answer_inquiry(log, comms, q2, text="Nei.", cites=[a])
    place(clock, "2026-11-27T14:00")  # Friday 15:00 in Oslo, half an hour before closing
    q3 = inquiry(log, people, i)
    place(clock, "2026-11-30T08:00")  # Monday 09:00 in Oslo
    answer_inquiry(log, comms, q3, text="Ja.", cites=[a])
    place(clock, "2026-12-01T08:00")
    inquiry(log, people, i)  # q5: never answered
    q6 = inquiry(log, people, i, text="Kommunen burde ha sett dette komme.")
    triage_inquiry(log, comms, q6, category="opinion")  # owed no answer
    place(clock, "2026-12-24T14:30")  # Christmas Eve, Thursday 15:30 in Oslo: closing time
    q4 = inquiry(log, people, i)
    place(clock, "2026-12-28T07:30")  # Monday 08:30 in Oslo; Friday the 25th was a holiday
    answer_inquiry(log, comms, q4, text="Ja.", cites=[a])
    return i


def test_response_times_in_wall_and_working_time_with_percentiles(responses, figures_of):
    r = figures_of(responses)["responses"]
    # Facebook, owed an answer: q1, q3, q4, q5 (q6 is an opinion); q5 still open.
    #   first response, wall:    q1 20 (holding reply), q3 3960 (Fri 14:00 to Mon 08:00),
    #                            q4 5340 (Thu 14:30 to Mon 07:30)
    #   first response, working: q1 20, q3 30 (Fri) + 60 (Mon) = 90, q4 0 (Thu after
    #                            closing) + 0 (Christmas Day, a Friday) + 0 (weekend) + 30 = 30
    #   answer: q1 60 wall and working; q3 and q4 as above (their answer was the first response)
    # Nearest rank over three values: p50 is the 2nd smallest, p90 the 3rd.
    facebook = r["channels"]["facebook"]
    assert (facebook["received"], facebook["owed"], facebook["open"]) == (5, 4, 1)
    assert facebook["first_response"]["wall"] == {"count": 3, "p50": 3960.0, "p90": 5340.0}
    assert facebook["first_response"]["working"] == {"count": 3, "p50": 30.0, "p90": 90.0}
    assert facebook["answer"]["wall"] == {"count": 3, "p50": 3960.0, "p90": 5340.0}
    assert facebook["answer"]["working"] == {"count": 3, "p50": 60.0, "p90": 90.0}
    # X: q2, answered after 5 minutes.
    assert r["channels"]["x"]["answer"]["working"] == {"count": 1, "p50": 5.0, "p90": 5.0}
    # All channels, four values: p50 the 2nd smallest, p90 the 4th.
    #   first response wall [5, 20, 3960, 5340], working [5, 20, 30, 90]
    #   answer wall [5, 60, 3960, 5340], working [5, 30, 60, 90]
    everything = r["all"]
    assert everything["first_response"]["wall"] == {"count": 4, "p50": 20.0, "p90": 5340.0}
    assert everything["first_response"]["working"] == {"count": 4, "p50": 20.0, "p90": 90.0}
    assert everything["answer"]["wall"] == {"count": 4, "p50": 60.0, "p90": 5340.0}
    assert everything["answer"]["working"] == {"count": 4, "p50": 30.0, "p90": 90.0}


def test_sla_compliance_judged_as_of_the_last_event(responses, figures_of):
    sla = figures_of(responses)["sla"]
    # 24 working hours: q1, q3 and q4 stopped in time; q5 is still unanswered at the
    # last event (28 Dec) after far more than 24 working hours: missed, on both clocks.
    expected = {"met": 3, "missed": 1, "open": 0, "owed": 4, "met_percent": 75.0}
    assert sla["channels"]["facebook"] == {"first_response": expected, "answer": expected}
    assert sla["all"]["answer"] == {
        "met": 4,
        "missed": 1,
        "open": 0,
        "owed": 5,
        "met_percent": 80.0,
    }


def test_inquiry_volume_per_channel_per_interval(responses, figures_of):
    volume = figures_of(responses)["volume"]
    # From 23 Nov to 24 Dec: 15-minute, hourly and 6-hourly intervals would be more
    # than 48, so days: 32 of them, from 23 Nov 00:00 UTC.
    assert volume["bucket_minutes"] == 1440
    assert len(volume["buckets"]) == 32
    assert volume["buckets"][0] == "2026-11-23T00:00:00+00:00"
    facebook = volume["channels"]["facebook"]
    assert {day: n for day, n in enumerate(facebook) if n} == {0: 1, 4: 1, 8: 2, 31: 1}
    assert {day: n for day, n in enumerate(volume["channels"]["x"]) if n} == {0: 1}


def test_sla_uses_the_policy_in_force_when_the_inquiry_arrived(log, people, clock, figures_of):
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    a = fact(log, people, i)
    switch_crisis_mode(log, comms, i, on=True, sla_minutes=30)
    during = inquiry(log, people, i)
    place(clock, "2026-11-23T09:45")
    answer_inquiry(log, comms, during, text="Ja.", cites=[a])  # 45 wall minutes > 30
    place(clock, "2026-11-23T10:00")
    switch_crisis_mode(log, comms, i, on=False)
    place(clock, "2026-11-23T10:10")
    after = inquiry(log, people, i)
    place(clock, "2026-11-23T10:55")
    answer_inquiry(log, comms, after, text="Ja.", cites=[a])  # 45 working minutes < 24 h

    answer = figures_of(i)["sla"]["all"]["answer"]
    assert (answer["met"], answer["missed"]) == (1, 1)


def test_holding_replies_referrals_and_moderation(log, people, clock, figures_of):
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    a = fact(log, people, i)
    answered, referred, waiting, spam = (inquiry(log, people, i) for _ in range(4))
    elsewhere = inquiry(log, people, i, channel="x")
    abusive = [inquiry(log, people, i) for _ in range(2)]
    place(clock, "2026-11-23T09:05")
    send_holding_reply(log, comms, referred, text="Vi sjekker.")
    send_holding_reply(log, comms, waiting, text="Vi sjekker.")
    send_holding_reply(log, comms, spam, text="Vi sjekker.")
    place(clock, "2026-11-23T09:10")
    send_holding_reply(log, comms, answered, text="Vi sjekker.")
    place(clock, "2026-11-23T09:20")
    send_holding_reply(log, comms, answered, text="Vi sjekker fortsatt.")
    place(clock, "2026-11-23T09:25")
    refer_inquiry(log, comms, referred, to="postmottak", reply="Send det til postmottak.")
    refer_inquiry(log, comms, elsewhere, to="vav", reply="Spør Vann- og avløpsetaten.")
    place(clock, "2026-11-23T09:50")
    answer_inquiry(log, comms, answered, text="Ja.", cites=[a])
    triage_inquiry(log, comms, spam, category="spam")
    moderate_inquiry(
        log, comms, spam, action="delete", reason="Spam.", block=True, fake_profile=True
    )
    for n, item in enumerate(abusive):
        triage_inquiry(log, comms, item, category="abusive")
        moderate_inquiry(
            log, comms, item, action=("hide", "delete")[n], reason="Hets er ikke lov her."
        )

    f = figures_of(i)
    # Five holding replies to four inquiries. Followed up: `answered` (first holding
    # reply 09:10, answer 09:50: 40 min) and `referred` (09:05 to 09:25: 20 min);
    # `waiting` still waits; `spam` was removed instead.
    assert f["holding_replies"] == {
        "sent": 5,
        "inquiries": 4,
        "followed_up": 2,
        "waiting": 1,
        "removed": 1,
        "follow_up_wall": {"count": 2, "p50": 20.0, "p90": 40.0},
        "follow_up_working": {"count": 2, "p50": 20.0, "p90": 40.0},
    }
    assert f["referrals"] == {
        "total": 2,
        "by_target": {"postmottak": 1, "vav": 1},
        "by_channel": {"facebook": 1, "x": 1},
    }
    assert f["moderation"] == {
        "total": 3,
        "by_reason": [
            {
                "category": "abusive",
                "count": 2,
                "hide": 1,
                "delete": 1,
                "blocked": 0,
                "told": [{"reason": "Hets er ikke lov her.", "count": 2}],
            },
            {
                "category": "spam",
                "count": 1,
                "hide": 0,
                "delete": 1,
                "blocked": 1,
                "told": [{"reason": "Spam.", "count": 1}],
            },
        ],
    }


def test_volume_in_quarter_hours_for_a_short_incident(log, people, clock, figures_of):
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    for moment, channel in (
        ("09:01", "facebook"),
        ("09:14", "facebook"),
        ("09:16", "x"),
        ("09:31", "facebook"),
    ):
        place(clock, f"2026-11-23T{moment}")
        inquiry(log, people, i, channel=channel)
    volume = figures_of(i)["volume"]
    assert volume == {
        "bucket_minutes": 15,
        "buckets": [
            "2026-11-23T09:00:00+00:00",
            "2026-11-23T09:15:00+00:00",
            "2026-11-23T09:30:00+00:00",
        ],
        "channels": {"facebook": [2, 0, 1], "x": [0, 1, 0]},
    }


def test_reply_times_per_channel_per_interval(responses, figures_of):
    replies = figures_of(responses)["reply_times"]
    # The intervals of the volume (days from 23 Nov); normal service all along: no
    # target in wall minutes.
    assert replies["bucket_minutes"] == 1440
    assert replies["buckets"] == figures_of(responses)["volume"]["buckets"]
    assert [t["minutes"] for t in replies["targets"]] == [None]
    facebook = replies["channels"]["facebook"]
    # Day 0: q1, holding reply after 20 minutes. Day 4: q3, 3960. Day 8: q5 never
    # answered (missed, as in the SLA figure) and q6, an opinion, owed nothing.
    # Day 31: q4, 5340 (within 24 working hours).
    days = {n: {k: facebook[k][n] for k in facebook} for n in (0, 4, 8, 31)}
    done = {"owed": 1, "replied": 1, "waiting": 0, "missed": 0}
    assert days[0] == {**done, "p50": 20.0, "p90": 20.0}
    assert days[4] == {**done, "p50": 3960.0, "p90": 3960.0}
    assert days[8] == {"owed": 1, "replied": 0, "p50": None, "p90": None, "waiting": 1, "missed": 1}
    assert days[31] == {**done, "p50": 5340.0, "p90": 5340.0}
    assert sum(facebook["owed"]) == 4 and facebook["owed"][1] == 0
    assert replies["channels"]["x"]["p50"][0] == 5.0


def test_reply_times_mark_the_crisis_target_and_percentiles(log, people, clock, figures_of):
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people)
    a = fact(log, people, i)
    switch_crisis_mode(log, comms, i, on=True, sla_minutes=30)
    waits = {}
    for n, wait in enumerate((10, 20, 35), start=1):  # three in the first quarter hour
        place(clock, f"2026-11-23T09:0{n}")
        waits[inquiry(log, people, i)] = wait
    for q, wait in sorted(waits.items(), key=lambda item: item[1]):
        place(clock, f"2026-11-23T09:{list(waits).index(q) + 1 + wait:02d}")
        send_holding_reply(log, comms, q, text="Vi sjekker.")
    place(clock, "2026-11-23T10:00")
    switch_crisis_mode(log, comms, i, on=False)
    place(clock, "2026-11-23T10:10")
    after = inquiry(log, people, i)
    place(clock, "2026-11-23T10:55")
    answer_inquiry(log, comms, after, text="Ja.", cites=[a])  # 45 working minutes < 24 h

    replies = figures_of(i)["reply_times"]
    # Quarter hours from 09:00 to 10:00 (first and last inquiry 09:01 and 10:10). Crisis
    # mode from 09:00 (when the incident opened: normal service never applied) to 10:00.
    assert replies["bucket_minutes"] == 15
    assert [(t["from"][11:16], t["minutes"]) for t in replies["targets"]] == [
        ("09:00", 30),
        ("10:00", None),
    ]
    facebook = replies["channels"]["facebook"]
    # 09:00-09:15: waits 10, 20 and 35 minutes. Nearest rank: p50 the 2nd, p90 the 3rd.
    # The one of 35 minutes missed the 30-minute target.
    assert [facebook[k][0] for k in ("owed", "replied", "p50", "p90", "waiting", "missed")] == [
        3,
        3,
        20.0,
        35.0,
        0,
        1,
    ]
    # 10:00-10:15: answered after 45 minutes, in normal service: met.
    assert [facebook[k][4] for k in ("owed", "replied", "p50", "missed")] == [1, 1, 45.0, 0]
    assert facebook["owed"][1:4] == [0, 0, 0]


def test_key_moments_in_time_order(log, people, clock, figures_of):
    comms = people["comms"]
    place(clock, "2026-11-23T09:00")
    i = incident(log, people, phase="reported")
    place(clock, "2026-11-23T09:05")
    change_phase(log, comms, i, phase="active", reason="", version=None)
    place(clock, "2026-11-23T09:10")
    a = fact(log, people, i)
    place(clock, "2026-11-23T09:15")
    switch_crisis_mode(log, comms, i, on=True, sla_minutes=45)
    place(clock, "2026-11-23T09:20")
    website = post(log, people, i, [a])
    place(clock, "2026-11-23T09:25")
    post(log, people, i, [a], channel="facebook", links_to=website)
    place(clock, "2026-11-23T09:30")
    post(log, people, i, [a], links_to=website, text="Mer om kokevarselet.")
    rumour = record_rumour(
        log, comms, incident_id=i, claim="Giftig", channel="facebook", where="Gruppe", reach=9
    ).id
    assess_rumour(log, comms, rumour, assessment="false")
    place(clock, "2026-11-23T09:40")
    correct_rumour(log, comms, rumour, post_id=website)
    place(clock, "2026-11-23T09:50")
    worse = change_severity(log, comms, i, severity="extreme").position
    place(clock, "2026-11-23T10:00")
    closed = change_phase(log, comms, i, phase="closed", reason="", version=None).position
    place(clock, "2026-11-23T11:00")
    reviewer = people["reviewer"]
    pin_moment(log, reviewer, i, position=worse, note="Her snudde det.")
    pin_moment(log, reviewer, i, position=closed, note="Fjernes igjen.")
    remove_pin(log, reviewer, i, position=closed)

    moments = figures_of(i)["moments"]
    # The website's first post is the one published 09:20 (not the later one, nor
    # Facebook's); the pin removed again is not shown; the pin sits at its event's time.
    assert [(m["at"][11:16], m["moment"], m["value"]) for m in moments] == [
        ("09:00", "opened", None),
        ("09:05", "phase", "active"),
        ("09:10", "fact_approved", 1),
        ("09:15", "crisis_on", 45),
        ("09:20", "website_post", None),
        ("09:40", "rumour_corrected", "website"),
        ("09:50", "severity", "extreme"),
        ("09:50", "pinned", "Her snudde det."),
        ("10:00", "closed", None),
    ]
    assert moments[6]["position"] == moments[7]["position"] == worse
