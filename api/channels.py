"""The channel registry over HTTP: anyone may read it (the expectation texts
are for the public); only an admin changes it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.commands import Accepted, Command, Short, done
from api.deps import allowed, not_gated, runtime
from crisis.channels import service
from crisis.people.model import Actor

router = APIRouter(prefix="/api", tags=["channels"])
Key = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,29}$", examples=["tiktok"])


class ChannelFields(Command):
    name: Short | None = None
    role: str | None = Field(None, max_length=500)
    dialogue: bool | None = Field(None, description="False: publishing only, no dialogue.")
    status: str | None = Field(
        None, max_length=20, description="active, or inactive (a reserved name)."
    )
    owner: Short | None = None
    editor: Short | None = Field(None, description="The one responsible editor.")
    counting: str | None = Field(
        None, max_length=20, description="chars, x (X's weighted count) or sms."
    )
    max_chars: int | None = None
    max_segments: int | None = Field(None, description="SMS only.")
    advised_chars: int | None = Field(None, description="Longer drafts get a warning.")
    advice: str | None = Field(None, max_length=500)
    expectations: str | None = Field(
        None, max_length=3000, description="What the public can expect here, in bokmål."
    )


class AddChannel(ChannelFields):
    key: str = Key
    name: Short
    role: str = Field(max_length=500)
    version: int | None = None


class ChangeChannel(ChannelFields):
    version: int | None = None


class RetireChannel(Command):
    reason: str = Field(max_length=2000)
    version: int | None = None


class ChannelOut(BaseModel):
    key: str
    name: str
    role: str
    dialogue: bool
    status: str
    canonical: bool
    publishing: bool
    owner: str
    editor: str
    counting: str
    max_chars: int | None
    max_segments: int | None
    advised_chars: int | None
    advice: str
    expectations: str


class Channels(BaseModel):
    version: int = Field(description="The registry's version, for optimistic changes.")
    channels: list[ChannelOut]


@router.get(
    "/channels",
    response_model=Channels,
    dependencies=[Depends(not_gated("public: the expectation texts are for everyone"))],
)
def list_channels(request: Request) -> dict[str, Any]:
    """Every channel with its owner, editor, limits and expectation text."""
    registry = service.registry(runtime(request).log)
    return {
        "version": registry.version,
        "channels": [
            {**c.as_record(), "canonical": c.canonical, "publishing": c.publishing}
            for c in registry.channels.values()
        ],
    }


@router.post("/channels", status_code=201, response_model=Accepted)
def add_channel(
    body: AddChannel,
    actor: Annotated[Actor, Depends(allowed("configure_channels"))],
    request: Request,
) -> Accepted:
    fields = body.model_dump(exclude_none=True)
    return done(request, lambda log: service.add_channel(log, actor, **fields))


@router.post("/channels/{key}/change", response_model=Accepted)
def change_channel(
    key: str,
    body: ChangeChannel,
    actor: Annotated[Actor, Depends(allowed("configure_channels"))],
    request: Request,
) -> Accepted:
    """Change only the fields given; send null to lift a limit."""
    changes = body.model_dump(exclude_unset=True)
    return done(request, lambda log: service.change_channel(log, actor, key, **changes))


@router.post("/channels/{key}/retire", response_model=Accepted)
def retire_channel(
    key: str,
    body: RetireChannel,
    actor: Annotated[Actor, Depends(allowed("configure_channels"))],
    request: Request,
) -> Accepted:
    return done(request, lambda log: service.retire_channel(log, actor, key, **body.model_dump()))
