"""Inquiries delivered by channel integrations.

`POST /api/webhooks/{channel}` takes a JSON list of messages (at most
MAX_BATCH) signed with HMAC-SHA256 over the raw body, in the header
`X-Crisis-Signature: sha256=<hex>`, with the channel's secret. The secret comes
from the environment variable `CRISIS_WEBHOOK_SECRET_<CHANNEL>` (e.g.
`CRISIS_WEBHOOK_SECRET_FACEBOOK`), else from `webhook-secrets.json` in the data
folder (`{"facebook": "<secret>"}`), checked again whenever it changes so it can
be rotated without a restart (see `server.webhook_secrets`). A channel without
a secret takes no deliveries. Control characters (NUL, escape sequences, ...)
are taken out of what residents wrote before anything is stored.

Deliveries are idempotent by (channel, external id): a retry adds nothing and
is reported as duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError

from api.commands import Command, Short, Text
from api.deps import NotAuthenticated, not_gated, runtime
from crisis.errors import Forbidden, Refused, Unavailable
from crisis.inquiries.service import MAX_BATCH, Intake, Message, receive_delivery
from server.webhook_secrets import SECRETS_FILE, SecretsError

__all__ = ["SECRETS_FILE", "router", "sign"]

router = APIRouter(prefix="/api", tags=["webhooks"])
log = logging.getLogger(__name__)
KEPT_CONTROLS = {"\n", "\t"}


def printable(text: object) -> object:
    """The text without control characters (C0, C1, DEL, lone surrogates);
    line breaks and tabs stay. Residents' text reaches pages, exports and terminals."""
    if not isinstance(text, str) or text.isprintable():  # printable: no controls at all
        return text
    return "".join(
        c for c in text if c in KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs")
    )


PublicText = Annotated[Text, BeforeValidator(printable)]
PublicShort = Annotated[Short, BeforeValidator(printable)]


class WebhookMessage(Command):
    """One message; unknown fields (a name, an e-mail address) are refused, since
    the municipality keeps nothing about the person beyond the handle."""

    external_id: PublicShort = Field(description="The channel's message id.")
    handle: PublicShort = Field(description="The person's handle on the channel.")
    text: PublicText
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
    try:
        secret = rt.webhook_secrets.secret(channel)
    except SecretsError as exc:
        log.error("webhook deliveries refused: %s", exc)
        raise Unavailable("webhook_secrets_invalid") from None
    if secret is None:  # the caller is not told how a channel is configured
        log.warning("a delivery for %r, which has no secret (%s)", channel, SECRETS_FILE)
        raise Forbidden("webhook_not_configured")
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


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, given: str) -> bool:
    """Compared in constant time, so the answer's timing gives nothing away."""
    return hmac.compare_digest(sign(secret, body).encode(), given.strip().encode())
