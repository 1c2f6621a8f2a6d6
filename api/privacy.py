"""Residents' personal data over HTTP: remove a text holding sensitive personal
information, or erase everything a person wrote to us (see `crisis.privacy`).
Expiry after the retention time runs in the server (`server.retention`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.commands import Accepted, Command, Versioned, done
from api.deps import allowed
from crisis.people.model import Actor
from crisis.privacy import service

router = APIRouter(prefix="/api", tags=["personal data"])


class Redact(Versioned):
    reason: str = Field(
        max_length=2000,
        examples=["Helseopplysninger om et barn"],
        description="Why the text goes. It is kept; the text never is.",
    )


class Erase(Command):
    note: str = Field(
        "",
        max_length=500,
        description="For the record, e.g. the case number of the request. No personal data.",
    )


@router.post("/inquiries/{inquiry_id}/redact", response_model=Accepted)
def redact(
    inquiry_id: UUID,
    body: Redact,
    actor: Annotated[Actor, Depends(allowed("redact_inquiry"))],
    request: Request,
) -> Accepted:
    """Remove sensitive personal information: the inquiry's text is deleted for
    good (its key is destroyed) and hidden at once on the board, the desks, the
    replay, the review and the report. The reason is recorded, the text never."""
    return done(
        request, lambda log: service.redact_inquiry(log, actor, inquiry_id, **body.model_dump())
    )


@router.post("/inquiries/{inquiry_id}/erase", response_model=Accepted)
def erase(
    inquiry_id: UUID,
    body: Erase,
    actor: Annotated[Actor, Depends(allowed("erase_personal_data"))],
    request: Request,
) -> Accepted:
    """Erase the person behind this inquiry: their handle, message ids and texts
    in every inquiry of theirs (the right to erasure). Counts and times stay."""
    return done(request, lambda log: service.erase_person(log, actor, inquiry_id, note=body.note))
