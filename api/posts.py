"""Post commands over HTTP. Drafting answers with the guidelines' advice for
the channel in `warnings` (the post is saved all the same)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Short, Text, Versioned, done, version_of
from api.deps import allowed, runtime
from crisis.channels.service import find_channel
from crisis.errors import CrisisError
from crisis.log import CrisisLog
from crisis.people.model import Actor
from crisis.posts import limits, service
from web.texts import error_text, pick_language, warning_text

router = APIRouter(prefix="/api", tags=["posts"])


class DraftPost(Command):
    channel: Short = Field(examples=["website"])
    text: Text
    cites: list[UUID] = Field(
        max_length=50,
        description="The approved facts it rests on (at least one; the rule says why).",
    )
    links_to: UUID | None = Field(None, description="The website post this post builds on.")


class RetractPost(Versioned):
    reason: str = Field(max_length=2000, description="What was wrong; required.")
    apology: Text = Field(description="The apology posted on the same channel.")
    cites: list[UUID] = Field([], max_length=50, description="Facts the apology rests on.")
    links_to: UUID | None = Field(
        None, description="Website post for the apology to link to (default: the retracted one's)."
    )


class DiscardPost(Versioned):
    reason: str = Field(max_length=2000)


@router.post("/incidents/{incident_id}/posts", status_code=201, response_model=Accepted)
def draft_post(
    incident_id: UUID,
    body: DraftPost,
    actor: Annotated[Actor, Depends(allowed("draft_post"))],
    request: Request,
) -> Accepted:
    return done(
        request,
        lambda log: service.draft_post(log, actor, incident_id=incident_id, **body.model_dump()),
    )


@router.post("/posts/{post_id}/approve", response_model=Accepted)
def approve_post(
    post_id: UUID,
    actor: Annotated[Actor, Depends(allowed("approve_post"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    """Editor only; with four eyes on for the incident, not the post's author."""
    return done(request, lambda log: service.approve_post(log, actor, post_id, version_of(body)))


@router.post("/posts/{post_id}/publish", response_model=Accepted)
def publish_post(
    post_id: UUID,
    actor: Annotated[Actor, Depends(allowed("publish_post"))],
    request: Request,
    body: Versioned | None = None,
) -> Accepted:
    return done(request, lambda log: service.publish_post(log, actor, post_id, version_of(body)))


@router.post("/posts/{post_id}/retract", status_code=201, response_model=Accepted)
def retract_post(
    post_id: UUID,
    body: RetractPost,
    actor: Annotated[Actor, Depends(allowed("retract_post"))],
    request: Request,
) -> Accepted:
    """Take down an erroneous published post and draft its apology in one step.
    Answers with the apology's id; approve and publish it like any post."""
    return done(request, lambda log: service.retract_post(log, actor, post_id, **body.model_dump()))


@router.post("/posts/{post_id}/discard", response_model=Accepted)
def discard_post(
    post_id: UUID,
    body: DiscardPost,
    actor: Annotated[Actor, Depends(allowed("discard_post"))],
    request: Request,
) -> Accepted:
    """Drop a draft or approved post that will not be published, with a reason."""
    return done(request, lambda log: service.discard_post(log, actor, post_id, **body.model_dump()))


class DraftText(Command):
    channel: Short
    text: str = Field("", max_length=20000)


class Preview(Command):
    drafts: list[DraftText] = Field(min_length=1, max_length=30)


@router.post("/posts/preview")
def preview(
    body: Preview, actor: Annotated[Actor, Depends(allowed("draft_post"))], request: Request
) -> dict[str, Any]:
    """Counts, limits, advice and refusal for drafts, per channel, as drafting
    would give them; nothing is saved. For live counters while writing."""
    actor.require("draft_post")
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    log = runtime(request).log
    return {"previews": [_preview(log, draft, lang) for draft in body.drafts]}


def _preview(log: CrisisLog, draft: DraftText, lang: str) -> dict[str, Any]:
    result: dict[str, Any] = {"channel": draft.channel, "warnings": [], "refusal": None}
    try:
        channel = find_channel(log, draft.channel)
        result.update(name=channel.name, **limits.measure(channel, draft.text))
        warnings = limits.check(channel, draft.text)
    except CrisisError as exc:
        result["refusal"] = {"code": exc.code, "detail": error_text(exc.code, lang, **exc.params)}
        return result
    result["warnings"] = [
        {"code": w["code"], "detail": warning_text(w["code"], lang, **w["params"])}
        for w in warnings
    ]
    return result
