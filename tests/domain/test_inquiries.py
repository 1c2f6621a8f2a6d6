"""Inquiries from the public, against the services, a real log and the board projection."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from crisis.errors import Conflict, Forbidden, Refused
from crisis.incidents.service import change_phase, switch_crisis_mode
from crisis.inquiries.model import Inquiry
from crisis.inquiries.service import (
    MAX_BATCH,
    Message,
    answer_inquiry,
    assign_inquiry,
    escalate_inquiry,
    moderate_inquiry,
    receive_delivery,
    receive_inquiry,
    refer_inquiry,
    send_holding_reply,
    set_archive_worthy,
    triage_inquiry,
)
from crisis.privacy.model import Sealed
from crisis.rumours.service import add_watch_phrase
from projections.board.inquiries import follow_up, load_per_channel, queue
from tests.flow import doc as board_doc
from tests.flow import fact as approved_fact
from tests.flow import incident, refuses


@pytest.fixture
def inc(log, people):
    return incident(log, people)


def receive(log, people, inc, text="Gjelder kokevarselet Furuset?", channel="facebook", **kw):
    return receive_inquiry(
        log, people["comms"], incident_id=inc, channel=channel, handle="@kari", text=text, **kw
    ).id


def test_staff_intake_keeps_only_the_handle(log, people, inc, clock):
    inquiry = receive(log, people, inc)
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["handle"] == "@kari" and item["channel"] == "facebook"
    assert item["received_at"] == clock.now().isoformat()
    assert item["status"] == "open" and item["category"] is None
    stored = next(iter(log.events.get(inquiry)))
    assert set(stored.__dict__) - {"originator_id", "originator_version", "timestamp"} == {
        "originator_topic",
        "incident_id",
        "channel",
        "subject",  # a pseudonym, keyed with a secret outside the log
        "external_id",
        "handle",
        "text",
        "watch_match",
        "by",
        "at",
    }
    assert isinstance(stored.handle, Sealed) and isinstance(stored.text, Sealed)


def test_intake_refuses_unknown_channel_empty_text_and_closed_incident(log, people, inc):
    refuses(log, Refused, "unknown_channel", lambda: receive(log, people, inc, channel="fax"))
    refuses(log, Refused, "inquiry_text_required", lambda: receive(log, people, inc, text=" "))
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: receive_inquiry(
            log, people["vav"], incident_id=inc, channel="x", handle="@a", text="Hei"
        ),
    )
    change_phase(log, people["comms"], inc, phase="closed", reason="", version=None)
    refuses(log, Refused, "incident_closed", lambda: receive(log, people, inc))


def test_staff_intake_with_external_id_is_not_registered_twice(log, people, inc):
    receive(log, people, inc, external_id="fb-1")
    refuses(
        log,
        Conflict,
        "inquiry_already_received",
        lambda: receive(log, people, inc, external_id="fb-1"),
    )


def test_photo_removal_requests_go_first(log, people, inc, clock):
    early = receive(log, people, inc, "Når er vannet trygt?")
    clock.advance(minutes=10)
    photo = receive(log, people, inc, "Fjern meg fra bildet av køen ved vannposten!")
    triage_inquiry(log, people["comms"], photo, category="photo_removal_request")
    doc = board_doc(log, inc)
    assert doc["inquiries"][str(photo)]["priority"] == 0
    assert [i["id"] for i in queue(doc, clock.now())] == [str(photo), str(early)]


def test_triage_refuses_unknown_category(log, people, inc):
    inquiry = receive(log, people, inc)
    refuses(
        log,
        Refused,
        "unknown_category",
        lambda: triage_inquiry(log, people["comms"], inquiry, category="rant"),
    )


def test_assignment_to_someone_who_can_answer(log, people, inc):
    inquiry = receive(log, people, inc)
    refuses(
        log,
        Refused,
        "assignee_cannot_answer",
        lambda: assign_inquiry(log, people["comms"], inquiry, assignee=people["vav"]),
    )
    assign_inquiry(log, people["comms"], inquiry, assignee=people["editor"])
    assign_inquiry(log, people["comms"], inquiry)
    assigned = board_doc(log, inc)["inquiries"][str(inquiry)]["assigned_to"]
    assert assigned == {"id": people["comms"].id, "name": "Kari Kommunikasjon"}


def test_answer_cites_approved_facts_and_is_signed(log, people, inc):
    fact = approved_fact(log, people, inc)
    inquiry = receive(log, people, inc)
    refuses(
        log,
        Refused,
        "answer_needs_facts",
        lambda: answer_inquiry(log, people["comms"], inquiry, text="Jeg tror det.", cites=[]),
    )
    answer_inquiry(log, people["editor"], inquiry, text="Nei, bare Grorud.", cites=[fact])
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["answer"]["signature"] == "Ola Redaktør"
    assert item["answer"]["text"] == "Nei, bare Grorud."
    assert item["cites"] == [{"fact": str(fact), "revision": 1}]
    assert item["status"] == "answered"
    stored = list(log.events.get(inquiry))[-1]
    assert stored.signature == "Ola Redaktør"


def test_answer_refuses_facts_not_yet_approved(log, people, inc):
    from crisis.facts.service import submit_fact

    fact = submit_fact(log, people["vav"], incident_id=inc, text="Kanskje.", verify=True).id
    inquiry = receive(log, people, inc)
    refuses(
        log,
        Refused,
        "fact_not_approved",
        lambda: answer_inquiry(log, people["comms"], inquiry, text="Ja.", cites=[fact]),
    )


def test_praise_gets_a_thank_you_without_facts(log, people, inc):
    inquiry = receive(log, people, inc, "Takk for rask beskjed!")
    triage_inquiry(log, people["comms"], inquiry, category="praise")
    answer_inquiry(
        log, people["comms"], inquiry, text="Takk for hyggelig tilbakemelding!", cites=[]
    )
    assert board_doc(log, inc)["inquiries"][str(inquiry)]["status"] == "answered"


def test_case_handling_is_referred_never_answered(log, people, inc):
    fact = approved_fact(log, people, inc)
    inquiry = receive(log, people, inc, "Jeg vil klage på vannregningen min, kundenr 12345.")
    triage_inquiry(log, people["comms"], inquiry, category="case_handling")
    refuses(
        log,
        Refused,
        "never_case_handling",
        lambda: answer_inquiry(log, people["comms"], inquiry, text="Vi ser på det.", cites=[fact]),
    )
    refuses(
        log,
        Refused,
        "unknown_referral_target",
        lambda: refer_inquiry(log, people["comms"], inquiry, to="naboen", reply="Spør naboen."),
    )
    refer_inquiry(
        log,
        people["comms"],
        inquiry,
        to="postmottak",
        reply="Vi behandler ikke saker her. Send klagen til postmottak@oslo.kommune.no.",
    )
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["status"] == "referred"
    assert item["referral"]["to"] == "postmottak"
    assert item["referral"]["signature"] == "Kari Kommunikasjon"
    refuses(
        log,
        Conflict,
        "inquiry_closed",
        lambda: send_holding_reply(log, people["comms"], inquiry, text="Vi kommer tilbake."),
    )


def test_referral_to_a_department(log, people, inc):
    inquiry = receive(log, people, inc)
    refer_inquiry(log, people["comms"], inquiry, to="vav", reply="Vann- og avløpsetaten svarer.")
    assert board_doc(log, inc)["inquiries"][str(inquiry)]["referral"]["to"] == "vav"


def test_escalation_needs_a_reason(log, people, inc):
    inquiry = receive(log, people, inc, "Dere har sovet i timen!")
    refuses(
        log,
        Refused,
        "escalation_reason_required",
        lambda: escalate_inquiry(log, people["comms"], inquiry, reason=""),
    )
    escalate_inquiry(log, people["comms"], inquiry, reason="Krevende kritikk av etaten.")
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["escalation"]["reason"] == "Krevende kritikk av etaten."
    refuses(
        log,
        Conflict,
        "already_escalated",
        lambda: escalate_inquiry(log, people["comms"], inquiry, reason="Igjen."),
    )


def test_follow_up_list_per_handler(log, people, inc, clock):
    fact = approved_fact(log, people, inc)
    comms, editor = people["comms"], people["editor"]
    held, escalated, answered, untouched, others = (receive(log, people, inc) for _ in range(5))
    for inquiry in (held, escalated, answered, untouched):
        assign_inquiry(log, comms, inquiry)
    assign_inquiry(log, comms, others, assignee=editor)
    send_holding_reply(log, comms, held, text="Vi sjekker og kommer tilbake.")
    escalate_inquiry(log, comms, escalated, reason="Kritikk av ledelsen.")
    send_holding_reply(log, comms, answered, text="Vi sjekker.")
    answer_inquiry(log, comms, answered, text="Bare Grorud.", cites=[fact])
    send_holding_reply(log, editor, others, text="Vi sjekker.")
    doc = board_doc(log, inc)
    assert {i["id"] for i in follow_up(doc, comms.id, clock.now())} == {str(held), str(escalated)}
    assert [i["id"] for i in follow_up(doc, editor.id, clock.now())] == [str(others)]


def test_criticism_is_not_removed(log, people, inc):
    inquiry = receive(log, people, inc, "Dårlig informasjon fra kommunen.")
    triage_inquiry(log, people["comms"], inquiry, category="criticism")
    refuses(
        log,
        Refused,
        "moderation_not_allowed",
        lambda: moderate_inquiry(
            log, people["comms"], inquiry, action="delete", reason="Liker det ikke."
        ),
    )


def test_abuse_is_deleted_with_the_reason_the_person_is_told(log, people, inc):
    inquiry = receive(log, people, inc, "Hets mot navngitt ansatt")
    triage_inquiry(log, people["comms"], inquiry, category="abusive")
    refuses(
        log,
        Refused,
        "moderation_reason_required",
        lambda: moderate_inquiry(log, people["comms"], inquiry, action="delete", reason=" "),
    )
    refuses(
        log,
        Refused,
        "unknown_moderation_action",
        lambda: moderate_inquiry(log, people["comms"], inquiry, action="ban", reason="Hets."),
    )
    moderate_inquiry(
        log, people["comms"], inquiry, action="delete", reason="Innlegget inneholdt hets."
    )
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["status"] == "moderated"
    assert item["moderation"]["reason"] == "Innlegget inneholdt hets."
    assert item["moderation"]["action"] == "delete" and item["moderation"]["blocked"] is False
    refuses(
        log,
        Conflict,
        "already_moderated",
        lambda: moderate_inquiry(log, people["comms"], inquiry, action="hide", reason="Hets."),
    )


def test_sensitive_information_hidden_then_deleted(log, people, inc):
    inquiry = receive(log, people, inc, "Mitt personnummer er ...")
    triage_inquiry(log, people["comms"], inquiry, category="sensitive_personal_information")
    moderate_inquiry(log, people["comms"], inquiry, action="hide", reason="Personopplysninger.")
    moderate_inquiry(log, people["comms"], inquiry, action="delete", reason="Personopplysninger.")
    assert board_doc(log, inc)["inquiries"][str(inquiry)]["moderation"]["action"] == "delete"


def test_only_fake_profiles_spreading_spam_are_blocked(log, people, inc):
    abuse = receive(log, people, inc, "Hets")
    triage_inquiry(log, people["comms"], abuse, category="abusive")
    refuses(
        log,
        Refused,
        "block_real_profile",
        lambda: moderate_inquiry(
            log, people["comms"], abuse, action="delete", reason="Hets.", block=True
        ),
    )
    refuses(
        log,
        Refused,
        "block_only_spam",
        lambda: moderate_inquiry(
            log,
            people["comms"],
            abuse,
            action="delete",
            reason="Hets.",
            block=True,
            fake_profile=True,
        ),
    )
    spam = receive(log, people, inc, "Kjøp billige klokker!")
    triage_inquiry(log, people["comms"], spam, category="spam")
    moderate_inquiry(
        log,
        people["comms"],
        spam,
        action="delete",
        reason="Reklame (spam) fra falsk profil.",
        block=True,
        fake_profile=True,
    )
    moderation = board_doc(log, inc)["inquiries"][str(spam)]["moderation"]
    assert moderation["blocked"] is True and moderation["fake_profile"] is True


def test_moderation_is_for_publishers(log, people, inc):
    inquiry = receive(log, people, inc, "Spam")
    triage_inquiry(log, people["comms"], inquiry, category="spam")
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: moderate_inquiry(log, people["reviewer"], inquiry, action="hide", reason="Spam."),
    )


def test_archive_worthy_flag(log, people, inc):
    inquiry = receive(log, people, inc, "Jeg varsler om forurensning ved bekken.")
    set_archive_worthy(log, people["comms"], inquiry, reason="Kan danne grunnlag for vedtak.")
    item = board_doc(log, inc)["inquiries"][str(inquiry)]
    assert item["archive_worthy"] is True and item["archive_reason"].startswith("Kan danne")
    refuses(
        log,
        Conflict,
        "archive_flag_unchanged",
        lambda: set_archive_worthy(log, people["comms"], inquiry),
    )


def test_stale_version_is_refused(log, people, inc):
    inquiry = receive(log, people, inc)
    triage_inquiry(log, people["comms"], inquiry, category="question", version=1)
    refuses(
        log,
        Conflict,
        "stale_version",
        lambda: triage_inquiry(log, people["editor"], inquiry, category="criticism", version=1),
    )


# Delivery from channel integrations.


def messages(inc, *ids, text="Spørsmål"):
    return [
        Message(inc, external_id, f"@u{external_id}", f"{text} {external_id}")
        for external_id in ids
    ]


def test_delivery_is_saved_and_a_retry_adds_nothing(log, people, inc):
    first = receive_delivery(log, "facebook", messages(inc, "1", "2", "3"))
    assert (first.accepted, first.duplicates) == (3, 0)
    position = log.max_position()
    again = receive_delivery(log, "facebook", messages(inc, "1", "2", "3"))
    assert (again.accepted, again.duplicates) == (0, 3)
    assert [r[1] for r in again.results] == [r[1] for r in first.results]
    assert log.max_position() == position
    overlap = receive_delivery(log, "facebook", messages(inc, "3", "4", "4"))
    assert [new for _, _, new in overlap.results] == [False, True, False]
    assert len(board_doc(log, inc)["inquiries"]) == 4


def test_delivery_is_one_transaction(log, people, inc):
    before = log.max_position()
    receive_delivery(log, "x", messages(inc, *map(str, range(50))))
    ids = [n.id for n in log.recorder.select_notifications(start=before + 1, limit=100)]
    assert len(ids) == 50
    stored = {
        log.mapper.to_domain_event(n).by["role"]
        for n in log.recorder.select_notifications(start=before + 1, limit=100)
    }
    assert stored == {"integration"}


def test_the_event_store_itself_refuses_a_second_copy(log, people, inc, clock):
    receive_delivery(log, "facebook", messages(inc, "77"))
    copy = Inquiry.receive(
        log.vault,
        incident_id=inc,
        channel="facebook",
        external_id="77",
        handle="@u77",
        text="Spørsmål 77",
        watch_match=None,
        by={"id": "x", "name": "x", "role": "integration"},
        at=clock.now(),
    )
    refuses(log, Conflict, "changed_meanwhile", lambda: log.record(copy))


def test_same_external_id_on_another_channel_is_another_inquiry(log, people, inc):
    receive_delivery(log, "facebook", messages(inc, "1"))
    assert receive_delivery(log, "x", messages(inc, "1")).accepted == 1


def test_delivery_bounded_and_checked_whole(log, people, inc):
    refuses(
        log,
        Refused,
        "batch_too_large",
        lambda: receive_delivery(log, "facebook", messages(inc, *map(str, range(MAX_BATCH + 1)))),
    )
    closed = incident(log, people)
    change_phase(log, people["comms"], closed, phase="closed", reason="", version=None)
    refuses(
        log,
        Refused,
        "incident_closed",
        lambda: receive_delivery(log, "facebook", messages(inc, "1") + messages(closed, "2")),
    )
    refuses(
        log,
        Refused,
        "inquiry_text_required",
        lambda: receive_delivery(
            log, "facebook", [*messages(inc, "1"), Message(inc, "2", "@a", " ")]
        ),
    )


def test_delivered_inquiries_are_matched_against_the_watch_list(log, people, inc):
    add_watch_phrase(log, people["comms"], inc, phrase="hele byen")
    result = receive_delivery(
        log, "facebook", [Message(inc, "9", "@ola", "Gjelder kokevarselet Hele Byen?")]
    )
    item = board_doc(log, inc)["inquiries"][str(result.results[0][1])]
    assert item["watch_match"] == "hele byen"
    assert item["received_by"] == "Facebook (integrasjon)"


# Response load and SLA, as the board computes them at the time of reading.


def test_holding_reply_stops_the_first_response_clock_not_the_answer_clock(log, people, inc, clock):
    inquiry = receive(log, people, inc)  # Monday 23 November 2026, 10:00 in Oslo
    clock.advance(minutes=20)
    send_holding_reply(log, people["comms"], inquiry, text="Vi sjekker og kommer tilbake.")
    clock.advance(days=3, hours=2)  # Thursday 12:20: 330 + 450 + 450 + 260 working minutes
    [item] = queue(board_doc(log, inc), clock.now())
    assert item["sla"]["first_response"]["state"] == "on_time"
    assert item["sla"]["first_response"]["stopped"] is True
    assert item["sla"]["first_response"]["used_minutes"] == 20
    assert item["sla"]["answer"]["state"] == "breached"
    assert item["sla"]["answer"]["used_minutes"] == 1490


def test_load_per_channel(log, people, inc, clock):
    fact = approved_fact(log, people, inc)
    start = clock.now()
    receive(log, people, inc, channel="facebook")
    answered = receive(log, people, inc, channel="facebook")
    clock.advance(minutes=50)
    referred = receive(log, people, inc, channel="facebook")
    spam = receive(log, people, inc, channel="facebook")
    opinion = receive(log, people, inc, channel="facebook")
    clock.advance(minutes=5)
    receive(log, people, inc, channel="x")
    answer_inquiry(log, people["comms"], answered, text="Bare Grorud.", cites=[fact])
    refer_inquiry(log, people["comms"], referred, to="postmottak", reply="Send til postmottak.")
    triage_inquiry(log, people["comms"], spam, category="spam")
    moderate_inquiry(log, people["comms"], spam, action="delete", reason="Spam.")
    triage_inquiry(log, people["comms"], opinion, category="opinion")
    doc = board_doc(log, inc)
    now = clock.now()  # 55 minutes after the first two
    load = load_per_channel(doc, now)
    assert load["facebook"] == {
        "received_15m": 3,
        "received_60m": 5,
        "backlog": 1,  # the opinion needs no answer; the rest were handled
        "oldest_waiting_at": start.isoformat(),
        "oldest_waiting_minutes": 55,
        "at_risk": 0,
        "breached": 0,
        "answered": 1,
        "referred": 1,
        "moderated": 1,
    }
    assert load["x"]["received_15m"] == 1 and load["x"]["backlog"] == 1
    later = now + timedelta(minutes=10)
    assert load_per_channel(doc, later)["facebook"]["received_60m"] == 3

    # From Monday 10:00 in Oslo, 75 % (1080 working minutes) is used on Wednesday at
    # 13:00 and the 1440 minutes on Thursday at 11:30.
    def facebook(at):
        return load_per_channel(doc, at)["facebook"]

    assert facebook(start + timedelta(days=2, hours=2, minutes=59))["at_risk"] == 0
    assert facebook(start + timedelta(days=2, hours=3))["at_risk"] == 1
    assert facebook(start + timedelta(days=3, hours=1, minutes=30))["breached"] == 0
    assert facebook(start + timedelta(days=3, hours=1, minutes=31)) | {
        "breached": 1,
        "at_risk": 0,
    } == (facebook(start + timedelta(days=3, hours=1, minutes=31)))


def test_load_in_crisis_mode_counts_wall_clock_minutes_against_the_incident_target(
    log, people, inc, clock
):
    receive(log, people, inc)
    doc = board_doc(log, inc)
    two_hours = clock.now() + timedelta(hours=2)
    assert load_per_channel(doc, two_hours)["facebook"]["breached"] == 0
    switch_crisis_mode(log, people["comms"], inc, on=True, sla_minutes=40)
    doc = board_doc(log, inc)
    assert load_per_channel(doc, clock.now() + timedelta(minutes=29))["facebook"]["at_risk"] == 0
    assert load_per_channel(doc, clock.now() + timedelta(minutes=30))["facebook"]["at_risk"] == 1
    assert load_per_channel(doc, clock.now() + timedelta(minutes=41))["facebook"]["breached"] == 1
    assert load_per_channel(doc, two_hours)["facebook"]["breached"] == 1
    switch_crisis_mode(log, people["comms"], inc, on=False)
    assert load_per_channel(board_doc(log, inc), two_hours)["facebook"]["breached"] == 0


def test_two_simultaneous_deliveries_of_the_same_batch_store_it_once(log, people, inc):
    ids = [str(i) for i in range(200)]
    start = threading.Barrier(2)
    results = []

    def deliver():
        start.wait()
        results.append(receive_delivery(log, "facebook", messages(inc, *ids)))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.accepted for r in results) == 200
    assert sum(r.duplicates for r in results) == 200
    assert len(board_doc(log, inc)["inquiries"]) == 200
