"""Post rules: channel limits (X weighted, SMS segments), advice that warns,
publishing-only and inactive channels, four eyes, retraction with an apology."""

from __future__ import annotations

import pytest

from crisis.channels.service import change_channel
from crisis.errors import Conflict, Forbidden, Refused
from crisis.incidents.service import switch_four_eyes
from crisis.posts.service import approve_post, discard_post, publish_post, retract_post
from tests import flow
from tests.flow import refuses

LINK = "https://www.oslo.kommune.no/kokevarsel-grorud-stovner-og-alna-informasjon-til-innbyggere"


@pytest.fixture
def ready(log, people):
    """An incident, an approved fact and a published website post."""
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    website = flow.published(log, people, incident, [fact])
    return incident, fact, website


def social(log, people, ready, channel, text):
    incident, fact, website = ready
    return flow.draft(log, people, incident, [fact], channel, links_to=website, text=text)


def test_x_refuses_over_280_counted_as_x_counts(log, people, ready):
    refuses(log, Refused, "post_too_long", lambda: social(log, people, ready, "x", "a" * 281))
    assert social(log, people, ready, "x", "a" * 280).id
    # A link counts 23 whatever its length, so this fits although it has more than 280 characters.
    text = "a" * 250 + " " + LINK
    assert len(text) > 280
    assert social(log, people, ready, "x", text).id


def test_x_over_140_is_saved_with_a_warning(log, people, ready):
    short = social(log, people, ready, "x", "Kok vannet. " + LINK)
    assert short.warnings == ()
    long = social(log, people, ready, "x", "a" * 150)
    assert [w["code"] for w in long.warnings] == ["long_post"]
    assert long.warnings[0]["params"] | {"chars": 150, "advised": 140} == long.warnings[0]["params"]
    item = flow.doc(log, ready[0])["posts"][str(long.id)]
    assert item["warnings"] == list(long.warnings)


def test_long_facebook_post_is_saved_with_advice(log, people, ready):
    post = social(log, people, ready, "facebook", "Kok vannet. " * 30)
    assert post.warnings[0]["code"] == "long_post"
    assert "første ordene" in post.warnings[0]["params"]["advice"]
    assert social(log, people, ready, "facebook", "Kok vannet!").warnings == ()


def test_sms_is_limited_in_segments_and_the_maximum_is_configurable(log, people, ready):
    three = "a" * 459  # 3 segments of 153
    assert social(log, people, ready, "sms", three).warnings == ()
    refuses(
        log,
        Refused,
        "sms_too_many_segments",
        lambda: social(log, people, ready, "sms", three + "a"),
    )
    change_channel(log, people["admin"], "sms", max_segments=2)
    refuses(log, Refused, "sms_too_many_segments", lambda: social(log, people, ready, "sms", three))


def test_sms_outside_the_gsm_alphabet_counts_ucs2_and_warns(log, people, ready):
    refuses(
        log,
        Refused,
        "sms_too_many_segments",
        lambda: social(log, people, ready, "sms", "«Kok vannet»" + "a" * 200),
    )
    post = social(log, people, ready, "sms", "«Kok vannet» i Grorud.")
    assert post.warnings == ({"code": "sms_ucs2", "params": {"characters": "« »", "segments": 1}},)


def test_publishing_only_channels_take_posts(log, people, ready):
    for channel in ("youtube", "vimeo", "sms"):
        assert social(log, people, ready, channel, "Se video om kokevarselet.").id


def test_reserved_channels_refuse_posts(log, people, ready):
    for channel in ("instagram", "snapchat"):
        refuses(
            log, Refused, "channel_inactive", lambda c=channel: social(log, people, ready, c, "Hei")
        )
    refuses(log, Refused, "unknown_channel", lambda: social(log, people, ready, "myspace", "Hei"))


def test_limits_are_checked_again_at_publishing(log, people, ready):
    post = social(log, people, ready, "x", "a" * 200).id
    approve_post(log, people["editor"], post)
    change_channel(log, people["admin"], "x", max_chars=150)
    refuses(log, Refused, "post_too_long", lambda: publish_post(log, people["comms"], post))


def test_four_eyes_the_author_cannot_approve_own_post(log, people):
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    own = flow.draft(log, people, incident, [fact], by="editor").id
    approve_post(log, people["editor"], own)  # four eyes off: the editor may approve their own
    switch_four_eyes(log, people["editor"], incident, on=True)
    second = flow.draft(log, people, incident, [fact], by="editor").id
    refuses(log, Refused, "four_eyes", lambda: approve_post(log, people["editor"], second))
    by_comms = flow.draft(log, people, incident, [fact]).id
    approve_post(log, people["editor"], by_comms)
    assert log.repository.get(by_comms).status == "approved"


def test_only_editors_approve(log, people, ready):
    post = social(log, people, ready, "facebook", "Kok vannet!").id
    refuses(log, Forbidden, "role_not_allowed", lambda: approve_post(log, people["comms"], post))


def test_retraction_with_an_apology_on_the_same_channel(log, people, ready):
    incident, fact, website = ready
    wrong = flow.published(log, people, incident, [fact], channel="facebook", links_to=website)
    apology = retract_post(
        log,
        people["comms"],
        wrong,
        reason="Feil område: Alna var ikke med.",
        apology="Vi beklager: kokevarselet gjelder også Alna.",
        cites=[fact],
    ).id
    stored = log.repository.get(apology)
    assert (stored.channel, stored.corrects, stored.links_to, stored.status) == (
        "facebook",
        wrong,
        website,
        "draft",
    )
    approve_post(log, people["editor"], apology)
    publish_post(log, people["comms"], apology)
    posts = flow.doc(log, incident)["posts"]
    assert posts[str(wrong)]["status"] == "retracted"
    assert posts[str(wrong)]["retracted"]["reason"] == "Feil område: Alna var ikke med."
    assert posts[str(wrong)]["corrected_by"] == str(apology)
    assert posts[str(apology)]["corrects"] == str(wrong)
    assert posts[str(apology)]["status"] == "published"
    assert posts[str(wrong)]["text"]  # both stay in history


def test_retraction_refusals_write_nothing(log, people, ready):
    incident, fact, website = ready
    draft = flow.draft(log, people, incident, [fact]).id
    comms = people["comms"]
    refuses(
        log,
        Conflict,
        "post_not_published",
        lambda: retract_post(log, comms, draft, reason="Feil.", apology="Beklager."),
    )
    refuses(
        log,
        Refused,
        "retraction_needs_reason",
        lambda: retract_post(log, comms, website, reason=" ", apology="Beklager."),
    )
    refuses(
        log,
        Refused,
        "post_text_required",
        lambda: retract_post(log, comms, website, reason="Feil.", apology=" "),
    )
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: retract_post(log, people["vav"], website, reason="Feil.", apology="Beklager."),
    )


def test_an_apology_for_a_retracted_website_post_is_a_website_post(log, people, ready):
    _, _, website = ready
    apology = retract_post(
        log, people["comms"], website, reason="Feil tall.", apology="Vi beklager feilen."
    ).id
    stored = log.repository.get(apology)
    assert (stored.channel, stored.links_to, stored.cites) == ("website", None, [])


def test_discarding_needs_a_reason_and_only_unpublished_posts(log, people, ready):
    incident, fact, website = ready
    draft = flow.draft(log, people, incident, [fact]).id
    refuses(
        log,
        Refused,
        "discard_needs_reason",
        lambda: discard_post(log, people["comms"], draft, reason=""),
    )
    refuses(
        log,
        Conflict,
        "post_not_discardable",
        lambda: discard_post(log, people["comms"], website, reason="Feil."),
    )
    discard_post(log, people["comms"], draft, reason="Dobbelt.")
    refuses(log, Conflict, "post_not_draft", lambda: approve_post(log, people["editor"], draft))
