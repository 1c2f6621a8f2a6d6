"""Post commands, with the rules that span aggregates: cite approved facts
only, and publish on the website before any other channel."""

from __future__ import annotations

from uuid import UUID

from crisis.channels import DEFAULT_CHANNELS, WEBSITE
from crisis.errors import Refused
from crisis.facts.model import Fact
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.posts.model import Post


def draft_post(
    log: CrisisLog,
    actor: Actor,
    *,
    incident_id: UUID,
    channel: str,
    text: str,
    cites: list[UUID],
    links_to: UUID | None = None,
) -> Saved:
    actor.require("draft_post")
    log.load(Incident, incident_id).require_open()
    _require_channel(channel)
    for fact_id in cites:
        _require_citable(log, fact_id, incident_id)
    if channel != WEBSITE:
        if links_to is None:
            raise Refused("website_link_required")
        _website_post(log, links_to, incident_id)
    post = Post.draft(
        incident_id=incident_id,
        channel=channel,
        text=text,
        cites=list(cites),
        links_to=links_to if channel != WEBSITE else None,
        by=actor.as_record(),
        at=log.clock.now(),
    )
    return log.record(post)


def approve_post(log: CrisisLog, actor: Actor, post_id: UUID, version: int | None = None) -> Saved:
    actor.require("approve_post")
    post = log.load(Post, post_id, version)
    post.approve(by=actor.as_record(), at=log.clock.now())
    return log.record(post)


def publish_post(log: CrisisLog, actor: Actor, post_id: UUID, version: int | None = None) -> Saved:
    post = log.load(Post, post_id, version)
    actor.require("publish_post", channel=post.channel)
    for fact_id in post.cites:
        _require_citable(log, fact_id, post.incident_id)
    if (
        post.links_to is not None
        and not _website_post(log, post.links_to, post.incident_id).is_published
    ):
        raise Refused("website_first")
    post.publish(by=actor.as_record(), at=log.clock.now())
    return log.record(post)


def _require_channel(key: str) -> None:
    channel = DEFAULT_CHANNELS.get(key)
    if channel is None:
        raise Refused("unknown_channel", channel=key)
    if not channel.publishing:
        raise Refused("channel_inactive", channel=channel.name)


def _require_citable(log: CrisisLog, fact_id: UUID, incident_id: UUID) -> None:
    fact = log.load(Fact, fact_id)
    if fact.incident_id != incident_id:
        raise Refused("fact_of_other_incident")
    if not fact.is_approved:
        raise Refused("fact_not_approved", fact=fact.text[:60])


def _website_post(log: CrisisLog, post_id: UUID, incident_id: UUID) -> Post:
    post = log.load(Post, post_id)
    if post.channel != WEBSITE or post.incident_id != incident_id:
        raise Refused("links_to_not_website")
    return post
