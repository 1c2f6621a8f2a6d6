"""Post commands, with the rules that span aggregates: cite approved, current
facts only; respect the channel registry's limits; four eyes when the
incident asks for it; publish on the website before any other channel."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from crisis.channels import WEBSITE
from crisis.channels.service import find_channel
from crisis.errors import Refused
from crisis.facts.service import citable_fact
from crisis.incidents.model import Incident
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor
from crisis.posts import limits
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
    """A draft; the answer carries the guidelines' advice for the channel, if any."""
    actor.require("draft_post")
    log.load(Incident, incident_id).require_open()
    post = _draft(log, actor, incident_id, channel, text, cites, links_to)
    return _with_warnings(log.record(post), post.warnings)


def approve_post(log: CrisisLog, actor: Actor, post_id: UUID, version: int | None = None) -> Saved:
    actor.require("approve_post")
    post = log.load(Post, post_id, version)
    incident = log.load(Incident, post.incident_id)
    post.approve(by=actor.as_record(), at=log.clock.now(), four_eyes=incident.four_eyes)
    return log.record(post)


def publish_post(log: CrisisLog, actor: Actor, post_id: UUID, version: int | None = None) -> Saved:
    """Publish, checking again what may have changed since the draft: the facts,
    the channel's limits and status, and the website post it links to."""
    post = log.load(Post, post_id, version)
    actor.require("publish_post", channel=post.channel)
    for fact_id, revision in zip(post.cites, post.revisions, strict=True):
        fact = citable_fact(log, fact_id, post.incident_id)
        if fact.revision != revision:
            raise Refused("fact_corrected_since_draft", fact=fact.text[:60])
    warnings = limits.check(find_channel(log, post.channel), post.text)
    if (
        post.links_to is not None
        and not _website_post(log, post.links_to, post.incident_id).is_published
    ):
        raise Refused("website_first")
    post.publish(by=actor.as_record(), at=log.clock.now())
    return _with_warnings(log.record(post), warnings)


def retract_post(
    log: CrisisLog,
    actor: Actor,
    post_id: UUID,
    *,
    reason: str,
    apology: str,
    cites: list[UUID] | None = None,
    links_to: UUID | None = None,
    version: int | None = None,
) -> Saved:
    """Take down an erroneous published post and draft, in the same step, the
    apology on the same channel that corrects it (it is approved and published
    like any post). Answers with the apology's id."""
    actor.require("retract_post")
    post = log.load(Post, post_id, version)
    post.require_retractable(reason)
    correction = _draft(
        log,
        actor,
        post.incident_id,
        post.channel,
        apology,
        cites or [],
        links_to or post.links_to,
        corrects=post.id,
    )
    post.retract(reason, correction.id, by=actor.as_record(), at=log.clock.now())
    return _with_warnings(log.record(post, correction), correction.warnings)


def discard_post(
    log: CrisisLog, actor: Actor, post_id: UUID, *, reason: str, version: int | None = None
) -> Saved:
    actor.require("discard_post")
    post = log.load(Post, post_id, version)
    post.discard(reason, by=actor.as_record(), at=log.clock.now())
    return log.record(post)


def _draft(
    log: CrisisLog,
    actor: Actor,
    incident_id: UUID,
    channel: str,
    text: str,
    cites: list[UUID],
    links_to: UUID | None,
    corrects: UUID | None = None,
) -> Post:
    target = find_channel(log, channel)
    limits.require_publishing(target)
    cites = list(dict.fromkeys(cites))
    revisions = [citable_fact(log, fact_id, incident_id).revision for fact_id in cites]
    if channel != WEBSITE:
        if links_to is None:
            raise Refused("website_link_required")
        _website_post(log, links_to, incident_id)
    warnings = limits.check(target, text) if text.strip() else []
    return Post.draft(
        incident_id=incident_id,
        channel=channel,
        text=text,
        cites=cites,
        revisions=revisions,
        links_to=links_to if channel != WEBSITE else None,
        corrects=corrects,
        warnings=warnings,
        by=actor.as_record(),
        at=log.clock.now(),
    )


def _website_post(log: CrisisLog, post_id: UUID, incident_id: UUID) -> Post:
    post = log.load(Post, post_id)
    if post.channel != WEBSITE or post.incident_id != incident_id:
        raise Refused("links_to_not_website")
    return post


def _with_warnings(saved: Saved, warnings: list[dict]) -> Saved:
    return replace(saved, warnings=tuple(warnings))
