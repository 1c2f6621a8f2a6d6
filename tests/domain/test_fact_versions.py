"""Fact revisions: a department corrects or withdraws with a reason, history is
kept, and everything that cited an older revision is listed for follow-up."""

from __future__ import annotations

from uuid import uuid4

import pytest

from crisis.errors import Conflict, Forbidden, NotFound, Refused
from crisis.facts.service import approve_fact, correct_fact, follow_up, withdraw_fact
from crisis.posts.service import approve_post, discard_post, publish_post, retract_post
from projections.board import ITEM_PARTS, Board
from projections.events import opened_event
from tests import flow
from tests.flow import refuses


@pytest.fixture
def incident(log, people):
    return flow.incident(log, people)


def correct(log, people, fact, text="Kokevarselet gjelder også Alna.", reason="Ny prøve fra Alna."):
    return correct_fact(log, people["vav"], fact, text=text, reason=reason, version=None)


def test_a_correction_is_a_new_revision_that_comms_approves_again(log, people, incident):
    fact = flow.fact(log, people, incident, "Kokevarselet gjelder Grorud.")
    correct(log, people, fact)
    stored = log.repository.get(fact)
    assert (stored.revision, stored.status, stored.text) == (
        2,
        "verified",
        "Kokevarselet gjelder også Alna.",
    )
    refuses(
        log,
        Refused,
        "fact_not_approved",
        lambda: flow.draft(log, people, incident, [fact]),
    )
    approve_fact(log, people["comms"], fact)
    assert flow.draft(log, people, incident, [fact]).id


def test_the_board_shows_the_revision_and_the_history(log, people, incident):
    fact = flow.fact(log, people, incident, "Gjelder Grorud.")
    correct(log, people, fact, "Gjelder Grorud og Alna.", "Ny prøve.")
    withdraw_fact(log, people["vav"], fact, reason="Varselet er opphevet.", version=None)
    item = flow.doc(log, incident)["facts"][str(fact)]
    assert (item["revision"], item["status"], item["text"]) == (
        2,
        "withdrawn",
        "Gjelder Grorud og Alna.",
    )
    assert [(h["revision"], h["change"], h["text"], h["reason"]) for h in item["history"]] == [
        (1, "submitted", "Gjelder Grorud.", ""),
        (2, "corrected", "Gjelder Grorud og Alna.", "Ny prøve."),
        (2, "withdrawn", "Gjelder Grorud og Alna.", "Varselet er opphevet."),
    ]
    assert item["history"][1]["by"] == "Vera Vann"


def test_corrections_and_withdrawals_need_a_reason_and_new_text(log, people, incident):
    fact = flow.fact(log, people, incident, "Gjelder Grorud.")
    refuses(log, Refused, "correction_needs_reason", lambda: correct(log, people, fact, reason=" "))
    refuses(
        log,
        Refused,
        "fact_text_unchanged",
        lambda: correct(log, people, fact, text="Gjelder Grorud. "),
    )
    refuses(log, Refused, "fact_text_required", lambda: correct(log, people, fact, text=" "))
    refuses(
        log,
        Refused,
        "withdrawal_needs_reason",
        lambda: withdraw_fact(log, people["vav"], fact, reason="", version=None),
    )


def test_only_the_owning_department_corrects_or_withdraws(log, people, incident):
    fact = flow.fact(log, people, incident)
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: correct_fact(log, people["comms"], fact, text="Ny.", reason="Feil.", version=None),
    )
    refuses(
        log,
        Forbidden,
        "other_department",
        lambda: correct_fact(log, people["bym"], fact, text="Ny.", reason="Feil.", version=None),
    )
    refuses(
        log,
        Forbidden,
        "other_department",
        lambda: withdraw_fact(log, people["bym"], fact, reason="Feil.", version=None),
    )


def test_a_withdrawn_fact_is_final_and_cannot_be_cited(log, people, incident):
    fact = flow.fact(log, people, incident)
    withdraw_fact(log, people["vav"], fact, reason="Feil prøve.", version=None)
    refuses(log, Conflict, "fact_withdrawn", lambda: correct(log, people, fact))
    refuses(
        log,
        Conflict,
        "fact_withdrawn",
        lambda: withdraw_fact(log, people["vav"], fact, reason="Igjen.", version=None),
    )
    refuses(log, Refused, "fact_withdrawn_cited", lambda: flow.draft(log, people, incident, [fact]))


def test_a_draft_resting_on_a_corrected_fact_is_not_published(log, people, incident):
    fact = flow.fact(log, people, incident)
    post = flow.draft(log, people, incident, [fact]).id
    approve_post(log, people["editor"], post)
    correct(log, people, fact)
    approve_fact(log, people["comms"], fact)
    refuses(
        log, Refused, "fact_corrected_since_draft", lambda: publish_post(log, people["comms"], post)
    )
    discard_post(log, people["comms"], post, reason="Bygger på gammel versjon.")
    assert (
        flow.doc(log, incident)["posts"][str(post)]["discarded"]["reason"]
        == "Bygger på gammel versjon."
    )


def test_a_correction_marks_posts_citing_the_old_revision_for_follow_up(log, people, incident):
    fact = flow.fact(log, people, incident, "Gjelder Grorud.")
    other = flow.fact(log, people, incident, "Kok vannet.")
    old = flow.published(log, people, incident, [fact, other])
    unrelated = flow.published(log, people, incident, [other])
    correct(log, people, fact, "Gjelder Grorud og Alna.", "Ny prøve fra Alna.")
    approve_fact(log, people["comms"], fact)
    current = flow.published(log, people, incident, [fact])
    doc = flow.doc(log, incident)
    posts = doc["posts"]
    assert posts[str(old)]["needs_follow_up"] == [
        {
            "fact": str(fact),
            "revision": 1,
            "current": 2,
            "change": "corrected",
            "reason": "Ny prøve fra Alna.",
            "at": posts[str(old)]["needs_follow_up"][0]["at"],
        }
    ]
    assert "needs_follow_up" not in posts[str(unrelated)]
    assert posts[str(current)]["cites"] == [{"fact": str(fact), "revision": 2}]
    assert "needs_follow_up" not in posts[str(current)]
    assert [(f["part"], f["item"], f["fact"]) for f in doc["follow_up"]] == [
        ("posts", str(old), str(fact))
    ]


def test_a_withdrawal_marks_every_post_citing_the_fact(log, people, incident):
    fact = flow.fact(log, people, incident)
    post = flow.published(log, people, incident, [fact])
    withdraw_fact(log, people["vav"], fact, reason="Prøven var forurenset.", version=None)
    doc = flow.doc(log, incident)
    assert (
        doc["follow_up"][0] | {"item": str(post), "change": "withdrawn", "revision": 1}
        == doc["follow_up"][0]
    )
    assert doc["follow_up"][0]["reason"] == "Prøven var forurenset."


def test_follow_up_is_recorded_and_leaves_the_list(log, people, incident):
    fact = flow.fact(log, people, incident)
    post = flow.published(log, people, incident, [fact])
    correct(log, people, fact)
    follow_up(log, people["comms"], fact, item_id=post, note="Innlegget stemmer fortsatt.")
    doc = flow.doc(log, incident)
    assert doc["follow_up"] == []
    item = doc["posts"][str(post)]
    assert item["needs_follow_up"] == []
    assert (
        item["followed_up"][0] | {"fact": str(fact), "note": "Innlegget stemmer fortsatt."}
        == item["followed_up"][0]
    )
    refuses(
        log,
        Conflict,
        "already_followed_up",
        lambda: follow_up(log, people["comms"], fact, item_id=post, note="Igjen."),
    )
    withdraw_fact(log, people["vav"], fact, reason="Opphevet.", version=None)
    assert [f["change"] for f in flow.doc(log, incident)["follow_up"]] == ["withdrawn"]


def test_follow_up_refusals(log, people, incident):
    fact = flow.fact(log, people, incident)
    other = flow.fact(log, people, incident, "Annet faktum.")
    post = flow.published(log, people, incident, [fact])
    elsewhere = flow.incident(log, people)
    foreign = flow.published(log, people, elsewhere, [flow.fact(log, people, elsewhere)])
    comms = people["comms"]
    refuses(
        log,
        Refused,
        "fact_never_changed",
        lambda: follow_up(log, comms, fact, item_id=post, note="Ok."),
    )
    correct(log, people, fact)
    correct(log, people, other, "Annet, rettet.", "Feil.")
    refuses(
        log,
        Refused,
        "follow_up_needs_note",
        lambda: follow_up(log, comms, fact, item_id=post, note=" "),
    )
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: follow_up(log, people["vav"], fact, item_id=post, note="Ok."),
    )
    refuses(
        log,
        NotFound,
        "item_not_found",
        lambda: follow_up(log, comms, fact, item_id=uuid4(), note="Ok."),
    )
    refuses(
        log,
        Refused,
        "item_of_other_incident",
        lambda: follow_up(log, comms, fact, item_id=foreign, note="Ok."),
    )
    refuses(
        log,
        Refused,
        "item_does_not_cite_fact",
        lambda: follow_up(log, comms, other, item_id=post, note="Ok."),
    )
    approve_fact(log, comms, fact)
    fresh = flow.published(log, people, incident, [fact])
    refuses(
        log,
        Refused,
        "item_cites_current_revision",
        lambda: follow_up(log, comms, fact, item_id=fresh, note="Ok."),
    )


def test_a_retracted_post_leaves_the_follow_up_list(log, people, incident):
    fact = flow.fact(log, people, incident)
    post = flow.published(log, people, incident, [fact])
    correct(log, people, fact)
    assert len(flow.doc(log, incident)["follow_up"]) == 1
    retract_post(
        log, people["comms"], post, reason="Bygde på feil prøve.", apology="Vi beklager feilen."
    )
    assert flow.doc(log, incident)["follow_up"] == []


@pytest.fixture
def answers_part():
    """A part another feature adds (inquiry answers) with `cites` in the same shape."""
    ITEM_PARTS.append("answers")
    yield "answers"
    ITEM_PARTS.remove("answers")


def test_follow_up_covers_any_item_part_that_cites_facts(log, people, incident, answers_part):
    fact = flow.fact(log, people, incident)
    board = Board()
    notifications = log.recorder.select_notifications(start=1, limit=1000)
    for n in notifications:
        board.apply(opened_event(log, n), n.id)
    doc = board.incidents[str(incident)]
    doc["answers"] = {
        "a1": {"id": "a1", "status": "answered", "cites": [{"fact": str(fact), "revision": 1}]}
    }
    board.owner["a1"] = str(incident)
    position = log.max_position()
    correct(log, people, fact)
    for n in log.recorder.select_notifications(start=position + 1, limit=10):
        board.apply(opened_event(log, n), n.id)
    assert doc["answers"]["a1"]["needs_follow_up"][0]["fact"] == str(fact)
    assert [(f["part"], f["item"]) for f in doc["follow_up"]] == [("answers", "a1")]
