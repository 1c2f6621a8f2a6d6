"""Inquiries delivered by channel integrations.

`POST /api/webhooks/{channel}` takes a JSON list of messages (at most
MAX_BATCH) signed with HMAC-SHA256 over the raw body, in the header
`X-Crisis-Signature: sha256=<hex>`, with the channel's secret. The secret comes
from the environment variable `CRISIS_WEBHOOK_SECRET_<CHANNEL>` (e.g.
`CRISIS_WEBHOOK_SECRET_FACEBOOK`), else from `webhook-secrets.json` in the data
folder (`{"facebook": "<secret>"}`), read on every delivery so it can be
rotated without a restart. A channel without a secret takes no deliveries.

Deliveries are idempotent by (channel, external id): a retry adds nothing and
is reported as duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from api.commands import Command, Short, Text
from api.deps import NotAuthenticated, not_gated, runtime
from crisis.errors import Forbidden, Refused
from crisis.inquiries.service import MAX_BATCH, Intake, Message, receive_delivery
from server.settings import Settings

router = APIRouter(prefix="/api", tags=["webhooks"])

SECRETS_FILE = "webhook-secrets.json"


class WebhookMessage(Command):
    """One message; unknown fields (a name, an e-mail address) are refused, since
    the municipality keeps nothing about the person beyond the handle."""

    external_id: str = Field(min_length=1, max_length=200, description="The channel's message id.")
    handle: Short = Field(description="The person's handle on the channel.")
    text: Text
    incident_id: UUID | None = Field(
        None, description="Defaults to the `incident` query parameter."
    )


_BATCH = TypeAdapter(list[WebhookMessage])


class Delivered(BaseModel):
    external_id: str
    id: UUID
    status: str = Field(description="accepted, or duplicate (already received)")


class DeliveryReport(BaseModel):
    accepted: int
    duplicates: int
    position: int
    items: list[Delivered]


@router.post(
    "/webhooks/{channel}",
    response_model=DeliveryReport,
    dependencies=[Depends(not_gated("signed with the channel's HMAC secret instead"))],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "maxItems": MAX_BATCH,
                        "items": WebhookMessage.model_json_schema(),
                    }
                }
            },
        }
    },
)
async def deliver(
    channel: str,
    request: Request,
    x_crisis_signature: Annotated[
        str | None, Header(description="sha256=<hex HMAC-SHA256 of the raw body>")
    ] = None,
    incident: UUID | None = None,
) -> DeliveryReport:
    """A batch of inquiries from a channel integration, saved in one transaction."""
    rt = runtime(request)
    secret = webhook_secret(rt.settings, channel)
    if secret is None:
        raise Forbidden("webhook_not_configured", channel=channel)
    body = await request.body()  # bounded by the app's body limit (api.guards)
    if not signature_matches(secret, body, x_crisis_signature or ""):
        raise NotAuthenticated("bad_signature")
    try:
        batch = _BATCH.validate_json(body)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from exc
    messages = []
    for m in batch:
        incident_id = m.incident_id or incident
        if incident_id is None:
            raise Refused("webhook_incident_required")
        messages.append(Message(incident_id, m.external_id, m.handle, m.text))

    def save() -> Intake:
        intake = receive_delivery(rt.log, channel, messages)
        rt.board.wait(intake.position)
        return intake

    intake = await run_in_threadpool(save)
    return DeliveryReport(
        accepted=intake.accepted,
        duplicates=intake.duplicates,
        position=intake.position,
        items=[
            Delivered(external_id=x, id=i, status="accepted" if new else "duplicate")
            for x, i, new in intake.results
        ],
    )


def webhook_secret(settings: Settings, channel: str) -> str | None:
    """The channel's secret: the environment first, then the data folder's file."""
    secret = os.environ.get(f"CRISIS_WEBHOOK_SECRET_{channel.upper()}")
    if not secret:
        path = settings.data_dir / SECRETS_FILE
        if path.exists():
            secret = json.loads(path.read_text(encoding="utf-8")).get(channel)
    return secret or None


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, given: str) -> bool:
    """Compared in constant time, so the answer's timing gives nothing away."""
    return hmac.compare_digest(sign(secret, body).encode(), given.strip().encode())
