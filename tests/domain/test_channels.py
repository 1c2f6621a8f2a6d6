"""The channel registry: defaults from the Oslo guidelines on a fresh log,
changed only by an admin, and read by the post rules."""

from __future__ import annotations

import pytest

from crisis.channels import DEFAULT_CHANNELS
from crisis.channels.model import REGISTRY_ID
from crisis.channels.service import (
    add_channel,
    change_channel,
    list_channels,
    registry,
    retire_channel,
)
from crisis.errors import Conflict, Forbidden, NotFound, Refused
from crisis.posts.service import approve_post, publish_post
from tests import flow
from tests.flow import refuses


def test_a_fresh_log_has_the_default_channels_without_writing_anything(log):
    channels = {c.key: c for c in list_channels(log)}
    assert set(channels) == {
        "website",
        "facebook",
        "x",
        "sms",
        "youtube",
        "vimeo",
        "linkedin",
        "instagram",
        "snapchat",
    }
    assert channels["website"].canonical
    assert not channels["youtube"].dialogue and channels["youtube"].publishing
    assert channels["instagram"].status == "inactive" and not channels["instagram"].publishing
    assert channels["x"].max_chars == 280 and channels["sms"].max_segments == 3
    assert log.max_position() == 0


def test_every_channel_has_owner_editor_and_bokmal_expectations():
    for channel in DEFAULT_CHANNELS.values():
        assert channel.owner and channel.editor, channel.key
        assert len(channel.expectations) > 80, channel.key
    facebook = DEFAULT_CHANNELS["facebook"].expectations
    assert "saksbehandling" in facebook and "personopplysninger" in facebook
    assert "slettes" in facebook and "24 timer" in facebook


def test_first_admin_change_writes_the_defaults_with_it(log, people):
    change_channel(log, people["admin"], "sms", max_segments=2)
    stored = list(log.events.get(REGISTRY_ID))
    assert [type(e).__name__ for e in stored] == ["Seeded", "ChannelChanged"]
    assert stored[0].by["name"] == "Anne Admin"
    assert registry(log).get("sms").max_segments == 2
    assert registry(log).get("x").max_chars == 280


def test_only_an_admin_configures_channels(log, people):
    for user in ("comms", "editor", "vav", "reviewer"):
        refuses(
            log,
            Forbidden,
            "role_not_allowed",
            lambda user=user: change_channel(log, people[user], "sms", max_segments=5),
        )


def test_admin_adds_a_channel_and_posts_can_use_it(log, people):
    add_channel(
        log,
        people["admin"],
        key="tiktok",
        name="TikTok",
        role="Korte videoer for unge.",
        dialogue=False,
        max_chars=150,
        expectations="Vi publiserer korte videoer og svarer ikke på kommentarer.",
    )
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    website = flow.published(log, people, incident, [fact])
    post = flow.draft(log, people, incident, [fact], "tiktok", links_to=website)
    assert log.repository.get(post.id).channel == "tiktok"
    refuses(
        log,
        Refused,
        "post_too_long",
        lambda: flow.draft(
            log, people, incident, [fact], "tiktok", links_to=website, text="a" * 151
        ),
    )


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"key": "facebook", "name": "Facebook 2", "role": "x"}, Conflict, "channel_exists"),
        ({"key": "Tik Tok", "name": "TikTok", "role": "x"}, Refused, "channel_key_invalid"),
        ({"key": "tiktok", "name": " ", "role": "x"}, Refused, "channel_name_required"),
        (
            {"key": "tiktok", "name": "T", "role": "x", "max_chars": 0},
            Refused,
            "channel_limit_invalid",
        ),
        (
            {"key": "tiktok", "name": "T", "role": "x", "counting": "words"},
            Refused,
            "unknown_counting",
        ),
        (
            {"key": "tiktok", "name": "T", "role": "x", "max_segments": 2},
            Refused,
            "segments_only_for_sms",
        ),
        (
            {"key": "tiktok", "name": "T", "role": "x", "status": "retired"},
            Refused,
            "channel_status_invalid",
        ),
    ],
)
def test_bad_channels_are_refused(log, people, fields, error, code):
    refuses(log, error, code, lambda: add_channel(log, people["admin"], **fields))


def test_changes_that_make_no_sense_are_refused(log, people):
    admin = people["admin"]
    refuses(
        log,
        Refused,
        "website_stays_active",
        lambda: change_channel(log, admin, "website", status="inactive"),
    )
    refuses(
        log,
        Refused,
        "website_stays_active",
        lambda: retire_channel(log, admin, "website", reason="Ny side."),
    )
    refuses(
        log, Conflict, "channel_unchanged", lambda: change_channel(log, admin, "x", max_chars=280)
    )
    refuses(
        log, Refused, "channel_field_required", lambda: change_channel(log, admin, "x", name=None)
    )
    refuses(
        log, Refused, "channel_field_unknown", lambda: change_channel(log, admin, "x", colour="blå")
    )
    refuses(
        log,
        Refused,
        "channel_status_invalid",
        lambda: change_channel(log, admin, "x", status="retired"),
    )
    refuses(
        log, NotFound, "channel_not_found", lambda: change_channel(log, admin, "myspace", name="M")
    )
    refuses(
        log,
        Refused,
        "retirement_needs_reason",
        lambda: retire_channel(log, admin, "vimeo", reason=" "),
    )


def test_a_limit_can_be_lifted(log, people):
    change_channel(log, people["admin"], "linkedin", max_chars=None)
    assert registry(log).get("linkedin").max_chars is None


def test_post_rules_read_the_registry_not_the_defaults(log, people):
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    website = flow.published(log, people, incident, [fact])
    text = "Kokevarsel. " * 10  # 120 characters
    flow.draft(log, people, incident, [fact], "x", links_to=website, text=text)
    change_channel(log, people["admin"], "x", max_chars=100)
    refuses(
        log,
        Refused,
        "post_too_long",
        lambda: flow.draft(log, people, incident, [fact], "x", links_to=website, text=text),
    )


def test_a_reserved_channel_activated_by_an_admin_can_be_used(log, people):
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    website = flow.published(log, people, incident, [fact])
    draft = lambda: flow.draft(log, people, incident, [fact], "instagram", links_to=website)  # noqa: E731
    refuses(log, Refused, "channel_inactive", draft)
    change_channel(log, people["admin"], "instagram", status="active")
    assert draft().id


def test_a_retired_channel_refuses_drafts_and_publishing(log, people):
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    website = flow.published(log, people, incident, [fact])
    post = flow.draft(log, people, incident, [fact], "vimeo", links_to=website).id
    approve_post(log, people["editor"], post)
    retire_channel(log, people["admin"], "vimeo", reason="Kontoen er lagt ned.")
    assert registry(log).get("vimeo").status == "retired"
    refuses(log, Refused, "channel_retired", lambda: publish_post(log, people["comms"], post))
    refuses(
        log,
        Refused,
        "channel_retired",
        lambda: flow.draft(log, people, incident, [fact], "vimeo", links_to=website),
    )
    refuses(
        log,
        Conflict,
        "channel_retired",
        lambda: change_channel(log, people["admin"], "vimeo", status="active"),
    )


def test_stale_registry_version_is_a_conflict(log, people):
    change_channel(log, people["admin"], "sms", max_segments=2)
    version = registry(log).version
    change_channel(log, people["admin"], "sms", max_segments=4, version=version)
    refuses(
        log,
        Conflict,
        "stale_version",
        lambda: change_channel(log, people["admin"], "sms", max_segments=5, version=version),
    )
